"""/ontology and /shapes: the ontology IRI dereferences to RDF or documentation; the shapes are the publishing guide."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from towngown.vocab import SH, TG

ROOT = Path(__file__).resolve().parent.parent.parent
ONTOLOGY = ROOT / "ontology" / "towngown.ttl"
SHAPES = sorted((ROOT / "shapes").glob("*.ttl"))
SVG = "{http://www.w3.org/2000/svg}"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


def _file(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def ontology_page(app) -> str:  # noqa: ANN001
    """The ontology documentation in bokmål."""
    response = app.test_client().get("/ontology", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    return response.get_data(as_text=True)


@pytest.fixture(scope="module")
def shapes_page(app) -> str:  # noqa: ANN001
    """The publishing guide in English."""
    response = app.test_client().get("/shapes?lang=en", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_ontology_iri_gives_the_ontology_file_as_rdf(client, media_type: str) -> None:  # noqa: ANN001
    """GET /ontology with an RDF Accept type is ontology/towngown.ttl (isomorphic), with Vary and Link headers."""
    response = client.get("/ontology", headers={"Accept": media_type})
    assert response.status_code == 200 and response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    assert 'rel="alternate"' in response.headers["Link"] and "text/html" in response.headers["Link"]
    served = Graph().parse(data=response.get_data(as_text=True), format=RDF_TYPES[media_type])
    assert isomorphic(served, _file(ONTOLOGY))


@pytest.mark.parametrize("fmt", ["turtle", "jsonld", "nt", "rdfxml"])
def test_format_parameter_overrides_accept(client, fmt: str) -> None:  # noqa: ANN001
    """?format= wins over a browser's Accept: /ontology?format=turtle is RDF even for text/html."""
    response = client.get(f"/ontology?format={fmt}", headers={"Accept": "text/html"})
    assert response.mimetype != "text/html"
    parser = {"turtle": "turtle", "jsonld": "json-ld", "nt": "nt", "rdfxml": "xml"}[fmt]
    assert isomorphic(Graph().parse(data=response.get_data(as_text=True), format=parser), _file(ONTOLOGY))


def test_version_iri_and_unknown_version(client) -> None:  # noqa: ANN001
    """/ontology/0.1.0 (the version IRI) gives the ontology; another version is 404."""
    version = str(_file(ONTOLOGY).value(URIRef("https://w3id.org/towngown/ontology"), OWL.versionInfo))
    assert client.get(f"/ontology/{version}", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/ontology/9.9.9", headers={"Accept": "text/turtle"}).status_code == 404


def test_every_tg_term_has_an_anchor(ontology_page: str) -> None:
    """Every tg: term of the ontology file has an element with its local name as id on /ontology."""
    graph = _file(ONTOLOGY)
    terms = {str(s)[len(str(TG)):] for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(TG))}
    assert len(terms) > 80
    ids = set(re.findall(r'\sid="([^"]+)"', ontology_page))
    assert terms <= ids, sorted(terms - ids)
    assert '<html lang="nb">' in ontology_page
    assert "Universitetskommunesamarbeid" in ontology_page  # the nb label of the partnership class


def test_ontology_page_is_bilingual(client) -> None:  # noqa: ANN001
    """The documentation follows ?lang=: labels and definitions in English with lang=en."""
    english = client.get("/ontology?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "University–municipality partnership" in english
    assert "A lasting, agreement-based collaboration" in english


def test_model_diagram_is_accessible_svg(ontology_page: str) -> None:
    """The model diagram is inline SVG that parses, with role=img, title, desc, and the classes and links as text."""
    svg = re.search(r'<svg .*?id="model-diagram-title".*?</svg>', ontology_page, re.S).group(0)
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"Forankring", "Ressursforpliktelse", "Statusrapport", "Søknad om midler"} <= texts
    assert {"forankring", "har ressursforpliktelse", "betinget av"} <= texts
    links = {a.get("href") for a in root.iter(f"{SVG}a")}
    assert {"#Anchoring", "#anchoring", "#UniversityMunicipalityPartnership"} <= links


def test_shapes_page_lists_every_shape_with_its_severity(shapes_page: str) -> None:
    """Every node and property shape in shapes/ is on /shapes, with its id and its severity (default Violation)."""
    graph = _file(*SHAPES)
    shapes = {s for s in graph.subjects(RDF.type, SH.NodeShape)} | {s for s in graph.subjects(RDF.type, SH.PropertyShape)}
    assert len(shapes) > 50
    for shape in shapes:
        local = str(shape).rsplit("#", 1)[-1]
        item = re.search(rf'<li class="severity-(\w+)" id="{re.escape(local)}">(.*?)</li>', shapes_page, re.S)
        assert item, local
        severity = graph.value(shape, SH.severity)
        expected = str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"
        assert item.group(1) == expected, local
        message = graph.value(shape, SH.message)
        english = next((str(m) for m in graph.objects(shape, SH.message) if m.language == "en"), str(message or ""))
        if english:
            assert english.replace("'", "&#39;").replace('"', "&#34;") in item.group(2) or english in item.group(2), local


def test_shapes_page_is_grouped_by_field_and_severity(shapes_page: str) -> None:
    """The guide has a section per questionnaire field in order, and says what a partnership must, should and may contain."""
    sections = re.findall(r'<h2 id="field-([a-z-]+)">', shapes_page)
    assert sections[:3] == ["participants", "initiators", "size"]
    assert sections[-1] == "general"
    for heading in ("Must (Violation)", "Should (Warning)", "May (Info)"):
        assert f"<h3>{heading}</h3>" in shapes_page
    purpose = re.search(r'<section aria-labelledby="field-purpose">(.*?)</section>', shapes_page, re.S).group(1)
    assert "PartnershipPurposeShape" in purpose and "Should (Warning)" in purpose


@pytest.mark.parametrize("media_type", ["text/turtle", "application/ld+json"])
def test_shapes_as_rdf(client, media_type: str) -> None:  # noqa: ANN001
    """GET /shapes with an RDF Accept type gives the shapes files (isomorphic)."""
    response = client.get("/shapes", headers={"Accept": media_type})
    assert response.mimetype == media_type
    assert isomorphic(Graph().parse(data=response.get_data(as_text=True), format=RDF_TYPES[media_type]), _file(*SHAPES))
