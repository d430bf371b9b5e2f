"""Hostile content published with a valid token: pages stay safe in a real browser, size limits hold, and the
service keeps answering others while a huge body is refused."""

from __future__ import annotations

import threading
import time

import requests
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from towngown.publish import collect
from towngown.resources import data_dir
from towngown.tokens import create_token

SLUG = "gjovik-ntnu"
PARTNERSHIP = URIRef(f"https://w3id.org/towngown/id/partnership/{SLUG}")
GRAPH = URIRef(f"https://w3id.org/towngown/graph/{SLUG}")
SCRIPT_NB = "<script>window.__xss='nb';alert('nb')</script>\u202eGjøvik"
SCRIPT_EN = "<img src=x onerror=\"window.__xss='en';alert('en')\"> Gjøvik"
DEEP = 1500


def _hostile_body() -> bytes:
    """The real Gjøvik graph with script in its labels, a javascript: IRI, a large literal, a bidi override and a
    1 500-level blank-node chain, as N-Quads (valid against the shapes, so it is published)."""
    dataset, _ = collect([data_dir() / "gjovik-ntnu.trig"])
    graph = dataset.graph(GRAPH)
    graph.remove((PARTNERSHIP, SKOS.prefLabel, None))
    graph.add((PARTNERSHIP, SKOS.prefLabel, Literal(SCRIPT_NB, lang="nb")))
    graph.add((PARTNERSHIP, SKOS.prefLabel, Literal(SCRIPT_EN, lang="en")))
    graph.add((PARTNERSHIP, RDFS.seeAlso, URIRef("javascript:window.__xss='link';alert('link')")))
    graph.add((PARTNERSHIP, DCTERMS.description, Literal("\u202e" + "x" * 300_000 + "</script><script>alert(1)</script>", lang="en")))
    node = BNode()
    graph.add((PARTNERSHIP, RDFS.comment, Literal("deep chain follows", lang="en")))
    graph.add((PARTNERSHIP, DCTERMS.relation, node))
    for _ in range(DEEP):
        nxt = BNode()
        graph.add((node, DCTERMS.relation, nxt))
        node = nxt
    out = Dataset()
    target = out.graph(GRAPH)
    for triple in graph:
        target.add(triple)
    return out.serialize(format="nquads").encode("utf-8")


def test_hostile_publication_renders_as_text_in_chromium(site_with, browser) -> None:  # noqa: ANN001
    """Published labels with <script>, onerror handlers, javascript: IRIs, bidi overrides, a 300 kB literal and a
    deep blank-node chain: the pages show them as text, no script runs, no javascript: link is clickable."""
    site = site_with(max_request_bytes=2_000_000)
    token, _ = create_token(site.settings, "Gjøvik kommune", [SLUG])
    body = _hostile_body()
    published = requests.put(f"{site.url}/graphs/{SLUG}", data=body, timeout=120,
                              headers={"Authorization": f"Bearer {token}", "Content-Type": "application/n-quads"})
    assert published.status_code in (200, 201), published.text[:500]
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    checked = 0
    for path in (f"/id/partnership/{SLUG}", f"/compare?p={SLUG}", "/partnerships", "/", f"/graph/{SLUG}"):
        response = page.goto(site.url + path)
        assert response is not None and response.status == 200, path
        assert "script-src 'self'" in response.headers.get("content-security-policy", ""), path
        assert page.evaluate("window.__xss") is None, path
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")], path
        checked += 1
    text = page.goto(site.url + f"/id/partnership/{SLUG}") and page.inner_text("body")
    assert "<script>window.__xss='nb'" in text
    assert dialogs == []
    context.close()
    print(f"hostile publication: {len(body)} bytes accepted, {checked} pages checked in Chromium, 0 scripts ran")


def test_million_triples_body_is_refused_while_others_are_served(site) -> None:  # noqa: ANN001
    """A body of a million triples gets 413 before it is parsed, and other requests keep being answered."""
    token, _ = create_token(site.settings, "Gjøvik kommune", [SLUG])
    line = b"<https://w3id.org/towngown/id/x/s> <https://w3id.org/towngown/id/x/p> \"o\" .\n"
    body = line * 1_000_000
    answers: list[int] = []
    stop = threading.Event()

    def others() -> None:
        while not stop.is_set():
            answers.append(requests.get(f"{site.url}/healthz", timeout=10).status_code)
            time.sleep(0.05)

    watcher = threading.Thread(target=others)
    watcher.start()
    started = time.monotonic()
    try:
        response = requests.put(f"{site.url}/graphs/{SLUG}", data=body, timeout=120,
                                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/n-triples"})
    except requests.ConnectionError:
        response = None  # the server may close the connection after answering 413 without reading the body
    elapsed = time.monotonic() - started
    stop.set()
    watcher.join()
    if response is not None:
        assert response.status_code == 413, response.text[:300]
    assert answers and set(answers) == {200}
    print(f"million-triple body ({len(body) // 1_000_000} MB): refused in {elapsed:.2f} s; {len(answers)} other requests answered 200")
