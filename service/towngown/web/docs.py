"""/ontology and /shapes: bilingual documentation of the model and the publishing guide (issue 4)."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("docs", __name__)
