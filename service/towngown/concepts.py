"""The ontology's concept schemes and labels, read once: controlled values for the questionnaire and words for reports."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .config import DEFAULT_BASE_IRI
from .validation import load_ontology
from .vocab import RDFS, SKOS, TG

__all__ = ["Concept", "ConceptScheme", "Vocabulary", "vocabulary", "CONCEPT_BASE"]

logger = logging.getLogger(__name__)

#: Every concept scheme is ``{CONCEPT_BASE}<scheme>``, every concept ``{CONCEPT_BASE}<scheme>/<code>``.
CONCEPT_BASE = f"{DEFAULT_BASE_IRI}id/concept/"

#: Separates the bokmål and English label in a drop-down choice ("pådriver — driving force").
CHOICE_SEPARATOR = " — "


def _texts(graph: Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    """The language-tagged texts of a subject, one per language (nb and en; an untagged one as a fallback)."""
    texts: dict[str, str] = {}
    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal):
            texts.setdefault(value.language or "", str(value))
    return texts


@dataclass(frozen=True)
class Concept:
    """One SKOS concept: its IRI, scheme, code (the IRI's last segment), notation, labels and definitions."""

    iri: URIRef
    scheme: str
    code: str
    notation: str
    label: Mapping[str, str]
    definition: Mapping[str, str]
    order: int | None = None

    def text(self, language: str) -> str:
        """The label in ``language``, else in the other language, else the code."""
        return self.label.get(language) or self.label.get("nb") or self.label.get("en") or self.code

    @property
    def choice(self) -> str:
        """The bilingual text offered in drop-downs: "bokmål — English" (the code when they are equal)."""
        nb, en = self.label.get("nb", ""), self.label.get("en", "")
        if nb and en and nb.casefold() != en.casefold():
            return f"{nb}{CHOICE_SEPARATOR}{en}"
        return nb or en or self.code


@dataclass(frozen=True)
class ConceptScheme:
    """A concept scheme with its concepts in their order (tg:order, else by code)."""

    name: str
    iri: URIRef
    label: Mapping[str, str]
    concepts: tuple[Concept, ...]
    _index: dict[str, Concept] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for concept in self.concepts:
            keys = {concept.code, concept.notation, str(concept.iri), concept.choice, *concept.label.values()}
            for key in keys:
                if key:
                    self._index.setdefault(key.casefold().strip(), concept)

    def find(self, value: str) -> Concept | None:
        """The concept a filled-in value names: its code, notation, IRI, bokmål or English label, or drop-down text."""
        return self._index.get(str(value).casefold().strip())

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts)


@dataclass(frozen=True)
class Vocabulary:
    """The concept schemes and the labels of every ontology term (rdfs:label, skos:prefLabel)."""

    schemes: Mapping[str, ConceptScheme]
    labels: Mapping[URIRef, Mapping[str, str]]
    definitions: Mapping[URIRef, Mapping[str, str]]

    def scheme(self, name: str) -> ConceptScheme:
        """The scheme called ``name`` (role, orgtype, field, ...); KeyError when there is none."""
        return self.schemes[name]

    def concept(self, iri: Node | None) -> Concept | None:
        """The concept with this IRI, if it is in a scheme."""
        if not isinstance(iri, URIRef) or not str(iri).startswith(CONCEPT_BASE):
            return None
        scheme, _, code = str(iri)[len(CONCEPT_BASE):].partition("/")
        found = self.schemes.get(scheme)
        return found.find(code) if found and code else None

    def find_any(self, value: str) -> Concept | None:
        """A concept of any scheme, written "scheme:code" (or "scheme: label", or its IRI)."""
        text = str(value).strip()
        if text.startswith(CONCEPT_BASE):
            return self.concept(URIRef(text))
        scheme, sep, rest = text.partition(":")
        if not sep or scheme.strip() not in self.schemes:
            return None
        return self.schemes[scheme.strip()].find(rest)

    def label(self, node: Node | None, language: str) -> str | None:
        """The label of an ontology term or concept in ``language`` (else the other language), or None."""
        texts = self.labels.get(node) if isinstance(node, URIRef) else None
        if not texts:
            return None
        return texts.get(language) or texts.get("nb") or texts.get("en") or next(iter(texts.values()), None)

    def fields(self) -> tuple[Concept, ...]:
        """The questionnaire fields in questionnaire order (1, 2, ..., 5, 5a, 6, ..., 15)."""
        return self.schemes["field"].concepts


def _read(ontology: Graph) -> Vocabulary:
    labels: dict[URIRef, dict[str, str]] = {}
    definitions: dict[URIRef, dict[str, str]] = {}
    for subject in set(ontology.subjects(RDFS.label, None)) | set(ontology.subjects(SKOS.prefLabel, None)):
        if isinstance(subject, URIRef):
            texts = _texts(ontology, subject, SKOS.prefLabel) or _texts(ontology, subject, RDFS.label)
            labels[subject] = texts
            definition = _texts(ontology, subject, SKOS.definition)
            if definition:
                definitions[subject] = definition
    members: dict[URIRef, list[Concept]] = {}
    for concept, scheme in ontology.subject_objects(SKOS.inScheme):
        if not (isinstance(concept, URIRef) and isinstance(scheme, URIRef)):
            continue
        if not str(scheme).startswith(CONCEPT_BASE):
            continue
        order = ontology.value(concept, TG.order)
        members.setdefault(scheme, []).append(
            Concept(
                iri=concept,
                scheme=str(scheme)[len(CONCEPT_BASE):],
                code=str(concept).rsplit("/", 1)[-1],
                notation=str(ontology.value(concept, SKOS.notation) or str(concept).rsplit("/", 1)[-1]),
                label=_texts(ontology, concept, SKOS.prefLabel),
                definition=_texts(ontology, concept, SKOS.definition),
                order=int(order) if isinstance(order, Literal) else None,
            )
        )
    schemes: dict[str, ConceptScheme] = {}
    for scheme, concepts in sorted(members.items(), key=lambda item: str(item[0])):
        name = str(scheme)[len(CONCEPT_BASE):]
        concepts.sort(key=lambda c: (c.order if c.order is not None else 10_000, c.code))
        schemes[name] = ConceptScheme(name, scheme, _texts(ontology, scheme, SKOS.prefLabel), tuple(concepts))
    logger.info("read %d concept schemes and %d labels from the ontology", len(schemes), len(labels))
    return Vocabulary(schemes=schemes, labels=labels, definitions=definitions)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The vocabulary of the bundled ontology (read once per process)."""
    return _read(load_ontology())
