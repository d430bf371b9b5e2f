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


@pytest.fixture()
def site(writable_site):  # noqa: ANN001, ANN201
    """A writable site on loopback (200 kB body limit, default limits otherwise; tests/conftest.py)."""
    return writable_site()


@pytest.fixture()
def site_with(writable_site):  # noqa: ANN001, ANN201
    """A factory of writable sites with changed settings: ``site_with(auth_failures_per_minute=3)``."""
    return writable_site
