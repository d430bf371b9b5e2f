"""A client of the SPARQL 1.1 Protocol and Graph Store Protocol: the one HTTP client in towngown."""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import NoReturn
from urllib.parse import urlencode

import requests
import urllib3
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from ..errors import (
    ConfigError,
    NotFound,
    QueryError,
    QueryTimeout,
    ResultTooLarge,
    StoreBusy,
    StoreError,
    StoreUnavailable,
)
from .base import QueryResponse, Table
from .dialects import STAGING_PREFIX, Dialect, dialect_for_server, dialect_named

__all__ = ["SparqlStore", "SPARQL_JSON", "N_TRIPLES", "AUTH_SCHEMES"]

logger = logging.getLogger(__name__)

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
#: Seconds added to the query time limit before the HTTP request itself gives up.
_GRACE_S = 2.0
#: Seconds to wait for a TCP connection to the store.
_CONNECT_S = 5.0
#: A pooled connection the server has closed meanwhile is retried once on a new one; nothing else is retried.
_RETRY_CONNECT = urllib3.Retry(total=1, connect=1, read=0, redirect=0, status=0, other=0, raise_on_status=False)
#: How credentials for the store are sent (TOWNGOWN_STORE_AUTH).
AUTH_SCHEMES = ("basic", "digest")


class SparqlStore:
    """A Store over any SPARQL 1.1 server, given its query, update and graph-store URLs.

    ``dialect`` adapts the engine's deviations from the standard (see ``dialects.py``): a Dialect, a name
    ("standard", "oxigraph", "virtuoso"), or "auto" to tell from the server's ``Server`` header on first use.
    """

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        *,
        auth: tuple[str, str] | None = None,
        auth_scheme: str = "basic",
        timeout_s: float = 10.0,
        engine: object | None = None,
        max_concurrent_queries: int = 4,
        max_result_bytes: int = 50 * 1024 * 1024,
        dialect: Dialect | str = "auto",
        hidden_graphs: Sequence[str] = (),
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
            if auth_scheme not in AUTH_SCHEMES:
                raise ConfigError(f"unknown store auth scheme {auth_scheme!r}; use {' or '.join(AUTH_SCHEMES)}")
            self._session.auth = requests.auth.HTTPDigestAuth(*auth) if auth_scheme == "digest" else auth
        # Queries, the hot path, go straight through urllib3 (requests' own overhead is about twice the
        # time a cheap query takes the engine); updates and digest authentication keep using requests.
        self._pool: urllib3.PoolManager | None = None
        self._pool_headers: dict[str, str] = {}
        if not auth or auth_scheme == "basic":
            self._pool = urllib3.PoolManager(num_pools=4, maxsize=max(8, max_concurrent_queries * 2), block=False)
            if auth:
                token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode("utf-8")).decode("ascii")
                self._pool_headers["Authorization"] = f"Basic {token}"
        self._hidden_graphs = tuple(hidden_graphs)
        self._dialect: Dialect | None = (
            dialect if isinstance(dialect, Dialect) else None if dialect == "auto" else dialect_named(dialect, hidden_graphs)
        )
        self._dialect_lock = threading.Lock()
        self._dialect_checked = False

    @property
    def dialect(self) -> Dialect:
        """How this server deviates from the standard (found from its Server header when set to auto)."""
        if self._dialect is None or not self._dialect_checked:
            with self._dialect_lock:
                if self._dialect is None:
                    response = self._request(
                        "GET", self.query_url, params={"query": "ASK {}"}, headers={"Accept": SPARQL_JSON},
                        timeout=min(10.0, self.timeout_s + _GRACE_S),  # a slow server must not hold a request longer
                    )
                    response.close()
                    self._dialect = dialect_for_server(response.headers.get("Server", ""), self._hidden_graphs)
                    logger.info("store at %s speaks the %s dialect", self.query_url, self._dialect.name)
                if not self._dialect_checked:
                    self._dialect_checked = True
                    try:
                        advice = self._dialect.check(self.ask)
                    except (StoreError, QueryError, QueryTimeout) as exc:
                        advice = None
                        logger.info("could not check the store's set-up: %s", exc)
                    if advice:
                        logger.warning("store at %s: %s", self.query_url, advice)
        return self._dialect

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
        dialect = self.dialect
        data: list[tuple[str, str]] = [("query", dialect.prepare_query(sparql))]
        data += [("default-graph-uri", g) for g in default_graph_uris]
        data += [("named-graph-uri", g) for g in named_graph_uris]
        data += dialect.query_params(limit)
        if not self._slots.acquire(timeout=min(limit, 2.0)):
            raise StoreBusy("all query slots are busy; try again shortly")
        try:
            if self._pool is not None:
                headers, body = self._pooled_query(data, accept, limit)
            else:
                response = self._request(
                    "POST", self.query_url, data=data, headers={"Accept": accept}, timeout=limit + _GRACE_S, stream=True
                )
                try:
                    body = self._read_capped(response.iter_content(chunk_size=65536), limit)
                finally:
                    response.close()
                headers = response.headers
        except QueryTimeout:
            self._restart_burning_engine()
            raise QueryTimeout(f"the query did not finish within the time limit of {limit:g} s and was cancelled") from None
        finally:
            self._slots.release()
        dialect.check_result(headers, body, limit)
        answered = headers.get("Content-Type", accept).split(";")[0].strip().lower()
        if answered in ("text/html", "application/xhtml+xml") and answered not in accept:
            # A proxy's or a misconfigured server's page is never a SPARQL result: do not pass it on as one.
            raise StoreError(f"the store answered with a web page ({answered}) instead of {accept}")
        return QueryResponse(answered, body)

    def _pooled_query(self, data: list[tuple[str, str]], accept: str, limit: float) -> tuple[Mapping[str, str], bytes]:
        """POST a query through the urllib3 pool: the same protocol, status mapping and limits as ``_request``."""
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded", **self._pool_headers}
        try:
            response = self._pool.request(  # type: ignore[union-attr]
                "POST",
                self.query_url,
                body=urlencode(data).encode("utf-8"),
                headers=headers,
                preload_content=False,
                redirect=False,
                retries=_RETRY_CONNECT,
                timeout=urllib3.Timeout(connect=_CONNECT_S, read=limit + _GRACE_S),
            )
        except urllib3.exceptions.ReadTimeoutError:
            raise QueryTimeout(f"the store did not answer within {limit + _GRACE_S:g} s") from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise StoreUnavailable(f"the store at {self.query_url} cannot be reached: {exc.__class__.__name__}") from None
        done = False
        try:
            if response.status >= 300:
                text = response.read(65536).decode("utf-8", "replace").strip()[:2000]
                _raise_for_status(response.status, text, self.query_url)
            body = self._read_capped(response.stream(65536), limit)
            done = True
            return response.headers, body
        finally:
            if not done:
                response.close()  # a half-read answer must not go back to the pool
            response.release_conn()

    def _read_capped(self, stream: Iterator[bytes], limit: float) -> bytes:
        deadline = time.monotonic() + limit + _GRACE_S
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in stream:
                size += len(chunk)
                if size > self.max_result_bytes:
                    raise ResultTooLarge(
                        f"the result is larger than {self.max_result_bytes // (1024 * 1024)} MB; "
                        "narrow the query or add LIMIT"
                    )
                if time.monotonic() > deadline:
                    raise QueryTimeout("time limit")
                chunks.append(chunk)
        except (
            requests.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
            urllib3.exceptions.HTTPError,
            OSError,
        ) as exc:
            if isinstance(exc, (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError)) or (
                "timed out" in str(exc).lower()
            ):
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
        term = self.dialect.term
        return [
            {name: term(value) for name, value in binding.items()}
            for binding in payload.get("results", {}).get("bindings", [])
        ]

    def table(self, sparql: str) -> Table:
        """Run a SELECT; the variables in the order the query gives them."""
        payload = self._json(sparql)
        term = self.dialect.term
        rows = tuple(
            {name: term(value) for name, value in binding.items()}
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
        try:
            graph.parse(data=response.body.decode("utf-8"), format="nt11")
        except Exception as exc:  # noqa: BLE001 - any parser failure means the store sent garbage
            raise StoreError(f"the store answered with invalid N-Triples: {exc.__class__.__name__}") from None
        return self.dialect.graph(graph)

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
        hidden = self.dialect.hidden_graphs
        return [str(row["g"]) for row in rows if str(row["g"]) not in hidden and not str(row["g"]).startswith(STAGING_PREFIX)]

    def get_graph(self, iri: str) -> Graph:
        """The triples of one named graph (a CONSTRUCT, so any SPARQL server will do)."""
        graph = self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {URIRef(iri).n3()} {{ ?s ?p ?o }} }}")
        if len(graph) == 0:
            raise NotFound(f"no graph {iri}")
        return graph

    def replace_graphs(self, graphs: Mapping[str, Graph], *, drop: Sequence[str] = ()) -> None:
        """Replace named graphs so that a failure part-way leaves the old graphs whole (one update request
        on engines where that is one transaction; staged and swapped where it is not)."""
        self.dialect.replace_graphs(self.update, graphs, drop)

    def dataset(self) -> Dataset:
        """Every named graph as an rdflib Dataset (a SELECT over all quads: any SPARQL server will do)."""
        ds = Dataset()
        rows = self.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        hidden = self.dialect.hidden_graphs
        for row in rows:
            if (hidden and str(row["g"]) in hidden) or str(row["g"]).startswith(STAGING_PREFIX):
                continue
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
        """Drop every graph (towngown's: never an engine's own system graphs)."""
        self.dialect.clear(self.update, self.graph_names)

    def ping(self) -> bool:
        """True when the server answers ASK {} in time."""
        try:
            return self.ask("ASK {}") is not None
        except (StoreError, QueryError, QueryTimeout):
            return False

    def close(self) -> None:
        """Release HTTP connections and stop the embedded engine if this store owns one."""
        self._session.close()
        if self._pool is not None:
            self._pool.clear()
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
        if response.encoding is None or "charset" not in response.headers.get("Content-Type", ""):
            response.encoding = "utf-8"  # engines send UTF-8 messages without saying so (requests assumes Latin-1)
        _raise_for_status(response.status_code, response.text.strip()[:2000], url)


def _raise_for_status(status: int, text: str, url: str) -> NoReturn:
    """The towngown error for an HTTP error status of the store."""
    if status in (401, 403):
        # Not the caller's fault: towngown's own credentials (or auth scheme) for the store are wrong.
        raise StoreError(f"the store at {url} refused towngown's credentials ({status})")
    if status == 404:
        raise NotFound(text or f"{url}: not found")
    if 400 <= status < 500:
        raise QueryError(text or f"the store refused the request ({status})")
    if status in (502, 503, 504):
        raise StoreUnavailable(f"the store is unavailable ({status}): {text}")
    if status == 500 and "os error 11" in text:
        # `oxigraph serve --timeout-s` starts a thread per query that lives for the whole time limit; past some
        # thousands of queries a second it cannot start one (EAGAIN) and answers 500. That is load, not a fault.
        raise StoreBusy(f"the store is out of threads for new queries; try again shortly ({text})")
    raise StoreError(f"the store failed ({status}): {text}")
