"""publish_graph and delete_graph on a real scratch store: what gets in, what is refused, versions that survive a
failed update, and the per-graph lock that holds across processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from towngown import history
from towngown.config import Settings
from towngown.errors import NotFound, PreconditionFailed, QueryError, StoreBusy, Unprocessable, ValidationFailed
from towngown.publish import delete_graph, graph_state, publish_graph, read_graph
from towngown.store import SparqlStore
from towngown.submission import parse_rdf, same_data, strip_provenance

# A plain namespace: rdflib's closed XSD warns when pytest probes module attributes.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/towngown/"
SLUG = "kongsvinger-hinn"
BODY = (ROOT / "data" / "partnerships" / f"{SLUG}.trig").read_bytes()
TG = "https://w3id.org/towngown/ontology#"


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    """Settings with a fresh data directory and a short lock timeout."""
    return Settings(data_dir=tmp_path, publish_lock_timeout_s=0.5)


def _data(body: bytes = BODY, slug: str = SLUG) -> Dataset:
    return parse_rdf(body, "application/trig", base=f"{BASE}graph/{slug}")


def test_a_graph_from_a_form_is_published_with_provenance(store, settings: Settings) -> None:  # noqa: ANN001
    """publish_graph takes an rdflib Graph (as the questionnaire form makes it): without the bytes, the canonical
    N-Triples are hashed; the result says version, ETag, triple and warning counts."""
    graph = Graph()
    for s, p, o, _ in _data().quads((None, None, None, None)):
        graph.add((s, p, o))
    result = publish_graph(store, settings, SLUG, graph, publisher="Kongsvinger kommune", source="form")
    assert (result.version, result.etag, result.created, result.changed, result.action) == (1, '"v1"', True, True, "put")
    assert result.triples > len(graph) and result.warnings >= 0
    current, state = read_graph(store, settings, SLUG)
    assert (state.version, state.etag) == (1, '"v1"')
    assert same_data(strip_provenance(current, result.graph, BASE)[0], graph)
    content = next(o for o in current.objects(URIRef(result.graph), URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
                   if "/version/1/" in str(o))
    assert current.value(content, DCTERMS.format) == Literal("application/n-triples")
    assert [v.source for v in history.list_versions(settings, SLUG)] == ["form"]


def test_unchanged_data_makes_no_new_version_when_asked(store, settings: Settings) -> None:  # noqa: ANN001
    """With only_if_changed, the same data (even re-spelled as Turtle, 20 for 20.0) gives no new version."""
    publish_graph(store, settings, SLUG, _data(), publisher="K", source="api")
    graph = Graph()
    for s, p, o, _ in _data().quads((None, None, None, None)):
        graph.add((s, p, o))
    respelled = parse_rdf(graph.serialize(format="turtle").encode(), "text/turtle", base=f"{BASE}graph/{SLUG}")
    again = publish_graph(store, settings, SLUG, respelled, publisher="K", source="api", only_if_changed=True)
    assert (again.changed, again.version) == (False, 1)
    assert [v.number for v in history.list_versions(settings, SLUG)] == [1]
    graph.add((URIRef(f"{BASE}id/partnership/{SLUG}"), SKOS.altLabel, Literal("Kongsvinger", lang="nb")))
    changed = publish_graph(store, settings, SLUG, graph, publisher="K", source="api", only_if_changed=True)
    assert (changed.changed, changed.version) == (True, 2)


def test_violations_and_scope_are_refused_before_anything_is_written(store, settings: Settings) -> None:  # noqa: ANN001
    """Violations, another named graph, another partnership, or statements about concepts, the ontology or another
    graph are refused, and neither the store nor the history changes."""
    publish_graph(store, settings, SLUG, _data(), publisher="K", source="api")
    before = sorted(store.dump("nquads").splitlines())
    partnership = URIRef(f"{BASE}id/partnership/{SLUG}")

    def with_triple(triple: tuple) -> Graph:
        graph = Graph()
        for s, p, o, _ in _data().quads((None, None, None, None)):
            graph.add((s, p, o))
        graph.add(triple)
        return graph

    invalid = with_triple((partnership, URIRef(TG + "hasCommitment"), URIRef(f"{BASE}id/commitment/x")))
    invalid.add((URIRef(f"{BASE}id/commitment/x"), RDF.type, URIRef(TG + "ResourceCommitment")))
    invalid.add((URIRef(f"{BASE}id/commitment/x"), URIRef(TG + "fteShare"), Literal("-5", datatype=XSD.decimal)))
    with pytest.raises(ValidationFailed) as failed:
        publish_graph(store, settings, SLUG, invalid, publisher="K", source="api")
    assert failed.value.report.counts["Violation"] >= 1
    other_graph = _data()
    other_graph.graph(URIRef(f"{BASE}graph/gjovik-ntnu")).add((partnership, SKOS.note, Literal("x")))
    cases = [
        other_graph,
        _data(BODY.replace(SLUG.encode(), b"kongsberg-usn"), "kongsberg-usn"),
        with_triple((URIRef(f"{BASE}id/concept/role/partner"), SKOS.prefLabel, Literal("Sjef", lang="nb"))),
        with_triple((URIRef(f"{BASE}ontology#version"), SKOS.prefLabel, Literal("x", lang="nb"))),
        with_triple((URIRef(f"{BASE}graph/meta"), SKOS.note, Literal("x"))),
        with_triple((URIRef(f"{BASE}id/partnership/gjovik-ntnu"), SKOS.note, Literal("x"))),
    ]
    for data in cases:
        with pytest.raises(Unprocessable):
            publish_graph(store, settings, SLUG, data, publisher="K", source="api")
    assert sorted(store.dump("nquads").splitlines()) == before
    assert [v.number for v in history.list_versions(settings, SLUG)] == [1]


def test_a_failed_store_update_leaves_no_version_behind(store, settings: Settings, tmp_path: Path) -> None:  # noqa: ANN001
    """When the store refuses the update, the version file written before it is removed and the index is unchanged."""
    publish_graph(store, settings, SLUG, _data(), publisher="K", source="api")
    before = sorted(store.dump("nquads").splitlines())
    files = sorted(p.name for p in (tmp_path / "history" / SLUG).iterdir())
    broken = SparqlStore(store.query_url, store.query_url.rsplit("/", 1)[0] + "/no-such-update-endpoint")
    with pytest.raises((QueryError, NotFound)):
        publish_graph(broken, settings, SLUG, _data(), publisher="K", source="api")
    with pytest.raises((QueryError, NotFound)):
        delete_graph(broken, settings, SLUG, publisher="K", source="api")
    assert sorted(p.name for p in (tmp_path / "history" / SLUG).iterdir()) == files
    assert [v.number for v in history.list_versions(settings, SLUG)] == [1]
    assert sorted(store.dump("nquads").splitlines()) == before
    assert publish_graph(store, settings, SLUG, _data(), publisher="K", source="api").version == 2


def test_preconditions(store, settings: Settings) -> None:  # noqa: ANN001
    """If-None-Match: * creates only; If-Match needs the current ETag (quoted or not); DELETE of a missing graph is 404."""
    first = publish_graph(store, settings, SLUG, _data(), publisher="K", source="api", if_none_match="*")
    with pytest.raises(PreconditionFailed):
        publish_graph(store, settings, SLUG, _data(), publisher="K", source="api", if_none_match="*")
    with pytest.raises(PreconditionFailed):
        publish_graph(store, settings, SLUG, _data(), publisher="K", source="api", if_match='W/"v1"')
    assert publish_graph(store, settings, SLUG, _data(), publisher="K", source="api", if_match="v1").version == 2
    assert publish_graph(store, settings, SLUG, _data(), publisher="K", source="api", if_match='"v0", "v2"').version == 3
    assert first.etag == '"v1"'
    assert delete_graph(store, settings, SLUG, publisher="K", source="api", if_match='"v3"').version == 4
    assert not graph_state(store, settings, SLUG).exists
    with pytest.raises(NotFound):
        delete_graph(store, settings, SLUG, publisher="K", source="api")
    with pytest.raises(PreconditionFailed):
        publish_graph(store, settings, SLUG, _data(), publisher="K", source="api", if_match="*")


def test_the_graph_lock_holds_across_processes(store, settings: Settings, tmp_path: Path) -> None:  # noqa: ANN001
    """While another process holds graph/<slug>'s lock, a publish waits and then gives up with StoreBusy (503),
    writing nothing; once the lock is free it goes through."""
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from towngown.config import Settings
            from towngown.datadir import file_lock, lock_path
            settings = Settings(data_dir={str(tmp_path)!r})
            with file_lock(lock_path(settings, "graph-{SLUG}"), 5):
                print("locked", flush=True)
                sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreBusy):
            publish_graph(store, settings, SLUG, _data(), publisher="K", source="api")
        assert not graph_state(store, settings, SLUG).exists
        assert history.list_versions(settings, SLUG) == []
    finally:
        holder.communicate("\n", timeout=30)
    assert publish_graph(store, settings, SLUG, _data(), publisher="K", source="api").version == 1


def test_the_base_iri_setting_rebases_what_is_published(store, tmp_path: Path) -> None:  # noqa: ANN001
    """With another base IRI, data written with w3id IRIs is published under the configured base (as `load` does:
    instances, graphs and the ontology's terms alike)."""
    settings = Settings(data_dir=tmp_path, base_iri="http://example.org/tg/")
    result = publish_graph(store, settings, SLUG, _data(), publisher="K", source="api")
    assert result.graph == f"http://example.org/tg/graph/{SLUG}"
    graph, _ = read_graph(store, settings, SLUG)
    partnership_class = URIRef("http://example.org/tg/ontology#UniversityMunicipalityPartnership")
    assert (URIRef(f"http://example.org/tg/id/partnership/{SLUG}"), RDF.type, partnership_class) in graph
    assert not any(str(s).startswith(BASE) for s in graph.subjects())
