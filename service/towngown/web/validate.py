"""/validate: check RDF against the towngown shapes without storing anything (issue 5).

``POST /validate`` takes Turtle, TriG, JSON-LD, RDF/XML, N-Triples or N-Quads, as the request body (by
Content-Type) or as a file or text from the form at ``GET /validate``. The report comes back as JSON, as a SHACL
``sh:ValidationReport`` in Turtle, or as a page grouped by questionnaire field; bad syntax is 400 with line and
column, a body over the size limit 413, an unknown type 415. The store is never touched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from ..concepts import Concept, vocabulary
from ..errors import InputError, PayloadTooLarge, TowngownError, Unprocessable, UnsupportedMediaType
from ..submission import MEDIA_TYPES, media_type_for_suffix, parse_rdf
from ..validation import ValidationReport, ValidationResult, validate
from ..vocab import SKOS
from .i18n import page_language
from .negotiation import choose

__all__ = ["bp", "report_json", "field_groups", "FieldGroup", "ResultView", "SYNTAXES"]

logger = logging.getLogger(__name__)

bp = Blueprint("validate", __name__)

_JSON, _TURTLE, _HTML = "application/json", "text/turtle", "text/html"
_REPORT_TYPES = {"json": _JSON, "turtle": _TURTLE, "html": _HTML}

#: The syntaxes offered in the form: (media type, name shown).
SYNTAXES: tuple[tuple[str, str], ...] = (
    ("text/turtle", "Turtle"),
    ("application/trig", "TriG"),
    ("application/ld+json", "JSON-LD"),
    ("application/rdf+xml", "RDF/XML"),
    ("application/n-triples", "N-Triples"),
    ("application/n-quads", "N-Quads"),
)
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


def _settings():  # noqa: ANN202
    return current_app.extensions["towngown.settings"]


# ---- the report, for people and for programs -----------------------------------------------------------

def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _field_json(iri: URIRef | None) -> dict[str, object] | None:
    concept = vocabulary().concept(iri) if iri is not None else None
    if concept is None:
        return None
    return {"iri": str(concept.iri), "notation": concept.notation, "label": dict(concept.label)}


def report_json(report: ValidationReport, *, triples: int | None = None,
                where: Callable[[Node], str | None] | None = None) -> dict[str, object]:
    """A validation report as JSON: conforms, counts by severity, and each result with focus node, path, value,
    severity, questionnaire field (IRI, notation, nb/en label) and the message in nb and en."""
    results = []
    for r in sorted(report.results, key=lambda r: (_SEVERITY_ORDER[r.severity], str(r.field or "~"), str(r.focus_node))):
        entry: dict[str, object] = {
            "severity": r.severity,
            "focus_node": _text(r.focus_node),
            "path": None if isinstance(r.path, BNode) else _text(r.path),
            "value": _text(r.value),
            "field": _text(r.field),
            "field_label": (_field_json(r.field) or {}).get("label"),
            "field_notation": (_field_json(r.field) or {}).get("notation"),
            "graph": _text(r.graph),
            "message": {"nb": r.message("nb"), "en": r.message("en")},
            "source_shape": None if isinstance(r.source_shape, BNode) else _text(r.source_shape),
        }
        if where is not None:
            entry["where"] = where(r.focus_node)
        results.append(entry)
    answer: dict[str, object] = {
        "conforms": report.conforms,
        "counts": dict(report.counts),
        "graphs": [_text(g) for g in report.graphs],
        "results": results,
    }
    if triples is not None:
        answer["triples"] = triples
    return answer


@dataclass(frozen=True)
class ResultView:
    """One result in plain words: severity, message, what it is about (name and IRI), which property, which value."""

    severity: str
    message: str
    focus: Node
    focus_label: str | None
    path: Node | None
    path_label: str | None
    value: Node | None
    where: str | None


@dataclass(frozen=True)
class FieldGroup:
    """The results about one questionnaire field (or none), with the field's number, name and explanation."""

    field: Concept | None
    title: str
    definition: str
    results: tuple[ResultView, ...]
    counts: dict[str, int] = field(default_factory=dict)


def _labels(data: Graph | Dataset, language: str) -> dict[Node, str]:
    """The skos:prefLabel of every subject in the data, in ``language`` when there is one."""
    found: dict[Node, dict[str, str]] = {}
    triples: Iterable[tuple[Node, Node, Node]]
    if isinstance(data, Dataset):
        triples = ((s, p, o) for s, p, o, _ in data.quads((None, SKOS.prefLabel, None)))
    else:
        triples = data.triples((None, SKOS.prefLabel, None))
    for s, _, o in triples:
        if isinstance(o, Literal):
            found.setdefault(s, {}).setdefault(o.language or "", str(o))
    return {s: texts.get(language) or texts.get("nb") or texts.get("en") or next(iter(texts.values()))
            for s, texts in found.items()}


def field_groups(report: ValidationReport, data: Graph | Dataset, language: str,
                 where: Callable[[Node], str | None] | None = None) -> list[FieldGroup]:
    """The results grouped by questionnaire field in questionnaire order (results about no field last), each
    in plain words in ``language``."""
    vocab = vocabulary()
    labels = _labels(data, language)
    by_field: dict[URIRef | None, list[ValidationResult]] = {}
    for result in report.results:
        by_field.setdefault(result.field, []).append(result)
    order = {c.iri: i for i, c in enumerate(vocab.fields())}
    groups = []
    for iri in sorted(by_field, key=lambda f: order.get(f, len(order)) if f is not None else len(order) + 1):
        concept = vocab.concept(iri)
        if concept is not None:
            title = f"{concept.notation} {concept.text(language)}"
            definition = concept.definition.get(language) or concept.definition.get("nb", "")
        else:
            title = "Generelt" if language == "nb" else "General"
            definition = ("Regler som ikke hører til ett felt i spørreskjemaet (navn, språk, kilder)." if language == "nb"
                          else "Rules that belong to no one field of the questionnaire (names, languages, sources).")
        results = tuple(
            ResultView(
                severity=r.severity,
                message=r.message(language),
                focus=r.focus_node,
                focus_label=labels.get(r.focus_node),
                path=None if isinstance(r.path, BNode) else r.path,
                path_label=vocab.label(r.path, language),
                value=r.value if r.value != r.focus_node else None,
                where=where(r.focus_node) if where is not None else None,
            )
            for r in sorted(by_field[iri], key=lambda r: (_SEVERITY_ORDER[r.severity], str(r.focus_node)))
        )
        counts = {s: sum(1 for r in results if r.severity == s) for s in _SEVERITY_ORDER}
        groups.append(FieldGroup(concept, title, definition, results, counts))
    return groups


# ---- reading what was sent ----------------------------------------------------------------------------

def _limit() -> int:
    return int(_settings().max_request_bytes)


def _too_large(size: int | None) -> None:
    if size is not None and size > _limit():
        raise PayloadTooLarge(f"the data is {size} bytes; at most {_limit()} bytes are accepted", limit=_limit())


def _guess(text: bytes) -> str:
    """The syntax of pasted data when the form says "recognise": JSON-LD, RDF/XML, else TriG (which reads Turtle)."""
    start = text.lstrip()[:200]
    if start.startswith((b"{", b"[")):
        return "application/ld+json"
    if start.startswith(b"<?xml") or start.startswith(b"<rdf:RDF"):
        return "application/rdf+xml"
    return "application/trig"


def _from_form() -> tuple[bytes, str, str]:
    """The data, media type and a name for it, from the upload form (a file, or pasted text)."""
    syntax = (request.form.get("syntax") or "auto").strip().lower()
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.stream.read(_limit() + 1)
        _too_large(len(data))
        name = PurePath(upload.filename).name or "upload"
        if syntax == "auto":
            media_type = media_type_for_suffix(PurePath(name).suffix) or (upload.mimetype or "").lower()
            if media_type not in MEDIA_TYPES:
                raise UnsupportedMediaType(
                    f"cannot tell the syntax of {name!r} from its name; choose the syntax in the form, or use one of "
                    ".ttl .trig .jsonld .rdf .nt .nq", media_type=media_type)
        else:
            media_type = syntax
        return data, media_type, name
    text = (request.form.get("text") or "").encode("utf-8")
    _too_large(len(text))
    if not text.strip():
        raise InputError("nothing to validate: choose a file or paste the data")
    return text, (_guess(text) if syntax == "auto" else syntax), "pasted text"


def _wants(default: str) -> str:
    return choose(request, _REPORT_TYPES, default, aliases={"application/x-turtle": _TURTLE})


@bp.get("/validate")
def page() -> str:
    """The form: upload a file or paste RDF, choose the syntax, get a readable report."""
    return render_template("validate/index.html", syntaxes=SYNTAXES, error=None, chosen="auto", text="")


@bp.post("/validate")
def check() -> Response | tuple[str, int]:
    """Validate the data sent (body by Content-Type, or the form's file or text); report as JSON, Turtle or HTML."""
    from_form = request.mimetype in _FORM_TYPES
    _too_large(request.content_length)
    report_type = _wants(_HTML if from_form else _JSON)
    try:
        if from_form:
            data, media_type, name = _from_form()
        else:
            data, media_type, name = request.get_data(cache=False), request.mimetype, "request body"
            _too_large(len(data))
            if media_type not in MEDIA_TYPES:
                raise UnsupportedMediaType(
                    f"Content-Type {media_type or '(none)'} is not accepted; send one of {', '.join(sorted(MEDIA_TYPES))}",
                    media_type=media_type,
                )
            if not data.strip():
                raise InputError("the body is empty: send the RDF to validate")
        dataset = parse_rdf(data, media_type, base=_settings().base_iri, source=name)
    except InputError as exc:
        if from_form and report_type == _HTML:
            page_text = request.form.get("text", "") if not request.files.get("file") else ""
            return render_template("validate/index.html", syntaxes=SYNTAXES, error=exc,
                                   chosen=request.form.get("syntax", "auto"), text=page_text), exc.status
        raise
    triples = sum(1 for _ in dataset.quads((None, None, None, None)))
    if triples == 0:
        raise InputError("the data holds no triples")
    language = page_language()
    try:
        report = validate(dataset, language=language)
    except TowngownError:
        raise
    except Exception as exc:  # noqa: BLE001 - a boundary: data the validator cannot handle is the sender's problem
        logger.exception("validating %s failed", name)
        raise Unprocessable(f"the data could not be validated: {type(exc).__name__}") from exc
    logger.info("POST /validate %s (%s, %d triples): %s", name, media_type, triples,
                "conforms" if report.conforms else "does not conform")
    if report_type == _TURTLE:
        body = report.report_graph.serialize(format="turtle")
        response = Response(body, content_type="text/turtle; charset=utf-8")
    elif report_type == _HTML:
        response = Response(render_template(
            "validate/report.html", report=report, groups=field_groups(report, dataset, language), name=name,
            media_type=media_type, syntax=dict(SYNTAXES).get(media_type, media_type), triples=triples,
        ), mimetype="text/html")
    else:
        response = jsonify(report_json(report, triples=triples))
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "no-store"
    return response
