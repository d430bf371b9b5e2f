"""Shared fixtures: real `oxigraph serve` engines on loopback, one per test session."""

from __future__ import annotations

from collections.abc import Iterator
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
