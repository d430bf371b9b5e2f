"""Fixtures for the attack tests: a loopback listener that records every connection made to it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest



@dataclass
class Listener:
    """A TCP socket on 127.0.0.1 that accepts and records connections (answers nothing useful)."""

    port: int
    connections: list[tuple[str, int]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture()
def listener() -> Iterator[Listener]:
    """A loopback listener; ``connections`` lists every peer that connected while the test ran."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    found = Listener(sock.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, peer = sock.accept()
            except OSError:
                continue
            found.connections.append(peer)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield found
    stop.set()
    thread.join(timeout=2)
    sock.close()


@dataclass
class Site:
    """The app over the scratch store (seeded with gjovik-ntnu) with its own data directory, on loopback."""

    url: str
    app: object
    settings: object
    store: object


def _seed() -> dict[str, object]:
    cached = getattr(_seed, "cached", None)
    if cached is None:
        from towngown.publish import collect
        from towngown.resources import data_dir

        dataset, _ = collect([data_dir() / "gjovik-ntnu.trig"])
        cached = {str(g.identifier): g for g in dataset.graphs() if len(g)}
        _seed.cached = cached  # type: ignore[attr-defined]
    return cached


def make_site(store, tmp_path, **settings: object) -> tuple[Site, object]:  # noqa: ANN001
    """A writable site over ``store`` with a fresh data directory, served by a threaded server on loopback."""
    from werkzeug.serving import make_server

    from towngown.config import Settings
    from towngown.publish import write_graphs
    from towngown.web import create_app

    write_graphs(store, _seed())
    chosen = Settings(data_dir=tmp_path / "var", max_request_bytes=200_000, publish_lock_timeout_s=10.0).with_(**settings)
    app = create_app(chosen, store)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Site(f"http://127.0.0.1:{server.server_port}", app, chosen, store), server


@pytest.fixture()
def site(store, tmp_path) -> Iterator[Site]:  # noqa: ANN001
    """A writable site on loopback (200 kB body limit, default limits otherwise)."""
    made, server = make_site(store, tmp_path)
    yield made
    server.shutdown()


@pytest.fixture()
def site_with(store, tmp_path):  # noqa: ANN001, ANN201
    """A factory of writable sites with changed settings: ``site_with(auth_failures_per_minute=3)``."""
    servers = []

    def build(**settings: object) -> Site:
        made, server = make_site(store, tmp_path, **settings)
        servers.append(server)
        return made

    yield build
    for server in servers:
        server.shutdown()
