"""rdflib Namespace objects for every vocabulary towngown uses."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

__all__ = [
    "TG", "ORG", "CV", "SCHEMA", "ADMS", "OA", "QUDT", "UNIT", "LOS", "VOID", "SH",
    "DCAT", "DCTERMS", "FOAF", "OWL", "PROV", "RDF", "RDFS", "SKOS", "TIME", "XSD",
    "PREFIXES", "bind_prefixes",
]

TG = Namespace("https://w3id.org/towngown/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
CV = Namespace("http://data.europa.eu/m8g/")
SCHEMA = Namespace("http://schema.org/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
OA = Namespace("http://www.w3.org/ns/oa#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
LOS = Namespace("http://psi.norge.no/los/tema/")
VOID = Namespace("http://rdfs.org/ns/void#")
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES: dict[str, Namespace] = {
    "tg": TG, "org": ORG, "cv": CV, "schema": SCHEMA, "adms": ADMS, "oa": OA, "qudt": QUDT,
    "unit": UNIT, "los": LOS, "void": VOID, "sh": SH, "dcat": DCAT, "dct": DCTERMS, "foaf": FOAF,
    "owl": OWL, "prov": PROV, "rdf": RDF, "rdfs": RDFS, "skos": SKOS, "time": TIME, "xsd": XSD,
}


def bind_prefixes(graph) -> None:  # noqa: ANN001 - any rdflib Graph or Dataset
    """Bind towngown's usual prefixes on an rdflib graph, for readable serialisations."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
