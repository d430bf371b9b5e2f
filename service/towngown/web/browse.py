"""Linked-data pages: dereferencing every IRI under the base, resource and partnership pages, /partnerships (issue 4).

Every IRI under the base IRI is served at the same path here: ``/id/<kind>/<slug>``, ``/id/concept/<scheme>[/<name>]``
and ``/graph/<slug>`` (the named graph's self-description; its RDF is the whole graph). Content negotiation:
HTML (the default, also for ``*/*``), Turtle, N-Triples, RDF/XML and JSON-LD, by ``Accept`` with q-values or by
``format=html|turtle|nt|rdfxml|jsonld``; every answer says ``Vary: Accept, Accept-Language`` and lists the other
formats in ``Link: <...>; rel="alternate"; type="..."`` headers. An unknown IRI is 404 (a page for browsers, a
problem document for RDF clients).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from ..browse import (
    FILTERS,
    Listing,
    Evidence,
    Names,
    TermCache,
    Value,
    browse_page,
    concept_partnerships,
    describe,
    graph_rdf,
    graph_size,
    organisation_partnerships,
    partnership_listing,
    resource_page,
)
from ..browse.listindex import ListIndexCache
from ..browse.listing import PAGE_SIZE as LIST_PAGE_SIZE
from ..catalog import MAX_PAGE_SIZE
from ..errors import InputError, NotFound
from ..publish import dataset_version
from .i18n import LANGUAGES, UI, page_language
from .negotiation import ALIASES, choose
from .queries import get_catalog, resolve_enum
from .render import PageHTML, evidence_runs
from .sparql import rdf_response

__all__ = ["bp", "CSP", "secure_html", "page_helpers", "list_index"]

logger = logging.getLogger(__name__)

bp = Blueprint("browse", __name__)

#: The Content-Security-Policy of every HTML page here: nothing but this site; no inline scripts or styles
#: (a JSON-LD block is data, not script, and runs under this policy).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_HTML = "text/html"
#: Formats of a resource, in the order ties are broken (the RDF ones in the order of the SPARQL endpoint).
_FORMATS = {"html": _HTML, "turtle": "text/turtle", "nt": "application/n-triples", "rdfxml": "application/rdf+xml",
            "jsonld": "application/ld+json"}
_FORMAT_NAMES = {**_FORMATS, "ttl": "text/turtle", "n3": "text/turtle", "ntriples": "application/n-triples",
                 "xml": "application/rdf+xml", "rdf": "application/rdf+xml", "rdf+xml": "application/rdf+xml",
                 "json": "application/ld+json", "json-ld": "application/ld+json"}
_ALIASES = {**ALIASES, "application/xhtml+xml": _HTML}
_ORGANISATION_TYPES = {
    "http://www.w3.org/ns/org#Organization", "http://www.w3.org/ns/org#OrganizationalUnit",
    "http://data.europa.eu/m8g/PublicOrganisation", "http://xmlns.com/foaf/0.1/Group",
}
_CONCEPT_TYPES = {"http://www.w3.org/2004/02/skos/core#Concept", "http://www.w3.org/2004/02/skos/core#ConceptScheme"}


def _settings():  # noqa: ANN202
    return current_app.extensions["towngown.settings"]


def _store():  # noqa: ANN202
    return current_app.extensions["towngown.store"]


def _names() -> Names:
    return Names(_settings().base_iri)


def _term_cache() -> TermCache:
    return current_app.extensions["towngown.term_cache"]


@bp.record_once
def _install_term_cache(state) -> None:  # noqa: ANN001 - a BlueprintSetupState
    state.app.extensions.setdefault("towngown.term_cache", TermCache())
    state.app.extensions.setdefault("towngown.list_index", ListIndexCache())


def _page_options() -> dict:
    """The term cache and the dataset version reader of a page's queries. The reader gives the version as the
    HTTP cache last read it when that is on, else reads it (one cheap query that runs beside the page's others,
    in another thread: it takes what it needs from the app now)."""
    clock = current_app.extensions.get("towngown.version_clock")
    store, base = _store(), _settings().base_iri
    version = clock.current if clock is not None else (lambda: dataset_version(store, base))
    return {"term_cache": _term_cache(), "version": version}


def list_index():  # noqa: ANN201 - a ListIndex
    """The partnership list's index of the current dataset version (built once per worker and version)."""
    return current_app.extensions["towngown.list_index"].get(_store(), _page_options()["version"]())


# -- helpers for the templates ------------------------------------------------------------------------------


def _explicit_language() -> str | None:
    asked = request.args.get("lang", "").lower()
    return asked if asked in LANGUAGES else None


def page_href(path: str, **params: object) -> str:
    """A link to a page here, carrying ``lang`` when the reader chose one with ?lang= (so the choice sticks)."""
    pairs = [(k, v) for k, v in params.items() if v not in (None, "")]
    explicit = _explicit_language()
    if explicit and "lang" not in params:
        pairs.append(("lang", explicit))
    if not pairs:
        return path
    path, hash_, fragment = path.partition("#")
    return path + ("&" if "?" in path else "?") + urlencode(pairs, doseq=True) + hash_ + fragment


def value_href(value: Value) -> str | None:
    """Where a shown value links to: its page here (local IRIs), the IRI itself (http/https), or nowhere."""
    if value.href is None:
        return None
    return page_href(value.href) if value.local else value.href


def evidence_spans(numbers: tuple[int, ...]) -> list[tuple[int, int]]:
    """Source numbers as runs: (1, 2, 3, 7) -> [(1, 3), (7, 7)], so that many sources stay short."""
    return evidence_runs(numbers)


def page_helpers(evidences: Iterable[Evidence] = ()) -> dict:
    """Functions the browse and home templates use; ``ld`` writes a page's values, properties and source markers
    (with ``evidences``, the page's numbered sources)."""
    names = _names()
    language = page_language()
    evs = {e.number: e for e in evidences}
    ld = PageHTML(language, value_href, evs, lambda key: UI.get(key, {}).get(language, key))
    return {"href": page_href, "value_href": value_href, "spans": evidence_spans, "pick_lang": _pick,
            "names_path": lambda iri: names.path(iri) or iri, "evs": evs, "ld": ld}


def _pick(texts: dict, language: str) -> object:
    for candidate in (language, *LANGUAGES):
        if texts.get(candidate):
            return texts[candidate]
    return next((v for v in texts.values() if v), "")


def secure_html(response: Response) -> Response:
    """Headers of HTML pages: the Content-Security-Policy, no MIME sniffing, no referrer to other sites, and the
    page language."""
    if response.mimetype == _HTML:
        response.headers["Content-Language"] = page_language()
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response


# Every HTML page of the app gets these headers, not only this blueprint's.
bp.after_app_request(secure_html)


# -- dereferencing ----------------------------------------------------------------------------------------


def _negotiate() -> str:
    return choose(request, _FORMAT_NAMES, _HTML, aliases=_ALIASES)


def _alternates(response: Response, path: str) -> Response:
    site = request.host_url.rstrip("/")
    links = [f'<{site}{path}?format={name}>; rel="alternate"; type="{media}"' for name, media in _FORMATS.items()]
    response.headers["Link"] = ", ".join(links)
    response.headers["Vary"] = "Accept, Accept-Language"
    if response.mimetype != _HTML and _settings().cors:
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _incoming_choice() -> tuple[str | None, int]:
    prop = request.args.get("in") or None
    raw = request.args.get("page", "1")
    try:
        page = int(raw)
    except ValueError:
        raise InputError(f"page={raw!r} is not a page number", parameter="page") from None
    if prop is None and page != 1:
        raise InputError("page needs 'in', the property whose incoming links to page through", parameter="page")
    return prop, page


@bp.get("/id/<path:rest>")
def resource(rest: str) -> Response:
    """A resource under ``id/``: its page (HTML) or its description (RDF), negotiated."""
    return _dereference(_settings().base_iri + "id/" + rest, "/id/" + rest)


def _dereference(iri: str, path: str) -> Response:
    names = _names()
    media_type = _negotiate()
    if media_type != _HTML:
        return _alternates(rdf_response(describe(_store(), names, iri), default=media_type), path)
    language = page_language()
    prop, number = _incoming_choice()
    store = _store()
    extra: dict = {}
    # one call for every resource: whether it is a partnership shows in its description (no query of its own)
    page, answers = browse_page(store, names, iri, language, incoming_property=prop, incoming_page=number,
                                **_page_options())
    if answers is not None:
        extra["answers"] = answers
        template = "browse/partnership.html"
    else:
        template = "browse/resource.html"
        if page.type_iris & _ORGANISATION_TYPES:
            extra["involvements"], extra["involvements_more"] = organisation_partnerships(store, get_catalog(), iri)
        if page.type_iris & _CONCEPT_TYPES:
            used, extra["used_in_more"] = concept_partnerships(store, names, iri)
            extra["used_in"] = [page.presenter.value(p) for p in used]
    helpers = page_helpers(page.evidences)
    body = render_template(template, page=page, path=path, formats=_FORMATS, **extra, **helpers)
    return _alternates(Response(body, mimetype=_HTML), path)


@bp.get("/graph/<path:slug>")
def graph(slug: str) -> Response:
    """A named graph: its self-description as a page (HTML), or every triple of the graph (RDF), negotiated."""
    names = _names()
    iri = f"{names.base}graph/{slug}"
    path = f"/graph/{slug}"
    media_type = _negotiate()
    store = _store()
    if media_type != _HTML:
        return _alternates(rdf_response(graph_rdf(store, iri), default=media_type), path)
    size = graph_size(store, iri) if names.path(iri) else 0
    if not size:
        raise NotFound(f"there is no graph <{iri}>", iri=iri)
    prop, number = _incoming_choice()
    try:
        page = resource_page(store, names, iri, page_language(), incoming_property=prop, incoming_page=number,
                             **_page_options())
    except NotFound:
        page = None  # a graph that does not describe itself (the ontology graph): its size and downloads only
    helpers = page_helpers(page.evidences if page else ())
    body = render_template("browse/graph.html", page=page, iri=iri, size=size, path=path, formats=_FORMATS, **helpers)
    return _alternates(Response(body, mimetype=_HTML), path)


# -- /partnerships ------------------------------------------------------------------------------------------

_LIST_FORMATS = {"html": _HTML, "json": "application/json", "csv": "text/csv"}
_CSV_COLUMNS = ("partnership", "slug", "label_nb", "label_en", "memberCount", "members_nb", "members_en", "startsOn",
                "endsOn", "terms", "areas_nb", "areas_en", "actionPlanStatus_nb", "actionPlanStatus_en", "graph")


@bp.get("/partnerships")
@bp.get("/partnerships.<suffix>")
def partnerships(suffix: str | None = None) -> Response:
    """Every partnership, filtered by facets (area, institution, orgtype, actionplan, year, q): a page with the
    facets and their counts, or the same list as JSON or CSV."""
    if suffix is not None and suffix not in ("json", "csv"):
        raise NotFound(f"/partnerships.{suffix} does not exist; use .json or .csv")
    media_type = _LIST_FORMATS[suffix] if suffix else choose(request, _LIST_FORMATS, _HTML, aliases={})
    filters = {k: v for k, v in request.args.items() if k not in ("lang", "format", "_size", "_next")}
    size, offset = _list_page()
    store = _store()
    listing = partnership_listing(store, get_catalog(), _names(), filters, resolve_enum, index=list_index(), size=size,
                                  offset=offset)
    path = f"/partnerships.{suffix}" if suffix else "/partnerships"
    next_url = (page_href(path, **listing.filters, _size=_size_param(size), _next=listing.next_offset)
                if listing.next_offset is not None else None)
    previous_url = (page_href(path, **listing.filters, _size=_size_param(size), _next=listing.previous_offset or None)
                    if listing.previous_offset is not None else None)
    if media_type == "application/json":
        response = jsonify(_listing_json(listing, next_url and request.host_url.rstrip("/") + next_url))
    elif media_type == "text/csv":
        response = Response(_listing_csv(listing), mimetype="text/csv")
        response.headers["Content-Disposition"] = 'inline; filename="partnerships.csv"'
    else:
        body = render_template("browse/partnerships.html", listing=listing, filter_names=FILTERS,
                               json_url=page_href("/partnerships.json", **listing.filters, lang=None),
                               csv_url=page_href("/partnerships.csv", **listing.filters, lang=None),
                               next_url=next_url, previous_url=previous_url, **page_helpers())
        response = Response(body, mimetype=_HTML)
    if next_url:
        response.headers["Link"] = f'<{request.host_url.rstrip("/")}{next_url}>; rel="next"'
    response.headers["Vary"] = "Accept, Accept-Language"
    if _settings().cors and media_type != _HTML:
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _size_param(size: int) -> int | None:
    return size if size != LIST_PAGE_SIZE else None


def _list_page() -> tuple[int, int]:
    """The page size and offset of /partnerships asked for with ``_size`` and ``_next``."""
    numbers = {}
    for name, default in (("_size", LIST_PAGE_SIZE), ("_next", 0)):
        raw = request.args.get(name, "").strip()
        if raw and not raw.isdigit():
            raise InputError(f"{name}={raw!r} is not a whole number", parameter=name)
        numbers[name] = int(raw) if raw else default
    if not 1 <= numbers["_size"] <= MAX_PAGE_SIZE:
        raise InputError(f"_size must be from 1 to {MAX_PAGE_SIZE}", parameter="_size")
    return numbers["_size"], numbers["_next"]


def _listing_json(listing: Listing, next_url: str | None = None) -> dict:
    return {
        "filters": dict(listing.filters),
        "count": listing.total,
        "offset": listing.offset,
        "size": listing.size,
        "next": next_url,
        "partnerships": [
            {
                "partnership": p.iri,
                "slug": p.slug,
                "page": p.path,
                "label": dict(p.label),
                "memberCount": p.member_count,
                "members": {k: list(v) for k, v in p.members.items()},
                "startsOn": p.starts_on or None,
                "endsOn": p.ends_on or None,
                "terms": list(p.terms),
                "areas": {k: list(v) for k, v in p.areas.items()},
                "actionPlanStatus": {k: list(v) for k, v in p.action_plans.items()},
                "graph": p.graph or None,
            }
            for p in listing.partnerships
        ],
        "facets": {
            name: [{"value": v.iri, "key": v.key, "label": dict(v.label), "count": v.count, "selected": v.selected}
                   for v in values]
            for name, values in listing.facets.items()
        },
    }


def _listing_csv(listing: Listing) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_CSV_COLUMNS)
    for p in listing.partnerships:
        writer.writerow([
            p.iri, p.slug, p.label.get("nb", ""), p.label.get("en", ""), p.member_count,
            "; ".join(p.members.get("nb", ())), "; ".join(p.members.get("en", ())), p.starts_on, p.ends_on,
            "; ".join(p.terms), "; ".join(p.areas.get("nb", ())), "; ".join(p.areas.get("en", ())),
            "; ".join(p.action_plans.get("nb", ())), "; ".join(p.action_plans.get("en", ())), p.graph,
        ])
    return out.getvalue()
