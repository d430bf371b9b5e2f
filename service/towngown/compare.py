"""Partnerships side by side: the questionnaire's fields and the computed indicators, each from a stored query.

Every number here comes from a stored query (``queries/*.rq``) run with the partnership bound, so that each number
can link to the query that computes it and a researcher gets the same figure from the API. What the sources do
not state stays ``None`` (shown as "not stated"), never 0: a party whose commitments give no FTE share has an
unknown FTE, and a partnership without PhD posts in the data has an unknown number of PhD posts.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.term import Node

from .catalog import Catalog
from .errors import InputError, NotFound
from .modeldoc import Concept, questionnaire_fields

__all__ = [
    "Partnership",
    "Answer",
    "PartyFte",
    "Term",
    "Status",
    "Indicator",
    "Column",
    "Comparison",
    "INDICATORS",
    "STATUS_FIELDS",
    "CHOOSER_LIMIT",
    "MAX_COLUMNS",
    "RELATED_LIMIT",
    "list_partnerships",
    "related_partnerships",
    "resolve_partnerships",
    "compare",
    "slug_of",
    "text",
]

logger = logging.getLogger(__name__)

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
#: The questionnaire fields whose status the comparison shows as indicators (by field notation).
STATUS_FIELDS = ("12", "13", "14")
_LANGUAGES = ("nb", "en")
#: At most this many partnerships on the page that chooses what to compare (the rest are found through /partnerships).
CHOOSER_LIMIT = 100
#: At most this many 'add' suggestions on a comparison (partnerships that share a member with a column).
RELATED_LIMIT = 24
#: At most this many partnerships in one comparison (each is a column; the cost grows with them).
MAX_COLUMNS = 20
#: The stored queries a column is computed from; each runs once for all columns.
#: They run side by side in this order, the costliest first (as measured at 10 000 partnerships).
_COLUMN_QUERIES = (
    "questionnaire-answers", "committed-resources", "fte-per-10000-inhabitants", "phd-positions",
    "collaboration-areas", "agreement-length", "agreement-terms", "action-plan-milestone-result-status",
)


def text(texts: Mapping[str, str] | None, language: str) -> str:
    """The text in ``language``, else in the other language, else any (empty if none)."""
    if not texts:
        return ""
    for candidate in (language, *_LANGUAGES):
        if texts.get(candidate):
            return texts[candidate]
    return next(iter(texts.values()), "")


def slug_of(iri: str, base_iri: str) -> str | None:
    """The slug of a partnership IRI under ``base_iri`` (``gjovik-ntnu``), or None for any other IRI."""
    prefix = f"{base_iri}id/partnership/"
    return iri[len(prefix):] if iri.startswith(prefix) and _SLUG.match(iri[len(prefix):]) else None


@dataclass(frozen=True)
class Partnership:
    """A partnership that can be compared: its slug, IRI and name."""

    slug: str
    iri: str
    label: Mapping[str, str] = field(hash=False)


@dataclass(frozen=True)
class Answer:
    """One value given for a questionnaire field: a resource (or a number) with its name and explaining notes."""

    value: str
    is_iri: bool
    label: Mapping[str, str] = field(hash=False)
    notes: tuple[Mapping[str, str], ...] = ()
    number: Decimal | None = None
    via: str = ""


@dataclass(frozen=True)
class PartyFte:
    """What one party has committed in staff time: the sum of stated FTE shares, in percent of one FTE.

    ``fte`` is None when none of the party's commitments states a share (unknown, not zero).
    """

    party: str
    label: Mapping[str, str] = field(hash=False)
    fte: Decimal | None
    commitments: int
    without_fte: int


@dataclass(frozen=True)
class Term:
    """One agreement term with its start and end as dates (a year counts from 1 January to 31 December)."""

    iri: str
    kind: Mapping[str, str] = field(hash=False)
    starts_on: date | None
    ends_on: date | None


@dataclass(frozen=True)
class Status:
    """The status a (dated) status report gives for action plans, milestones or results."""

    field: str
    label: Mapping[str, str] = field(hash=False)
    text: Mapping[str, str] = field(hash=False)
    as_of: str | None = None


@dataclass(frozen=True)
class Indicator:
    """A computed row of the comparison: its key, name, unit and the stored query that computes it."""

    key: str
    label: Mapping[str, str] = field(hash=False)
    query: str
    unit: Mapping[str, str] = field(hash=False, default_factory=dict)
    description: Mapping[str, str] = field(hash=False, default_factory=dict)
    field_notation: str | None = None


#: The indicators, in the order the comparison shows them.
INDICATORS: tuple[Indicator, ...] = (
    Indicator("fte-per-party", {"nb": "Avsatte årsverk per part", "en": "Committed FTE per party"}, "committed-resources",
              {"nb": "% av ett årsverk", "en": "% of one FTE"},
              {"nb": "Summen av oppgitte stillingsandeler per part.", "en": "The sum of the stated FTE shares per party."}),
    Indicator("fte-total", {"nb": "Avsatte årsverk i alt", "en": "Committed FTE in total"}, "committed-resources",
              {"nb": "årsverk", "en": "FTE"},
              {"nb": "Summen for alle parter; ukjent hvis ingen part oppgir stillingsandel.", "en": "The total over all parties; unknown if no party states a share."}),
    Indicator("fte-per-10000", {"nb": "Årsverk per 10 000 innbyggere", "en": "FTE per 10,000 inhabitants"}, "fte-per-10000-inhabitants",
              {"nb": "årsverk", "en": "FTE"},
              {"nb": "Avsatte årsverk delt på innbyggertallet i kommunen(e), ganger 10 000.", "en": "Committed FTE divided by the population of the municipality (or municipalities), times 10,000."}),
    Indicator("phd-positions", {"nb": "Ph.d.-stillinger", "en": "PhD positions"}, "phd-positions",
              {"nb": "stillinger", "en": "posts"},
              {"nb": "Ph.d.-stillinger (også offentlig sektor-ph.d.) partene har forpliktet ressurser til.", "en": "PhD posts (including public-sector PhDs) the parties have committed resources to."}),
    Indicator("agreement-years", {"nb": "Avtalens lengde", "en": "Length of the agreement"}, "agreement-length",
              {"nb": "år", "en": "years"},
              {"nb": "Fra tidligste start til seneste slutt av avtaleperiodene.", "en": "From the earliest start to the latest end of the terms."}),
    Indicator("area-count", {"nb": "Antall samarbeidsområder", "en": "Number of collaboration areas"}, "collaboration-areas",
              {"nb": "områder", "en": "areas"},
              {"nb": "Ulike fagområder på partnerskapet, avtalene, forpliktelsene og fokusutsagnene.", "en": "Distinct subject areas on the partnership, its agreements, commitments and focus statements."}),
    Indicator("status-action-plans", {"nb": "Status: handlingsplaner", "en": "Status: action plans"}, "action-plan-milestone-result-status",
              field_notation="12"),
    Indicator("status-milestones", {"nb": "Status: milepæler", "en": "Status: milestones"}, "action-plan-milestone-result-status",
              field_notation="13"),
    Indicator("status-results", {"nb": "Status: resultater", "en": "Status: results"}, "action-plan-milestone-result-status",
              field_notation="14"),
)


@dataclass(frozen=True)
class Column:
    """One partnership's column: its answers per questionnaire field and its indicators."""

    partnership: Partnership
    answers: Mapping[str, tuple[Answer, ...]] = field(hash=False)
    parties: tuple[PartyFte, ...] = ()
    fte_total: Decimal | None = None
    fte_per_10000: Decimal | None = None
    population: Decimal | None = None
    phd_positions: int | None = None
    agreement_years: Decimal | None = None
    agreement_start: date | None = None
    agreement_end: date | None = None
    open_terms: int = 0
    terms: tuple[Term, ...] = ()
    areas: tuple[tuple[str, Mapping[str, str]], ...] = ()
    statuses: Mapping[str, tuple[Status, ...]] = field(hash=False, default_factory=dict)

    @property
    def area_count(self) -> int | None:
        """The number of distinct collaboration areas; None when none is stated."""
        return len(self.areas) or None

    def indicator(self, key: str) -> object:
        """The value of one indicator: a Decimal or int (None when unknown), the parties, or the statuses."""
        if key == "fte-per-party":
            return self.parties
        if key.startswith("status-"):
            notation = next(i.field_notation for i in INDICATORS if i.key == key)
            return self.statuses.get(notation or "", ())
        return {
            "fte-total": self.fte_total,
            "fte-per-10000": self.fte_per_10000,
            "phd-positions": self.phd_positions,
            "agreement-years": self.agreement_years,
            "area-count": self.area_count,
        }[key]


@dataclass(frozen=True)
class Comparison:
    """Partnerships side by side: the fields (rows), the indicators (rows) and one column per partnership."""

    fields: tuple[Concept, ...]
    indicators: tuple[Indicator, ...]
    columns: tuple[Column, ...]
    #: Other partnerships that share a member with a column (only when asked for: the page's 'add' links).
    related: tuple[Partnership, ...] = ()


# --- running the stored queries ---------------------------------------------------------------------------------


def _str(row: Mapping[str, Node], key: str) -> str | None:
    value = row.get(key)
    return None if value is None else str(value)


def _decimal(row: Mapping[str, Node], key: str) -> Decimal | None:
    value = row.get(key)
    if value is None:
        return None
    try:
        return Decimal(str(value.toPython() if isinstance(value, Literal) else value))
    except (InvalidOperation, ValueError):
        logger.warning("not a number in %s: %r", key, value)
        return None


def _date(row: Mapping[str, Node], key: str) -> date | None:
    value = _str(row, key)
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _labels(row: Mapping[str, Node], stem: str) -> dict[str, str]:
    return {lang: str(row[f"{stem}_{lang}"]) for lang in _LANGUAGES if row.get(f"{stem}_{lang}") is not None}


def _run_all(store, catalog: Catalog, name: str, iris: Sequence[str]) -> dict[str, list[dict[str, Node]]]:  # noqa: ANN001
    """The rows of stored query ``name`` run once with every partnership of ``iris`` bound, by partnership."""
    rows = store.table(catalog.get(name).bind({"partnership": list(iris)})).rows
    by_partnership: dict[str, list[dict[str, Node]]] = {iri: [] for iri in iris}
    for row in rows:
        key = _str(row, "partnership")
        if key in by_partnership:
            by_partnership[key].append(row)
    return by_partnership


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """The threads that run a comparison's stored queries side by side (one small pool per process)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="towngown-compare")
        return _pool


def _prefixes(base_iri: str) -> str:
    return (f"PREFIX tg: <{URIRef(base_iri + 'ontology#')}>\n"
            "PREFIX org: <http://www.w3.org/ns/org#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")


_LABELS = """  OPTIONAL { ?x skos:prefLabel ?l_nb FILTER(langMatches(lang(?l_nb), "nb")) }
  OPTIONAL { ?x skos:prefLabel ?l_en FILTER(langMatches(lang(?l_en), "en")) }
} GROUP BY ?x"""


def _named(store, query: str, base_iri: str) -> list[Partnership]:  # noqa: ANN001 - a Store
    """The partnerships (with a slug under ``base_iri``) in the rows of a query over ?x, ?x_nb, ?x_en."""
    found = []
    for row in store.select(query):
        iri = _str(row, "x") or ""
        slug = slug_of(iri, base_iri)
        if slug:
            found.append(Partnership(slug, iri, _labels(row, "x") or {"nb": slug, "en": slug}))
    return found


def _by_name(partnerships: Iterable[Partnership]) -> tuple[Partnership, ...]:
    return tuple(sorted(partnerships, key=lambda p: (text(p.label, "nb").lower(), p.slug)))


def list_partnerships(store, base_iri: str, limit: int = CHOOSER_LIMIT) -> tuple[tuple[Partnership, ...], bool]:  # noqa: ANN001
    """Up to ``limit`` partnerships with a slug under ``base_iri``, sorted by their bokmål name, and whether
    there are more. Bounded: the engine stops after ``limit + 1`` (which ones is the engine's order, not a ranking)."""
    query = _prefixes(base_iri) + f"""SELECT ?x (SAMPLE(?l_nb) AS ?x_nb) (SAMPLE(?l_en) AS ?x_en) WHERE {{
  {{ SELECT ?x WHERE {{ ?x a tg:UniversityMunicipalityPartnership }} LIMIT {int(limit) + 1} }}
{_LABELS}"""
    found = _named(store, query, base_iri)
    return _by_name(found[:limit]), len(found) > limit


def resolve_partnerships(store, base_iri: str, slugs: Sequence[str]) -> dict[str, Partnership]:  # noqa: ANN001
    """The partnerships named by ``slugs`` (well-formed ones) that the store knows, by slug: one query by IRI."""
    if not slugs:
        return {}
    values = " ".join(URIRef(f"{base_iri}id/partnership/{slug}").n3() for slug in slugs)
    query = _prefixes(base_iri) + f"""SELECT ?x (SAMPLE(?l_nb) AS ?x_nb) (SAMPLE(?l_en) AS ?x_en) WHERE {{
  VALUES ?x {{ {values} }}
  ?x a tg:UniversityMunicipalityPartnership .
{_LABELS}"""
    return {p.slug: p for p in _named(store, query, base_iri)}


def related_partnerships(store, base_iri: str, iris: Sequence[str], limit: int = RELATED_LIMIT) -> tuple[Partnership, ...]:  # noqa: ANN001
    """Up to ``limit`` other partnerships that share a member organisation with any of ``iris``, sorted by name.
    Bounded: the engine stops after ``limit`` (which ones is the engine's order, not a ranking)."""
    if not iris:
        return ()
    values = " ".join(URIRef(iri).n3() for iri in iris)
    # The type test is a FILTER EXISTS on purpose: as a triple pattern the planner may start from every partnership.
    query = _prefixes(base_iri) + f"""SELECT ?x (SAMPLE(?l_nb) AS ?x_nb) (SAMPLE(?l_en) AS ?x_en) WHERE {{
  {{ SELECT DISTINCT ?x WHERE {{
    {{ SELECT DISTINCT ?member WHERE {{
      VALUES ?me {{ {values} }}
      {{ ?me org:hasMembership/org:member ?member }} UNION {{ ?m org:organization ?me ; org:member ?member }}
    }} }}
    # the membership first, then its partnership either way (a property path or a UNION of two whole patterns
    # makes the engine start from every membership of a member that takes part in hundreds of partnerships)
    ?theirs org:member ?member .
    {{ ?theirs org:organization ?x }} UNION {{ ?x org:hasMembership ?theirs }}
    FILTER(?x NOT IN ({", ".join(URIRef(iri).n3() for iri in iris)}) && EXISTS {{ ?x a tg:UniversityMunicipalityPartnership }})
  }} LIMIT {int(limit)} }}
{_LABELS}"""
    return _by_name(_named(store, query, base_iri))


def _answers(rows: Iterable[Mapping[str, Node]], fields: Sequence[Concept]) -> dict[str, tuple[Answer, ...]]:
    by_notation = {c.notation for c in fields}
    grouped: dict[str, dict[tuple[str, str], dict]] = {}
    for row in rows:
        notation = _str(row, "fieldNotation")
        value = row.get("value")
        if notation not in by_notation or value is None:
            continue
        number = _decimal(row, "number")
        # Each distinct number is its own answer (e.g. a party's several FTE shares): keeping only the first would
        # show whichever the engine returned first.
        key = (str(value), _str(row, "via") or "", number)
        entry = grouped.setdefault(notation, {}).setdefault(
            key,
            {"value": str(value), "is_iri": isinstance(value, URIRef), "label": _labels(row, "value"), "notes": [],
             "number": number, "via": key[1]},
        )
        note = _labels(row, "text")
        if note and note not in entry["notes"]:
            entry["notes"].append(note)
    result: dict[str, tuple[Answer, ...]] = {}
    for notation, entries in grouped.items():
        # In a fixed order (rows that tie on the query's ORDER BY come in any order).
        ordered = sorted(entries.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] is None, item[0][2] or 0))
        result[notation] = tuple(
            Answer(e["value"], e["is_iri"], e["label"] or {"nb": e["value"], "en": e["value"]}, tuple(e["notes"]), e["number"], e["via"])
            for _, e in ordered
        )
    return result


def _parties(rows: Iterable[Mapping[str, Node]]) -> tuple[PartyFte, ...]:
    parties: dict[str, dict] = {}
    for row in rows:
        party = _str(row, "party")
        if not party:
            continue
        entry = parties.setdefault(party, {"label": _labels(row, "party"), "fte": Decimal(0), "commitments": 0, "without": 0})
        commitments = int(_decimal(row, "commitments") or 0)
        without = int(_decimal(row, "commitmentsWithoutFte") or 0)
        entry["commitments"] += commitments
        entry["without"] += without
        entry["fte"] += _decimal(row, "fte") or Decimal(0)
        entry["label"] = entry["label"] or _labels(row, "party")
    return tuple(
        PartyFte(
            party=iri,
            label=e["label"] or {"nb": iri, "en": iri},
            # a share is known only if at least one commitment states one; otherwise the sum 0 means "not stated"
            fte=e["fte"] if e["commitments"] > e["without"] else None,
            commitments=e["commitments"],
            without_fte=e["without"],
        )
        for iri, e in sorted(parties.items(), key=lambda item: text(item[1]["label"], "nb").lower())
    )


def _statuses(rows: Iterable[Mapping[str, Node]]) -> dict[str, tuple[Status, ...]]:
    result: dict[str, list[Status]] = {}
    for row in rows:
        field_iri = _str(row, "field") or ""
        notation = {"action-plans": "12", "milestones": "13", "results": "14"}.get(field_iri.rsplit("/", 1)[-1])
        if notation is None:
            continue
        label = _labels(row, "status") or _labels(row, "concept")
        status = Status(
            field=field_iri,
            label=label,
            text=_labels(row, "description"),
            as_of=_str(row, "reportDate") or _str(row, "reportNotBefore"),
        )
        if status not in result.setdefault(notation, []):
            result[notation].append(status)
    return {k: tuple(v) for k, v in result.items()}


def _column(rows: Mapping[str, Sequence[Mapping[str, Node]]], partnership: Partnership, fields: Sequence[Concept]) -> Column:
    """One column from the rows of the column queries (``rows`` by query name) for this partnership."""
    committed = rows["committed-resources"]
    parties = _parties(committed)
    known = [p.fte for p in parties if p.fte is not None]
    fte_total = sum(known, Decimal(0)) / 100 if known else None

    per_10000 = rows["fte-per-10000-inhabitants"]
    fte_per_10000 = next((_decimal(r, "partnershipFtePer10000") for r in per_10000 if r.get("partnershipFtePer10000") is not None), None)
    population = next((_decimal(r, "population") for r in per_10000 if r.get("population") is not None), None)

    phd_posts = {str(r["post"]) for r in rows["phd-positions"] if r.get("post") is not None}

    length = rows["agreement-length"]
    length_row = length[0] if length else {}
    years = _decimal(length_row, "years")

    terms = tuple(
        sorted(
            {
                Term(str(r["term"]), _labels(r, "termType"), _date(r, "startsOn"), _date(r, "endsOn"))
                for r in rows["agreement-terms"]
                if r.get("term") is not None
            },
            key=lambda t: (t.starts_on or date.max, t.ends_on or date.max, t.iri),
        )
    )

    areas: dict[str, Mapping[str, str]] = {}
    for row in rows["collaboration-areas"]:
        area = _str(row, "area")
        if area and area not in areas:
            areas[area] = _labels(row, "area") or {"nb": area, "en": area}

    statuses = _statuses(rows["action-plan-milestone-result-status"])
    answers = _answers(rows["questionnaire-answers"], fields)
    return Column(
        partnership=partnership,
        answers=answers,
        parties=parties,
        fte_total=fte_total,
        fte_per_10000=fte_per_10000 if known else None,
        population=population,
        phd_positions=len(phd_posts) or None,
        agreement_years=years,
        agreement_start=_date(length_row, "startsOn"),
        agreement_end=_date(length_row, "endsOn"),
        open_terms=int(_decimal(length_row, "openTerms") or 0),
        terms=terms,
        areas=tuple(sorted(areas.items(), key=lambda item: text(item[1], "nb").lower())),
        statuses=statuses,
    )


def compare(store, catalog: Catalog, slugs: Sequence[str], base_iri: str, *, related: bool = False) -> Comparison:  # noqa: ANN001 - a Store
    """The comparison of the partnerships named by ``slugs`` (in that order, duplicates dropped), and with
    ``related`` the partnerships that share a member with them.

    A slug that is malformed or names no partnership in the store is NotFound, naming it.
    """
    wanted = list(dict.fromkeys(s.strip() for s in slugs if s.strip()))
    if not wanted:
        raise InputError("name at least one partnership with p=<slug>", parameter="p")
    if len(wanted) > MAX_COLUMNS:
        raise InputError(f"compare at most {MAX_COLUMNS} partnerships at a time ({len(wanted)} given)", parameter="p")
    bad = [s for s in wanted if not _SLUG.match(s)]
    if bad:
        raise NotFound(f"no partnership with the slug {bad[0]!r}", parameter="p", slug=bad[0])
    # A slug's IRI is known without asking the store, so resolving the slugs, the related partnerships and every
    # column query (each once for all columns, a VALUES block with a row per partnership) run side by side in one
    # round; the engine answers them on all its cores. The costliest column queries go first.
    iris = [f"{base_iri}id/partnership/{slug}" for slug in wanted]
    pool = _executor()
    resolving = pool.submit(resolve_partnerships, store, base_iri, wanted)
    nearby = pool.submit(related_partnerships, store, base_iri, iris) if related else None
    futures = {name: pool.submit(_run_all, store, catalog, name, iris) for name in _COLUMN_QUERIES}
    known = resolving.result()
    missing = [s for s in wanted if s not in known]
    if missing:
        for future in (*futures.values(), *([nearby] if nearby else [])):
            future.cancel()
        raise NotFound(f"no partnership with the slug {missing[0]!r}", parameter="p", slug=missing[0])
    fields = questionnaire_fields()
    results = {name: future.result() for name, future in futures.items()}
    columns = tuple(_column({name: rows[iri] for name, rows in results.items()}, known[slug], fields)
                    for slug, iri in zip(wanted, iris))
    logger.info("compared %d partnerships: %s", len(columns), ", ".join(wanted))
    return Comparison(fields=fields, indicators=INDICATORS, columns=columns, related=nearby.result() if nearby else ())
