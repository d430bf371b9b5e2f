"""Every stored query runs on the real data and gives the values the source documents state.

The Gjøvik kommune + NTNU expectations come from the survey answer data/sources/000_bd483b5984df803a.txt
(line numbers in the comments).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Literal, URIRef
from rdflib.term import Node

from towngown.catalog import StoredQuery, load_catalog

ID = "https://w3id.org/towngown/id/"
GJOVIK = URIRef(ID + "partnership/gjovik-ntnu")
TRONDHEIM = URIRef(ID + "partnership/trondheim-ntnu")
GJOVIK_KOMMUNE = URIRef(ID + "organisation/gjovik-kommune")
NTNU = URIRef(ID + "organisation/ntnu")
CATALOG = load_catalog()


def run(store, name: str, **values: str) -> list[dict[str, Node]]:  # noqa: ANN001 - the loaded_store fixture
    """Run stored query ``name`` with ``values`` bound and return its rows."""
    return store.select(CATALOG.get(name).bind(values))


def number(node: Node | None) -> Decimal:
    """A numeric literal as a Decimal (engines differ in how they write 40 / 40.0)."""
    assert isinstance(node, Literal), node
    return Decimal(str(node.toPython()))


def gjovik(rows: list[dict[str, Node]]) -> list[dict[str, Node]]:
    """The rows about the Gjøvik partnership."""
    return [r for r in rows if r.get("partnership") == GJOVIK]


@pytest.mark.parametrize("query", list(CATALOG), ids=lambda q: q.name)
def test_every_stored_query_runs_as_written(loaded_store, query: StoredQuery) -> None:  # noqa: ANN001
    """Every stored query runs unchanged on the loaded store: optional parameters unbound, required ones bound to
    the value of the query's documented example (a required parameter is not meant to be left open)."""
    assert query.error is None
    required = {p.name: str(query.example[0][p.name]) for p in query.parameters if p.required}
    sparql = query.bind(required) if required else query.sparql
    assert isinstance(loaded_store.select(sparql), list)


@pytest.mark.parametrize("query", [q for q in CATALOG if any(p.name == "partnership" for p in q.parameters)],
                         ids=lambda q: q.name)
def test_partnership_parameter_restricts_to_gjovik(loaded_store, query: StoredQuery) -> None:  # noqa: ANN001
    """Bound to the Gjøvik partnership, a query returns rows only about it (and at least one)."""
    rows = loaded_store.select(query.bind({"partnership": str(GJOVIK)}))
    assert rows, query.name
    assert {r.get("partnership") for r in rows} == {GJOVIK}


def _row_set(rows: list[dict[str, Node]]) -> set[tuple]:
    """Rows as a set of sorted (variable, value) pairs; a GROUP_CONCAT ("a; b") is compared as a set of parts."""

    def value(node: Node) -> object:
        """The comparable form of one value."""
        text = str(node)
        return (frozenset(text.split("; ")), getattr(node, "language", None)) if "; " in text else node

    return {tuple(sorted((k, value(v)) for k, v in row.items() if v is not None)) for row in rows}


@pytest.mark.parametrize("query", [q for q in CATALOG if any(p.name == "partnership" for p in q.parameters)],
                         ids=lambda q: q.name)
def test_bound_partnerships_give_the_rows_of_the_unbound_query(loaded_store, query: StoredQuery) -> None:  # noqa: ANN001
    """Bound to one partnership, or to two, a query answers exactly the rows the unbound query gives about them:
    the binding repeated inside sub-selects and UNION branches changes how much the engine reads, not the answer."""
    everything = loaded_store.select(query.bind({}))
    for bound in ([str(GJOVIK)], [str(GJOVIK), str(TRONDHEIM)]):
        rows = loaded_store.select(query.bind({"partnership": bound}))
        expected = [r for r in everything if str(r.get("partnership")) in bound]
        assert _row_set(rows) == _row_set(expected), (query.name, bound)


def test_enum_queries_return_allowed_values(loaded_store) -> None:  # noqa: ANN001
    """Every enum_query runs on the store and its first column offers at least one value."""
    for query in CATALOG:
        for parameter in query.parameters:
            if parameter.enum_query:
                rows = loaded_store.select(parameter.enum_query)
                assert rows, (query.name, parameter.name)


def test_participants_and_roles(loaded_store) -> None:  # noqa: ANN001
    """Gjøvik kommune and NTNU are the only members, both partner and driving force (lines 3, 7)."""
    rows = run(loaded_store, "participants-and-roles", partnership=str(GJOVIK))
    assert {r["member"] for r in rows} == {GJOVIK_KOMMUNE, NTNU}
    for member in (GJOVIK_KOMMUNE, NTNU):
        roles = {str(r["role"]).rsplit("/", 1)[-1] for r in rows if r["member"] == member}
        assert roles == {"partner", "driving-force"}


def test_initiators(loaded_store) -> None:  # noqa: ANN001
    """Both parties are the driving forces ("motorene", line 7)."""
    rows = run(loaded_store, "initiators", partnership=str(GJOVIK))
    driving = {r["organisation"] for r in rows if r.get("how") == Literal("membership-role")}
    assert driving == {GJOVIK_KOMMUNE, NTNU}


def test_anchoring_levels(loaded_store) -> None:  # noqa: ANN001
    """Anchored with the chief executive and the mayor in the municipality and the rector at NTNU (line 15)."""
    rows = run(loaded_store, "anchoring-levels", partnership=str(GJOVIK))
    found = {(r["organisation"], str(r["level"]).rsplit("/", 1)[-1]) for r in rows}
    assert found == {(GJOVIK_KOMMUNE, "chief-executive"), (GJOVIK_KOMMUNE, "mayor"), (NTNU, "rector")}


def test_committed_resources_per_party(loaded_store) -> None:  # noqa: ANN001
    """NTNU commits 40 % FTE (20 % project management + 20 % scientific position; the PhD has no FTE share in
    the answer) and Gjøvik kommune 40 % (lines 27–29, 33–35)."""
    rows = run(loaded_store, "committed-resources", partnership=str(GJOVIK))
    party_fte = {r["party"]: number(r["partyFte"]) for r in rows}
    assert party_fte == {NTNU: Decimal(40), GJOVIK_KOMMUNE: Decimal(40)}
    by_kind = {(r["party"], str(r["kind"]).rsplit("/", 1)[-1]): r for r in rows}
    assert number(by_kind[(NTNU, "own-effort")]["fte"]) == 20
    assert number(by_kind[(NTNU, "salary")]["fte"]) == 20
    phd = by_kind[(NTNU, "salary-and-running-costs")]
    assert number(phd["fte"]) == 0 and number(phd["commitmentsWithoutFte"]) == 1
    assert number(by_kind[(GJOVIK_KOMMUNE, "own-effort")]["fte"]) == 20
    assert number(by_kind[(GJOVIK_KOMMUNE, "salary")]["fte"]) == 20


def test_commitments_in_detail(loaded_store) -> None:  # noqa: ANN001
    """Six commitment lines, three from each party; the two 20 % scientific positions match each other."""
    rows = run(loaded_store, "commitments", partnership=str(GJOVIK))
    commitments = {r["commitment"]: r for r in rows}
    assert len(commitments) == 6
    assert sorted(str(r["party"]) for r in commitments.values()) == sorted([str(NTNU)] * 3 + [str(GJOVIK_KOMMUNE)] * 3)
    matched = [r for r in commitments.values() if r.get("matchedBy") and str(r["matchedBy"]).strip()]
    assert len(matched) == 2


def test_phd_positions(loaded_store) -> None:  # noqa: ANN001
    """Two PhD posts, both three years: NTNU's (unconditional) and Gjøvik kommune's public-sector PhD, which
    depends on a granted application (lines 28, 34)."""
    rows = run(loaded_store, "phd-positions", partnership=str(GJOVIK))
    posts = {r["post"] for r in rows}
    assert len(posts) == 2
    conditional = {r["post"] for r in rows if r["conditional"].toPython() is True}
    assert len(conditional) == 1
    (row,) = [r for r in rows if r["post"] in conditional]
    assert row["party"] == GJOVIK_KOMMUNE
    assert str(row["position"]).endswith("/public-sector-phd")
    assert {str(r["duration"]) for r in rows} == {"P3Y"}


def test_conditional_commitments(loaded_store) -> None:  # noqa: ANN001
    """One conditional commitment: Gjøvik kommune's PhD share, on an application to the Research Council (line 34)."""
    rows = run(loaded_store, "conditional-commitments", partnership=str(GJOVIK))
    assert {r["commitment"] for r in rows} == {URIRef(ID + "commitment/gjovik-ntnu-commitment-5")}
    assert {r["submittedTo"] for r in rows} == {URIRef(ID + "organisation/forskningsradet")}
    assert all("applicationStatus" not in r or r["applicationStatus"] is None for r in rows)  # not stated


def test_funding(loaded_store) -> None:  # noqa: ANN001
    """For now only the parties' own resources (line 39), in a report not before 2021; no funding contribution."""
    rows = run(loaded_store, "funding", partnership=str(GJOVIK))
    statements = [r for r in rows if r["kind"] == Literal("statement")]
    assert {str(r["concept"]).rsplit("/", 1)[-1] for r in statements} == {"own-resources-only"}
    assert {str(r["reportNotBefore"]) for r in statements} == {"2021"}
    assert not [r for r in rows if r["kind"] == Literal("contribution")]


def test_agreement_terms(loaded_store) -> None:  # noqa: ANN001
    """The initial period runs from 2021 (counted from 1 January) to 31.12.2026 (line 50)."""
    (row,) = run(loaded_store, "agreement-terms", partnership=str(GJOVIK))
    assert str(row["startsOn"]) == "2021-01-01" and str(row["endsOn"]) == "2026-12-31"
    assert str(row["termType"]).endswith("/initial-period")


@pytest.mark.parametrize(("date", "active"), [("2021-01-01", True), ("2024-06-01", True), ("2026-12-31", True),
                                              ("2020-12-31", False), ("2027-06-01", False)])
def test_partnerships_active_on(loaded_store, date: str, active: bool) -> None:  # noqa: ANN001
    """Gjøvik + NTNU is active from 1 January 2021 through 31 December 2026, not before or after."""
    rows = run(loaded_store, "partnerships-active-on", date=date)
    assert (GJOVIK in {r["partnership"] for r in rows}) is active


def test_partnerships_active_on_returns_other_partnerships(loaded_store) -> None:  # noqa: ANN001
    """On 2024-06-01 more than one partnership is active (the query covers all partnerships)."""
    rows = run(loaded_store, "partnerships-active-on", date="2024-06-01")
    assert len({r["partnership"] for r in rows}) > 1


def test_collaboration_areas(loaded_store) -> None:  # noqa: ANN001
    """Health and care is the area, in the first sub-agreement (line 54)."""
    rows = run(loaded_store, "collaboration-areas", partnership=str(GJOVIK))
    assert {str(r["area"]).rsplit("/", 1)[-1] for r in rows} == {"helse-og-omsorg"}
    assert URIRef(ID + "agreement/gjovik-ntnu-delavtale-1") in {r["subject"] for r in rows if r["via"] == Literal("agreement")}


def test_collaboration_forms(loaded_store) -> None:  # noqa: ANN001
    """Ordinary meetings so far (line 58); an annual top-level meeting and a steering group per area agreed (19)."""
    rows = run(loaded_store, "collaboration-forms", partnership=str(GJOVIK))
    forms = {(str(r["form"]).rsplit("/", 1)[-1], str(r["via"])) for r in rows}
    assert ("ordinary-meetings", "statement") in forms
    assert {("annual-top-level-meeting", "arrangement"), ("steering-group-per-area", "arrangement")} <= forms


def test_action_plan_milestone_result_status(loaded_store) -> None:  # noqa: ANN001
    """Action plans under development (62), no milestones yet in the start-up phase (66), little results (70)."""
    rows = run(loaded_store, "action-plan-milestone-result-status", partnership=str(GJOVIK))
    status = {str(r["field"]).rsplit("/", 1)[-1]: str(r["status"]).rsplit("/", 1)[-1] for r in rows}
    assert status == {"action-plans": "under-development", "milestones": "none-yet", "results": "little-so-far"}
    assert {str(r["concept"]).rsplit("/", 1)[-1] for r in rows if r.get("concept")} == {"start-up"}
    assert {str(r["reportNotBefore"]) for r in rows} == {"2021"}


def test_action_plan_field_parameter(loaded_store) -> None:  # noqa: ANN001
    """The field parameter narrows the status statements to one question."""
    rows = run(loaded_store, "action-plan-milestone-result-status", partnership=str(GJOVIK),
               field=ID + "concept/field/milestones")
    assert [str(r["status"]).rsplit("/", 1)[-1] for r in rows] == ["none-yet"]


def test_shared_purposes(loaded_store) -> None:  # noqa: ANN001
    """Gjøvik shares its purposes (lines 43–44) with Trondheim's TRD3.0 where the data maps them to the same concepts."""
    trondheim_purposes = {r["purpose"] for r in run(loaded_store, "shared-purposes", partnership=str(TRONDHEIM))}
    rows = run(loaded_store, "shared-purposes", partnership=str(GJOVIK))
    assert trondheim_purposes, "the converted Trondheim data maps its goals to shared purpose concepts"
    assert TRONDHEIM in {r["other"] for r in rows}
    assert GJOVIK not in {r["other"] for r in rows}


def test_fte_per_10000_inhabitants(loaded_store) -> None:  # noqa: ANN001
    """0.4 FTE per party for 30 560 inhabitants (line 11): 0.1309 per 10 000 each, 0.2618 for the partnership."""
    rows = run(loaded_store, "fte-per-10000-inhabitants", partnership=str(GJOVIK))
    assert {r["party"] for r in rows} == {NTNU, GJOVIK_KOMMUNE}
    for row in rows:
        assert number(row["fte"]) == Decimal("0.4")
        assert number(row["population"]) == 30560
        assert round(number(row["ftePer10000"]), 4) == Decimal("0.1309")
        assert round(number(row["partnershipFtePer10000"]), 4) == Decimal("0.2618")


def test_fact_source_gives_document_lines_and_quote(loaded_store) -> None:  # noqa: ANN001
    """The purposes of the Gjøvik partnership trace to lines 43–44 of the survey answer, with the quote."""
    rows = run(loaded_store, "fact-source", resource=str(GJOVIK))
    purpose = [r for r in rows if r["property"] == URIRef("http://www.w3.org/ns/org#purpose") and r.get("fromLine")]
    assert purpose
    assert {(int(r["fromLine"]), int(r["toLine"])) for r in purpose if r["evidenceOf"] == GJOVIK} == {(43, 44)}
    assert {str(r["document"]) for r in purpose} == {"000_bd483b5984df803a.txt"}
    assert any(str(r["quote"]).startswith("Samarbeidet skal sikre tilgang") for r in purpose)
    term = [r for r in rows if r["property"] == URIRef("https://w3id.org/towngown/ontology#term")
            and r.get("evidenceOf") == GJOVIK]
    assert {int(r["fromLine"]) for r in term} == {50}


def test_fact_source_evidence_respects_for_property(loaded_store) -> None:  # noqa: ANN001
    """Evidence restricted with tg:forProperty is not offered for other properties of the same resource."""
    rows = run(loaded_store, "fact-source", resource=str(GJOVIK))
    term_lines = {int(r["fromLine"]) for r in rows if r["property"] == URIRef("https://w3id.org/towngown/ontology#term")
                  and r.get("evidenceOf") == GJOVIK and r.get("fromLine")}
    assert 43 not in term_lines and 3 not in term_lines


def test_fact_source_gives_urls_for_web_sources(loaded_store) -> None:  # noqa: ANN001
    """Facts from the KS pages trace to the page URL, not to a line of a document."""
    rows = run(loaded_store, "fact-source", resource=str(TRONDHEIM))
    urls = {str(r["url"]) for r in rows if r.get("url")}
    assert rows, "the Trondheim data is loaded"
    assert urls and all(u.startswith("http") for u in urls)


def test_partnership_overview_covers_all_partnerships(loaded_store) -> None:  # noqa: ANN001
    """The overview has one row per partnership, Gjøvik with 2 members and 6 commitments."""
    rows = run(loaded_store, "partnership-overview")
    assert len(rows) == len({r["partnership"] for r in rows}) >= 15
    (row,) = gjovik(rows)
    assert number(row["members"]) == 2 and number(row["commitments"]) == 6


def test_organisations_in_partnerships(loaded_store) -> None:  # noqa: ANN001
    """NTNU takes part in several partnerships, Gjøvik's among them."""
    (row,) = run(loaded_store, "organisations-in-partnerships", organisation=str(NTNU))
    assert number(row["partnerships"]) > 1
    assert str(GJOVIK) in str(row["partnershipIris"]).split()


def test_lessons_learned(loaded_store) -> None:  # noqa: ANN001
    """Right resources, anchoring and time to mature (line 74)."""
    rows = run(loaded_store, "lessons-learned", partnership=str(GJOVIK))
    assert {str(r["topic"]).rsplit("/", 1)[-1] for r in rows} == {"right-resources", "anchoring", "time-to-mature"}
