"""The version history of a graph as files: pending and committed versions, settling after a crash, diffs, and the
canonical blank node labels that make diffs exact."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SKOS

from towngown import history
from towngown.canonical import canonical_graph
from towngown.config import Settings
from towngown.errors import InputError, NotFound
from towngown.history import VersionRecord

SLUG = "test-minimal"
GRAPH = f"https://w3id.org/towngown/graph/{SLUG}"
EX = "https://w3id.org/towngown/id/"
OA = "http://www.w3.org/ns/oa#"


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    """Settings with a fresh data directory."""
    return Settings(data_dir=tmp_path)


def _evidence_graph(quote: str, *, subject: str = "partnership/test-minimal") -> Graph:
    """A partnership with a label and a blank-node evidence tree quoting ``quote``."""
    graph = Graph()
    node = URIRef(EX + subject)
    evidence, selector = BNode(), BNode()
    graph.add((node, SKOS.prefLabel, Literal("Test", lang="nb")))
    graph.add((node, URIRef("https://w3id.org/towngown/ontology#evidence"), evidence))
    graph.add((evidence, RDF.type, URIRef(OA + "SpecificResource")))
    graph.add((evidence, URIRef(OA + "hasSelector"), selector))
    graph.add((selector, URIRef(OA + "exact"), Literal(quote, lang="nb")))
    return graph


def _record(number: int, action: str = "put", triples: int = 5) -> VersionRecord:
    return VersionRecord(number=number, action=action, time=f"2025-01-0{number}T00:00:00Z", publisher="Test",
                         source="api", media_type="text/turtle", sha256="0" * 64, triples=triples)


def test_canonical_labels_make_isomorphic_graphs_equal_and_different_ones_differ() -> None:
    """Two copies of a graph with different blank node labels get the same canonical triples; a changed quote does not;
    blank nodes in a cycle and identical siblings fall back to rdflib's canonicalisation and still compare right."""
    one, two = _evidence_graph("Samarbeidet"), _evidence_graph("Samarbeidet")
    assert set(one) != set(two)
    assert set(canonical_graph(one)) == set(canonical_graph(two))
    assert set(canonical_graph(one)) != set(canonical_graph(_evidence_graph("Samarbeidet skal")))
    cycle_a, cycle_b = Graph(), Graph()
    for graph in (cycle_a, cycle_b):
        x, y = BNode(), BNode()
        graph.add((x, SKOS.related, y))
        graph.add((y, SKOS.related, x))
        graph.add((URIRef(EX + "a"), SKOS.related, x))
    assert set(canonical_graph(cycle_a)) == set(canonical_graph(cycle_b))
    twins = Graph()
    for _ in range(2):
        twin = BNode()
        twins.add((URIRef(EX + "a"), SKOS.note, twin))
        twins.add((twin, RDF.value, Literal(1)))
    assert len(canonical_graph(twins)) == 4 and isomorphic(canonical_graph(twins), twins)


def test_a_pending_version_is_invisible_until_committed(settings: Settings, tmp_path: Path) -> None:
    """A pending version has its file and index entry but is not listed; commit lists it; a number is used once."""
    history.add_pending(settings, SLUG, _record(1), _evidence_graph("a"), graph_iri=GRAPH)
    assert (tmp_path / "history" / SLUG / "1.nq").is_file()
    assert history.list_versions(settings, SLUG) == []
    history.commit(settings, SLUG, 1)
    assert [v.number for v in history.list_versions(settings, SLUG)] == [1]
    assert isomorphic(history.read_version(settings, SLUG, 1, GRAPH), _evidence_graph("a"))
    with pytest.raises(InputError):
        history.add_pending(settings, SLUG, _record(1), _evidence_graph("a"), graph_iri=GRAPH)


def test_discard_removes_the_file_and_the_entry(settings: Settings, tmp_path: Path) -> None:
    """Discarding a pending version (its store update failed) leaves no trace."""
    history.add_pending(settings, SLUG, _record(1), _evidence_graph("a"), graph_iri=GRAPH)
    history.discard(settings, SLUG, 1)
    assert not (tmp_path / "history" / SLUG / "1.nq").exists()
    assert history.list_versions(settings, SLUG) == [] and history.latest(settings, SLUG) is None


def test_reconcile_settles_versions_left_pending_by_a_crash(settings: Settings) -> None:
    """After a crash, a pending version the store holds is committed and one it does not hold is discarded; a pending
    deletion counts as held when the graph is gone."""
    history.add_pending(settings, SLUG, _record(1), _evidence_graph("a"), graph_iri=GRAPH)
    history.reconcile(settings, SLUG, store_version=1, exists=True)
    history.add_pending(settings, SLUG, _record(2), _evidence_graph("b"), graph_iri=GRAPH)
    history.reconcile(settings, SLUG, store_version=1, exists=True)
    assert [v.number for v in history.list_versions(settings, SLUG)] == [1]
    history.add_pending(settings, SLUG, _record(2, "delete", 0), None, graph_iri=GRAPH)
    history.reconcile(settings, SLUG, store_version=None, exists=False)
    assert [(v.number, v.action) for v in history.list_versions(settings, SLUG)] == [(1, "put"), (2, "delete")]


def test_diff_reports_changed_triples_and_unchanged_blank_nodes_stay_out(settings: Settings) -> None:
    """Between two versions that differ in one label and one quote, the diff holds the label change and the quoted
    evidence tree's change only; version 0 is empty, a deletion is empty, a missing version is NotFound."""
    first = _evidence_graph("Samarbeidet")
    second = _evidence_graph("Samarbeidet skal")
    second.add((URIRef(EX + "partnership/test-minimal"), SKOS.prefLabel, Literal("Test", lang="en")))
    for number, graph in ((1, first), (2, second)):
        history.add_pending(settings, SLUG, _record(number), graph, graph_iri=GRAPH)
        history.commit(settings, SLUG, number)
    history.add_pending(settings, SLUG, _record(3, "delete", 0), None, graph_iri=GRAPH)
    history.commit(settings, SLUG, 3)

    diff = history.diff_versions(settings, SLUG, 1, 2, GRAPH)
    assert (URIRef(EX + "partnership/test-minimal"), SKOS.prefLabel, Literal("Test", lang="en")) in diff.added
    assert {str(o) for o in diff.added.objects(None, URIRef(OA + "exact"))} == {"Samarbeidet skal"}
    assert {str(o) for o in diff.removed.objects(None, URIRef(OA + "exact"))} == {"Samarbeidet"}
    assert (URIRef(EX + "partnership/test-minimal"), SKOS.prefLabel, Literal("Test", lang="nb")) not in diff.added
    assert len(history.diff_versions(settings, SLUG, 1, 1, GRAPH).added) == 0
    assert isomorphic(history.diff_versions(settings, SLUG, 0, 1, GRAPH).added, first)
    gone = history.diff_versions(settings, SLUG, 2, 3, GRAPH)
    assert len(gone.added) == 0 and isomorphic(gone.removed, second)
    with pytest.raises(NotFound):
        history.diff_versions(settings, SLUG, 1, 9, GRAPH)
    with pytest.raises(NotFound):
        history.read_version(settings, SLUG, 3, GRAPH)


def test_slugs_cannot_escape_the_history_folder(settings: Settings) -> None:
    """A slug with a path in it is refused before any file is touched."""
    with pytest.raises(InputError):
        history.list_versions(settings, "../tokens")
