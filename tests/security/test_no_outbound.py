"""No request makes the server open a URL: SERVICE, LOAD, FROM, FROM NAMED, graph parameters, remote JSON-LD
contexts, XML external entities and owl:imports are refused or inert, and a loopback listener proves it."""

from __future__ import annotations

import json
import time

import pytest
import requests

from towngown.tokens import create_token

SLUG = "oppdal-ntnu"


def _sparql(site, query: str, **params: str) -> requests.Response:  # noqa: ANN001
    return requests.post(f"{site.url}/sparql", data={"query": query, **params},
                         headers={"Accept": "application/sparql-results+json"}, timeout=30)


def _no_connection(listener, answers: list[requests.Response]) -> None:  # noqa: ANN001
    time.sleep(0.3)  # anything asynchronous would have connected by now
    assert listener.connections == [], f"the server connected to the listener: {listener.connections}"
    for answer in answers:
        assert answer.status_code < 500 or answer.status_code == 503, answer.text[:300]


def test_sparql_clauses_that_name_urls_never_reach_them(site, listener) -> None:  # noqa: ANN001
    """SERVICE is refused (400), LOAD and other updates are refused, FROM / FROM NAMED / default-graph-uri /
    named-graph-uri with the listener's URL are answered from the store alone; the listener sees no connection."""
    url = listener.url
    service = _sparql(site, f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}")
    silent = _sparql(site, f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}")
    nested = _sparql(site, f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}/x> {{ ?s ?p ?o }} }} }} }}")
    assert {service.status_code, silent.status_code, nested.status_code} == {400}
    assert "SERVICE" in service.json()["detail"]
    load = requests.post(f"{site.url}/sparql", data={"update": f"LOAD <{url}/data.ttl>"}, timeout=30)
    load_direct = requests.post(f"{site.url}/sparql", data=f"LOAD <{url}/data.ttl>".encode(),
                                headers={"Content-Type": "application/sparql-update"}, timeout=30)
    load_as_query = _sparql(site, f"LOAD <{url}/data.ttl>")
    assert load.status_code in (400, 403) and load_direct.status_code in (400, 403)
    assert load_as_query.status_code in (400, 403)
    inert = [
        _sparql(site, f"SELECT * FROM <{url}/a.ttl> WHERE {{ ?s ?p ?o }} LIMIT 1"),
        _sparql(site, f"SELECT * FROM NAMED <{url}/a.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1"),
        _sparql(site, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", **{"default-graph-uri": f"{url}/a.ttl"}),
        _sparql(site, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1", **{"named-graph-uri": f"{url}/b.ttl"}),
        _sparql(site, f"SELECT * WHERE {{ GRAPH <{url}/c.ttl> {{ ?s ?p ?o }} }}"),
        requests.post(f"{site.url}/sparql", data={"query": f"DESCRIBE <{url}/d>"},
                      headers={"Accept": "text/turtle"}, timeout=30),
        requests.get(f"{site.url}/queries/organisation-partnerships.json",
                     params={"organisation": f"{url}/org"}, timeout=30),
    ]
    for answer in inert:
        assert answer.status_code in (200, 400), answer.text[:300]
    print(f"\nSPARQL clauses naming a URL: {3 + 3 + len(inert)} sent, connections made: {len(listener.connections)}")
    _no_connection(listener, [service, silent, nested, load, load_direct, load_as_query, *inert])


def _remote_context(url: str) -> bytes:
    return json.dumps({
        "@context": f"{url}/context.jsonld",
        "@id": "https://w3id.org/towngown/id/partnership/oppdal-ntnu", "label": "x",
    }).encode()


def _xxe(url: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY ext SYSTEM "{url}/entity.xml">]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
            '<rdf:Description rdf:about="https://w3id.org/towngown/id/partnership/oppdal-ntnu">'
            '<rdfs:label>&ext;</rdfs:label></rdf:Description></rdf:RDF>\n').encode()


def _imports(url: str) -> bytes:
    return (f"<https://w3id.org/towngown/graph/oppdal-ntnu> <http://www.w3.org/2002/07/owl#imports> <{url}/onto.ttl> .\n"
            f"<{url}/a> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{url}/b> .\n").encode()


@pytest.mark.parametrize("route", ["validate", "publish"])
def test_documents_that_name_urls_are_never_fetched(site, listener, route: str) -> None:  # noqa: ANN001
    """A JSON-LD remote @context (also in an array and via @import), an RDF/XML external entity and owl:imports
    sent to /validate or PUT /graphs (with a valid token) are refused or inert: the listener sees no connection."""
    url = listener.url
    bodies = [
        ("application/ld+json", _remote_context(url)),
        ("application/ld+json", json.dumps([{"@context": [{"@vocab": "x:"}, f"{url}/c2"], "@id": "x:y", "a": 1}]).encode()),
        ("application/ld+json", json.dumps({"@context": {"@import": f"{url}/c3"}, "@id": "x:y", "a": 1}).encode()),
        ("application/rdf+xml", _xxe(url)),
        ("application/n-triples", _imports(url)),
        ("text/turtle", f"@base <{url}/> . <a> <b> <c> .".encode()),
    ]
    headers = {}
    if route == "publish":
        secret, _ = create_token(site.settings, "Oppdal kommune", [SLUG])
        headers["Authorization"] = f"Bearer {secret}"
    answers = []
    for media_type, body in bodies:
        target = f"{site.url}/validate" if route == "validate" else f"{site.url}/graphs/{SLUG}"
        method = requests.post if route == "validate" else requests.put
        answer = method(target, data=body, headers={"Content-Type": media_type, "Accept": "application/json", **headers},
                        timeout=30)
        assert answer.status_code in (200, 400, 415, 422), (media_type, answer.status_code, answer.text[:300])
        answers.append(answer)
    assert answers[0].status_code in (400, 422) and "context" in answers[0].json()["detail"]
    print(f"\n{route}: documents naming a URL: {len(bodies)}, connections made: {len(listener.connections)}")
    _no_connection(listener, answers)
