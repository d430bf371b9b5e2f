"""/sparql over a real HTTP server: the SPARQL 1.1 Protocol, formats, negotiation, and what is refused."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, N3, RDFXML, TSV, TURTLE, XML, JSONLD, SPARQLWrapper

from towngown.config import Settings
from towngown.store import OxigraphEngine, SparqlStore
from towngown.web import create_app

from .conftest import serve_in_thread

GJOVIK = "https://w3id.org/towngown/id/partnership/gjovik-ntnu"
GJOVIK_GRAPH = "https://w3id.org/towngown/graph/gjovik-ntnu"
TRONDHEIM_GRAPH = "https://w3id.org/towngown/graph/trondheim-ntnu"
PARTNERSHIPS = """PREFIX tg: <https://w3id.org/towngown/ontology#>
SELECT ?p WHERE { ?p a tg:UniversityMunicipalityPartnership } ORDER BY ?p"""
MEMBERS = """PREFIX org: <http://www.w3.org/ns/org#>
CONSTRUCT { ?m org:member ?o } WHERE { ?m org:organization <%s> ; org:member ?o }""" % GJOVIK


def _wrapper(live_server, query: str, fmt: str) -> SPARQLWrapper:  # noqa: ANN001
    wrapper = SPARQLWrapper(live_server.url + "/sparql")
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    return wrapper


def test_sparqlwrapper_select_in_every_result_format(live_server) -> None:  # noqa: ANN001
    """SPARQLWrapper gets the same partnerships as JSON, XML, CSV and TSV."""
    as_json = _wrapper(live_server, PARTNERSHIPS, JSON).query().convert()
    expected = [b["p"]["value"] for b in as_json["results"]["bindings"]]
    assert GJOVIK in expected and len(expected) == 15

    xml_doc = _wrapper(live_server, PARTNERSHIPS, XML).query().convert()
    from_xml = [e.firstChild.data for e in xml_doc.getElementsByTagName("uri")]
    assert from_xml == expected

    from_csv = [row["p"] for row in csv.DictReader(io.StringIO(_wrapper(live_server, PARTNERSHIPS, CSV).query().convert().decode()))]
    assert from_csv == expected

    tsv = _wrapper(live_server, PARTNERSHIPS, TSV).query().convert().decode().splitlines()
    assert tsv[0] == "?p"
    assert [line.strip("<>") for line in tsv[1:]] == expected


def test_sparqlwrapper_ask_and_construct_formats(live_server) -> None:  # noqa: ANN001
    """ASK gives a boolean; CONSTRUCT gives the same graph as Turtle, RDF/XML, N-Triples and JSON-LD."""
    ask = _wrapper(live_server, f"ASK {{ <{GJOVIK}> ?p ?o }}", JSON).query().convert()
    assert ask["boolean"] is True
    graphs = []
    for fmt, parser in ((TURTLE, "turtle"), (RDFXML, "xml"), (N3, "turtle"), (JSONLD, "json-ld")):
        wrapper = _wrapper(live_server, MEMBERS, fmt)
        raw = wrapper.query().response.read()
        graphs.append(Graph().parse(data=raw, format=parser))
    assert len(graphs[0]) == 2
    for other in graphs[1:]:
        assert isomorphic(graphs[0], other)


def test_rdflib_sparqlstore_reads_the_endpoint(live_server) -> None:  # noqa: ANN001
    """rdflib's SPARQLStore, pointed at /sparql, answers a query with rdflib terms."""
    store = SPARQLStore(live_server.url + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query(PARTNERSHIPS))
    assert URIRef(GJOVIK) in {row[0] for row in rows}
    labels = list(graph.query(
        f'PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE {{ <{GJOVIK}> skos:prefLabel ?l FILTER(lang(?l) = "en") }}'
    ))
    assert labels and isinstance(labels[0][0], Literal)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv;q=0.9, application/sparql-results+xml;q=0.4", "text/csv"),
        ("application/sparql-results+xml, text/csv;q=0.1", "application/sparql-results+xml"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
    ],
)
def test_accept_with_q_values_chooses_the_format(live_server, accept: str, expected: str) -> None:  # noqa: ANN001
    """The Accept header, q-values included, picks the result format; a wildcard gets SPARQL JSON."""
    response = requests.get(live_server.url + "/sparql", params={"query": PARTNERSHIPS}, headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected
    assert "Accept" in response.headers["Vary"]


def test_format_parameter_overrides_accept(live_server) -> None:  # noqa: ANN001
    """format=csv wins over an Accept header asking for JSON."""
    response = requests.get(
        live_server.url + "/sparql", params={"query": PARTNERSHIPS, "format": "csv"},
        headers={"Accept": "application/sparql-results+json"}, timeout=30,
    )
    assert response.headers["Content-Type"].startswith("text/csv")


def test_unacceptable_accept_is_406(live_server) -> None:  # noqa: ANN001
    """An Accept header that no result format satisfies gets 406 naming the formats offered."""
    response = requests.get(live_server.url + "/sparql", params={"query": PARTNERSHIPS}, headers={"Accept": "image/png"}, timeout=30)
    assert response.status_code == 406
    assert "text/csv" in response.json()["detail"]


def test_three_ways_to_send_a_query_agree(live_server) -> None:  # noqa: ANN001
    """GET, URL-encoded POST and direct POST give the same answer."""
    url = live_server.url + "/sparql"
    headers = {"Accept": "application/sparql-results+json"}
    answers = [
        requests.get(url, params={"query": PARTNERSHIPS}, headers=headers, timeout=30).json(),
        requests.post(url, data={"query": PARTNERSHIPS}, headers=headers, timeout=30).json(),
        requests.post(url, data=PARTNERSHIPS.encode(), headers=headers | {"Content-Type": "application/sparql-query"}, timeout=30).json(),
    ]
    assert answers[0] == answers[1] == answers[2]


def test_default_and_named_graph_uris_are_honoured(live_server) -> None:  # noqa: ANN001
    """default-graph-uri restricts the default graph; named-graph-uri restricts GRAPH ?g."""
    url = live_server.url + "/sparql"
    q = PARTNERSHIPS
    only_gjovik = requests.get(url, params={"query": q, "default-graph-uri": GJOVIK_GRAPH}, timeout=30).json()
    assert [b["p"]["value"] for b in only_gjovik["results"]["bindings"]] == [GJOVIK]
    named = requests.get(
        url,
        params=[("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"), ("named-graph-uri", GJOVIK_GRAPH), ("named-graph-uri", TRONDHEIM_GRAPH)],
        timeout=30,
    ).json()
    assert {b["g"]["value"] for b in named["results"]["bindings"]} == {GJOVIK_GRAPH, TRONDHEIM_GRAPH}


@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        ({"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "2 'query' parameters"),
        ({"params": {"query": "SELECT ?x WHERE { ?x ?y }"}}, 400, "line 1"),
        ({"params": {"update": "DROP ALL"}}, 403, "read-only"),
        ({"params": {"query": "DROP ALL"}}, 403, "read-only"),
        ({"method": "POST", "data": "INSERT DATA { <a:a> <a:b> <a:c> }", "headers": {"Content-Type": "application/sparql-update"}}, 403, "read-only"),
        ({"method": "POST", "data": "ASK {}", "headers": {"Content-Type": "text/plain"}}, 415, "Content-Type text/plain"),
        ({"method": "POST", "data": {"nothing": "x"}}, 400, "no 'query'"),
        ({"params": {"query": "SELECT * WHERE " + "{" * 5000 + "}" * 5000}}, 400, "nests brackets"),
        ({"params": {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}}, 400, "SERVICE"),
    ],
)
def test_bad_requests_get_clear_4xx(live_server, kwargs: dict, status: int, words: str) -> None:  # noqa: ANN001
    """Two queries, malformed queries, updates, wrong content types, deep nesting and SERVICE get a 4xx problem
    document that says what is wrong; never a 500."""
    method = kwargs.pop("method", "GET")
    response = requests.request(method, live_server.url + "/sparql", timeout=30, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert words in response.json()["detail"]


def test_updates_never_change_the_store(live_server, loaded_store) -> None:  # noqa: ANN001
    """No form of update sent to /sparql changes the data."""
    before = loaded_store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]
    for data in ({"update": "DROP ALL"}, {"query": "CLEAR ALL"}):
        requests.post(live_server.url + "/sparql", data=data, timeout=30)
    requests.post(live_server.url + "/sparql", data="DROP ALL", headers={"Content-Type": "application/sparql-update"}, timeout=30)
    assert loaded_store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"] == before


def test_service_clause_opens_no_connection(live_server) -> None:  # noqa: ANN001
    """A SERVICE clause pointing at a local listener is refused and the listener sees no connection."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    connections: list[object] = []

    def accept() -> None:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                connections.append(listener.accept())
            except OSError:
                continue

    watcher = threading.Thread(target=accept)
    watcher.start()
    for form in (
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
    ):
        response = requests.get(live_server.url + "/sparql", params={"query": form}, timeout=30)
        assert response.status_code in (200, 400), response.text
    watcher.join()
    listener.close()
    assert connections == []


def test_get_without_query_is_a_service_description(live_server) -> None:  # noqa: ANN001
    """GET /sparql with no query returns the SPARQL 1.1 Service Description, negotiated."""
    response = requests.get(live_server.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (URIRef(live_server.url + "/sparql"), URIRef(sd + "endpoint"), URIRef(live_server.url + "/sparql")) in graph
    assert (None, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in graph
    as_jsonld = requests.get(live_server.url + "/sparql", headers={"Accept": "application/ld+json"}, timeout=30)
    assert isomorphic(Graph().parse(data=as_jsonld.text, format="json-ld"), graph)


def test_cors_on_sparql(live_server) -> None:  # noqa: ANN001
    """/sparql answers cross-origin requests (CORS on by default)."""
    response = requests.get(live_server.url + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"}, timeout=30)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_void_describes_the_dataset(live_server, loaded_store) -> None:  # noqa: ANN001
    """/void and /.well-known/void give VoID + DCAT with nb/en titles, licence, live counts, endpoint and dumps."""
    text = requests.get(live_server.url + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30).text
    graph = Graph().parse(data=text, format="turtle")
    void = "http://rdfs.org/ns/void#"
    dataset = URIRef(live_server.url + "/void")
    triples = int(graph.value(dataset, URIRef(void + "triples")))
    expected = int(loaded_store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"])
    assert triples == expected
    titles = {t.language for t in graph.objects(dataset, URIRef("http://purl.org/dc/terms/title"))}
    assert titles == {"nb", "en"}
    assert graph.value(dataset, URIRef(void + "sparqlEndpoint")) == URIRef(live_server.url + "/sparql")
    assert URIRef(live_server.url + "/dump.trig") in set(graph.objects(dataset, URIRef(void + "dataDump")))
    assert graph.value(dataset, URIRef("http://purl.org/dc/terms/license")) is not None
    again = Graph().parse(data=requests.get(live_server.url + "/void", timeout=30).text, format="turtle")
    assert isomorphic(graph, again)


def test_dumps_hold_every_graph(live_server, loaded_store) -> None:  # noqa: ANN001
    """/dump.trig and /dump.nq give every graph of the store."""
    from rdflib import Dataset

    names = set(loaded_store.graph_names())
    for path, fmt in (("/dump.trig", "trig"), ("/dump.nq", "nquads")):
        ds = Dataset()
        ds.parse(data=requests.get(live_server.url + path, timeout=60).text, format=fmt)
        assert {str(g.identifier) for g in ds.graphs() if len(g)} == names


def test_slow_query_ends_at_the_time_limit_and_the_server_answers_next(tmp_path) -> None:  # noqa: ANN001
    """A query that would run for minutes ends at the time limit with 503 and a message; the next request answers at once."""
    with OxigraphEngine(None, timeout_s=2) as engine:
        base = engine.base_url
        store = SparqlStore(f"{base}/query", f"{base}/update", timeout_s=2, engine=None)
        store.engine = engine
        live, server = serve_in_thread(create_app(Settings(query_timeout_s=2), store))
        try:
            values = " ".join(str(i) for i in range(3000))
            slow = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ {values} }} }}"
            started = time.monotonic()
            response = requests.get(live.url + "/sparql", params={"query": slow}, timeout=60)
            elapsed = time.monotonic() - started
            assert response.status_code == 503, response.text
            assert "time limit" in response.json()["detail"]
            assert elapsed < 10, elapsed
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                quick = requests.get(live.url + "/sparql", params={"query": "ASK {}"}, timeout=10)
                if quick.status_code == 200:
                    break
                time.sleep(0.1)
            assert quick.status_code == 200 and json.loads(quick.text)["boolean"] is True
            print(f"slow query ended after {elapsed:.1f} s with 503")
        finally:
            server.shutdown()
            store.engine = None
