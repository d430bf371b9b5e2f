"""/sparql in a browser: the YASGUI editor (served from the app) with every stored query as a tab."""

from __future__ import annotations

import json
import re

from rdflib import Graph, Namespace, URIRef

from towngown.catalog import load_catalog
from towngown.config import Settings
from towngown.web import create_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def test_browser_gets_the_editor_with_every_stored_query(client) -> None:  # noqa: ANN001
    """GET /sparql from a browser is the editor page: YASGUI's files from this server, a tab per stored query."""
    response = client.get("/sparql?lang=en", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert '<script src="/assets/yasgui/yasgui.min.js"></script>' in html
    assert '<link rel="stylesheet" href="/assets/yasgui/yasgui.min.css">' in html
    assert '<script src="/static/sparql-editor.js"></script>' in html
    assert re.search(r'<div id="yasgui" data-endpoint="http://localhost/sparql"', html)
    block = re.search(r'<script type="application/json" id="stored-queries">(.*?)</script>', html, re.S).group(1)
    queries = json.loads(block)
    catalog = load_catalog()
    assert [q["name"] for q in queries] == [q.name for q in catalog if q.ok]
    overview = next(q for q in queries if q["name"] == "partnership-overview")
    assert overview["title"] == "Overview of the partnerships"
    assert overview["sparql"] == catalog.get("partnership-overview").sparql
    assert "<script>" not in block.replace("</script>", "")  # |tojson escapes < and >, so no tag can close the block
    # no inline script: everything that runs comes from this server's own files
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) == []


def test_rdf_clients_still_get_the_service_description(client) -> None:  # noqa: ANN001
    """GET /sparql without Accept, with */* or an RDF type stays the SPARQL 1.1 Service Description."""
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "text/turtle"}):
        response = client.get("/sparql", headers=headers)
        assert response.mimetype == "text/turtle", headers
        graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
        assert (None, SD.endpoint, URIRef("http://localhost/sparql")) in graph
    as_format = client.get("/sparql?format=turtle", headers={"Accept": BROWSER})
    assert as_format.mimetype == "text/turtle"


def test_a_query_from_a_browser_still_runs(client) -> None:  # noqa: ANN001
    """With a query, /sparql answers it whatever the Accept: the editor only replaces the empty GET."""
    response = client.get("/sparql", query_string={"query": "SELECT (1 AS ?one) WHERE {}", "format": "json"}, headers={"Accept": BROWSER})
    assert response.get_json()["results"]["bindings"][0]["one"]["value"] == "1"


def test_yasgui_assets_are_served(client) -> None:  # noqa: ANN001
    """YASGUI's JS and CSS come from the app (node_modules, built by npm ci); other names are 404."""
    script = client.get("/assets/yasgui/yasgui.min.js")
    assert script.status_code == 200 and "javascript" in script.mimetype and len(script.data) > 100_000
    assert client.get("/assets/yasgui/yasgui.min.css").mimetype == "text/css"
    assert client.get("/assets/yasgui/package.json").status_code == 404
    assert client.get("/assets/yasgui/..%2Fpackage.json").status_code == 404
    assert client.get("/static/sparql-editor.js").status_code == 200


def test_without_the_build_the_page_says_how_to_build_it(loaded_store, tmp_path) -> None:  # noqa: ANN001
    """When YASGUI is not built the app still starts; /sparql says to run make setup, and the assets are 404."""
    app = create_app(Settings(yasgui_dir=str(tmp_path / "missing")), loaded_store)
    client = app.test_client()
    response = client.get("/sparql?lang=en", headers={"Accept": BROWSER})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "make setup" in html and "npm ci" in html
    assert "yasgui.min.js" not in html
    assert client.get("/assets/yasgui/yasgui.min.js").status_code == 404
    norsk = client.get("/sparql?lang=nb", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "ikke bygget" in norsk
