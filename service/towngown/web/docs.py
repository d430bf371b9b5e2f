"""/ontology and /shapes: bilingual documentation of the model and the publishing guide (issue 4).

``/ontology`` is also the ontology IRI: RDF clients get ``ontology/towngown.ttl`` (Turtle, JSON-LD, N-Triples,
RDF/XML by Accept or ``format``), browsers get the documentation. ``/shapes`` works the same way for the SHACL
shapes. Both pages are generated from the RDF files by :mod:`towngown.modeldoc`.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from flask import Blueprint, Response, current_app, render_template, request, url_for
from markupsafe import Markup
from rdflib import Dataset, Graph, URIRef

from .. import charts
from ..description import GRAPH_MEDIA_TYPES
from ..errors import NotFound
from ..modeldoc import OntologyDoc, Term, model_links, ontology_doc, ontology_graph, qname, shapes_doc
from ..publish import rebase
from ..resources import shapes_dir
from ..vocab import TG, bind_prefixes
from .i18n import UI, page_language, pick
from .negotiation import choose
from .sparql import _offered, rdf_response

__all__ = ["bp"]

logger = logging.getLogger(__name__)

bp = Blueprint("docs", __name__)

_HTML = "text/html"
_PARTNERSHIP = str(TG.UniversityMunicipalityPartnership)


def _base_iri() -> str:
    return current_app.extensions["towngown.settings"].base_iri


def _wants_html() -> bool:
    offered = {"html": _HTML, **_offered(GRAPH_MEDIA_TYPES)}
    return choose(request, offered, _HTML) == _HTML


def _rebased(graph: Graph) -> Graph:
    """The graph with IRIs under the default base moved under this site's base IRI (identity by default)."""
    dataset = Dataset()
    into = dataset.graph(URIRef("urn:x-towngown:docs"))
    for triple in graph:
        into.add(triple)
    moved = rebase(dataset, _base_iri())
    result = Graph()
    bind_prefixes(result)
    for g in moved.graphs():
        for triple in g:
            result.add(triple)
    return result


def _with_links(response: Response, path: str) -> Response:
    alternates = ", ".join(
        f'<{path}?format={short}>; rel="alternate"; type="{media}"' for short, media in GRAPH_MEDIA_TYPES.items()
    )
    response.headers["Link"] = f'{alternates}, <{path}>; rel="alternate"; type="text/html"'
    response.headers["Vary"] = "Accept"
    return response


@lru_cache(maxsize=1)
def _shapes_graph() -> Graph:
    graph = Graph()
    for path in sorted(shapes_dir().glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _term_link(doc: OntologyDoc, iri: str) -> dict:
    """How a term is shown in the documentation: a link to its anchor (or its own IRI), its qname and label."""
    term = doc.term(iri)
    if term is not None:
        return {"href": "#" + term.anchor, "text": term.qname, "label": term.label, "iri": iri}
    return {"href": iri, "text": qname(iri), "label": {}, "iri": iri}


def _diagram(doc: OntologyDoc, language: str) -> Markup:
    links = model_links(doc)
    in_diagram = {l.source for l in links} | {l.target for l in links}
    classes = [t for t in doc.of_kind("class") if t.iri in in_diagram]
    subclasses: dict[str, list[str]] = {}
    for term in doc.of_kind("class"):
        if term.iri in in_diagram:
            continue
        for parent in term.parents:
            if parent in in_diagram:
                subclasses.setdefault(parent, []).append(pick(term.label, language) or term.qname)
    nodes = [
        charts.DiagramNode(
            t.iri,
            pick(t.label, language) or t.qname,
            tuple(f"⊒ {name}" for name in sorted(subclasses.get(t.iri, []))),
            "#" + t.anchor,
        )
        for t in sorted(classes, key=lambda t: (_node_order(t, links), t.qname))
    ]
    edges = [
        charts.DiagramEdge(l.source, l.target, pick(doc.term(l.property).label, language) or qname(l.property), "#" + doc.term(l.property).anchor)
        for l in links
    ]
    logger.debug("model diagram: %d classes, %d links", len(nodes), len(edges))
    svg = charts.model_diagram(nodes, edges, root=_PARTNERSHIP, ident="model-diagram",
                               title=UI["diagram"][language], desc=UI["diagram_desc"][language])
    return Markup(svg)  # text in it is escaped by towngown.charts


def _node_order(term: Term, links: tuple) -> int:
    """Place a class next to what it links to: by the first questionnaire field of its links from the partnership."""
    doc = ontology_doc()
    order = {f: i for i, f in enumerate(c.iri for c in shapes_doc().fields)}
    best = 99
    for link in links:
        if term.iri in (link.source, link.target):
            prop = doc.term(link.property)
            for f in prop.fields if prop else ():
                best = min(best, order.get(f, 99))
    return best


@bp.get("/ontology")
def ontology() -> Response | str:
    """The ontology IRI: its documentation for browsers, the ontology as RDF for RDF clients."""
    if not _wants_html():
        return _with_links(rdf_response(_rebased(ontology_graph())), url_for("docs.ontology"))
    language = page_language()
    doc = ontology_doc()
    sections = [
        ("classes", UI["classes"], doc.of_kind("class")),
        ("object-properties", UI["object_properties"], doc.of_kind("object")),
        ("datatype-properties", UI["datatype_properties"], doc.of_kind("datatype")),
        ("annotation-properties", UI["annotation_properties"], doc.of_kind("annotation")),
        ("reused", UI["reused_terms"], doc.of_kind("reused", own=False)),
    ]
    fields = {c.iri: c for c in shapes_doc().fields}
    page = render_template(
        "docs/ontology.html",
        doc=doc,
        sections=sections,
        diagram=_diagram(doc, language),
        link=lambda iri: _term_link(doc, iri),
        fields=fields,
        formats=GRAPH_MEDIA_TYPES,
        pick=pick,
        concept_href=lambda iri: _local(iri),
    )
    return _with_links(Response(page, mimetype=_HTML), url_for("docs.ontology"))


@bp.get("/ontology/<version>")
def ontology_version(version: str) -> Response | str:
    """The version IRI (``/ontology/0.1.0``): the same as /ontology while it is the current version."""
    if version != ontology_doc().version:
        raise NotFound(f"no ontology version {version!r}; the current version is {ontology_doc().version}")
    return ontology()


def _local(iri: str) -> str:
    base = _base_iri()
    default = "https://w3id.org/towngown/"
    for prefix in (base, default):
        if iri.startswith(prefix):
            return "/" + iri[len(prefix):]
    return iri


@bp.get("/shapes")
def shapes() -> Response | str:
    """The SHACL shapes: the publishing guide for browsers, the shapes as RDF for RDF clients."""
    if not _wants_html():
        return _with_links(rdf_response(_rebased(_shapes_graph())), url_for("docs.shapes"))
    doc = ontology_doc()
    guide = shapes_doc()
    page = render_template(
        "docs/shapes.html",
        guide=guide,
        groups=guide.grouped(),
        link=lambda iri: _term_link(doc, iri),
        pick=pick,
        severities=(("Violation", UI["must"]), ("Warning", UI["should"]), ("Info", UI["may"])),
        label_of=lambda iri: _label_of(doc, iri),
    )
    return _with_links(Response(page, mimetype=_HTML), url_for("docs.shapes"))


def _label_of(doc: OntologyDoc, iri: str) -> dict[str, str]:
    term = doc.term(iri)
    return dict(term.label) if term else {}

