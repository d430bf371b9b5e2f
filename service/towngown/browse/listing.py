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

from ..catalog import Catalog
from ..errors import InputError
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
    """The partnerships that pass the filters, and the facets with counts over them."""

    partnerships: tuple[Listed, ...]
    facets: Mapping[str, tuple[FacetValue, ...]]
    filters: Mapping[str, str]
    total: int
    years: tuple[int, int] | None = None


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
) -> Listing:
    """The partnerships that pass ``filters`` (area, institution, orgtype, actionplan: slug or IRI; year; q)
    and (``with_facets``) every facet value with its count among them. An unknown filter, or a value outside a
    facet's allowed values, is an InputError naming the parameter."""
    for name in filters:
        if name not in FILTERS:
            raise InputError(f"unknown filter {name!r}; use {', '.join(FILTERS)}", parameter=name)
    values = _filter_values(names, filters)
    rows = store.select(catalog.get("partnership-list").bind(values, resolve_enum=resolve_enum))
    listed = []
    for row in rows:
        iri = str(row["partnership"])
        listed.append(Listed(
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
        ))
    shown = {p.iri for p in listed}
    facet_rows = store.select(catalog.get("partnership-facets").sparql) if with_facets else []
    facets: dict[str, dict[str, dict]] = {name: {} for name in _SLUG_BASES}
    for row in facet_rows:
        name = str(row.get("facet", ""))
        if name not in facets or not isinstance(row.get("value"), URIRef):
            continue
        value = str(row["value"])
        entry = facets[name].setdefault(value, {
            "label": {"nb": _str(row.get("value_nb")), "en": _str(row.get("value_en"))}, "partnerships": set()})
        entry["partnerships"].add(str(row["partnership"]))
    result = {}
    for name, entries in facets.items():
        kind, group = _SLUG_BASES[name]
        prefix = f"{names.concept}{group}/" if kind == "concept" else str(names.instance(group, ""))
        result[name] = tuple(sorted(
            (FacetValue(iri, iri[len(prefix):] if iri.startswith(prefix) and _SLUG.match(iri[len(prefix):]) else iri,
                        entry["label"], len(entry["partnerships"] & shown), values.get(name) == iri)
             for iri, entry in entries.items()),
            key=lambda v: (v.label.get("nb", "").casefold(), v.iri),
        ))
    years = sorted({int(d[:4]) for p in listed for d in (p.starts_on, p.ends_on) if d[:4].isdigit()})
    normalised = {name: (filters.get(name) or "").strip() for name in FILTERS if (filters.get(name) or "").strip()}
    return Listing(tuple(listed), result, normalised, len(listed), (years[0], years[-1]) if years else None)


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


def organisation_partnerships(store, catalog: Catalog, iri: str) -> tuple[Involvement, ...]:  # noqa: ANN001
    """The partnerships an organisation takes part in (directly, through its units or a group, as member or as
    party to a commitment), from the stored query ``organisation-partnerships``."""
    rows = store.select(catalog.get("organisation-partnerships").bind({"organisation": iri}))
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
    return tuple(sorted(involvements, key=lambda i: i.label.get("nb", "").casefold()))


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
