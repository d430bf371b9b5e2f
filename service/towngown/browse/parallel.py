"""A page's independent store queries run side by side, so that a page waits for its slowest query rather than
for the sum of them (the store client is thread-safe and bounds the queries in flight itself).

Two guards keep a slow or broken store from making pages slower than they were one query at a time: a call
never waits in a queue for a thread (when every thread of the pool is busy with other pages it runs in the
caller's thread instead), and the calls for a store that has never answered a whole round yet run one after
another, stopping at the first error (a store finds out which engine it talks to on its first query: when that
engine hangs, one call should wait for its time limit, not every call of the page in turn).
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

__all__ = ["gather"]

logger = logging.getLogger(__name__)

#: Threads per process that run page queries beside the requests' own threads (the engine has few cores: more
#: queries at once only queue there).
_WORKERS = 4
_pool: ThreadPoolExecutor | None = None
_idle = threading.BoundedSemaphore(_WORKERS)
_pool_pid = 0
_pool_lock = threading.Lock()
_answered: weakref.WeakSet = weakref.WeakSet()


def _executor() -> tuple[ThreadPoolExecutor, threading.BoundedSemaphore]:
    """The process's pool and its count of idle threads, made on first use (and again in a forked worker, where
    the parent's threads are gone)."""
    global _pool, _idle, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="towngown-page")
            _idle = threading.BoundedSemaphore(_WORKERS)
            _pool_pid = os.getpid()
        return _pool, _idle


def _in_pool(call: Callable[[], Any]) -> Future | None:
    """``call`` started on an idle thread of the pool, or None when none is idle."""
    pool, idle = _executor()
    if not idle.acquire(blocking=False):
        return None

    def run() -> Any:
        try:
            return call()
        finally:
            idle.release()

    try:
        return pool.submit(run)
    except BaseException:
        idle.release()
        raise


def _has_answered(store: object) -> bool:
    try:
        return store in _answered
    except TypeError:  # a store that cannot be weakly referenced: no first round alone for it
        return True


def gather(*calls: Callable[[], Any], store: object | None = None) -> list[Any]:
    """The results of ``calls`` in order: the first runs in this thread, the others at the same time on idle pool
    threads (or after it, in this thread). The first error in the order of ``calls`` is raised once every call
    has finished. For a ``store`` that has not answered a whole gather yet, the calls run one after another."""
    if len(calls) <= 1 or (store is not None and not _has_answered(store)):
        results = [call() for call in calls]
        if store is not None:
            _answered.add(store)
        return results
    started = [(index, _in_pool(call)) for index, call in enumerate(calls) if index]
    results: list[Any] = [None] * len(calls)
    errors: list[tuple[int, BaseException]] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - re-raised below, after the others finished
            errors.append((index, exc))

    run(0, calls[0])
    for index, future in started:
        if future is None and not errors:  # after an error the page fails anyway: start nothing more
            run(index, calls[index])
    for index, future in started:
        if future is not None:
            run(index, future.result)
    if errors:
        raise min(errors, key=lambda item: item[0])[1]
    return results
