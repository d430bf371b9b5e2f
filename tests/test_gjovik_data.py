"""The Gjøvik kommune + NTNU graph says what the survey answer says, line by line, and no more;
the reference graph holds the external identifiers with their registries."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.term import Node

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FILE = ROOT / "data" / "sources" / "000_bd483b5984df803a.txt"
SOURCE_LINES = SOURCE_FILE.read_text(encoding="utf-8").split("\n")

# The survey's field headings: the only non-blank lines that state no fact.
HEADINGS = {
    "Deltakere",
    "Initiativtaker",
    "Størrelse",
    "Forankring",
    "Organisering og ressurser",
    "Finansiering",
    "Formål",
    "Varighet",
    "Fokus",
    "Samarbeidsformer",
    "Handlingsplaner",
    "Milepæler for resultat- og effektmål",
    "Resultater",
}

BASE = "https://w3id.org/towngown/"
TG = "https://w3id.org/towngown/ontology#"
GRAPH = URIRef(BASE + "graph/gjovik-ntnu")
REFERENCE = URIRef(BASE + "graph/reference")
PARTNERSHIP = URIRef(BASE + "id/partnership/gjovik-ntnu")
REPORT = URIRef(BASE + "id/report/gjovik-ntnu-survey")
SOURCE = URIRef(BASE + "id/source/gjovik-ntnu-survey")
GK = URIRef(BASE + "id/organisation/gjovik-kommune")
NTNU = URIRef(BASE + "id/organisation/ntnu")
IHG = URIRef(BASE + "id/organisation/ntnu-institutt-for-helsevitenskap-gjovik")
MH = URIRef(BASE + "id/organisation/ntnu-fakultet-for-medisin-og-helsevitenskap")
VR_STAB = URIRef(BASE + "id/organisation/ntnu-viserektors-stab")
RCN = URIRef(BASE + "id/organisation/forskningsradet")
AREA = URIRef(BASE + "id/area/gjovik")


def concept(scheme: str, name: str) -> URIRef:
    """The IRI of concept ``name`` in ``scheme``."""
    return URIRef(f"{BASE}id/concept/{scheme}/{name}")


def commitment(n: int) -> URIRef:
    """The IRI of the n-th resource commitment (document order)."""
    return URIRef(f"{BASE}id/commitment/gjovik-ntnu-commitment-{n}")


def tg(name: str) -> URIRef:
    """A term of the towngown ontology."""
    return URIRef(TG + name)


PREFIXES = """\
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX cv: <http://data.europa.eu/m8g/>
PREFIX schema: <http://schema.org/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX adms: <http://www.w3.org/ns/adms#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX qudt: <http://qudt.org/schema/qudt/>
PREFIX unit: <http://qudt.org/vocab/unit/>
PREFIX tg: <https://w3id.org/towngown/ontology#>
PREFIX field: <https://w3id.org/towngown/id/concept/field/>
PREFIX orgtype: <https://w3id.org/towngown/id/concept/orgtype/>
PREFIX role: <https://w3id.org/towngown/id/concept/role/>
PREFIX anchor: <https://w3id.org/towngown/id/concept/anchor/>
PREFIX area: <https://w3id.org/towngown/id/concept/area/>
PREFIX form: <https://w3id.org/towngown/id/concept/form/>
PREFIX commit: <https://w3id.org/towngown/id/concept/commit/>
PREFIX position: <https://w3id.org/towngown/id/concept/position/>
PREFIX status: <https://w3id.org/towngown/id/concept/status/>
PREFIX funding: <https://w3id.org/towngown/id/concept/funding/>
PREFIX phase: <https://w3id.org/towngown/id/concept/phase/>
PREFIX term: <https://w3id.org/towngown/id/concept/term/>
PREFIX stat: <https://w3id.org/towngown/id/concept/stat/>
PREFIX lesson: <https://w3id.org/towngown/id/concept/lesson/>
PREFIX purpose: <https://w3id.org/towngown/id/concept/purpose/>
PREFIX idtype: <https://w3id.org/towngown/id/concept/idtype/>
PREFIX part: <https://w3id.org/towngown/id/partnership/>
PREFIX orgid: <https://w3id.org/towngown/id/organisation/>
PREFIX areaid: <https://w3id.org/towngown/id/area/>
PREFIX rc: <https://w3id.org/towngown/id/commitment/>
PREFIX rep: <https://w3id.org/towngown/id/report/>
PREFIX src: <https://w3id.org/towngown/id/source/>
"""


def values(**bindings: Node) -> str:
    """A one-row VALUES block binding each variable to its serialised RDF term."""
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def select(store, query: str) -> list[dict[str, Node]]:
    """Run a SELECT with the shared prefixes."""
    return store.select(PREFIXES + query)


def ask(store, query: str) -> bool:
    """Run an ASK with the shared prefixes."""
    return store.ask(PREFIXES + query)


def evidence_lines(store, subject: URIRef, prop: URIRef) -> set[int]:
    """Source lines cited by the evidence of ``subject`` that supports ``prop`` (evidence without
    tg:forProperty supports every property)."""
    rows = select(
        store,
        f"""SELECT ?first ?last WHERE {{
            {values(s=subject, p=prop)}
            ?s tg:evidence ?ev .
            ?ev oa:hasSource src:gjovik-ntnu-survey ;
                oa:hasSelector ?sel .
            ?sel tg:fromLine ?first ; tg:toLine ?last .
            FILTER (NOT EXISTS {{ ?ev tg:forProperty ?anyp }} || EXISTS {{ ?ev tg:forProperty ?p }})
        }}""",
    )
    lines: set[int] = set()
    for row in rows:
        lines.update(range(int(row["first"].toPython()), int(row["last"].toPython()) + 1))
    return lines


def objects(store, subject: URIRef, prop: URIRef) -> set[Node]:
    """All objects of ``subject prop``."""
    rows = select(store, f"SELECT ?o WHERE {{ {values(s=subject, p=prop)} ?s ?p ?o }}")
    return {row["o"] for row in rows}


def one(store, subject: URIRef, prop: URIRef) -> Node:
    """The single object of ``subject prop``."""
    found = objects(store, subject, prop)
    assert len(found) == 1, (subject, prop, found)
    return next(iter(found))


def status_statement(store, field: str) -> dict[str, set[Node]]:
    """The report's status statement(s) about ``field``: its status, concepts and cited lines."""
    rows = select(
        store,
        f"""SELECT ?st ?status ?concept WHERE {{
            {values(field=concept("field", field))}
            rep:gjovik-ntnu-survey tg:statement ?st .
            ?st a tg:StatusStatement ; tg:field ?field .
            OPTIONAL {{ ?st tg:status ?status }}
            OPTIONAL {{ ?st tg:concept ?concept }}
        }}""",
    )
    assert rows, f"no status statement for field {field}"
    statements = {row["st"] for row in rows}
    lines: set[int] = set()
    for st in statements:
        lines |= evidence_lines(store, st, tg("status"))
    return {
        "statement": statements,
        "status": {row["status"] for row in rows if "status" in row},
        "concept": {row["concept"] for row in rows if "concept" in row},
        "lines": lines,
    }


# ---------------------------------------------------------------------------------------- provenance


def _selectors(store) -> list[dict[str, Node]]:
    return select(
        store,
        """SELECT ?sel ?value ?first ?last ?exact WHERE {
            ?ev oa:hasSource src:gjovik-ntnu-survey ; oa:hasSelector ?sel .
            ?sel a oa:FragmentSelector ; rdf:value ?value ; tg:fromLine ?first ; tg:toLine ?last .
            OPTIONAL { ?sel oa:refinedBy/oa:exact ?exact }
        }""",
    )


def test_there_are_selectors_on_the_source(loaded_store) -> None:
    """The graph cites the survey answer through line selectors (dozens of them)."""
    assert len(_selectors(loaded_store)) > 50


def test_every_quote_is_on_its_from_line(loaded_store) -> None:
    """Every selector has a Norwegian TextQuoteSelector whose oa:exact is a substring of line tg:fromLine."""
    for row in _selectors(loaded_store):
        exact = row.get("exact")
        assert isinstance(exact, Literal) and exact.language == "nb", row
        line = SOURCE_LINES[int(row["first"].toPython()) - 1]
        assert str(exact) in line, (str(exact), line)


def test_fragment_values_follow_rfc5147(loaded_store) -> None:
    """Every selector's rdf:value is the RFC 5147 range "line=from-1,to" of its 1-based fromLine/toLine,
    and says it conforms to RFC 5147."""
    for row in _selectors(loaded_store):
        first, last = int(row["first"].toPython()), int(row["last"].toPython())
        assert str(row["value"]) == f"line={first - 1},{last}", row
    assert not ask(
        loaded_store,
        """ASK { ?ev oa:hasSource src:gjovik-ntnu-survey ; oa:hasSelector ?sel .
                 FILTER NOT EXISTS { ?sel dct:conformsTo <http://tools.ietf.org/rfc/rfc5147> } }""",
    )


def test_line_ranges_are_inside_the_file(loaded_store) -> None:
    """Every cited range lies within the source file's lines and is not reversed."""
    for row in _selectors(loaded_store):
        first, last = int(row["first"].toPython()), int(row["last"].toPython())
        assert 1 <= first <= last <= len(SOURCE_LINES), row


def test_sha256_matches_the_source_file(loaded_store) -> None:
    """The source document's tg:sha256 is the SHA-256 of data/sources/000_bd483b5984df803a.txt."""
    digest = hashlib.sha256(SOURCE_FILE.read_bytes()).hexdigest()
    rows = select(
        loaded_store,
        """SELECT ?sha ?id WHERE { src:gjovik-ntnu-survey a foaf:Document ; tg:sha256 ?sha ;
               dct:identifier ?id ; dct:format "text/plain" ;
               dct:language <http://publications.europa.eu/resource/authority/language/NOB> }""",
    )
    assert [(str(r["sha"]), str(r["id"])) for r in rows] == [(digest, SOURCE_FILE.name)]


def test_every_content_line_is_cited(loaded_store) -> None:
    """Every non-blank line of the source other than a field heading lies in some selector's range."""
    cited: set[int] = set()
    for row in _selectors(loaded_store):
        cited.update(range(int(row["first"].toPython()), int(row["last"].toPython()) + 1))
    uncited = [
        (number, text)
        for number, text in enumerate(SOURCE_LINES, start=1)
        if text.strip() and text.strip() not in HEADINGS and number not in cited
    ]
    assert uncited == []


def test_every_described_resource_carries_evidence(loaded_store) -> None:
    """Every IRI described in the partnership graph, except the graph and its source, has tg:evidence."""
    rows = select(
        loaded_store,
        f"""SELECT DISTINCT ?s WHERE {{
            GRAPH {GRAPH.n3()} {{ ?s a ?type . FILTER (isIRI(?s))
                FILTER NOT EXISTS {{ ?s tg:evidence ?ev }} }}
        }}""",
    )
    assert {row["s"] for row in rows} == {GRAPH, SOURCE}


def test_text_is_bilingual_and_tagged(loaded_store) -> None:
    """In the partnership graph every label and description is language-tagged, and every named resource
    has a skos:prefLabel in both nb and en, as every described text has nb and en."""
    untagged = select(
        loaded_store,
        f"""SELECT ?s ?p ?o WHERE {{ GRAPH {GRAPH.n3()} {{
            ?s ?p ?o . FILTER (isLiteral(?o) && lang(?o) = "" && datatype(?o) = xsd:string) }} }}""",
    )
    allowed = {  # codes, not text
        URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#value"),
        URIRef("http://purl.org/dc/terms/identifier"),
        URIRef("http://purl.org/dc/terms/format"),
        tg("sha256"),
    }
    assert [row for row in untagged if row["p"] not in allowed] == []
    for lang in ("nb", "en"):
        missing = select(
            loaded_store,
            f"""SELECT DISTINCT ?s WHERE {{ GRAPH {GRAPH.n3()} {{ ?s a ?type . FILTER (isIRI(?s))
                FILTER NOT EXISTS {{ ?s skos:prefLabel ?l . FILTER (lang(?l) = "{lang}") }} }} }}""",
        )
        assert missing == [], (lang, missing)
        missing = select(
            loaded_store,
            f"""SELECT DISTINCT ?s WHERE {{ GRAPH {GRAPH.n3()} {{ ?s dct:description ?d .
                FILTER NOT EXISTS {{ ?s dct:description ?l . FILTER (lang(?l) = "{lang}") }} }} }}""",
        )
        assert missing == [], (lang, missing)


def test_graph_describes_itself(loaded_store) -> None:
    """graph/gjovik-ntnu is a tg:PartnershipGraph about the partnership, derived from the survey, CC BY 4.0."""
    assert ask(
        loaded_store,
        f"""ASK {{ GRAPH {GRAPH.n3()} {{ {GRAPH.n3()} a tg:PartnershipGraph ;
            foaf:primaryTopic part:gjovik-ntnu ; prov:wasDerivedFrom src:gjovik-ntnu-survey ;
            dct:license <https://creativecommons.org/licenses/by/4.0/> }} }}""",
    )


# ---------------------------------------------------------------------------------------- fields 1-15


def _members(store) -> dict[Node, set[Node]]:
    rows = select(
        store,
        """SELECT ?m ?member ?role WHERE { part:gjovik-ntnu org:hasMembership ?m .
            ?m a org:Membership ; org:organization part:gjovik-ntnu ; org:member ?member ; org:role ?role }""",
    )
    members: dict[Node, set[Node]] = {}
    for row in rows:
        members.setdefault(row["member"], set()).add(row["role"])
    return members


def test_field_1_participants(loaded_store) -> None:
    """Field 1: Gjøvik kommune and NTNU are the two partners (line 3); that they are the only ones holds
    "pr nå" and is a status statement of the report, also from line 3."""
    members = _members(loaded_store)
    assert set(members) == {GK, NTNU}
    assert all(concept("role", "partner") in roles for roles in members.values())
    for membership in objects(loaded_store, PARTNERSHIP, URIRef("http://www.w3.org/ns/org#hasMembership")):
        assert 3 in evidence_lines(loaded_store, membership, URIRef("http://www.w3.org/ns/org#member"))
    assert 3 in evidence_lines(loaded_store, PARTNERSHIP, URIRef("http://www.w3.org/ns/org#hasMembership"))
    assert status_statement(loaded_store, "participants")["lines"] == {3}


def test_field_2_initiators(loaded_store) -> None:
    """Field 2: both partners are driving forces ("motorene"), cited from line 7."""
    members = _members(loaded_store)
    assert all(concept("role", "driving-force") in roles for roles in members.values())
    for membership in objects(loaded_store, PARTNERSHIP, URIRef("http://www.w3.org/ns/org#hasMembership")):
        assert 7 in evidence_lines(loaded_store, membership, URIRef("http://www.w3.org/ns/org#role"))
    rows = select(
        loaded_store,
        """SELECT ?st WHERE { part:gjovik-ntnu tg:statement ?st . ?st tg:field field:initiators ;
            tg:concept role:driving-force }""",
    )
    assert len(rows) == 1
    assert evidence_lines(loaded_store, rows[0]["st"], tg("field")) == {7}


def test_field_3_size(loaded_store) -> None:
    """Field 3: 30560 inhabitants and 672 km² are statistics of the area of Gjøvik kommune (not of the
    organisation), from line 11, with no reference date."""
    rows = select(
        loaded_store,
        """SELECT ?area ?sv ?type ?value ?unit WHERE {
            orgid:gjovik-kommune dct:spatial ?area .
            ?area a cv:AdminUnit , schema:AdministrativeArea ; tg:hasStatistic ?sv .
            ?sv a tg:StatisticalValue ; tg:statisticType ?type ; qudt:numericValue ?value ; qudt:unit ?unit }""",
    )
    assert {(r["area"], r["type"], r["value"].toPython(), r["unit"]) for r in rows} == {
        (AREA, concept("stat", "population"), 30560, URIRef("http://qudt.org/vocab/unit/NUM")),
        (AREA, concept("stat", "area"), 672, URIRef("http://qudt.org/vocab/unit/KiloM2")),
    }
    for row in rows:
        assert evidence_lines(loaded_store, row["sv"], URIRef("http://qudt.org/schema/qudt/numericValue")) == {11}
    assert not ask(loaded_store, "ASK { orgid:gjovik-kommune tg:hasStatistic ?x }")
    assert not ask(loaded_store, "ASK { areaid:gjovik tg:hasStatistic/tg:referenceDate ?d }")


def test_field_4_anchoring(loaded_store) -> None:
    """Field 4: anchored with the chief municipal executive and the mayor of Gjøvik kommune and the rector
    of NTNU, each through a post of that organisation, from line 15."""
    rows = select(
        loaded_store,
        """SELECT ?a ?level ?org ?post WHERE { part:gjovik-ntnu tg:anchoring ?a .
            ?a a tg:Anchoring ; tg:anchoringLevel ?level ; tg:anchoringOrganisation ?org ; tg:anchoredIn ?post .
            ?post a org:Post ; org:postIn ?org ; org:role ?level }""",
    )
    assert {(r["level"], r["org"]) for r in rows} == {
        (concept("anchor", "chief-executive"), GK),
        (concept("anchor", "mayor"), GK),
        (concept("anchor", "rector"), NTNU),
    }
    for row in rows:
        assert evidence_lines(loaded_store, row["a"], tg("anchoringLevel")) == {15}
    assert 15 in evidence_lines(loaded_store, PARTNERSHIP, tg("anchoring"))


def test_field_5_organisation_and_arrangements(loaded_store) -> None:
    """Field 5: annual top-level follow-up meetings and a steering group per sub-area are agreed
    arrangements (line 19); who handles it "Foreløpig" (the pro-rector's staff, a unit of NTNU) is a
    status statement of the report, line 19."""
    rows = select(
        loaded_store,
        """SELECT ?arr ?kind ?status ?freq WHERE { part:gjovik-ntnu tg:arrangement ?arr .
            ?arr a tg:GovernanceArrangement ; tg:arrangementKind ?kind ; tg:agreementStatus ?status .
            OPTIONAL { ?arr schema:repeatFrequency ?freq } }""",
    )
    assert {(r["kind"], r["status"], str(r.get("freq", ""))) for r in rows} == {
        (concept("form", "annual-top-level-meeting"), concept("status", "agreed"), "P1Y"),
        (concept("form", "steering-group-per-area"), concept("status", "agreed"), ""),
    }
    for row in rows:
        assert evidence_lines(loaded_store, row["arr"], tg("arrangementKind")) == {19}
    found = status_statement(loaded_store, "organisation-and-resources")
    assert found["lines"] == {19}
    (statement,) = found["statement"]
    assert VR_STAB in objects(loaded_store, statement, URIRef("http://purl.org/dc/terms/references"))
    assert one(loaded_store, VR_STAB, URIRef("http://www.w3.org/ns/org#unitOf")) == NTNU
    assert evidence_lines(loaded_store, VR_STAB, URIRef("http://www.w3.org/ns/org#unitOf")) == {19}
    # agreed, not reported as set up: no steering group exists as a body
    assert not ask(loaded_store, "ASK { part:gjovik-ntnu tg:collaborationBody ?b }")


def test_field_6_funding(loaded_store) -> None:
    """Field 6: "Foreløpig" only the parties' own resources: a status statement (own-resources-only,
    line 39), and no funding contribution on the partnership."""
    found = status_statement(loaded_store, "funding")
    assert found["concept"] == {concept("funding", "own-resources-only")}
    assert found["lines"] == {39}
    assert not ask(loaded_store, "ASK { part:gjovik-ntnu tg:funding ?f }")


def test_field_7_purpose(loaded_store) -> None:
    """Field 7: the two purposes are shared concepts (lines 43 and 44), each also kept as a sourced text."""
    assert objects(loaded_store, PARTNERSHIP, URIRef("http://www.w3.org/ns/org#purpose")) == {
        concept("purpose", "knowledge-access"),
        concept("purpose", "research-education-arena"),
    }
    assert {43, 44} <= evidence_lines(loaded_store, PARTNERSHIP, URIRef("http://www.w3.org/ns/org#purpose"))
    rows = select(
        loaded_store,
        """SELECT ?st ?c ?text WHERE { part:gjovik-ntnu tg:statement ?st .
            ?st tg:field field:purpose ; tg:concept ?c ; dct:description ?text . FILTER (lang(?text) = "nb") }""",
    )
    lines = {r["c"]: evidence_lines(loaded_store, r["st"], URIRef("http://purl.org/dc/terms/description")) for r in rows}
    assert lines == {concept("purpose", "knowledge-access"): {43}, concept("purpose", "research-education-arena"): {44}}
    for row in rows:
        assert str(row["text"]).startswith("Samarbeidet skal")


def test_field_8_origin(loaded_store) -> None:
    """Field 8: the partnership arose in dialogue between NTNU and Gjøvik kommune, with the Trondheim
    collaboration known beforehand (line 46)."""
    rows = select(
        loaded_store,
        """SELECT ?p ?influence WHERE { part:gjovik-ntnu prov:wasGeneratedBy ?p .
            ?p a tg:EstablishmentProcess ; prov:wasInfluencedBy ?influence }""",
    )
    assert [r["influence"] for r in rows] == [URIRef(BASE + "id/partnership/trondheim-ntnu")]
    process = rows[0]["p"]
    assert objects(loaded_store, process, URIRef("http://www.w3.org/ns/prov#wasAssociatedWith")) == {GK, NTNU}
    assert evidence_lines(loaded_store, process, URIRef("http://www.w3.org/ns/prov#wasAssociatedWith")) == {46}
    assert evidence_lines(loaded_store, process, URIRef("http://www.w3.org/ns/prov#wasInfluencedBy")) == {46}
    assert 46 in evidence_lines(loaded_store, PARTNERSHIP, URIRef("http://www.w3.org/ns/prov#wasGeneratedBy"))


def test_field_9_duration(loaded_store) -> None:
    """Field 9: the term runs from 2021 to 2026-12-31 "i første omgang", an initial period (line 50)."""
    rows = select(
        loaded_store,
        """SELECT ?t ?type ?begin ?end WHERE { part:gjovik-ntnu tg:term ?t .
            ?t a time:ProperInterval ; tg:termType ?type ;
               time:hasBeginning/time:inXSDgYear ?begin ; time:hasEnd/time:inXSDDate ?end }""",
    )
    assert [(r["type"], str(r["begin"]), str(r["end"])) for r in rows] == [
        (concept("term", "initial-period"), "2021", "2026-12-31")
    ]
    assert rows[0]["begin"].datatype == URIRef("http://www.w3.org/2001/XMLSchema#gYear")
    assert rows[0]["end"].datatype == URIRef("http://www.w3.org/2001/XMLSchema#date")
    assert evidence_lines(loaded_store, rows[0]["t"], tg("termType")) == {50}
    assert 50 in evidence_lines(loaded_store, PARTNERSHIP, tg("term"))


def test_field_10_focus(loaded_store) -> None:
    """Field 10: the first sub-agreement, part of the main agreement, is in health and care (line 54);
    that more areas are being prepared holds "nå" and is a status statement (line 54)."""
    assert concept("area", "helse-og-omsorg") in objects(loaded_store, PARTNERSHIP, tg("collaborationArea"))
    assert 54 in evidence_lines(loaded_store, PARTNERSHIP, tg("collaborationArea"))
    rows = select(
        loaded_store,
        """SELECT ?sub ?main ?n WHERE { ?main a tg:PartnershipAgreement ; tg:establishes part:gjovik-ntnu .
            ?sub a tg:SubAgreement ; dct:isPartOf ?main ; tg:ordinal ?n ;
                 tg:collaborationArea area:helse-og-omsorg }""",
    )
    assert [r["n"].toPython() for r in rows] == [1]
    assert evidence_lines(loaded_store, rows[0]["sub"], tg("collaborationArea")) == {54}
    found = status_statement(loaded_store, "focus")
    assert found["status"] == {concept("status", "under-development")}
    assert found["lines"] == {54}


def test_field_11_collaboration_forms(loaded_store) -> None:
    """Field 11: ordinary meetings are the commonest form "Foreløpig": a status statement (line 58), not
    a timeless collaboration form of the partnership."""
    found = status_statement(loaded_store, "collaboration-forms")
    assert found["concept"] == {concept("form", "ordinary-meetings")}
    assert found["lines"] == {58}
    assert not ask(loaded_store, "ASK { part:gjovik-ntnu tg:collaborationForm form:ordinary-meetings }")


def test_field_12_action_plans(loaded_store) -> None:
    """Field 12: action plans are under development (line 62)."""
    found = status_statement(loaded_store, "action-plans")
    assert found["status"] == {concept("status", "under-development")}
    assert found["lines"] == {62}


def test_field_13_milestones(loaded_store) -> None:
    """Field 13: no milestones yet, the project still in its start-up phase (line 66); no milestone node."""
    found = status_statement(loaded_store, "milestones")
    assert found["status"] == {concept("status", "none-yet")}
    assert found["concept"] == {concept("phase", "start-up")}
    assert found["lines"] == {66}
    assert not ask(loaded_store, "ASK { part:gjovik-ntnu tg:milestone ?m }")


def test_field_14_results(loaded_store) -> None:
    """Field 14: little to show so far (line 70); no result node."""
    found = status_statement(loaded_store, "results")
    assert found["status"] == {concept("status", "little-so-far")}
    assert found["lines"] == {70}
    assert not ask(loaded_store, "ASK { part:gjovik-ntnu tg:result ?r }")


def test_field_15_lessons_learned(loaded_store) -> None:
    """Field 15: three lessons (right resources, anchoring, time to mature) from line 74, reported "så
    langt" (line 72) as a status statement of the report."""
    rows = select(
        loaded_store,
        """SELECT ?l ?topic WHERE { rep:gjovik-ntnu-survey tg:lesson ?l .
            ?l a tg:LessonLearned ; tg:lessonTopic ?topic ; dct:description ?d }""",
    )
    assert {r["topic"] for r in rows} == {
        concept("lesson", "right-resources"),
        concept("lesson", "anchoring"),
        concept("lesson", "time-to-mature"),
    }
    for row in rows:
        assert evidence_lines(loaded_store, row["l"], tg("lessonTopic")) == {74}
    found = status_statement(loaded_store, "lessons-learned")
    (statement,) = found["statement"]
    assert evidence_lines(loaded_store, statement, tg("field")) == {72}
    assert evidence_lines(loaded_store, statement, URIRef("http://purl.org/dc/terms/description")) == {74}


def test_status_report(loaded_store) -> None:
    """The report is on the partnership, derived from the survey, not before 2021 (lines 50 and 70), and
    holds every status statement; the partnership holds none."""
    rows = select(
        loaded_store,
        """SELECT ?year WHERE { rep:gjovik-ntnu-survey a tg:StatusReport ; tg:reportsOn part:gjovik-ntnu ;
            prov:wasDerivedFrom src:gjovik-ntnu-survey ; tg:notBefore ?year }""",
    )
    assert [(str(r["year"]), r["year"].datatype) for r in rows] == [
        ("2021", URIRef("http://www.w3.org/2001/XMLSchema#gYear"))
    ]
    assert evidence_lines(loaded_store, REPORT, tg("notBefore")) == {50, 70}
    assert not ask(loaded_store, "ASK { part:gjovik-ntnu tg:statement ?s . ?s a tg:StatusStatement }")
    assert not ask(
        loaded_store,
        f"""ASK {{ GRAPH {GRAPH.n3()} {{ ?s a tg:StatusStatement .
            FILTER NOT EXISTS {{ rep:gjovik-ntnu-survey tg:statement ?s }} }} }}""",
    )


# ---------------------------------------------------------------------------------------- field 5a


def _commitment(store, n: int) -> dict[str, set]:
    """Every property of commitment n, as sets of plain values (IRIs stay IRIs)."""
    rows = select(store, f"SELECT ?p ?o WHERE {{ {values(c=commitment(n))} ?c ?p ?o }}")
    found: dict[str, set] = {}
    for row in rows:
        key = str(row["p"]).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        found.setdefault(key, set()).add(row["o"].toPython() if isinstance(row["o"], Literal) else row["o"])
    return found


def _post(store, n: int) -> dict[str, set]:
    rows = select(
        store,
        f"""SELECT ?post ?role ?duration WHERE {{ {values(c=commitment(n))}
            ?c tg:forPost ?post . ?post a org:Post ; org:role ?role .
            OPTIONAL {{ ?post tg:duration ?duration }} }}""",
    )
    assert len(rows) == 1, rows
    row = rows[0]
    return {"post": row["post"], "role": row["role"], "duration": str(row.get("duration", ""))}


def test_there_are_six_commitments_in_health_and_care(loaded_store) -> None:
    """Field 5a: six agreed commitments, all within health and care (line 21), listed from line 23."""
    rows = select(
        loaded_store,
        """SELECT ?c WHERE { part:gjovik-ntnu tg:hasCommitment ?c . ?c a tg:ResourceCommitment ;
            tg:collaborationArea area:helse-og-omsorg ; tg:agreementStatus status:agreed }""",
    )
    assert {r["c"] for r in rows} == {commitment(n) for n in range(1, 7)}
    for row in rows:
        assert evidence_lines(loaded_store, row["c"], tg("collaborationArea")) == {21}
    assert 23 in evidence_lines(loaded_store, PARTNERSHIP, tg("hasCommitment"))


def test_commitment_1_ntnu_project_management(loaded_store) -> None:
    """Commitment 1 (line 27): NTNU, through Institutt for helsevitenskap i Gjøvik, own effort equal to
    the salary of 20 % of a position for project management."""
    c = _commitment(loaded_store, 1)
    assert URIRef(TG + "InKindContribution") in c["type"]
    assert c["committedBy"] == {NTNU}
    assert c["providedVia"] == {IHG}
    assert c["commitmentKind"] == {concept("commit", "own-effort")}
    assert c["fteShare"] == {Decimal(20)}
    assert _post(loaded_store, 1)["role"] == concept("position", "project-management")
    assert evidence_lines(loaded_store, commitment(1), tg("fteShare")) == {27}
    assert 25 in evidence_lines(loaded_store, commitment(1), tg("committedBy"))


def test_commitment_2_ntnu_phd(loaded_store) -> None:
    """Commitment 2 (line 28): NTNU, through Fakultet for medisin og helsevitenskap, salary and running
    costs at the Research Council's rates for one three-year PhD post, from strategy and restructuring funds."""
    c = _commitment(loaded_store, 2)
    assert c["committedBy"] == {NTNU}
    assert c["providedVia"] == {MH}
    assert c["commitmentKind"] == {concept("commit", "salary-and-running-costs")}
    assert c["rateSetBy"] == {RCN}
    assert c["fundingSource"] == {concept("funding", "strategic-restructuring-funds")}
    assert c["positionCount"] == {1}
    post = _post(loaded_store, 2)
    assert (post["role"], post["duration"]) == (concept("position", "phd"), "P3Y")
    assert evidence_lines(loaded_store, commitment(2), tg("rateSetBy")) == {28}
    assert evidence_lines(loaded_store, commitment(2), tg("providedVia")) == {28}


def test_commitment_3_ntnu_scientific_position(loaded_store) -> None:
    """Commitment 3 (line 29): NTNU, through Institutt for helsevitenskap i Gjøvik, salary for a 20 %
    scientific position, matched by Gjøvik kommune's equal resource (commitment 6)."""
    c = _commitment(loaded_store, 3)
    assert c["committedBy"] == {NTNU}
    assert c["providedVia"] == {IHG}
    assert c["commitmentKind"] == {concept("commit", "salary")}
    assert c["fteShare"] == {Decimal(20)}
    assert c["matchedBy"] == {commitment(6)}
    assert _post(loaded_store, 3)["role"] == concept("position", "scientific-position")
    assert evidence_lines(loaded_store, commitment(3), tg("matchedBy")) == {29}


def test_commitment_4_gjovik_project_management(loaded_store) -> None:
    """Commitment 4 (line 33): Gjøvik kommune, own effort for 20 % project management; no unit is named."""
    c = _commitment(loaded_store, 4)
    assert URIRef(TG + "InKindContribution") in c["type"]
    assert c["committedBy"] == {GK}
    assert "providedVia" not in c
    assert c["commitmentKind"] == {concept("commit", "own-effort")}
    assert c["fteShare"] == {Decimal(20)}
    assert _post(loaded_store, 4)["role"] == concept("position", "project-management")
    assert evidence_lines(loaded_store, commitment(4), tg("fteShare")) == {33}
    assert 31 in evidence_lines(loaded_store, commitment(4), tg("committedBy"))


def test_commitment_5_gjovik_public_sector_phd(loaded_store) -> None:
    """Commitment 5 (line 34): Gjøvik kommune's 50 % own share of a three-year public-sector PhD, created
    with Institutt for helsevitenskap i Gjøvik, only if the application to the Research Council (which
    runs the scheme) is granted; the outcome is not stated."""
    c = _commitment(loaded_store, 5)
    assert URIRef(TG + "ConditionalCommitment") in c["type"]
    assert c["committedBy"] == {GK}
    assert "providedVia" not in c
    assert c["commitmentKind"] == {
        concept("commit", "salary-and-running-costs"),
        concept("commit", "own-share-external-scheme"),
    }
    assert c["costShare"] == {Decimal(50)}
    assert c["inCollaborationWith"] == {IHG}
    post = _post(loaded_store, 5)
    assert (post["role"], post["duration"]) == (concept("position", "public-sector-phd"), "P3Y")
    rows = select(
        loaded_store,
        """SELECT ?app WHERE { rc:gjovik-ntnu-commitment-5 tg:conditionalOn ?app .
            ?app a tg:GrantApplication ; tg:submittedTo orgid:forskningsradet ;
                 tg:appliesTo ?scheme . ?scheme a schema:FundingScheme ; tg:administeredBy orgid:forskningsradet }""",
    )
    assert len(rows) == 1
    assert not ask(loaded_store, "ASK { rc:gjovik-ntnu-commitment-5 tg:conditionalOn/tg:applicationStatus ?s }")
    assert evidence_lines(loaded_store, commitment(5), tg("conditionalOn")) == {34}
    assert evidence_lines(loaded_store, commitment(5), tg("costShare")) == {34}
    assert evidence_lines(loaded_store, rows[0]["app"], tg("submittedTo")) == {34}


def test_commitment_6_gjovik_scientific_position(loaded_store) -> None:
    """Commitment 6 (line 35): Gjøvik kommune, salary for a 20 % scientific position, matched by the equal
    resource from Institutt for helsevitenskap i Gjøvik (commitment 3)."""
    c = _commitment(loaded_store, 6)
    assert c["committedBy"] == {GK}
    assert "providedVia" not in c
    assert c["commitmentKind"] == {concept("commit", "salary")}
    assert c["fteShare"] == {Decimal(20)}
    assert c["matchedBy"] == {commitment(3)}
    assert _post(loaded_store, 6)["role"] == concept("position", "scientific-position")
    assert evidence_lines(loaded_store, commitment(6), tg("matchedBy")) == {35}


def test_matched_scientific_positions_are_symmetric(loaded_store) -> None:
    """Commitments 3 and 6 are tg:matchedBy each other in both directions, and no other commitment is."""
    rows = select(
        loaded_store,
        """SELECT ?a ?b WHERE { part:gjovik-ntnu tg:hasCommitment ?a . ?a tg:matchedBy ?b }""",
    )
    assert {(r["a"], r["b"]) for r in rows} == {(commitment(3), commitment(6)), (commitment(6), commitment(3))}


def test_the_two_phd_posts_stay_two(loaded_store) -> None:
    """NTNU's PhD post and the municipality's public-sector PhD post are distinct resources, never declared
    the same (the answer does not say they are one)."""
    first, second = _post(loaded_store, 2)["post"], _post(loaded_store, 5)["post"]
    assert first != second
    pair = values(a=first, b=second)
    assert not ask(
        loaded_store,
        f"ASK {{ {pair} {{ ?a owl:sameAs ?b }} UNION {{ ?b owl:sameAs ?a }} UNION "
        f"{{ ?a skos:exactMatch ?b }} UNION {{ ?b skos:exactMatch ?a }} }}",
    )


def test_units_are_units_of_ntnu_by_the_lines_that_place_them(loaded_store) -> None:
    """The department and the faculty are university units of NTNU, cited from "Fra NTNU:" (line 25);
    nothing says the department belongs to the faculty."""
    for unit in (IHG, MH, VR_STAB):
        assert one(loaded_store, unit, URIRef("http://www.w3.org/ns/org#unitOf")) == NTNU
        assert one(loaded_store, unit, URIRef("http://www.w3.org/ns/org#classification")) == concept(
            "orgtype", "university-unit"
        )
    assert 25 in evidence_lines(loaded_store, IHG, URIRef("http://www.w3.org/ns/org#unitOf"))
    assert 25 in evidence_lines(loaded_store, MH, URIRef("http://www.w3.org/ns/org#unitOf"))
    assert not ask(loaded_store, "ASK { orgid:ntnu-institutt-for-helsevitenskap-gjovik org:unitOf ?x . FILTER (?x != orgid:ntnu) }")


def test_organisations_are_typed_and_classified(loaded_store) -> None:
    """Gjøvik kommune is a public municipality organisation whose territory is area/gjovik; NTNU a university."""
    assert ask(
        loaded_store,
        """ASK { orgid:gjovik-kommune a org:Organization , cv:PublicOrganisation , schema:GovernmentOrganization ;
               org:classification orgtype:municipality ; dct:spatial areaid:gjovik .
               orgid:ntnu a org:Organization , schema:CollegeOrUniversity ; org:classification orgtype:university .
               orgid:forskningsradet a org:Organization ; org:classification ?kind }""",
    )


# ---------------------------------------------------------------------------------------- reference graph


IDENTIFIERS = [
    (NTNU, "974767880", "organisation-number", "https://data.brreg.no/enhetsregisteret/oppslag/enheter/974767880"),
    (NTNU, "https://ror.org/05xg72x27", "ror", "https://ror.org/05xg72x27"),
    (NTNU, "Q314536", "wikidata", "https://www.wikidata.org/wiki/Q314536"),
    (GK, "940155223", "organisation-number", "https://data.brreg.no/enhetsregisteret/oppslag/enheter/940155223"),
    (AREA, "3407", "municipality-number", "https://www.ssb.no/klass/klassifikasjoner/131"),
    (AREA, "0502", "municipality-number", "https://www.ssb.no/klass/klassifikasjoner/131"),
    (RCN, "970141669", "organisation-number", "https://data.brreg.no/enhetsregisteret/oppslag/enheter/970141669"),
    (RCN, "https://ror.org/00epmv149", "ror", "https://ror.org/00epmv149"),
    (RCN, "Q4356293", "wikidata", "https://www.wikidata.org/wiki/Q4356293"),
    (RCN, "10.13039/501100005416", "crossref-funder-id", "https://doi.org/10.13039/501100005416"),
]


@pytest.mark.parametrize(("subject", "notation", "kind", "registry"), IDENTIFIERS)
def test_identifier_is_in_the_reference_graph_with_its_registry(
    loaded_store, subject: URIRef, notation: str, kind: str, registry: str
) -> None:
    """Each external identifier sits in graph/reference on its resource, typed, with the registry record
    (a foaf:Document) as its evidence."""
    bound = values(
        s=subject, notation=Literal(notation), kind=concept("idtype", kind), registry=URIRef(registry)
    )
    assert ask(
        loaded_store,
        f"""ASK {{ {bound} GRAPH {REFERENCE.n3()} {{
            ?s adms:identifier ?id . ?id a adms:Identifier ; skos:notation ?notation ; dct:type ?kind ;
                tg:evidence [ a oa:SpecificResource ; oa:hasSource ?registry ] .
            ?registry a foaf:Document }} }}""",
    )


def test_municipality_numbers_are_on_the_area_with_validity(loaded_store) -> None:
    """3407 is valid from 2020-01-01 and 0502 until 2019-12-31, both on area/gjovik and none on the
    organisation Gjøvik kommune."""
    rows = select(
        loaded_store,
        """SELECT ?n ?from ?until WHERE { areaid:gjovik adms:identifier ?id .
            ?id dct:type idtype:municipality-number ; skos:notation ?n .
            OPTIONAL { ?id tg:validFrom ?from } OPTIONAL { ?id tg:validUntil ?until } }""",
    )
    assert {(str(r["n"]), str(r.get("from", "")), str(r.get("until", ""))) for r in rows} == {
        ("3407", "2020-01-01", ""),
        ("0502", "", "2019-12-31"),
    }
    assert not ask(loaded_store, "ASK { ?org a org:Organization ; adms:identifier/dct:type idtype:municipality-number }")


def test_exact_matches_and_no_same_as(loaded_store) -> None:
    """ROR, Wikidata and Crossref links are skos:exactMatch; Gjøvik gets no Wikidata link; no owl:sameAs
    in the data graphs."""
    rows = select(
        loaded_store,
        f"SELECT ?s ?o WHERE {{ GRAPH {REFERENCE.n3()} {{ ?s skos:exactMatch ?o }} }}",
    )
    assert {(r["s"], str(r["o"])) for r in rows} == {
        (NTNU, "https://ror.org/05xg72x27"),
        (NTNU, "http://www.wikidata.org/entity/Q314536"),
        (RCN, "https://ror.org/00epmv149"),
        (RCN, "http://www.wikidata.org/entity/Q4356293"),
        (RCN, "https://doi.org/10.13039/501100005416"),
    }
    assert not ask(
        loaded_store,
        f"ASK {{ VALUES ?g {{ {GRAPH.n3()} {REFERENCE.n3()} }} GRAPH ?g {{ ?s owl:sameAs ?o }} }}",
    )


def test_reference_graph_describes_itself(loaded_store) -> None:
    """graph/reference is a prov:Entity and dcat:Dataset with nb/en titles, a licence and its registries."""
    rows = select(
        loaded_store,
        f"""SELECT ?title ?src WHERE {{ GRAPH {REFERENCE.n3()} {{ {REFERENCE.n3()} a prov:Entity , dcat:Dataset ;
            dct:title ?title ; dct:license <https://creativecommons.org/licenses/by/4.0/> ;
            prov:wasDerivedFrom ?src }} }}""",
    )
    assert {r["title"].language for r in rows} == {"nb", "en"}
    assert {str(r["src"]) for r in rows} >= {registry for *_, registry in IDENTIFIERS}
