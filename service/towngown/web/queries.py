"""/queries: the stored research queries as a documented API (HTML, JSON, CSV) and /openapi.json."""

from __future__ import annotations

import csv
import io
import json
import logging
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from ..catalog import MAX_PAGE_SIZE, Catalog, StoredQuery, load_catalog
from ..description import RESULT_MEDIA_TYPES
from ..errors import InputError, TowngownError
from .i18n import page_language, pick
from .negotiation import choose
from .openapi import openapi_document

__all__ = ["bp", "get_catalog", "resolve_enum", "PAGE_PARAMETERS"]

logger = logging.getLogger(__name__)

bp = Blueprint("queries", __name__)

_SUFFIXES = {"json": "application/sparql-results+json", "csv": "text/csv", "tsv": "text/tab-separated-values", "xml": "application/sparql-results+xml"}
_HTML = "text/html"
#: The reserved parameters of a paged stored query: the page size and where the page starts (a row offset, as
#: given in the ``next`` link of the previous page).
PAGE_PARAMETERS = ("_size", "_next")


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


def resolve_enum(sparql: str) -> list[str]:
    """Run a stored query's enum_query and return its first column (the allowed values of a parameter)."""
    values: list[str] = []
    for row in _store().select(sparql):
        if row:
            values.append(str(next(iter(row.values()))))
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
    reserved = ("format", "lang", "run", *(PAGE_PARAMETERS if query.paged else ()))
    values = {k: vs if len(vs) > 1 else vs[0] for k, vs in request.args.lists() if k not in reserved}
    size, offset = _page_choice(query)
    if media_type == _HTML:
        return _page(query, values, size, offset)
    if not query.ok:
        raise BrokenQuery(f"stored query {query.name!r} cannot run: {query.error}")
    if size is None:
        bound = query.bind(values, resolve_enum=resolve_enum)
        body, more = _store().query_raw(bound, media_type).body, False
    else:
        # one row more than the page tells whether there is a next page
        bound = query.bind(values, resolve_enum=resolve_enum, limit=size + 1, offset=offset)
        body, more = _trim(_store().query_raw(bound, media_type).body, media_type, size)
    next_url = _next_url(query.name, suffix, offset + size) if more and size is not None else None
    if next_url and media_type == "application/sparql-results+json":
        payload = json.loads(body)
        payload["next"] = next_url
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    response = Response(body, content_type=f"{media_type}; charset=utf-8")
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    response.headers["Vary"] = "Accept"
    if media_type in ("text/csv", "text/tab-separated-values"):
        response.headers["Content-Disposition"] = f'inline; filename="{query.name}.{suffix or "csv"}"'
    return response


def _page_choice(query: StoredQuery) -> tuple[int | None, int]:
    """The page size and offset asked for (``_size``, ``_next``) of a paged query; (None, 0) for the others."""
    if not query.paged:
        return None, 0
    numbers = {}
    for name, default in (("_size", query.pagination), ("_next", 0)):
        raw = request.args.get(name, "").strip()
        if not raw:
            numbers[name] = default
            continue
        if not raw.isdigit():
            raise InputError(f"{name}={raw!r} is not a whole number", parameter=name, query=query.name)
        numbers[name] = int(raw)
    if not 1 <= numbers["_size"] <= MAX_PAGE_SIZE:
        raise InputError(f"_size must be from 1 to {MAX_PAGE_SIZE}", parameter="_size", query=query.name)
    return numbers["_size"], numbers["_next"]


def _next_url(name: str, suffix: str | None, offset: int) -> str:
    """This request's URL with ``_next`` moved on to ``offset``."""
    pairs = [(k, v) for k, vs in request.args.lists() if k != "_next" for v in vs] + [("_next", str(offset))]
    path = url_for("queries.show", name=name, suffix=suffix, _external=True) if suffix else url_for(
        "queries.show", name=name, _external=True)
    return f"{path}?{urlencode(pairs)}"


def _trim(body: bytes, media_type: str, size: int) -> tuple[bytes, bool]:
    """The result body with at most ``size`` rows, and whether it had more."""
    if media_type == "application/sparql-results+json":
        payload = json.loads(body)
        rows = payload.get("results", {}).get("bindings", [])
        if len(rows) <= size:
            return body, False
        payload["results"]["bindings"] = rows[:size]
        return json.dumps(payload, ensure_ascii=False).encode("utf-8"), True
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
        if len(rows) <= size + 1:
            return body, False
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows[: size + 1])
        return out.getvalue().encode("utf-8"), True
    if media_type == "text/tab-separated-values":
        lines = body.decode("utf-8").splitlines(keepends=True)  # TSV escapes line breaks inside values
        lines = [line for line in lines if line.strip("\r\n")]
        if len(lines) <= size + 1:
            return body, False
        return "".join(lines[: size + 1]).encode("utf-8"), True
    text = body.decode("utf-8")  # SPARQL XML: markup in values is escaped, so "<result>" opens a result
    if text.count("<result>") <= size:
        return body, False
    last = text.rfind("<result>")
    end = text.find("</result>", last) + len("</result>")
    return (text[:last] + text[end:]).encode("utf-8"), True


def _page(query: StoredQuery, values: dict[str, str], size: int | None = None, offset: int = 0) -> tuple[str, int]:
    language = page_language()
    table = None
    error = None
    choices: dict[str, list[str]] = {}
    if query.ok:
        for parameter in query.parameters:
            try:
                allowed = parameter.allowed_values(resolve_enum)
            except TowngownError:
                allowed = None
            if allowed is not None:
                choices[parameter.name] = list(allowed)
        try:
            bound = query.bind(values, resolve_enum=resolve_enum, limit=size, offset=offset or None) if size \
                else query.bind(values, resolve_enum=resolve_enum)
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
