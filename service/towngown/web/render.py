"""Template helpers: the page language, the UI words, and RDF terms as safe HTML."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, current_app, request
from markupsafe import Markup, escape
from rdflib import BNode, Literal, URIRef

from .i18n import UI, page_language

__all__ = ["register_template_helpers", "local_href", "term_html"]


def local_href(iri: str) -> str:
    """Where an IRI is browsed: IRIs under the base IRI are served at the same path on this server."""
    base = current_app.extensions["towngown.settings"].base_iri
    if iri.startswith(base):
        return "/" + iri[len(base):]
    return iri


def term_html(term: object) -> Markup:
    """An RDF term as escaped HTML: IRIs as links (local ones to this server), literals with their language."""
    if isinstance(term, URIRef):
        href = local_href(str(term))
        scheme = href.split(":", 1)[0].lower() if ":" in href.split("/", 1)[0] else ""
        if scheme and scheme not in ("http", "https", "mailto"):
            return Markup("<code>{}</code>").format(str(term))
        external = Markup(' rel="nofollow noopener"') if href == str(term) else Markup("")
        return Markup('<a href="{}"{}>{}</a>').format(href, external, str(term))
    if isinstance(term, Literal):
        if term.language:
            return Markup('<span lang="{}">{}</span> <small class="muted">@{}</small>').format(term.language, str(term), term.language)
        return escape(str(term))
    if isinstance(term, BNode):
        return Markup("<code>_:{}</code>").format(str(term))
    return escape("" if term is None else str(term))


def register_template_helpers(app: Flask) -> None:
    """Make lang, ui(), the language switch and term_html available to every template."""

    @app.context_processor
    def _helpers() -> dict:
        language = page_language()
        other = "en" if language == "nb" else "nb"
        # a list, not a dict: repeated parameters (/compare?p=a&p=b) must survive the language switch
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] if request else []
        query = urlencode([*args, ("lang", other)])
        return {
            "lang": language,
            "other_lang": other,
            "other_lang_query": query,
            "ui": lambda key: UI.get(key, {}).get(language, key),
            "term_html": term_html,
        }
