"""Turn a filled-in questionnaire into the partnership's named graph, with IRIs as docs/model.md names them.

IRIs are derived from the partnership's slug and the rows' ids, so the same answers always give the same graph:
organisations, areas, statistics, the posts of an organisation and funding schemes exist outside any one
partnership and keep their id (``id/organisation/<id>``, ``id/post/<organisation>-<post>``); everything else
belongs to the partnership (``id/<kind>/<slug>-<id>``). Provenance: the graph describes itself and the submitted
document (file name, media type, SHA-256), and every row's node carries ``tg:evidence`` pointing at the row
(RFC 5147 lines for YAML, the row's cells for XLSX).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from ..concepts import Concept, vocabulary
from ..config import DEFAULT_BASE_IRI
from ..vocab import (
    ADMS, CV, DCAT, DCTERMS, FOAF, OA, ORG, PROV, QUDT, RDF, SCHEMA, SKOS, TG, TIME, UNIT, XSD, bind_prefixes,
)
from .model import Cell, Problems, Questionnaire, Row
from .spec import LANGUAGES, TABLE, Column, Table

__all__ = ["KnownOrganisation", "Built", "build", "without_provenance", "SLUG", "LICENSE"]

logger = logging.getLogger(__name__)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
RFC5147 = URIRef("http://tools.ietf.org/rfc/rfc5147")

_GOVERNMENT = {"municipality", "county-municipality"}
_HIGHER_EDUCATION = {"university", "university-college", "higher-education-institution"}
_TRUE = {"ja", "yes", "true", "1", "x", "j", "y", "ja — yes"}
_FALSE = {"nei", "no", "false", "0", "n", "nei — no"}
_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NORWEGIAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
#: External identifiers: how each is written (after spaces are taken out), its notation, and the IRI it matches.
_IDENTIFIERS: dict[str, tuple[re.Pattern[str], str, str | None, tuple[str, str]]] = {
    "organisation-number": (re.compile(r"^(\d{9})$"), "{}", None, ("ni sifre", "nine digits")),
    "municipality-number": (re.compile(r"^(\d{4})$"), "{}", None, ("fire sifre, for eksempel 3407", "four digits, such as 3407")),
    "ror": (re.compile(r"^(?:https?://)?(?:ror\.org/)?(0[a-z0-9]{6}\d{2})$"), "https://ror.org/{}", "https://ror.org/{}",
            ("en ROR-id, for eksempel https://ror.org/05xg72x27", "a ROR id, such as https://ror.org/05xg72x27")),
    "wikidata": (re.compile(r"^(?:https?://(?:www\.)?wikidata\.org/(?:wiki|entity)/)?(Q[1-9]\d*)$"), "{}",
                 "http://www.wikidata.org/entity/{}", ("et Q-nummer, for eksempel Q314536", "a Q number, such as Q314536")),
}


@dataclass(frozen=True)
class KnownOrganisation:
    """An organisation already in towngown, offered for reuse: the form may name it by id alone."""

    id: str
    name: Mapping[str, str]
    kind: str | None = None
    unit_of: str | None = None
    public: bool = True


@dataclass(frozen=True)
class Built:
    """The graph built from a questionnaire, and where each node came from (for located validation messages)."""

    dataset: Dataset
    graph: Graph
    graph_iri: URIRef
    partnership: URIRef
    slug: str
    origins: Mapping[Node, str]

    def trig(self) -> str:
        """The dataset as TriG."""
        return self.dataset.serialize(format="trig")

    def where(self, node: Node | None) -> str | None:
        """Where the row that made ``node`` was written, if the questionnaire made it."""
        return self.origins.get(node) if node is not None else None


def _lexical_decimal(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 20, 20.5, 0.25."""
    if value == value.to_integral_value():
        return str(value.to_integral_value())
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class _Builder:
    def __init__(self, questionnaire: Questionnaire, slug: str, base: str,
                 known: Mapping[str, KnownOrganisation]) -> None:
        self.q = questionnaire
        self.slug = slug
        self.base = base
        self.known = dict(known)
        self.vocab = vocabulary()
        self.problems = Problems()
        self.graph_iri = URIRef(f"{base}graph/{slug}")
        self.dataset = Dataset()
        bind_prefixes(self.dataset)
        self.dataset.bind("schema", SCHEMA, override=True, replace=True)
        self.g = self.dataset.graph(self.graph_iri)
        self.p = self.iri("partnership", slug)
        self.source = self.iri("source", f"{slug}-questionnaire-{questionnaire.source.sha256[:12]}")
        self.origins: dict[Node, str] = {}
        self.ids: dict[str, dict[str, Row]] = {}
        self.described_orgs: set[str] = set()
        self.report: URIRef | None = None

    # ---- helpers -------------------------------------------------------------------------------------
    def iri(self, kind: str, local: str) -> URIRef:
        return URIRef(f"{self.base}id/{kind}/{local}")

    def scoped(self, kind: str, row_id: str) -> URIRef:
        return self.iri(kind, f"{self.slug}-{row_id}")

    def add(self, s: Node, p: Node, o: Node | None) -> None:
        if o is not None:
            self.g.add((s, p, o))

    def bnode(self, *parts: object) -> BNode:
        """A blank node with a stable id, so the same answers serialise the same way."""
        digest = hashlib.sha1("|".join(str(p) for p in (self.slug, *parts)).encode()).hexdigest()[:20]
        return BNode(f"q{digest}")

    def problem(self, row: Row | None, table: Table, column: Column | str | None, cell: Cell | None,
                nb: str, en: str) -> None:
        key = column.key if isinstance(column, Column) else column
        if cell is not None:
            where = cell.where
        elif row is not None:
            first = column.cells()[0] if isinstance(column, Column) else key
            where = row.where_of(first) if first else row.where
        else:
            where = ""
        row_id = None
        if row is not None:
            value = row.value("id")
            row_id = str(value) if value is not None else (str(row.value("organisation")) if row.value("organisation") else None)
        field_ = table.field
        if isinstance(column, Column) and column.field:
            field_ = column.field
        if table.name == "statements" and row is not None and row.value("field"):
            found = self.vocab.scheme("field").find(str(row.value("field")))
            field_ = found.code if found else field_
        self.problems.add(where, table.name, key, field_, nb, en, row_id)

    def mark(self, node: Node, row: Row) -> None:
        """Remember where ``node`` came from and attach evidence pointing at the row."""
        self.origins.setdefault(node, row.where)
        if self.q.source.kind == "form":
            return
        evidence = self.bnode("evidence", node, row.where)
        self.add(node, TG.evidence, evidence)
        self.add(evidence, RDF.type, OA.SpecificResource)
        self.add(evidence, OA.hasSource, self.source)
        selector = self.bnode("selector", node, row.where)
        if row.lines is not None:
            first, last = row.lines
            self.add(evidence, OA.hasSelector, selector)
            self.add(selector, RDF.type, OA.FragmentSelector)
            self.add(selector, DCTERMS.conformsTo, RFC5147)
            self.add(selector, RDF.value, Literal(f"line={first - 1},{last}"))
            self.add(selector, TG.fromLine, Literal(first))
            self.add(selector, TG.toLine, Literal(last))
        elif "!" in row.where:
            sheet, _, cell = row.where.partition("!")
            number = re.sub(r"^[A-Z]+", "", cell)
            self.add(evidence, OA.hasSelector, selector)
            self.add(selector, RDF.type, OA.FragmentSelector)
            self.add(selector, RDF.value, Literal(f"{sheet}!{number}:{number}"))

    # ---- values --------------------------------------------------------------------------------------
    def texts(self, node: Node, predicate: URIRef, row: Row, key: str) -> None:
        for lang in LANGUAGES:
            cell = row.get(f"{key}_{lang}")
            if cell is not None:
                text = str(cell.value).strip()
                if text:
                    self.add(node, predicate, Literal(text, lang=lang))

    def has_text(self, row: Row, key: str) -> bool:
        return any(row.get(f"{key}_{lang}") is not None for lang in LANGUAGES)

    def items(self, row: Row, key: str) -> list[Cell]:
        cell = row.get(key)
        if cell is None:
            return []
        return list(cell.value) if isinstance(cell.value, list) else [cell]

    def concept(self, row: Row, table: Table, column: Column, cell: Cell) -> URIRef | None:
        value = str(cell.value).strip()
        if column.kind == "anyconcept":
            found: Concept | None = self.vocab.find_any(value)
            if found is None:
                self.problem(row, table, column, cell, f"ukjent begrep {value!r}: skriv «skjema:kode», for eksempel «role:driving-force»",
                             f"unknown concept {value!r}: write 'scheme:code', such as 'role:driving-force'")
                return None
            return found.iri
        scheme = self.vocab.scheme(column.scheme or "")
        found = scheme.find(value)
        if found is None:
            codes = ", ".join(c.code for c in scheme)
            self.problem(row, table, column, cell, f"ukjent verdi {value!r}; velg en av: {codes}",
                         f"unknown value {value!r}; choose one of: {codes}")
            return None
        return found.iri

    def concepts(self, row: Row, table: Table, key: str) -> list[URIRef]:
        column = table.column(key)
        found = [self.concept(row, table, column, cell) for cell in self.items(row, key)]
        return [c for c in found if c is not None]

    def one_concept(self, row: Row, table: Table, key: str) -> URIRef | None:
        cell = row.get(key)
        return self.concept(row, table, table.column(key), cell) if cell is not None else None

    def ref_id(self, row: Row, table: Table, column: Column, cell: Cell) -> tuple[str, str] | None:
        """(target table, id) of a reference, or None (with a problem) when nothing has that id."""
        value = str(cell.value).strip()
        if isinstance(cell.value, float) and cell.value.is_integer():
            value = str(int(cell.value))
        for target in column.targets:
            if value in self.ids.get(target, {}):
                return target, value
        if "organisations" in column.targets and value in self.known:
            return "organisations", value
        where = " / ".join(TABLE[t].label["nb"] for t in column.targets)
        where_en = " / ".join(TABLE[t].label["en"] for t in column.targets)
        self.problem(row, table, column, cell, f"ingen rad i {where} har id {value!r}",
                     f"no row in {where_en} has the id {value!r}")
        return None

    def ref(self, row: Row, table: Table, key: str) -> URIRef | None:
        cell = row.get(key)
        if cell is None:
            return None
        found = self.ref_id(row, table, table.column(key), cell)
        return self.target_iri(*found) if found else None

    def refs(self, row: Row, table: Table, key: str) -> list[URIRef]:
        column = table.column(key)
        out = []
        for cell in self.items(row, key):
            found = self.ref_id(row, table, column, cell)
            if found:
                out.append(self.target_iri(*found))
        return out

    def target_iri(self, table: str, row_id: str) -> URIRef:
        if table == "organisations":
            if row_id not in self.ids.get("organisations", {}):
                self.describe_known(row_id)
            return self.iri("organisation", row_id)
        if table == "areas":
            return self.iri("area", row_id)
        if table == "commitments":
            return self.scoped("commitment", row_id)
        if table == "applications":
            return self.scoped("application", row_id)
        if table == "agreements":
            return self.scoped("agreement", row_id)
        raise KeyError(table)

    def number(self, row: Row, table: Table, key: str) -> Decimal | None:
        cell = row.get(key)
        if cell is None:
            return None
        column = table.column(key)
        value = cell.value
        try:
            if isinstance(value, bool):
                raise InvalidOperation
            if isinstance(value, (int, Decimal)):
                number = Decimal(value)
            elif isinstance(value, float):
                number = Decimal(repr(value))
            else:
                text = str(value).strip().replace("\u00a0", "").replace(" ", "").rstrip("%").replace(",", ".")
                number = Decimal(text)
            if not number.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            self.problem(row, table, column, cell, f"{value!r} er ikke et tall", f"{value!r} is not a number")
            return None
        if column.kind == "percent" and not (0 <= number <= 100):
            self.problem(row, table, column, cell, f"{value!r} er ikke en prosent mellom 0 og 100",
                         f"{value!r} is not a percentage between 0 and 100")
            return None
        if column.kind == "integer":
            if number != number.to_integral_value() or number < 0:
                self.problem(row, table, column, cell, f"{value!r} er ikke et helt tall (0 eller mer)",
                             f"{value!r} is not a whole number (0 or more)")
                return None
        return number

    def decimal(self, row: Row, table: Table, key: str) -> Literal | None:
        number = self.number(row, table, key)
        return None if number is None else Literal(_lexical_decimal(number), datatype=XSD.decimal)

    def integer(self, row: Row, table: Table, key: str) -> Literal | None:
        number = self.number(row, table, key)
        return None if number is None else Literal(int(number))

    def quantity(self, row: Row, table: Table, key: str) -> Literal | None:
        """A count or measure: an integer when whole, else a decimal."""
        number = self.number(row, table, key)
        if number is None:
            return None
        if number == number.to_integral_value():
            return Literal(int(number))
        return Literal(_lexical_decimal(number), datatype=XSD.decimal)

    def time(self, row: Row, table: Table, key: str, *, date_only: bool = False) -> Literal | None:
        cell = row.get(key)
        if cell is None:
            return None
        column = table.column(key)
        value = cell.value
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return Literal(value.isoformat(), datatype=XSD.date)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        try:
            if match := _ISO_DATE.match(text):
                day = dt.date(int(match[1]), int(match[2]), int(match[3]))
                return Literal(day.isoformat(), datatype=XSD.date)
            if match := _NORWEGIAN_DATE.match(text):
                day = dt.date(int(match[3]), int(match[2]), int(match[1]))
                return Literal(day.isoformat(), datatype=XSD.date)
            if not date_only and _YEAR.match(text):
                return Literal(text, datatype=XSD.gYear)
            if not date_only and (match := _YEAR_MONTH.match(text)) and 1 <= int(match[2]) <= 12:
                return Literal(text, datatype=XSD.gYearMonth)
        except ValueError:
            pass
        if date_only:
            nb, en = f"{text!r} er ikke en dato (2026-12-31)", f"{text!r} is not a date (2026-12-31)"
        else:
            nb = f"{text!r} er ikke et år (2021), en måned (2021-05) eller en dato (2021-05-17)"
            en = f"{text!r} is not a year (2021), a month (2021-05) or a date (2021-05-17)"
        self.problem(row, table, column, cell, nb, en)
        return None

    def duration(self, row: Row, table: Table, key: str) -> Literal | None:
        cell = row.get(key)
        if cell is None:
            return None
        text = str(cell.value).strip().upper()
        if not _DURATION.match(text):
            self.problem(row, table, table.column(key), cell,
                         f"{cell.value!r} er ikke en varighet (P1Y er ett år, P6M seks måneder)",
                         f"{cell.value!r} is not a duration (P1Y is one year, P6M six months)")
            return None
        return Literal(text, datatype=XSD.duration)

    def boolean(self, row: Row, table: Table, key: str, default: bool) -> bool:
        cell = row.get(key)
        if cell is None:
            return default
        if isinstance(cell.value, bool):
            return cell.value
        text = str(cell.value).strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self.problem(row, table, table.column(key), cell, f"{cell.value!r}: skriv ja eller nei",
                     f"{cell.value!r}: write yes or no")
        return default

    def string(self, row: Row, key: str) -> str | None:
        value = row.value(key)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip() or None

    def slug_value(self, row: Row, table: Table, key: str) -> str | None:
        """A value that becomes part of an IRI: lower-case letters, digits and hyphens."""
        text = self.string(row, key)
        if text is None:
            return None
        if not SLUG.match(text):
            self.problem(row, table, table.column(key), row.get(key),
                         f"{text!r} kan ikke brukes som id: bruk små bokstaver a–z, tall og bindestrek",
                         f"{text!r} cannot be an id: use lower-case letters a–z, digits and hyphens")
            return None
        return text

    def url(self, row: Row, table: Table, key: str) -> URIRef | None:
        """A web address (http or https), as an IRI."""
        text = self.string(row, key)
        if text is None:
            return None
        if not _URL.match(text):
            self.problem(row, table, table.column(key), row.get(key),
                         f"{text!r} er ikke en nettadresse (https://...)", f"{text!r} is not a web address (https://...)")
            return None
        return URIRef(text)

    def identifier(self, node: URIRef, row: Row, table: Table, key: str) -> None:
        """An external identifier of ``node`` (adms:identifier), and the IRI it matches (skos:exactMatch)."""
        value = row.value(key)
        if value is None:
            return
        column = table.column(key)
        scheme = column.scheme or ""
        if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
            value = str(int(value)).zfill(4 if scheme == "municipality-number" else 9)
        text = "".join(str(value).split())
        pattern, notation, match_iri, (what_nb, what_en) = _IDENTIFIERS[scheme]
        found = pattern.match(text)
        concept = self.vocab.scheme("idtype").find(scheme)
        if found is None or concept is None:
            self.problem(row, table, column, row.get(key), f"{value!r} er ikke {what_nb}", f"{value!r} is not {what_en}")
            return
        identifier = self.bnode("identifier", node, scheme)
        self.add(node, ADMS.identifier, identifier)
        self.add(identifier, RDF.type, ADMS.Identifier)
        self.add(identifier, SKOS.notation, Literal(notation.format(found[1])))
        self.add(identifier, DCTERMS.type, concept.iri)
        if match_iri is not None:
            self.add(node, SKOS.exactMatch, URIRef(match_iri.format(found[1])))

    def interval(self, node: URIRef, row: Row, table: Table, begins: str, ends: str) -> bool:
        """Add the beginning and end of the interval ``node`` (time:Instant nodes <node>-beginning / -end) from
        the row's two time cells; True when either was given."""
        given = False
        for key, link, suffix in ((begins, TIME.hasBeginning, "beginning"), (ends, TIME.hasEnd, "end")):
            when = self.time(row, table, key)
            if when is None:
                continue
            given = True
            instant = URIRef(f"{node}-{suffix}")
            self.mark(instant, row)
            self.add(node, link, instant)
            self.add(instant, RDF.type, TIME.Instant)
            if f"{key}_name_nb" in table.cell_columns():
                self.texts(instant, SKOS.prefLabel, row, f"{key}_name")
            predicate = {XSD.gYear: TIME.inXSDgYear, XSD.gYearMonth: TIME.inXSDgYearMonth}.get(when.datatype, TIME.inXSDDate)
            self.add(instant, predicate, when)
        return given

    # ---- ids -------------------------------------------------------------------------------------------
    def collect_ids(self) -> None:
        for table in TABLE.values():
            if table.single or "id" not in {c.key for c in table.columns}:
                continue
            seen: dict[str, Row] = {}
            for row in self.q.rows(table.name):
                if table.name == "statistics" and row.get("id") is None:
                    continue
                row_id = self.slug_value(row, table, "id")
                if row_id is None:
                    if row.get("id") is None:
                        self.problem(row, table, "id", None, "raden mangler id", "the row has no id")
                    continue
                if row_id in seen:
                    self.problem(row, table, "id", row.get("id"), f"id-en {row_id!r} er brukt før (ved {seen[row_id].where})",
                                 f"the id {row_id!r} is used twice (first at {seen[row_id].where})")
                    continue
                seen[row_id] = row
            self.ids[table.name] = seen

    def required(self) -> None:
        for table in TABLE.values():
            for row in self.q.rows(table.name):
                if table.name == "organisations" and self.string(row, "id") in self.known:
                    continue  # an organisation towngown knows: what is left empty comes from there
                for column in table.columns:
                    if not column.required or column.key == "id":
                        continue
                    present = self.has_text(row, column.key) if column.kind == "text" else row.get(column.key) is not None
                    if not present:
                        self.problem(row, table, column, None, "må fylles ut", "must be filled in")

    # ---- sections ----------------------------------------------------------------------------------------
    def partnership(self) -> None:
        table = TABLE["partnership"]
        row = self.q.record("partnership")
        self.add(self.p, RDF.type, TG.UniversityMunicipalityPartnership)
        self.add(self.p, RDF.type, SCHEMA.Project)
        if row is None:
            self.problems.add("", "partnership", "name", None, "samarbeidet mangler navn", "the partnership has no name")
            return
        self.mark(self.p, row)
        self.texts(self.p, SKOS.prefLabel, row, "name")
        self.texts(self.p, DCTERMS.description, row, "description")
        for concept in self.concepts(row, table, "purposes"):
            self.add(self.p, ORG.purpose, concept)
        for concept in self.concepts(row, table, "collaboration_areas"):
            self.add(self.p, TG.collaborationArea, concept)
        for concept in self.concepts(row, table, "collaboration_forms"):
            self.add(self.p, TG.collaborationForm, concept)
        self.texts(self.p, TG.conflictNote, row, "conflict_notes")

    def sources(self) -> None:
        table = TABLE["sources"]
        for row in self.q.rows("sources"):
            url = self.url(row, table, "url")
            if url is None:
                continue
            self.mark(url, row)
            self.add(self.graph_iri, PROV.wasDerivedFrom, url)
            self.add(url, RDF.type, FOAF.Document)
            self.texts(url, SKOS.prefLabel, row, "name")
            self.texts(url, DCTERMS.description, row, "description")

    def organisation_types(self, node: URIRef, kind: str | None, unit: bool, public: bool, group: bool = False) -> None:
        if group:
            self.add(node, RDF.type, TG.OrganisationGroup)
            return
        if unit:
            self.add(node, RDF.type, ORG.OrganizationalUnit)
            return
        self.add(node, RDF.type, ORG.Organization)
        if public:
            self.add(node, RDF.type, CV.PublicOrganisation)
        if kind in _GOVERNMENT:
            self.add(node, RDF.type, SCHEMA.GovernmentOrganization)
        if kind in _HIGHER_EDUCATION:
            self.add(node, RDF.type, SCHEMA.CollegeOrUniversity)

    def organisations(self) -> None:
        table = TABLE["organisations"]
        for org_id, row in self.ids.get("organisations", {}).items():
            node = self.iri("organisation", org_id)
            self.described_orgs.add(org_id)
            self.mark(node, row)
            known = self.known.get(org_id)
            self.texts(node, SKOS.prefLabel, row, "name")
            if known is not None and not self.has_text(row, "name"):
                for lang, text in known.name.items():
                    if lang in LANGUAGES and text:
                        self.add(node, SKOS.prefLabel, Literal(text, lang=lang))
            self.texts(node, SKOS.altLabel, row, "short_name")
            kind = self.one_concept(row, table, "kind")
            if kind is None and row.get("kind") is None and known is not None and known.kind:
                kind = URIRef(f"{self.base}id/concept/orgtype/{known.kind}")
            self.add(node, ORG.classification, kind)
            parent = self.ref(row, table, "unit_of")
            if parent is None and row.get("unit_of") is None and known is not None and known.unit_of:
                parent = self.target_iri("organisations", known.unit_of) if (
                    known.unit_of in self.ids.get("organisations", {}) or known.unit_of in self.known) else None
            self.add(node, ORG.unitOf, parent)
            members = self.refs(row, table, "group_of")
            if node in members:
                self.problem(row, table, "group_of", row.get("group_of"), "en gruppe kan ikke være medlem av seg selv",
                             "a group cannot be a member of itself")
            for member in members:
                if member != node:
                    self.add(node, FOAF.member, member)
            self.organisation_types(node, str(kind).rsplit("/", 1)[-1] if kind else None, parent is not None,
                                    self.boolean(row, table, "public", known.public if known is not None else True),
                                    group=row.get("group_of") is not None)
            self.add(node, DCTERMS.spatial, self.ref(row, table, "area"))
            for key in ("org_number", "ror", "wikidata"):
                self.identifier(node, row, table, key)

    def describe_known(self, org_id: str) -> None:
        """Describe an organisation of towngown that the answers name by id only (names, kind, parent)."""
        if org_id in self.described_orgs or org_id not in self.known:
            return
        self.described_orgs.add(org_id)
        known = self.known[org_id]
        node = self.iri("organisation", org_id)
        for lang, text in known.name.items():
            if lang in LANGUAGES and text:
                self.add(node, SKOS.prefLabel, Literal(text, lang=lang))
        if known.kind:
            self.add(node, ORG.classification, URIRef(f"{self.base}id/concept/orgtype/{known.kind}"))
        parent = None
        if known.unit_of:
            parent = self.iri("organisation", known.unit_of)
            self.add(node, ORG.unitOf, parent)
            if known.unit_of not in self.ids.get("organisations", {}):
                self.describe_known(known.unit_of)
        self.organisation_types(node, known.kind, parent is not None, known.public)
        self.origins.setdefault(node, "towngown")

    def members(self) -> None:
        table = TABLE["members"]
        seen: dict[str, Row] = {}
        for row in self.q.rows("members"):
            cell = row.get("organisation")
            if cell is None:
                continue
            found = self.ref_id(row, table, table.column("organisation"), cell)
            if found is None:
                continue
            org_id = found[1]
            if org_id in seen:
                self.problem(row, table, "organisation", cell, f"{org_id!r} er allerede deltaker (ved {seen[org_id].where})",
                             f"{org_id!r} is already a member (at {seen[org_id].where})")
                continue
            seen[org_id] = row
            membership = self.iri("membership", f"{self.slug}-{org_id}")
            self.mark(membership, row)
            self.add(self.p, ORG.hasMembership, membership)
            self.add(membership, RDF.type, ORG.Membership)
            self.add(membership, ORG.member, self.target_iri("organisations", org_id))
            self.add(membership, ORG.organization, self.p)
            for role in self.concepts(row, table, "roles"):
                self.add(membership, ORG.role, role)
            period = self.scoped("term", f"membership-{org_id}")
            if self.interval(period, row, table, "begins", "ends"):
                self.mark(period, row)
                self.add(membership, ORG.memberDuring, period)
                self.add(period, RDF.type, TIME.ProperInterval)
            self.texts(membership, SKOS.prefLabel, row, "name")
            self.texts(membership, DCTERMS.description, row, "description")

    def areas(self) -> None:
        table = TABLE["areas"]
        for area_id, row in self.ids.get("areas", {}).items():
            node = self.iri("area", area_id)
            self.mark(node, row)
            self.add(node, RDF.type, CV.AdminUnit)
            self.add(node, RDF.type, SCHEMA.AdministrativeArea)
            self.texts(node, SKOS.prefLabel, row, "name")
            self.identifier(node, row, table, "municipality_number")

    def statistics(self) -> None:
        table = TABLE["statistics"]
        used: dict[str, Row] = {}
        for row in self.q.rows("statistics"):
            of_cell = row.get("of")
            kind = self.one_concept(row, table, "type")
            found = self.ref_id(row, table, table.column("of"), of_cell) if of_cell is not None else None
            if found is None or kind is None:
                continue
            stat_id = self.slug_value(row, table, "id") if row.get("id") is not None else None
            if stat_id is None and row.get("id") is not None:
                continue
            stat_id = stat_id or f"{found[1]}-{str(kind).rsplit('/', 1)[-1]}"
            if stat_id in used:
                self.problem(row, table, "id", row.get("id"),
                             f"id-en {stat_id!r} er brukt før (ved {used[stat_id].where}); gi tallene hver sin id",
                             f"the id {stat_id!r} is used twice (first at {used[stat_id].where}); give each figure its own id")
                continue
            used[stat_id] = row
            node = self.iri("statistic", stat_id)
            self.mark(node, row)
            self.add(self.target_iri(*found), TG.hasStatistic, node)
            self.add(node, RDF.type, TG.StatisticalValue)
            self.add(node, TG.statisticType, kind)
            value, low, high = (self.quantity(row, table, k) for k in ("value", "minimum", "maximum"))
            if value is None and low is None and high is None and not self.problems_at(row):
                self.problem(row, table, "value", None, "oppgi en verdi (eller minst og høyst)",
                             "give a value (or a minimum and maximum)")
            self.add(node, QUDT.numericValue, value)
            self.add(node, TG.minimumValue, low)
            self.add(node, TG.maximumValue, high)
            self.add(node, QUDT.unit, UNIT.KiloM2 if str(kind).endswith("/area") else UNIT.NUM)
            self.add(node, TG.valueQualifier, self.one_concept(row, table, "qualifier"))
            self.add(node, TG.referenceDate, self.time(row, table, "reference_date"))
            self.texts(node, SKOS.prefLabel, row, "name")
            self.texts(node, DCTERMS.description, row, "description")

    def problems_at(self, row: Row) -> bool:
        wheres = {row.where, *(c.where for c in row.cells.values())}
        return any(p.where in wheres for p in self.problems.items)

    def anchorings(self) -> None:
        table = TABLE["anchorings"]
        for row_id, row in self.ids.get("anchorings", {}).items():
            node = self.scoped("anchoring", row_id)
            self.mark(node, row)
            self.add(self.p, TG.anchoring, node)
            self.add(node, RDF.type, TG.Anchoring)
            level = self.one_concept(row, table, "level")
            self.add(node, TG.anchoringLevel, level)
            organisation = self.ref(row, table, "organisation")
            self.add(node, TG.anchoringOrganisation, organisation)
            self.texts(node, SKOS.prefLabel, row, "name")
            self.texts(node, DCTERMS.description, row, "description")
            post_id = self.slug_value(row, table, "post")
            if post_id is None and (self.has_text(row, "post_name")) and row.get("post") is None:
                self.problem(row, table, "post", None, "gi stillingen en id", "give the post an id")
            if post_id is None:
                continue
            org_cell = row.get("organisation")
            if org_cell is None:
                self.problem(row, table, "organisation", None, "en stilling må høre til en organisasjon",
                             "a post must belong to an organisation")
                continue
            if organisation is None:
                continue
            post = self.iri("post", f"{organisation.rsplit('/', 1)[-1]}-{post_id}")
            self.mark(post, row)
            self.add(node, TG.anchoredIn, post)
            self.add(post, RDF.type, ORG.Post)
            self.texts(post, SKOS.prefLabel, row, "post_name")
            self.add(post, ORG.postIn, organisation)
            self.add(post, ORG.role, level)

    def bodies(self) -> None:
        table = TABLE["bodies"]
        for row_id, row in self.ids.get("bodies", {}).items():
            node = self.scoped("body", row_id)
            self.mark(node, row)
            self.add(self.p, TG.collaborationBody, node)
            self.add(node, RDF.type, TG.CollaborationBody)
            if self.boolean(row, table, "steering_group", False):
                self.add(node, RDF.type, TG.SteeringGroup)
            self.add(node, ORG.unitOf, self.p)
            self.texts(node, SKOS.prefLabel, row, "name")
            self.texts(node, TG.membersDescription, row, "members_description")
            self.texts(node, TG.meetingFrequency, row, "meeting_frequency")
            self.add(node, TG.memberCount, self.integer(row, table, "member_count"))
            self.texts(node, DCTERMS.description, row, "description")

    def arrangements(self) -> None:
        table = TABLE["arrangements"]
        for row_id, row in self.ids.get("arrangements", {}).items():
            node = self.scoped("arrangement", row_id)
            self.mark(node, row)
            self.add(self.p, TG.arrangement, node)
            self.add(node, RDF.type, TG.GovernanceArrangement)
            self.add(node, TG.arrangementKind, self.one_concept(row, table, "kind"))
            self.add(node, TG.agreementStatus, self.one_concept(row, table, "status"))
            self.add(node, SCHEMA.repeatFrequency, self.duration(row, table, "repeat"))
            self.texts(node, SKOS.prefLabel, row, "name")
            self.texts(node, DCTERMS.description, row, "description")

    def commitments(self) -> None:
        table = TABLE["commitments"]
        own_effort = self.vocab.scheme("commit").find("own-effort")
        for row_id, row in self.ids.get("commitments", {}).items():
            node = self.scoped("commitment", row_id)
            self.mark(node, row)
            self.add(self.p, TG.hasCommitment, node)
            kinds = self.concepts(row, table, "kinds")
            if own_effort is not None and own_effort.iri in kinds:
                self.add(node, RDF.type, TG.InKindContribution)
            if row.get("conditional_on") is not None:
                self.add(node, RDF.type, TG.ConditionalCommitment)
            self.add(node, RDF.type, TG.ResourceCommitment)
            self.add(node, RDF.type, SCHEMA.Grant)
            self.texts(node, SKOS.prefLabel, row, "name")
            self.texts(node, DCTERMS.description, row, "description")
            self.add(node, TG.committedBy, self.ref(row, table, "by"))
            self.add(node, TG.providedVia, self.ref(row, table, "via"))
            for kind in kinds:
                self.add(node, TG.commitmentKind, kind)
            self.add(node, TG.fteShare, self.decimal(row, table, "fte_share"))
            self.add(node, TG.costShare, self.decimal(row, table, "cost_share"))
            self.add(node, TG.positionCount, self.integer(row, table, "position_count"))
            self.add(node, TG.rateSetBy, self.ref(row, table, "rate_set_by"))
            self.add(node, TG.fundingSource, self.one_concept(row, table, "funding_source"))
            for other in self.refs(row, table, "in_collaboration_with"):
                self.add(node, TG.inCollaborationWith, other)
            for other in self.refs(row, table, "matched_by"):
                if other == node:
                    self.problem(row, table, "matched_by", row.get("matched_by"), "en ressurs kan ikke motsvare seg selv",
                                 "a resource cannot match itself")
                    continue
                self.add(node, TG.matchedBy, other)
                self.add(other, TG.matchedBy, node)  # tg:matchedBy is symmetric: state both directions
            self.add(node, TG.conditionalOn, self.ref(row, table, "conditional_on"))
            for area in self.concepts(row, table, "areas"):
                self.add(node, TG.collaborationArea, area)
            self.add(node, TG.agreementStatus, self.one_concept(row, table, "status"))
            post_cells = ("post_role", "post_duration")
            describes_post = self.has_text(row, "post_name") or any(row.get(k) is not None for k in post_cells)
            post_id = self.slug_value(row, table, "post") if row.get("post") is not None else (
                f"{row_id}-post" if describes_post else None)
            if post_id is None:
                continue
            post = self.scoped("post", post_id)
            self.mark(post, row)
            self.add(node, TG.forPost, post)
            self.add(post, RDF.type, ORG.Post)
            self.texts(post, SKOS.prefLabel, row, "post_name")
            self.add(post, ORG.role, self.one_concept(row, table, "post_role"))
            self.add(post, TG.duration, self.duration(row, table, "post_duration"))

    def applications(self) -> None:
        table = TABLE["applications"]
        for row_id, row in self.ids.get("applications", {}).items():
            node = self.scoped("application", row_id)
            self.mark(node, row)
            self.add(node, RDF.type, TG.GrantApplication)
            self.texts(node, SKOS.prefLabel, row, "name")
            self.texts(node, DCTERMS.description, row, "description")
            self.add(node, TG.submittedTo, self.ref(row, table, "submitted_to"))
            self.add(node, TG.applicationStatus, self.one_concept(row, table, "status"))
            scheme_id = self.slug_value(row, table, "scheme")
            if scheme_id is None:
                if self.has_text(row, "scheme_name") or row.get("scheme_administered_by") is not None:
                    if row.get("scheme") is None:
                        self.problem(row, table, "scheme", None, "gi ordningen en id", "give the scheme an id")
                continue
            scheme = self.iri("funding-scheme", scheme_id)
            self.mark(scheme, row)
            self.add(node, TG.appliesTo, scheme)
            self.add(scheme, RDF.type, SCHEMA.FundingScheme)
            self.texts(scheme, SKOS.prefLabel, row, "scheme_name")
            self.add(scheme, TG.administeredBy, self.ref(row, table, "scheme_administered_by"))

    def funding(self) -> None:
        table = TABLE["funding"]
        for row_id, row in self.ids.get("funding", {}).items():
            node = self.scoped("funding", row_id)
            self.mark(node, row)
            self.add(self.p, TG.funding, node)
            self.add(node, RDF.type, TG.FundingContribution)
            self.texts(node, SKOS.prefLabel, row, "name")
            self.texts(node, DCTERMS.description, row, "description")
            for funder in self.refs(row, table, "funders"):
                self.add(node, SCHEMA.funder, funder)
            amount = self.decimal(row, table, "amount")
            if amount is not None:
                money = self.bnode("amount", node)
                self.add(node, SCHEMA.amount, money)
                self.add(money, RDF.type, SCHEMA.MonetaryAmount)
                self.add(money, SCHEMA.value, amount)
                self.add(money, SCHEMA.currency, Literal((self.string(row, "currency") or "NOK").upper()))

    def origin(self) -> None:
        table = TABLE["origin"]
        row = self.q.record("origin")
        if row is None:
            return
        node = self.scoped("process", "establishment")
        self.mark(node, row)
        self.add(self.p, PROV.wasGeneratedBy, node)
        self.add(node, RDF.type, TG.EstablishmentProcess)
        self.texts(node, SKOS.prefLabel, row, "name")
        self.texts(node, DCTERMS.description, row, "description")
        for organisation in self.refs(row, table, "associated_with"):
            self.add(node, PROV.wasAssociatedWith, organisation)
        for cell in self.items(row, "influenced_by"):
            other = str(cell.value).strip()
            if not SLUG.match(other):
                self.problem(row, table, "influenced_by", cell, f"{other!r} er ikke navnet (slug) på et partnerskap",
                             f"{other!r} is not the slug of a partnership")
                continue
            self.add(node, PROV.wasInfluencedBy, self.iri("partnership", other))

    def terms(self) -> None:
        table = TABLE["terms"]
        for row_id, row in self.ids.get("terms", {}).items():
            node = self.scoped("term", row_id)
            self.mark(node, row)
            self.add(self.p, TG["term"], node)
            self.add(node, RDF.type, TIME.ProperInterval)
            self.texts(node, SKOS.prefLabel, row, "name")
            self.texts(node, DCTERMS.description, row, "description")
            self.add(node, TG.termType, self.one_concept(row, table, "type"))
            self.interval(node, row, table, "begins", "ends")

    def agreements(self) -> None:
        table = TABLE["agreements"]
        for row_id, row in self.ids.get("agreements", {}).items():
            node = self.scoped("agreement", row_id)
            self.mark(node, row)
            self.texts(node, SKOS.prefLabel, row, "name")
            self.texts(node, DCTERMS.description, row, "description")
            self.add(node, RDF.type, TG.PartnershipAgreement)
            parent = self.ref(row, table, "part_of")
            if row.get("part_of") is not None:
                self.add(node, RDF.type, TG.SubAgreement)
                if parent == node:
                    self.problem(row, table, "part_of", row.get("part_of"), "en avtale kan ikke være del av seg selv",
                                 "an agreement cannot be part of itself")
                else:
                    self.add(node, DCTERMS.isPartOf, parent)
            else:
                self.add(node, TG.establishes, self.p)
            self.add(node, TG.ordinal, self.integer(row, table, "ordinal"))
            for area in self.concepts(row, table, "areas"):
                self.add(node, TG.collaborationArea, area)

    def milestones(self) -> None:
        table = TABLE["milestones"]
        for row_id, row in self.ids.get("milestones", {}).items():
            node = self.scoped("milestone", row_id)
            self.mark(node, row)
            self.add(self.p, TG.milestone, node)
            self.add(node, RDF.type, TG.Milestone)
            self.add(node, DCTERMS.date, self.time(row, table, "date"))
            self.texts(node, TG.dateText, row, "date_text")
            self.texts(node, SKOS.prefLabel, row, "name")
            self.texts(node, DCTERMS.description, row, "description")

    def results(self) -> None:
        table = TABLE["results"]
        for row_id, row in self.ids.get("results", {}).items():
            node = self.scoped("result", row_id)
            self.mark(node, row)
            self.add(self.p, TG.result, node)
            self.add(node, RDF.type, TG.Result)
            self.add(node, TG["count"], self.integer(row, table, "count"))
            self.texts(node, SKOS.prefLabel, row, "name")
            self.texts(node, DCTERMS.description, row, "description")

    def the_report(self) -> URIRef:
        """The status report that holds what is true "so far" (made on first use)."""
        if self.report is not None:
            return self.report
        table = TABLE["report"]
        row = self.q.record("report")
        report_id = (self.slug_value(row, table, "id") if row is not None else None) or "questionnaire"
        self.report = self.scoped("report", report_id)
        self.add(self.report, RDF.type, TG.StatusReport)
        self.add(self.report, TG.reportsOn, self.p)
        self.add(self.report, PROV.wasDerivedFrom, self.source)
        if row is not None:
            self.mark(self.report, row)
            self.add(self.report, DCTERMS.date, self.time(row, table, "date", date_only=True))
            self.add(self.report, TG.notBefore, self.time(row, table, "not_before"))
            self.texts(self.report, SKOS.prefLabel, row, "name")
        return self.report

    def lessons(self) -> None:
        table = TABLE["lessons"]
        for row_id, row in self.ids.get("lessons", {}).items():
            node = self.scoped("lesson", row_id)
            self.mark(node, row)
            self.add(self.the_report(), TG.lesson, node)
            self.add(node, RDF.type, TG.LessonLearned)
            self.add(node, TG.lessonTopic, self.one_concept(row, table, "topic"))
            self.texts(node, SKOS.prefLabel, row, "name")
            self.texts(node, DCTERMS.description, row, "description")

    def statements(self) -> None:
        table = TABLE["statements"]
        for row_id, row in self.ids.get("statements", {}).items():
            node = self.scoped("statement", row_id)
            self.mark(node, row)
            so_far = self.boolean(row, table, "so_far", False)
            if so_far:
                self.add(node, RDF.type, TG.StatusStatement)
                self.add(self.the_report(), TG.statement, node)
            else:
                self.add(self.p, TG.statement, node)
            self.add(node, RDF.type, TG.SourcedStatement)
            self.add(node, TG.field, self.one_concept(row, table, "field"))
            self.add(node, TG.concept, self.one_concept(row, table, "concept"))
            self.add(node, TG.status, self.one_concept(row, table, "status"))
            for other in self.refs(row, table, "references"):
                self.add(node, DCTERMS.references, other)
            self.texts(node, SKOS.prefLabel, row, "name")
            self.texts(node, DCTERMS.description, row, "description")

    def describe_graph(self) -> None:
        source = self.q.source
        g, s = self.graph_iri, self.source
        self.add(g, RDF.type, TG.PartnershipGraph)
        self.add(g, RDF.type, PROV.Entity)
        self.add(g, RDF.type, DCAT.Dataset)
        for label in self.g.objects(self.p, SKOS.prefLabel):
            self.add(g, DCTERMS.title, label)
        self.add(g, FOAF.primaryTopic, self.p)
        self.add(g, PROV.wasDerivedFrom, s)
        self.add(g, DCTERMS.license, LICENSE)
        self.add(s, RDF.type, FOAF.Document)
        what = {"yaml": ("Utfylt spørreskjema (YAML)", "Filled-in questionnaire (YAML)"),
                "xlsx": ("Utfylt spørreskjema (XLSX)", "Filled-in questionnaire (XLSX)"),
                "form": ("Spørreskjema fylt ut på /contribute", "Questionnaire filled in at /contribute")}[source.kind]
        self.add(s, SKOS.prefLabel, Literal(f"{what[0]}: {source.name}", lang="nb"))
        self.add(s, SKOS.prefLabel, Literal(f"{what[1]}: {source.name}", lang="en"))
        self.add(s, DCTERMS.identifier, Literal(source.name))
        self.add(s, DCTERMS.format, Literal(source.media_type))
        self.add(s, TG.sha256, Literal(source.sha256))

    def build(self) -> Built:
        if not SLUG.match(self.slug):
            self.problems.add("--slug", "", None, None,
                              f"{self.slug!r} kan ikke brukes som navn på partnerskapet: bruk små bokstaver a–z, tall og bindestrek",
                              f"{self.slug!r} cannot be a partnership slug: use lower-case letters a–z, digits and hyphens")
            self.problems.raise_if_any(self.q.source.name)
        self.collect_ids()
        self.required()
        for section in (self.partnership, self.sources, self.organisations, self.members, self.areas, self.statistics,
                        self.anchorings, self.bodies, self.arrangements, self.commitments, self.applications,
                        self.funding, self.origin, self.terms, self.agreements, self.milestones, self.results,
                        self.statements, self.lessons):
            section()
        if self.q.record("report") is not None:
            self.the_report()
        self.describe_graph()
        self.problems.raise_if_any(self.q.source.name)
        logger.info("built graph/%s from %s: %d triples", self.slug, self.q.source.name, len(self.g))
        return Built(self.dataset, self.g, self.graph_iri, self.p, self.slug, self.origins)


def build(
    questionnaire: Questionnaire,
    slug: str,
    *,
    known_organisations: Mapping[str, KnownOrganisation] | None = None,
    base_iri: str = DEFAULT_BASE_IRI,
) -> Built:
    """The partnership graph ``graph/<slug>`` the answers describe; QuestionnaireError lists every mistake, each
    naming the field and the cell, line or form field."""
    return _Builder(questionnaire, slug, base_iri, known_organisations or {}).build()


def without_provenance(graph: Graph) -> Graph:
    """The graph without its provenance: tg:evidence subtrees, the graph's self-description, source documents
    and the links to them. What remains is what the answers say, to compare two graphs of one partnership."""
    out = Graph()
    drop: set[Node] = set()
    pending: list[Node] = [o for o in graph.objects(None, TG.evidence) if isinstance(o, BNode)]
    while pending:
        node = pending.pop()
        if node in drop:
            continue
        drop.add(node)
        pending.extend(o for o in graph.objects(node, None) if isinstance(o, BNode))
    drop.update(graph.subjects(RDF.type, TG.PartnershipGraph))
    drop.update(graph.subjects(RDF.type, FOAF.Document))
    for s, p, o in graph:
        if s in drop or o in drop or p == TG.evidence:
            continue
        out.add((s, p, o))
    return out

