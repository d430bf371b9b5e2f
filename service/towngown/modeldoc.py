"""The model as documentation: the ontology's terms, the concept schemes and the SHACL shapes, read from their files.

Everything here is read from ``ontology/towngown.ttl``, ``ontology/concepts.ttl`` and ``shapes/*.ttl`` (through
:mod:`towngown.resources`), once per process, into frozen dataclasses that the web pages render. Nothing is
written by hand twice: labels, definitions and messages come from the RDF, in bokmål and English.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .resources import ontology_dir, shapes_dir
from .vocab import PREFIXES, SH, TG

__all__ = [
    "Term",
    "Concept",
    "Scheme",
    "OntologyDoc",
    "Shape",
    "ShapesDoc",
    "ModelLink",
    "ontology_graph",
    "ontology_doc",
    "shapes_doc",
    "questionnaire_fields",
    "model_links",
    "qname",
    "SEVERITIES",
]

logger = logging.getLogger(__name__)

#: Severities in the order the publishing guide lists them: must, should, may.
SEVERITIES = ("Violation", "Warning", "Info")

_CONCEPT_BASE = "https://w3id.org/towngown/id/concept/"
_FIELD_SCHEME = URIRef(_CONCEPT_BASE + "field")
_SHAPES_NS = "https://w3id.org/towngown/shapes#"
_EXTRA_PREFIXES = {"tgsh": _SHAPES_NS, "field": _CONCEPT_BASE + "field/", "vann": "http://purl.org/vocab/vann/"}
_KINDS = {
    OWL.Class: "class",
    OWL.ObjectProperty: "object",
    OWL.DatatypeProperty: "datatype",
    OWL.AnnotationProperty: "annotation",
}


def qname(iri: str) -> str:
    """A compact name for an IRI with towngown's usual prefixes (``tg:Anchoring``), else the IRI itself."""
    best = ""
    best_prefix = ""
    for prefix, namespace in [*PREFIXES.items(), *_EXTRA_PREFIXES.items()]:
        ns = str(namespace)
        if iri.startswith(ns) and len(ns) > len(best):
            best, best_prefix = ns, prefix
    if best and iri[len(best):] and all(ch.isalnum() or ch in "-_." for ch in iri[len(best):]):
        return f"{best_prefix}:{iri[len(best):]}"
    return iri


def _texts(graph: Graph, subject: object, predicate: URIRef) -> dict[str, str]:
    texts: dict[str, str] = {}
    for value in sorted(graph.objects(subject, predicate), key=str):
        if isinstance(value, Literal):
            texts.setdefault(value.language or "", str(value))
    return texts


@dataclass(frozen=True)
class Term:
    """One term the ontology defines or annotates: a class or a property, with its labels and links."""

    iri: str
    qname: str
    kind: str
    label: Mapping[str, str] = field(hash=False)
    definition: Mapping[str, str] = field(hash=False)
    scope_note: Mapping[str, str] = field(hash=False)
    parents: tuple[str, ...] = ()
    domain: tuple[str, ...] = ()
    range: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    symmetric: bool = False

    @property
    def anchor(self) -> str:
        """The fragment this term has on the ontology page (its local name for tg: terms, else its qname)."""
        if self.iri.startswith(str(TG)):
            return self.iri[len(str(TG)):]
        return self.qname.replace(":", "-")

    @property
    def own(self) -> bool:
        """True for a tg: term (defined here), False for a standard term the ontology only annotates."""
        return self.iri.startswith(str(TG))


@dataclass(frozen=True)
class Concept:
    """A SKOS concept of one of towngown's schemes."""

    iri: str
    notation: str
    label: Mapping[str, str] = field(hash=False)
    definition: Mapping[str, str] = field(hash=False)
    broader: tuple[str, ...] = ()
    order: int | None = None

    @property
    def name(self) -> str:
        """The last segment of the concept's IRI (``action-plans``)."""
        return self.iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Scheme:
    """A SKOS concept scheme and its concepts (in notation order)."""

    iri: str
    label: Mapping[str, str] = field(hash=False)
    definition: Mapping[str, str] = field(hash=False)
    concepts: tuple[Concept, ...] = ()

    @property
    def name(self) -> str:
        """The scheme's short name (``field``, ``orgtype``)."""
        return self.iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class OntologyDoc:
    """The ontology header, its terms (tg: first, by kind and questionnaire order) and the concept schemes."""

    iri: str
    version_iri: str
    version: str
    title: Mapping[str, str] = field(hash=False)
    description: Mapping[str, str] = field(hash=False)
    comment: Mapping[str, str] = field(hash=False)
    license: str
    terms: tuple[Term, ...] = ()
    schemes: tuple[Scheme, ...] = ()

    def of_kind(self, kind: str, *, own: bool = True) -> tuple[Term, ...]:
        """The terms of one kind (class, object, datatype, annotation; reused for labelled standard terms)."""
        return tuple(t for t in self.terms if t.kind == kind and t.own == own)

    def term(self, iri: str) -> Term | None:
        """The term with this IRI, if the ontology defines or annotates it."""
        return next((t for t in self.terms if t.iri == iri), None)


@dataclass(frozen=True)
class Shape:
    """One SHACL shape in plain words: what it checks, on what, how severely, for which questionnaire field."""

    iri: str
    qname: str
    kind: str
    label: Mapping[str, str] = field(hash=False)
    message: Mapping[str, str] = field(hash=False)
    severity: str = "Violation"
    severity_declared: bool = True
    field: str | None = None
    targets: tuple[str, ...] = ()
    path: str | None = None
    constraints: tuple[str, ...] = ()
    used_by: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        """The fragment this shape has on the shapes page."""
        return self.iri[len(_SHAPES_NS):] if self.iri.startswith(_SHAPES_NS) else self.qname.replace(":", "-")


@dataclass(frozen=True)
class ShapesDoc:
    """Every shape, and the questionnaire fields to group them by."""

    shapes: tuple[Shape, ...]
    fields: tuple[Concept, ...]

    def grouped(self) -> list[tuple[Concept | None, dict[str, tuple[Shape, ...]]]]:
        """Shapes per questionnaire field (in questionnaire order, then the general ones), each split by severity."""
        groups: list[tuple[Concept | None, dict[str, tuple[Shape, ...]]]] = []
        for concept in (*self.fields, None):
            iri = concept.iri if concept else None
            mine = [s for s in self.shapes if s.field == iri and s.targets]
            if mine:
                groups.append((concept, {sev: tuple(s for s in mine if s.severity == sev) for sev in SEVERITIES}))
        return groups

    @property
    def building_blocks(self) -> tuple[Shape, ...]:
        """Shapes without targets of their own: used by other shapes (sh:node, sh:or, qualified values)."""
        return tuple(s for s in self.shapes if not s.targets)


@dataclass(frozen=True)
class ModelLink:
    """An object property drawn in the model diagram: from a class to a class."""

    source: str
    target: str
    property: str


def _rdf_files(folder: Path, names: Iterable[str] | None = None) -> list[Path]:
    if names is not None:
        return [folder / n for n in names]
    return sorted(folder.glob("*.ttl"))


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The ontology file (``ontology/towngown.ttl``) as a graph: what the ontology IRI dereferences to."""
    graph = Graph()
    graph.parse(ontology_dir() / "towngown.ttl", format="turtle")
    return graph


@lru_cache(maxsize=1)
def _concepts_graph() -> Graph:
    graph = Graph()
    graph.parse(ontology_dir() / "concepts.ttl", format="turtle")
    return graph


def _concept(graph: Graph, node: URIRef) -> Concept:
    order = graph.value(node, TG.order)
    return Concept(
        iri=str(node),
        notation=str(graph.value(node, SKOS.notation) or ""),
        label=_texts(graph, node, SKOS.prefLabel),
        definition=_texts(graph, node, SKOS.definition),
        broader=tuple(sorted(str(b) for b in graph.objects(node, SKOS.broader))),
        order=int(order) if order is not None else None,
    )


def _notation_key(concept: Concept) -> tuple:
    if concept.order is not None:
        return (0, concept.order, "")
    digits = "".join(ch for ch in concept.notation if ch.isdigit())
    return (1, int(digits) if digits else 10**6, concept.notation or concept.name)


@lru_cache(maxsize=1)
def questionnaire_fields() -> tuple[Concept, ...]:
    """The questionnaire's fields (concept scheme ``field``), ordered by ``tg:order``: 1–15 with 5a after 5."""
    graph = _concepts_graph()
    concepts = [_concept(graph, c) for c in graph.subjects(SKOS.inScheme, _FIELD_SCHEME) if isinstance(c, URIRef)]
    return tuple(sorted(concepts, key=_notation_key))


def _schemes(graph: Graph) -> tuple[Scheme, ...]:
    schemes = []
    for node in sorted(set(graph.subjects(RDF.type, SKOS.ConceptScheme)), key=str):
        concepts = [_concept(graph, c) for c in graph.subjects(SKOS.inScheme, node) if isinstance(c, URIRef)]
        schemes.append(
            Scheme(
                iri=str(node),
                label=_texts(graph, node, SKOS.prefLabel),
                definition=_texts(graph, node, SKOS.definition),
                concepts=tuple(sorted(concepts, key=_notation_key)),
            )
        )
    # the questionnaire fields first: they organise everything else
    return tuple(sorted(schemes, key=lambda s: (s.iri != str(_FIELD_SCHEME), s.iri)))


def _names(graph: Graph, subject: object, predicate: URIRef) -> tuple[str, ...]:
    names = []
    for value in graph.objects(subject, predicate):
        if isinstance(value, URIRef):
            names.append(str(value))
        elif isinstance(value, BNode):
            union = graph.value(value, OWL.unionOf)
            if union is not None:
                names.extend(str(member) for member in Collection(graph, union))
    return tuple(sorted(set(names)))


@lru_cache(maxsize=1)
def ontology_doc() -> OntologyDoc:
    """The ontology as documentation: header, every term it defines or annotates, the concept schemes."""
    graph = ontology_graph()
    header = next(iter(graph.subjects(RDF.type, OWL.Ontology)))
    field_order = {c.iri: c.order or 0 for c in questionnaire_fields()}
    terms = []
    for subject in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}, key=str):
        kinds = [_KINDS[k] for k in graph.objects(subject, RDF.type) if k in _KINDS]
        if not kinds and (subject, RDFS.label, None) in graph and not str(subject).startswith(str(TG)):
            kinds = ["reused"]  # a standard term the ontology only labels (and maybe ties to a field)
        if not kinds:
            continue
        terms.append(
            Term(
                iri=str(subject),
                qname=qname(str(subject)),
                kind=kinds[0],
                label=_texts(graph, subject, RDFS.label),
                definition=_texts(graph, subject, SKOS.definition),
                scope_note=_texts(graph, subject, SKOS.scopeNote),
                parents=_names(graph, subject, RDFS.subClassOf) + _names(graph, subject, RDFS.subPropertyOf),
                domain=_names(graph, subject, RDFS.domain),
                range=_names(graph, subject, RDFS.range),
                fields=tuple(sorted((str(f) for f in graph.objects(subject, TG.questionnaireField)), key=lambda f: field_order.get(f, 99))),
                see_also=_names(graph, subject, RDFS.seeAlso),
                symmetric=(subject, RDF.type, OWL.SymmetricProperty) in graph,
            )
        )
    kind_order = {kind: i for i, kind in enumerate([*_KINDS.values(), "reused"])}

    def key(term: Term) -> tuple:
        first_field = min((field_order.get(f, 99) for f in term.fields), default=99)
        return (not term.own, kind_order[term.kind], first_field if term.kind != "class" else 0, term.qname.lower())

    license_ = graph.value(header, DCTERMS.license)
    return OntologyDoc(
        iri=str(header),
        version_iri=str(graph.value(header, OWL.versionIRI) or ""),
        version=str(graph.value(header, OWL.versionInfo) or ""),
        title=_texts(graph, header, DCTERMS.title),
        description=_texts(graph, header, DCTERMS.description),
        comment=_texts(graph, header, RDFS.comment),
        license=str(license_ or ""),
        terms=tuple(sorted(terms, key=key)),
        schemes=_schemes(_concepts_graph()),
    )


def model_links(doc: OntologyDoc | None = None) -> tuple[ModelLink, ...]:
    """The object properties whose domain and range are both tg: classes: the edges of the model diagram."""
    doc = doc or ontology_doc()
    classes = {t.iri for t in doc.of_kind("class")}
    links = []
    for term in doc.of_kind("object"):
        for source in term.domain:
            for target in term.range:
                if source in classes and target in classes:
                    links.append(ModelLink(source, target, term.iri))
    return tuple(sorted(set(links), key=lambda l: (l.source, l.property, l.target)))


# --- shapes ------------------------------------------------------------------------------------------------------

_TARGETS = {
    SH.targetClass: "class",
    SH.targetNode: "node",
    SH.targetSubjectsOf: "subjects-of",
    SH.targetObjectsOf: "objects-of",
}
_CONSTRAINTS = (
    SH.minCount, SH.maxCount, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.minInclusive, SH.maxInclusive,
    SH.datatype, SH["class"], SH.nodeKind, SH.uniqueLang, SH.languageIn, SH.node, SH["or"], SH.sparql,
    SH.qualifiedValueShape, SH.property, SH.pattern, SH["in"],
)


def _path(graph: Graph, node: object) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return qname(str(node))
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + (_path(graph, inverse) or "?")
    if (node, RDF.first, None) in graph:
        return "/".join(_path(graph, item) or "?" for item in Collection(graph, node))
    for key, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(node, key)
        if inner is not None:
            return f"({_path(graph, inner)}){mark}"
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path(graph, item) or "?" for item in Collection(graph, alternatives))
    return "?"


def _value_text(graph: Graph, value: object) -> str:
    if isinstance(value, URIRef):
        return qname(str(value))
    if isinstance(value, Literal):
        return str(value)
    if isinstance(value, BNode) and (value, RDF.first, None) in graph:
        return "(" + " ".join(_value_text(graph, v) for v in Collection(graph, value)) + ")"
    return "[…]"


@lru_cache(maxsize=1)
def shapes_doc() -> ShapesDoc:
    """Every node and property shape in ``shapes/``, with its severity, field, targets, path and constraints."""
    graph = Graph()
    for path in _rdf_files(shapes_dir()):
        graph.parse(path, format="turtle")
    nodes = {s for s in graph.subjects(RDF.type, SH.NodeShape)} | {s for s in graph.subjects(RDF.type, SH.PropertyShape)}
    users: dict[str, set[str]] = {}
    for user in nodes:
        for predicate in (SH.node, SH.property, SH.qualifiedValueShape, SH["or"], SH["and"], SH["not"], SH.xone):
            for value in graph.objects(user, predicate):
                members = list(Collection(graph, value)) if (value, RDF.first, None) in graph else [value]
                for member in members:
                    users.setdefault(str(member), set()).add(qname(str(user)))
    shapes = []
    for node in nodes:
        if not isinstance(node, URIRef):
            continue
        severity = graph.value(node, SH.severity)
        targets = tuple(
            sorted(f"{kind} {qname(str(value))}" for predicate, kind in _TARGETS.items() for value in graph.objects(node, predicate))
        )
        constraints = []
        for predicate in _CONSTRAINTS:
            for value in graph.objects(node, predicate):
                if predicate == SH.sparql:
                    constraints.append("sh:sparql " + qname(str(value)))
                else:
                    constraints.append(f"{qname(str(predicate))} {_value_text(graph, value)}")
        field_iri = graph.value(node, TG.questionnaireField)
        shapes.append(
            Shape(
                iri=str(node),
                qname=qname(str(node)),
                kind="property" if (node, RDF.type, SH.PropertyShape) in graph else "node",
                label=_texts(graph, node, RDFS.label),
                message=_texts(graph, node, SH.message),
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                severity_declared=severity is not None,
                field=str(field_iri) if field_iri is not None else None,
                targets=targets,
                path=_path(graph, graph.value(node, SH.path)),
                constraints=tuple(sorted(constraints)),
                used_by=tuple(sorted(users.get(str(node), ()))),
            )
        )
    order = {sev: i for i, sev in enumerate(SEVERITIES)}
    shapes.sort(key=lambda s: (order.get(s.severity, 9), s.qname))
    logger.debug("documented %d shapes", len(shapes))
    return ShapesDoc(shapes=tuple(shapes), fields=questionnaire_fields())
