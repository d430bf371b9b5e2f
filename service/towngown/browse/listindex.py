"""The partnership list's index for one dataset version: every partnership in list order, the facet values each
one has, and its agreement years. Built by a few queries that each read the whole dataset once, kept per process
for the current dataset version only, so that a page of /partnerships, its filters and its facet counts cost the
same at any number of partnerships (the rows of a page come from ``partnership-list`` bound to that page).

The facet pairs follow the filters of ``partnership-list`` (and the rows of ``partnership-facets``): areas with
their broader concepts, participating institutions with their parents and groups, kinds of institution among the
members with broader kinds, and the status of action plans.
"""

from __future__ import annotations

import logging
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from .names import Names

__all__ = ["ListIndex", "ListIndexCache", "build_index", "search", "positions_of", "value_labels"]

logger = logging.getLogger(__name__)

_PREFIXES = """PREFIX tg: <https://w3id.org/towngown/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
"""
_FIELD = "https://w3id.org/towngown/id/concept/field/"
# Each query joins small DISTINCT tables, and no UNION is nested in another or joined inside a FILTER: the
# engine then reads each path once, not once per partnership.
_ORDER = _PREFIXES + """SELECT ?p (SAMPLE(?nb) AS ?label_nb) (SAMPLE(?en) AS ?label_en) WHERE {
  ?p a tg:UniversityMunicipalityPartnership .
  OPTIONAL { ?p skos:prefLabel ?nb FILTER(langMatches(lang(?nb), "nb")) }
  OPTIONAL { ?p skos:prefLabel ?en FILTER(langMatches(lang(?en), "en")) }
} GROUP BY ?p"""
_FACETS = {
    "area": _PREFIXES + """SELECT DISTINCT ?p ?value WHERE {
  { SELECT DISTINCT ?p ?a WHERE {
      { ?p tg:collaborationArea ?a }
      UNION { ?agreement tg:establishes|dct:isPartOf/tg:establishes ?p ; tg:collaborationArea ?a }
      UNION { ?p tg:hasCommitment/tg:collaborationArea ?a }
      UNION { ?report tg:reportsOn ?p ; tg:statement ?s . ?s tg:field <""" + _FIELD + """focus> ; tg:concept ?a }
      UNION { ?p tg:statement ?s . ?s tg:field <""" + _FIELD + """focus> ; tg:concept ?a } } }
  ?p a tg:UniversityMunicipalityPartnership .
  { SELECT DISTINCT ?a ?value WHERE { ?a skos:inScheme <https://w3id.org/towngown/id/concept/area> ; skos:broader* ?value } }
}""",
    "institution": _PREFIXES + """SELECT DISTINCT ?p ?value WHERE {
  { SELECT DISTINCT ?p ?participant WHERE {
      { ?m org:organization ?p . ?m org:member ?participant }
      UNION { ?p org:hasMembership ?m . ?m org:member ?participant }
      UNION { ?p tg:hasCommitment/(tg:committedBy|tg:providedVia) ?participant } } }
  ?p a tg:UniversityMunicipalityPartnership .
  { SELECT DISTINCT ?participant ?value WHERE {
      { SELECT DISTINCT ?participant WHERE { { ?m org:member ?participant } UNION { ?c tg:committedBy|tg:providedVia ?participant } } }
      ?participant (foaf:member|org:unitOf)* ?value } }
}""",
    "orgtype": _PREFIXES + """SELECT DISTINCT ?p ?value WHERE {
  { SELECT DISTINCT ?p ?participant WHERE {
      { ?m org:organization ?p . ?m org:member ?participant }
      UNION { ?p org:hasMembership ?m . ?m org:member ?participant } } }
  ?p a tg:UniversityMunicipalityPartnership .
  { SELECT DISTINCT ?participant ?value WHERE {
      { SELECT DISTINCT ?participant WHERE { ?m org:member ?participant } }
      ?participant foaf:member?/org:classification/skos:broader* ?value } }
}""",
    "actionplan": _PREFIXES + """SELECT DISTINCT ?p ?value WHERE {
  { SELECT DISTINCT ?p ?value WHERE {
      { ?report tg:reportsOn ?p ; tg:statement ?s . ?s tg:field <""" + _FIELD + """action-plans> ; tg:status ?value }
      UNION { ?p tg:statement ?s . ?s tg:field <""" + _FIELD + """action-plans> ; tg:status ?value } } }
  ?p a tg:UniversityMunicipalityPartnership .
}""",
}
# A start year counts from 1 January and an end year to 31 December, as in partnership-list's year filter.
_YEARS = _PREFIXES + """PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT DISTINCT ?p ?t ?fromYear ?toYear WHERE {
  { ?p tg:term ?t } UNION { ?agreement tg:establishes ?p ; tg:term ?t }
  ?p a tg:UniversityMunicipalityPartnership .
  OPTIONAL { ?t time:hasBeginning ?b . OPTIONAL { ?b time:inXSDDate ?bd } OPTIONAL { ?b time:inXSDgYear ?by } }
  OPTIONAL { ?t time:hasEnd ?e . OPTIONAL { ?e time:inXSDDate ?ed } OPTIONAL { ?e time:inXSDgYear ?ey } }
  BIND(COALESCE(YEAR(?bd), xsd:integer(SUBSTR(STR(?by), 1, 4))) AS ?fromYear)
  BIND(COALESCE(YEAR(?ed), xsd:integer(SUBSTR(STR(?ey), 1, 4))) AS ?toYear)
  FILTER(BOUND(?fromYear) || BOUND(?toYear))
}"""
_NO_YEAR = -1


@dataclass(frozen=True)
class ListIndex:
    """The partnerships of one dataset version in list order, with their facet values and agreement years."""

    version: str
    order: tuple[str, ...]
    facets: dict[str, dict[str, array]]  # facet -> value IRI -> positions in ``order`` (sorted)
    spans: dict[int, tuple[tuple[int, int], ...]]  # position -> (from year, to year), -1 when open
    years: tuple[int, int] | None
    _facet_cache: OrderedDict = field(default_factory=OrderedDict, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def cached(self, key: Hashable, compute: Callable[[], object], limit: int = 64) -> object:
        """A value computed from this index (the facet counts of one choice of filters), kept for the
        ``limit`` most recent keys: small, and gone with the index when the dataset changes."""
        with self._lock:
            if key in self._facet_cache:
                self._facet_cache.move_to_end(key)
                return self._facet_cache[key]
        value = compute()
        with self._lock:
            self._facet_cache[key] = value
            while len(self._facet_cache) > limit:
                self._facet_cache.popitem(last=False)
        return value

    def position(self, iri: str) -> int | None:
        """Where a partnership stands in the list (None if it is not one)."""
        return self._positions.get(iri)

    @property
    def _positions(self) -> dict[str, int]:
        cached = self.__dict__.get("_pos")
        if cached is None:
            cached = {iri: i for i, iri in enumerate(self.order)}
            object.__setattr__(self, "_pos", cached)
        return cached

    def active_in(self, year: int) -> set[int]:
        """The positions of the partnerships with an agreement term that overlaps ``year``."""
        return {p for p, spans in self.spans.items()
                if any((a == _NO_YEAR or a <= year) and (b == _NO_YEAR or year <= b) for a, b in spans)}


def _sort_key(row: dict) -> tuple[str, str]:
    iri = str(row["p"])
    label = row.get("label_nb") or row.get("label_en") or iri
    return str(label).lower(), iri


def build_index(store, version: str) -> ListIndex:  # noqa: ANN001 - a towngown Store
    """Read the list order, the facet pairs and the agreement years of every partnership (a few whole-dataset
    queries, run once per dataset version)."""
    started = time.monotonic()
    rows = sorted((r for r in store.select(_ORDER) if isinstance(r.get("p"), URIRef)), key=_sort_key)
    order = tuple(str(r["p"]) for r in rows)
    positions = {iri: i for i, iri in enumerate(order)}
    facets: dict[str, dict[str, array]] = {}
    for name, sparql in _FACETS.items():
        by_value: dict[str, set[int]] = {}
        for row in store.select(sparql):
            value, position = row.get("value"), positions.get(str(row.get("p")))
            if isinstance(value, URIRef) and position is not None:
                by_value.setdefault(str(value), set()).add(position)
        facets[name] = {value: array("I", sorted(found)) for value, found in by_value.items()}
    spans: dict[int, list[tuple[int, int]]] = {}
    known: list[int] = []
    for row in store.select(_YEARS):
        position = positions.get(str(row.get("p")))
        if position is None:
            continue
        span = tuple(_year(row.get(k)) for k in ("fromYear", "toYear"))
        spans.setdefault(position, []).append(span)
        known.extend(y for y in span if y != _NO_YEAR)
    index = ListIndex(version, order, facets, {p: tuple(s) for p, s in spans.items()},
                      (min(known), max(known)) if known else None)
    logger.info("partnership list index of version %s: %d partnerships, %d facet values, %.2f s", version,
                len(order), sum(len(v) for v in facets.values()), time.monotonic() - started)
    return index


def _year(node: object) -> int:
    try:
        return int(str(node)) if node is not None else _NO_YEAR
    except ValueError:
        return _NO_YEAR


def search(store, text: str) -> set[str]:  # noqa: ANN001 - a towngown Store
    """The partnerships whose name, or a member's name, contains ``text`` (case-insensitive), as in
    partnership-list's ``q``. The text goes in as an escaped RDF literal."""
    needle = Literal(text).n3()
    rows = store.select(_PREFIXES + f"""SELECT DISTINCT ?p WHERE {{
  {{ ?p a tg:UniversityMunicipalityPartnership ; skos:prefLabel|skos:altLabel ?name }}
  UNION {{ ?m org:organization ?p . ?m org:member ?member . ?member skos:prefLabel|skos:altLabel ?name }}
  UNION {{ ?p org:hasMembership ?m . ?m org:member ?member . ?member skos:prefLabel|skos:altLabel ?name }}
  FILTER(CONTAINS(LCASE(STR(?name)), LCASE(STR({needle}))))
}}""")
    return {str(r["p"]) for r in rows if isinstance(r.get("p"), URIRef)}


class ListIndexCache:
    """The index of the current dataset version, built once per process and version (concurrent requests wait
    for the one build); an older version's index is dropped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: ListIndex | None = None

    def get(self, store, version: str, build: Callable[..., ListIndex] = build_index) -> ListIndex:  # noqa: ANN001
        """The index of ``version``, building it if this process has not yet."""
        index = self._index
        if index is not None and index.version == version:
            return index
        with self._lock:
            if self._index is None or self._index.version != version:
                self._index = None  # let the old one go before building the new one
                self._index = build(store, version)
            return self._index


def positions_of(index: ListIndex, iris: Iterable[str]) -> set[int]:
    """The list positions of the given partnerships (unknown ones left out)."""
    return {p for p in (index.position(i) for i in iris) if p is not None}


def value_labels(store, iris: Iterable[str]) -> dict[str, dict[str, str]]:  # noqa: ANN001 - a towngown Store
    """The nb and en names (falling back to each other, then to any name) of a few facet values."""
    terms = " ".join(URIRef(i).n3() for i in sorted(set(iris)))
    if not terms:
        return {}
    rows = store.select(_PREFIXES + f"""SELECT ?value ?lang (SAMPLE(?l) AS ?label) WHERE {{
  VALUES ?value {{ {terms} }}
  ?value skos:prefLabel ?l
}} GROUP BY ?value (LANG(?l) AS ?lang)""")
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        lang = str(row.get("lang") or "").lower()
        found.setdefault(str(row["value"]), {}).setdefault(lang.split("-")[0], str(row["label"]))
    labels = {}
    for iri in iris:
        names = found.get(iri, {})
        anything = next(iter(names.values()), iri)
        nb = names.get("nb") or names.get("en") or anything
        en = names.get("en") or names.get("nb") or anything
        labels[iri] = {"nb": nb, "en": en}
    return labels
