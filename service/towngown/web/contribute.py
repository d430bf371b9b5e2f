"""/contribute: the questionnaire as a web form (issue 5)."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("contribute", __name__)
