"""Errors rendered once: application/problem+json for the API, a page for browsers."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..errors import StorageUnavailable, TowngownError

__all__ = ["register_error_handlers", "problem"]

logger = logging.getLogger(__name__)


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/problem+json", "application/json", "text/html"])
    return best == "text/html"


def problem(status: int, title: str, detail: str, **extra: object) -> Response:
    """An RFC 9457 problem document, or the same as a page for a browser."""
    if _wants_html():
        try:
            page = render_template("error.html", status=status, title=title, detail=detail)
            return Response(page, status=status, mimetype="text/html")
        except Exception:  # noqa: BLE001 - an error page must never fail; fall back to JSON
            logger.exception("rendering the error page failed")
    response = jsonify({"type": "about:blank", "title": title, "status": status, "detail": detail, **extra})
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def register_error_handlers(app: Flask) -> None:
    """Every error leaves as a problem document with the right status; nothing leaves as a bare 500."""

    @app.errorhandler(TowngownError)
    def _towngown(exc: TowngownError) -> Response:
        extra = {k: v for k, v in exc.detail.items() if v is not None and isinstance(v, (str, int, float))}
        response = problem(exc.status, exc.title, exc.message, **extra)
        if isinstance(exc.detail.get("retry_after"), int):
            response.headers["Retry-After"] = str(exc.detail["retry_after"])
        return response

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        return problem(exc.code or 500, exc.name, exc.description or exc.name)

    @app.errorhandler(OSError)
    def _storage(exc: OSError) -> Response:
        # The data directory is full, read-only or gone: a clear 507 (writes) / 503 (reads), never a 500.
        logger.exception("data directory error on %s %s", request.method, request.path)
        writing = request.method in ("PUT", "POST", "DELETE", "PATCH")
        error = StorageUnavailable(
            f"the server cannot {'write' if writing else 'read'} its data directory ({exc.strerror or exc.__class__.__name__}); "
            "nothing was changed" + ("; reading still works" if writing else "")
        )
        return problem(507 if writing else 503, error.title if writing else "Service unavailable", error.message)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, "Internal error", "an unexpected error occurred; it has been logged")
