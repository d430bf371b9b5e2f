"""The questionnaire: the Gjøvik kommune + NTNU answer entered in the YAML template and in the XLSX workbook gives the
graph in data/gjovik-ntnu.trig (apart from provenance); mistakes name the field and the line or cell; the templates
in data/templates/ are the generated ones; `towngown import` and `towngown template` work as a user runs them.

IRIs are derived from the slug and the rows' ids exactly as data/gjovik-ntnu.trig names them, so the graphs are
compared as they are (no mapping of IRIs): ``without_provenance`` removes the tg:evidence subtrees, the graph's
self-description, the source documents and the links to them from both sides.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from towngown.errors import QuestionnaireError
from towngown.questionnaire import TABLE, TABLES, build, read_file, read_form, read_xlsx, read_yaml, without_provenance
from towngown.questionnaire.templates import workbook, workbook_bytes, yaml_template
from towngown.resources import data_dir
from towngown.validation import validate
from towngown import vocab as v

ROOT = Path(__file__).resolve().parent.parent
FILLED = ROOT / "tests" / "data" / "questionnaire"
GJOVIK_TRIG = ROOT / "data" / "gjovik-ntnu.trig"
GRAPH = URIRef("https://w3id.org/towngown/graph/gjovik-ntnu")
ID = "https://w3id.org/towngown/id/"
TOWNGOWN = str(Path(sys.executable).parent / "towngown")


def reference_graph() -> Graph:
    """graph/gjovik-ntnu as data/ holds it, without provenance."""
    dataset = Dataset()
    dataset.parse(GJOVIK_TRIG, format="trig")
    return without_provenance(dataset.graph(GRAPH))


def assert_same(expected: Graph, actual: Graph) -> None:
    """Isomorphic graphs; otherwise the differing triples are shown."""
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        lines = [f"- {t}" for t in sorted(only_expected)[:20]] + [f"+ {t}" for t in sorted(only_actual)[:20]]
        raise AssertionError("graphs differ:\n" + "\n".join(lines))


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of ``path`` that contains ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def problems_of(call) -> list[str]:  # noqa: ANN001 - a callable that raises QuestionnaireError
    """The English text of every problem a call reports."""
    with pytest.raises(QuestionnaireError) as caught:
        call()
    return [p.text("en") for p in caught.value.problems]


# ---- the round trips ------------------------------------------------------------------------------------

def test_yaml_answer_gives_the_gjovik_graph() -> None:
    """The Gjøvik answer entered in the YAML template gives graph/gjovik-ntnu of data/, apart from provenance."""
    built = build(read_file(FILLED / "gjovik-ntnu.yaml"), "gjovik-ntnu")
    assert built.graph_iri == GRAPH
    assert_same(reference_graph(), without_provenance(built.graph))


def test_xlsx_answer_gives_the_gjovik_graph() -> None:
    """The Gjøvik answer entered in the XLSX workbook gives graph/gjovik-ntnu of data/, apart from provenance."""
    built = build(read_file(FILLED / "gjovik-ntnu.xlsx"), "gjovik-ntnu")
    assert_same(reference_graph(), without_provenance(built.graph))


def test_imported_graph_conforms_and_carries_provenance() -> None:
    """The imported graph conforms, describes itself as derived from the submitted file (name, type, SHA-256),
    and each row's node points at the lines of the YAML that state it."""
    path = FILLED / "gjovik-ntnu.yaml"
    built = build(read_file(path), "gjovik-ntnu")
    assert validate(built.dataset).conforms
    graph = built.graph
    sources = list(graph.objects(GRAPH, v.PROV.wasDerivedFrom))
    assert len(sources) == 1
    source = sources[0]
    assert (source, v.RDF.type, v.FOAF.Document) in graph
    assert graph.value(source, v.DCTERMS.identifier) == Literal("gjovik-ntnu.yaml")
    assert graph.value(source, v.DCTERMS.format) == Literal("application/yaml")
    assert graph.value(source, v.TG.sha256) == Literal(hashlib.sha256(path.read_bytes()).hexdigest())
    commitment = URIRef(ID + "commitment/gjovik-ntnu-commitment-3")
    evidence = graph.value(commitment, v.TG.evidence)
    assert graph.value(evidence, v.OA.hasSource) == source
    selector = graph.value(evidence, v.OA.hasSelector)
    first = line_of(path, "- id: commitment-3")
    assert graph.value(selector, v.TG.fromLine) == Literal(first)
    assert graph.value(selector, v.TG.toLine).toPython() > first


def test_texts_keep_their_language_as_written() -> None:
    """A plain text takes the questionnaire's language; {nb, en} texts keep each language."""
    text = b"""
language: en
partnership:
  name: {nb: "Samarbeid A", en: "Partnership A"}
  description: Written in English only.
"""
    graph = build(read_yaml(text, "a.yaml"), "a-b").graph
    partnership = URIRef(ID + "partnership/a-b")
    assert set(graph.objects(partnership, v.DCTERMS.description)) == {Literal("Written in English only.", lang="en")}
    assert {(str(o), o.language) for o in graph.objects(partnership, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))} == {
        ("Samarbeid A", "nb"), ("Partnership A", "en")}


def test_numbers_and_times_get_their_datatypes() -> None:
    """Percentages are xsd:decimal, counts xsd:integer, a year xsd:gYear and a Norwegian date xsd:date."""
    text = """
partnership: {name: {nb: A, en: A}}
organisations:
  - {id: k, name: K, kind: municipality}
base-resources:
  commitments:
    - {id: c, by: k, fte_share: "12,5", position_count: 2}
duration:
  terms:
    - {id: t, begins: 2021, ends: 31.12.2026}
""".encode()
    graph = build(read_yaml(text), "a-b").graph
    commitment = URIRef(ID + "commitment/a-b-c")
    assert graph.value(commitment, v.TG.fteShare) == Literal("12.5", datatype=v.XSD.decimal)
    assert graph.value(commitment, v.TG.positionCount) == Literal(2)
    time = "http://www.w3.org/2006/time#"
    assert graph.value(URIRef(ID + "term/a-b-t-beginning"), URIRef(time + "inXSDgYear")) == Literal("2021", datatype=v.XSD.gYear)
    assert graph.value(URIRef(ID + "term/a-b-t-end"), URIRef(time + "inXSDDate")) == Literal("2026-12-31", datatype=v.XSD.date)


def test_organisation_known_to_towngown_can_be_named_by_id_alone() -> None:
    """A member named only by the id of an organisation towngown knows is described from what it knows."""
    from towngown.questionnaire import KnownOrganisation

    text = b"""
partnership: {name: {nb: A, en: A}}
participants:
  members:
    - {organisation: ntnu-unit}
"""
    known = {
        "ntnu": KnownOrganisation("ntnu", {"nb": "NTNU", "en": "NTNU"}, "university"),
        "ntnu-unit": KnownOrganisation("ntnu-unit", {"nb": "Enhet"}, "university-unit", unit_of="ntnu"),
    }
    graph = build(read_yaml(text), "a-b", known_organisations=known).graph
    unit, ntnu = URIRef(ID + "organisation/ntnu-unit"), URIRef(ID + "organisation/ntnu")
    assert (unit, URIRef("http://www.w3.org/ns/org#unitOf"), ntnu) in graph
    assert (ntnu, v.RDF.type, URIRef("http://schema.org/CollegeOrUniversity")) in graph


# ---- mistakes name the field and the line or cell ----------------------------------------------------------

@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ("roles: [partner, motor]", ["field 1 Participants", "Members 'testkommune'", "Roles", "unknown value 'motor'"]),
        ("fte_share: 120", ["field 5a Base resources", "Resources 'ressurs-1'", "FTE share (%)", "between 0 and 100"]),
        ("by: testuniversitetett", ["field 5a Base resources", "From", "no row in Organisations has the id 'testuniversitetett'"]),
        ("post_duration: tre år", ["Duration of the post", "is not a duration"]),
        ("begins: tidlig 2021", ["field 9 Duration", "Terms 'periode'", "Begins", "is not a year"]),
        ("name: Testkommune igjen", ["field 1 Participants", "Organisations 'testkommune'", "used twice"]),
    ],
)
def test_yaml_mistake_names_field_and_line(marker: str, expected: list[str]) -> None:
    """Each mistake in a YAML answer is reported with its line, questionnaire field, table, row and column."""
    path = FILLED / "bad-values.yaml"
    found = problems_of(lambda: build(read_file(path), "test"))
    line = line_of(path, marker)
    if marker.startswith("name: Testkommune igjen"):
        line -= 1  # the duplicate id is on the line above its name
    matching = [p for p in found if p.startswith(f"line {line}:")]
    assert matching, found
    assert all(part in matching[0] for part in expected), matching[0]


def test_yaml_syntax_error_names_line_and_column() -> None:
    """YAML that does not parse is reported with the line and column where the parser stopped."""
    found = problems_of(lambda: read_file(FILLED / "bad-syntax.yaml"))
    assert len(found) == 1
    assert found[0].startswith("line 4, column 14: YAML syntax error")
    assert "line 3" in found[0]


def test_yaml_in_the_wrong_shape_names_each_unknown_key() -> None:
    """Unknown sections, columns and languages are each reported at their line."""
    path = FILLED / "bad-shape.yaml"
    found = problems_of(lambda: read_file(path))
    assert any(p.startswith(f"line {line_of(path, 'de: Testgemeinde')}:") and "unknown language 'de'" in p for p in found)
    assert any(p.startswith(f"line {line_of(path, 'navn:')}:") and "unknown key 'navn'" in p for p in found)
    assert any(p.startswith(f"line {line_of(path, 'participant:')}:") and "unknown section 'participant'" in p for p in found)


def _cell(sheet, key: str, row: int) -> str:  # noqa: ANN001 - an openpyxl worksheet
    """The reference (A1 style) of column ``key`` (row 3 holds the keys) in ``row``."""
    for cell in sheet[3]:
        if cell.value == key:
            return f"{cell.column_letter}{row}"
    raise AssertionError(key)


def test_xlsx_mistakes_name_field_and_cell(tmp_path: Path) -> None:
    """Mistakes typed into the workbook (and a required answer left empty) are reported as sheet!cell with their
    field and column."""
    book = load_workbook(FILLED / "gjovik-ntnu.xlsx")
    commitments, members = book[TABLE["commitments"].sheet], book[TABLE["members"].sheet]
    organisations = book[TABLE["organisations"].sheet]
    fte = _cell(commitments, "fte_share", 4)
    role = _cell(members, "roles_2", 5)
    kind = _cell(organisations, "kind", 5)
    commitments[fte] = "tjue"
    members[role] = "motor"
    organisations[kind] = None
    path = tmp_path / "bad.xlsx"
    book.save(path)
    found = problems_of(lambda: build(read_file(path), "gjovik-ntnu"))
    assert any(p.startswith(f"Ressurser-Commitments!{fte}: field 5a Base resources")
               and "FTE share (%)" in p and "'tjue' is not a number" in p for p in found), found
    assert any(p.startswith(f"Deltakere-Members!{role}: field 1 Participants") and "unknown value 'motor'" in p
               for p in found), found
    assert f"Organisasjoner-Organisations!{kind}: field 1 Participants › Organisations 'ntnu' › Kind of organisation: " \
           "must be filled in" in found


def test_not_a_workbook_is_one_clear_mistake() -> None:
    """Bytes that are not an XLSX workbook give one problem, not a traceback."""
    found = problems_of(lambda: read_xlsx(b"not a zip file", "x.xlsx"))
    assert len(found) == 1 and "not an XLSX workbook" in found[0]


def test_bad_slug_is_refused() -> None:
    """A slug that cannot be part of an IRI is refused before anything is built."""
    found = problems_of(lambda: build(read_file(FILLED / "gjovik-ntnu.yaml"), "Gjøvik NTNU"))
    assert found and "cannot be a partnership slug" in found[0]


# ---- the templates ----------------------------------------------------------------------------------------

def test_yaml_template_in_data_is_the_generated_one() -> None:
    """data/templates/questionnaire.yaml is what `towngown template --format yaml` writes."""
    assert (data_dir() / "templates" / "questionnaire.yaml").read_text(encoding="utf-8") == yaml_template()


def _contents(book) -> dict[str, object]:  # noqa: ANN001 - an openpyxl workbook
    """Every sheet's cell values, state and drop-down formulas: what a user of the workbook sees."""
    out: dict[str, object] = {}
    for sheet in book.worksheets:
        cells = [[c.value for c in row] for row in sheet.iter_rows()]
        checks = sorted((str(v.sqref), v.type, v.formula1, v.formula2) for v in sheet.data_validations.dataValidation)
        out[sheet.title] = (sheet.sheet_state, cells, checks)
    return out


def test_xlsx_template_in_data_is_the_generated_one() -> None:
    """data/templates/questionnaire.xlsx holds the same sheets, cells and drop-downs as a freshly generated one."""
    committed = load_workbook(data_dir() / "templates" / "questionnaire.xlsx")
    fresh = load_workbook(io.BytesIO(workbook_bytes()))
    assert _contents(committed) == _contents(fresh)


def test_templates_cover_every_table_and_read_as_empty() -> None:
    """The empty templates mention every table and column, and read as a questionnaire with no answers."""
    text = yaml_template()
    for table in TABLES:
        for column in table.columns:
            if not (table.name == "statements" and column.key == "field"):
                assert f"{column.yaml[1] if column.yaml else column.key}:" in text, (table.name, column.key)
    assert not any(read_yaml(text.encode()).tables.values())
    assert not any(read_xlsx(workbook_bytes()).tables.values())


def test_workbook_offers_concepts_as_drop_downs_from_a_hidden_sheet() -> None:
    """Concept columns get list drop-downs that read the hidden sheet of concept labels, in bokmål and English."""
    book = workbook()
    lists = book["Lister-Lists"]
    assert lists.sheet_state == "hidden"
    sheet = book[TABLE["members"].sheet]
    role = _cell(sheet, "roles_1", 4)[:-1]
    checks = [v for v in sheet.data_validations.dataValidation if str(v.sqref).startswith(f"{role}4")]
    assert checks and checks[0].type == "list" and checks[0].formula1.startswith("'Lister-Lists'!")
    column = checks[0].formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    offered = {c.value for c in lists[column][1:] if c.value}
    assert "pådriver — driving force" in offered and "partner" in offered
    header = sheet[f"{role}1"]
    assert header.comment is not None and "Partner, pådriver" in header.comment.text


def test_filled_workbook_names_headers_in_both_languages() -> None:
    """Row 1 names each column in bokmål, row 2 in English, row 3 holds the key the reader uses."""
    sheet = load_workbook(FILLED / "gjovik-ntnu.xlsx")[TABLE["commitments"].sheet]
    fte = _cell(sheet, "fte_share", 1)
    assert sheet[fte].value == "Stillingsandel (%)"
    assert sheet[fte.replace("1", "2")].value == "FTE share (%)"


# ---- the command line ---------------------------------------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TOWNGOWN, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_cli_import_writes_the_trig_and_validates(tmp_path: Path) -> None:
    """`towngown import FILE --slug` writes graph/<slug> as TriG, reports conformance and exits 0."""
    output = tmp_path / "gjovik.trig"
    result = run("import", "tests/data/questionnaire/gjovik-ntnu.xlsx", "--slug", "gjovik-ntnu", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert "0 violation(s)" in result.stderr
    dataset = Dataset()
    dataset.parse(output, format="trig")
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {str(GRAPH)}
    through_trig = Dataset()
    through_trig.parse(data=reference_dataset_trig(), format="trig")
    assert_same(without_provenance(through_trig.graph(GRAPH)), without_provenance(dataset.graph(GRAPH)))


def reference_dataset_trig() -> str:
    """data/gjovik-ntnu.trig written out again by rdflib (its TriG writer writes 20 as 20.0, as for any import)."""
    dataset = Dataset()
    dataset.parse(GJOVIK_TRIG, format="trig")
    return dataset.serialize(format="trig")


def test_cli_import_mistakes_exit_1_naming_the_line() -> None:
    """`towngown import` of a file with mistakes writes nothing, lists each with its line and exits 1."""
    result = run("import", "tests/data/questionnaire/bad-values.yaml", "--slug", "test", "--lang", "nb")
    assert result.returncode == 1
    assert result.stdout == ""
    line = line_of(FILLED / "bad-values.yaml", "fte_share: 120")
    assert f"line {line}: felt 5a Grunnressurser" in result.stderr
    assert "6 feil; ingen graf ble skrevet" in result.stderr


def test_cli_import_violation_exits_1_with_the_row(tmp_path: Path) -> None:
    """A readable answer that breaks a rule is written, and the violation is reported with its line; exit 1."""
    answer = tmp_path / "one-member.yaml"
    answer.write_text(
        "partnership: {name: {nb: A, en: A}}\n"
        "organisations:\n  - {id: k, name: K, kind: municipality}\n"
        "participants:\n  members:\n    - {organisation: k}\n",
        encoding="utf-8",
    )
    result = run("import", str(answer), "--slug", "a-b", "--output", str(tmp_path / "out.trig"))
    assert result.returncode == 1
    assert "Violation: line 1:" in result.stderr
    assert (tmp_path / "out.trig").is_file()


def test_cli_template_writes_both_formats(tmp_path: Path) -> None:
    """`towngown template` prints the YAML template and writes the workbook; a filled workbook reads back."""
    result = run("template", "--format", "yaml")
    assert result.returncode == 0 and result.stdout == yaml_template()
    output = tmp_path / "gjovik.xlsx"
    result = run("template", "--format", "xlsx", "--fill", "tests/data/questionnaire/gjovik-ntnu.yaml",
                 "--output", str(output))
    assert result.returncode == 0, result.stderr
    built = build(read_file(output), "gjovik-ntnu")
    assert_same(reference_graph(), without_provenance(built.graph))
    assert run("template", "--format", "xlsx").returncode != 0


# ---- reading a graph back into answers; identifiers, periods, groups, sources, conflicts -----------------

EXTRAS = """\
partnership:
  name: {nb: Universitetskommunen Testby, en: University municipality Testby}
  conflict_notes: {en: "KS says 2019, the municipality's page says 2020; both are kept."}
sources:
  - url: https://www.ks.no/universitetskommune-testby/
    name: {nb: "KS: Universitetskommunen Testby"}
    description: {en: no date visible}
organisations:
  - {id: testby-kommune, name: Testby kommune, kind: municipality, area: testby, org_number: 940 155 223}
  - {id: ntnu, name: NTNU, kind: university, ror: 05xg72x27, wikidata: "https://www.wikidata.org/wiki/Q314536"}
  - {id: nabokommuner, name: Nabokommunene, kind: municipality, group_of: [naboby-kommune, nabodal-kommune]}
  - {id: naboby-kommune, name: Naboby kommune, kind: municipality}
  - {id: nabodal-kommune, name: Nabodal kommune, kind: municipality}
participants:
  members:
    - {organisation: testby-kommune, roles: [partner]}
    - {organisation: ntnu, roles: [partner]}
    - {organisation: nabokommuner, roles: [member-municipality], begins: 2022, ends: 2024-06-30}
size:
  areas:
    - {id: testby, name: Testby, municipality_number: "0301"}
"""


def test_identifiers_periods_groups_sources_and_conflict_notes_become_rdf() -> None:
    """Organisation and municipality numbers, ROR and Wikidata ids become adms:identifier (and skos:exactMatch); a
    membership period becomes org:memberDuring; a group of organisations a tg:OrganisationGroup with foaf:member;
    a source's URL a foaf:Document the graph is derived from; a conflict note tg:conflictNote. The graph conforms."""
    built = build(read_yaml(EXTRAS.encode(), "extras.yaml"), "testby-ntnu")
    graph = built.graph
    assert validate(built.dataset).violations == ()

    def identifiers(node: URIRef) -> set[tuple[str, str]]:
        return {(str(graph.value(i, v.SKOS.notation)), str(graph.value(i, v.DCTERMS.type)).rsplit("/", 1)[-1])
                for i in graph.objects(node, v.ADMS.identifier)}

    ntnu, testby = URIRef(ID + "organisation/ntnu"), URIRef(ID + "organisation/testby-kommune")
    assert identifiers(testby) == {("940155223", "organisation-number")}
    assert identifiers(ntnu) == {("https://ror.org/05xg72x27", "ror"), ("Q314536", "wikidata")}
    assert set(graph.objects(ntnu, v.SKOS.exactMatch)) == {URIRef("https://ror.org/05xg72x27"),
                                                            URIRef("http://www.wikidata.org/entity/Q314536")}
    assert identifiers(URIRef(ID + "area/testby")) == {("0301", "municipality-number")}

    group = URIRef(ID + "organisation/nabokommuner")
    assert (group, v.RDF.type, v.TG.OrganisationGroup) in graph and (group, v.RDF.type, v.ORG.Organization) not in graph
    assert set(graph.objects(group, v.FOAF.member)) == {URIRef(ID + "organisation/naboby-kommune"),
                                                         URIRef(ID + "organisation/nabodal-kommune")}
    period = graph.value(URIRef(ID + "membership/testby-ntnu-nabokommuner"), v.ORG.memberDuring)
    assert period == URIRef(ID + "term/testby-ntnu-membership-nabokommuner")
    assert graph.value(graph.value(period, v.TIME.hasBeginning), v.TIME.inXSDgYear) == Literal("2022", datatype=v.XSD.gYear)
    assert graph.value(graph.value(period, v.TIME.hasEnd), v.TIME.inXSDDate) == Literal("2024-06-30", datatype=v.XSD.date)

    page = URIRef("https://www.ks.no/universitetskommune-testby/")
    assert page in set(graph.objects(built.graph_iri, v.PROV.wasDerivedFrom))
    assert (page, v.RDF.type, v.FOAF.Document) in graph
    assert graph.value(page, v.DCTERMS.description) == Literal("no date visible", lang="en")
    assert graph.value(built.partnership, v.TG.conflictNote).language == "en"


def test_a_graph_reads_back_into_the_answers_that_make_it() -> None:
    """answers_of (the building step in reverse) on graph/gjovik-ntnu of data/, laid out as form fields and built
    again, gives the same graph apart from provenance; so do the identifiers, periods, groups, sources and notes."""
    from werkzeug.datastructures import MultiDict

    from towngown.questionnaire.answers import answers_of, form_fields

    dataset = Dataset()
    dataset.parse(GJOVIK_TRIG, format="trig")
    again = build(read_form(MultiDict(form_fields(answers_of(dataset.graph(GRAPH), "gjovik-ntnu")))), "gjovik-ntnu")
    assert_same(reference_graph(), without_provenance(again.graph))

    built = build(read_yaml(EXTRAS.encode(), "extras.yaml"), "testby-ntnu")
    answers = answers_of(built.graph, "testby-ntnu")
    assert answers["sources"] == [{"url": "https://www.ks.no/universitetskommune-testby/",
                                   "name_nb": "KS: Universitetskommunen Testby", "description_en": "no date visible"}]
    organisations = {row["id"]: row for row in answers["organisations"]}
    assert organisations["ntnu"]["ror"] == "https://ror.org/05xg72x27" and organisations["ntnu"]["wikidata"] == "Q314536"
    assert organisations["nabokommuner"]["group_of"] == "naboby-kommune; nabodal-kommune"
    again = build(read_form(MultiDict(form_fields(answers))), "testby-ntnu")
    assert_same(without_provenance(built.graph), without_provenance(again.graph))
    assert set(again.graph.objects(again.graph_iri, v.PROV.wasDerivedFrom)) >= {URIRef("https://www.ks.no/universitetskommune-testby/")}


@pytest.mark.parametrize(("cell", "expected"), [
    ("org_number: 94015522", "'94015522' is not nine digits"),
    ("ror: https://example.org/x", "is not a ROR id"),
    ("wikidata: P31", "'P31' is not a Q number"),
    ("url: ks.no/universitetskommune-testby", "is not a web address"),
    ("municipality_number: \"30\"", "is not four digits"),
    ("begins: 2022, ends: våren 2024", "is not a year"),
])
def test_bad_identifiers_urls_and_periods_name_their_line(cell: str, expected: str) -> None:
    """A malformed organisation number, ROR or Wikidata id, web address, municipality number or membership period
    is a mistake naming its line."""
    key = cell.split(":", 1)[0]
    originals = {"org_number": "org_number: 940 155 223", "ror": "ror: 05xg72x27",
                 "wikidata": 'wikidata: "https://www.wikidata.org/wiki/Q314536"',
                 "url": "- url: https://www.ks.no/universitetskommune-testby/",
                 "municipality_number": 'municipality_number: "0301"', "begins": "begins: 2022, ends: 2024-06-30"}
    original = originals[key]
    text = EXTRAS.replace(original, ("- " if original.startswith("- ") else "") + cell)
    assert text != EXTRAS
    line = next(n for n, t in enumerate(text.splitlines(), start=1) if cell in t)
    found = problems_of(lambda: build(read_yaml(text.encode(), "extras.yaml"), "testby-ntnu"))
    assert any(p.startswith(f"line {line}:") and expected in p for p in found), found
