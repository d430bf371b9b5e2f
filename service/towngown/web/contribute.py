"""/contribute: the questionnaire as a web form (issue 5).

The same questionnaire as the YAML and XLSX templates, in bokmål and English, in plain HTML: every table has a
few blank rows and an "add a row" button that re-renders the form with one more (no JavaScript needed);
controlled values are drop-downs from the concept schemes; ids of organisations already in towngown are offered
in a datalist, and an organisation named by such an id alone is described from the store. "Check" shows the
validation report, "download" gives the TriG, "publish" publishes with a token through ``publish_graph``.
``/contribute?edit=<slug>`` fills the form from the published graph (the building step in reverse) and publishes
with If-Match of the version it loaded, so an edit never overwrites a version published in the meantime.
The form posts only to itself and needs no cookie.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, send_file, url_for
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, to_isomorphic

from ..catalog import StoredQuery, load_query
from ..concepts import vocabulary
from ..errors import (
    Forbidden, InputError, NotFound, PreconditionFailed, QuestionnaireError, TowngownError, Unauthorized,
    ValidationFailed,
)
from ..publish import publish_graph, read_graph
from ..questionnaire import (
    SLUG, TABLES, Built, Column, KnownOrganisation, Problem, Table, build, form_row_count, read_form,
)
from ..questionnaire import without_provenance
from ..questionnaire.answers import answers_of, form_fields
from ..submission import strip_provenance
from ..resources import data_dir, queries_dir
from ..tokens import authorize
from ..validation import ValidationReport, validate
from .i18n import page_language
from .validate import field_groups

__all__ = ["bp", "known_organisations"]

logger = logging.getLogger(__name__)

bp = Blueprint("contribute", __name__)

_KNOWN_TTL_S = 60.0
_TEMPLATES = {"yaml": ("questionnaire.yaml", "application/yaml"),
              "xlsx": ("questionnaire.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


def _settings():  # noqa: ANN202
    return current_app.extensions["towngown.settings"]


def _store():  # noqa: ANN202
    return current_app.extensions["towngown.store"]


@lru_cache(maxsize=1)
def _organisations_query() -> StoredQuery:
    """The stored query ``organisations`` (read once; the whole catalog is not needed here)."""
    return load_query(queries_dir() / "organisations.rq")


def known_organisations() -> dict[str, KnownOrganisation]:
    """The organisations in the store by id (the stored query ``organisations``), cached for a minute."""
    cached = current_app.extensions.get("towngown.contribute.known")
    if cached is not None and time.monotonic() - cached[0] < _KNOWN_TTL_S:
        return cached[1]
    prefix = f"{_settings().base_iri}id/organisation/"
    concept_prefix = f"{_settings().base_iri}id/concept/orgtype/"
    known: dict[str, KnownOrganisation] = {}
    try:
        rows = _store().select(_organisations_query().bind({}))
    except TowngownError:
        logger.exception("could not read the organisations for the form; offering none")
        rows = []
    for row in rows:
        iri = str(row.get("organisation", ""))
        org_id = iri[len(prefix):] if iri.startswith(prefix) else ""
        if not SLUG.match(org_id):
            continue
        parent = str(row.get("unitOf", ""))
        kind = str(row.get("orgType", ""))
        known[org_id] = KnownOrganisation(
            id=org_id,
            name={lang: str(row[f"organisation_{lang}"]) for lang in ("nb", "en") if row.get(f"organisation_{lang}")},
            kind=kind[len(concept_prefix):] if kind.startswith(concept_prefix) else None,
            unit_of=parent[len(prefix):] if parent.startswith(prefix) and SLUG.match(parent[len(prefix):]) else None,
            public=str(row.get("public", "true")).lower() in ("true", "1"),
        )
    current_app.extensions["towngown.contribute.known"] = (time.monotonic(), known)
    return known


# ---- the form as data for the template ----------------------------------------------------------------

@dataclass(frozen=True)
class FieldView:
    """One input of the form: its name (the form field, also its id), label, widget, value and choices."""

    name: str
    label: str
    widget: str  # text, textarea, select
    value: str
    required: bool = False
    options: tuple[tuple[str, str, str], ...] = ()  # (group, value, label); group "" for none
    datalist: str | None = None
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableView:
    """A table of the form: its heading, help, the help of each column, and its rows of inputs."""

    table: Table
    title: str
    help: str
    field_title: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[FieldView, ...], ...]
    count: int


@dataclass
class Outcome:
    """What happened on a submit, to show above the form."""

    problems: list[Problem] = field(default_factory=list)
    report: ValidationReport | None = None
    groups: list = field(default_factory=list)
    message: str | None = None
    message_kind: str = "info"  # info, error, success
    published: dict | None = None
    #: The graph being edited: {"slug", "version", "etag"} (from ?edit=, or kept in the form's hidden fields).
    editing: dict | None = None


def _options(column: Column, language: str) -> tuple[tuple[str, str, str], ...]:
    vocab = vocabulary()
    if column.kind == "concept" and column.scheme:
        return tuple(("", c.code, c.text(language)) for c in vocab.scheme(column.scheme))
    if column.kind == "anyconcept":
        return tuple(
            (scheme.label.get(language) or scheme.name, f"{scheme.name}:{c.code}", c.text(language))
            for scheme in vocab.schemes.values() if scheme.name != "field" for c in scheme
        )
    if column.kind == "bool":
        return (("", "yes", "ja" if language == "nb" else "yes"), ("", "no", "nei" if language == "nb" else "no"))
    return ()


def _datalist(table: Table, column: Column) -> str | None:
    if table.name == "organisations" and column.key == "id":
        return "ids-known"  # reuse an organisation towngown knows: its id alone is enough
    if column.kind != "ref":
        return None
    if "organisations" in column.targets and len(column.targets) == 1:
        return "ids-organisations"
    return "ids-" + "-".join(column.targets)


def _field_view(name: str, table: Table, column: Column, cell: str, language: str,
                errors: dict[str, list[str]], values: Mapping[str, str]) -> FieldView:
    options = _options(column, language)
    if options:
        widget = "select"
    elif column.kind == "text" and column.long:
        widget = "textarea"
    else:
        widget = "text"
    return FieldView(
        name=name,
        label=column.cell_label(cell, language),
        widget=widget,
        value=str(values.get(name, "")),
        required=column.required and (column.kind != "text" or cell.endswith("_nb")),
        options=options,
        datalist=_datalist(table, column),
        errors=tuple(errors.get(name, ())),
    )


def _tables(counts: dict[str, int], language: str, errors: dict[str, list[str]],
            values: Mapping[str, str]) -> list[TableView]:
    vocab = vocabulary()
    fields = {c.code: c for c in vocab.fields()}
    views = []
    for table in TABLES:
        cells = [(column, cell) for column in table.columns for cell in column.cells()]
        if table.single:
            rows = (tuple(_field_view(f"{table.name}-{cell}", table, c, cell, language, errors, values) for c, cell in cells),)
        else:
            rows = tuple(
                tuple(_field_view(f"{table.name}-{index}-{cell}", table, c, cell, language, errors, values) for c, cell in cells)
                for index in range(counts[table.name])
            )
        concept = fields.get(table.field or "")
        views.append(TableView(
            table=table,
            title=table.label[language],
            help=table.help[language],
            field_title=f"{concept.notation} {concept.text(language)}" if concept else "",
            columns=tuple((c.label[language], c.help[language]) for c in table.columns if c.help[language].strip()),
            rows=rows,
            count=len(rows) if not table.single else 1,
        ))
    return views


def _ids(values: Mapping[str, str], table: str, count: int) -> list[str]:
    """The ids typed into the rows of ``table``, for the datalists of reference fields."""
    found = []
    for index in range(count):
        value = str(values.get(f"{table}-{index}-id", "")).strip()
        if value and value not in found:
            found.append(value)
    return found


def _render(counts: dict[str, int], outcome: Outcome, status: int = 200,
            values: Mapping[str, str] | None = None) -> tuple[str, int]:
    language = page_language()
    if values is None:
        values = request.form if request.method == "POST" else {}
    if outcome.editing is None and values.get("edit_slug") and values.get("if_match"):
        outcome.editing = {"slug": str(values.get("edit_slug")), "etag": str(values.get("if_match")),
                           "version": str(values.get("edit_version", ""))}
    errors: dict[str, list[str]] = {}
    for problem in outcome.problems:
        errors.setdefault(problem.where, []).append(problem.message.get(language) or problem.message.get("en", ""))
    known = known_organisations()
    datalists = {
        "ids-known": [(k.id, k.name.get(language) or k.name.get("nb") or k.name.get("en") or "") for k in known.values()],
        "ids-organisations": [(i, "") for i in _ids(values, "organisations", counts.get("organisations", 0))]
        + [(k.id, k.name.get(language) or k.name.get("nb") or k.name.get("en") or "") for k in known.values()],
        "ids-areas": [(i, "") for i in _ids(values, "areas", counts.get("areas", 0))],
        "ids-areas-organisations": [(i, "") for i in _ids(values, "areas", counts.get("areas", 0))]
        + [(i, "") for i in _ids(values, "organisations", counts.get("organisations", 0))],
        "ids-commitments": [(i, "") for i in _ids(values, "commitments", counts.get("commitments", 0))],
        "ids-applications": [(i, "") for i in _ids(values, "applications", counts.get("applications", 0))],
        "ids-agreements": [(i, "") for i in _ids(values, "agreements", counts.get("agreements", 0))],
    }
    page = render_template(
        "contribute/form.html",
        tables=_tables(counts, language, errors, values),
        datalists=datalists,
        slug=str(values.get("slug", "")),
        slug_errors=errors.get("slug", []),
        outcome=outcome,
        problem_text=lambda p: p.text(language, where=_row_name(p.where, language) or ""),
        field_errors=errors,
    )
    return page, status


def _counts(add: str | None = None) -> dict[str, int]:
    counts = {}
    for table in TABLES:
        if table.single:
            continue
        count = max(table.blank_rows, form_row_count(request.form, table)) if request.method == "POST" else table.blank_rows
        if add == table.name:
            count += 1
        counts[table.name] = count
    return counts


def _submission_bytes() -> bytes:
    """The submitted answers, canonically encoded (what the source document's SHA-256 is taken of); the token
    and the button pressed are left out."""
    left_out = ("token", "action", "if_match", "edit_slug", "edit_version")
    items = sorted((k, v) for k, v in request.form.items(multi=True) if k not in left_out and v.strip())
    return urlencode(items).encode("utf-8")


@bp.get("/contribute")
def form() -> tuple[str, int]:
    """The empty questionnaire form; with ``edit=<slug>``, the form filled in from the published graph/<slug>."""
    slug = request.args.get("edit")
    if slug is None:
        return _render(_counts(), Outcome())
    if not SLUG.match(slug):
        raise InputError("edit= takes the short name of a partnership (lower-case letters a–z, digits and hyphens)",
                         parameter="edit")
    settings = _settings()
    graph, state = read_graph(_store(), settings, slug)
    values = form_fields(answers_of(graph, slug, base_iri=settings.base_iri))
    editing = {"slug": slug, "etag": state.etag or "", "version": str(state.version or ""), "left_out": 0}
    values.update({"slug": slug, "edit_slug": slug, "if_match": editing["etag"], "edit_version": editing["version"]})
    counts = {t.name: max(t.blank_rows, int(values.get(f"{t.name}-rows", 0))) for t in TABLES if not t.single}
    outcome = Outcome(editing=editing, message="contribute_editing", message_kind="info")
    _what_the_form_leaves_out(graph, values, slug, outcome)
    return _render(counts, outcome, values=values)


def _what_the_form_leaves_out(graph: Graph, values: dict[str, str], slug: str, outcome: Outcome) -> None:
    """Count what of the published graph the questionnaire cannot hold (a graph not made by the questionnaire,
    such as a converted one, says more), or list the form's mistakes, so an edit never drops data unannounced."""
    settings = _settings()
    try:
        rebuilt = build(read_form(values), slug, known_organisations=known_organisations(),
                        base_iri=settings.base_iri)
    except QuestionnaireError as exc:
        outcome.problems.extend(p for p in exc.problems if isinstance(p, Problem))
        return
    published, _ = strip_provenance(graph, f"{settings.base_iri}graph/{slug}", settings.base_iri)
    _, left_out, _ = graph_diff(to_isomorphic(without_provenance(published)), to_isomorphic(without_provenance(rebuilt.graph)))
    assert outcome.editing is not None
    outcome.editing["left_out"] = len(left_out)


@bp.get("/contribute/questionnaire.<fmt>")
def template_file(fmt: str) -> Response:
    """The questionnaire to fill in offline: the YAML template or the XLSX workbook (data/templates/)."""
    if fmt not in _TEMPLATES:
        raise NotFound(f"there is no questionnaire.{fmt}; use .yaml or .xlsx")
    name, media_type = _TEMPLATES[fmt]
    path = data_dir() / "templates" / name
    if not path.is_file():
        raise NotFound(f"the template {name} is missing on this server")
    return send_file(path, mimetype=media_type, as_attachment=True, download_name=f"towngown-{name}")


@bp.post("/contribute")
def submit() -> Response | tuple[str, int]:
    """Check, download or publish the answers; or add a row to a table and show the form again."""
    language = page_language()
    action = str(request.form.get("action", "check"))
    if action.startswith("add:"):
        return _render(_counts(add=action[4:]), Outcome())
    counts = _counts()
    outcome = Outcome()
    slug = str(request.form.get("slug", "")).strip()
    if not SLUG.match(slug):
        outcome.problems.append(Problem(
            "slug", "", None, None,
            {"nb": "skriv et kortnavn med små bokstaver a–z, tall og bindestrek (for eksempel «gjovik-ntnu»)",
             "en": "write a short name in lower-case letters a–z, digits and hyphens (such as 'gjovik-ntnu')"},
        ))
    built: Built | None = None
    try:
        questionnaire = read_form(request.form, body=_submission_bytes())
        if not outcome.problems:
            built = build(questionnaire, slug, known_organisations=known_organisations(),
                          base_iri=_settings().base_iri)
    except QuestionnaireError as exc:
        outcome.problems.extend(p for p in exc.problems if isinstance(p, Problem))
    if outcome.problems or built is None:
        outcome.message = "contribute_mistakes"
        outcome.message_kind = "error"
        return _render(counts, outcome, 400)
    if action == "download":
        response = Response(built.trig(), mimetype="application/trig")
        response.headers["Content-Disposition"] = f'attachment; filename="{slug}.trig"'
        response.headers["Cache-Control"] = "no-store"
        return response
    if action == "publish":
        return _publish(counts, outcome, built, language)
    outcome.report = validate(built.dataset, language=language)
    outcome.groups = field_groups(outcome.report, built.dataset, language, where=_where(built, language))
    return _render(counts, outcome)


def _row_name(where: str | None, language: str) -> str | None:
    """Where a node came from (the form field of its row, "commitments-2-id") as the row's name ("Ressurser 3")."""
    if not where:
        return None
    tables = {t.name: t for t in TABLES}
    name, _, rest = where.partition("-")
    table = tables.get(name)
    if table is None:
        return None
    index = rest.partition("-")[0]
    if table.single or not index.isdigit():
        return table.label[language]
    return f"{table.label[language]} {int(index) + 1}"


def _where(built: Built, language: str):  # noqa: ANN202 - a where() for field_groups
    return lambda node: _row_name(built.where(node), language)


def _publish(counts: dict[str, int], outcome: Outcome, built: Built, language: str) -> tuple[str, int]:
    settings = _settings()
    token = str(request.form.get("token", "")).strip() or None
    status = 200
    # An edit publishes only over the version it loaded (and only to the graph it loaded).
    if_match = str(request.form.get("if_match", "")).strip() or None
    if if_match is not None and str(request.form.get("edit_slug", "")).strip() != built.slug:
        if_match = None
    try:
        publisher = authorize(settings, token, built.slug)
        result = publish_graph(
            _store(), settings, built.slug, built.dataset, publisher=publisher, source="form",
            content=built.trig().encode("utf-8"), media_type="application/trig", if_match=if_match,
        )
    except Unauthorized as exc:
        outcome.message, outcome.message_kind, status = "contribute_unauthorized", "error", exc.status
    except Forbidden as exc:
        outcome.message, outcome.message_kind, status = "contribute_forbidden", "error", exc.status
    except ValidationFailed as exc:
        outcome.message, outcome.message_kind, status = "contribute_violations", "error", exc.status
        if isinstance(exc.report, ValidationReport):
            outcome.report = exc.report
            outcome.groups = field_groups(exc.report, built.dataset, language, where=_where(built, language))
    except PreconditionFailed as exc:
        logger.info("publishing graph/%s from the form: lost update (%s)", built.slug, exc)
        outcome.message, outcome.message_kind, status = "contribute_lost_update", "error", exc.status
        outcome.published = {"reload": url_for("contribute.form", edit=built.slug, lang=language)}
    except (InputError, TowngownError) as exc:
        logger.info("publishing graph/%s from the form failed: %s", built.slug, exc)
        outcome.message, outcome.message_kind, status = "contribute_failed", "error", exc.status
        outcome.published = {"detail": exc.message}
    else:
        outcome.message, outcome.message_kind = "contribute_published", "success"
        # the form now edits the new version: a second publish from this page must not overwrite a third one
        outcome.editing = {"slug": built.slug, "etag": result.etag, "version": str(result.version)}
        outcome.published = {
            "version": result.version,
            "triples": result.triples,
            "graph": url_for("graphs.get_graph", slug=built.slug),
            "versions": url_for("graphs.versions", slug=built.slug, lang=language),
            "partnership": str(URIRef(f"{settings.base_iri}id/partnership/{built.slug}")),
            "warnings": result.warnings,
        }
        if result.report is not None:
            outcome.report = result.report
            outcome.groups = field_groups(result.report, built.dataset, language, where=_where(built, language))
    return _render(counts, outcome, status)
