"""/graphs/<slug>: token-scoped publishing of one partnership graph, with versions, diffs and ETags (issue 5).

PUT and DELETE need ``Authorization: Bearer <token>`` for the partnership; GET, the version list, a version and
a diff are public. Views call publish, history and tokens; they build no SPARQL.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from rdflib import BNode, Graph, Literal, URIRef

from .. import history
from ..datadir import check_slug
from ..errors import Forbidden, InputError, NotFound, Unauthorized, UnsupportedMediaType, ValidationFailed
from ..publish import delete_graph, graph_state, publish_graph, read_graph
from ..submission import MEDIA_TYPES, graph_iri, parse_rdf, version_iri
from ..tokens import authorize
from ..validation import ValidationReport
from ..vocab import bind_prefixes
from .errors import problem
from .limits import auth_limiter, client_address
from .negotiation import choose
from .sparql import rdf_response, site_url
from .validate import report_json

__all__ = ["bp"]

logger = logging.getLogger(__name__)

bp = Blueprint("graphs", __name__)

_LIST_TYPES = {"json": "application/json", "html": "text/html"}
_DIFF_TYPES = {"json": "application/json", "trig": "application/trig", "nq": "application/n-quads"}


def _settings():  # noqa: ANN202
    return current_app.extensions["towngown.settings"]


def _store():  # noqa: ANN202
    return current_app.extensions["towngown.store"]


def _bearer() -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (never logged), or None."""
    scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _authorize(settings, slug: str):  # noqa: ANN001, ANN202
    """authorize() behind the per-address limit of failed authentications (429 once used up; issue 7)."""
    limiter, address = auth_limiter(), client_address()
    limiter.check(address)
    try:
        return authorize(settings, _bearer(), slug)
    except (Unauthorized, Forbidden):
        limiter.failed(address)
        raise


@bp.errorhandler(Unauthorized)
def _unauthorized(exc: Unauthorized) -> Response:
    """401 with the challenge RFC 6750 asks for."""
    response = problem(exc.status, exc.title, exc.message)
    challenge = 'Bearer realm="towngown"'
    if exc.detail.get("error"):
        challenge += f', error="{exc.detail["error"]}"'
    response.headers["WWW-Authenticate"] = challenge
    return response


@bp.errorhandler(ValidationFailed)
def _invalid(exc: ValidationFailed) -> Response:
    """422 with the whole validation report (as /validate gives it), so the publisher sees every violation at once."""
    report = exc.report if isinstance(exc.report, ValidationReport) else None
    extra = {"report": report_json(report)} if report is not None else {}
    return problem(exc.status, exc.title, exc.message, **extra)


def _links(slug: str) -> dict[str, str]:
    site = site_url().rstrip("/")
    return {"url": f"{site}/graphs/{slug}", "versions_url": f"{site}/graphs/{slug}/versions"}


@bp.put("/graphs/<slug>")
def put_graph(slug: str) -> Response:
    """Replace graph/<slug> with the body (any RDF syntax by Content-Type) as its next version; needs a token."""
    settings = _settings()
    check_slug(slug)
    publisher = _authorize(settings, slug)
    media_type = (request.mimetype or "").lower()
    if media_type not in MEDIA_TYPES:
        raise UnsupportedMediaType(
            f"Content-Type {media_type or '(none)'} is not accepted; send one of {', '.join(sorted(MEDIA_TYPES))}"
        )
    body = request.get_data(cache=False)
    if not body.strip():
        raise InputError("the body is empty: send the partnership graph (to remove it, use DELETE)")
    data = parse_rdf(body, media_type, base=graph_iri(settings, slug))
    result = publish_graph(
        _store(), settings, slug, data, publisher=publisher, source="api",
        if_match=request.headers.get("If-Match"), if_none_match=request.headers.get("If-None-Match"),
        content=body, media_type=media_type,
    )
    response = jsonify(result.as_json() | _links(slug))
    response.status_code = 201 if result.created else 200
    if result.etag:
        response.headers["ETag"] = result.etag
    if result.created:
        response.headers["Location"] = url_for("graphs.get_graph", slug=slug)
    return response


@bp.delete("/graphs/<slug>")
def remove_graph(slug: str) -> Response:
    """Remove graph/<slug>, recorded as a new version (a deletion); needs a token."""
    settings = _settings()
    check_slug(slug)
    publisher = _authorize(settings, slug)
    result = delete_graph(
        _store(), settings, slug, publisher=publisher, source="api", if_match=request.headers.get("If-Match")
    )
    return jsonify(result.as_json() | _links(slug))


@bp.get("/graphs/<slug>")
def get_graph(slug: str) -> Response:
    """The current graph/<slug> in the negotiated RDF syntax, with its ETag (304 for a matching If-None-Match)."""
    settings = _settings()
    check_slug(slug)
    graph, state = read_graph(_store(), settings, slug)
    if state.etag and state.etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = Response(status=304)
    else:
        bind_prefixes(graph)
        response = rdf_response(graph)
    if state.etag:
        response.headers["ETag"] = state.etag
    response.headers["Link"] = f'<{url_for("graphs.versions", slug=slug)}>; rel="version-history"'
    return response


@bp.get("/graphs/<slug>/versions")
def versions(slug: str) -> Response:
    """Every version of graph/<slug>: number, what happened, when, who, triple count (JSON or HTML)."""
    settings = _settings()
    check_slug(slug)
    records = history.list_versions(settings, slug)
    state = graph_state(_store(), settings, slug)
    if not records and not state.exists:
        raise NotFound(f"there is no graph/{slug} and it has no versions", slug=slug)
    rows = [
        {
            "number": r.number, "action": r.action, "time": r.time, "publisher": r.publisher, "source": r.source,
            "media_type": r.media_type, "sha256": r.sha256, "triples": r.triples,
            "iri": version_iri(settings, slug, r.number),
            "url": url_for("graphs.version", slug=slug, number=r.number, _external=False),
        }
        for r in reversed(records)
    ]
    media_type = choose(request, _LIST_TYPES, "application/json", aliases={})
    if media_type == "text/html":
        response = Response(render_template(
            "graphs/versions.html", slug=slug, graph=graph_iri(settings, slug), state=state, rows=rows,
        ), mimetype="text/html")
    else:
        response = jsonify({
            "slug": slug, "graph": graph_iri(settings, slug), "exists": state.exists,
            "current": state.version, "etag": state.etag, "versions": rows,
        })
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/graphs/<slug>/versions/<int:number>")
def version(slug: str, number: int) -> Response:
    """Version <number> of graph/<slug> as it was published (versions never change)."""
    settings = _settings()
    check_slug(slug)
    graph = history.read_version(settings, slug, number, graph_iri(settings, slug))
    bind_prefixes(graph)
    response = rdf_response(graph)
    response.headers["ETag"] = f'"v{number}"'
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def _int_arg(name: str) -> int:
    raw = request.args.get(name, "").strip()
    if not raw.isdigit():
        raise InputError(f"'{name}' must be a version number (0 is the empty graph before version 1)", parameter=name)
    return int(raw)


def _term_json(term: object) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    value: dict[str, str] = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype:
        value["datatype"] = str(term.datatype)
    return value


def _triples_json(graph: Graph) -> list[dict[str, object]]:
    ordered = sorted(graph, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))
    return [{"s": _term_json(s), "p": _term_json(p), "o": _term_json(o)} for s, p, o in ordered]


@bp.get("/graphs/<slug>/diff")
def diff(slug: str) -> Response:
    """Triples added and removed from version ``from`` to version ``to`` (JSON, or TriG / N-Quads with two graphs)."""
    settings = _settings()
    check_slug(slug)
    start, end = _int_arg("from"), _int_arg("to")
    media_type = choose(request, _DIFF_TYPES, "application/json", aliases={})
    result = history.diff_versions(settings, slug, start, end, graph_iri(settings, slug))
    if media_type == "application/json":
        response = jsonify({
            "slug": slug, "from": start, "to": end,
            "counts": {"added": len(result.added), "removed": len(result.removed)},
            "added": _triples_json(result.added), "removed": _triples_json(result.removed),
        })
    else:
        base = f"{graph_iri(settings, slug)}/diff/{start}-{end}"
        # N-Triples lines, in graph blocks for TriG: every literal exactly as stored (rdflib's TriG writer re-spells).
        parts = []
        for part, graph in (("added", result.added), ("removed", result.removed)):
            name = URIRef(f"{base}/{part}").n3()
            lines = sorted(line for line in graph.serialize(format="nt11").splitlines() if line.strip())
            if media_type == "application/trig":
                parts.append(f"{name} {{\n" + "".join(f"  {line}\n" for line in lines) + "}\n")
            else:
                parts.append("".join(f"{line[:-1].rstrip()} {name} .\n" for line in lines))
        response = Response("\n".join(parts) if media_type == "application/trig" else "".join(parts),
                            content_type=f"{media_type}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response
