"""The linked-data view of the graph, without the web: resource descriptions (RDF and page data), a partnership
as the questionnaire, and the lists over all partnerships. Every query goes through the store protocol."""

from __future__ import annotations

from .describe import (
    PAGE_SIZE,
    GraphRef,
    IncomingGroup,
    ResourcePage,
    describe,
    graph_rdf,
    graph_size,
    resource_page,
    resource_types,
)
from .listing import (
    FILTERS,
    Counts,
    FacetValue,
    Involvement,
    Listed,
    Listing,
    concept_partnerships,
    dataset_counts,
    organisation_partnerships,
    partnership_listing,
)
from .names import Names, is_safe_iri
from .partnership import (
    Questionnaire,
    browse_page,
    context_query,
    partnership_graph,
    partnership_page,
    questionnaire,
)
from .terms import FALLBACK, Evidence, Presenter, Row, TermCache, Value, fetch_info

__all__ = [
    "PAGE_SIZE", "GraphRef", "IncomingGroup", "ResourcePage", "describe", "graph_rdf", "graph_size", "resource_page", "resource_types",
    "FILTERS", "Counts", "FacetValue", "Involvement", "Listed", "Listing", "concept_partnerships", "dataset_counts",
    "organisation_partnerships", "partnership_listing", "Names", "is_safe_iri", "Questionnaire", "context_query",
    "partnership_graph", "partnership_page", "browse_page", "questionnaire", "FALLBACK", "Evidence", "Presenter", "Row", "TermCache", "Value", "fetch_info",
]
