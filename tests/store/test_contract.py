"""The Store contract, run against the embedded Oxigraph server (real process, real HTTP)."""

from __future__ import annotations

import os
import signal
import time

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from towngown.errors import NotFound, QueryError
from towngown.store import SparqlStore

G1 = "https://w3id.org/towngown/graph/test-one"
G2 = "https://w3id.org/towngown/graph/test-two"


def _graph(text: str) -> Graph:
    graph = Graph()
    graph.parse(data="@prefix ex: <http://example.org/> .\n" + text, format="turtle")
    return graph


def test_replace_then_read_back_is_isomorphic(store: SparqlStore) -> None:
    """A graph written with replace_graphs reads back isomorphic, blank nodes and language tags included."""
    graph = _graph('ex:a ex:label "Gjøvik"@nb, "x"^^ex:dt ; ex:b [ ex:c 1.5 ] .')
    store.replace_graphs({G1: graph})
    assert isomorphic(store.get_graph(G1), graph)
    assert store.graph_names() == [G1]


def test_default_graph_is_the_union_of_named_graphs(store: SparqlStore) -> None:
    """Queries without GRAPH see the triples of every named graph."""
    store.replace_graphs({G1: _graph("ex:a ex:p ex:b ."), G2: _graph("ex:b ex:p ex:c .")})
    rows = store.select("PREFIX ex: <http://example.org/> SELECT ?x WHERE { ex:a ex:p/ex:p ?x }")
    assert rows == [{"x": URIRef("http://example.org/c")}]


def test_replace_replaces_only_the_named_graph(store: SparqlStore) -> None:
    """Replacing one graph leaves the others as they were and removes the old triples of that graph."""
    store.replace_graphs({G1: _graph("ex:a ex:p 1 ."), G2: _graph("ex:b ex:p 2 .")})
    store.replace_graphs({G1: _graph("ex:a ex:p 3 .")})
    assert isomorphic(store.get_graph(G1), _graph("ex:a ex:p 3 ."))
    assert isomorphic(store.get_graph(G2), _graph("ex:b ex:p 2 ."))


def test_failed_replace_leaves_old_graph_whole(store: SparqlStore) -> None:
    """An update that fails part-way (a bad operation after the DROP) changes nothing: one request, one transaction."""
    old = _graph("ex:a ex:p 1 .")
    store.replace_graphs({G1: old})
    with pytest.raises(QueryError):
        store.update(f"DROP SILENT GRAPH <{G1}> ; INSERT DATA {{ GRAPH <{G1}> {{ <http://x> <http://y> }} }}")
    assert isomorphic(store.get_graph(G1), old)


def test_select_terms_are_rdflib_terms(store: SparqlStore) -> None:
    """SELECT rows carry IRIs, language-tagged and typed literals as rdflib terms; unbound variables are absent."""
    store.replace_graphs({G1: _graph('ex:a ex:p "x"@en, 7 .')})
    rows = store.select(
        "PREFIX ex: <http://example.org/> SELECT ?o ?missing WHERE { ex:a ex:p ?o OPTIONAL { ?o ex:q ?missing } } ORDER BY ?o"
    )
    values = {row["o"] for row in rows}
    assert values == {Literal("x", lang="en"), Literal(7)}
    assert all("missing" not in row for row in rows)


def test_ask_and_construct(store: SparqlStore) -> None:
    """ASK answers a boolean and CONSTRUCT a graph."""
    store.replace_graphs({G1: _graph("ex:a ex:p ex:b .")})
    assert store.ask("ASK { ?s ?p ?o }") is True
    assert store.ask("ASK { ?s <http://nothing> ?o }") is False
    built = store.construct("CONSTRUCT { ?o ?p ?s } WHERE { ?s ?p ?o }")
    assert isomorphic(built, _graph("ex:b ex:p ex:a ."))


def test_missing_graph_is_not_found(store: SparqlStore) -> None:
    """Reading a graph that does not exist raises NotFound."""
    with pytest.raises(NotFound):
        store.get_graph("https://w3id.org/towngown/graph/none")


def test_malformed_query_is_a_query_error(store: SparqlStore) -> None:
    """A query the engine cannot parse is a QueryError carrying the engine's message."""
    with pytest.raises(QueryError) as caught:
        store.select("SELECT WHERE {")
    assert str(caught.value)


def test_dataset_holds_every_graph(store: SparqlStore) -> None:
    """dataset() returns every named graph with its triples."""
    store.replace_graphs({G1: _graph("ex:a ex:p 1 ."), G2: _graph("ex:b ex:p [ ex:q 2 ] .")})
    dataset = store.dataset()
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {G1, G2}
    assert isomorphic(dataset.graph(URIRef(G2)), _graph("ex:b ex:p [ ex:q 2 ] ."))


def test_engine_restarts_after_kill(engine, store: SparqlStore) -> None:  # noqa: ANN001
    """If the engine process is killed, the watcher restarts it and the store answers again."""
    before = engine.restarts
    os.kill(engine.pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (engine.restarts > before and store.ping()):
        time.sleep(0.1)
    assert engine.restarts == before + 1
    assert store.ask("ASK {}") is True


def test_blank_nodes_of_two_graphs_stay_distinct(store: SparqlStore) -> None:
    """Blank nodes written in one request to two graphs are not merged."""
    b1, b2 = BNode(), BNode()
    g1, g2 = Graph(), Graph()
    g1.add((b1, URIRef("http://example.org/p"), Literal(1)))
    g2.add((b2, URIRef("http://example.org/p"), Literal(2)))
    store.replace_graphs({G1: g1, G2: g2})
    rows = store.select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    assert int(rows[0]["n"]) == 2
