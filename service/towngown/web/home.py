"""The home page (what the dataset is, its size, every partnership at a glance, where to go next) and the health check."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template

from .. import __version__
from ..browse import Names, dataset_counts, partnership_listing
from .browse import list_index, page_helpers, secure_html
from .queries import get_catalog, resolve_enum

__all__ = ["bp"]

bp = Blueprint("home", __name__)
bp.after_request(secure_html)


def _store():  # noqa: ANN202
    return current_app.extensions["towngown.store"]


@bp.get("/")
def index() -> Response:
    """The dataset at a glance: what it is (nb/en), counts, an overview of all partnerships, links onwards."""
    names = Names(current_app.extensions["towngown.settings"].base_iri)
    counts = dataset_counts(_store(), names)
    listing = partnership_listing(_store(), get_catalog(), names, {}, resolve_enum, with_facets=False,
                                  index=list_index())
    body = render_template("home/index.html", counts=counts, listing=listing, **page_helpers())
    response = Response(body, mimetype="text/html")
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/healthz")
def healthz():  # noqa: ANN201
    """Whether the store answers."""
    ok = _store().ping()
    return jsonify({"status": "ok" if ok else "store unavailable", "version": __version__}), (200 if ok else 503)
