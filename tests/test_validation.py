"""towngown.validation: bilingual SHACL reports, one-rule fixtures, located parse errors, and data/ conforming."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from towngown import resources
from towngown.errors import ParseError
from towngown.validation import (
    ValidationReport,
    ValidationResult,
    iter_rdf_files,
    load_rdf,
    validate,
)
from towngown.vocab import FOAF, ORG, RDF, SH, SKOS, TG, TIME, XSD

HERE = Path(__file__).parent / "data"
VALID = HERE / "valid-minimal.trig"
INVALID = HERE / "invalid"
TGSH = "https://w3id.org/towngown/shapes#"
FIELD = "https://w3id.org/towngown/id/concept/field/"
PARTNERSHIP = URIRef("https://w3id.org/towngown/id/partnership/test-minimal")
GRAPH = URIRef("https://w3id.org/towngown/graph/test-minimal")

#: Each bad fixture and the one shape whose Violation it must cause.
EXPECTED = {
    "one-member": "PartnershipMemberCountShape",
    "no-municipality": "PartnershipMunicipalityShape",
    "no-hei": "PartnershipHigherEducationShape",
    "term-start-after-end": "TermOrderShape",
    "fte-over-100": "CommitmentFteShareShape",
    "fte-negative": "CommitmentFteShareShape",
    "cost-share-over-100": "CommitmentCostShareShape",
    "commitment-by-non-member": "CommitmentByMemberShape",
    "commitment-without-partnership": "CommitmentPartnershipShape",
    "untagged-literal": "DescriptionLanguageShape",
    "graph-without-source": "PartnershipGraphSourceShape",
    "evidence-without-source": "EvidenceSourceShape",
    "missing-english-label": "PartnershipLabelEnShape",
    "missing-norwegian-label": "PartnershipLabelNbShape",
    "two-labels-one-language": "PartnershipLabelShape",
    "selector-lines-reversed": "SelectorLinesShape",
    "anchoring-without-level": "AnchoringLevelShape",
    "report-without-source": "StatusReportSourceShape",
    "status-statement-outside-report": "StatusStatementInReportShape",
    "membership-without-member": "MembershipMemberShape",
    "statement-without-field": "StatementFieldShape",
}


@pytest.fixture(scope="module")
def valid_report() -> ValidationReport:
    return validate(load_rdf(VALID))


def _warning_only() -> Dataset:
    """The valid fixture without its purpose: a gap the questionnaire asks about, not an error."""
    dataset = load_rdf(VALID)
    dataset.graph(GRAPH).remove((PARTNERSHIP, ORG.purpose, None))
    return dataset


def test_valid_fixture_conforms_without_warnings(valid_report: ValidationReport) -> None:
    """The minimal valid fixture conforms, with no Violation and no Warning."""
    assert valid_report.conforms, valid_report.text("en")
    assert valid_report.counts["Violation"] == 0
    assert valid_report.counts["Warning"] == 0
    assert valid_report.graphs == (GRAPH,)


def test_every_invalid_fixture_is_in_the_table() -> None:
    """Every tests/data/invalid/*.trig has an expected shape, and every table entry has a file."""
    assert {p.stem for p in INVALID.glob("*.trig")} == set(EXPECTED)
    assert len(EXPECTED) >= 12


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_breaks_exactly_its_rule(name: str) -> None:
    """Each bad fixture fails with exactly one Violation, from the shape it is named after."""
    report = validate(load_rdf(INVALID / f"{name}.trig"))
    assert not report.conforms
    violations = report.violations
    assert len(violations) == 1, report.text("en")
    (violation,) = violations
    assert violation.source_shape == URIRef(TGSH + EXPECTED[name])
    assert violation.message_nb and violation.message_en
    assert violation.message_nb != violation.message_en
    assert violation.graph == GRAPH


def test_warning_only_graph_conforms() -> None:
    """A graph with only Warnings (no purpose given) still conforms, and the warning names the purpose field."""
    report = validate(_warning_only())
    assert report.conforms
    warnings = report.by_severity("Warning")
    assert [w.source_shape for w in warnings] == [URIRef(TGSH + "PartnershipPurposeShape")]
    assert warnings[0].field == URIRef(FIELD + "purpose")
    assert warnings[0].focus_node == PARTNERSHIP


ID = "https://w3id.org/towngown/id/"
ORGTYPE = "https://w3id.org/towngown/id/concept/orgtype/"


def _with_municipality_member(member: URIRef, extra: list[tuple]) -> Dataset:
    """The valid fixture whose municipality membership names ``member`` instead, plus ``extra`` triples."""
    dataset = load_rdf(VALID)
    graph = dataset.graph(GRAPH)
    membership = URIRef(ID + "membership/test-minimal-testkommune")
    graph.set((membership, ORG.member, member))
    for triple in extra:
        graph.add(triple)
    return dataset


def test_unit_of_a_municipality_counts_as_municipality() -> None:
    """A member that is an org:OrganizationalUnit org:unitOf a municipality makes the partnership conform."""
    unit = URIRef(ID + "organisation/testkommune-helse")
    dataset = _with_municipality_member(unit, [
        (unit, RDF.type, ORG.OrganizationalUnit),
        (unit, SKOS.prefLabel, Literal("Helse i Testkommune", lang="nb")),
        (unit, ORG.classification, URIRef(ORGTYPE + "municipal-unit")),
        (unit, ORG.unitOf, URIRef(ID + "organisation/testkommune")),
    ])
    assert validate(dataset).conforms


def test_organisation_group_is_not_a_municipality_but_its_members_are() -> None:
    """A tg:OrganisationGroup classified as municipality does not count; one with a municipality foaf:member does."""
    group = URIRef(ID + "organisation/test-municipalities")
    triples = [
        (group, RDF.type, TG.OrganisationGroup),
        (group, SKOS.prefLabel, Literal("Testkommunene", lang="nb")),
        (group, ORG.classification, URIRef(ORGTYPE + "municipality")),
    ]
    report = validate(_with_municipality_member(group, triples))
    assert [v.source_shape for v in report.violations] == [URIRef(TGSH + "PartnershipMunicipalityShape")]
    with_member = triples + [(group, FOAF.member, URIRef(ID + "organisation/testkommune"))]
    assert validate(_with_municipality_member(group, with_member)).conforms


def test_ontology_concept_hierarchy_is_used() -> None:
    """A member classified with a narrower concept of higher-education-institution counts only given the ontology."""
    dataset = load_rdf(VALID)
    kind = URIRef(ORGTYPE + "private-university")
    dataset.graph(GRAPH).set((URIRef(ID + "organisation/testuni"), ORG.classification, kind))
    ontology = Graph()
    ontology.add((kind, SKOS.broader, URIRef(ORGTYPE + "higher-education-institution")))
    assert validate(dataset, ontology=ontology).conforms
    report = validate(dataset, ontology=Graph())
    assert [v.source_shape for v in report.violations] == [URIRef(TGSH + "PartnershipHigherEducationShape")]


def test_term_bounds_use_whole_years() -> None:
    """A term from gYear 2026 to 2026-12-31 or to gYear 2026 conforms: a gYear start is 1 Jan, an end 31 Dec."""
    dataset = load_rdf(VALID)
    graph = dataset.graph(GRAPH)
    term = URIRef(ID + "term/test-minimal")
    start = graph.value(term, TIME.hasBeginning)
    end = graph.value(term, TIME.hasEnd)
    graph.set((start, TIME.inXSDgYear, Literal("2026", datatype=XSD.gYear)))
    assert validate(dataset).conforms
    graph.remove((end, TIME.inXSDDate, None))
    graph.add((end, TIME.inXSDgYear, Literal("2026", datatype=XSD.gYear)))
    assert validate(dataset).conforms
    graph.set((end, TIME.inXSDgYear, Literal("2025", datatype=XSD.gYear)))
    assert not validate(dataset).conforms


def test_commitment_by_the_organisation_of_a_member_unit_conforms() -> None:
    """A commitment by the organisation that a participating unit belongs to is accepted."""
    unit = URIRef(ID + "organisation/testkommune-helse")
    dataset = _with_municipality_member(unit, [
        (unit, RDF.type, ORG.OrganizationalUnit),
        (unit, SKOS.prefLabel, Literal("Helse i Testkommune", lang="nb")),
        (unit, ORG.classification, URIRef(ORGTYPE + "municipal-unit")),
        (unit, ORG.unitOf, URIRef(ID + "organisation/testkommune")),
    ])
    commitment = URIRef(ID + "commitment/test-minimal-commitment-1")
    dataset.graph(GRAPH).set((commitment, TG.committedBy, URIRef(ID + "organisation/testkommune")))
    assert validate(dataset).conforms


def test_result_carries_field_path_value_and_graph() -> None:
    """A property-shape result has focus node, path, value, severity, field and graph filled in."""
    report = validate(load_rdf(INVALID / "fte-over-100.trig"))
    (result,) = report.violations
    assert isinstance(result, ValidationResult)
    assert str(result.focus_node).endswith("/commitment/test-minimal-commitment-1")
    assert str(result.path) == "https://w3id.org/towngown/ontology#fteShare"
    assert float(result.value) == 120.0
    assert result.severity == "Violation"
    assert result.field == URIRef(FIELD + "base-resources")
    assert result.graph == GRAPH


def test_sparql_message_substitutes_values() -> None:
    """The term rule's message names the compared start and end dates."""
    report = validate(load_rdf(INVALID / "term-start-after-end.trig"))
    (result,) = report.violations
    assert "2027-01-01" in result.message_en and "2026-12-31" in result.message_en
    assert "2027-01-01" in result.message_nb


@pytest.mark.parametrize(
    ("language", "message", "heading"),
    [
        ("nb", "Formålet er ikke oppgitt", "Felt purpose"),
        ("en", "The purpose is not given", "Field purpose"),
    ],
)
def test_text_report_names_field_and_message(language: str, message: str, heading: str) -> None:
    """The readable report, in nb and en, is grouped by graph and field and gives the message per result."""
    text = validate(_warning_only(), language=language).text()
    assert str(GRAPH) in text
    assert f"{heading.split()[0]} field/purpose" in text
    line = next(line for line in text.splitlines() if message in line)
    assert "partnership/test-minimal" in line
    assert "[field/purpose]" in line


def test_text_report_language_can_be_chosen_per_call() -> None:
    """text("en") gives English even when the report was made with language="nb"."""
    report = validate(load_rdf(INVALID / "fte-over-100.trig"), language="nb")
    assert "tg:fteShare is a percentage" in report.text("en")
    assert "tg:fteShare er en prosent" in report.text("nb")
    assert "tg:fteShare er en prosent" in report.text()


def test_report_graph_is_a_shacl_validation_report() -> None:
    """report_graph holds one sh:ValidationReport with sh:conforms and every result."""
    report = validate(load_rdf(INVALID / "one-member.trig"))
    g = report.report_graph
    (node,) = g.subjects(RDF.type, SH.ValidationReport)
    assert g.value(node, SH.conforms).toPython() is False
    assert len(list(g.objects(node, SH.result))) == len(report.results)


def test_dataset_graphs_are_validated_separately() -> None:
    """Each named graph of a dataset is validated on its own, and results name their graph."""
    dataset = Dataset()
    for name in ("fte-over-100", "no-hei"):
        source = load_rdf(INVALID / f"{name}.trig")
        target = dataset.graph(URIRef(f"https://w3id.org/towngown/graph/{name}"))
        for s, p, o in source.graph(GRAPH):
            target.add((s, p, o))
    report = validate(dataset)
    graphs = {str(v.graph).rsplit("/", 1)[-1]: str(v.source_shape).removeprefix(TGSH) for v in report.violations}
    assert graphs == {"fte-over-100": "CommitmentFteShareShape", "no-hei": "PartnershipHigherEducationShape"}


def test_plain_graph_is_validated() -> None:
    """A plain rdflib Graph is validated as one graph, with no graph name on its results."""
    graph = Graph()
    for s, p, o, _ in load_rdf(INVALID / "fte-negative.trig").quads((None, None, None, None)):
        graph.add((s, p, o))
    report = validate(graph)
    assert [v.graph for v in report.violations] == [None]


def test_one_summary_line_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    """One validation logs one summary line with counts and graph."""
    with caplog.at_level(logging.INFO, logger="towngown.validation"):
        validate(load_rdf(INVALID / "one-member.trig"))
    lines = [r.getMessage() for r in caplog.records if r.name == "towngown.validation"]
    assert len(lines) == 1
    assert str(GRAPH) in lines[0] and "1 violations" in lines[0]


def test_broken_turtle_raises_parse_error_with_line_and_column() -> None:
    """A broken Turtle file raises ParseError naming the file, line 7 and column 47."""
    path = INVALID / "broken-syntax.ttl"
    with pytest.raises(ParseError) as info:
        load_rdf(path)
    error = info.value
    assert (error.line, error.column) == (7, 47)
    assert error.source == str(path)
    assert f"{path}:7:47" in str(error)
    assert error.status == 400


@pytest.mark.parametrize(
    ("suffix", "text", "line"),
    [
        (".trig", "<urn:g> {\n<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .\n}\n", 3),
        (".rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<oops>\n</rdf:RDF>\n', 4),
        (".jsonld", '{\n  "@id": "urn:a",\n  "urn:b": \n}\n', 4),
    ],
)
def test_other_syntax_errors_are_located(tmp_path: Path, suffix: str, text: str, line: int) -> None:
    """Broken TriG, RDF/XML and JSON-LD raise ParseError with the line the parser reports."""
    path = tmp_path / f"broken{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as info:
        load_rdf(path)
    assert info.value.line == line
    assert info.value.source == str(path)


@pytest.mark.parametrize("fmt,suffix", [("nt11", ".nt"), ("nquads", ".nq"), ("json-ld", ".jsonld"), ("xml", ".rdf"), ("turtle", ".ttl")])
def test_load_rdf_reads_every_format_by_suffix(tmp_path: Path, fmt: str, suffix: str) -> None:
    """load_rdf reads N-Triples, N-Quads, JSON-LD, RDF/XML and Turtle by file suffix, keeping every triple."""
    dataset = load_rdf(VALID)
    source = dataset if fmt in ("nquads", "json-ld") else dataset.graph(GRAPH)
    path = tmp_path / f"copy{suffix}"
    source.serialize(path, format=fmt)
    assert len(load_rdf(path)) == len(dataset.graph(GRAPH))


def test_unknown_suffix_is_a_parse_error(tmp_path: Path) -> None:
    """A file whose suffix is not an RDF suffix raises ParseError naming it."""
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(ParseError, match="notes.txt"):
        load_rdf(path)


def test_iter_rdf_files_expands_folders_and_skips_sources(tmp_path: Path) -> None:
    """Folders expand recursively to RDF files; data/sources/ and non-RDF files are skipped; files pass through."""
    (tmp_path / "partnerships").mkdir()
    (tmp_path / "sources").mkdir()
    for name in ("a.trig", "partnerships/b.ttl", "partnerships/c.jsonld", "sources/d.ttl", "sources/e.txt", "f.md"):
        (tmp_path / name).write_text("", encoding="utf-8")
    single = tmp_path / "single.nt"
    found = [p.relative_to(tmp_path).as_posix() for p in iter_rdf_files([tmp_path, single])]
    assert found == ["a.trig", "partnerships/b.ttl", "partnerships/c.jsonld", "single.nt"]


DATA_FILES = list(iter_rdf_files([resources.data_dir()]))


@pytest.mark.parametrize("path", DATA_FILES, ids=[p.name for p in DATA_FILES])
def test_data_conforms(path: Path) -> None:
    """Every RDF file in data/ (and data/partnerships/) conforms: no Violation in any of its graphs."""
    report = validate(load_rdf(path))
    assert report.conforms, report.text("en")


def test_data_folder_is_not_empty() -> None:
    """data/ holds the Gjøvik graph at least, so test_data_conforms checks something."""
    assert any(p.name == "gjovik-ntnu.trig" for p in DATA_FILES)
