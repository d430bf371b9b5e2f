"""The description of one resource: its RDF (what a linked-data client gets for its IRI) and its page data.

The RDF of a resource is its concise bounded description (its own triples, following blank-node objects until
none is left, so evidence, selectors and quotes come along), the labels (skos:prefLabel, rdfs:label) of every
IRI it links to or is linked from, and its incoming links (``?s ?p <resource>`` with an IRI subject). A page
takes five or six queries whatever the resource, in two rounds run side by side (parallel.gather): the
description, the graphs it comes from with their licences, the incoming links counted per property and the
dataset version; then one page of incoming links per property beside the names and definitions of every term on
the page (vocabulary terms from a TermCache while the version holds). A sixth names linking resources the page
did not name yet.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from ..errors import InputError, NotFound
from ..vocab import OA, PREFIXES, bind_prefixes
from .names import Names, is_safe_iri, sparql_iri
from .parallel import gather
from .terms import Evidence, Presenter, Row, TermCache, TermInfo, Value, fetch_info

__all__ = [
    "IncomingGroup",
    "GraphRef",
    "ResourcePage",
    "concise_description",
    "describe",
    "resource_page",
    "FetchedPage",
    "fetch_page",
    "build_page",
    "jsonld_object",
    "graph_rdf",
    "graph_size",
    "resource_types",
    "PAGE_SIZE",
]

logger = logging.getLogger(__name__)

#: Incoming links shown per property on one page.
PAGE_SIZE = 20
_MAX_DEPTH = 16


@dataclass(frozen=True)
class IncomingGroup:
    """The resources that link here with one property: counted, one page of them shown."""

    property: Value
    count: int
    page: int
    pages: int
    subjects: tuple[Value, ...]


@dataclass(frozen=True)
class GraphRef:
    """A named graph the resource's facts come from, with the graph's licence(s)."""

    graph: Value
    licences: tuple[Value, ...]


@dataclass(frozen=True)
class ResourcePage:
    """Everything a resource page shows, in the page language."""

    iri: str
    label: str
    label_lang: str
    description: str
    description_lang: str
    types: tuple[Value, ...]
    type_iris: frozenset[str]
    rows: tuple[Row, ...]
    incoming: tuple[IncomingGroup, ...]
    graphs: tuple[GraphRef, ...]
    evidences: tuple[Evidence, ...]
    jsonld: object
    presenter: Presenter


def _cbd_query(iri: str, depth: int) -> str:
    """SELECT the triples (?s ?p ?o) of ``iri`` and of every blank node reachable from it through blank nodes only,
    up to ``depth`` blank nodes deep."""
    subject = sparql_iri(iri)
    branches = [f"{{ BIND({subject} AS ?s) ?s ?p ?o }}"]
    for level in range(1, depth + 1):
        chain = [f"{subject} ?q1 ?b1 . FILTER(isBlank(?b1))"]
        for step in range(2, level + 1):
            chain.append(f"?b{step - 1} ?q{step} ?b{step} . FILTER(isBlank(?b{step}))")
        chain.append(f"BIND(?b{level} AS ?s) ?s ?p ?o")
        branches.append("{ " + " ".join(chain) + " }")
    return "SELECT ?s ?p ?o WHERE {\n  " + "\n  UNION ".join(branches) + "\n}"


def concise_description(store, iri: str) -> Graph:  # noqa: ANN001 - a towngown Store
    """The triples of ``iri`` with its blank nodes closed (followed recursively, e.g. evidence and selectors)."""
    depth = 4
    while True:
        # a SELECT of the triples into a context-free graph: cheaper to read than the same CONSTRUCT's N-Triples
        graph = Graph(store="SimpleMemory")
        for row in store.select(_cbd_query(iri, depth)):
            if "s" in row and "p" in row and "o" in row:
                graph.add((row["s"], row["p"], row["o"]))
        subjects = set(graph.subjects())
        dangling = {o for o in graph.objects() if isinstance(o, BNode) and o not in subjects}
        if not dangling or depth >= _MAX_DEPTH:
            if dangling:
                logger.warning("description of %s: %d blank nodes left open at depth %d", iri, len(dangling), depth)
            return graph
        depth *= 2


def _incoming_query(names: Names, iri: str) -> str:
    target = sparql_iri(iri)
    return names.prefixes() + f"CONSTRUCT {{ ?s ?p {target} }} WHERE {{ ?s ?p {target} FILTER(isIRI(?s)) }}"


def _labels_query(names: Names, iris: list[str]) -> str:
    values = " ".join(sparql_iri(i) for i in iris)
    return names.prefixes() + f"""CONSTRUCT {{ ?x skos:prefLabel ?l1 . ?x rdfs:label ?l2 }} WHERE {{
  VALUES ?x {{ {values} }}
  {{ ?x skos:prefLabel ?l1 }} UNION {{ ?x rdfs:label ?l2 }}
}}"""


def describe(store, names: Names, iri: str) -> Graph:  # noqa: ANN001 - a towngown Store
    """The RDF of a resource: its concise bounded description, the labels of what it links to and of what
    links to it, and its incoming links. NotFound when the store knows nothing of the IRI."""
    if not is_safe_iri(iri):
        raise NotFound(f"no resource {iri!r}")
    graph = Graph()
    bind_prefixes(graph)
    graph.bind("tg", names.tg, override=True, replace=True)
    graph += concise_description(store, iri)
    graph += store.construct(_incoming_query(names, iri))
    if len(graph) == 0:
        raise NotFound(f"nothing is known about <{iri}>", iri=iri)
    linked = sorted({str(n) for t in graph for n in (t[0], t[2]) if isinstance(n, URIRef) and str(n) != iri and is_safe_iri(str(n))})
    for start in range(0, len(linked), 400):
        graph += store.construct(_labels_query(names, linked[start:start + 400]))
    return graph


def resource_types(store, iri: str) -> set[str]:  # noqa: ANN001 - a towngown Store
    """The rdf:types of a resource (empty for an unknown or unsafe IRI)."""
    if not is_safe_iri(iri):
        return set()
    rows = store.select(f"SELECT DISTINCT ?t WHERE {{ {sparql_iri(iri)} a ?t }}")
    return {str(r["t"]) for r in rows if "t" in r}


def graph_size(store, iri: str) -> int:  # noqa: ANN001 - a towngown Store
    """The number of triples in a named graph (0 when there is no such graph)."""
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {sparql_iri(iri)} {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"].toPython()) if rows and "n" in rows[0] else 0


def graph_rdf(store, iri: str) -> Graph:  # noqa: ANN001 - a towngown Store
    """All triples of a named graph; NotFound if it is empty or absent."""
    if not is_safe_iri(iri):
        raise NotFound(f"no graph {iri!r}")
    graph = store.get_graph(iri)
    bind_prefixes(graph)
    return graph


def _incoming_counts_query(names: Names, iri: str) -> str:
    target = sparql_iri(iri)
    return names.prefixes() + f"""SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  {{ ?s ?p {target} FILTER(isIRI(?s)) }}
  UNION {{ ?s tg:evidence/oa:hasSource {target} FILTER(isIRI(?s)) BIND(tg:evidence AS ?p) }}
}} GROUP BY ?p"""


def _incoming_page_query(names: Names, iri: str, pages: Mapping[str, int], size: int) -> str:
    target = sparql_iri(iri)
    evidence = str(names.tg.evidence)
    branches = []
    for predicate, page in sorted(pages.items()):
        p = sparql_iri(predicate)
        if predicate == evidence:
            where = f"{{ ?s {p} {target} }} UNION {{ ?s tg:evidence/oa:hasSource {target} }} FILTER(isIRI(?s))"
        else:
            where = f"?s {p} {target} FILTER(isIRI(?s))"
        branches.append(
            f"{{ SELECT DISTINCT ?s ({p} AS ?p) WHERE {{ {where} }} ORDER BY ?s LIMIT {size} OFFSET {(page - 1) * size} }}"
        )
    return names.prefixes() + "SELECT ?p ?s WHERE {\n  " + "\n  UNION ".join(branches) + "\n}"


def _graphs_query(names: Names, iri: str) -> str:
    target = sparql_iri(iri)
    return names.prefixes() + f"""SELECT DISTINCT ?g ?licence ?asSubject WHERE {{
  {{ GRAPH ?g {{ {target} ?p ?o }} BIND(true AS ?asSubject) }} UNION {{ GRAPH ?g {{ ?s ?p {target} }} BIND(false AS ?asSubject) }}
  OPTIONAL {{ GRAPH ?g {{ ?g dct:license ?l1 }} }}
  OPTIONAL {{ GRAPH ?g {{ ?ontology a owl:Ontology ; dct:license ?l2 }} }}
  BIND(COALESCE(?l1, ?l2) AS ?licence)
}}"""


def resource_page(
    store,  # noqa: ANN001 - a towngown Store
    names: Names,
    iri: str,
    language: str,
    *,
    incoming_property: str | None = None,
    incoming_page: int = 1,
    extra_terms: tuple[URIRef, ...] = (),
    page_size: int = PAGE_SIZE,
    with_rows: bool = True,
    term_cache: TermCache | None = None,
    version: Callable[[], str] | None = None,
) -> ResourcePage:
    """The page data of a resource in ``language``; NotFound when the store knows nothing of it.

    ``incoming_property`` and ``incoming_page`` choose the page of one group of incoming links (the others
    show their first page); an unknown property or a page past the end is an InputError. ``extra_terms`` are
    named in the same query as the page's own terms; without ``with_rows`` the properties are left to the
    caller (a partnership page shows them as the questionnaire). With a ``term_cache`` and ``version`` (reads
    the dataset version), vocabulary terms are named from the cache."""
    fetched, _ = fetch_page(store, names, iri, incoming_property=incoming_property, incoming_page=incoming_page,
                            page_size=page_size, extra_terms=lambda _: extra_terms, term_cache=term_cache,
                            version=version)
    return build_page(fetched, names, language, with_rows=with_rows)


@dataclass(frozen=True)
class FetchedPage:
    """What the store answered for one resource page, before it is put in the page language."""

    iri: str
    description: Graph
    counts: Mapping[str, int]
    pages: Mapping[str, int]
    page_size: int
    incoming_rows: list[dict]
    graph_rows: list[dict]
    info: Mapping[URIRef, TermInfo]


def fetch_page(
    store,  # noqa: ANN001 - a towngown Store
    names: Names,
    iri: str,
    *,
    incoming_property: str | None = None,
    incoming_page: int = 1,
    page_size: int = PAGE_SIZE,
    also: Sequence[Callable[[], Any]] = (),
    extra_terms: Callable[[list[Any]], Iterable[URIRef]] = lambda _: (),
    term_cache: TermCache | None = None,
    version: Callable[[], str] | None = None,
) -> tuple[FetchedPage, list[Any]]:
    """A resource page's queries in two rounds of queries run side by side: the description, the incoming
    links counted, the graphs, the dataset version and the caller's ``also`` calls; then one page of incoming links
    beside the names of every term (``extra_terms`` picks more terms from the results of ``also``, which come
    back too). A third query names the linking resources only when the page did not already name them."""
    if not is_safe_iri(iri):
        raise NotFound(f"no resource {iri!r}")
    description, count_rows, graph_rows, current, *results = gather(
        lambda: concise_description(store, iri),
        lambda: store.select(_incoming_counts_query(names, iri)),
        lambda: store.select(_graphs_query(names, iri)),
        version or (lambda: ""),
        *also,
        store=store,
    )
    counts = {str(r["p"]): int(r["n"].toPython()) for r in count_rows if "p" in r}
    if len(description) == 0 and not counts:
        raise NotFound(f"nothing is known about <{iri}>", iri=iri)
    if incoming_property is not None and incoming_property not in counts:
        raise InputError(f"no resource links to this one with the property {incoming_property!r}", parameter="in")
    pages = {p: 1 for p in counts}
    if incoming_property is not None:
        last = max(1, math.ceil(counts[incoming_property] / page_size))
        if incoming_page < 1 or incoming_page > last:
            raise InputError(f"page {incoming_page} does not exist; there are {last}", parameter="page")
        pages[incoming_property] = incoming_page

    subject = URIRef(iri)
    terms: set[URIRef] = {subject, *extra_terms(results)}
    for s, p, o in description:
        terms.add(p)
        if isinstance(o, URIRef):
            terms.add(o)
    terms |= {URIRef(p) for p in counts}
    for row in graph_rows:
        terms |= {v for v in (row.get("g"), row.get("licence")) if isinstance(v, URIRef)}
    incoming_rows, info = gather(
        lambda: store.select(_incoming_page_query(names, iri, pages, page_size)) if pages else [],
        lambda: fetch_info(store, names, terms, cache=term_cache, version=current),
        store=store,
    )
    linking = {r["s"] for r in incoming_rows if isinstance(r.get("s"), URIRef)} - terms
    if linking:
        info.update(fetch_info(store, names, linking, cache=term_cache, version=current))
    fetched = FetchedPage(iri, description, counts, pages, page_size, incoming_rows, graph_rows, info)
    return fetched, results


def build_page(fetched: FetchedPage, names: Names, language: str, *, with_rows: bool = True) -> ResourcePage:
    """The page data of a fetched resource in ``language`` (see resource_page)."""
    iri, description, info, counts, pages = fetched.iri, fetched.description, fetched.info, fetched.counts, fetched.pages
    subject = URIRef(iri)
    presenter = Presenter(description, info, names, language)

    label, label_lang = presenter.label(subject)
    text, text_lang = presenter.text(subject, DCTERMS.description)
    if not text:
        text, text_lang = info[subject].text("definition", language) if subject in info else ("", "")
    types = tuple(sorted((presenter.value(t) for t in description.objects(subject, RDF.type)), key=lambda v: v.text.casefold()))
    rows = tuple(presenter.rows(subject, exclude=(RDF.type, SKOS.prefLabel))) if with_rows else ()

    subjects_by_property: dict[str, list[Value]] = {}
    for row in fetched.incoming_rows:
        if isinstance(row.get("s"), URIRef) and "p" in row:
            subjects_by_property.setdefault(str(row["p"]), []).append(presenter.value(row["s"]))
    incoming = []
    for predicate, count in counts.items():
        shown = sorted(subjects_by_property.get(predicate, []), key=lambda v: v.text.casefold())
        incoming.append(IncomingGroup(presenter.property(URIRef(predicate)), count, pages[predicate],
                                      max(1, math.ceil(count / fetched.page_size)), tuple(shown)))
    incoming.sort(key=lambda g: g.property.text.casefold())

    graphs = _graph_refs(presenter, fetched.graph_rows)
    jsonld = _jsonld(description, info, names, iri)
    return ResourcePage(
        iri=iri, label=label, label_lang=label_lang, description=text, description_lang=text_lang,
        types=types, type_iris=frozenset(str(t) for t in description.objects(subject, RDF.type)), rows=rows,
        incoming=tuple(incoming), graphs=graphs, evidences=tuple(presenter.evidences.items), jsonld=jsonld,
        presenter=presenter,
    )


def _graph_refs(presenter: Presenter, rows: list[dict]) -> tuple[GraphRef, ...]:
    as_subject = {str(r["g"]) for r in rows if "g" in r and r.get("asSubject") == Literal(True)}
    chosen = as_subject or {str(r["g"]) for r in rows if "g" in r}
    licences: dict[str, set[URIRef]] = {g: set() for g in chosen}
    for row in rows:
        g = str(row.get("g", ""))
        if g in licences and isinstance(row.get("licence"), URIRef):
            licences[g].add(row["licence"])
    refs = [GraphRef(presenter.value(URIRef(g)), tuple(presenter.value(l) for l in sorted(licences[g])))
            for g in sorted(chosen)]
    return tuple(refs)


def _jsonld(description: Graph, info: Mapping[URIRef, TermInfo], names: Names, iri: str) -> object:
    """The description plus the labels of the IRIs it links to, as a JSON-LD object (one node per subject)."""
    graph = Graph(store="SimpleMemory")
    graph += description
    for obj in set(description.objects()):
        entry = info.get(obj) if isinstance(obj, URIRef) else None
        if entry is None or str(obj) == iri:
            continue
        for kind, predicate in (("pref", SKOS.prefLabel), ("label", RDFS.label)):
            for lang, texts in entry.texts.get(kind, {}).items():
                for text in texts:
                    graph.add((obj, predicate, Literal(text, lang=lang or None)))
    context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    context["tg"] = str(names.tg)
    context["oa"] = str(OA)
    return jsonld_object(graph, context)


#: A local name that a compact IRI ``prefix:local`` may end with (anything else is written in full).
_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")


def jsonld_object(graph: Graph, context: Mapping[str, str]) -> dict:
    """``graph`` as a JSON-LD object with ``context`` (prefix -> namespace): a node per subject, IRIs compacted
    where a prefix fits, every literal with its language or datatype (the same graph as rdflib's serializer
    gives, written directly: rdflib's JSON-LD serializer costs a partnership page about 2 ms)."""
    prefixes = sorted(((ns, prefix) for prefix, ns in context.items()), key=lambda item: -len(item[0]))
    compacted: dict[str, str] = {}

    def compact(term: URIRef) -> str:
        text = str(term)
        if text not in compacted:
            compacted[text] = text
            for namespace, prefix in prefixes:
                if text.startswith(namespace) and _LOCAL.match(text, len(namespace)):
                    compacted[text] = f"{prefix}:{text[len(namespace):]}"
                    break
            else:
                if text.split(":", 1)[0] in context:
                    raise _Unwritable(text.split(":", 1)[0])  # a full IRI a reader would take for a compact one
        return compacted[text]

    def node_id(term: Node) -> str:
        return f"_:{term}" if isinstance(term, BNode) else compact(term)  # type: ignore[arg-type]

    def value(term: Node) -> dict:
        if isinstance(term, Literal):
            if term.language:
                return {"@value": str(term), "@language": term.language}
            if term.datatype is not None and term.datatype != XSD.string:
                return {"@value": str(term), "@type": compact(term.datatype)}
            return {"@value": str(term)}
        return {"@id": node_id(term)}

    nodes: dict[Node, dict] = {}
    try:
        for s, p, o in sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
            node = nodes.setdefault(s, {"@id": node_id(s)})
            if p == RDF.type and isinstance(o, URIRef):
                node.setdefault("@type", []).append(compact(o))
            else:
                node.setdefault(compact(p), []).append(value(o))
    except _Unwritable as clash:  # written again without that prefix (rdflib's serializer gets this wrong)
        return jsonld_object(graph, {p: ns for p, ns in context.items() if p != str(clash)})
    return {"@context": dict(context), "@graph": list(nodes.values())}


class _Unwritable(Exception):
    """An IRI whose scheme is the name of a prefix in the context: it would be read as a compact IRI."""
