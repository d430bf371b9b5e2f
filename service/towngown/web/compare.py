"""/compare: partnerships side by side, computed indicators, inline SVG charts (issue 4)."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("compare", __name__)
