"""Descriptions of the service itself: the SPARQL 1.1 Service Description and the VoID + DCAT-AP-NO dataset."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from . import __version__
from .vocab import TG, VOID, bind_prefixes

__all__ = ["service_description", "void_description", "RESULT_MEDIA_TYPES", "GRAPH_MEDIA_TYPES"]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
DATA_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
PUBTYPE = Namespace("http://purl.org/adms/publishertype/")

#: Media types the endpoint offers, by short name (the `format` parameter).
RESULT_MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_MEDIA_TYPES = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
_SD_FORMATS = {
    "application/sparql-results+json": FORMATS.SPARQL_Results_JSON,
    "application/sparql-results+xml": FORMATS.SPARQL_Results_XML,
    "text/csv": FORMATS.SPARQL_Results_CSV,
    "text/tab-separated-values": FORMATS.SPARQL_Results_TSV,
    "text/turtle": FORMATS.Turtle,
    "application/n-triples": FORMATS["N-Triples"],
    "application/rdf+xml": FORMATS.RDF_XML,
    "application/ld+json": FORMATS["JSON-LD"],
}

_COUNTS = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?g) AS ?graphs) WHERE { GRAPH ?g { ?s ?p ?o } }
"""
_ENTITIES = """
SELECT (COUNT(DISTINCT ?s) AS ?entities) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }
"""
_PARTNERSHIPS = """
PREFIX tg: <https://w3id.org/towngown/ontology#>
SELECT ?p WHERE { ?p a tg:UniversityMunicipalityPartnership } ORDER BY ?p
"""


def service_description(endpoint_url: str, dataset_url: str, *, union_default_graph: bool = True) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint_url``."""
    graph = Graph()
    bind_prefixes(graph)
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    service = URIRef(endpoint_url)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in _SD_FORMATS.values():
        graph.add((service, SD.resultFormat, fmt))
    if union_default_graph:
        graph.add((service, SD.feature, SD.UnionDefaultGraph))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, DCTERMS.source, URIRef(dataset_url)))
    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((service, DCTERMS.title, Literal("towngown SPARQL-endepunkt", lang="nb")))
    graph.add((service, DCTERMS.title, Literal("towngown SPARQL endpoint", lang="en")))
    graph.add((service, DCTERMS.hasVersion, Literal(__version__)))
    return graph


def void_description(store, site_url: str, base_iri: str) -> Graph:  # noqa: ANN001 - a towngown Store
    """VoID + DCAT-AP-NO description of the dataset, with counts taken from the store now."""
    site = site_url.rstrip("/") + "/"
    counts = store.select(_COUNTS)[0]
    entities = store.select(_ENTITIES)[0]
    partnerships = [row["p"] for row in store.select(_PARTNERSHIPS)]

    graph = Graph()
    bind_prefixes(graph)
    catalog = URIRef(site + "catalog")
    dataset = URIRef(site + "void")
    publisher = URIRef(base_iri + "id/organisation/towngown")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal("towngown – universitetskommuner", lang="nb")))
    graph.add((catalog, DCTERMS.title, Literal("towngown – university municipalities", lang="en")))
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCAT.dataset, dataset))

    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    graph.add((dataset, DCTERMS.title, Literal("Partnerskap mellom kommuner og universiteter", lang="nb")))
    graph.add((dataset, DCTERMS.title, Literal("University–municipality partnerships", lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(
        "Kunnskapsgraf over universitetskommuner: deltakere, forankring, ressurser, varighet, "
        "samarbeidsområder og status, med kilde for hver opplysning.", lang="nb")))
    graph.add((dataset, DCTERMS.description, Literal(
        "Knowledge graph of university-municipality partnerships: participants, anchoring, resources, "
        "terms, collaboration areas and status, with a source for every fact.", lang="en")))
    graph.add((dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal("towngown")))
    graph.add((publisher, DCTERMS.type, PUBTYPE["Academia-ScientificOrganisation"]))
    for language in ("NOB", "ENG"):
        graph.add((dataset, DCTERMS.language, LANGUAGE[language]))
    for theme in ("GOVE", "EDUC", "REGI"):
        graph.add((dataset, DCAT.theme, DATA_THEME[theme]))
    graph.add((dataset, DCAT.keyword, Literal("universitetskommune", lang="nb")))
    graph.add((dataset, DCAT.keyword, Literal("university municipality", lang="en")))
    graph.add((dataset, VOID.triples, Literal(int(counts["triples"]), datatype=XSD.integer)))
    graph.add((dataset, VOID.entities, Literal(int(entities["entities"]), datatype=XSD.integer)))
    graph.add((dataset, TG.graphCount, Literal(int(counts["graphs"]), datatype=XSD.integer)))
    graph.add((dataset, TG.partnershipCount, Literal(len(partnerships), datatype=XSD.integer)))
    for example in partnerships[:3]:
        graph.add((dataset, VOID.exampleResource, example))
    graph.add((dataset, VOID.uriSpace, Literal(base_iri + "id/")))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(site + "sparql")))
    for vocabulary in (
        "https://w3id.org/towngown/ontology#", "http://www.w3.org/ns/org#", "http://data.europa.eu/m8g/",
        "http://schema.org/", "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/oa#",
        "http://www.w3.org/2006/time#", "http://www.w3.org/2004/02/skos/core#",
    ):
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    for name, file_type, media in (("dump.trig", "RDF_TRIG", "application/trig"), ("dump.nq", "RDF_N_QUADS", "application/n-quads")):
        dump = URIRef(site + name)
        graph.add((dataset, VOID.dataDump, dump))
        distribution = URIRef(site + name + "#distribution")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCAT.downloadURL, dump))
        graph.add((distribution, DCAT.accessURL, dump))
        graph.add((distribution, DCTERMS.format, FILE_TYPE[file_type]))
        graph.add((distribution, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        graph.add((distribution, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    return graph
