"""Fixtures for the web tier: the Flask app over the loaded store, and the same app behind a real HTTP server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from werkzeug.serving import make_server

from towngown.config import Settings
from towngown.web import create_app


@dataclass
class LiveServer:
    """An app served by a real threaded HTTP server on a free loopback port."""

    url: str
    app: Flask


def serve_in_thread(app: Flask) -> tuple[LiveServer, object]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    return LiveServer(f"http://127.0.0.1:{server.server_port}", app), server


@pytest.fixture(scope="session")
def app(loaded_store) -> Flask:  # noqa: ANN001
    """The towngown app over the store holding ontology/ and data/."""
    return create_app(Settings(), loaded_store)


@pytest.fixture()
def client(app: Flask):  # noqa: ANN201
    """Flask's test client for the app."""
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The app behind a real HTTP server on loopback, for real clients (SPARQLWrapper, rdflib's SPARQLStore)."""
    live, server = serve_in_thread(app)
    yield live
    server.shutdown()


# -- publishing (issue 5): the app over a WRITABLE scratch store, never over loaded_store --


@pytest.fixture()
def publishing_site(writable_site):  # noqa: ANN001, ANN201
    """A site to publish to: the scratch store seeded with gjovik-ntnu, a fresh data directory, a 200 kB body
    limit, served on loopback (tests/conftest.py writable_site)."""
    return writable_site()
