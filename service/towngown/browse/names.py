"""The IRIs of one towngown instance: everything under the base IRI, the tg: terms and the local paths they are browsed at."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Namespace, URIRef

__all__ = ["Names", "sparql_iri", "is_safe_iri"]

#: Characters that may not appear in an IRI written between angle brackets in SPARQL or Turtle.
_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def is_safe_iri(iri: str) -> bool:
    """True when ``iri`` is an absolute IRI that can be written as ``<iri>`` without escaping."""
    return bool(iri) and ":" in iri and not _UNSAFE.search(iri)


def sparql_iri(iri: str) -> str:
    """``<iri>`` for a query; ValueError for anything that could leave the angle brackets."""
    if not is_safe_iri(iri):
        raise ValueError(f"not a safe IRI: {iri!r}")
    return f"<{iri}>"


@dataclass(frozen=True)
class Names:
    """IRIs derived from the base IRI (data is rebased on load, the tg: namespace with it)."""

    base: str

    @property
    def tg(self) -> Namespace:
        """The ontology namespace under this base."""
        return Namespace(self.base + "ontology#")

    @property
    def concept(self) -> str:
        """Prefix of every concept scheme and concept."""
        return self.base + "id/concept/"

    def field(self, name: str) -> URIRef:
        """A questionnaire field concept."""
        return URIRef(f"{self.concept}field/{name}")

    def scheme(self, name: str) -> URIRef:
        """A concept scheme."""
        return URIRef(self.concept + name)

    def instance(self, kind: str, slug: str) -> URIRef:
        """An instance IRI ``id/<kind>/<slug>``."""
        return URIRef(f"{self.base}id/{kind}/{slug}")

    def graph(self, slug: str) -> URIRef:
        """A named graph IRI ``graph/<slug>``."""
        return URIRef(f"{self.base}graph/{slug}")

    def path(self, iri: str) -> str | None:
        """The path this server browses ``iri`` at, or None when it is not under the base."""
        if iri.startswith(self.base) and len(iri) > len(self.base):
            return "/" + iri[len(self.base):]
        return None

    def slug(self, iri: str) -> str:
        """The last path segment of an IRI (the slug of an instance)."""
        return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def prefixes(self) -> str:
        """SPARQL PREFIX lines for the vocabularies the browse queries use."""
        return "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in _prefixes(self.base).items()) + "\n"


def _prefixes(base: str) -> dict[str, str]:
    return {
        "tg": base + "ontology#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "dct": "http://purl.org/dc/terms/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "org": "http://www.w3.org/ns/org#",
        "oa": "http://www.w3.org/ns/oa#",
        "prov": "http://www.w3.org/ns/prov#",
        "time": "http://www.w3.org/2006/time#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    }
