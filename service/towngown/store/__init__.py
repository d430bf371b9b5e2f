"""The store: towngown reaches its graph only through the SPARQL 1.1 Protocol and Graph Store Protocol.

``open_store(settings)`` is the one place that decides which server that is: the embedded
``oxigraph serve`` that towngown runs itself, or any SPARQL 1.1 server named in the settings.
"""

from __future__ import annotations

from .base import QueryResponse, Store, Table
from .client import SparqlStore
from .dialects import Dialect, OxigraphDialect, VirtuosoDialect
from .engine import OxigraphEngine, find_oxigraph
from .opening import open_store
from .virtuoso import VirtuosoEngine

__all__ = [
    "Store", "QueryResponse", "Table", "SparqlStore", "OxigraphEngine", "find_oxigraph", "open_store",
    "Dialect", "OxigraphDialect", "VirtuosoDialect", "VirtuosoEngine",
]
