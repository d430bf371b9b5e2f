"""The Flask application: ``create_app(settings, store)``."""

from __future__ import annotations

import logging

from flask import Flask

from ..config import Settings
from .errors import register_error_handlers
from .browse import bp as browse_bp
from .caching import register_caching
from .compare import bp as compare_bp
from .contribute import bp as contribute_bp
from .docs import bp as docs_bp
from .editor import bp as editor_bp
from .graphs import bp as graphs_bp
from .home import bp as home_bp
from .limits import register_limits
from .queries import bp as queries_bp
from .render import register_template_helpers
from .sparql import bp as sparql_bp
from .validate import bp as validate_bp

__all__ = ["create_app"]

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, store: object | None = None) -> Flask:
    """Build the app over a store (opened from the settings when not given)."""
    settings = settings or Settings.from_env()
    if store is None:
        from ..store import open_store

        store = open_store(settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions["towngown.settings"] = settings
    app.extensions["towngown.store"] = store
    register_error_handlers(app)
    register_template_helpers(app)
    register_limits(app)  # issue 7: per-client limits
    app.register_blueprint(home_bp)
    app.register_blueprint(sparql_bp)
    app.register_blueprint(queries_bp)
    app.register_blueprint(browse_bp)
    app.register_blueprint(compare_bp)
    app.register_blueprint(docs_bp)
    app.register_blueprint(editor_bp)
    app.register_blueprint(validate_bp)
    app.register_blueprint(contribute_bp)
    app.register_blueprint(graphs_bp)
    register_caching(app)  # keep last: its before_request may answer from the cache (issue 6)
    return app
