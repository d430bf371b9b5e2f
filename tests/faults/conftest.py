"""Fixtures for the fault tests: a site over an embedded engine that persists to a data directory."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from rdflib import Dataset, Graph, Literal, URIRef

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/towngown/"
SLUGS = ("oppdal-ntnu", "alesund-ntnu")


@dataclass
class DiskSite:
    """The app over its own embedded engine (on disk, watched) behind a threaded loopback server."""

    url: str
    app: object
    settings: object
    store: object


def versions_of(slug: str) -> list[bytes]:
    """Two versions of a partnership graph: as in data/, and with its English label changed."""
    original = (ROOT / "data" / "partnerships" / f"{slug}.trig").read_bytes()
    dataset = Dataset()
    dataset.parse(data=original, format="trig")
    subject = URIRef(f"{BASE}id/partnership/{slug}")
    from rdflib.namespace import RDFS, SKOS

    changed = original
    for s, p, o, g in list(dataset.quads((subject, None, None, None))):
        if isinstance(o, Literal) and o.language == "en" and p in (SKOS.prefLabel, RDFS.label):
            dataset.remove((s, p, o, g))
            dataset.add((s, p, Literal(f"{o} (revised)", lang="en"), g))
            changed = dataset.serialize(format="trig").encode()
            break
    assert changed != original, f"no English label to change in {slug}"
    return [original, changed]


def submitted(body: bytes) -> Graph:
    """The triples of a submitted body, whatever graph they sit in."""
    dataset = Dataset()
    dataset.parse(data=body, format="trig")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def held(site, slug: str) -> Graph | None:  # noqa: ANN001
    """What the store holds for graph/<slug>, server provenance stripped (None when absent)."""
    from towngown.errors import NotFound
    from towngown.submission import strip_provenance

    try:
        graph = site.store.get_graph(f"{BASE}graph/{slug}")
    except NotFound:
        return None
    return strip_provenance(graph, f"{BASE}graph/{slug}", BASE)[0]


def put(url: str, slug: str, body: bytes, token: str) -> requests.Response:
    """PUT a TriG body to /graphs/<slug> with a bearer token."""
    return requests.put(f"{url}/graphs/{slug}", data=body, timeout=60,
                        headers={"Content-Type": "application/trig", "Authorization": f"Bearer {token}",
                                 "Accept": "application/json"})


@pytest.fixture()
def disk_site(tmp_path) -> Iterator[DiskSite]:  # noqa: ANN001
    """A site whose store is an embedded engine persisting under tmp_path/var (started by open_store)."""
    from werkzeug.serving import make_server

    from towngown.config import Settings
    from towngown.store import open_store
    from towngown.web import create_app

    settings = Settings(data_dir=tmp_path / "var", max_request_bytes=500_000, publish_lock_timeout_s=10.0,
                        query_timeout_s=5.0, response_cache_mb=0)
    store = open_store(settings)
    assert store.engine is not None and store.engine.location is not None
    app = create_app(settings, store)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield DiskSite(f"http://127.0.0.1:{server.server_port}", app, settings, store)
    server.shutdown()
    store.close()


@pytest.fixture()
def kit():  # noqa: ANN201
    """The helpers of the fault tests (importlib import mode: test modules cannot import conftest)."""
    import types

    return types.SimpleNamespace(SLUGS=SLUGS, held=held, put=put, submitted=submitted, versions_of=versions_of)
