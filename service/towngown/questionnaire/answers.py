"""The building step in reverse: the questionnaire answers a partnership graph gives, to edit a published graph.

``answers_of(graph, slug)`` reads graph/<slug> (as ``build`` makes it, or as the server returns it) back into the
questionnaire's rows, cell key -> text ("name_nb", "roles_2", "matched_by": "a; b"); ``form_fields`` lays them out
as the /contribute form's fields. Reading the answers back through ``read_form`` and ``build`` gives the same graph
apart from provenance (the round trip tests check it on the Gjøvik answer). What the questionnaire cannot say
(server provenance, evidence, statements of other shapes) is left out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..concepts import vocabulary
from ..config import DEFAULT_BASE_IRI
from ..vocab import ADMS, CV, DCTERMS, FOAF, ORG, PROV, QUDT, RDF, SCHEMA, SKOS, TG, TIME
from .spec import LANGUAGES, TABLE, TABLES

__all__ = ["Answers", "answers_of", "form_fields"]

logger = logging.getLogger(__name__)

#: Rows per table, each row a mapping of cell key -> the text written in it.
Answers = dict[str, list[dict[str, str]]]

_IDENTIFIER_KEYS = {"organisation-number": "org_number", "ror": "ror", "wikidata": "wikidata",
                    "municipality-number": "municipality_number"}


class _Reader:
    def __init__(self, graph: Graph, slug: str, base: str) -> None:
        self.g = graph
        self.slug = slug
        self.base = base
        self.vocab = vocabulary()
        self.p = URIRef(f"{base}id/partnership/{slug}")
        self.graph_iri = URIRef(f"{base}graph/{slug}")
        self.answers: Answers = {t.name: [] for t in TABLES}

    # ---- values ----------------------------------------------------------------------------------------
    def local(self, node: Node | None, kind: str, scoped: bool = False) -> str | None:
        """The row id an IRI was made from (``id/<kind>/<id>``, or ``id/<kind>/<slug>-<id>`` when scoped)."""
        prefix = f"{self.base}id/{kind}/" + (f"{self.slug}-" if scoped else "")
        text = str(node) if isinstance(node, URIRef) else ""
        return text[len(prefix):] if text.startswith(prefix) and len(text) > len(prefix) else None

    def texts(self, row: dict[str, str], key: str, node: Node, predicate: URIRef) -> None:
        """The text cells <key>_nb / <key>_en (a text without language goes to bokmål)."""
        for value in sorted(self.g.objects(node, predicate), key=str):
            if not isinstance(value, Literal):
                continue
            lang = value.language if value.language in LANGUAGES else "nb"
            row.setdefault(f"{key}_{lang}", str(value))

    def code(self, node: Node | None) -> str | None:
        concept = self.vocab.concept(node) if node is not None else None
        return concept.code if concept is not None else None

    def codes(self, node: Node, predicate: URIRef) -> list[str]:
        return sorted(c for c in (self.code(o) for o in self.g.objects(node, predicate)) if c)

    def one(self, row: dict[str, str], key: str, node: Node, predicate: URIRef) -> None:
        """A plain value cell: a literal's lexical form, or a concept's code."""
        value = self.g.value(node, predicate)
        if value is None:
            return
        if isinstance(value, Literal):
            row[key] = str(value)
        else:
            code = self.code(value)
            if code is not None:
                row[key] = code

    def slots(self, row: dict[str, str], table: str, key: str, values: Iterable[str]) -> None:
        """A column of several values: its numbered cells, or one cell separated by semicolons (``many``)."""
        values = [v for v in values if v]
        if not values:
            return
        column = TABLE[table].column(key)
        if column.many:
            row[key] = "; ".join(values)
            return
        if len(values) > column.slots:
            logger.warning("graph/%s: %d values for %s; the form has room for %d", self.slug, len(values), key, column.slots)
        for index, value in enumerate(values[: column.slots], start=1):
            row[f"{key}_{index}"] = value

    def refs(self, node: Node, predicate: URIRef, kind: str, scoped: bool = False) -> list[str]:
        return sorted(r for r in (self.local(o, kind, scoped) for o in self.g.objects(node, predicate)) if r)

    def ref(self, row: dict[str, str], key: str, node: Node, predicate: URIRef, kind: str, scoped: bool = False) -> None:
        found = self.refs(node, predicate, kind, scoped)
        if found:
            row[key] = found[0]

    def instant(self, node: Node | None) -> str | None:
        if node is None:
            return None
        for predicate in (TIME.inXSDDate, TIME.inXSDgYear, TIME.inXSDgYearMonth):
            value = self.g.value(node, predicate)
            if value is not None:
                return str(value)
        return None

    def interval(self, row: dict[str, str], table: str, node: Node) -> None:
        """The begins / ends cells (and, for a term, the names of its beginning and end) of an interval."""
        for key, link in (("begins", TIME.hasBeginning), ("ends", TIME.hasEnd)):
            instant = self.g.value(node, link)
            when = self.instant(instant)
            if when is not None:
                row[key] = when
            if instant is not None and f"{key}_name_nb" in TABLE[table].cell_columns():
                self.texts(row, f"{key}_name", instant, SKOS.prefLabel)

    def named(self, row: dict[str, str], node: Node) -> dict[str, str]:
        self.texts(row, "name", node, SKOS.prefLabel)
        self.texts(row, "description", node, DCTERMS.description)
        return row

    def add(self, table: str, row: dict[str, str]) -> None:
        if row:
            self.answers[table].append(row)

    def scoped_nodes(self, nodes: Iterable[Node], kind: str) -> list[tuple[str, Node]]:
        """(row id, node) of the partnership's own nodes of ``kind``, in id order."""
        found = {(self.local(n, kind, scoped=True), n) for n in nodes}
        return sorted((i, n) for i, n in found if i)

    # ---- tables ----------------------------------------------------------------------------------------
    def partnership(self) -> None:
        row: dict[str, str] = {}
        self.named(row, self.p)
        self.slots(row, "partnership", "purposes", self.codes(self.p, ORG.purpose))
        self.slots(row, "partnership", "collaboration_areas", self.codes(self.p, TG.collaborationArea))
        self.slots(row, "partnership", "collaboration_forms", self.codes(self.p, TG.collaborationForm))
        self.texts(row, "conflict_notes", self.p, TG.conflictNote)
        self.add("partnership", row)

    def sources(self) -> None:
        for url in sorted(self.g.objects(self.graph_iri, PROV.wasDerivedFrom), key=str):
            if not isinstance(url, URIRef) or str(url).startswith(self.base) or not str(url).startswith(("http://", "https://")):
                continue
            row = {"url": str(url)}
            self.texts(row, "name", url, SKOS.prefLabel)
            self.texts(row, "description", url, DCTERMS.description)
            self.add("sources", row)

    def identifiers(self, row: dict[str, str], node: Node) -> None:
        for identifier in self.g.objects(node, ADMS.identifier):
            key = _IDENTIFIER_KEYS.get(self.code(self.g.value(identifier, DCTERMS.type)) or "")
            notation = self.g.value(identifier, SKOS.notation)
            if key is not None and notation is not None:
                row[key] = str(notation)

    def organisations(self) -> None:
        prefix = f"{self.base}id/organisation/"
        nodes = {s for s in self.g.subjects() if isinstance(s, URIRef) and str(s).startswith(prefix)}
        for node in sorted(nodes, key=str):
            row = {"id": str(node)[len(prefix):]}
            self.texts(row, "name", node, SKOS.prefLabel)
            self.texts(row, "short_name", node, SKOS.altLabel)
            self.one(row, "kind", node, ORG.classification)
            self.ref(row, "unit_of", node, ORG.unitOf, "organisation")
            types = set(self.g.objects(node, RDF.type))
            if ORG.Organization in types and CV.PublicOrganisation not in types:
                row["public"] = "no"
            self.ref(row, "area", node, DCTERMS.spatial, "area")
            self.slots(row, "organisations", "group_of", self.refs(node, FOAF.member, "organisation"))
            self.identifiers(row, node)
            self.add("organisations", row)

    def members(self) -> None:
        for membership in sorted(self.g.objects(self.p, ORG.hasMembership), key=str):
            organisation = self.local(self.g.value(membership, ORG.member), "organisation")
            if organisation is None:
                continue
            row = {"organisation": organisation}
            self.slots(row, "members", "roles", self.codes(membership, ORG.role))
            period = self.g.value(membership, ORG.memberDuring)
            if period is not None:
                self.interval(row, "members", period)
            self.add("members", self.named(row, membership))

    def areas(self) -> None:
        prefix = f"{self.base}id/area/"
        for node in sorted({s for s in self.g.subjects() if str(s).startswith(prefix)}, key=str):
            row = {"id": str(node)[len(prefix):]}
            self.texts(row, "name", node, SKOS.prefLabel)
            self.identifiers(row, node)
            self.add("areas", row)

    def statistics(self) -> None:
        for holder, _, node in sorted(self.g.triples((None, TG.hasStatistic, None)), key=lambda t: str(t[2])):
            row: dict[str, str] = {}
            stat_id = self.local(node, "statistic")
            of = self.local(holder, "area") or self.local(holder, "organisation")
            if stat_id is None or of is None:
                continue
            row.update({"id": stat_id, "of": of})
            self.one(row, "type", node, TG.statisticType)
            self.one(row, "value", node, QUDT.numericValue)
            self.one(row, "minimum", node, TG.minimumValue)
            self.one(row, "maximum", node, TG.maximumValue)
            self.one(row, "qualifier", node, TG.valueQualifier)
            self.one(row, "reference_date", node, TG.referenceDate)
            self.add("statistics", self.named(row, node))

    def anchorings(self) -> None:
        for row_id, node in self.scoped_nodes(self.g.objects(self.p, TG.anchoring), "anchoring"):
            row = {"id": row_id}
            self.ref(row, "organisation", node, TG.anchoringOrganisation, "organisation")
            self.one(row, "level", node, TG.anchoringLevel)
            post = self.g.value(node, TG.anchoredIn)
            post_local = self.local(post, "post")
            if post is not None and post_local and row.get("organisation") and post_local.startswith(row["organisation"] + "-"):
                row["post"] = post_local[len(row["organisation"]) + 1:]
                self.texts(row, "post_name", post, SKOS.prefLabel)
            self.add("anchorings", self.named(row, node))

    def bodies(self) -> None:
        for row_id, node in self.scoped_nodes(self.g.objects(self.p, TG.collaborationBody), "body"):
            row = {"id": row_id}
            if (node, RDF.type, TG.SteeringGroup) in self.g:
                row["steering_group"] = "yes"
            self.texts(row, "members_description", node, TG.membersDescription)
            self.texts(row, "meeting_frequency", node, TG.meetingFrequency)
            self.one(row, "member_count", node, TG.memberCount)
            self.add("bodies", self.named(row, node))

    def arrangements(self) -> None:
        for row_id, node in self.scoped_nodes(self.g.objects(self.p, TG.arrangement), "arrangement"):
            row = {"id": row_id}
            self.one(row, "kind", node, TG.arrangementKind)
            self.one(row, "status", node, TG.agreementStatus)
            self.one(row, "repeat", node, SCHEMA.repeatFrequency)
            self.add("arrangements", self.named(row, node))

    def commitments(self) -> None:
        for row_id, node in self.scoped_nodes(self.g.objects(self.p, TG.hasCommitment), "commitment"):
            row = {"id": row_id}
            self.ref(row, "by", node, TG.committedBy, "organisation")
            self.ref(row, "via", node, TG.providedVia, "organisation")
            self.slots(row, "commitments", "kinds", self.codes(node, TG.commitmentKind))
            for key, predicate in (("fte_share", TG.fteShare), ("cost_share", TG.costShare),
                                   ("position_count", TG.positionCount), ("funding_source", TG.fundingSource),
                                   ("status", TG.agreementStatus)):
                self.one(row, key, node, predicate)
            self.ref(row, "rate_set_by", node, TG.rateSetBy, "organisation")
            self.slots(row, "commitments", "in_collaboration_with", self.refs(node, TG.inCollaborationWith, "organisation"))
            self.slots(row, "commitments", "matched_by", self.refs(node, TG.matchedBy, "commitment", scoped=True))
            self.ref(row, "conditional_on", node, TG.conditionalOn, "application", scoped=True)
            self.slots(row, "commitments", "areas", self.codes(node, TG.collaborationArea))
            post = self.g.value(node, TG.forPost)
            post_id = self.local(post, "post", scoped=True)
            if post is not None and post_id:
                row["post"] = post_id
                self.texts(row, "post_name", post, SKOS.prefLabel)
                self.one(row, "post_role", post, ORG.role)
                self.one(row, "post_duration", post, TG.duration)
            self.add("commitments", self.named(row, node))

    def applications(self) -> None:
        for row_id, node in self.scoped_nodes(self.g.subjects(RDF.type, TG.GrantApplication), "application"):
            row = {"id": row_id}
            self.ref(row, "submitted_to", node, TG.submittedTo, "organisation")
            self.one(row, "status", node, TG.applicationStatus)
            scheme = self.g.value(node, TG.appliesTo)
            scheme_id = self.local(scheme, "funding-scheme")
            if scheme is not None and scheme_id:
                row["scheme"] = scheme_id
                self.texts(row, "scheme_name", scheme, SKOS.prefLabel)
                self.ref(row, "scheme_administered_by", scheme, TG.administeredBy, "organisation")
            self.add("applications", self.named(row, node))

    def funding(self) -> None:
        for row_id, node in self.scoped_nodes(self.g.objects(self.p, TG.funding), "funding"):
            row = {"id": row_id}
            self.slots(row, "funding", "funders", self.refs(node, SCHEMA.funder, "organisation"))
            money = self.g.value(node, SCHEMA.amount)
            if money is not None:
                self.one(row, "amount", money, SCHEMA.value)
                self.one(row, "currency", money, SCHEMA.currency)
            self.add("funding", self.named(row, node))

    def origin(self) -> None:
        node = self.g.value(self.p, PROV.wasGeneratedBy)
        if node is None:
            return
        row: dict[str, str] = {}
        self.slots(row, "origin", "associated_with", self.refs(node, PROV.wasAssociatedWith, "organisation"))
        self.slots(row, "origin", "influenced_by", self.refs(node, PROV.wasInfluencedBy, "partnership"))
        self.add("origin", self.named(row, node))

    def terms(self) -> None:
        for row_id, node in self.scoped_nodes(self.g.objects(self.p, TG["term"]), "term"):
            row = {"id": row_id}
            self.one(row, "type", node, TG.termType)
            self.interval(row, "terms", node)
            self.add("terms", self.named(row, node))

    def agreements(self) -> None:
        for row_id, node in self.scoped_nodes(self.g.subjects(RDF.type, TG.PartnershipAgreement), "agreement"):
            row = {"id": row_id}
            self.ref(row, "part_of", node, DCTERMS.isPartOf, "agreement", scoped=True)
            self.one(row, "ordinal", node, TG.ordinal)
            self.slots(row, "agreements", "areas", self.codes(node, TG.collaborationArea))
            self.add("agreements", self.named(row, node))

    def milestones(self) -> None:
        for row_id, node in self.scoped_nodes(self.g.objects(self.p, TG.milestone), "milestone"):
            row = {"id": row_id}
            self.one(row, "date", node, DCTERMS.date)
            self.texts(row, "date_text", node, TG.dateText)
            self.add("milestones", self.named(row, node))

    def results(self) -> None:
        for row_id, node in self.scoped_nodes(self.g.objects(self.p, TG.result), "result"):
            row = {"id": row_id}
            self.one(row, "count", node, TG["count"])
            self.add("results", self.named(row, node))

    def report_and_lessons(self) -> None:
        reports = self.scoped_nodes(self.g.subjects(TG.reportsOn, self.p), "report")
        for _, report in reports[:1]:
            row = {"id": self.local(report, "report", scoped=True) or "questionnaire"}
            self.one(row, "date", report, DCTERMS.date)
            self.one(row, "not_before", report, TG.notBefore)
            self.texts(row, "name", report, SKOS.prefLabel)
            self.add("report", row)
            for row_id, node in self.scoped_nodes(self.g.objects(report, TG.lesson), "lesson"):
                lesson = {"id": row_id}
                self.one(lesson, "topic", node, TG.lessonTopic)
                self.add("lessons", self.named(lesson, node))
            self.statements(self.g.objects(report, TG.statement), so_far=True)
        self.statements(self.g.objects(self.p, TG.statement), so_far=False)

    def statements(self, nodes: Iterable[Node], *, so_far: bool) -> None:
        for row_id, node in self.scoped_nodes(nodes, "statement"):
            row = {"id": row_id}
            self.one(row, "field", node, TG.field)
            if so_far:
                row["so_far"] = "yes"
            concept = self.vocab.concept(self.g.value(node, TG.concept))
            if concept is not None:
                row["concept"] = f"{concept.scheme}:{concept.code}"
            self.one(row, "status", node, TG.status)
            self.slots(row, "statements", "references", self.refs(node, DCTERMS.references, "organisation"))
            self.add("statements", self.named(row, node))

    def read(self) -> Answers:
        for section in (self.partnership, self.sources, self.organisations, self.members, self.areas, self.statistics,
                        self.anchorings, self.bodies, self.arrangements, self.commitments, self.applications,
                        self.funding, self.origin, self.terms, self.agreements, self.milestones, self.results,
                        self.report_and_lessons):
            section()
        return self.answers


def answers_of(graph: Graph, slug: str, *, base_iri: str = DEFAULT_BASE_IRI) -> Answers:
    """The questionnaire answers graph/<slug> gives: rows per table, cell key -> text."""
    return _Reader(graph, slug, base_iri).read()


def form_fields(answers: Mapping[str, list[Mapping[str, str]]]) -> dict[str, str]:
    """The answers as /contribute form fields: ``<table>-<cell>`` for a single table, ``<table>-<i>-<cell>`` and
    ``<table>-rows`` for the others."""
    fields: dict[str, str] = {}
    for table in TABLES:
        rows = answers.get(table.name, [])
        if table.single:
            for key, value in (rows[0] if rows else {}).items():
                fields[f"{table.name}-{key}"] = value
            continue
        fields[f"{table.name}-rows"] = str(len(rows))
        for index, row in enumerate(rows):
            for key, value in row.items():
                fields[f"{table.name}-{index}-{key}"] = value
    return fields
