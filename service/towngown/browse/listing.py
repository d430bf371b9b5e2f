"""Lists over all partnerships: the faceted partnership list (/partnerships and its JSON/CSV twins, the overview on
the home page), the counts of the dataset, the partnerships of an organisation and those that use a concept.

The list and its facets are the stored queries ``partnership-list`` and ``partnership-facets`` (public, so a
researcher gets the same rows); filter values are bound as RDF terms by the catalog, which refuses a value
outside the allowed ones with an InputError naming the parameter.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.term import Node

from ..catalog import MAX_PAGE_SIZE, Catalog
from ..errors import InputError
from .listindex import ListIndex, build_index, positions_of, search, value_labels
from .names import Names, sparql_iri

__all__ = [
    "FILTERS",
    "Listed",
    "FacetValue",
    "Listing",
    "Counts",
    "Involvement",
    "partnership_listing",
    "dataset_counts",
    "organisation_partnerships",
    "concept_partnerships",
    "USED_IN_LIMIT",
    "PAGE_SIZE",
    "FACET_VALUES",
    "INVOLVEMENT_ROWS",
]

logger = logging.getLogger(__name__)

#: Filter parameters of /partnerships, in the order of the form; the first four name a resource by slug or IRI.
FILTERS = ("area", "institution", "orgtype", "actionplan", "year", "q")
#: Where a slug given to a filter lives: (kind, scheme-or-kind name).
_SLUG_BASES = {
    "area": ("concept", "area"),
    "institution": ("instance", "organisation"),
    "orgtype": ("concept", "orgtype"),
    "actionplan": ("concept", "status"),
}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_YEAR = re.compile(r"^\d{4}$")
_MAX_SEARCH = 200
#: Rows per page of /partnerships unless ``_size`` says otherwise.
PAGE_SIZE = 100
#: At most this many values per facet are offered (the most frequent ones), besides the chosen one.
FACET_VALUES = 50


@dataclass(frozen=True)
class Listed:
    """One partnership in the list (texts by language: nb, en)."""

    iri: str
    slug: str
    path: str
    label: Mapping[str, str]
    member_count: int
    members: Mapping[str, tuple[str, ...]]
    starts_on: str
    ends_on: str
    terms: tuple[str, ...]
    areas: Mapping[str, tuple[str, ...]]
    action_plans: Mapping[str, tuple[str, ...]]
    graph: str


@dataclass(frozen=True)
class FacetValue:
    """One value a facet offers, with the number of listed partnerships that have it."""

    iri: str
    key: str
    label: Mapping[str, str]
    count: int
    selected: bool


@dataclass(frozen=True)
class Listing:
    """One page of the partnerships that pass the filters, how many pass them, and the facets with counts over all
    of them."""

    partnerships: tuple[Listed, ...]
    facets: Mapping[str, tuple[FacetValue, ...]]
    filters: Mapping[str, str]
    total: int
    years: tuple[int, int] | None = None
    offset: int = 0
    size: int = PAGE_SIZE

    @property
    def next_offset(self) -> int | None:
        """Where the next page starts (None on the last page)."""
        return self.offset + self.size if self.offset + self.size < self.total else None

    @property
    def previous_offset(self) -> int | None:
        """Where the previous page starts (None on the first page)."""
        return max(0, self.offset - self.size) if self.offset > 0 else None


@dataclass(frozen=True)
class Counts:
    """The size of the dataset."""

    partnerships: int
    organisations: int
    triples: int
    graphs: int


@dataclass(frozen=True)
class Involvement:
    """How an organisation takes part in one partnership: as member and/or party to commitments, and through whom."""

    partnership: str
    label: Mapping[str, str]
    ways: tuple[tuple[str, str, str, Mapping[str, str]], ...]  # (how, via, participant IRI, participant label)
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _filter_values(names: Names, filters: Mapping[str, str]) -> dict[str, str]:
    """The stored-query parameter values for the web filters: slugs become IRIs, a year must have four digits."""
    values: dict[str, str] = {}
    for name in FILTERS:
        raw = (filters.get(name) or "").strip()
        if not raw:
            continue
        if name in _SLUG_BASES:
            if "://" in raw:
                values[name] = raw
            elif _SLUG.match(raw):
                kind, group = _SLUG_BASES[name]
                values[name] = (f"{names.concept}{group}/{raw}" if kind == "concept" else str(names.instance(group, raw)))
            else:
                raise InputError(f"{name}={raw!r} is neither a known slug nor an IRI", parameter=name)
        elif name == "year":
            if not _YEAR.match(raw):
                raise InputError(f"year={raw!r} is not a year (four digits, e.g. 2024)", parameter="year")
            values[name] = raw
        elif name == "q":
            if len(raw) > _MAX_SEARCH:
                raise InputError(f"the search text is longer than {_MAX_SEARCH} characters", parameter="q")
            values[name] = raw
    return values


def _split(text: Node | None) -> tuple[str, ...]:
    """A GROUP_CONCAT'ed column as a sorted tuple (the engine concatenates in no particular order)."""
    return tuple(sorted((t for t in (str(text).split("; ") if text is not None else ()) if t), key=str.casefold))


def _str(node: Node | None) -> str:
    return str(node) if node is not None else ""


def partnership_listing(
    store,  # noqa: ANN001 - a towngown Store
    catalog: Catalog,
    names: Names,
    filters: Mapping[str, str],
    resolve_enum: Callable[[str], list[str]],
    *,
    with_facets: bool = True,
    index: ListIndex | None = None,
    size: int = PAGE_SIZE,
    offset: int = 0,
) -> Listing:
    """One page (``size`` rows from ``offset``) of the partnerships that pass ``filters`` (area, institution,
    orgtype, actionplan: slug or IRI; year; q), the number of them all, and (``with_facets``) the facet values
    with their counts among all of them (the most frequent ``FACET_VALUES`` per facet, and the chosen ones).
    The filters and counts come from ``index`` (the dataset version's list index; built here when not given),
    the page's rows from ``partnership-list`` bound to the page's partnerships. An unknown filter, or a value
    outside a facet's allowed values, is an InputError naming the parameter."""
    for name in filters:
        if name not in FILTERS:
            raise InputError(f"unknown filter {name!r}; use {', '.join(FILTERS)}", parameter=name)
    if not 1 <= size <= MAX_PAGE_SIZE or offset < 0:
        raise InputError(f"_size must be from 1 to {MAX_PAGE_SIZE}", parameter="_size")
    values = _filter_values(names, filters)
    if index is None:
        index = build_index(store, "")
    chosen: set[int] | None = None
    for name, value in values.items():
        if name in _SLUG_BASES:
            found = index.facets[name].get(value)
            if found is None:  # no partnership has it: refused unless it is an allowed value at all
                catalog.get("partnership-list").bind({name: value}, resolve_enum=resolve_enum)
            positions = set(found) if found is not None else set()
        elif name == "year":
            positions = index.active_in(int(value))
        else:
            positions = positions_of(index, search(store, value))
        chosen = positions if chosen is None else chosen & positions
    selected = sorted(chosen) if chosen is not None else range(len(index.order))
    page = [index.order[i] for i in selected[offset : offset + size]]
    listed = _page_rows(store, catalog, names, page)
    result: dict[str, tuple[FacetValue, ...]] = {name: () for name in _SLUG_BASES}
    if with_facets:
        key = ("facets", tuple(sorted(values.items())))
        result = index.cached(key, lambda: _facets(store, names, index, chosen, values))
    normalised = {name: (filters.get(name) or "").strip() for name in FILTERS if (filters.get(name) or "").strip()}
    return Listing(tuple(listed), result, normalised, len(selected), index.years, offset=offset, size=size)


def _page_rows(store, catalog: Catalog, names: Names, page: list[str]) -> list[Listed]:  # noqa: ANN001
    """The rows of ``partnership-list`` for the given partnerships, in their given order."""
    if not page:
        return []
    rows = store.select(catalog.get("partnership-list").bind({"partnership": page}))
    by_iri = {}
    for row in rows:
        iri = str(row["partnership"])
        by_iri[iri] = Listed(
            iri=iri,
            slug=names.slug(iri),
            path=names.path(iri) or iri,
            label={"nb": _str(row.get("partnership_nb")), "en": _str(row.get("partnership_en"))},
            member_count=int(row["members"].toPython()) if row.get("members") is not None else 0,
            members={"nb": _split(row.get("members_nb")), "en": _split(row.get("members_en"))},
            starts_on=_str(row.get("startsOn")),
            ends_on=_str(row.get("endsOn")),
            terms=_split(row.get("terms")),
            areas={"nb": _split(row.get("areas_nb")), "en": _split(row.get("areas_en"))},
            action_plans={"nb": _split(row.get("actionPlanStatus_nb")), "en": _split(row.get("actionPlanStatus_en"))},
            graph=_str(row.get("graph")),
        )
    return [by_iri[iri] for iri in page if iri in by_iri]


def _facets(
    store, names: Names, index: ListIndex, chosen: set[int] | None, values: Mapping[str, str],  # noqa: ANN001
) -> dict[str, tuple[FacetValue, ...]]:
    """Per facet, its most frequent values among the chosen partnerships (all when None) and the selected ones,
    each with its count, in the order of their names."""
    picked: dict[str, list[tuple[str, int]]] = {}
    for name, by_value in index.facets.items():
        counts = [(iri, len(found) if chosen is None else sum(1 for p in found if p in chosen))
                  for iri, found in by_value.items()]
        top = sorted((c for c in counts if c[1] or values.get(name) == c[0]), key=lambda c: (-c[1], c[0]))
        keep = top[:FACET_VALUES] + [c for c in top[FACET_VALUES:] if values.get(name) == c[0]]
        picked[name] = keep
    labels = value_labels(store, [iri for keep in picked.values() for iri, _ in keep])
    result = {}
    for name, keep in picked.items():
        kind, group = _SLUG_BASES[name]
        prefix = f"{names.concept}{group}/" if kind == "concept" else str(names.instance(group, ""))
        result[name] = tuple(sorted(
            (FacetValue(iri, iri[len(prefix):] if iri.startswith(prefix) and _SLUG.match(iri[len(prefix):]) else iri,
                        labels.get(iri, {"nb": iri, "en": iri}), count, values.get(name) == iri)
             for iri, count in keep),
            key=lambda v: (v.label.get("nb", "").casefold(), v.iri),
        ))
    return result


def dataset_counts(store, names: Names) -> Counts:  # noqa: ANN001 - a towngown Store
    """How many partnerships, organisations (org:Organization), triples and named graphs the store holds."""
    rows = store.select(names.prefixes() + """SELECT ?partnerships ?organisations ?triples ?graphs WHERE {
  { SELECT (COUNT(DISTINCT ?p) AS ?partnerships) WHERE { ?p a tg:UniversityMunicipalityPartnership } }
  { SELECT (COUNT(DISTINCT ?o) AS ?organisations) WHERE { ?o a org:Organization } }
  { SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?g) AS ?graphs) WHERE { GRAPH ?g { ?s ?x ?y } } }
}""")
    row = rows[0] if rows else {}

    def number(name: str) -> int:
        return int(row[name].toPython()) if row.get(name) is not None else 0

    return Counts(number("partnerships"), number("organisations"), number("triples"), number("graphs"))


#: At most this many rows of ``organisation-partnerships`` (one per way of taking part) make an organisation's list.
INVOLVEMENT_ROWS = 200


def organisation_partnerships(
    store, catalog: Catalog, iri: str, limit: int = INVOLVEMENT_ROWS,  # noqa: ANN001 - a towngown Store
) -> tuple[tuple[Involvement, ...], bool]:
    """The first partnerships (in IRI order, from at most ``limit`` rows of the stored query
    ``organisation-partnerships``) an organisation takes part in (directly, through its units or a group, as member
    or as party to a commitment), and whether it takes part in more. Bounded: the engine stops after ``limit + 1``
    rows, and a partnership whose rows may be cut off is left for the full list."""
    rows = store.select(catalog.get("organisation-partnerships").bind({"organisation": iri}, limit=limit + 1))
    more = len(rows) > limit
    if more:
        cut = str(rows[limit]["partnership"])
        whole = [row for row in rows[:limit] if str(row["partnership"]) != cut]
        rows = whole or rows[:limit]  # one partnership over the limit on its own: its first rows
    by_partnership: dict[str, dict] = {}
    for row in rows:
        partnership = str(row["partnership"])
        entry = by_partnership.setdefault(partnership, {
            "label": {"nb": _str(row.get("partnership_nb")), "en": _str(row.get("partnership_en"))},
            "ways": {}, "roles": {"nb": set(), "en": set()}})
        way = (str(row.get("how", "")), str(row.get("via", "")), _str(row.get("participant")))
        entry["ways"].setdefault(way, {"nb": _str(row.get("participant_nb")), "en": _str(row.get("participant_en"))})
        for lang in ("nb", "en"):
            if row.get(f"role_{lang}") is not None:
                entry["roles"][lang].add(str(row[f"role_{lang}"]))
    involvements = [
        Involvement(p, e["label"], tuple((*way, label) for way, label in sorted(e["ways"].items())),
                    {lang: tuple(sorted(r)) for lang, r in e["roles"].items()})
        for p, e in by_partnership.items()
    ]
    return tuple(sorted(involvements, key=lambda i: i.label.get("nb", "").casefold())), more


#: At most this many partnerships listed on a concept's page (the rest are found through /partnerships).
USED_IN_LIMIT = 100


def concept_partnerships(store, names: Names, iri: str, limit: int = USED_IN_LIMIT) -> tuple[tuple[URIRef, ...], bool]:  # noqa: ANN001
    """Up to ``limit`` partnerships whose graph uses a concept (as the value of any property of any node in it),
    sorted by IRI, and whether there are more. Bounded: the engine stops after ``limit + 1``."""
    rows = store.select(names.prefixes() + f"""SELECT DISTINCT ?partnership WHERE {{
  GRAPH ?g {{ ?s ?p {sparql_iri(iri)} }}
  ?g foaf:primaryTopic ?partnership .
  ?partnership a tg:UniversityMunicipalityPartnership .
}} LIMIT {int(limit) + 1}""")
    found = sorted(r["partnership"] for r in rows if isinstance(r.get("partnership"), URIRef))
    return tuple(found[:limit]), len(found) > limit
