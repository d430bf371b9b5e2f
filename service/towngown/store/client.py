"""A client of the SPARQL 1.1 Protocol and Graph Store Protocol: the one HTTP client in towngown."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping, Sequence

import requests
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import (
    NotFound,
    QueryError,
    QueryTimeout,
    ResultTooLarge,
    StoreBusy,
    StoreError,
    StoreUnavailable,
)
from .base import QueryResponse, Table

__all__ = ["SparqlStore", "SPARQL_JSON", "N_TRIPLES"]

logger = logging.getLogger(__name__)

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
#: Seconds added to the query time limit before the HTTP request itself gives up.
_GRACE_S = 2.0
#: What Oxigraph sends, with 200 OK, when its own --timeout-s cancels a query (a deviation handled here).
_OXIGRAPH_CANCELLED = b"The SPARQL operation has been cancelled"


class SparqlStore:
    """A Store over any SPARQL 1.1 server, given its query, update and graph-store URLs."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        *,
        auth: tuple[str, str] | None = None,
        timeout_s: float = 10.0,
        engine: object | None = None,
        max_concurrent_queries: int = 4,
        max_result_bytes: int = 50 * 1024 * 1024,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.graph_store_url = graph_store_url
        self.timeout_s = timeout_s
        #: The embedded engine this store talks to, when towngown runs it (None for external servers).
        self.engine = engine
        self.max_result_bytes = max_result_bytes
        self._slots = threading.BoundedSemaphore(max_concurrent_queries)
        self._session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=max(8, max_concurrent_queries * 2))
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        if auth:
            self._session.auth = auth

    # -- protocol ---------------------------------------------------------------------------
    def query_raw(
        self,
        sparql: str,
        accept: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
    ) -> QueryResponse:
        """POST the query (URL-encoded form) and return the whole body in the negotiated format.

        At most ``max_concurrent_queries`` run at once (StoreBusy past a short wait); a query past its time
        limit is QueryTimeout (and an embedded engine that does not let go is restarted); a result over
        ``max_result_bytes`` is ResultTooLarge: never a silently truncated answer.
        """
        limit = self.timeout_s if timeout_s is None else timeout_s
        data: list[tuple[str, str]] = [("query", sparql)]
        data += [("default-graph-uri", g) for g in default_graph_uris]
        data += [("named-graph-uri", g) for g in named_graph_uris]
        if not self._slots.acquire(timeout=min(limit, 2.0)):
            raise StoreBusy("all query slots are busy; try again shortly")
        try:
            response = self._request(
                "POST", self.query_url, data=data, headers={"Accept": accept}, timeout=limit + _GRACE_S, stream=True
            )
            try:
                body = self._read_capped(response, limit)
            finally:
                response.close()
        except QueryTimeout:
            self._restart_burning_engine()
            raise QueryTimeout(f"the query did not finish within the time limit of {limit:g} s and was cancelled") from None
        finally:
            self._slots.release()
        if body.startswith(_OXIGRAPH_CANCELLED) or (len(body) < 200 and _OXIGRAPH_CANCELLED in body):
            raise QueryTimeout(f"the query did not finish within the time limit of {limit:g} s and was cancelled")
        return QueryResponse(response.headers.get("Content-Type", accept).split(";")[0].strip(), body)

    def _read_capped(self, response: requests.Response, limit: float) -> bytes:
        deadline = time.monotonic() + limit + _GRACE_S
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > self.max_result_bytes:
                    raise ResultTooLarge(
                        f"the result is larger than {self.max_result_bytes // (1024 * 1024)} MB; "
                        "narrow the query or add LIMIT"
                    )
                if time.monotonic() > deadline:
                    raise QueryTimeout("time limit")
                chunks.append(chunk)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            if isinstance(exc, requests.exceptions.ReadTimeout) or "timed out" in str(exc).lower():
                raise QueryTimeout("time limit") from None
            raise StoreUnavailable("the store closed the connection while sending the result") from None
        return b"".join(chunks)

    def _restart_burning_engine(self) -> None:
        """An engine still busy after the deadline plus grace keeps burning CPU: restart it (embedded only)."""
        engine = self.engine
        if engine is not None and hasattr(engine, "kill"):
            logger.warning("query overran its time limit; restarting the embedded engine")
            engine.kill()

    def select(self, sparql: str) -> list[dict[str, Node]]:
        """Run a SELECT and parse the SPARQL JSON results into rdflib terms."""
        payload = self._json(sparql)
        return [
            {name: _term(value) for name, value in binding.items()}
            for binding in payload.get("results", {}).get("bindings", [])
        ]

    def table(self, sparql: str) -> Table:
        """Run a SELECT; the variables in the order the query gives them."""
        payload = self._json(sparql)
        rows = tuple(
            {name: _term(value) for name, value in binding.items()}
            for binding in payload.get("results", {}).get("bindings", [])
        )
        return Table(tuple(payload.get("head", {}).get("vars", [])), rows)

    def ask(self, sparql: str) -> bool:
        """Run an ASK query."""
        payload = self._json(sparql)
        if "boolean" not in payload:
            raise StoreError("the store answered an ASK query without a boolean")
        return bool(payload["boolean"])

    def construct(self, sparql: str) -> Graph:
        """Run a CONSTRUCT or DESCRIBE and parse the N-Triples answer."""
        response = self.query_raw(sparql, N_TRIPLES)
        graph = Graph()
        graph.parse(data=response.body.decode("utf-8"), format="nt11")
        return graph

    def update(self, sparql: str) -> None:
        """POST a SPARQL Update (application/sparql-update)."""
        self._request(
            "POST",
            self.update_url,
            data=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            timeout=max(self.timeout_s, 60.0) + _GRACE_S,
        )

    def graph_names(self) -> list[str]:
        """IRIs of every named graph that holds at least one triple, sorted."""
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        return [str(row["g"]) for row in rows]

    def get_graph(self, iri: str) -> Graph:
        """The triples of one named graph (a CONSTRUCT, so any SPARQL server will do)."""
        graph = self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {URIRef(iri).n3()} {{ ?s ?p ?o }} }}")
        if len(graph) == 0:
            raise NotFound(f"no graph {iri}")
        return graph

    def replace_graphs(self, graphs: Mapping[str, Graph], *, drop: Sequence[str] = ()) -> None:
        """Replace named graphs in ONE update request, so a failure part-way leaves the old graphs whole."""
        operations: list[str] = []
        for iri in [*drop, *graphs]:
            operations.append(f"DROP SILENT GRAPH {URIRef(iri).n3()}")
        for iri, graph in graphs.items():
            if len(graph) == 0:
                continue
            body = graph.serialize(format="nt11")
            operations.append(f"INSERT DATA {{ GRAPH {URIRef(iri).n3()} {{\n{body}}} }}")
        if operations:
            self.update(" ;\n".join(operations))

    def dataset(self) -> Dataset:
        """Every named graph as an rdflib Dataset (a SELECT over all quads: any SPARQL server will do)."""
        ds = Dataset()
        rows = self.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        for row in rows:
            ds.graph(URIRef(str(row["g"]))).add((row["s"], row["p"], row["o"]))
        return ds

    def dump(self, fmt: str) -> str:
        """Every graph as TriG or N-Quads, literals exactly as stored (no re-spelling of numbers)."""
        dataset = self.dataset()
        if fmt == "nquads":
            return dataset.serialize(format="nquads")
        if fmt != "trig":
            raise ValueError(f"unknown dump format {fmt!r}")
        # rdflib's TriG writer re-spells typed literals ("20"^^xsd:decimal becomes 20.0), which changes the
        # data; N-Triples lines inside graph blocks are valid TriG and keep every term as it is.
        parts = []
        for graph in sorted((g for g in dataset.graphs() if len(g)), key=lambda g: str(g.identifier)):
            lines = sorted(graph.serialize(format="nt11").splitlines())
            parts.append(f"{graph.identifier.n3()} {{\n" + "\n".join(f"  {line}" for line in lines if line) + "\n}\n")
        return "\n".join(parts)

    def clear(self) -> None:
        """Drop every graph."""
        self.update("DROP ALL")

    def ping(self) -> bool:
        """True when the server answers ASK {} in time."""
        try:
            return self.ask("ASK {}") is not None
        except (StoreError, QueryError, QueryTimeout):
            return False

    def close(self) -> None:
        """Release HTTP connections and stop the embedded engine if this store owns one."""
        self._session.close()
        if self.engine is not None:
            self.engine.stop()  # type: ignore[attr-defined]
            self.engine = None

    def __enter__(self) -> "SparqlStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing -------------------------------------------------------------------------------
    def _json(self, sparql: str) -> dict:
        response = self.query_raw(sparql, SPARQL_JSON)
        try:
            return json.loads(response.body)
        except ValueError as exc:
            raise StoreError(f"the store answered with invalid SPARQL JSON: {exc}") from None

    def _request(self, method: str, url: str, **kwargs: object) -> requests.Response:
        try:
            response = self._session.request(method, url, **kwargs)  # type: ignore[arg-type]
        except requests.Timeout:
            raise QueryTimeout(f"the store did not answer within {kwargs.get('timeout')} s") from None
        except requests.ConnectionError as exc:
            raise StoreUnavailable(f"the store at {url} cannot be reached: {exc.__class__.__name__}") from None
        if response.status_code < 300:
            return response
        text = response.text.strip()[:2000]
        if response.status_code == 404:
            raise NotFound(text or f"{url}: not found")
        if 400 <= response.status_code < 500:
            raise QueryError(text or f"the store refused the request ({response.status_code})")
        if response.status_code in (502, 503, 504):
            raise StoreUnavailable(f"the store is unavailable ({response.status_code}): {text}")
        raise StoreError(f"the store failed ({response.status_code}): {text}")


def _term(value: Mapping[str, str]) -> Node:
    kind = value.get("type")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang")
        datatype = value.get("datatype")
        if lang:
            return Literal(value["value"], lang=lang)
        return Literal(value["value"], datatype=URIRef(datatype) if datatype else None)
    raise StoreError(f"unknown term type in SPARQL JSON results: {kind!r}")
