"""/graphs/<slug>: token-scoped publishing with versions (issue 5)."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("graphs", __name__)
