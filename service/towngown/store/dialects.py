"""Where a SPARQL engine deviates from the standard, and what towngown's store does about it.

The client in ``client.py`` speaks plain SPARQL 1.1 Protocol; a ``Dialect`` adapts the few places where a
real engine does something else. Each deviation handled here has a test in ``tests/store/test_contract.py``
that names it.
"""

from __future__ import annotations

import functools
import logging
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Final

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..errors import ConfigError, QueryTimeout, ResultTooLarge, StoreError

__all__ = [
    "Dialect",
    "OxigraphDialect",
    "VirtuosoDialect",
    "dialect_named",
    "dialect_for_server",
    "DIALECTS",
    "VIRTUOSO_SYSTEM_GRAPHS",
    "STAGING_PREFIX",
]

logger = logging.getLogger(__name__)

Update = Callable[[str], None]

#: Graphs a fresh Virtuoso 7 keeps for itself (its RDF-view metadata, the LDP vocabulary, its own service
#: description). Unless made private (README, "Deployment"), they show up in the union default graph, in
#: GRAPH ?g, in counts and dumps; towngown never lists, dumps or drops them in any case.
VIRTUOSO_SYSTEM_GRAPHS: Final = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
    "http://www.w3.org/2002/07/owl#",
    "http://www.openlinksw.com/schemas/oplweb#",
)


#: Graphs a write stages its new graphs in, on engines without atomic updates (never listed or dumped).
STAGING_PREFIX: Final = "urn:x-towngown:staging:"


class Dialect:
    """The SPARQL 1.1 standard: nothing to adapt."""

    name = "standard"

    def __init__(self, hidden_graphs: Sequence[str] = ()) -> None:
        #: Named graphs of the engine itself (or of others) that towngown never lists, dumps or drops.
        self.hidden_graphs = tuple(hidden_graphs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def check(self, ask: Callable[[str], bool]) -> str | None:
        """Advice for the operator if the server is set up in a way towngown cannot work around (None: fine)."""
        return None

    # -- queries ---------------------------------------------------------------------------------
    def prepare_query(self, sparql: str) -> str:
        """The query text as sent to the engine."""
        return sparql

    def query_params(self, limit_s: float) -> list[tuple[str, str]]:
        """Extra protocol parameters (an engine-side time limit, for instance)."""
        return []

    def check_result(self, headers: Mapping[str, str], body: bytes, limit_s: float) -> None:
        """Raise when a 200 answer is not a whole result (an engine that signals a cut-off in-band)."""

    def term(self, value: Mapping[str, str]) -> Node:
        """One SPARQL JSON term as an rdflib term."""
        return _standard_term(value)

    def graph(self, graph: Graph) -> Graph:
        """A constructed graph as towngown sees it."""
        return graph

    # -- writes ----------------------------------------------------------------------------------
    def replace_graphs(self, update: Update, graphs: Mapping[str, Graph], drop: Sequence[str]) -> None:
        """Replace named graphs in ONE update request: engines run it as one transaction."""
        operations = [f"DROP SILENT GRAPH {URIRef(iri).n3()}" for iri in [*drop, *graphs]]
        for iri, graph in graphs.items():
            if len(graph):
                operations.append(f"INSERT DATA {{ GRAPH {URIRef(iri).n3()} {{\n{_ntriples(graph)}}} }}")
        if operations:
            update(" ;\n".join(operations))

    def clear(self, update: Update, graph_names: Callable[[], list[str]]) -> None:
        """Remove every graph."""
        update("DROP ALL")


class OxigraphDialect(Dialect):
    """Oxigraph (``oxigraph serve``), the embedded engine."""

    name = "oxigraph"
    #: What Oxigraph sends, with 200 OK, when its own --timeout-s cancels a query.
    CANCELLED: Final = b"The SPARQL operation has been cancelled"

    def check_result(self, headers: Mapping[str, str], body: bytes, limit_s: float) -> None:
        """Deviation: a query cancelled by ``--timeout-s`` still answers 200 OK, with the message appended to
        whatever was already sent (often the head of the JSON: ``{"head":...,"bindings":[The SPARQL ...``)."""
        if body.rstrip().endswith(self.CANCELLED) or body.startswith(self.CANCELLED):
            raise QueryTimeout(f"the query did not finish within the time limit of {limit_s:g} s and was cancelled")


class VirtuosoDialect(Dialect):
    """OpenLink Virtuoso 7 (Debian ``virtuoso-opensource``).

    Deviations handled here, each pinned by a contract test:

    - its own system graphs are part of the union default graph. The ``define input:default-graph-exclude``
      pragma would hide them but also empties every ``GRAPH <iri>`` pattern (a Virtuoso 7.2 bug), so instead
      the server makes them private to the anonymous query endpoint (graph-level security, three SQL
      statements: see the README and ``VirtuosoEngine``); the store checks that once and warns if not, never
      lists, dumps or drops them, and ``clear`` drops towngown's graphs one by one instead of ``DROP ALL``
      (which would also drop Virtuoso's own);
    - a multi-operation update is not one transaction (each operation commits on its own): ``replace_graphs``
      first writes the new graphs to staging graphs, and only when the engine has accepted every triple swaps
      them in (so data the engine refuses never leaves a half-replaced graph);
    - ``INSERT DATA`` refuses blank nodes and one operation may hold only so many triples: triples with blank
      nodes go through ``INSERT { } WHERE { }`` templates, grouped so that a blank node stays in one template;
    - ``xsd:duration`` values with only years/months become a number of months (``P3Y`` reads back ``36``),
      and ``P3D`` is an SQL error: durations are written with every component spelled out (``P3Y0M0DT0H0M0S``,
      the same value) and read back without the zeros. Durations of days with hours, minutes or seconds
      (``PT5M``) cannot be stored at all: refused with a StoreError before anything is written;
    - SPARQL JSON labels blank nodes ``nodeID://b123`` and spells booleans ``1``/``0``: read as ``b123`` and
      ``true``/``false``;
    - a query past its time limit (the ``timeout`` parameter) or past ``ResultSetMaxRows`` still answers
      200 with part of the result, flagged in the ``X-SQL-State: S1TAT`` / ``X-SPARQL-MaxRows`` headers: raised
      as QueryTimeout / ResultTooLarge, never passed on as a whole answer.

    Value-preserving canonicalisation (``"20.0"^^xsd:decimal`` reads back ``"20"``, language tags lower-case)
    is the engine's storage model, not undone here: the values are equal.
    """

    name = "virtuoso"
    #: Triples per ``INSERT DATA`` operation (Virtuoso's parser gives up at a few thousand).
    DATA_CHUNK: Final = 1000
    #: Triples per ``INSERT { } WHERE { }`` template (Virtuoso compiles each into SQL of bounded length).
    TEMPLATE_CHUNK: Final = 400
    #: Operations per staging request.
    OPERATIONS_PER_REQUEST: Final = 20

    def __init__(self, hidden_graphs: Sequence[str] = ()) -> None:
        super().__init__(tuple(dict.fromkeys([*VIRTUOSO_SYSTEM_GRAPHS, *hidden_graphs])))

    def check(self, ask: Callable[[str], bool]) -> str | None:
        """Warn when Virtuoso's system graphs are visible to the query endpoint (they would count as data)."""
        if ask(f"ASK {{ GRAPH {URIRef(VIRTUOSO_SYSTEM_GRAPHS[0]).n3()} {{ ?s ?p ?o }} }}"):
            return (
                "Virtuoso's system graphs are visible at the query endpoint, so they are part of the union "
                "default graph (counts, queries); make them private as the README's Deployment section shows"
            )
        return None

    def query_params(self, limit_s: float) -> list[tuple[str, str]]:
        """Let Virtuoso stop the query itself at the limit (milliseconds), instead of burning on."""
        return [("timeout", str(max(1, int(limit_s * 1000))))]

    def check_result(self, headers: Mapping[str, str], body: bytes, limit_s: float) -> None:
        """A cut-off answer is flagged in headers only: never pass it on as a whole result."""
        state = headers.get("X-SQL-State", "")
        if state == "S1TAT":
            raise QueryTimeout(f"the query did not finish within the time limit of {limit_s:g} s and was cancelled")
        if headers.get("X-SPARQL-MaxRows"):
            raise ResultTooLarge(
                f"the result has more rows than the store's ResultSetMaxRows ({headers['X-SPARQL-MaxRows']}); "
                "narrow the query or add LIMIT"
            )

    def term(self, value: Mapping[str, str]) -> Node:
        """Virtuoso's JSON spellings of blank nodes and booleans, and its duration workaround, undone."""
        kind = value.get("type")
        if kind == "bnode":
            label = value["value"]
            return BNode(label[len("nodeID://") :] if label.startswith("nodeID://") else label)
        return _read_literal(_standard_term(value))

    def graph(self, graph: Graph) -> Graph:
        """Durations read back without the zero components towngown wrote."""
        if not any(isinstance(o, Literal) and o.datatype == XSD.duration for o in graph.objects()):
            return graph
        fixed = Graph()
        for s, p, o in graph:
            fixed.add((s, p, _read_literal(o)))
        return fixed

    def replace_graphs(self, update: Update, graphs: Mapping[str, Graph], drop: Sequence[str]) -> None:
        """Stage every new graph, then swap: a refused triple leaves the old graphs whole."""
        run = uuid.uuid4().hex[:12]
        staging = {iri: f"{STAGING_PREFIX}{run}:{n}" for n, iri in enumerate(graphs) if len(graphs[iri])}
        operations: list[str] = []
        labels: dict[BNode, str] = {}  # Virtuoso scopes a label to the whole request: never reuse one
        for iri, stage in staging.items():
            operations += _virtuoso_inserts(stage, graphs[iri], labels, self.DATA_CHUNK, self.TEMPLATE_CHUNK)
        try:
            for start in range(0, len(operations), self.OPERATIONS_PER_REQUEST):
                update(" ;\n".join(operations[start : start + self.OPERATIONS_PER_REQUEST]))
        except Exception:
            self._drop(update, list(staging.values()))
            raise
        swap = [f"DROP SILENT GRAPH {URIRef(iri).n3()}" for iri in [*drop, *graphs]]
        for iri, stage in staging.items():
            swap.append(f"ADD SILENT {URIRef(stage).n3()} TO {URIRef(iri).n3()}")
            swap.append(f"DROP SILENT GRAPH {URIRef(stage).n3()}")
        update(" ;\n".join(swap))

    def clear(self, update: Update, graph_names: Callable[[], list[str]]) -> None:
        """Drop towngown's graphs one by one: DROP ALL would also drop Virtuoso's own system graphs."""
        names = graph_names()
        for start in range(0, len(names), 200):
            self._drop(update, names[start : start + 200], quiet=False)

    @staticmethod
    def _drop(update: Update, names: Sequence[str], *, quiet: bool = True) -> None:
        if not names:
            return
        try:
            update(" ;\n".join(f"DROP SILENT GRAPH {URIRef(iri).n3()}" for iri in names))
        except Exception:  # noqa: BLE001 - cleaning up after a failure must not hide the failure
            if not quiet:
                raise
            logger.exception("could not drop staging graphs %s", ", ".join(names))


#: Dialects by the name used in TOWNGOWN_STORE_ENGINE.
DIALECTS: Final[dict[str, type[Dialect]]] = {
    "standard": Dialect,
    "oxigraph": OxigraphDialect,
    "virtuoso": VirtuosoDialect,
}


def dialect_named(name: str, hidden_graphs: Sequence[str] = ()) -> Dialect:
    """The dialect for a TOWNGOWN_STORE_ENGINE value (not "auto")."""
    try:
        return DIALECTS[name](hidden_graphs)
    except KeyError:
        raise ConfigError(f"unknown store engine {name!r}; use auto, {', '.join(DIALECTS)}") from None


def dialect_for_server(server_header: str, hidden_graphs: Sequence[str] = ()) -> Dialect:
    """The dialect for an HTTP ``Server`` header (how ``auto`` tells engines apart)."""
    product = server_header.strip().lower()
    if product.startswith("virtuoso"):
        return VirtuosoDialect(hidden_graphs)
    if product.startswith("oxigraph"):
        return OxigraphDialect(hidden_graphs)
    return Dialect(hidden_graphs)


# -- terms --------------------------------------------------------------------------------------------
def _standard_term(value: Mapping[str, str]) -> Node:
    kind = value.get("type")
    if kind == "uri":
        return _iri(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        return _literal(value["value"], value.get("xml:lang"), value.get("datatype"))
    raise StoreError(f"unknown term type in SPARQL JSON results: {kind!r}")


@functools.lru_cache(maxsize=32768)
def _iri(value: str) -> URIRef:
    """An IRI, built once (rdflib checks every IRI it makes; pages read the same ones over and over)."""
    return URIRef(value)


@functools.lru_cache(maxsize=32768)
def _literal(lexical: str, lang: str | None, datatype: str | None) -> Literal:
    """A literal, built once: rdflib parses the value of every typed literal it makes, and pages read the same
    labels and numbers over and over (the cache is bounded, whatever the size of the data)."""
    if lang:
        return Literal(lexical, lang=lang)
    return Literal(lexical, datatype=URIRef(datatype) if datatype else None)


_BOOLEANS: Final = {"1": "true", "0": "false"}


def _read_literal(term: Node) -> Node:
    if not isinstance(term, Literal) or term.datatype is None:
        return term
    if term.datatype == XSD.boolean and str(term) in _BOOLEANS:
        return Literal(_BOOLEANS[str(term)], datatype=XSD.boolean)
    if term.datatype == XSD.duration:
        return Literal(_duration_read(str(term)), datatype=XSD.duration)
    return term


_DURATION = re.compile(
    r"(-?)P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?"
)
_EXPANDED = re.compile(r"-?P\d+Y\d+M\d+DT\d+H\d+M\d+(?:\.\d+)?S")


def _duration_write(lexical: str) -> str:
    """The duration as Virtuoso keeps it: every component spelled out (``P3Y`` as ``P3Y0M0DT0H0M0S``, the same
    value); Virtuoso turns a short ``P3Y`` into the number ``36`` and refuses ``P3D`` with an SQL error."""
    match = _DURATION.fullmatch(lexical)
    if not match or lexical in ("P", "-P") or lexical.endswith("T"):
        return lexical
    sign, *parts = match.groups()
    years, months, days, hours, minutes, seconds = (part or "0" for part in parts)
    if int(years) == 0 and int(months) == 0 and (int(hours) or int(minutes) or float(seconds)):
        raise StoreError(
            f"Virtuoso 7 cannot store the xsd:duration {lexical!r}: it turns a duration of days and hours, "
            "minutes or seconds into a number it then cannot store; write it in days, or use another engine"
        )
    return f"{sign}P{years}Y{months}M{days}DT{hours}H{minutes}M{seconds}S"


def _duration_read(lexical: str) -> str:
    """Undo ``_duration_write``: leave out the zero components again."""
    if not _EXPANDED.fullmatch(lexical):
        return lexical
    sign, *parts = _DURATION.fullmatch(lexical).groups()  # type: ignore[union-attr]
    date = "".join(f"{v}{u}" for v, u in zip(parts[:3], "YMD") if float(v))
    time = "".join(f"{v}{u}" for v, u in zip(parts[3:], "HMS") if float(v))
    if not date and not time:
        return f"{sign}PT0S"
    return f"{sign}P{date}" + (f"T{time}" if time else "")


def _ntriples(graph: Graph) -> str:
    return graph.serialize(format="nt11")


def _virtuoso_nt(lines: Sequence[str]) -> str:
    return "\n".join(lines) + "\n"


def _virtuoso_inserts(
    iri: str, graph: Graph, labels: dict[BNode, str], data_chunk: int, template_chunk: int
) -> list[str]:
    """INSERT DATA for triples without blank nodes; INSERT {..} WHERE {} templates for the rest, one blank
    node's triples always in the same template (a label names one node only within one template)."""
    target = URIRef(iri).n3()
    plain: list[str] = []
    groups: dict[BNode, list[str]] = {}
    parent: dict[BNode, BNode] = {}

    def find(node: BNode) -> BNode:
        while parent.get(node, node) != node:
            parent[node] = parent.get(parent[node], parent[node])
            node = parent[node]
        return node

    with_bnodes: list[tuple[tuple[Node, Node, Node], str]] = []
    for triple in graph:
        line = _nt_line(triple, labels)
        nodes = [t for t in (triple[0], triple[2]) if isinstance(t, BNode)]
        if not nodes:
            plain.append(line)
            continue
        for node in nodes:
            parent.setdefault(node, node)
        if len(nodes) == 2:
            a, b = find(nodes[0]), find(nodes[1])
            if a != b:
                parent[a] = b
        with_bnodes.append((triple, line))
    for triple, line in with_bnodes:
        node = triple[0] if isinstance(triple[0], BNode) else triple[2]
        groups.setdefault(find(node), []).append(line)  # type: ignore[arg-type]

    operations = [
        f"INSERT DATA {{ GRAPH {target} {{\n{_virtuoso_nt(plain[start : start + data_chunk])}}} }}"
        for start in range(0, len(plain), data_chunk)
    ]
    batch: list[str] = []
    for lines in groups.values():
        if batch and len(batch) + len(lines) > template_chunk:
            operations.append(f"INSERT {{ GRAPH {target} {{\n{_virtuoso_nt(batch)}}} }} WHERE {{ }}")
            batch = []
        batch += lines
    if batch:
        operations.append(f"INSERT {{ GRAPH {target} {{\n{_virtuoso_nt(batch)}}} }} WHERE {{ }}")
    return operations


def _nt_line(triple: tuple[Node, Node, Node], labels: dict[BNode, str]) -> str:
    return " ".join(_nt(term, labels) for term in triple) + " ."


def _nt(term: Node, labels: dict[BNode, str]) -> str:
    if isinstance(term, BNode):
        # Fresh labels: valid in SPARQL whatever the node's own label (one read back from a store may not be).
        return "_:b" + labels.setdefault(term, str(len(labels)))
    if isinstance(term, Literal):
        text = (_duration_write(str(term)) if term.datatype == XSD.duration else str(term)).translate(_ESCAPES)
        if term.language:
            return f'"{text}"@{term.language}'
        return f'"{text}"^^<{term.datatype}>' if term.datatype else f'"{text}"'
    return URIRef(str(term)).n3()


_ESCAPES: Final = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
