"""HTTP to servers towngown does not run: harvest sources (a published file, or a SPARQL endpoint asked a CONSTRUCT
query with SPARQLWrapper) and a towngown server a user publishes to from their own machine.

Only the URL the caller names is requested: redirects are refused, not followed, so a harvest never reaches an
address nobody registered. Every transfer has a time limit and a size limit and is refused whole past them.
"""

from __future__ import annotations

import json
import logging
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import requests
from SPARQLWrapper import POST, TURTLE, SPARQLWrapper

from ..errors import FetchFailed, InputError

__all__ = ["Fetched", "RemoteAnswer", "check_http_url", "fetch_file", "fetch_construct", "put_graph", "delete_graph"]

logger = logging.getLogger(__name__)

#: What a harvest asks a file server for: every RDF syntax towngown reads.
RDF_ACCEPT = (
    "text/turtle, application/trig, application/ld+json;q=0.9, application/n-triples;q=0.8, "
    "application/n-quads;q=0.8, application/rdf+xml;q=0.7"
)
_CHUNK = 65536


@dataclass(frozen=True)
class Fetched:
    """The bytes a source answered with, and their media type (without parameters)."""

    url: str
    content_type: str
    body: bytes


@dataclass(frozen=True)
class RemoteAnswer:
    """A towngown server's answer: status, headers, and the body (JSON for results and problems)."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> dict:
        """The body as JSON (an empty dict if it is not JSON)."""
        try:
            value = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}


def check_http_url(url: str) -> str:
    """The URL if it is an absolute http(s) URL with a host, else InputError."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url!r} is not an http:// or https:// URL")
    return url.strip()


def _too_large(url: str, max_bytes: int) -> FetchFailed:
    return FetchFailed(f"{url} is larger than the limit of {max_bytes} bytes; nothing was taken from it", url=url)


def fetch_file(url: str, *, timeout_s: float, max_bytes: int) -> Fetched:
    """GET one registered file (redirects refused); FetchFailed when it cannot be reached, answers an error,
    redirects, takes longer than ``timeout_s`` in all or is larger than ``max_bytes``."""
    check_http_url(url)
    deadline = time.monotonic() + timeout_s
    try:
        response = requests.get(
            url, headers={"Accept": RDF_ACCEPT, "User-Agent": "towngown-harvester"}, stream=True,
            allow_redirects=False, timeout=(timeout_s, timeout_s),
        )
    except requests.Timeout:
        raise FetchFailed(f"{url} did not answer within {timeout_s:g} s", url=url) from None
    except requests.RequestException as exc:
        raise FetchFailed(f"{url} cannot be reached ({_reason(exc)})", url=url) from None
    with response:
        if 300 <= response.status_code < 400:
            target = response.headers.get("Location", "?")
            raise FetchFailed(
                f"{url} redirects ({response.status_code}) to {target}; towngown fetches only registered URLs: "
                "register the new address instead", url=url,
            )
        if response.status_code >= 400:
            raise FetchFailed(f"{url} answered {response.status_code} {response.reason}", url=url)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(url, max_bytes)
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise _too_large(url, max_bytes)
                if time.monotonic() > deadline:
                    raise FetchFailed(f"{url} took longer than {timeout_s:g} s to send", url=url)
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise FetchFailed(f"{url} broke off while sending ({_reason(exc)})", url=url) from None
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return Fetched(url, content_type, b"".join(chunks))


def _reason(exc: BaseException) -> str:
    text = str(exc)
    for known in ("Connection refused", "Name or service not known", "timed out", "Connection reset"):
        if known.lower() in text.lower():
            return known.lower()
    return exc.__class__.__name__


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect becomes an error: only the registered endpoint is asked."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201, PLR0913
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to {newurl}", headers, fp)


_OPENER = urllib.request.build_opener(_RefuseRedirects)


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper with an opener that does not follow redirects (SPARQLWrapper's own request, our opener)."""

    def _query(self):  # noqa: ANN202 - SPARQLWrapper's (response, format) pair
        request = self._createRequest()
        return _OPENER.open(request, timeout=self.timeout), self.returnFormat


def fetch_construct(endpoint: str, query: str, *, timeout_s: float, max_bytes: int) -> Fetched:
    """Run a CONSTRUCT query at a registered SPARQL endpoint with SPARQLWrapper and return the Turtle it sends;
    FetchFailed as for ``fetch_file``."""
    check_http_url(endpoint)
    wrapper = _Wrapper(endpoint, agent="towngown-harvester")
    wrapper.setQuery(query)
    wrapper.setMethod(POST)
    wrapper.setReturnFormat(TURTLE)
    wrapper.setTimeout(max(1, int(round(timeout_s))))
    deadline = time.monotonic() + timeout_s
    try:
        result = wrapper.query()
        response = result.response
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = response.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(endpoint, max_bytes)
            if time.monotonic() > deadline:
                raise FetchFailed(f"{endpoint} took longer than {timeout_s:g} s to answer", url=endpoint)
            chunks.append(chunk)
        content_type = (response.headers.get("Content-Type") or "text/turtle").split(";")[0].strip().lower()
    except FetchFailed:
        raise
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            raise FetchFailed(
                f"{endpoint} redirects ({exc.code}); towngown asks only registered endpoints: register the new address",
                url=endpoint,
            ) from None
        raise FetchFailed(f"{endpoint} answered {exc.code} to the CONSTRUCT query", url=endpoint) from None
    except (socket.timeout, TimeoutError):
        raise FetchFailed(f"{endpoint} did not answer within {timeout_s:g} s", url=endpoint) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchFailed(f"{endpoint} cannot be reached ({_reason(reason if isinstance(reason, BaseException) else exc)})", url=endpoint) from None
    except Exception as exc:  # noqa: BLE001 - SPARQLWrapper's own errors (QueryBadFormed, EndPointNotFound, ...)
        raise FetchFailed(f"{endpoint} refused the CONSTRUCT query ({exc.__class__.__name__})", url=endpoint) from None
    return Fetched(endpoint, content_type, b"".join(chunks))


def _graph_url(server: str, slug: str) -> str:
    check_http_url(server)
    return f"{server.rstrip('/')}/graphs/{quote(slug, safe='')}"


def _send(method: str, url: str, *, timeout_s: float, **kwargs: object) -> RemoteAnswer:
    try:
        response = requests.request(method, url, timeout=(timeout_s, timeout_s), allow_redirects=False, **kwargs)  # type: ignore[arg-type]
    except requests.Timeout:
        raise FetchFailed(f"{url} did not answer within {timeout_s:g} s", url=url) from None
    except requests.RequestException as exc:
        raise FetchFailed(f"{url} cannot be reached ({_reason(exc)})", url=url) from None
    with response:
        return RemoteAnswer(response.status_code, response.content, dict(response.headers))


def put_graph(
    server: str, slug: str, body: bytes, content_type: str, token: str, *,
    if_match: str | None = None, timeout_s: float = 120.0,
) -> RemoteAnswer:
    """PUT a partnership graph to a towngown server (``<server>/graphs/<slug>``) with a bearer token."""
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {token}", "Accept": "application/json"}
    if if_match:
        headers["If-Match"] = if_match
    return _send("PUT", _graph_url(server, slug), timeout_s=timeout_s, data=body, headers=headers)


def delete_graph(server: str, slug: str, token: str, *, if_match: str | None = None, timeout_s: float = 120.0) -> RemoteAnswer:
    """DELETE a partnership graph on a towngown server with a bearer token."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if if_match:
        headers["If-Match"] = if_match
    return _send("DELETE", _graph_url(server, slug), timeout_s=timeout_s, headers=headers)
