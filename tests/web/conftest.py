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


@dataclass
class PublishingSite:
    """The app over the scratch store (seeded with gjovik-ntnu), with its own data directory for tokens and
    versions, behind a real HTTP server."""

    url: str
    app: Flask
    settings: Settings
    store: object


def _publishing_seed() -> dict[str, object]:
    """The gjovik-ntnu graph, parsed once per session."""
    cached = getattr(_publishing_seed, "cached", None)
    if cached is None:
        from towngown.publish import collect
        from towngown.resources import data_dir

        dataset, _ = collect([data_dir() / "gjovik-ntnu.trig"])
        cached = {str(g.identifier): g for g in dataset.graphs() if len(g)}
        _publishing_seed.cached = cached  # type: ignore[attr-defined]
    return cached


@pytest.fixture()
def publishing_site(store, tmp_path) -> Iterator[PublishingSite]:  # noqa: ANN001
    """A site to publish to: the scratch store seeded with gjovik-ntnu (loaded before versioning), a fresh data
    directory, a 200 kB body limit, served on loopback."""
    from towngown.publish import write_graphs

    write_graphs(store, _publishing_seed())
    settings = Settings(data_dir=tmp_path / "var", max_request_bytes=200_000, publish_lock_timeout_s=10.0)
    app = create_app(settings, store)
    live, server = serve_in_thread(app)
    yield PublishingSite(live.url, app, settings, store)
    server.shutdown()
