"""Every test in tests/store that takes ``store`` runs once per engine: the Oxigraph server and Virtuoso.

Both are real servers on loopback, started by the test set-up in a directory of their own and stopped after.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from towngown.config import Settings
from towngown.store import OxigraphEngine, SparqlStore, VirtuosoEngine, open_store

#: The engines the contract suite runs on.
ENGINES = ("oxigraph", "virtuoso")


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoEngine]:
    """A Virtuoso server with a fresh database in a temporary directory, on loopback ports of its own."""
    with VirtuosoEngine(tmp_path_factory.mktemp("virtuoso"), timeout_s=10.0) as running:
        yield running


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    """The engine under test."""
    return str(request.param)


def store_on(engine_name: str, request: pytest.FixtureRequest) -> SparqlStore:
    """A store on the named engine, configured the way an operator would: by URL (and credentials)."""
    if engine_name == "oxigraph":
        engine: OxigraphEngine = request.getfixturevalue("engine")
        base = engine.base_url
        return SparqlStore(f"{base}/query", f"{base}/update", f"{base}/store")
    virtuoso: VirtuosoEngine = request.getfixturevalue("virtuoso")
    return open_store(Settings(**virtuoso.settings()))


@pytest.fixture()
def store(engine_name: str, request: pytest.FixtureRequest) -> Iterator[SparqlStore]:
    """An empty store on each engine in turn (emptied before each test)."""
    client = store_on(engine_name, request)
    client.clear()
    yield client
    client.close()
