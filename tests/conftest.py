"""Shared fixtures: real `oxigraph serve` engines on loopback, one per test session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from towngown.resources import data_dir, ontology_dir
from towngown.store import OxigraphEngine, SparqlStore

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"


def _store_for(engine: OxigraphEngine) -> SparqlStore:
    base = engine.base_url
    return SparqlStore(f"{base}/query", f"{base}/update", f"{base}/store", timeout_s=10.0)


@pytest.fixture(scope="session")
def engine() -> Iterator[OxigraphEngine]:
    """A scratch in-memory engine for tests that write."""
    with OxigraphEngine(None, timeout_s=10.0) as running:
        yield running


@pytest.fixture()
def store(engine: OxigraphEngine) -> Iterator[SparqlStore]:
    """An empty store on the scratch engine (emptied before each test)."""
    client = _store_for(engine)
    client.clear()
    yield client
    client.close()


@pytest.fixture(scope="session")
def loaded_store() -> Iterator[SparqlStore]:
    """A read-only-by-convention store holding all of ontology/ and data/ (loaded without validation;
    conformance is its own test)."""
    from towngown.publish import collect

    with OxigraphEngine(None, timeout_s=10.0) as running:
        client = _store_for(running)
        dataset, _ = collect([ontology_dir(), data_dir()])
        client.replace_graphs({str(g.identifier): g for g in dataset.graphs() if len(g)})
        yield client
        client.close()


@dataclass
class WritableSite:
    """The app over the scratch store (seeded with gjovik-ntnu) with its own data directory for tokens and
    versions, behind a real threaded HTTP server on loopback."""

    url: str
    app: object
    settings: object
    store: SparqlStore


def _gjovik_graphs() -> dict[str, object]:
    """The gjovik-ntnu graphs, parsed once per session."""
    cached = getattr(_gjovik_graphs, "cached", None)
    if cached is None:
        from towngown.publish import collect

        dataset, _ = collect([data_dir() / "gjovik-ntnu.trig"])
        cached = {str(g.identifier): g for g in dataset.graphs() if len(g)}
        _gjovik_graphs.cached = cached  # type: ignore[attr-defined]
    return cached


@pytest.fixture()
def writable_site(store: SparqlStore, tmp_path: Path) -> Iterator[Callable[..., WritableSite]]:
    """A factory of writable sites over the scratch store: ``writable_site(auth_failures_per_minute=3)``.
    Each is seeded with gjovik-ntnu (loaded before versioning) and has a 200 kB body limit unless changed."""
    import threading

    from werkzeug.serving import make_server

    from towngown.config import Settings
    from towngown.publish import write_graphs
    from towngown.web import create_app

    servers = []

    def build(**settings: object) -> WritableSite:
        write_graphs(store, _gjovik_graphs())
        chosen = Settings(data_dir=tmp_path / "var", max_request_bytes=200_000, publish_lock_timeout_s=10.0)
        app = create_app(chosen.with_(**settings), store)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, name="writable-site", daemon=True).start()
        servers.append(server)
        return WritableSite(f"http://127.0.0.1:{server.server_port}", app, chosen.with_(**settings), store)

    yield build
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201 - a playwright Browser
    """Chromium from the Debian package (never a downloaded build), headless; one per session, shared by every
    test that drives a browser (Playwright's sync API allows one running instance per thread)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()
