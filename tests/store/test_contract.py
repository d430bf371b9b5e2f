"""The Store contract, run against every engine (tests/store/conftest.py): the Oxigraph server and Virtuoso.

Where an engine deviates from the standard, a test below names the deviation and pins what the engine does
and what towngown's store makes of it (service/towngown/store/dialects.py).
"""

from __future__ import annotations

import json
import re

import pytest
import requests
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from towngown.errors import NotFound, QueryError, QueryTimeout, ResultTooLarge, StoreError
from towngown.store import OxigraphEngine, SparqlStore, VirtuosoEngine
from towngown.store.dialects import VIRTUOSO_SYSTEM_GRAPHS

G1 = "https://w3id.org/towngown/graph/test-one"
G2 = "https://w3id.org/towngown/graph/test-two"
EX = "http://example.org/"


def _graph(text: str) -> Graph:
    graph = Graph()
    graph.parse(data="@prefix ex: <http://example.org/> .\n" + text, format="turtle")
    return graph


# -- the contract ------------------------------------------------------------------------------------


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


def test_union_default_graph_holds_only_the_stores_data(engine_name: str, store: SparqlStore) -> None:
    """An empty store has no triples in its default graph and no named graphs: an engine's own system graphs
    (Virtuoso's virtrdf#, ldp#, service description) are not data. Deviations: Virtuoso counts them unless
    they are private to the query endpoint (its runner and the README set that up), and even then the exact
    query SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } still lists their names (not their triples),
    so graph_names() leaves them out itself."""
    assert int(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]) == 0
    assert store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g") == []
    assert store.ask(f"ASK {{ GRAPH <{VIRTUOSO_SYSTEM_GRAPHS[0]}> {{ ?s ?p ?o }} }}") is False
    listed = {str(row["g"]) for row in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert listed == (set() if engine_name == "oxigraph" else {VIRTUOSO_SYSTEM_GRAPHS[0], *listed})
    assert store.graph_names() == []


def test_replace_replaces_only_the_named_graph(store: SparqlStore) -> None:
    """Replacing one graph leaves the others as they were and removes the old triples of that graph."""
    store.replace_graphs({G1: _graph("ex:a ex:p 1 ."), G2: _graph("ex:b ex:p 2 .")})
    store.replace_graphs({G1: _graph("ex:a ex:p 3 .")})
    assert isomorphic(store.get_graph(G1), _graph("ex:a ex:p 3 ."))
    assert isomorphic(store.get_graph(G2), _graph("ex:b ex:p 2 ."))


def test_replace_can_drop_graphs(store: SparqlStore) -> None:
    """replace_graphs(drop=...) removes the named graphs in the same write."""
    store.replace_graphs({G1: _graph("ex:a ex:p 1 ."), G2: _graph("ex:b ex:p 2 .")})
    store.replace_graphs({G1: _graph("ex:a ex:p 4 .")}, drop=[G2])
    assert store.graph_names() == [G1]


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


def test_table_keeps_the_variable_order(store: SparqlStore) -> None:
    """table() gives the variables in the query's order and one row per solution."""
    store.replace_graphs({G1: _graph("ex:a ex:p 1 .")})
    table = store.table("SELECT ?o ?s ?p WHERE { ?s ?p ?o }")
    assert table.variables == ("o", "s", "p")
    assert table.rows == ({"o": Literal(1), "s": URIRef(EX + "a"), "p": URIRef(EX + "p")},)


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


def test_dumps_parse_back_to_the_same_graphs(store: SparqlStore) -> None:
    """dump('nquads') and dump('trig') parse back to the graphs written, blank nodes included."""
    graphs = {G1: _graph('ex:a ex:p [ ex:q "x"@nb ] .'), G2: _graph("ex:b ex:p [ ex:q 2 ] .")}
    store.replace_graphs(graphs)
    for fmt in ("nquads", "trig"):
        dataset = Dataset()
        dataset.parse(data=store.dump(fmt), format=fmt)
        for iri, graph in graphs.items():
            assert isomorphic(dataset.graph(URIRef(iri)), graph), fmt


def test_blank_nodes_of_two_graphs_stay_distinct(store: SparqlStore) -> None:
    """Blank nodes written in one request to two graphs are not merged."""
    b1, b2 = BNode(), BNode()
    g1, g2 = Graph(), Graph()
    g1.add((b1, URIRef("http://example.org/p"), Literal(1)))
    g2.add((b2, URIRef("http://example.org/p"), Literal(2)))
    store.replace_graphs({G1: g1, G2: g2})
    rows = store.select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    assert int(rows[0]["n"]) == 2


def test_a_graph_larger_than_one_update_operation(store: SparqlStore) -> None:
    """A graph of thousands of triples, many on blank nodes, is written whole (deviation: Virtuoso compiles each
    update operation into bounded SQL, so the store splits the write, keeping each blank node in one piece)."""
    graph = Graph()
    expected = set()
    for i in range(1100):
        node = BNode()
        graph.add((URIRef(f"{EX}s{i}"), URIRef(EX + "evidence"), node))
        graph.add((node, URIRef(EX + "line"), Literal(i)))
        graph.add((node, URIRef(EX + "quote"), Literal(f"sitat {i}", lang="nb")))
        graph.add((URIRef(f"{EX}s{i}"), URIRef(EX + "label"), Literal(f"s {i}")))
        expected.add((URIRef(f"{EX}s{i}"), Literal(i), Literal(f"sitat {i}", lang="nb")))
    store.replace_graphs({G1: graph})
    # Each blank node still joins its subject, line and quote (isomorphic() is too slow for 1100 blank nodes).
    rows = store.select(
        f"SELECT ?s ?line ?quote WHERE {{ GRAPH <{G1}> {{ ?s <{EX}evidence> ?b . ?b <{EX}line> ?line ; <{EX}quote> ?quote }} }}"
    )
    assert {(row["s"], row["line"], row["quote"]) for row in rows} == expected and len(rows) == 1100
    counts = store.select(f"SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?b) AS ?b) WHERE {{ GRAPH <{G1}> {{ ?b ?p ?o }} }}")[0]
    assert int(counts["n"]) == len(graph)


def test_clear_empties_the_store(store: SparqlStore) -> None:
    """clear() removes every graph."""
    store.replace_graphs({G1: _graph("ex:a ex:p 1 ."), G2: _graph("ex:b ex:p 2 .")})
    store.clear()
    assert store.graph_names() == []
    assert store.ask("ASK { ?s ?p ?o }") is False


def test_every_result_format_is_served(store: SparqlStore) -> None:
    """query_raw answers SELECT in SPARQL JSON, XML, CSV and TSV and CONSTRUCT in Turtle, N-Triples, RDF/XML and
    JSON-LD, each parseable as what it says it is."""
    graph = _graph('ex:a ex:p "x"@nb, 2 .')
    store.replace_graphs({G1: graph})
    select = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    answer = store.query_raw(select, "application/sparql-results+json")
    assert answer.content_type == "application/sparql-results+json"
    assert json.loads(answer.body)["head"]["vars"] == ["s", "o"]
    answer = store.query_raw(select, "application/sparql-results+xml")
    assert answer.content_type == "application/sparql-results+xml" and b"<sparql" in answer.body
    for media_type, separator in (("text/csv", ","), ("text/tab-separated-values", "\t")):
        answer = store.query_raw(select, media_type)
        assert answer.content_type == media_type
        lines = answer.body.decode("utf-8").splitlines()
        assert [name.strip('"?') for name in lines[0].split(separator)] == ["s", "o"] and len(lines) == 3
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    for media_type, fmt in (
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ):
        answer = store.query_raw(construct, media_type)
        assert answer.content_type == media_type
        parsed = Graph().parse(data=answer.body.decode("utf-8"), format=fmt)
        assert set(parsed.subjects()) == {URIRef(EX + "a")} and len(parsed) == 2, media_type


def test_a_result_over_the_size_limit_is_refused(store: SparqlStore) -> None:
    """A result larger than max_result_bytes is ResultTooLarge, never a truncated answer."""
    store.replace_graphs({G1: _graph(" ".join(f"ex:s{i} ex:p {i} ." for i in range(200)))})
    store.max_result_bytes = 1000
    with pytest.raises(ResultTooLarge):
        store.select("SELECT * WHERE { ?s ?p ?o }")


def test_the_dialect_is_told_from_the_server(engine_name: str, store: SparqlStore) -> None:
    """With TOWNGOWN_STORE_ENGINE=auto the store tells the engine from its Server header."""
    probe = SparqlStore(store.query_url, store.update_url, dialect="auto")
    try:
        assert probe.dialect.name == engine_name
    finally:
        probe.close()


# -- deviations, named and pinned per engine -------------------------------------------------------------


def test_deviation_multi_operation_update_atomicity(engine_name: str, store: SparqlStore) -> None:
    """Deviation: Virtuoso commits each operation of a multi-operation update on its own, so an operation
    that fails at run time does not undo the DROP before it; Oxigraph rolls the whole request back."""
    old = _graph("ex:a ex:p 1 .")
    store.replace_graphs({G1: old})
    with pytest.raises(StoreError):
        store.update(f"DROP SILENT GRAPH <{G1}> ; DROP GRAPH <https://w3id.org/towngown/graph/never-created>")
    if engine_name == "oxigraph":
        assert isomorphic(store.get_graph(G1), old)
    else:
        assert store.graph_names() == []


def test_replace_graphs_is_whole_where_updates_are_not_atomic(engine_name: str, store: SparqlStore) -> None:
    """replace_graphs either writes every new graph or leaves the old ones whole, even on Virtuoso: there it
    stages the new graphs first, so data the engine refuses part-way (here one blank node with more triples
    than Virtuoso compiles in one operation) never leaves a half-replaced graph or a staging graph behind."""
    old = _graph("ex:a ex:p 1 .")
    store.replace_graphs({G1: old, G2: _graph("ex:b ex:p 2 .")})
    star = Graph()
    hub = BNode()
    for i in range(3000):
        star.add((hub, URIRef(f"{EX}p{i}"), Literal(i)))
    new_g2 = _graph("ex:b ex:p 3 .")
    if engine_name == "oxigraph":
        store.replace_graphs({G2: new_g2, G1: star})
        assert isomorphic(store.get_graph(G1), star) and isomorphic(store.get_graph(G2), new_g2)
    else:
        with pytest.raises(QueryError):
            store.replace_graphs({G2: new_g2, G1: star})
        assert isomorphic(store.get_graph(G1), old)
        assert isomorphic(store.get_graph(G2), _graph("ex:b ex:p 2 ."))
        assert store.graph_names() == [G1, G2], "no staging graph is left behind"


def test_deviation_blank_nodes_in_insert_data(engine_name: str, store: SparqlStore) -> None:
    """Deviation: Virtuoso refuses blank nodes in INSERT DATA (standard SPARQL 1.1 Update allows them); the
    store writes them through INSERT { } WHERE { } templates instead (see the round-trip tests)."""
    update = f"INSERT DATA {{ GRAPH <{G1}> {{ _:b <http://example.org/p> 1 }} }}"
    if engine_name == "oxigraph":
        store.update(update)
        assert len(store.get_graph(G1)) == 1
    else:
        with pytest.raises(QueryError):
            store.update(update)


def _lit(lexical: str, **kwargs: object) -> Literal:
    return Literal(lexical, normalize=False, **kwargs)  # type: ignore[arg-type]


#: Literals written, and how each engine's SPARQL JSON spells them (absent: exactly as written).
LITERALS: list[tuple[Literal, dict[str, str]]] = [
    (_lit("20.0", datatype=XSD.decimal), {"oxigraph": "20", "virtuoso": "20"}),
    (_lit("1.50", datatype=XSD.decimal), {"oxigraph": "1.5", "virtuoso": "1.5"}),
    (_lit("20", datatype=XSD.decimal), {}),
    (_lit("01", datatype=XSD.integer), {"oxigraph": "1", "virtuoso": "1"}),
    (_lit("1.0E3", datatype=XSD.double), {"oxigraph": "1000", "virtuoso": "1000.0"}),
    (_lit("true", datatype=XSD.boolean), {"virtuoso": "1"}),
    (_lit("2026-11-26T13:14:38.5+00:00", datatype=XSD.dateTime), {"oxigraph": "2026-11-26T13:14:38.5Z", "virtuoso": "2026-11-26T13:14:38.500Z"}),
    (_lit("2020-01-30", datatype=XSD.date), {}),
    (_lit("2008-12", datatype=XSD.gYearMonth), {}),
    (_lit("2024", datatype=XSD.gYear), {}),
    (_lit("P3Y", datatype=XSD.duration), {"virtuoso": "P3Y0M0DT0H0M0S"}),
    (_lit("P8Y", datatype=XSD.duration), {"virtuoso": "P8Y0M0DT0H0M0S"}),
    (_lit("P3D", datatype=XSD.duration), {"virtuoso": "P0Y0M3DT0H0M0S"}),
    (_lit("P1Y2M3DT4H", datatype=XSD.duration), {"virtuoso": "P1Y2M3DT4H0M0S"}),
    (_lit("x", datatype=XSD.string), {}),
    (_lit('«Gjøvik» "sitat"\nlinje 2 \\ slutt'), {}),
    (_lit("Universitetskommune", lang="nb"), {}),
    (_lit("University municipality", lang="en-GB"), {"oxigraph": "en-gb", "virtuoso": "en-gb"}),
]


def test_deviation_literals_keep_their_value(engine_name: str, store: SparqlStore) -> None:
    """Every literal reads back (SELECT and CONSTRUCT) with the same value, datatype and language, durations
    exactly as written. Deviations pinned, in the engines' own answers: both store numbers and date-times by
    value (\"20.0\"^^xsd:decimal answers \"20\") and lower-case language tags (equal in RDF); Virtuoso spells
    booleans 1/0 in SPARQL JSON (read as true/false) and turns xsd:duration \"P3Y\" into the number 36 and
    refuses \"P3D\", so the store writes durations with every component spelled out and reads them back without
    the zeros."""
    graph = Graph()
    for n, (literal, _) in enumerate(LITERALS):
        graph.add((URIRef(f"{EX}s{n}"), URIRef(EX + "value"), literal))
    store.replace_graphs({G1: graph})
    by_construct = {s: o for s, _, o in store.get_graph(G1)}
    query = f"SELECT ?s ?o WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}"
    by_select = {row["s"]: row["o"] for row in store.select(query)}
    raw = {
        URIRef(b["s"]["value"]): b["o"]
        for b in json.loads(store.query_raw(query, "application/sparql-results+json").body)["results"]["bindings"]
    }
    for n, (literal, spelled) in enumerate(LITERALS):
        subject = URIRef(f"{EX}s{n}")
        for read in (by_construct[subject], by_select[subject]):
            assert (read.datatype or XSD.string) == (literal.datatype or XSD.string), (literal, read)
            assert (read.language or "").lower() == (literal.language or "").lower()
            assert read.eq(literal), (literal, read)
            if literal.datatype == XSD.duration:
                assert str(read) == str(literal)
        engine_spelling = raw[subject].get("xml:lang") if literal.language else raw[subject]["value"]
        expected = spelled.get(engine_name, literal.language if literal.language else str(literal))
        assert engine_spelling == expected, (engine_name, literal)


def test_deviation_day_time_durations(engine_name: str, store: SparqlStore) -> None:
    """Deviation: Virtuoso 7 cannot store an xsd:duration of days with hours, minutes or seconds (\"PT5M\"
    becomes a number it then refuses to store): replace_graphs refuses it with a StoreError before writing
    anything, so the old graph stays whole. Oxigraph stores it as written."""
    old = _graph("ex:a ex:p 1 .")
    store.replace_graphs({G1: old})
    new = _graph('ex:a ex:p "PT5M"^^<http://www.w3.org/2001/XMLSchema#duration> .')
    if engine_name == "oxigraph":
        store.replace_graphs({G1: new})
        assert isomorphic(store.get_graph(G1), new)
        return
    with pytest.raises(StoreError) as refused:
        store.replace_graphs({G1: new})
    assert "PT5M" in str(refused.value)
    assert isomorphic(store.get_graph(G1), old) and store.graph_names() == [G1]


def test_deviation_blank_node_labels_in_json(store: SparqlStore) -> None:
    """Blank nodes from SELECT are valid N-Triples blank nodes, the same node under the same label in every
    query (deviation: Virtuoso's SPARQL JSON labels them nodeID://b10001, read as b10001)."""
    store.replace_graphs({G1: _graph("ex:a ex:p [ ex:q 1 ] .")})
    node = store.select("SELECT ?b WHERE { ?a ?p ?b FILTER(isBlank(?b)) }")[0]["b"]
    assert isinstance(node, BNode) and re.fullmatch(r"[A-Za-z0-9_]+", str(node)), node
    again = store.select("SELECT ?b WHERE { ?b <http://example.org/q> 1 }")[0]["b"]
    assert again == node
    dataset = Dataset()
    dataset.parse(data=store.dataset().serialize(format="nquads"), format="nquads")
    assert isomorphic(dataset.graph(URIRef(G1)), _graph("ex:a ex:p [ ex:q 1 ] ."))


def test_deviation_clear_keeps_the_engines_own_graphs(engine_name: str, store: SparqlStore, request) -> None:  # noqa: ANN001
    """clear() drops towngown's graphs one by one, never DROP ALL (deviation: on Virtuoso that would also drop
    its own system graphs); Virtuoso answers queries after it and still holds its virtrdf# graph."""
    store.replace_graphs({G1: _graph("ex:a ex:p 1 .")})
    store.clear()
    assert store.graph_names() == [] and store.ask("ASK {}") is True
    if engine_name == "virtuoso":
        virtuoso: VirtuosoEngine = request.getfixturevalue("virtuoso")
        answer = requests.post(
            virtuoso.update_url,
            data={"query": f"ASK {{ GRAPH <{VIRTUOSO_SYSTEM_GRAPHS[0]}> {{ ?s ?p ?o }} }}"},
            headers={"Accept": "application/sparql-results+json"},
            auth=requests.auth.HTTPDigestAuth(virtuoso.user, virtuoso.password),
            timeout=10,
        )
        assert answer.json()["boolean"] is True


def test_deviation_updates_and_authentication(engine_name: str, store: SparqlStore, request) -> None:  # noqa: ANN001
    """Oxigraph takes updates at /update without credentials. Deviation: Virtuoso takes them only at
    /sparql-auth, with HTTP digest authentication: its plain /sparql refuses them, and basic credentials are
    refused with a StoreError naming the credentials (TOWNGOWN_STORE_AUTH=digest is the setting)."""
    update = f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}a> <{EX}p> 1 }} }}"
    if engine_name == "oxigraph":
        plain = SparqlStore(store.query_url, store.update_url)
        plain.update(update)
        plain.close()
        assert store.graph_names() == [G1]
        return
    virtuoso: VirtuosoEngine = request.getfixturevalue("virtuoso")
    anonymous = SparqlStore(virtuoso.sparql_url, virtuoso.sparql_url, dialect="virtuoso")
    basic = SparqlStore(
        virtuoso.sparql_url, virtuoso.update_url, auth=(virtuoso.user, virtuoso.password), auth_scheme="basic"
    )
    try:
        with pytest.raises(StoreError):
            anonymous.update(update)
        with pytest.raises(StoreError) as refused:
            basic.update(update)
        assert "credentials" in str(refused.value)
    finally:
        anonymous.close()
        basic.close()
    assert store.graph_names() == []
    store.update(update)
    assert store.graph_names() == [G1]


def test_deviation_time_limit(engine_name: str, request) -> None:  # noqa: ANN001
    """A query past the time limit is QueryTimeout and the engine answers the next query. Deviations: Oxigraph
    cancels it itself (--timeout-s) but answers 200, with a message appended to what it had sent (often the
    head of the JSON); Virtuoso stops at the `timeout` the store sends but answers 200 with part of the
    result, flagged X-SQL-State: S1TAT."""
    slow = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        if engine_name == "virtuoso"
        else "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?a { " + " ".join(map(str, range(3000))) + " } "
        "VALUES ?b { " + " ".join(map(str, range(3000))) + " } VALUES ?c { " + " ".join(map(str, range(3000))) + " } }"
    )
    if engine_name == "oxigraph":
        with OxigraphEngine(None, timeout_s=1) as engine:
            client = SparqlStore(f"{engine.base_url}/query", f"{engine.base_url}/update", timeout_s=1)
            with pytest.raises(QueryTimeout):
                client.select(slow)
            assert client.ask("ASK {}") is True
            # Cancelled after the answer has begun: the JSON head, then the message (cut JSON, still 200 OK).
            client.timeout_s = 5
            client.replace_graphs({G1: _graph(" ".join(f"ex:s{i} ex:p {i} ." for i in range(400)))})
            counts = " ".join(f"(COUNT(*) AS ?number_of_combinations_{i})" for i in range(10))  # a head of 300+ bytes
            join = f"SELECT ?a {counts} WHERE {{ ?a ?p ?x . ?b ?p ?y . ?c ?p ?z }} GROUP BY ?a"
            for accept in ("application/sparql-results+json", "text/csv"):
                with pytest.raises(QueryTimeout):
                    client.query_raw(join, accept)
            client.close()
        return
    client = store_for_virtuoso(request, query_timeout_s=1.0)
    client.replace_graphs({G1: _graph(" ".join(f"ex:s{i} ex:p {i} ." for i in range(300)))})
    try:
        with pytest.raises(QueryTimeout):
            client.select(slow)
        assert client.ask("ASK {}") is True
    finally:
        client.clear()
        client.close()


def test_deviation_row_cap_is_refused_not_truncated(engine_name: str, store: SparqlStore, request) -> None:  # noqa: ANN001
    """Deviation: past its ResultSetMaxRows, Virtuoso answers 200 with the first rows only, flagged in an
    X-SPARQL-MaxRows header; the store refuses that as ResultTooLarge. Oxigraph has no row cap."""
    store.replace_graphs({G1: _graph(" ".join(f"ex:s{i} ex:p {i} ." for i in range(20)))})
    query = "SELECT ?s WHERE { ?s ?p ?o }"
    if engine_name == "oxigraph":
        assert len(store.select(query)) == 20
        return
    virtuoso: VirtuosoEngine = request.getfixturevalue("virtuoso")
    virtuoso.set_ini("SPARQL", "ResultSetMaxRows", 5)
    try:
        with pytest.raises(ResultTooLarge):
            store.select(query)
        assert len(store.select(query + " LIMIT 4")) == 4
    finally:
        virtuoso.set_ini("SPARQL", "ResultSetMaxRows", virtuoso.max_rows)
    assert len(store.select(query)) == 20


def store_for_virtuoso(request, **settings: object) -> SparqlStore:  # noqa: ANN001
    """A store on the session's Virtuoso with some settings changed."""
    from towngown.config import Settings
    from towngown.store import open_store

    virtuoso: VirtuosoEngine = request.getfixturevalue("virtuoso")
    return open_store(Settings(**{**virtuoso.settings(), **settings}))
