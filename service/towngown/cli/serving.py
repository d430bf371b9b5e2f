"""`towngown serve`: the web tier under gunicorn, N worker processes over one store.

The serving process (gunicorn's master) opens the store first: for the embedded engine that starts
``oxigraph serve`` once and records it in ``<data dir>/engine.json``; every worker then opens the store
itself and attaches to that engine (or, with TOWNGOWN_SPARQL_URL, talks to the external server). The
master stops the engine when gunicorn stops; a worker never does.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

import click

from .. import __version__
from ..config import Settings
from . import State, cli

__all__ = ["serve", "gunicorn_options", "WORKER_HEADER"]

logger = logging.getLogger(__name__)

#: Response header naming the worker process that answered (load-balancing and debugging).
WORKER_HEADER = "X-Towngown-Worker"


def gunicorn_options(settings: Settings, *, verbose: bool = False) -> dict[str, Any]:
    """gunicorn's settings for towngown: threaded workers, time limits just above the query limit."""
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": max(1, settings.workers),
        "worker_class": "gthread",
        "threads": max(1, settings.threads),
        # A worker whose main thread stays silent this long is restarted (requests run in its other threads;
        # each of their queries is bounded by query_timeout_s).
        "timeout": max(30, int(settings.query_timeout_s * 3)),
        "graceful_timeout": 10,
        "keepalive": 5,
        "proc_name": "towngown",
        "accesslog": "-" if verbose else None,
        "errorlog": "-",
        "loglevel": "info" if verbose else "warning",
        "preload_app": False,
    }


Wsgi = Callable[[dict, Callable], Iterable[bytes]]


def _worker_app(settings: Settings) -> Wsgi:
    """The app of one worker process (its own store client, attached to the shared engine), naming the worker
    in every answer."""
    from ..web import create_app

    app = create_app(settings)
    # What start-up built (modules, the app, the catalog, parsed shapes) lives as long as the worker: moved out of
    # the collector's generations, it is no longer walked by every collection a request triggers (~2 ms a page).
    gc.collect()
    gc.freeze()
    pid = str(os.getpid())

    def named(environ: dict, start_response: Callable) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable:
            return start_response(status, [*headers, (WORKER_HEADER, pid)], exc_info)

        return app(environ, start)

    return named


def _gunicorn(settings: Settings, options: dict[str, Any]):  # noqa: ANN202 - a gunicorn BaseApplication
    from gunicorn.app.base import BaseApplication

    class TowngownServer(BaseApplication):
        """gunicorn configured from towngown's settings instead of a command line."""

        def load_config(self) -> None:
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Wsgi:
            return _worker_app(settings)

    return TowngownServer()


@cli.command()
@click.option("--host", default=None, help="Address to listen on (default TOWNGOWN_HOST, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (default TOWNGOWN_PORT, 8080).")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default TOWNGOWN_WORKERS, 1).")
@click.option("--threads", type=click.IntRange(min=1), default=None, help="Threads per worker (default TOWNGOWN_THREADS, 4).")
@click.option("--access-log", is_flag=True, help="Log every request to stderr.")
@click.pass_obj
def serve(state: State, host: str | None, port: int | None, workers: int | None, threads: int | None, access_log: bool) -> None:
    """Serve the knowledge graph over HTTP with N worker processes (gunicorn) over one store."""
    from ..store import open_store

    changes = {"host": host, "port": port, "workers": workers, "threads": threads}
    settings = state.settings.with_(**{k: v for k, v in changes.items() if v is not None})
    # The master opens the store first: it starts the embedded engine once, for every worker to attach to.
    store = open_store(settings)
    master = os.getpid()
    try:
        if not store.ping():
            logger.warning("the store does not answer yet; workers will keep trying")
        click.echo(
            f"towngown {__version__} on http://{settings.host}:{settings.port}/ "
            f"({settings.workers} worker(s) x {settings.threads} thread(s))",
            err=True,
        )
        _gunicorn(settings, gunicorn_options(settings, verbose=access_log)).run()
    finally:
        # gunicorn's workers are forks of this process and leave through here too: only the master may stop
        # the engine (and only if it started it).
        if os.getpid() == master:
            store.close()
