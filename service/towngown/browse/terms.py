"""How RDF terms are shown: their labels and definitions (one query for all of a page), values in the page
language with a stated fallback, and the sources of facts (tg:evidence) numbered once per page.

Fallback order of texts: the page language, then bokmål (nb), then English (en), then any other language, then
an untagged text. A label falls back from skos:prefLabel to rdfs:label, dct:title, foaf:name, a short
dct:description and finally the IRI's last segment (or its prefixed name).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from ..vocab import OA, PREFIXES
from .names import Names, is_safe_iri

__all__ = [
    "FALLBACK",
    "TermInfo",
    "Value",
    "Row",
    "Evidence",
    "Evidences",
    "Presenter",
    "fetch_info",
    "TermCache",
    "NAMING_KINDS",
    "info_pattern",
    "info_from_rows",
    "ordered_languages",
    "pick_texts",
]

logger = logging.getLogger(__name__)

#: The languages texts fall back to after the page language, in order; then any other, then untagged.
FALLBACK = ("nb", "en")

_KINDS = {
    "pref": SKOS.prefLabel,
    "label": RDFS.label,
    "title": DCTERMS.title,
    "name": FOAF.name,
    "definition": SKOS.definition,
    "description": DCTERMS.description,
    "identifier": DCTERMS.identifier,
    "notation": SKOS.notation,
}
#: Names of a few well-known IRIs that no graph names (licences, QUDT units), by language ('' for any).
KNOWN_NAMES: dict[str, dict[str, str]] = {
    "https://creativecommons.org/licenses/by/4.0/": {"": "CC BY 4.0"},
    "http://creativecommons.org/licenses/by/4.0/": {"": "CC BY 4.0"},
    "https://creativecommons.org/publicdomain/zero/1.0/": {"": "CC0 1.0"},
    "http://qudt.org/vocab/unit/KiloM2": {"": "km²"},
    "http://qudt.org/vocab/unit/NUM": {"nb": "antall", "en": "number"},
    "http://qudt.org/vocab/unit/PERCENT": {"": "%"},
}
#: Label kinds in order of preference.
_LABEL_KINDS = ("pref", "label", "title", "name")
#: The predicates a graph names a node with (its label kinds, and the description an unnamed node goes by).
_NAMING_PREDICATES = {_KINDS[kind]: kind for kind in (*_LABEL_KINDS, "description")}
_BATCH = 400
_SHORT = 90


@dataclass(frozen=True)
class TermInfo:
    """What the store says to name and explain one IRI: texts by kind and language, and a few links."""

    iri: URIRef
    texts: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    fields: tuple[URIRef, ...] = ()
    ancestors: frozenset[URIRef] = frozenset()
    order: int | None = None

    def text(self, kind: str, language: str) -> tuple[str, str]:
        """The text of ``kind`` in the page language with fallback, and its language ('' if untagged/none)."""
        return pick_texts(self.texts.get(kind, {}), language)

    def has(self, kind: str) -> bool:
        """True when the store holds a text of ``kind``."""
        return bool(self.texts.get(kind))


def ordered_languages(available: Iterable[str], language: str) -> list[str]:
    """The languages in fallback order: page language, nb, en, the rest sorted, untagged ('') last."""
    present = set(available)
    order = [lang for lang in dict.fromkeys((language, *FALLBACK)) if lang in present]
    order += sorted(lang for lang in present if lang not in order and lang)
    if "" in present and "" not in order:
        order.append("")
    return order


def pick_texts(texts: Mapping[str, Sequence[str]], language: str) -> tuple[str, str]:
    """The first text in fallback order, with its language; ('', '') when there is none."""
    for lang in ordered_languages(texts, language):
        values = [t for t in texts[lang] if t]
        if values:
            return sorted(values)[0], lang
    return "", ""


class TermCache:
    """The TermInfo of vocabulary terms (the ontology's, concepts, other vocabularies' and web IRIs, not the instances
    under ``id/``) for one dataset version at a time: every page names the same few hundred of them. Bounded: it
    starts afresh past ``limit`` terms, and on every new version."""

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._version = ""
        self._entries: dict[str, TermInfo | None] = {}

    @staticmethod
    def holds(names: Names, iri: str) -> bool:
        """True for the IRIs this cache keeps: not the instances (``id/`` outside ``id/concept/``) or graphs."""
        if iri.startswith(names.concept):
            return True
        return not iri.startswith((names.base + "id/", names.base + "graph/"))

    def get(self, version: str, iris: Iterable[str]) -> tuple[dict[str, TermInfo | None], list[str]]:
        """The entries known for ``version`` (None: the store names it not at all) and the IRIs not known."""
        with self._lock:
            entries = self._entries if version and version == self._version else {}
            known = {iri: entries[iri] for iri in iris if iri in entries}
        return known, [iri for iri in iris if iri not in known]

    def put(self, version: str, entries: Mapping[str, TermInfo | None]) -> None:
        """Remember ``entries`` for ``version`` (forgetting every other version's)."""
        if not version:
            return
        with self._lock:
            if version != self._version or len(self._entries) + len(entries) > self.limit:
                self._entries = {}
                self._version = version
            self._entries.update(entries)

    def __len__(self) -> int:
        return len(self._entries)


def fetch_info(
    store,  # noqa: ANN001 - a towngown Store
    names: Names,
    iris: Iterable[Node],
    *,
    cache: TermCache | None = None,
    version: str = "",
) -> dict[URIRef, TermInfo]:
    """Labels, definitions, descriptions, identifiers, questionnaire fields, order and broader concepts of
    ``iris``: one SELECT per 400 IRIs (every triple is taken from the union of the named graphs).

    With a ``cache`` and the dataset's ``version``, vocabulary terms come from the cache when it knows them and
    are remembered when fetched. (Like the HTTP cache, this trusts that every write changes the version: a store
    filled by a bulk loader keeps version "0" until its first publish.)"""
    wanted = sorted({str(i) for i in iris if isinstance(i, URIRef) and is_safe_iri(str(i))})
    cached: dict[str, TermInfo | None] = {}
    usable = cache is not None and bool(version)
    if usable:
        cached, wanted = cache.get(version, wanted)  # type: ignore[union-attr]
    info = _query_info(store, names, wanted)
    if usable:
        cache.put(version, {iri: info.get(URIRef(iri)) for iri in wanted if TermCache.holds(names, iri)})  # type: ignore[union-attr]
    info.update({URIRef(iri): entry for iri, entry in cached.items() if entry is not None})
    return info


#: The texts that name a term where it is only linked to: its label kinds, the description a local node without
#: a label is named by, and the definition shown as the link's tooltip.
NAMING_KINDS = ("pref", "label", "title", "name", "description", "definition")


def info_pattern(kinds: Iterable[str] = tuple(_KINDS), *, kind: str = "kind", value: str = "v") -> str:
    """A UNION of graph patterns that binds ``?value`` to each text of ``kinds`` of ``?x`` and ``?kind`` to the
    kind's name (what info_from_rows reads)."""
    return " UNION ".join(f'{{ ?x <{_KINDS[k]}> ?{value} BIND("{k}" AS ?{kind}) }}' for k in kinds)


def info_from_rows(rows: Iterable[Mapping[str, Node]], *, kind: str = "kind", value: str = "v") -> dict[URIRef, TermInfo]:
    """TermInfo by IRI from rows of ``?x``, ``?kind`` and ``?value`` (rows without a kind are skipped)."""
    found: dict[str, dict] = {}
    for row in rows:
        x, name, v = row.get("x"), row.get(kind), row.get(value)
        if not isinstance(x, URIRef) or name is None or v is None:
            continue
        entry = found.setdefault(str(x), {"texts": {}, "fields": [], "ancestors": set(), "order": None})
        name = str(name)
        if name == "field" and isinstance(v, URIRef):
            entry["fields"].append(v)
        elif name == "ancestor" and isinstance(v, URIRef):
            entry["ancestors"].add(v)
        elif name == "order" and isinstance(v, Literal):
            try:
                entry["order"] = int(v.toPython())
            except (TypeError, ValueError):
                pass
        elif isinstance(v, Literal):
            by_lang = entry["texts"].setdefault(name, {})
            by_lang.setdefault(v.language or "", set()).add(str(v))
    info: dict[URIRef, TermInfo] = {}
    for iri, entry in found.items():
        texts = {k: {lang: tuple(sorted(v)) for lang, v in by.items()} for k, by in entry["texts"].items()}
        info[URIRef(iri)] = TermInfo(
            URIRef(iri), texts, tuple(sorted(set(entry["fields"]))), frozenset(entry["ancestors"]), entry["order"]
        )
    return info


def _query_info(store, names: Names, wanted: Sequence[str]) -> dict[URIRef, TermInfo]:  # noqa: ANN001 - a Store
    info: dict[URIRef, TermInfo] = {}
    for start in range(0, len(wanted), _BATCH):
        values = " ".join(f"<{iri}>" for iri in wanted[start:start + _BATCH])
        query = names.prefixes() + f"""SELECT DISTINCT ?x ?kind ?v WHERE {{
  VALUES ?x {{ {values} }}
  {{ {info_pattern()}
    UNION {{ ?x tg:questionnaireField ?v BIND("field" AS ?kind) }}
    UNION {{ ?x tg:order ?v BIND("order" AS ?kind) }}
    UNION {{ ?x skos:broader+ ?v BIND("ancestor" AS ?kind) }} }}
}}"""
        info.update(info_from_rows(store.select(query)))
    return info


@dataclass(frozen=True)
class Value:
    """One RDF term as shown: text, language, link (local path or external URL) and tooltip."""

    kind: str  # "iri", "literal" or "blank"
    text: str
    lang: str = ""
    href: str | None = None
    local: bool = False
    title: str = ""
    iri: str = ""
    datatype: str = ""
    rows: tuple["Row", ...] = ()
    evidence: tuple[int, ...] = ()


@dataclass(frozen=True)
class Row:
    """A property with its values; ``evidence`` numbers the sources that support these facts."""

    property: Value
    values: tuple[Value, ...]
    evidence: tuple[int, ...] = ()
    hidden_languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """One source of facts: a document with a line range and the quoted text, or a web page."""

    number: int
    source: Value
    document: str = ""
    from_line: int | None = None
    to_line: int | None = None
    quote: str = ""
    quote_lang: str = ""
    note: str = ""
    web: bool = False

    @property
    def lines(self) -> str:
        """"43–44", "50", or '' when the evidence names no lines."""
        if self.from_line is None:
            return ""
        if self.to_line is None or self.to_line == self.from_line:
            return str(self.from_line)
        return f"{self.from_line}–{self.to_line}"


class Evidences:
    """The sources cited on one page, numbered in the order they are first cited."""

    def __init__(self) -> None:
        self._numbers: dict[tuple, int] = {}
        self.items: list[Evidence] = []

    def cite(self, evidence: Evidence) -> int:
        """The number of this source on the page (the same source cited twice keeps its number)."""
        key = (evidence.source.iri, evidence.from_line, evidence.to_line, evidence.quote, evidence.note)
        if key not in self._numbers:
            number = len(self.items) + 1
            self._numbers[key] = number
            self.items.append(Evidence(number, evidence.source, evidence.document, evidence.from_line,
                                       evidence.to_line, evidence.quote, evidence.quote_lang, evidence.note,
                                       evidence.web))
        return self._numbers[key]


class Presenter:
    """Turns the RDF of a page into Values and Rows in the page language, citing sources as it goes."""

    def __init__(self, graph: Graph, info: Mapping[URIRef, TermInfo], names: Names, language: str,
                 evidences: Evidences | None = None) -> None:
        self.graph = graph
        self.info = info
        self.names = names
        self.language = language
        self.evidences = evidences or Evidences()
        self.tg = names.tg
        self._labels: dict[Node, tuple[str, str]] = {}
        self._evidence: dict[Node, list[tuple[Evidence, frozenset[URIRef]]]] = {}
        self._literals: dict[Node, list[tuple[Node, Literal]]] | None = None
        self._iri_values: dict[URIRef, Value] = {}
        self._properties: dict[URIRef, Value] = {}

    def _literals_of(self, subject: Node) -> list[tuple[Node, Literal]]:
        """The (predicate, literal) pairs of ``subject``: the graph read once per page for its texts, which a
        page asks for hundreds of times."""
        if self._literals is None:
            index: dict[Node, list[tuple[Node, Literal]]] = {}
            for s, p, o in self.graph:
                if isinstance(o, Literal):
                    index.setdefault(s, []).append((p, o))
            self._literals = index
        return self._literals.get(subject, [])

    # -- names --------------------------------------------------------------------------------------------

    def label(self, node: Node) -> tuple[str, str]:
        """The name of a node in the page language (with fallback), and the language of that name."""
        if node not in self._labels:
            self._labels[node] = self._label(node)
        return self._labels[node]

    def _label(self, node: Node) -> tuple[str, str]:
        if isinstance(node, Literal):
            return str(node), node.language or ""
        if isinstance(node, URIRef):
            info = self.info.get(node)
            texts = self._graph_texts(node)
            for kind in _LABEL_KINDS:
                merged = _merge(texts.get(kind, {}), info.texts.get(kind, {}) if info else {})
                text, lang = pick_texts(merged, self.language)
                if text:
                    return text, lang
            if str(node) in KNOWN_NAMES:
                return pick_texts({k: [v] for k, v in KNOWN_NAMES[str(node)].items()}, self.language)
            if self.names.path(str(node)) is not None:
                # an unnamed local node (a milestone, a result) is best known by what it says
                merged = _merge(texts.get("description", {}), info.texts.get("description", {}) if info else {})
                text, lang = pick_texts(merged, self.language)
                if text:
                    return _shorten(text), lang
            return self.short_name(str(node)), ""
        return "", ""

    def definition(self, node: Node) -> str:
        """The skos:definition of a term in the page language (with fallback), for a tooltip."""
        info = self.info.get(node) if isinstance(node, URIRef) else None
        return info.text("definition", self.language)[0] if info else ""

    def short_name(self, iri: str) -> str:
        """``prefix:local`` for a known vocabulary, else the last path segment of an instance, else the IRI."""
        for prefix, namespace in (("tg", str(self.tg)), *((p, str(n)) for p, n in PREFIXES.items() if p != "tg")):
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
        if iri.startswith(self.names.base):
            return self.names.slug(iri)
        return iri

    def _graph_texts(self, node: URIRef) -> dict[str, dict[str, set[str]]]:
        texts: dict[str, dict[str, set[str]]] = {}
        for predicate, value in self._literals_of(node):
            kind = _NAMING_PREDICATES.get(predicate)
            if kind is not None:
                texts.setdefault(kind, {}).setdefault(value.language or "", set()).add(str(value))
        return texts

    # -- values -------------------------------------------------------------------------------------------

    def value(self, node: Node, *, depth: int = 0) -> Value:
        """A node as shown: an IRI links to its page (local) or to itself (http/https); a literal keeps its
        language; a blank node shows its own properties (it has no page)."""
        if isinstance(node, URIRef):
            if node not in self._iri_values:  # a page shows the same few IRIs many times over
                self._iri_values[node] = self._iri_value(node)
            return self._iri_values[node]
        if isinstance(node, Literal):
            datatype = str(node.datatype) if node.datatype and node.datatype != XSD.string else ""
            return Value("literal", str(node), node.language or "", datatype=datatype,
                         title=self.short_name(datatype) if datatype else "")
        if isinstance(node, BNode):
            rows = self.rows(node, exclude=(RDF.type,), depth=depth + 1) if depth < 4 else ()
            evidence = tuple(self.cite_all(node)) if depth < 4 else ()
            return Value("blank", "", rows=tuple(rows), evidence=evidence)
        return Value("literal", str(node))

    def _iri_value(self, node: URIRef) -> Value:
        iri = str(node)
        text, lang = self.label(node)
        path = self.names.path(iri)
        if path is not None:
            return Value("iri", text, lang, path, True, self.definition(node) or iri, iri)
        scheme = urlsplit(iri).scheme.lower()
        href = iri if scheme in ("http", "https") else None
        return Value("iri", text, lang, href, False, self.definition(node) or iri, iri)

    def property(self, predicate: URIRef) -> Value:
        """A property by its human label from the ontology, with its definition as the tooltip."""
        if predicate not in self._properties:
            self._properties[predicate] = self._property(predicate)
        return self._properties[predicate]

    def _property(self, predicate: URIRef) -> Value:
        text, lang = self.label(predicate)
        info = self.info.get(predicate)
        if not info or not any(info.has(k) for k in _LABEL_KINDS):
            text, lang = self.short_name(str(predicate)), ""
        return Value("iri", text, lang, self.names.path(str(predicate)) or str(predicate),
                     self.names.path(str(predicate)) is not None, self.definition(predicate) or str(predicate),
                     str(predicate))

    def rows(self, subject: Node, *, exclude: Iterable[URIRef] = (), depth: int = 0) -> list[Row]:
        """Every property of ``subject`` in the graph (except ``exclude`` and tg:evidence) as Rows, literals in
        the page language with fallback, sorted by the property's label."""
        skip = {self.tg.evidence, *exclude}
        by_property: dict[URIRef, list[Node]] = {}
        for predicate, obj in self.graph.predicate_objects(subject):
            if predicate in skip:
                continue
            by_property.setdefault(predicate, []).append(obj)
        rows = []
        for predicate, objects in by_property.items():
            shown, hidden = self.in_language(objects)
            values = tuple(sorted((self.value(o, depth=depth) for o in _sorted(shown)), key=_value_order))
            evidence = tuple(self.cite(subject, predicate)) if depth == 0 or isinstance(subject, URIRef) else ()
            rows.append(Row(self.property(predicate), values, evidence, hidden))
        rows.sort(key=lambda r: (r.property.iri != str(RDF.type), r.property.text.casefold()))
        return rows

    def in_language(self, objects: Sequence[Node]) -> tuple[list[Node], tuple[str, ...]]:
        """The values to show: non-literals, untagged literals, and the tagged literals of the first language
        in fallback order; also the languages left out."""
        tagged: dict[str, list[Literal]] = {}
        shown: list[Node] = []
        for obj in objects:
            if isinstance(obj, Literal) and obj.language:
                tagged.setdefault(obj.language, []).append(obj)
            else:
                shown.append(obj)
        if not tagged:
            return shown, ()
        chosen = ordered_languages(tagged, self.language)[0]
        return shown + tagged[chosen], tuple(sorted(lang for lang in tagged if lang != chosen))

    def text(self, subject: Node, predicate: URIRef) -> tuple[str, str]:
        """One literal of ``subject`` in the page language with fallback (e.g. its dct:description)."""
        texts: dict[str, set[str]] = {}
        for p, value in self._literals_of(subject):
            if p == predicate:
                texts.setdefault(value.language or "", set()).add(str(value))
        return pick_texts(texts, self.language)

    # -- sources ------------------------------------------------------------------------------------------

    def evidence(self, subject: Node) -> list[tuple[Evidence, frozenset[URIRef]]]:
        """The tg:evidence of ``subject`` with the properties each one supports (empty: all of them)."""
        if subject not in self._evidence:
            self._evidence[subject] = self._find_evidence(subject)
        return self._evidence[subject]

    def _find_evidence(self, subject: Node) -> list[tuple[Evidence, frozenset[URIRef]]]:
        found = []
        for node in self.graph.objects(subject, self.tg.evidence):
            source = self.graph.value(node, OA.hasSource)
            if source is None:
                continue
            selector = self.graph.value(node, OA.hasSelector)
            from_line = _int(self.graph.value(selector, self.tg.fromLine)) if selector is not None else None
            to_line = _int(self.graph.value(selector, self.tg.toLine)) if selector is not None else None
            quote_node = None
            if selector is not None:
                refined = self.graph.value(selector, OA.refinedBy)
                quote_node = self.graph.value(refined, OA.exact) if refined is not None else None
            note, _ = self.text(node, DCTERMS.description)
            info = self.info.get(source) if isinstance(source, URIRef) else None
            document = info.text("identifier", self.language)[0] if info else ""
            web = isinstance(source, URIRef) and self.names.path(str(source)) is None
            evidence = Evidence(
                0, self.value(source), document, from_line, to_line,
                str(quote_node) if quote_node is not None else "",
                quote_node.language or "" if isinstance(quote_node, Literal) else "", note, web,
            )
            properties = frozenset(p for p in self.graph.objects(node, self.tg.forProperty) if isinstance(p, URIRef))
            found.append((evidence, properties))
        found.sort(key=lambda item: (item[0].source.iri, item[0].from_line or 0, item[0].to_line or 0, item[0].quote))
        return found

    def cite(self, subject: Node, predicate: URIRef) -> list[int]:
        """Numbers of the sources of ``subject``'s facts about ``predicate``: those naming it in tg:forProperty
        and those naming no property at all."""
        return sorted({self.evidences.cite(ev) for ev, props in self.evidence(subject) if not props or predicate in props})

    def cite_all(self, subject: Node) -> list[int]:
        """Numbers of every source of ``subject`` (for a node shown as one fact, e.g. a commitment)."""
        return sorted({self.evidences.cite(ev) for ev, _ in self.evidence(subject)})


def _merge(a: Mapping[str, Iterable[str]], b: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for source in (a, b):
        for lang, texts in source.items():
            merged.setdefault(lang, [])
            merged[lang] += [t for t in texts if t not in merged[lang]]
    return merged


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHORT else text[: _SHORT - 1].rstrip() + "…"


def _int(node: Node | None) -> int | None:
    if isinstance(node, Literal):
        try:
            return int(node.toPython())
        except (TypeError, ValueError):
            return None
    return None


def _sorted(nodes: Iterable[Node]) -> list[Node]:
    def key(node: Node) -> tuple:
        if isinstance(node, Literal):
            value = node.toPython()
            number = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
            return (1, 0 if number else 1, value if number else 0, str(node))
        return (0 if isinstance(node, URIRef) else 2, 0, 0, str(node))

    return sorted(nodes, key=key)


def _value_order(value: Value) -> tuple:
    # IRIs by their shown name; literals and blank nodes keep the order _sorted gave them
    return (0, value.text.casefold()) if value.kind == "iri" else (1, "")
