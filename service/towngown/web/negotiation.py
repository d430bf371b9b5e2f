"""Content negotiation: Accept with q-values, or a `format` parameter that overrides it."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Request
from werkzeug.exceptions import NotAcceptable

__all__ = ["choose", "ALIASES"]

#: Extra names for media types, accepted in Accept and in `format`.
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/json+ld": "application/ld+json",
}


def choose(request: Request, offered: Mapping[str, str], default: str, *, aliases: Mapping[str, str] | None = None) -> str:
    """The media type to answer with: ``format`` (a short name or media type) wins, else the best Accept match
    among ``offered`` (short name -> media type), else 406 naming what is offered."""
    aliases = ALIASES if aliases is None else aliases
    media_types = list(dict.fromkeys(offered.values()))
    formats = request.args.getlist("format") or (request.form.getlist("format") if request.method == "POST" else [])
    # Some clients (SPARQLWrapper) send several spellings of one format: the first one we know wins.
    for fmt in (f.strip().lower() for f in formats):
        if fmt in offered:
            return offered[fmt]
        if fmt in media_types:
            return fmt
        if aliases.get(fmt) in media_types:
            return aliases[fmt]
    if formats:
        raise NotAcceptable(f"format={formats[0]!r} is not offered here; choose one of {', '.join(offered)}")
    accept = request.accept_mimetypes
    if not accept or not request.headers.get("Accept"):
        return default
    # Ties go to the earlier candidate: the default first, so "*/*" gets the default.
    ordered = [default, *[m for m in media_types if m != default]]
    candidates = ordered + [a for a, target in aliases.items() if target in media_types]
    best = accept.best_match(candidates, default=None)
    if best is None:
        raise NotAcceptable(f"none of the types in Accept can be produced; offered: {', '.join(media_types)}")
    return aliases.get(best, best)
