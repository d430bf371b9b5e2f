"""Linked-data pages: dereferencing every IRI under the base, resource and partnership pages, /partnerships (issue 4)."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("browse", __name__)
