"""/sparql: the read-only SPARQL 1.1 Protocol query endpoint, its service description, VoID and dumps."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..description import GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES, service_description, void_description
from ..errors import InputError, UnsupportedMediaType
from ..sparql import QueryLimits, UpdateRefused, check_query
from .limits import client_address, query_gate
from .negotiation import choose

__all__ = ["bp"]

logger = logging.getLogger(__name__)

bp = Blueprint("sparql", __name__)

_RDF_SERIALISERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt11",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"


def _settings():  # noqa: ANN202
    return current_app.extensions["towngown.settings"]


def _store():  # noqa: ANN202
    return current_app.extensions["towngown.store"]


def site_url() -> str:
    """The address pages and descriptions point at: the configured public URL, else this server."""
    return (_settings().public_url or request.host_url).rstrip("/") + "/"


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise InputError(f"the request has {len(values)} '{name}' parameters; send exactly one", parameter=name)
    return values[0] if values else None


def read_protocol_request() -> tuple[str | None, list[str], list[str]]:
    """The query and dataset of a SPARQL 1.1 Protocol request (GET, URL-encoded POST, or direct POST)."""
    if "update" in request.args or (request.method == "POST" and "update" in request.form):
        raise UpdateRefused("SPARQL Update is not accepted: the public endpoint is read-only")
    default_graphs = request.args.getlist("default-graph-uri")
    named_graphs = request.args.getlist("named-graph-uri")
    if request.method == "GET":
        return _one(request.args.getlist("query"), "query"), default_graphs, named_graphs
    content_type = (request.mimetype or "").lower()
    if content_type == _FORM:
        if "query" in request.args:
            raise InputError("send the query either in the URL or in the body, not both", parameter="query")
        default_graphs += request.form.getlist("default-graph-uri")
        named_graphs += request.form.getlist("named-graph-uri")
        return _one(request.form.getlist("query"), "query"), default_graphs, named_graphs
    if content_type == _DIRECT:
        if "query" in request.args:
            raise InputError("a direct POST carries the query in the body; remove the 'query' parameter", parameter="query")
        try:
            return request.get_data(as_text=False).decode("utf-8"), default_graphs, named_graphs
        except UnicodeDecodeError:
            raise InputError("the query is not valid UTF-8") from None
    if content_type == "application/sparql-update":
        raise UpdateRefused("SPARQL Update is not accepted: the public endpoint is read-only")
    raise UnsupportedMediaType(
        f"Content-Type {content_type or '(none)'} is not accepted; use {_FORM} or {_DIRECT}"
    )


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """Run a read-only SPARQL query (SPARQL 1.1 Protocol); without a query, describe the service."""
    settings = _settings()
    limit = settings.max_query_chars * 4 + 65536
    if request.content_length and request.content_length > limit:
        raise RequestEntityTooLarge(f"the request body is larger than {limit} bytes")
    query, default_graphs, named_graphs = read_protocol_request()
    if query is None or not query.strip():
        if request.method == "POST":
            raise InputError("the request has no 'query'", parameter="query")
        if _wants_editor():
            from .editor import editor_page  # the editor module imports this one

            return editor_page()
        return _service_description()
    info = check_query(
        query,
        QueryLimits(
            max_chars=settings.max_query_chars,
            max_depth=settings.max_query_depth,
            service_allow_list=settings.service_allow_list,
        ),
    )
    offered = GRAPH_MEDIA_TYPES if info.returns_graph else RESULT_MEDIA_TYPES
    default = "text/turtle" if info.returns_graph else "application/sparql-results+json"
    media_type = choose(request, _offered(offered), default)
    with query_gate().slot(client_address()):  # issue 7: one client cannot take every store slot
        answer = _store().query_raw(
            query, media_type, default_graph_uris=default_graphs, named_graph_uris=named_graphs
        )
    response = Response(answer.body, content_type=_with_charset(answer.content_type or media_type))
    response.headers["Vary"] = "Accept"
    return response


def _wants_editor() -> bool:
    """A browser (Accept preferring text/html, no format) gets the query editor instead of the service description."""
    if request.args.get("format"):
        return False
    offered = {"html": "text/html", **_offered(GRAPH_MEDIA_TYPES)}
    return bool(request.headers.get("Accept")) and choose(request, offered, "text/turtle") == "text/html"


def _offered(offered: dict[str, str]) -> dict[str, str]:
    names = dict(offered)
    if "application/ld+json" in offered.values():
        names["json"] = "application/ld+json"
        names["json-ld"] = "application/ld+json"
        names["ttl"] = "text/turtle"
        names["ntriples"] = "application/n-triples"
        names["xml"] = "application/rdf+xml"
        names["n3"] = "text/turtle"
        names["rdf"] = "application/rdf+xml"
        names["rdf+xml"] = "application/rdf+xml"
    return names


def _with_charset(media_type: str) -> str:
    if media_type.startswith("text/") or media_type.endswith(("json", "xml")):
        return f"{media_type}; charset=utf-8"
    return media_type


def rdf_response(graph, default: str = "text/turtle") -> Response:  # noqa: ANN001 - an rdflib Graph
    """A graph in the negotiated RDF serialisation (Turtle, N-Triples, RDF/XML, JSON-LD)."""
    media_type = choose(request, _offered(GRAPH_MEDIA_TYPES), default)
    body = graph.serialize(format=_RDF_SERIALISERS[media_type])
    response = Response(body, content_type=_with_charset(media_type))
    response.headers["Vary"] = "Accept"
    return response


def _service_description() -> Response:
    site = site_url()
    return rdf_response(service_description(site + "sparql", site + "void"))


@bp.get("/void")
@bp.get("/.well-known/void")
def void() -> Response:
    """The VoID + DCAT-AP-NO description of the dataset, with live counts."""
    return rdf_response(void_description(_store(), site_url(), _settings().base_iri))


@bp.get("/dump.trig")
def dump_trig() -> Response:
    """Every graph as TriG."""
    return _dump("trig", "application/trig")


@bp.get("/dump.nq")
def dump_nq() -> Response:
    """Every graph as N-Quads."""
    return _dump("nquads", "application/n-quads")


def _dump(fmt: str, media_type: str) -> Response:
    response = Response(_store().dump(fmt), content_type=f"{media_type}; charset=utf-8")
    response.headers["Content-Disposition"] = f"inline; filename=towngown.{'trig' if fmt == 'trig' else 'nq'}"
    return response


@bp.after_app_request
def _cors(response: Response) -> Response:
    if _settings().cors and request.path in ("/sparql", "/void", "/.well-known/void", "/dump.trig", "/dump.nq") or (
        _settings().cors and request.path.startswith("/queries")
    ):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    return response
