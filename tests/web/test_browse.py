"""Dereferencing IRIs under the base: content negotiation, status codes, the RDF of a resource, and its page."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from markupsafe import escape
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SKOS

ID = "https://w3id.org/towngown/id/"
DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
TG = Namespace("https://w3id.org/towngown/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
GJOVIK = URIRef(ID + "partnership/gjovik-ntnu")
COMMITMENT_5 = URIRef(ID + "commitment/gjovik-ntnu-commitment-5")
GJOVIK_KOMMUNE = URIRef(ID + "organisation/gjovik-kommune")
ROOT = Path(__file__).resolve().parents[2]
CONCEPTS = ROOT / "ontology" / "concepts.ttl"

RDF_FORMATS = [
    ("text/turtle", "turtle", "turtle"),
    ("application/n-triples", "nt", "nt"),
    ("application/rdf+xml", "rdfxml", "xml"),
    ("application/ld+json", "jsonld", "json-ld"),
]


def parse(response, fmt: str) -> Graph:  # noqa: ANN001 - a Flask test response
    """The RDF body of a response as a graph, decimals in one lexical form (Turtle writes 50 as 50.0)."""
    parsed = Graph().parse(data=response.get_data(as_text=True), format=fmt)
    graph = Graph()
    for s, p, o in parsed:
        if isinstance(o, Literal) and o.datatype == DECIMAL:
            o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=DECIMAL)
        graph.add((s, p, o))
    return graph


def html(client, path: str, **headers: str):  # noqa: ANN001, ANN201
    """GET a page as a browser does."""
    return client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", **headers})


@pytest.mark.parametrize(("media_type", "name", "parser"), RDF_FORMATS)
def test_each_rdf_format_by_accept_and_by_format(client, media_type: str, name: str, parser: str) -> None:  # noqa: ANN001
    """A resource IRI answers each RDF format for its Accept type and for ?format=, with the same graph."""
    by_accept = client.get("/id/commitment/gjovik-ntnu-commitment-5", headers={"Accept": media_type})
    by_format = client.get("/id/commitment/gjovik-ntnu-commitment-5", query_string={"format": name},
                           headers={"Accept": "text/html"})
    reference = parse(client.get("/id/commitment/gjovik-ntnu-commitment-5?format=turtle"), "turtle")
    for response in (by_accept, by_format):
        assert response.status_code == 200
        assert response.mimetype == media_type
        assert "Accept" in response.headers["Vary"]
        assert isomorphic(parse(response, parser), reference)


def test_q_values_choose_the_format(client) -> None:  # noqa: ANN001
    """Accept q-values are honoured: the highest acceptable type wins, HTML included."""
    rdf = client.get("/id/partnership/gjovik-ntnu", headers={"Accept": "text/html;q=0.5, text/turtle;q=0.9"})
    assert rdf.mimetype == "text/turtle"
    page = client.get("/id/partnership/gjovik-ntnu", headers={"Accept": "text/turtle;q=0.4, text/html"})
    assert page.mimetype == "text/html"
    jsonld = client.get("/id/partnership/gjovik-ntnu", headers={"Accept": "application/ld+json;q=0.8, application/rdf+xml;q=0.3"})
    assert jsonld.mimetype == "application/ld+json"


@pytest.mark.parametrize("accept", ["text/html,application/xhtml+xml,*/*;q=0.8", "*/*", None])
def test_html_is_the_default(client, accept: str | None) -> None:  # noqa: ANN001
    """A browser, */* and a request without Accept get the HTML page."""
    response = client.get("/id/partnership/gjovik-ntnu", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == "text/html"


def test_unacceptable_type_is_406(client) -> None:  # noqa: ANN001
    """An Accept header naming nothing the resource has is 406."""
    assert client.get("/id/partnership/gjovik-ntnu", headers={"Accept": "image/png"}).status_code == 406


def test_link_headers_name_every_format(client) -> None:  # noqa: ANN001
    """Every answer lists the HTML and the four RDF formats in Link rel="alternate" headers that work."""
    for accept in ("text/html", "text/turtle"):
        response = client.get("/id/organisation/ntnu", headers={"Accept": accept})
        links = re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', response.headers["Link"])
        types = {media for _, media in links}
        assert types == {"text/html", "text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"}
        assert response.headers["Vary"] == "Accept, Accept-Language"
    for url, media in links:
        followed = client.get(url.replace("http://localhost", ""))
        assert followed.status_code == 200 and followed.mimetype == media
        if media != "text/html":
            assert followed.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/id/partnership/no-such-partnership", "/id/concept/area/no-such-area",
                                  "/graph/no-such-graph", "/id/organisation/a%20b", "/id/"])
def test_unknown_iri_is_404_as_a_page_and_as_a_problem(client, path: str) -> None:  # noqa: ANN001
    """An IRI the store knows nothing about is 404: a page for a browser, a problem document for an RDF client."""
    page = html(client, path)
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    assert "404" in page.get_data(as_text=True)
    problem = client.get(path, headers={"Accept": "text/turtle"})
    assert problem.status_code == 404
    assert problem.mimetype == "application/problem+json"
    assert problem.get_json()["status"] == 404


def test_description_closes_blank_nodes(client) -> None:  # noqa: ANN001
    """The RDF of a commitment holds its evidence blank nodes with their selectors and quotes, all closed."""
    graph = parse(client.get("/id/commitment/gjovik-ntnu-commitment-5", headers={"Accept": "text/turtle"}), "turtle")
    evidence = list(graph.objects(COMMITMENT_5, TG.evidence))
    assert len(evidence) == 3 and all(isinstance(e, BNode) for e in evidence)
    quotes = {str(q) for q in graph.objects(None, OA.exact)}
    assert "Lønns- og driftsmidler for 50% egenandel av treårig Offentlig ph.d. fra Norges forskningsråd." in quotes
    lines = {(int(f), int(t)) for s in graph.subjects(RDF.type, OA.FragmentSelector)
             for f in graph.objects(s, TG.fromLine) for t in graph.objects(s, TG.toLine)}
    assert lines == {(34, 34), (31, 34), (21, 21)}
    subjects = set(graph.subjects())
    assert all(o in subjects for o in graph.objects() if isinstance(o, BNode))


def test_description_has_labels_of_linked_resources_and_incoming_links(client) -> None:  # noqa: ANN001
    """The RDF names what the resource links to (skos:prefLabel) and holds the links to it (?s ?p <resource>)."""
    graph = parse(client.get("/id/commitment/gjovik-ntnu-commitment-5", headers={"Accept": "text/turtle"}), "turtle")
    assert (GJOVIK_KOMMUNE, SKOS.prefLabel, Literal("Gjøvik kommune", lang="nb")) in graph
    assert (TG.committedBy, RDFS.label, Literal("forpliktet av", lang="nb")) in graph  # named by the evidence
    assert (GJOVIK, TG.hasCommitment, COMMITMENT_5) in graph
    assert (GJOVIK, SKOS.prefLabel, Literal("Universitetskommunesamarbeidet Gjøvik kommune – NTNU", lang="nb")) in graph


def test_graph_iri_serves_the_whole_graph(client, loaded_store) -> None:  # noqa: ANN001
    """/graph/<slug> as RDF is every triple of the named graph; as HTML its self-description and size."""
    response = client.get("/graph/gjovik-ntnu", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    expected = loaded_store.get_graph("https://w3id.org/towngown/graph/gjovik-ntnu")
    assert isomorphic(parse(response, "nt"), expected)
    page = html(client, "/graph/gjovik-ntnu").get_data(as_text=True)
    assert f"<strong>{len(expected)}</strong>" in page
    assert 'href="/id/partnership/gjovik-ntnu"' in page
    assert "CC BY 4.0" in page
    ontology = html(client, "/graph/ontology")
    assert ontology.status_code == 200 and "/graph/ontology?format=turtle" in ontology.get_data(as_text=True)


def test_page_shows_label_types_properties_by_label_with_definition_and_sources(client) -> None:  # noqa: ANN001
    """A resource page shows its label, types, properties by their ontology labels with the definition as
    tooltip, values as local links, and the source (document, lines, quote) of each fact."""
    text = html(client, "/id/commitment/gjovik-ntnu-commitment-5").get_data(as_text=True)
    assert "<h1>Gjøvik kommune: 50 % egenandel av treårig Offentlig ph.d.</h1>" in text
    assert ">Betinget forpliktelse</a>" in text  # a type by its label
    ontology = Graph().parse(ROOT / "ontology" / "towngown.ttl")
    (definition,) = [d for d in ontology.objects(TG.costShare, SKOS.definition) if d.language == "nb"]
    assert f'title="{escape(str(definition))}">kostnadsandel</a>' in text
    assert 'href="/id/organisation/gjovik-kommune"' in text
    assert "000_bd483b5984df803a.txt" in text and "linje 34" in text
    assert "Lønns- og driftsmidler for 50% egenandel av treårig Offentlig ph.d. fra Norges forskningsråd." in text
    assert "CC BY 4.0" in text  # the licence of the graph the facts come from


def test_page_language_by_parameter_and_accept_language_with_fallback(client) -> None:  # noqa: ANN001
    """?lang=en and Accept-Language: en give English; a text missing in English falls back to bokmål."""
    for response in (html(client, "/id/partnership/trondheim-ntnu?lang=en"),
                     html(client, "/id/partnership/trondheim-ntnu", **{"Accept-Language": "en-GB,en;q=0.9"})):
        text = response.get_data(as_text=True)
        assert '<html lang="en">' in text
        assert "<h1>University City Trondheim TRD3.0</h1>" in text
        assert "The answers, field by field" in text
        assert "Trondheim kommune" in text  # only named in bokmål: shown in bokmål
        assert "where a text is missing in English, it is shown in bokmål" in text
        assert response.headers["Content-Language"] == "en"
    norsk = html(client, "/id/partnership/trondheim-ntnu")
    assert norsk.headers["Content-Language"] == "nb"
    assert '<html lang="nb">' in norsk.get_data(as_text=True)
    assert "<h1>Universitetskommunen Trondheim TRD3.0</h1>" in norsk.get_data(as_text=True)


def test_links_keep_the_chosen_language(client) -> None:  # noqa: ANN001
    """With ?lang=en, links to other pages here carry lang=en, so the choice sticks."""
    text = html(client, "/id/partnership/gjovik-ntnu?lang=en").get_data(as_text=True)
    assert 'href="/id/organisation/ntnu?lang=en"' in text or 'href="/id/membership/gjovik-ntnu-ntnu?lang=en"' in text


def test_json_ld_block_is_the_description(client) -> None:  # noqa: ANN001
    """The page carries the resource as JSON-LD in a script block, equal to its concise description."""
    text = html(client, "/id/commitment/gjovik-ntnu-commitment-5").get_data(as_text=True)
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    embedded = Graph().parse(data=block, format="json-ld")
    described = parse(client.get("/id/commitment/gjovik-ntnu-commitment-5?format=turtle"), "turtle")
    own = {(s, p, o) for s, p, o in described if s == COMMITMENT_5 and not isinstance(o, BNode)}
    assert own and own <= set(embedded)
    assert len(list(embedded.objects(COMMITMENT_5, TG.evidence))) == 3
    assert (GJOVIK_KOMMUNE, SKOS.prefLabel, Literal("Gjøvik kommune", lang="nb")) in embedded


def _incoming_group(text: str, label: str) -> str:
    """The HTML of the group of incoming links whose property is called ``label``."""
    for group in text.split('<section class="incoming"')[1:]:
        if f">{label}</a>" in group.split("</h3>")[0]:
            return group.split("</section>")[0]
    raise AssertionError(f"no incoming group {label!r}")


def test_incoming_links_are_grouped_counted_and_paged(client) -> None:  # noqa: ANN001
    """Links to a resource are grouped by property with a count and shown 20 at a time; a bad page is 400."""
    path = "/id/source/gjovik-ntnu-survey"
    first = _incoming_group(html(client, path).get_data(as_text=True), "belegg")
    count = int(re.search(r'<span class="muted">\((\d+)\)</span>', first).group(1))
    assert count > 40 and first.count("<li>") == 20
    pages = -(-count // 20)
    evidence = str(TG.evidence)
    last = client.get(path, query_string={"in": evidence, "page": pages}, headers={"Accept": "text/html"})
    group = _incoming_group(last.get_data(as_text=True), "belegg")
    assert group.count("<li>") == count - 20 * (pages - 1)
    assert f"side {pages} av {pages}" in group and 'rel="prev"' in group
    derived = _incoming_group(last.get_data(as_text=True), "avledet fra")
    assert 'href="/graph/gjovik-ntnu"' in derived  # the other groups stay on their first page
    beyond = client.get(path, query_string={"in": evidence, "page": pages + 1})
    assert beyond.status_code == 400 and beyond.get_json()["parameter"] == "page"
    unknown = client.get(path, query_string={"in": "http://example.org/p", "page": 2})
    assert unknown.status_code == 400 and unknown.get_json()["parameter"] == "in"


def test_security_headers_on_pages(client) -> None:  # noqa: ANN001
    """HTML pages here (found or not) send a Content-Security-Policy without inline scripts, and nosniff."""
    for path in ("/", "/partnerships", "/id/partnership/gjovik-ntnu", "/graph/gjovik-ntnu", "/id/partnership/none"):
        response = html(client, path)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"


# -- the partnership page ---------------------------------------------------------------------------------------


def _field_headings(language: str) -> list[str]:
    """The 15 questionnaire headings in tg:order, from the concept scheme itself."""
    concepts = Graph().parse(CONCEPTS)
    scheme = URIRef(ID + "concept/field")
    fields = sorted(concepts.objects(scheme, SKOS.hasTopConcept), key=lambda f: int(concepts.value(f, TG.order)))
    return [str(next(l for l in concepts.objects(f, SKOS.prefLabel) if l.language == language)) for f in fields]


@pytest.mark.parametrize("language", ["nb", "en"])
def test_partnership_page_has_the_15_fields_in_order(client, language: str) -> None:  # noqa: ANN001
    """The partnership page shows the questionnaire's 15 headings, in order, in bokmål and in English, with
    base resources (5a) inside organisation and resources (5)."""
    text = html(client, f"/id/partnership/gjovik-ntnu?lang={language}").get_data(as_text=True)
    found = re.findall(r'<h3 id="h-field-[^"]+"><span class="notation">(\d+)</span> <a [^>]*>([^<]+)</a></h3>', text)
    assert [n for n, _ in found] == [str(i) for i in range(1, 16)]
    headings = _field_headings(language)
    assert len(headings) == 15
    assert [h for _, h in found] == headings
    assert re.search(r'<h4 id="h-field-5a"><span class="notation">5a</span>', text)
    assert text.index('id="field-5a"') < text.index('id="field-6"')


def test_partnership_page_commitment_totals(client) -> None:  # noqa: ANN001
    """The commitments table totals 40 % FTE for NTNU and for Gjøvik kommune, and 2 PhD posts of which 1 is
    conditional (survey lines 27–29, 33–35)."""
    text = html(client, "/id/partnership/gjovik-ntnu").get_data(as_text=True)
    totals = text.split('<table class="totals">')[1].split("</table>")[0]
    rows = {re.sub(r"<[^>]+>", "", row.split("</th>")[0]).strip(): re.sub(r"<[^>]+>", "", row.split("</th>")[1])
            for row in totals.split('<tr class="total">')[1:]}
    assert set(rows) == {"Gjøvik kommune", "NTNU", "Alle parter"}
    assert re.search(r"^\s*3\s+40 %", rows["NTNU"]) and re.search(r"^\s*3\s+40 %", rows["Gjøvik kommune"])
    assert re.search(r"\b1\s*$", rows["NTNU"].strip())
    assert "1 (herav betinget 1)" in " ".join(rows["Gjøvik kommune"].split())
    assert "80 %" in rows["Alle parter"] and "2 (herav betinget 1)" in " ".join(rows["Alle parter"].split())
    lines = text.split('<table class="commitments">')[1].split("</tbody>")[0]
    assert lines.count("<tr>") == 6 + 1  # six commitment lines and the header row
    assert "betinget</strong>: <a" in lines and "Søknad til Norges forskningsråd om Offentlig ph.d." in lines


def test_partnership_page_term_timeline_statuses_and_line_numbers(client) -> None:  # noqa: ANN001
    """The term 2021–2026-12-31 is drawn on a timeline; status statements carry their report's date; the
    sources list the survey lines (e.g. line 50 for the term)."""
    text = html(client, "/id/partnership/gjovik-ntnu").get_data(as_text=True)
    assert '<span class="term-span">2021–2026-12-31</span>' in text
    svg = text.split('<figure class="timeline">')[1].split("</figure>")[0]
    assert 'role="img"' in svg and "<title" in svg and "<rect" in svg
    assert "Handlingsplaner under utvikling" in text
    assert "status per" in text and "(tidligst 2021)" in text
    sources = text.split('<ol class="sources">')[1].split("</ol>")[0]
    assert "linje 50: <q>2021 – 31.12.2026 i første omgang</q>" in sources
    assert "linjene 43–44" in sources


def test_partnership_page_links_to_comparisons(client) -> None:  # noqa: ANN001
    """A new user gets from the home page to the comparison of Gjøvik + NTNU with Trondheim + NTNU in two clicks."""
    home = html(client, "/").get_data(as_text=True)
    assert 'href="/id/partnership/gjovik-ntnu"' in home
    page = html(client, "/id/partnership/gjovik-ntnu").get_data(as_text=True)
    link = re.search(r'<a href="(/compare\?p=gjovik-ntnu&amp;p=trondheim-ntnu)">(.*?)</a>', page)
    assert link and "Sammenlign med" in link.group(2) and "Trondheim" in link.group(2)


def test_organisation_page_lists_its_partnerships(client) -> None:  # noqa: ANN001
    """NTNU's page lists gjovik-ntnu and trondheim-ntnu, and a partnership it is in through its units."""
    text = html(client, "/id/organisation/ntnu").get_data(as_text=True)
    section = text.split('id="involvements"')[1].split("</section>")[0]
    for slug in ("gjovik-ntnu", "trondheim-ntnu", "alesund-ntnu"):
        assert f'href="/id/partnership/{slug}"' in section
    assert "gjennom enheten" in section


def test_concept_page_lists_what_uses_it(client) -> None:  # noqa: ANN001
    """A concept's page lists the partnerships that use it and, grouped by property, the resources linking to it."""
    text = html(client, "/id/concept/area/helse-og-omsorg").get_data(as_text=True)
    used = text.split('id="used-in"')[1].split("</section>")[0]
    assert 'href="/id/partnership/gjovik-ntnu"' in used
    assert 'id="incoming"' in text and ">samarbeidsområde</a>" in text


def test_concept_scheme_and_field_concepts_dereference(client) -> None:  # noqa: ANN001
    """/id/concept/<scheme> and /id/concept/<scheme>/<name> are served like any resource."""
    scheme = client.get("/id/concept/field", headers={"Accept": "text/turtle"})
    graph = parse(scheme, "turtle")
    assert (URIRef(ID + "concept/field"), RDF.type, SKOS.ConceptScheme) in graph
    concept = html(client, "/id/concept/field/participants")
    assert concept.status_code == 200 and "<h1>Deltakere</h1>" in concept.get_data(as_text=True)


def test_head_request(client) -> None:  # noqa: ANN001
    """HEAD works on a resource IRI with the same status and type as GET."""
    response = client.head("/id/partnership/gjovik-ntnu", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"


def test_problem_document_is_json(client) -> None:  # noqa: ANN001
    """The 404 of an RDF client is a JSON problem document naming the IRI."""
    body = client.get("/id/partnership/none", headers={"Accept": "application/ld+json"}).get_json()
    assert body["status"] == 404 and "partnership/none" in json.dumps(body)
