"""The Store protocol every backend implements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from rdflib import Dataset, Graph
from rdflib.term import Node

__all__ = ["Store", "QueryResponse", "Table"]


@dataclass(frozen=True)
class QueryResponse:
    """A query result as the engine sent it: bytes and their media type."""

    content_type: str
    body: bytes


@dataclass(frozen=True)
class Table:
    """SELECT results: the variables in the query's order, and rows keyed by variable (unbound left out)."""

    variables: tuple[str, ...]
    rows: tuple[dict[str, Node], ...]


@runtime_checkable
class Store(Protocol):
    """What towngown needs from a SPARQL 1.1 server."""

    def query_raw(
        self,
        sparql: str,
        accept: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
    ) -> QueryResponse:
        """Run a query and return the engine's bytes in the requested media type."""
        ...

    def select(self, sparql: str) -> list[dict[str, Node]]:
        """Run a SELECT; rows keyed by variable name (without '?'), unbound variables left out."""
        ...

    def table(self, sparql: str) -> Table:
        """Run a SELECT and keep the variable order."""
        ...

    def ask(self, sparql: str) -> bool:
        """Run an ASK."""
        ...

    def construct(self, sparql: str) -> Graph:
        """Run a CONSTRUCT or DESCRIBE."""
        ...

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update as one request (one transaction on engines that support it)."""
        ...

    def graph_names(self) -> list[str]:
        """IRIs of every non-empty named graph."""
        ...

    def get_graph(self, iri: str) -> Graph:
        """The triples of one named graph; NotFound if it is empty or absent."""
        ...

    def replace_graphs(self, graphs: Mapping[str, Graph], *, drop: Sequence[str] = ()) -> None:
        """Atomically replace the given named graphs (and drop others) in one update request."""
        ...

    def dataset(self) -> Dataset:
        """Every named graph, as an rdflib Dataset."""
        ...

    def dump(self, fmt: str) -> str:
        """Every graph serialised as "trig" or "nquads"."""
        ...

    def clear(self) -> None:
        """Remove everything."""
        ...

    def ping(self) -> bool:
        """True when the server answers a trivial query."""
        ...
