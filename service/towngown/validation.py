"""Validate towngown RDF against shapes/ with pyshacl, and read RDF files with located parse errors."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import xml.sax
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal as TypingLiteral

import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql import processor as sparql_processor
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from towngown import resources
from towngown.errors import ParseError
from towngown.vocab import OWL, RDF, RDFS, SH, SKOS, TG

__all__ = [
    "Severity",
    "ValidationResult",
    "ValidationReport",
    "validate",
    "load_shapes",
    "load_ontology",
    "meta_shapes",
    "load_rdf",
    "iter_rdf_files",
]

logger = logging.getLogger(__name__)

Severity = TypingLiteral["Violation", "Warning", "Info"]
_SEVERITIES: tuple[Severity, ...] = ("Violation", "Warning", "Info")

# Only the ontology's hierarchy is mixed into each data graph: enough for sh:targetClass to reach subclass
# instances and for skos:broader to resolve, without re-validating the ontology's own labels for every graph.
_STRUCTURAL = frozenset({
    RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.inverseOf,
    SKOS.broader, SKOS.narrower, SKOS.inScheme, SKOS.topConceptOf,
})

# Text of the readable report, per language.
_TEXT = {
    "nb": {
        "title": "Valideringsrapport",
        "conforms": "samsvarer",
        "not_conforms": "samsvarer ikke",
        "counts": "{Violation} brudd, {Warning} advarsler, {Info} merknader",
        "graph": "Graf",
        "no_graph": "(uten navngitt graf)",
        "field": "Felt",
        "no_field": "(generelt)",
        "Violation": "Brudd",
        "Warning": "Advarsel",
        "Info": "Merknad",
        "value": "verdi",
    },
    "en": {
        "title": "Validation report",
        "conforms": "conforms",
        "not_conforms": "does not conform",
        "counts": "{Violation} violations, {Warning} warnings, {Info} infos",
        "graph": "Graph",
        "no_graph": "(no named graph)",
        "field": "Field",
        "no_field": "(general)",
        "Violation": "Violation",
        "Warning": "Warning",
        "Info": "Info",
        "value": "value",
    },
}


@dataclass(frozen=True)
class ValidationResult:
    """One sh:ValidationResult, with its message in nb and en and the questionnaire field it concerns."""

    focus_node: Node
    path: Node | None
    value: Node | None
    severity: Severity
    message_nb: str
    message_en: str
    source_shape: Node
    field: URIRef | None
    graph: URIRef | None

    def message(self, language: str = "nb") -> str:
        """The message in ``language`` (nb or en), falling back to the other one."""
        if language == "en":
            return self.message_en or self.message_nb
        return self.message_nb or self.message_en


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating one graph or dataset: conforms means no Violation (warnings allowed)."""

    conforms: bool
    results: tuple[ValidationResult, ...]
    report_graph: Graph = field(repr=False, compare=False)
    graphs: tuple[URIRef | None, ...] = ()
    language: str = "nb"

    @property
    def counts(self) -> dict[Severity, int]:
        """Number of results per severity (every severity present, zero when none)."""
        counts: dict[Severity, int] = {s: 0 for s in _SEVERITIES}
        for result in self.results:
            counts[result.severity] += 1
        return counts

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        """The results with severity Violation."""
        return tuple(r for r in self.results if r.severity == "Violation")

    def by_severity(self, severity: Severity) -> tuple[ValidationResult, ...]:
        """The results with the given severity."""
        return tuple(r for r in self.results if r.severity == severity)

    def text(self, language: str | None = None) -> str:
        """A readable report in nb or en, grouped by graph and questionnaire field, one line per result."""
        lang = language or self.language
        t = _TEXT["en" if lang == "en" else "nb"]
        counts = self.counts
        lines = [
            f"{t['title']}: {t['conforms'] if self.conforms else t['not_conforms']} "
            f"({t['counts'].format(**counts)})"
        ]
        order = {s: i for i, s in enumerate(_SEVERITIES)}
        by_graph: dict[URIRef | None, list[ValidationResult]] = {}
        for result in self.results:
            by_graph.setdefault(result.graph, []).append(result)
        for graph in sorted(by_graph, key=lambda g: "" if g is None else str(g)):
            lines.append("")
            lines.append(f"{t['graph']} {graph}" if graph is not None else f"{t['graph']} {t['no_graph']}")
            by_field: dict[URIRef | None, list[ValidationResult]] = {}
            for result in by_graph[graph]:
                by_field.setdefault(result.field, []).append(result)
            for fld in sorted(by_field, key=lambda f: "~" if f is None else str(f)):
                lines.append(f"  {t['field']} {_short(fld) if fld is not None else t['no_field']}")
                for r in sorted(by_field[fld], key=lambda r: (order[r.severity], str(r.focus_node))):
                    shown = r.value is not None and r.value != r.focus_node
                    value = f" {t['value']} {_short(r.value)}" if shown else ""
                    path = f" {_short(r.path)}" if r.path is not None and not isinstance(r.path, BNode) else ""
                    field_name = _short(fld) if fld is not None else t["no_field"]
                    lines.append(
                        f"    {t[r.severity]}: {_short(r.focus_node)}{path} [{field_name}]{value}: {r.message(lang)}"
                    )
        return "\n".join(lines) + "\n"


def _short(node: Node | None) -> str:
    """A compact rendering of a node for the text report."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, short in (
            ("https://w3id.org/towngown/id/concept/", ""),
            ("https://w3id.org/towngown/id/", ""),
            ("https://w3id.org/towngown/ontology#", "tg:"),
            ("https://w3id.org/towngown/shapes#", "tgsh:"),
        ):
            if text.startswith(prefix):
                return short + text[len(prefix):]
        return f"<{text}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    return node.n3()


@lru_cache(maxsize=1)
def _default_shapes() -> Graph:
    return load_shapes()


@lru_cache(maxsize=1)
def _default_ontology() -> Graph:
    return load_ontology()


def load_shapes(folder: Path | None = None) -> Graph:
    """Read every shapes/*.ttl (via resources) into one graph."""
    graph = Graph()
    for path in sorted((folder or resources.shapes_dir()).glob("*.ttl")):
        graph += _parse_file(path)
    return graph


def load_ontology(folder: Path | None = None) -> Graph:
    """Read the ontology and concept schemes (every RDF file in ontology/) into one graph."""
    graph = Graph()
    try:
        folder = folder or resources.ontology_dir()
    except FileNotFoundError:
        return graph
    for path in iter_rdf_files([folder]):
        graph += _parse_file(path)
    return graph


def meta_shapes() -> Graph:
    """The W3C SHACL-for-SHACL shapes graph that pyshacl ships, to validate shapes graphs with."""
    path = Path(pyshacl.__file__).resolve().parent / "assets" / "shacl-shacl.ttl"
    return Graph().parse(path, format="turtle")


def _structural(ontology: Graph) -> Graph:
    """The class and concept hierarchy of an ontology graph, which is all the shapes need from it."""
    hierarchy = Graph()
    for triple in ontology:
        if triple[1] in _STRUCTURAL:
            hierarchy.add(triple)
    return hierarchy


@lru_cache(maxsize=256)
def _prepared(query: str, base: str | None, namespaces: tuple[tuple[str, str], ...]):  # noqa: ANN202
    """A parsed and translated SPARQL query, shared by every evaluation of the same text."""
    return sparql_processor.translateQuery(sparql_processor.parseQuery(query), base, dict(namespaces) or None)


_install_lock = threading.Lock()


def _cache_sparql_parsing() -> None:
    """Make rdflib reuse parsed SPARQL: pyshacl re-parses a constraint's query for every focus node,
    which was three quarters of the time to validate data/."""
    with _install_lock:
        processor = sparql_processor.SPARQLProcessor
        if getattr(processor.query, "_towngown_cached", False):
            return
        original = processor.query

        def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: ANN001, ANN202, N803
            if isinstance(strOrQuery, str):
                namespaces = tuple(sorted((str(k), str(v)) for k, v in (initNs or {}).items()))
                strOrQuery = _prepared(strOrQuery, base, namespaces)
            return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

        query._towngown_cached = True  # type: ignore[attr-defined]
        processor.query = query  # type: ignore[method-assign]


def validate(
    data: Graph | Dataset,
    *,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    language: str = "nb",
) -> ValidationReport:
    """Validate a graph, or each named graph of a dataset separately, against the towngown shapes."""
    started = time.perf_counter()
    _cache_sparql_parsing()
    shapes_graph = shapes if shapes is not None else _default_shapes()
    ont_graph = _structural(ontology if ontology is not None else _default_ontology())
    report_graph = Graph()
    report_graph.bind("sh", SH)
    report_node = BNode()
    report_graph.add((report_node, RDF.type, SH.ValidationReport))
    results: list[ValidationResult] = []
    names: list[URIRef | None] = []
    for name, graph in _graphs(data):
        names.append(name)
        # Mixed in here rather than passed as pyshacl's ont_graph: pyshacl "inoculates" only RDFS/OWL axioms
        # from an ont_graph, which would drop the skos:broader links the higher-education rule follows.
        mixed = Graph()
        mixed += graph
        mixed += ont_graph
        _, one_report, _ = pyshacl.validate(
            mixed,
            shacl_graph=shapes_graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
            abort_on_first=False,
        )
        for result in one_report.subjects(RDF.type, SH.ValidationResult):
            results.append(_result(one_report, result, shapes_graph, name))
            report_graph.add((report_node, SH.result, result))
        for triple in one_report:
            if triple[0] != _report_node(one_report):
                report_graph.add(triple)
    conforms = not any(r.severity == "Violation" for r in results)
    report_graph.add((report_node, SH.conforms, Literal(conforms)))
    report = ValidationReport(
        conforms=conforms, results=tuple(results), report_graph=report_graph, graphs=tuple(names), language=language
    )
    counts = report.counts
    logger.info(
        "validated %d graph(s) %s: %s, %d violations, %d warnings, %d infos in %.2fs",
        len(names),
        ", ".join(str(n) for n in names if n is not None) or "(default graph)",
        "conforms" if conforms else "does not conform",
        counts["Violation"],
        counts["Warning"],
        counts["Info"],
        time.perf_counter() - started,
    )
    return report


def _graphs(data: Graph | Dataset) -> Iterator[tuple[URIRef | None, Graph]]:
    """Each non-empty graph to validate on its own, with its name (None for an unnamed or default graph)."""
    if isinstance(data, Dataset):
        for graph in data.graphs():
            if len(graph) == 0:
                continue
            name = graph.identifier
            yield (None if name == DATASET_DEFAULT_GRAPH_ID else name), graph
    else:
        name = data.identifier
        yield (name if isinstance(name, URIRef) and name != DATASET_DEFAULT_GRAPH_ID else None), data


def _report_node(report: Graph) -> Node | None:
    return next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)


def _result(report: Graph, node: Node, shapes: Graph, graph: URIRef | None) -> ValidationResult:
    """Read one sh:ValidationResult, taking messages from the result or else from its shape."""
    source_shape = report.value(node, SH.sourceShape)
    severity_iri = report.value(node, SH.resultSeverity)
    severity: Severity = next((s for s in _SEVERITIES if severity_iri == SH[s]), "Violation")
    messages = _localised(
        list(report.objects(node, SH.resultMessage)),
        [*shapes.objects(report.value(node, SH.sourceConstraint), SH.message), *shapes.objects(source_shape, SH.message)],
    )
    return ValidationResult(
        focus_node=report.value(node, SH.focusNode),
        path=report.value(node, SH.resultPath),
        value=report.value(node, SH.value),
        severity=severity,
        message_nb=_pick(messages, "nb"),
        message_en=_pick(messages, "en"),
        source_shape=source_shape,
        field=_field(shapes, source_shape),
        graph=graph,
    )


_PLACEHOLDER = re.compile(r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}")


def _localised(messages: list[Node], templates: list[Node]) -> list[Node]:
    """Give back language tags that pyshacl drops from SPARQL results, by matching messages to their templates."""
    if any(isinstance(m, Literal) and m.language for m in messages):
        return messages
    tagged: dict[str, Literal] = {}
    for template in templates:
        if not isinstance(template, Literal) or not template.language or template.language in tagged:
            continue
        pattern = "(.*?)".join(re.escape(part) for part in _PLACEHOLDER.split(str(template)))
        for message in messages:
            if re.fullmatch(pattern, str(message), flags=re.DOTALL):
                tagged[template.language] = Literal(str(message), lang=template.language)
                break
    return list(tagged.values()) or messages


def _pick(messages: list[Node], language: str) -> str:
    """The message in a language, else an untagged one, else any."""
    for wanted in (language, None):
        for message in messages:
            if isinstance(message, Literal) and message.language == wanted:
                return str(message)
    return str(messages[0]) if messages else ""


def _field(shapes: Graph, shape: Node | None, seen: frozenset[Node] = frozenset()) -> URIRef | None:
    """The questionnaire field of a shape, or of the shape that uses it (sh:property, sh:or, ...)."""
    if shape is None or shape in seen:
        return None
    value = shapes.value(shape, TG.questionnaireField)
    if isinstance(value, URIRef):
        return value
    for parent in shapes.subjects(SH.property, shape):
        found = _field(shapes, parent, seen | {shape})
        if found is not None:
            return found
    return None


# --- reading RDF files ---------------------------------------------------------------------------------

_LINE_COLUMN = (
    re.compile(r"line[ :]+(\d+)(?:[, ]+(?:column|col|char)[ :]+(\d+))?", re.IGNORECASE),
    re.compile(r":(\d+):(\d+)"),
)


def load_rdf(path: Path) -> Dataset:
    """Read a Turtle, TriG, N-Triples, N-Quads, JSON-LD or RDF/XML file (by suffix) into a dataset."""
    path = Path(path)
    fmt = resources.RDF_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ParseError(f"not an RDF file suffix: {path.suffix!r}", source=str(path))
    dataset = Dataset()
    try:
        dataset.parse(path, format=fmt)
    except Exception as exc:  # noqa: BLE001 - every parser failure becomes one located ParseError
        line, column = _location(exc)
        raise ParseError(_reason(exc), source=str(path), line=line, column=column) from exc
    return dataset


def _parse_file(path: Path) -> Graph:
    """Read one triple file into a plain graph (for shapes and ontology files)."""
    graph = Graph()
    for s, p, o, _ in load_rdf(path).quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _location(exc: BaseException) -> tuple[int | None, int | None]:
    """Line and column (1-based) of a parser error, from its attributes or else its message."""
    text = getattr(exc, "_str", None)
    offset = getattr(exc, "_i", None)
    if isinstance(text, bytes) and isinstance(offset, int):  # rdflib's notation3 BadSyntax
        before = text.decode("utf-8", errors="replace")[:offset]
        return before.count("\n") + 1, offset - (before.rfind("\n") + 1 if "\n" in before else 0) + 1
    if isinstance(exc, xml.sax.SAXParseException):
        return exc.getLineNumber(), exc.getColumnNumber() + 1
    if isinstance(exc, json.JSONDecodeError):
        return exc.lineno, exc.colno
    message = str(exc)
    for pattern in _LINE_COLUMN:
        match = pattern.search(message)
        if match:
            column = match.group(2)
            return int(match.group(1)), int(column) if column else None
    return None, None


def _reason(exc: BaseException) -> str:
    """A one-line reason for a parser error."""
    why = getattr(exc, "_why", None)
    if isinstance(why, str):
        return f"bad syntax ({why})"
    if isinstance(exc, xml.sax.SAXParseException):
        return exc.getMessage()
    if isinstance(exc, json.JSONDecodeError):
        return exc.msg
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def iter_rdf_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Each RDF file named in ``paths``, expanding folders recursively (skipping data/sources/)."""
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in resources.RDF_SUFFIXES and not _in_sources(child, path):
                    yield child
        else:
            yield path


def _in_sources(child: Path, root: Path) -> bool:
    """True for files under a sources/ folder below ``root`` (copies of source documents, not RDF data)."""
    relative = child.relative_to(root).parts[:-1]
    return "sources" in relative or (root.name == "sources")
