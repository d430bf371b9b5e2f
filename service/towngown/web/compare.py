"""/compare: partnerships side by side, computed indicators, inline SVG charts (issue 4).

``/compare?p=<slug>&p=<slug>...`` is a page; ``/compare.json`` and ``/compare.csv`` with the same parameters carry
the same rows and cells. Without ``p`` the page lets you choose (a plain GET form). The comparison itself is
computed by :mod:`towngown.compare` from stored queries; this module only lays it out.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, url_for
from markupsafe import Markup

from .. import charts
from ..compare import INDICATORS, Column, Comparison, compare, list_partnerships, text
from ..errors import InputError
from .i18n import UI, page_language
from .queries import get_catalog
from .render import local_href

__all__ = ["bp", "Cell", "Item", "Row", "comparison_rows"]

logger = logging.getLogger(__name__)

bp = Blueprint("compare", __name__)

_VIA_UNITS = {"commitment": "%"}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Item:
    """One value in a cell: what it is (a number, an IRI, a text), its name in nb and en, and notes."""

    value: object
    label: dict[str, str] = field(default_factory=dict)
    notes: tuple[dict[str, str], ...] = ()
    href: str | None = None
    unknown: bool = False


@dataclass(frozen=True)
class Cell:
    """One partnership's cell in a row: its items (none: not stated) and the query that computes it."""

    items: tuple[Item, ...]
    query: str | None = None

    @property
    def unknown(self) -> bool:
        """True when the sources state nothing for this cell."""
        return not self.items


@dataclass(frozen=True)
class Row:
    """A row of the comparison: an indicator or a questionnaire field, with one cell per partnership."""

    section: str
    key: str
    label: dict[str, str]
    cells: tuple[Cell, ...]
    unit: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    notation: str | None = None


def _settings():  # noqa: ANN202
    return current_app.extensions["towngown.settings"]


def _store():  # noqa: ANN202
    return current_app.extensions["towngown.store"]


def _query_url(name: str, partnership: str, **extra: str) -> str:
    """The link to stored query ``name`` run for ``partnership``; a comparison asks for the same one many times
    (every questionnaire row of a column), so each is built once per request."""
    cache = g.setdefault("compare_query_urls", {})
    key = (name, partnership, *sorted(extra.items()))
    url = cache.get(key)
    if url is None:
        url = cache[key] = url_for("queries.show", name=name, partnership=partnership, **extra)
    return url


def _number(value: Decimal | int | None) -> object:
    if value is None:
        return None
    return int(value) if isinstance(value, int) or value == value.to_integral_value() else float(value)


def _indicator_cell(column: Column, key: str) -> Cell:
    indicator = next(i for i in INDICATORS if i.key == key)
    iri = column.partnership.iri
    if key.startswith("status-"):
        field_iri = f"{_settings().base_iri}id/concept/field/" + {"12": "action-plans", "13": "milestones", "14": "results"}[indicator.field_notation or "12"]
        items = []
        for status in column.indicator(key):
            notes = [dict(status.text)] if status.label and status.text else []
            if status.as_of:
                notes.append({lang: f"{UI['as_of'][lang]} {status.as_of}" for lang in ("nb", "en")})
            items.append(Item(value=None, label=dict(status.label) or dict(status.text), notes=tuple(notes)))
        items = tuple(items)
        return Cell(items, _query_url(indicator.query, iri, field=field_iri))
    if key == "fte-per-party":
        items = tuple(
            Item(value=_number(p.fte), label=dict(p.label), href=local_href(p.party), unknown=p.fte is None)
            for p in column.parties
        )
        return Cell(items, _query_url(indicator.query, iri))
    value = column.indicator(key)
    if value is None:
        return Cell((), _query_url(indicator.query, iri))
    notes: tuple[dict[str, str], ...] = ()
    if key == "agreement-years" and column.agreement_start and column.agreement_end:
        span = f"{column.agreement_start.isoformat()} – {column.agreement_end.isoformat()}"
        notes = ({"nb": span, "en": span},)
    if key == "area-count":
        notes = tuple(dict(label) for _, label in column.areas)
    if key == "fte-per-10000" and column.population is not None:
        people = {lang: charts.number_text(column.population, lang) for lang in ("nb", "en")}
        notes = ({"nb": f"{people['nb']} innbyggere", "en": f"{people['en']} inhabitants"},)
    return Cell((Item(value=_number(value), notes=notes),), _query_url(indicator.query, iri))


def _field_cell(column: Column, notation: str) -> Cell:
    items = []
    for answer in column.answers.get(notation, ()):
        notes = list(answer.notes)
        if answer.number is not None:
            unit = _VIA_UNITS.get(answer.via, "")
            numbers = {lang: f"{charts.number_text(answer.number, lang)}{' ' + unit if unit else ''}" for lang in ("nb", "en")}
            notes.insert(0, numbers)
        items.append(
            Item(
                value=answer.value if answer.is_iri else (str(answer.number) if answer.number is not None else answer.value),
                label=dict(answer.label),
                notes=tuple(notes),
                href=local_href(answer.value) if answer.is_iri else None,
            )
        )
    return Cell(tuple(items), _query_url("questionnaire-answers", column.partnership.iri))


def comparison_rows(comparison: Comparison) -> tuple[Row, ...]:
    """The rows of a comparison (indicators first, then the questionnaire's fields), each with a cell per column."""
    rows = [
        Row("indicator", i.key, dict(i.label), tuple(_indicator_cell(c, i.key) for c in comparison.columns),
            dict(i.unit), dict(i.description))
        for i in comparison.indicators
    ]
    rows += [
        Row("field", f.name, dict(f.label), tuple(_field_cell(c, f.notation) for c in comparison.columns),
            description=dict(f.definition), notation=f.notation)
        for f in comparison.fields
    ]
    return tuple(rows)


def _slugs() -> list[str]:
    """The slugs of ``p`` (repeated, or several in one value separated by spaces or commas, as typed in the form)."""
    slugs = []
    for value in request.args.getlist("p"):
        parts = value.replace(",", " ").split()
        # several only when each is a well-formed slug; anything else stays whole, so that a 404 names it as given
        slugs += parts if len(parts) > 1 and all(_SLUG.match(part) for part in parts) else [value.strip()] if value.strip() else []
    return slugs


def _twin(suffix: str, slugs: list[str]) -> str:
    return url_for("compare.page", suffix=suffix) + "?" + urlencode([("p", s) for s in slugs])


def _charts(comparison: Comparison, language: str) -> dict[str, Markup]:
    def word(key: str) -> str:
        return UI[key][language]

    groups = [
        charts.BarGroup(text(c.partnership.label, language), tuple(charts.Bar(text(p.label, language), p.fte) for p in c.parties))
        for c in comparison.columns
    ]
    rows = [
        charts.SpanRow(
            text(c.partnership.label, language),
            tuple(charts.Span(text(t.kind, language) or word("term"), t.starts_on, t.ends_on) for t in c.terms),
        )
        for c in comparison.columns
    ]
    names = ", ".join(text(c.partnership.label, language) for c in comparison.columns)
    # The SVG text is escaped in towngown.charts; Markup only stops Jinja from escaping our own tags a second time.
    return {
        "fte": Markup(charts.bar_chart(groups, ident="chart-fte", title=word("fte_chart"), desc=f"{word('fte_chart_desc')} {names}",
                                       unit=word("fte_unit"), unknown=word("not_stated"), nothing=word("no_commitments"), language=language)),
        "terms": Markup(charts.timeline(rows, ident="chart-terms", title=word("terms_chart"), desc=f"{word('terms_chart_desc')} {names}",
                                        unknown=word("not_stated"), nothing=word("no_terms"), language=language)),
    }


@bp.get("/compare")
@bp.get("/compare.<suffix>")
def page(suffix: str | None = None) -> Response | str:
    """Partnerships side by side (HTML, or .json / .csv with the same rows); without ``p``, a page to choose them."""
    if suffix not in (None, "json", "csv"):
        raise InputError(f"unknown format .{suffix}; use .json or .csv", parameter="format")
    language = page_language()
    catalog = get_catalog()
    slugs = _slugs()
    if not slugs and suffix is None:
        partnerships, more = list_partnerships(_store(), _settings().base_iri)
        return render_template("compare/choose.html", partnerships=partnerships, chosen=set(), more=more, pick=text)
    # the page's 'add' links come in the same round of queries as the comparison
    comparison = compare(_store(), catalog, slugs, _settings().base_iri, related=suffix is None)
    rows = comparison_rows(comparison)
    if suffix == "json":
        return jsonify(_as_json(comparison, rows))
    if suffix == "csv":
        response = Response(_as_csv(comparison, rows), content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = 'inline; filename="compare.csv"'
        return response
    columns = [c.partnership for c in comparison.columns]
    # 'add' offers a bounded set (partnerships sharing a member with a column); any other is typed in the form
    related = comparison.related
    return render_template(
        "compare/compare.html",
        comparison=comparison,
        indicator_rows=[r for r in rows if r.section == "indicator"],
        field_rows=[r for r in rows if r.section == "field"],
        charts=_charts(comparison, language),
        partnerships=(*columns, *related),
        chosen={p.slug for p in columns},
        more=True,
        add_links=[
            (p, url_for("compare.page") + "?" + urlencode([*(("p", c.slug) for c in columns), ("p", p.slug), ("lang", language)]))
            for p in related
        ],
        json_url=_twin("json", [c.slug for c in columns]),
        csv_url=_twin("csv", [c.slug for c in columns]),
        page_url=local_href,
        number_text=charts.number_text,
        pick=text,
    )


def _as_json(comparison: Comparison, rows: tuple[Row, ...]) -> dict:
    slugs = [c.partnership.slug for c in comparison.columns]
    return {
        "partnerships": [
            {"slug": c.partnership.slug, "iri": c.partnership.iri, "label": dict(c.partnership.label), "page": local_href(c.partnership.iri)}
            for c in comparison.columns
        ],
        "rows": [
            {
                "section": row.section,
                "key": row.key,
                "notation": row.notation,
                "label": row.label,
                "unit": row.unit or None,
                "description": row.description or None,
                "cells": {
                    slug: {
                        "unknown": cell.unknown,
                        "query": cell.query,
                        "items": [
                            {"value": item.value, "label": item.label or None, "notes": list(item.notes), "href": item.href, "unknown": item.unknown}
                            for item in cell.items
                        ],
                    }
                    for slug, cell in zip(slugs, row.cells)
                },
            }
            for row in rows
        ],
    }


_CSV_COLUMNS = (
    "section", "key", "notation", "row_nb", "row_en", "unit_en", "partnership", "slug", "value", "label_nb", "label_en",
    "notes_nb", "notes_en", "unknown", "query",
)


def _as_csv(comparison: Comparison, rows: tuple[Row, ...]) -> str:
    """One line per item (a cell with several values has several lines; a cell with none has one, unknown=true)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for row in rows:
        for column, cell in zip(comparison.columns, row.cells):
            head = [row.section, row.key, row.notation or "", row.label.get("nb", ""), row.label.get("en", ""), row.unit.get("en", "")]
            where = [column.partnership.iri, column.partnership.slug]
            if cell.unknown:
                writer.writerow([*head, *where, "", "", "", "", "", "true", cell.query or ""])
            for item in cell.items:
                notes = {lang: "; ".join(n.get(lang) or n.get("nb") or n.get("en", "") for n in item.notes) for lang in ("nb", "en")}
                writer.writerow([
                    *head, *where, "" if item.value is None else item.value, item.label.get("nb", ""), item.label.get("en", ""),
                    notes["nb"], notes["en"], "true" if item.unknown else "false", cell.query or "",
                ])
    return out.getvalue()
