"""A partnership laid out as the questionnaire: its 15 fields in order (5a base resources inside 5), the resource
commitments as a table with totals per party, the agreement terms on a timeline, and every status statement with
the date of the report it belongs to.

The data comes from the partnership's own named graph (the graph whose ``foaf:primaryTopic`` it is), read in one
query; which field a fact answers comes from the ontology (``tg:questionnaireField`` on its property) or, for a
sourced statement, from its ``tg:field``.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS
from rdflib.term import Node

from ..vocab import ORG, TIME
from .describe import FetchedPage, ResourcePage, build_page, fetch_page
from .names import Names, sparql_iri
from .terms import NAMING_KINDS, Presenter, Row, TermCache, Value, info_from_rows, info_pattern

__all__ = [
    "Card",
    "Group",
    "Section",
    "CommitmentLine",
    "PartyTotal",
    "Commitments",
    "TermBar",
    "Timeline",
    "Questionnaire",
    "partnership_graph",
    "questionnaire",
    "context_query",
    "partnership_page",
    "browse_page",
    "RELATED_LIMIT",
]

logger = logging.getLogger(__name__)

#: Properties a card never repeats: the name and text are its heading, the rest is said by the section.
_CARD_SKIP = (RDF.type, SKOS.prefLabel, DCTERMS.description, ORG.organization)
#: At most this many 'compare with' links on a partnership page (partnerships sharing a member organisation).
RELATED_LIMIT = 24
_TIMELINE_WIDTH = 640
_TIMELINE_LEFT = 8
_TIMELINE_RIGHT = 8


@dataclass(frozen=True)
class Card:
    """One answer: a linked node (or a value) with its text, its own properties and its sources."""

    value: Value
    text: str = ""
    text_lang: str = ""
    rows: tuple[Row, ...] = ()
    evidence: tuple[int, ...] = ()
    report: Value | None = None
    report_date: str = ""
    report_not_before: str = ""
    context: Value | None = None


@dataclass(frozen=True)
class Group:
    """The answers given with one property (or one kind of statement) within a field."""

    property: Value
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class CommitmentLine:
    """One resource commitment as a table row."""

    commitment: Value
    parties: tuple[Value, ...]
    units: tuple[Value, ...]
    kinds: tuple[Value, ...]
    post: Value | None
    position: Value | None
    fte: Decimal | None
    cost: Decimal | None
    positions: int | None
    phd: bool
    conditional: bool
    conditions: tuple[Value, ...]
    text: str
    text_lang: str
    evidence: tuple[int, ...]


@dataclass(frozen=True)
class PartyTotal:
    """What one party (or, with ``party`` None, everyone) commits: FTE, PhD positions, conditional lines."""

    party: Value | None
    commitments: int
    fte: Decimal
    without_fte: int
    phd: int
    phd_conditional: int
    conditional: int


@dataclass(frozen=True)
class Commitments:
    """Field 5a: the commitment lines and their totals per party."""

    lines: tuple[CommitmentLine, ...]
    totals: tuple[PartyTotal, ...]
    total: PartyTotal


@dataclass(frozen=True)
class TermBar:
    """One agreement term: as stated, as dates, and where its bar lies on the timeline (in SVG units)."""

    term: Value
    kind: Value | None
    begin: str
    end: str
    starts_on: date | None
    ends_on: date | None
    duration: str
    text: str
    text_lang: str
    evidence: tuple[int, ...]
    x: float = 0.0
    width: float = 0.0
    open_start: bool = False
    open_end: bool = False
    drawn: bool = False


@dataclass(frozen=True)
class Timeline:
    """The terms on one horizontal axis of whole years; ``ticks`` are (year, x) pairs."""

    bars: tuple[TermBar, ...]
    first_year: int
    last_year: int
    width: int
    ticks: tuple[tuple[int, float], ...]
    today_x: float | None


@dataclass(frozen=True)
class Section:
    """One questionnaire field with what the sources answer to it."""

    field: Value
    notation: str
    anchor: str
    groups: tuple[Group, ...] = ()
    subsections: tuple["Section", ...] = ()
    commitments: Commitments | None = None
    timeline: Timeline | None = None

    @property
    def empty(self) -> bool:
        """True when the sources answer nothing to this field (and its sub-fields)."""
        return not self.groups and self.commitments is None and self.timeline is None and all(s.empty for s in self.subsections)


@dataclass(frozen=True)
class Questionnaire:
    """A partnership page's questionnaire part, the facts that answer no field, and the partnerships it can be
    compared with (those that share a member organisation, at most RELATED_LIMIT)."""

    sections: tuple[Section, ...]
    other_rows: tuple[Row, ...]
    others: tuple[tuple[str, Value], ...] = field(default=())  # (slug, partnership)
    slug: str = ""


def partnership_graph(store, names: Names, iri: str) -> Graph:  # noqa: ANN001 - a towngown Store
    """Every triple of the graph(s) whose foaf:primaryTopic is the partnership (empty if there is none)."""
    # A SELECT of the triples into a context-free in-memory graph: parsing the JSON answer and adding the triples
    # costs about a third of parsing the same triples as N-Triples into rdflib's default store (blank node labels
    # hold within one result, as in a CONSTRUCT); the questionnaire's many lookups are faster there too.
    rows = store.select(
        names.prefixes()
        + f"SELECT ?s ?p ?o WHERE {{ ?g foaf:primaryTopic {sparql_iri(iri)} . GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    graph = Graph(store="SimpleMemory")
    for row in rows:
        if "s" in row and "p" in row and "o" in row:
            graph.add((row["s"], row["p"], row["o"]))
    return graph


def context_query(names: Names, iri: str, limit: int = RELATED_LIMIT) -> str:
    """The questionnaire's field concepts and up to ``limit`` other partnerships that share a member organisation
    with partnership ``iri`` (for the 'compare with' links) with the texts that name them (?ikind, ?v; see
    terms.NAMING_KINDS): bounded, whatever the number of partnerships."""
    scheme = sparql_iri(str(names.scheme("field")))
    me = sparql_iri(iri)
    # Members first (a handful), then their other memberships; LIMIT without ORDER BY lets the engine stop after
    # ``limit`` matches (the page sorts them by name). The type test is a FILTER EXISTS on purpose: as a triple
    # pattern the engine's planner may start from every partnership. The membership is one variable with the
    # UNION over its two directions inside: a UNION of the two whole paths made the engine read every membership
    # of a member before LIMIT (0.25 s for a university in 800 partnerships; 1 ms now). Their names join the few
    # chosen ones here, so the page need not ask for them in a later round of queries.
    return names.prefixes() + f"""SELECT DISTINCT ?kind ?x ?ikind ?v WHERE {{
  {{ ?x skos:inScheme {scheme} BIND("field" AS ?kind) }}
  UNION {{
    {{ SELECT ?x ("partnership" AS ?kind) WHERE {{
      SELECT DISTINCT ?x WHERE {{
        {{ SELECT DISTINCT ?member WHERE {{
          {{ {me} org:hasMembership/org:member ?member }} UNION {{ ?m org:organization {me} ; org:member ?member }}
        }} }}
        ?theirs org:member ?member .
        {{ ?theirs org:organization ?x }} UNION {{ ?x org:hasMembership ?theirs }}
        FILTER(?x != {me} && EXISTS {{ ?x a tg:UniversityMunicipalityPartnership }})
      }} LIMIT {int(limit)}
    }} }}
    OPTIONAL {{ {info_pattern(NAMING_KINDS, kind="ikind")} }}
  }}
}}"""


def partnership_page(
    store,  # noqa: ANN001 - a towngown Store
    names: Names,
    iri: str,
    language: str,
    *,
    incoming_property: str | None = None,
    incoming_page: int = 1,
    term_cache: TermCache | None = None,
    version: Callable[[], str] | None = None,
) -> tuple[ResourcePage, Questionnaire]:
    """A partnership's page data in two rounds of queries run side by side: its graph, the fields and the
    partnerships that share a member with it (at most RELATED_LIMIT) beside the first queries of every resource
    page; then the names of the terms of the graph beside one page of incoming links (see describe.fetch_page).
    With a ``term_cache`` and ``version``, vocabulary terms are named from the cache."""
    fetched, found = _fetch_partnership(store, names, iri, incoming_property, incoming_page, term_cache, version)
    return _partnership(fetched, found, names, language)


def browse_page(
    store,  # noqa: ANN001 - a towngown Store
    names: Names,
    iri: str,
    language: str,
    *,
    incoming_property: str | None = None,
    incoming_page: int = 1,
    term_cache: TermCache | None = None,
    version: Callable[[], str] | None = None,
) -> tuple[ResourcePage, Questionnaire | None]:
    """The page data of any resource, with the questionnaire when it is a partnership (an rdf:type in its
    description). An IRI under ``id/partnership/`` is taken for a partnership at once, so its graph is fetched
    beside its description; a wrong guess either way costs one more round of queries, never a different page."""
    kind = str(names.tg.UniversityMunicipalityPartnership)
    options = {"term_cache": term_cache, "version": version}
    if iri.startswith(str(names.instance("partnership", ""))):
        fetched, found = _fetch_partnership(store, names, iri, incoming_property, incoming_page, term_cache, version)
        if _is_a(fetched, kind):
            return _partnership(fetched, found, names, language)
        return build_page(fetched, names, language), None
    fetched, _ = fetch_page(store, names, iri, incoming_property=incoming_property, incoming_page=incoming_page,
                            **options)
    if _is_a(fetched, kind):
        return partnership_page(store, names, iri, language, incoming_property=incoming_property,
                                incoming_page=incoming_page, **options)
    return build_page(fetched, names, language), None


def _is_a(fetched: FetchedPage, kind: str) -> bool:
    return any(str(t) == kind for t in fetched.description.objects(URIRef(fetched.iri), RDF.type))


def _fetch_partnership(
    store,  # noqa: ANN001 - a towngown Store
    names: Names,
    iri: str,
    incoming_property: str | None,
    incoming_page: int,
    term_cache: TermCache | None,
    version: Callable[[], str] | None,
) -> tuple[FetchedPage, tuple[Graph, list[dict]]]:
    def context() -> list[dict]:
        return store.select(context_query(names, iri))

    def graph_terms(results: list) -> set[URIRef]:
        # the partnerships to compare with are named by the context query already
        graph, rows = results
        terms = {n for t in graph for n in t if isinstance(n, URIRef)}
        return terms | {row["x"] for row in rows if isinstance(row.get("x"), URIRef) and str(row.get("kind")) == "field"}

    fetched, (graph, rows) = fetch_page(
        store, names, iri, incoming_property=incoming_property, incoming_page=incoming_page,
        also=(lambda: partnership_graph(store, names, iri), context), extra_terms=graph_terms,
        term_cache=term_cache, version=version,
    )
    # what the page asked about itself (every text of every term) wins over the names of the compare-with links
    naming = info_from_rows([r for r in rows if str(r.get("kind")) == "partnership"], kind="ikind")
    return replace(fetched, info={**naming, **fetched.info}), (graph, rows)


def _partnership(fetched: FetchedPage, found: tuple[Graph, list[dict]], names: Names,
                 language: str) -> tuple[ResourcePage, Questionnaire]:
    graph, rows = found
    fields: dict[URIRef, None] = {}
    partnerships: dict[URIRef, None] = {}
    for row in rows:  # a partnership comes once per text that names it
        if isinstance(row.get("x"), URIRef):
            (fields if str(row.get("kind")) == "field" else partnerships)[row["x"]] = None
    page = build_page(fetched, names, language, with_rows=False)
    source = graph if len(graph) else page.presenter.graph
    presenter = Presenter(source, page.presenter.info, names, language, page.presenter.evidences)
    answers = questionnaire(presenter, fetched.iri, fields, partnerships)
    return replace(page, evidences=tuple(presenter.evidences.items)), answers


def questionnaire(presenter: Presenter, iri: str, fields: Iterable[URIRef], partnerships: Iterable[URIRef]) -> Questionnaire:
    """The questionnaire view of partnership ``iri`` from its graph (``presenter.graph``), with its fields
    in tg:order (a field with a skos:broader is a sub-field of it) and 'compare with' links to ``partnerships``."""
    return _Builder(presenter, URIRef(iri)).build(list(fields), list(partnerships))


class _Builder:
    def __init__(self, presenter: Presenter, partnership: URIRef) -> None:
        self.p = presenter
        self.g = presenter.graph
        self.info = presenter.info
        self.tg = presenter.names.tg
        self.names = presenter.names
        self.me = partnership
        self.groups: dict[URIRef, dict[str, tuple[Value, list[Card]]]] = {}
        self.used: set[Node] = set()

    # -- helpers ------------------------------------------------------------------------------------------

    def add(self, field_iri: URIRef, key: str, heading: Value, card: Card) -> None:
        by_key = self.groups.setdefault(field_iri, {})
        by_key.setdefault(key, (heading, []))[1].append(card)

    def card(self, node: Node, *, via: URIRef | None = None, parent: Node | None = None, skip: Iterable[URIRef] = ()) -> Card:
        """A node as an answer: named node -> link, its description and other properties; sources of the node
        itself plus those of ``parent`` for the linking property ``via``."""
        evidence: set[int] = set()
        if parent is not None and via is not None:
            evidence |= set(self.p.cite(parent, via))
        if isinstance(node, URIRef) and (node, None, None) in self.g:
            text, lang = self.p.text(node, DCTERMS.description)
            if text and " ".join(text.split()) == self.p.label(node)[0]:
                text, lang = "", ""  # the heading already says it (an unnamed node is named by its text)
            rows = tuple(self.p.rows(node, exclude=(*_CARD_SKIP, *skip)))
            evidence |= set(self.p.cite_all(node))
            return Card(self.p.value(node), text, lang, rows, tuple(sorted(evidence)))
        return Card(self.p.value(node), evidence=tuple(sorted(evidence)))

    def field_of(self, predicate: URIRef) -> URIRef | None:
        info = self.info.get(predicate)
        if not info or not info.fields:
            return None
        return min(info.fields, key=lambda f: (self.order(f), str(f)))

    def order(self, field_iri: URIRef) -> int:
        info = self.info.get(field_iri)
        return info.order if info and info.order is not None else 999

    # -- the answers --------------------------------------------------------------------------------------

    def build(self, fields: list[URIRef], partnerships: list[URIRef]) -> Questionnaire:
        tg, me, g = self.tg, self.me, self.g
        field = self.names.field
        other: list[URIRef] = []
        commitments = sorted(o for o in g.objects(me, tg.hasCommitment) if isinstance(o, URIRef))
        terms = [o for o in g.objects(me, tg["term"])]
        for predicate, obj in sorted(g.predicate_objects(me), key=lambda po: (str(po[0]), str(po[1]))):
            if predicate in (RDF.type, SKOS.prefLabel, tg.evidence, tg.statement, tg.hasCommitment, tg["term"]):
                continue
            if predicate == ORG.hasMembership:
                self.membership(obj)
                continue
            target = self.field_of(predicate)
            if target is None:
                other.append(predicate)
                continue
            self.add(target, str(predicate), self.p.property(predicate), self.card(obj, via=predicate, parent=me))
        # memberships stated only from the membership's side
        for membership in sorted(set(g.subjects(ORG.organization, me)) - set(g.objects(me, ORG.hasMembership))):
            self.membership(membership)
        # statements: on the partnership, and in the dated reports on it
        for statement in sorted(g.objects(me, tg.statement)):
            self.statement(statement, None)
        for report in sorted(g.subjects(tg.reportsOn, me)):
            for statement in sorted(g.objects(report, tg.statement)):
                self.statement(statement, report)
            for lesson in sorted(g.objects(report, tg.lesson)):
                target = self.field_of(tg.lesson) or field("lessons-learned")
                card = self.card(lesson, via=tg.lesson, parent=report)
                self.add(target, str(tg.lesson), self.p.property(tg.lesson), self.dated(card, report))
        # agreements that establish the partnership, and their parts
        agreements = sorted(set(g.subjects(tg.establishes, me)))
        parts = sorted({part for a in agreements for part in g.subjects(DCTERMS.isPartOf, a)} - set(agreements))
        for agreement in [*agreements, *parts]:
            self.add(self.field_of(tg.establishes) or field("focus"), "agreements", self.p.property(tg.establishes),
                     self.card(agreement, skip=(tg.establishes, tg["term"])))
            terms += list(g.objects(agreement, tg["term"]))
        # bodies that are units of the partnership without being listed as its collaboration bodies
        listed = set(g.objects(me, tg.collaborationBody))
        for body in sorted(set(g.subjects(ORG.unitOf, me)) - listed):
            self.add(field("organisation-and-resources"), str(tg.collaborationBody), self.p.property(tg.collaborationBody),
                     self.card(body, skip=(ORG.unitOf,)))
        self.size()

        sections = self.sections(fields, commitments, terms)
        others = tuple(
            (self.names.slug(str(p)), self.p.value(p))
            for p in sorted(partnerships, key=lambda p: self.p.label(p)[0].casefold())
            if p != me
        )
        other_rows = tuple(r for r in self.p.rows(me, exclude=()) if URIRef(r.property.iri) in set(other))
        return Questionnaire(tuple(sections), other_rows, others, self.names.slug(str(me)))

    def membership(self, membership: Node) -> None:
        field = self.names.field
        if membership in self.used:
            return
        self.used.add(membership)
        card = self.card(membership, via=ORG.hasMembership, parent=self.me)
        self.add(field("participants"), "memberships", self.p.property(ORG.hasMembership), card)
        initiating = {f"{self.names.scheme('role')}/initiator", f"{self.names.scheme('role')}/driving-force"}
        if {str(r) for r in self.g.objects(membership, ORG.role)} & initiating:
            self.add(field("initiators"), "memberships", self.p.property(ORG.role), card)

    def statement(self, statement: Node, report: Node | None) -> None:
        target = self.g.value(statement, self.tg.field)
        if not isinstance(target, URIRef):
            return
        card = self.card(statement, via=self.tg.statement, parent=self.me if report is None else report,
                         skip=(self.tg.field,))
        key = "status" if report is not None else "statements"
        heading = self.p.property(self.tg.statement)
        self.add(target, key, heading, self.dated(card, report) if report is not None else card)

    def dated(self, card: Card, report: Node | None) -> Card:
        if report is None:
            return card
        date_value = self.g.value(report, DCTERMS.date)
        not_before = self.g.value(report, self.tg.notBefore)
        return replace(card, report=self.p.value(report), report_date=str(date_value) if date_value is not None else "",
                       report_not_before=str(not_before) if not_before is not None else "")

    def size(self) -> None:
        tg, g = self.tg, self.g
        members = [m for ms in g.objects(self.me, ORG.hasMembership) for m in g.objects(ms, ORG.member)]
        members += [m for ms in g.subjects(ORG.organization, self.me) for m in g.objects(ms, ORG.member)]
        seen: set[Node] = set()
        for member in sorted(set(members)):
            holders = [member, *g.objects(member, DCTERMS.spatial)]
            for holder in holders:
                for statistic in sorted(g.objects(holder, tg.hasStatistic)):
                    if statistic in seen:
                        continue
                    seen.add(statistic)
                    card = replace(self.card(statistic, via=tg.hasStatistic, parent=holder),
                                   context=self.p.value(holder))
                    self.add(self.field_of(tg.hasStatistic) or self.names.field("size"), str(tg.hasStatistic),
                             self.p.property(tg.hasStatistic), card)

    # -- sections -----------------------------------------------------------------------------------------

    def sections(self, fields: list[URIRef], commitments: list[URIRef], terms: list[Node]) -> list[Section]:
        ordered = sorted(fields, key=lambda f: (self.order(f), str(f)))
        children: dict[URIRef, list[URIRef]] = {}
        top: list[URIRef] = []
        for f in ordered:
            parents = [a for a in (self.info[f].ancestors if f in self.info else ()) if a in fields]
            (children.setdefault(parents[0], []) if parents else top).append(f)
        base_resources = self.names.field("base-resources")
        duration = self.names.field("duration")

        def section(f: URIRef) -> Section:
            info = self.info.get(f)
            notation = info.text("notation", "")[0] if info else ""
            groups = tuple(Group(heading, tuple(cards)) for _, (heading, cards) in sorted(
                self.groups.get(f, {}).items(), key=lambda kv: _group_order(kv[0])))
            table = self.commitments(commitments) if f == base_resources and commitments else None
            timeline = self.timeline(terms) if f == duration and terms else None
            return Section(self.p.value(f), notation, "field-" + (notation or self.names.slug(str(f))), groups,
                           tuple(section(c) for c in children.get(f, [])), table, timeline)

        return [section(f) for f in top]

    def commitments(self, nodes: list[URIRef]) -> Commitments:
        tg, g = self.tg, self.g
        phd_roles = {f"{self.names.scheme('position')}/phd", f"{self.names.scheme('position')}/public-sector-phd"}
        lines = []
        for node in nodes:
            post = g.value(node, tg.forPost)
            position = g.value(post, ORG.role) if post is not None else None
            ancestors = self.info[position].ancestors if isinstance(position, URIRef) and position in self.info else frozenset()
            phd = position is not None and (str(position) in phd_roles or any(str(a) in phd_roles for a in ancestors))
            conditions = sorted(g.objects(node, tg.conditionalOn))
            conditional = bool(conditions) or (node, RDF.type, tg.ConditionalCommitment) in g
            count = _integer(g.value(node, tg.positionCount))
            text, lang = self.p.text(node, DCTERMS.description)
            lines.append(CommitmentLine(
                self.p.value(node),
                tuple(self.p.value(o) for o in sorted(g.objects(node, tg.committedBy))),
                tuple(self.p.value(o) for o in sorted(g.objects(node, tg.providedVia))),
                tuple(self.p.value(o) for o in sorted(g.objects(node, tg.commitmentKind))),
                self.p.value(post) if post is not None else None,
                self.p.value(position) if position is not None else None,
                _decimal(g.value(node, tg.fteShare)), _decimal(g.value(node, tg.costShare)),
                count, phd, conditional, tuple(self.p.value(c) for c in conditions), text, lang,
                tuple(sorted(set(self.p.cite_all(node)) | set(self.p.cite(self.me, tg.hasCommitment)))),
            ))
        lines.sort(key=lambda l: ([p.text.casefold() for p in l.parties], l.commitment.text.casefold()))
        parties: dict[str, Value] = {}
        for line in lines:
            for party in line.parties:
                parties.setdefault(party.iri, party)
        totals = tuple(_total(party, [l for l in lines if party.iri in {p.iri for p in l.parties}])
                       for party in sorted(parties.values(), key=lambda v: v.text.casefold()))
        return Commitments(tuple(lines), totals, _total(None, lines))

    def timeline(self, nodes: list[Node]) -> Timeline:
        g = self.g
        bars = []
        for node in sorted(set(nodes)):
            begin_node = g.value(node, TIME.hasBeginning)
            end_node = g.value(node, TIME.hasEnd)
            begin, starts_on = _instant(g, begin_node, first=True)
            end, ends_on = _instant(g, end_node, first=False)
            duration = g.value(node, TIME.hasXSDDuration)
            text, lang = self.p.text(node, DCTERMS.description)
            kind = g.value(node, self.tg.termType)
            bars.append(TermBar(self.p.value(node), self.p.value(kind) if kind is not None else None, begin, end,
                                starts_on, ends_on, str(duration) if duration is not None else "", text, lang,
                                tuple(sorted(set(self.p.cite_all(node)) | set(self.p.cite(self.me, self.tg["term"]))))))
        known = [d for b in bars for d in (b.starts_on, b.ends_on) if d is not None]
        if not known:
            return Timeline(tuple(bars), 0, 0, _TIMELINE_WIDTH, (), None)
        first, last = min(d.year for d in known), max(d.year for d in known)
        today = date.today()
        first, last = min(first, last), max(last, first) + 1
        span = _TIMELINE_WIDTH - _TIMELINE_LEFT - _TIMELINE_RIGHT

        def x(day: date) -> float:
            return round(_TIMELINE_LEFT + span * ((day.year - first) + (day.timetuple().tm_yday - 1) / 366) / (last - first), 1)

        placed = []
        for bar in sorted(bars, key=lambda b: (b.starts_on or b.ends_on or date.max, b.term.text)):
            if bar.starts_on is None and bar.ends_on is None:
                placed.append(bar)
                continue
            x1 = x(bar.starts_on) if bar.starts_on else _TIMELINE_LEFT
            x2 = x(bar.ends_on) if bar.ends_on else _TIMELINE_WIDTH - _TIMELINE_RIGHT
            placed.append(TermBar(**{**bar.__dict__, "x": x1, "width": max(2.0, round(x2 - x1, 1)),
                                     "open_start": bar.starts_on is None, "open_end": bar.ends_on is None, "drawn": True}))
        step = 1 if last - first <= 12 else 2 if last - first <= 24 else 5
        ticks = tuple((year, x(date(year, 1, 1))) for year in range(first, last + 1) if (year - first) % step == 0)
        today_x = x(today) if first <= today.year < last else None
        return Timeline(tuple(placed), first, last, _TIMELINE_WIDTH, ticks, today_x)


def _group_order(key: str) -> tuple[int, str]:
    # memberships and the properties first, then agreements, then statements, then dated status statements
    rank = {"memberships": 0, "agreements": 2, "statements": 3, "status": 4}
    return (rank.get(key, 1), key)


def _total(party: Value | None, lines: list[CommitmentLine]) -> PartyTotal:
    fte = sum((l.fte for l in lines if l.fte is not None), Decimal(0))
    phd = sum(((l.positions or 1) for l in lines if l.phd), 0)
    phd_conditional = sum(((l.positions or 1) for l in lines if l.phd and l.conditional), 0)
    return PartyTotal(party, len(lines), fte, sum(1 for l in lines if l.fte is None), phd, phd_conditional,
                      sum(1 for l in lines if l.conditional))


def _decimal(node: Node | None) -> Decimal | None:
    if isinstance(node, Literal):
        try:
            return Decimal(str(node))
        except InvalidOperation:
            return None
    return None


def _integer(node: Node | None) -> int | None:
    if isinstance(node, Literal):
        try:
            return int(str(node))
        except ValueError:
            return None
    return None


def _instant(g: Graph, node: Node | None, *, first: bool) -> tuple[str, date | None]:
    """An instant as stated (date, year-month or year) and as a date: a year or month counts from its first day
    for a beginning and to its last day for an end."""
    if node is None:
        return "", None
    for predicate in (TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear, TIME.inXSDDateTimeStamp):
        value = g.value(node, predicate)
        if value is None:
            continue
        text = str(value)
        try:
            year = int(text[:4])
            if len(text) >= 10 and text[4] == "-" and text[7] == "-":
                return text, date(year, int(text[5:7]), int(text[8:10]))
            if len(text) >= 7 and text[4] == "-":
                month = int(text[5:7])
                return text, date(year, month, 1 if first else calendar.monthrange(year, month)[1])
            return text, date(year, 1, 1) if first else date(year, 12, 31)
        except ValueError:
            return text, None
    return "", None
