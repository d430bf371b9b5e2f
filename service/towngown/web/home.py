"""The home page and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template_string

from .. import __version__

__all__ = ["bp"]

bp = Blueprint("home", __name__)

_HOME = """<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>towngown – universitetskommuner / university municipalities</title></head>
<body><main>
<h1>towngown</h1>
<p lang="nb">Åpen kunnskapsgraf over partnerskap mellom kommuner og universiteter.</p>
<p lang="en">The open knowledge graph of university-municipality partnerships.</p>
<h2><span lang="nb">Grafer</span> / <span lang="en">Graphs</span> ({{ graphs|length }})</h2>
<ul>{% for g in graphs %}<li>{{ g }}</li>{% endfor %}</ul>
</main></body></html>"""


def _store():  # noqa: ANN202
    return current_app.extensions["towngown.store"]


@bp.get("/")
def index() -> str:
    """The dataset at a glance."""
    return render_template_string(_HOME, graphs=_store().graph_names())


@bp.get("/healthz")
def healthz():  # noqa: ANN201
    """Whether the store answers."""
    ok = _store().ping()
    return jsonify({"status": "ok" if ok else "store unavailable", "version": __version__}), (200 if ok else 503)
