"""HTTP caching: an ETag from the dataset version and the request's variant, Cache-Control, 304 answers to
If-None-Match, and a small bounded cache of whole responses in each worker.

Every read answer of towngown (pages, stored-query results, /sparql GET results, VoID, dumps) is a function of
the dataset, of the code and stored queries in use, and of the request: path, query string, Accept,
Accept-Language and host. The dataset's version
(``publish.dataset_version``) changes on every write, so ``(version, variant)`` names an answer. A worker
reads the version at most once per ``cache_version_ttl_s`` (one cheap query), so after a write in another
process an answer can be that much stale; a write through this worker forgets the version at once.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict

from flask import Flask, Response, current_app, g, request

from .. import __version__
from ..errors import TowngownError

__all__ = ["register_caching", "VersionClock", "ResponseCache", "UNCACHED_PREFIXES", "cache_of"]

logger = logging.getLogger(__name__)

#: Paths never cached: health checks, token-scoped publishing, the contribution form.
UNCACHED_PREFIXES = ("/healthz", "/graphs/", "/contribute")
#: No one response takes more than this share of the cache's budget (larger ones still get an ETag and 304s).
_MAX_ENTRY_SHARE = 8
_READS = ("GET", "HEAD")


class VersionClock:
    """The dataset version as this worker last read it, re-read at most every ``ttl_s`` seconds."""

    def __init__(self, read, ttl_s: float) -> None:  # noqa: ANN001 - a () -> str
        self._read = read
        self._ttl_s = ttl_s
        self._lock = threading.Lock()
        self._value = ""
        self._expires = 0.0

    def current(self) -> str:
        """The version, from memory while fresh; one thread re-reads it when stale, the others wait for it."""
        now = time.monotonic()
        if now < self._expires:
            return self._value
        with self._lock:
            if time.monotonic() >= self._expires:
                self._value = self._read()
                self._expires = time.monotonic() + self._ttl_s
            return self._value

    def forget(self) -> None:
        """Re-read on next use (after a write through this worker)."""
        self._expires = 0.0


class ResponseCache:
    """Whole 200 responses by ETag, least recently used first out, within a byte budget."""

    def __init__(self, budget_bytes: int) -> None:
        self._budget = budget_bytes
        self._used = 0
        self._entries: OrderedDict[str, tuple[bytes, list[tuple[str, str]]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, etag: str) -> tuple[bytes, list[tuple[str, str]]] | None:
        """The body and headers stored under ``etag``, if any."""
        with self._lock:
            entry = self._entries.get(etag)
            if entry is not None:
                self._entries.move_to_end(etag)
            return entry

    def put(self, etag: str, body: bytes, headers: list[tuple[str, str]]) -> None:
        """Keep a response (if it fits), dropping the least recently used ones to make room."""
        size = len(body) + sum(len(k) + len(v) for k, v in headers)
        if size > self._budget // _MAX_ENTRY_SHARE:
            return
        with self._lock:
            if etag in self._entries:
                return
            self._entries[etag] = (body, headers)
            self._used += size
            while self._used > self._budget and self._entries:
                _, (old_body, old_headers) = self._entries.popitem(last=False)
                self._used -= len(old_body) + sum(len(k) + len(v) for k, v in old_headers)

    def __len__(self) -> int:
        return len(self._entries)


def register_caching(app: Flask) -> None:
    """ETag, Cache-Control, 304 and the response cache on ``app`` (off when TOWNGOWN_HTTP_CACHE is false)."""
    settings = app.extensions["towngown.settings"]
    if not settings.http_cache:
        return
    from ..publish import dataset_version

    store = app.extensions["towngown.store"]
    clock = VersionClock(lambda: dataset_version(store, settings.base_iri), settings.cache_version_ttl_s)
    cache = ResponseCache(settings.response_cache_mb * 1024 * 1024)
    app.extensions["towngown.cache"] = cache
    app.extensions["towngown.version_clock"] = clock
    cache_control = f"public, max-age={settings.cache_max_age_s}"

    @app.before_request
    def _conditional() -> Response | None:
        if not _cacheable_request():
            return None
        try:
            version = clock.current()
        except TowngownError as exc:  # the store is down: let the view answer (or fail) as it would
            logger.info("no dataset version for caching: %s", exc)
            return None
        etag = _etag(version)
        g.towngown_etag = etag
        if request.if_none_match.contains_weak(etag):
            g.towngown_cached = True
            response = Response(status=304)
            response.set_etag(etag, weak=True)
            response.headers["Cache-Control"] = cache_control
            response.headers["Vary"] = "Accept, Accept-Language"
            return response
        entry = cache.get(etag) if settings.response_cache_mb else None
        if entry is not None:
            g.towngown_cached = True
            body, headers = entry
            return Response(body, status=200, headers=headers)
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        if request.method not in _READS:
            if response.status_code < 400:
                clock.forget()  # this worker just wrote (or may have): the next read sees the new version
            response.headers.setdefault("Cache-Control", "no-store")
            return response
        if response.status_code >= 400 or request.path.startswith(UNCACHED_PREFIXES) or "Authorization" in request.headers:
            response.headers.setdefault("Cache-Control", "no-store")
            return response
        etag = g.get("towngown_etag")
        if etag is None or g.get("towngown_cached") or response.status_code != 200:
            return response
        if "Cache-Control" in response.headers or response.headers.getlist("Set-Cookie"):
            return response  # the view decided itself
        response.set_etag(etag, weak=True)
        response.headers["Cache-Control"] = cache_control
        _add_vary(response, "Accept", "Accept-Language")
        if settings.response_cache_mb and not response.is_streamed and not response.direct_passthrough:
            headers = [(k, v) for k, v in response.headers.items() if k.lower() not in ("date", "content-length")]
            cache.put(etag, response.get_data(), headers)
        return response


def _cacheable_request() -> bool:
    return (
        request.method in _READS
        and not request.path.startswith(UNCACHED_PREFIXES)
        and "Authorization" not in request.headers
    )


def _etag(version: str) -> str:
    """The dataset version and everything of the request an answer may depend on, hashed."""
    parts = (
        __version__,
        _catalog_fingerprint(),
        version,
        request.host_url,
        request.path,
        request.query_string.decode("latin-1"),
        request.headers.get("Accept", ""),
        request.headers.get("Accept-Language", ""),
    )
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).hexdigest()


def _catalog_fingerprint() -> str:
    """The stored queries in use (their text), hashed once per catalog: answers depend on them too. Not
    loaded here if no view has needed it yet (reading it takes seconds; a later ETag then merely differs)."""
    catalog = current_app.extensions.get("towngown.catalog")
    if catalog is None:
        return ""
    memo = current_app.extensions.get("towngown.catalog_fingerprint")
    if memo is None or memo[0] is not catalog:
        digest = hashlib.blake2b(digest_size=8)
        for query in catalog:
            digest.update(f"{query.name}\x1f{query.sparql}\x1f{query.error}\x1e".encode("utf-8"))
        memo = (catalog, digest.hexdigest())
        current_app.extensions["towngown.catalog_fingerprint"] = memo
    return memo[1]


def _add_vary(response: Response, *names: str) -> None:
    present = {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}
    for name in names:
        if name.lower() not in present:
            response.vary.add(name)


def cache_of(app: Flask | None = None) -> ResponseCache | None:
    """The response cache of an app (None when caching is off)."""
    return (app or current_app).extensions.get("towngown.cache")
