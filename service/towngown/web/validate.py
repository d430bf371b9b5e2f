"""/validate: the validation service (issue 5)."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("validate", __name__)
