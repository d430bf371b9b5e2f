"""Published data is untrusted: on the linked-data pages every hostile text shows as text and runs nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from towngown.config import Settings
from towngown.publish import collect
from towngown.resources import ontology_dir
from towngown.store import SparqlStore
from towngown.web import create_app

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "browse-hostile.trig"
EVIL = URIRef("https://w3id.org/towngown/id/partnership/evil")
PAGES = ["/", "/partnerships", "/id/partnership/evil", "/id/partnership/evil?lang=en", "/id/organisation/evil-org",
         "/id/term/evil-1", "/graph/evil", "/id/concept/area/helse-og-omsorg", "/id/concept/orgtype/municipality"]


@pytest.fixture(scope="module")
def hostile_app(engine) -> Iterator:  # noqa: ANN001
    """An app over the scratch engine holding the ontology and tests/data/browse-hostile.trig (loaded once for
    this module, which only reads it; emptied again at its end)."""
    base = engine.base_url
    store = SparqlStore(f"{base}/query", f"{base}/update", f"{base}/store", timeout_s=10.0)
    store.clear()
    dataset, _ = collect([ontology_dir(), HOSTILE])
    store.replace_graphs({str(g.identifier): g for g in dataset.graphs() if len(g)})
    yield create_app(Settings(), store)
    store.clear()
    store.close()


@pytest.fixture()
def hostile_client(hostile_app):  # noqa: ANN001, ANN201
    """A test client of the hostile app."""
    return hostile_app.test_client()


def _scripts(text: str) -> list[str]:
    """Every <script ...> opening tag on a page."""
    return re.findall(r"<script\b[^>]*>", text, re.I)


@pytest.mark.parametrize("path", PAGES)
def test_hostile_texts_show_as_text(hostile_client, path: str) -> None:  # noqa: ANN001
    """No hostile text becomes markup: the only script element is the JSON-LD data block, no event handler
    attribute or javascript: link appears, and the texts are there escaped."""
    response = hostile_client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    text = response.get_data(as_text=True)
    assert all('type="application/ld+json"' in tag for tag in _scripts(text)), _scripts(text)
    assert len(_scripts(text)) <= 1
    for pattern in (r"<svg onload", r"<img src=x", r'\sonmouseover="', r'\sonerror="', r'href="javascript:', r"<b>Evil</b>"):
        assert not re.search(pattern, text, re.I), (path, pattern)
    assert "Content-Security-Policy" in response.headers


def test_partnership_page_escapes_every_kind_of_text(hostile_client) -> None:  # noqa: ANN001
    """Labels, alternative names, notes, quotes and source IRIs of the hostile partnership are all on the page,
    escaped; a javascript: IRI is shown, never linked."""
    text = hostile_client.get("/id/partnership/evil", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned=&#39;nb&#39;&lt;/script&gt;&lt;b&gt;Evil&lt;/b&gt;" in text
    assert "&#34; onmouseover=&#34;window.__pwned=&#39;attr&#39;" in text
    assert "&lt;img src=x onerror=&#34;window.__pwned=&#39;note&#39;&#34;&gt;" in text
    assert "&lt;/q&gt;&lt;/li&gt;&lt;script&gt;window.__pwned=&#39;quote&#39;&lt;/script&gt;" in text
    assert "javascript:alert(&#39;source&#39;)" in text and 'href="javascript:' not in text
    assert "&lt;svg onload=&#34;window.__pwned=&#39;org&#39;&#34;&gt;&lt;/svg&gt;" in text


def test_json_ld_block_cannot_be_closed_by_data(hostile_client) -> None:  # noqa: ANN001
    """A literal containing </script> stays inside the JSON-LD block ("<" written as \\u003c) and parses back
    to the same literal."""
    text = hostile_client.get("/id/partnership/evil", headers={"Accept": "text/html"}).get_data(as_text=True)
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert "<" not in block and "\\u003c/script" in block
    embedded = Graph().parse(data=json.dumps(json.loads(block)), format="json-ld")
    assert (EVIL, SKOS.prefLabel, Literal("</script><script>window.__pwned='nb'</script><b>Evil</b>", lang="nb")) in embedded


def test_hostile_rdf_round_trips(hostile_client) -> None:  # noqa: ANN001
    """The RDF of the hostile resource carries its texts unchanged (escaping is the page's business)."""
    turtle = hostile_client.get("/id/partnership/evil", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    graph = Graph().parse(data=turtle, format="turtle")
    assert (EVIL, SKOS.prefLabel, Literal("</script><script>window.__pwned='en'</script>", lang="en")) in graph
