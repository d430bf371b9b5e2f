"""The page language (bokmål by default, English) and the words of the user interface in both."""

from __future__ import annotations

from collections.abc import Mapping

from flask import request

__all__ = ["LANGUAGES", "page_language", "pick", "UI"]

#: Languages of the user interface, in fallback order: a text missing in the chosen language falls back to the next.
LANGUAGES = ("nb", "en")


def page_language() -> str:
    """``?lang=nb|en`` wins, then the best of Accept-Language, then bokmål."""
    asked = request.args.get("lang", "").lower()
    if asked in LANGUAGES:
        return asked
    best = request.accept_languages.best_match(["nb", "no", "nn", "en"], default=None)
    if best in ("nb", "no", "nn"):
        return "nb"
    return best or "nb"


def pick(texts: Mapping[str, str] | None, language: str) -> str:
    """The text in ``language``, else in the other UI language, else any."""
    if not texts:
        return ""
    for candidate in (language, *LANGUAGES):
        if texts.get(candidate):
            return texts[candidate]
    return next(iter(texts.values()), "")


UI: dict[str, dict[str, str]] = {
    "site_tagline": {"nb": "Åpen kunnskapsgraf over universitetskommuner", "en": "The open knowledge graph of university municipalities"},
    "home": {"nb": "Forside", "en": "Home"},
    "queries": {"nb": "Lagrede spørringer", "en": "Stored queries"},
    "sparql": {"nb": "SPARQL", "en": "SPARQL"},
    "parameters": {"nb": "Parametere", "en": "Parameters"},
    "run": {"nb": "Kjør", "en": "Run"},
    "results": {"nb": "Resultat", "en": "Results"},
    "rows": {"nb": "rader", "en": "rows"},
    "no_rows": {"nb": "Ingen rader.", "en": "No rows."},
    "the_query": {"nb": "Spørringen", "en": "The query"},
    "download": {"nb": "Last ned", "en": "Download"},
    "broken": {"nb": "Feil i spørringsfilen", "en": "Error in the query file"},
    "required": {"nb": "påkrevd", "en": "required"},
    "optional": {"nb": "valgfri", "en": "optional"},
    "any": {"nb": "(alle)", "en": "(any)"},
    "language": {"nb": "English", "en": "Norsk"},
    "error": {"nb": "Feil", "en": "Error"},
    "api": {"nb": "API (OpenAPI)", "en": "API (OpenAPI)"},
    "dataset": {"nb": "Datasett (VoID)", "en": "Dataset (VoID)"},
}
