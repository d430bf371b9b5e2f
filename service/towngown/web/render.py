"""Template helpers: the page language, the UI words, and RDF terms as safe HTML."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from urllib.parse import urlencode

from flask import Flask, current_app, request
from markupsafe import Markup, escape
from rdflib import BNode, Literal, URIRef

from .i18n import UI, page_language

__all__ = ["register_template_helpers", "local_href", "term_html", "PageHTML"]


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


class PageHTML:
    """Shown values, properties and source markers of a linked-data page as escaped HTML: the markup the
    ``browse/_macros.html`` macros of the same names write, in Python, because a page holds hundreds of them
    and a Jinja macro call costs far more than this. ``href`` gives a value's link (or None), ``evidences`` the
    page's sources by number, ``ui`` the UI words in the page language ``lang``."""

    def __init__(self, lang: str, href: Callable[[object], str | None], evidences: Mapping[int, object],
                 ui: Callable[[str], str]) -> None:
        self.lang = lang
        self.href = href
        self.evidences = evidences
        self.ui = ui
        self._titles: dict[int, str] = {}

    def _lang_attr(self, lang: str) -> str:
        return f' lang="{escape(lang)}"' if lang and lang != self.lang else ""

    def value(self, v) -> Markup:  # noqa: ANN001 - a browse Value
        """One value: a link (or a span) for an IRI, a span for a literal, a list of properties for a blank node."""
        if v.kind == "iri":
            h = self.href(v)
            if h:
                rel = "" if v.local else ' rel="nofollow noopener"'
                return Markup(f'<a href="{escape(h)}" title="{escape(v.title)}"{self._lang_attr(v.lang)}{rel}>{escape(v.text)}</a>')
            return Markup(f'<span title="{escape(v.title)}">{escape(v.text)}</span>')
        if v.kind == "literal":
            title = f' title="{escape(v.title)}"' if v.title else ""
            return Markup(f'<span class="literal"{self._lang_attr(v.lang)}{title}>{escape(v.text)}</span>')
        rows = "".join(f"<dt>{self.prop(r.property)}</dt><dd>{self.values(r.values)}</dd>" for r in v.rows)
        return Markup(f'<dl class="blank">{rows}</dl>{self.markers(v.evidence)}')

    def values(self, vs) -> Markup:  # noqa: ANN001 - a sequence of browse Values
        """Several values: a list when one of them is a long text, else separated by commas."""
        if len(vs) > 1 and any(x.kind == "literal" and len(x.text) > 60 for x in vs):
            return Markup('<ul class="values">' + "".join(f"<li>{self.value(x)}</li>" for x in vs) + "</ul>")
        parts = []
        for i, x in enumerate(vs):
            parts.append(str(self.value(x)))
            if i < len(vs) - 1:
                parts.append(" " if x.kind == "blank" else ", ")
        return Markup("".join(parts))

    def prop(self, p) -> Markup:  # noqa: ANN001 - a browse Value
        """A property by its label, linked to its page, its definition as the tooltip."""
        h = self.href(p)
        if h:
            return Markup(f'<a class="term" href="{escape(h)}" title="{escape(p.title)}"{self._lang_attr(p.lang)}>{escape(p.text)}</a>')
        return Markup(f'<span class="term" title="{escape(p.title)}">{escape(p.text)}</span>')

    def source_title(self, number: int) -> str:
        """The tooltip of a source marker: document (or source), lines and quote, escaped."""
        if number not in self._titles:
            e = self.evidences.get(number)
            text = ""
            if e:
                text = str(escape(e.document or e.source.text))
                if e.lines:
                    text += f", {escape(self.ui('ld_lines') if '–' in e.lines else self.ui('ld_line'))} {escape(e.lines)}"
                if e.quote:
                    text += f": «{escape(e.quote)}»"
            self._titles[number] = text
        return self._titles[number]

    def markers(self, numbers: Iterable[int]) -> Markup:
        """Source numbers as bracketed links to the page's list of sources, runs shortened (1–3, 7)."""
        if not numbers:
            return Markup("")
        links = []
        for first, last in evidence_runs(numbers):
            link = f'<a href="#src-{first}" title="{self.source_title(first)}">{first}</a>'
            if last != first:
                link += f'–<a href="#src-{last}" title="{self.source_title(last)}">{last}</a>'
            links.append(link)
        return Markup(f'<span class="src" aria-label="{escape(self.ui("ld_sources"))}">[' + ", ".join(links) + "]</span>")


def evidence_runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Source numbers as runs: (1, 2, 3, 7) -> [(1, 3), (7, 7)], so that many sources stay short."""
    spans: list[tuple[int, int]] = []
    for number in sorted(set(numbers)):
        if spans and number == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], number)
        else:
            spans.append((number, number))
    return spans
