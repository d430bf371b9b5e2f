"""The SPARQL editor for browsers at /sparql: YASGUI from its npm package, with every stored query as a tab.

YASGUI is installed by the project's build (``package.json``, ``npm ci`` in ``make setup``) into ``node_modules``
and served from this app at ``/assets/yasgui/`` so that the page works without internet access. When the build
has not run, the app still starts and the page says how to build the editor.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, send_from_directory

from .i18n import page_language, pick
from .queries import get_catalog
from .sparql import site_url

__all__ = ["bp", "editor_page", "yasgui_dir", "YASGUI_FILES"]

logger = logging.getLogger(__name__)

bp = Blueprint("editor", __name__)

#: The files of YASGUI's build that the page loads (and the source maps a browser may ask for).
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map")
_PACKAGE_BUILD = Path("node_modules") / "@zazuko" / "yasgui" / "build"
# service/towngown/web/editor.py -> the checkout's top level, where package.json and node_modules live
_CHECKOUT = Path(__file__).resolve().parents[3]


def yasgui_dir() -> Path | None:
    """The folder holding YASGUI's build (the setting, else node_modules from ``npm ci``), or None if not built."""
    configured = current_app.extensions["towngown.settings"].yasgui_dir
    candidates = [Path(configured)] if configured else [root / _PACKAGE_BUILD for root in (_CHECKOUT, Path.cwd())]
    for candidate in candidates:
        if all((candidate / name).is_file() for name in YASGUI_FILES[:2]):
            return candidate
    return None


@bp.get("/assets/yasgui/<name>")
def yasgui_asset(name: str) -> Response:
    """A file of YASGUI's build, served from node_modules (404 when not built)."""
    folder = yasgui_dir()
    if folder is None or name not in YASGUI_FILES:
        abort(404)
    return send_from_directory(folder, name, max_age=86400)


def editor_page() -> Response:
    """The editor page: YASGUI pointed at this server's /sparql, a tab per stored query."""
    language = page_language()
    built = yasgui_dir() is not None
    if not built:
        logger.warning("YASGUI is not built (run `make setup` or `npm ci`); /sparql shows build instructions")
    queries = [
        {"name": q.name, "title": pick(q.title, language), "sparql": q.sparql}
        for q in get_catalog()
        if q.ok
    ]
    page = render_template("editor/editor.html", built=built, queries=queries, endpoint=site_url() + "sparql")
    response = Response(page, mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response
