"""/queries: the stored research queries as a documented API (HTML, JSON, CSV) and /openapi.json."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from ..catalog import Catalog, StoredQuery, load_catalog
from ..description import RESULT_MEDIA_TYPES
from ..errors import InputError, TowngownError
from .i18n import page_language, pick
from .negotiation import choose
from .openapi import openapi_document

__all__ = ["bp", "get_catalog"]

logger = logging.getLogger(__name__)

bp = Blueprint("queries", __name__)

_SUFFIXES = {"json": "application/sparql-results+json", "csv": "text/csv", "tsv": "text/tab-separated-values", "xml": "application/sparql-results+xml"}
_HTML = "text/html"


class BrokenQuery(TowngownError):
    status = 503
    title = "Stored query unavailable"


def get_catalog() -> Catalog:
    """The catalog, read once per app."""
    catalog = current_app.extensions.get("towngown.catalog")
    if catalog is None:
        catalog = load_catalog()
        current_app.extensions["towngown.catalog"] = catalog
        for broken in catalog.broken:
            logger.error("stored query %s is broken: %s", broken.name, broken.error)
    return catalog


def _store():  # noqa: ANN202
    return current_app.extensions["towngown.store"]


def _resolve_enum(sparql: str) -> list[str]:
    rows = _store().select(sparql)
    values: list[str] = []
    for row in rows:
        if row:
            first = next(iter(row.values()))
            values.append(str(first))
    return values


def _summary(query: StoredQuery) -> dict:
    entry = {
        "name": query.name,
        "title": dict(query.title),
        "description": dict(query.description),
        "url": url_for("queries.show", name=query.name, _external=True),
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "description": dict(p.description),
                "default": p.default,
                "enum": list(p.enum) if p.enum is not None else None,
                "required": p.required,
            }
            for p in query.parameters
        ],
    }
    if query.error:
        entry["error"] = query.error
    return entry


@bp.get("/queries")
@bp.get("/queries.json")
def index() -> Response | str:
    """Every stored query with its documentation (broken files listed with their error)."""
    catalog = get_catalog()
    wants_json = request.path.endswith(".json") or choose(request, {"html": _HTML, "json": "application/json"}, _HTML) != _HTML
    if wants_json:
        return jsonify({"queries": [_summary(q) for q in catalog]})
    return render_template("queries/index.html", queries=list(catalog))


@bp.get("/queries/<name>")
@bp.get("/queries/<name>.<suffix>")
def show(name: str, suffix: str | None = None) -> Response | str:
    """A stored query: its documentation and form (HTML), or its results (JSON, CSV, TSV, XML) with parameters."""
    catalog = get_catalog()
    if suffix is not None and suffix not in _SUFFIXES:
        if f"{name}.{suffix}" in catalog:
            name, suffix = f"{name}.{suffix}", None
        else:
            raise InputError(f"unknown format .{suffix}; use .json, .csv, .tsv or .xml", parameter="format")
    query = catalog.get(name)
    offered = {"html": _HTML, **RESULT_MEDIA_TYPES}
    media_type = _SUFFIXES[suffix] if suffix else choose(request, offered, _HTML)
    values = {k: vs if len(vs) > 1 else vs[0] for k, vs in request.args.lists() if k not in ("format", "lang", "run")}
    if media_type == _HTML:
        return _page(query, values)
    if not query.ok:
        raise BrokenQuery(f"stored query {query.name!r} cannot run: {query.error}")
    bound = query.bind(values, resolve_enum=_resolve_enum)
    answer = _store().query_raw(bound, media_type)
    response = Response(answer.body, content_type=f"{media_type}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    if media_type in ("text/csv", "text/tab-separated-values"):
        response.headers["Content-Disposition"] = f'inline; filename="{query.name}.{suffix or "csv"}"'
    return response


def _page(query: StoredQuery, values: dict[str, str]) -> tuple[str, int]:
    language = page_language()
    table = None
    error = None
    choices: dict[str, list[str]] = {}
    if query.ok:
        for parameter in query.parameters:
            try:
                allowed = parameter.allowed_values(_resolve_enum)
            except TowngownError:
                allowed = None
            if allowed is not None:
                choices[parameter.name] = list(allowed)
        try:
            bound = query.bind(values, resolve_enum=_resolve_enum)
            table = _store().table(bound)
        except InputError as exc:
            error = exc.message
    page = render_template(
        "queries/show.html",
        query=query,
        values=values,
        choices=choices,
        table=table,
        error=error,
        title=pick(query.title, language),
        description=pick(query.description, language),
    )
    return page, (400 if error else 503 if not query.ok else 200)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of the API, generated from the stored query files."""
    return jsonify(openapi_document(get_catalog(), request.host_url.rstrip("/")))
