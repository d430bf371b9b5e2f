"""Per-client limits (issue 7): failed authentications per address, and concurrent public queries per address.

Both are in-process (per worker): they bound what one client can take from this worker, and the store's own
bound (max_concurrent_queries) still holds across everything.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, request

from ..errors import StoreBusy, TooManyRequests

__all__ = ["AuthFailureLimiter", "QueryGate", "register_limits", "client_address", "auth_limiter", "query_gate"]

logger = logging.getLogger(__name__)


def client_address() -> str:
    """The address of the client (the socket's peer; X-Forwarded-For is not trusted)."""
    return request.remote_addr or "unknown"


class AuthFailureLimiter:
    """At most ``limit`` failed authentications per address in a sliding ``window_s``; after that, 429."""

    def __init__(self, limit: int, window_s: float = 60.0) -> None:
        self.limit = limit
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, address: str, now: float) -> deque[float]:
        times = self._failures[address]
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def check(self, address: str) -> None:
        """TooManyRequests (with retry_after seconds) when ``address`` has used up its failures."""
        if self.limit <= 0:
            return
        now = time.monotonic()
        with self._lock:
            times = self._prune(address, now)
            if len(times) >= self.limit:
                wait = max(1, math.ceil(times[0] + self.window_s - now))
                raise TooManyRequests(
                    f"too many failed authentications from this address; try again in {wait} s", retry_after=wait
                )

    def failed(self, address: str) -> None:
        """Record one failed authentication from ``address`` (logged without the token)."""
        now = time.monotonic()
        with self._lock:
            times = self._prune(address, now)
            times.append(now)
            count = len(times)
            if len(self._failures) > 10_000:  # bound the memory an address sweep can take
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]
        logger.warning("failed authentication from %s (%d in the last %.0f s)", address, count, self.window_s)


class QueryGate:
    """Bounds public SPARQL queries: at most ``per_client`` at once per address and ``total`` overall, so that
    one client cannot take every store slot and pages (which use the store too) keep theirs."""

    def __init__(self, total: int, per_client: int) -> None:
        self.total = max(1, total)
        self.per_client = max(1, per_client)
        self._total = threading.BoundedSemaphore(self.total)
        self._running: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, address: str) -> Iterator[None]:
        """Hold one query slot for ``address``: TooManyRequests (429) at once when the address has its share running,
        StoreBusy (503) after a short wait when every slot is taken."""
        with self._lock:
            if self._running[address] >= self.per_client:
                raise TooManyRequests(
                    f"this client already runs {self.per_client} queries at once; wait for one to finish",
                    retry_after=2,
                )
            self._running[address] += 1
        try:
            if not self._total.acquire(timeout=1.0):
                raise StoreBusy("all public query slots are busy; try again shortly", retry_after=2)
            try:
                yield
            finally:
                self._total.release()
        finally:
            with self._lock:
                self._running[address] -= 1
                if not self._running[address]:
                    del self._running[address]


def auth_limiter() -> AuthFailureLimiter:
    """The app's limiter of failed authentications."""
    return current_app.extensions["towngown.auth_limiter"]


def query_gate() -> QueryGate:
    """The app's gate for public queries."""
    return current_app.extensions["towngown.query_gate"]


def register_limits(app: Flask) -> None:
    """Create the app's limiters from its settings, and send Retry-After with every 429/503 that names one."""
    settings = app.extensions["towngown.settings"]
    app.extensions["towngown.auth_limiter"] = AuthFailureLimiter(settings.auth_failures_per_minute, 60.0)
    total = settings.max_public_queries or max(1, settings.max_concurrent_queries // 2)
    app.extensions["towngown.query_gate"] = QueryGate(total, settings.max_queries_per_client)
