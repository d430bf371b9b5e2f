"""HTTP caching: ETags from the dataset version and the request's variant, Cache-Control, 304, the response cache."""

from __future__ import annotations

import json
import time

import pytest
from flask import Flask
from rdflib import Graph

from towngown.config import Settings
from towngown.publish import write_graphs
from towngown.store import SparqlStore
from towngown.web import create_app
from towngown.web.caching import cache_of

GRAPH = "https://w3id.org/towngown/graph/cache-test"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _graph(n: int) -> Graph:
    return Graph().parse(data=f"<http://example.org/a> <http://example.org/p> {n} .", format="turtle")


@pytest.fixture()
def scratch_app(store: SparqlStore) -> Flask:
    """An app over an empty scratch store that tests may write to (versions re-read after 0.2 s)."""
    write_graphs(store, {GRAPH: _graph(1)})
    return create_app(Settings(cache_version_ttl_s=0.2), store)


def test_reads_carry_an_etag_and_cache_control(client) -> None:  # noqa: ANN001
    """Pages, stored-query results, /sparql GET results, VoID and dumps carry a weak ETag and a public max-age."""
    for path in ("/", "/queries", "/queries/initiators.json", f"/sparql?query={COUNT}", "/void", "/dump.nq"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["ETag"].startswith('W/"'), path
        assert response.cache_control.public and response.cache_control.max_age == 60, path
        assert "Accept" in response.headers["Vary"], path


def test_if_none_match_gets_304(client) -> None:  # noqa: ANN001
    """A conditional GET with the ETag it was given gets 304 without a body; a different ETag gets the answer."""
    first = client.get("/queries/initiators.json")
    etag = first.headers["ETag"]
    again = client.get("/queries/initiators.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    other = client.get("/queries/initiators.json", headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200 and json.loads(other.data) == json.loads(first.data)


def test_the_etag_names_the_variant(client) -> None:  # noqa: ANN001
    """Another Accept, Accept-Language or query string is another answer with another ETag."""
    base = client.get("/queries/initiators", headers={"Accept": "text/csv"}).headers["ETag"]
    assert client.get("/queries/initiators", headers={"Accept": "application/sparql-results+json"}).headers["ETag"] != base
    assert client.get("/queries/initiators", headers={"Accept": "text/csv", "Accept-Language": "en"}).headers["ETag"] != base
    assert client.get("/queries/initiators?lang=en", headers={"Accept": "text/csv"}).headers["ETag"] != base
    assert client.get("/queries/initiators", headers={"Accept": "text/csv"}).headers["ETag"] == base


def test_etag_changes_after_a_write(scratch_app: Flask, store: SparqlStore) -> None:
    """After publish.write_graphs the ETag changes and the old one no longer gets 304: the new data is served."""
    client = scratch_app.test_client()
    path = f"/sparql?query={COUNT}"
    before = client.get(path, headers={"Accept": "application/sparql-results+json"})
    etag = before.headers["ETag"]
    write_graphs(store, {GRAPH: _graph(1), GRAPH + "-2": _graph(2)})
    time.sleep(0.3)  # the worker re-reads the version at most every cache_version_ttl_s
    after = client.get(path, headers={"Accept": "application/sparql-results+json", "If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    count = lambda r: int(json.loads(r.data)["results"]["bindings"][0]["n"]["value"])  # noqa: E731
    assert count(after) > count(before)


def test_repeated_reads_come_from_the_response_cache(scratch_app: Flask) -> None:
    """The second identical read is answered from the worker's bounded response cache, byte for byte."""
    client = scratch_app.test_client()
    first = client.get("/void")
    assert len(cache_of(scratch_app)) >= 1
    second = client.get("/void")
    assert second.status_code == 200 and second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"] and second.mimetype == first.mimetype


def test_errors_writes_and_health_are_not_cached(client) -> None:  # noqa: ANN001
    """Error answers, POSTs, /healthz and requests with credentials get Cache-Control: no-store and no ETag."""
    for response in (
        client.get("/sparql?query=SELECT"),
        client.get("/queries/no-such-query.json"),
        client.post("/sparql", data={"query": "ASK {}"}),
        client.get("/healthz"),
        client.get("/queries/initiators.json", headers={"Authorization": "Bearer x"}),
    ):
        assert response.headers.get("Cache-Control") == "no-store", response.request.path
        assert "ETag" not in response.headers


def test_caching_can_be_switched_off(loaded_store: SparqlStore) -> None:
    """With TOWNGOWN_HTTP_CACHE=false no ETag is set and If-None-Match is ignored."""
    client = create_app(Settings(http_cache=False), loaded_store).test_client()
    response = client.get("/queries/initiators.json", headers={"If-None-Match": "*"})
    assert response.status_code == 200 and "ETag" not in response.headers
