"""/contribute: the questionnaire as a web form. The Gjøvik answer typed into the form gives the graph of data/
(apart from provenance); values survive a re-render, escaped; mistakes are shown at their field; existing
organisations are offered and reused; "publish" goes through the publishing service with a token."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from towngown.publish import graph_state
from towngown.questionnaire import TABLES, read_file, without_provenance
from towngown.submission import strip_provenance
from towngown.tokens import create_token

ROOT = Path(__file__).resolve().parents[2]
ANSWER = ROOT / "tests" / "data" / "questionnaire" / "gjovik-ntnu.yaml"
GJOVIK_TRIG = ROOT / "data" / "gjovik-ntnu.trig"
GRAPH = URIRef("https://w3id.org/towngown/graph/gjovik-ntnu")
ID = "https://w3id.org/towngown/id/"
SKOS_PREF = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
ORG_CLASSIFICATION = URIRef("http://www.w3.org/ns/org#classification")


def form_fields(path: Path) -> dict[str, str]:
    """The answers of a questionnaire file as the form's fields: <table>-<row>-<cell> (and <table>-<cell> for the
    single tables), one cell per language and per drop-down, several ids joined by ";", and <table>-rows."""
    questionnaire = read_file(path)
    fields: dict[str, str] = {}
    for table in TABLES:
        rows = questionnaire.rows(table.name)
        for index, row in enumerate(rows):
            prefix = f"{table.name}-" if table.single else f"{table.name}-{index}-"
            for column in table.columns:
                if column.kind == "text":
                    for cell in column.cells():
                        if row.value(cell) is not None:
                            fields[prefix + cell] = str(row.value(cell))
                elif column.slots > 1:
                    for cell, item in zip(column.cells(), row.value(column.key) or []):
                        fields[prefix + cell] = str(item.value)
                elif column.many:
                    if row.value(column.key):
                        fields[prefix + column.key] = "; ".join(str(item.value) for item in row.value(column.key))
                elif row.value(column.key) is not None:
                    fields[prefix + column.key] = str(row.value(column.key))
        if not table.single:
            fields[f"{table.name}-rows"] = str(len(rows))
    return fields


class _Inputs(HTMLParser):
    """The names of a page's form inputs, and the options of each select."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.options: dict[str, list[str]] = {}
        self.datalists: dict[str, list[str]] = {}
        self._select: str | None = None
        self._datalist: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("input", "select", "textarea") and a.get("name"):
            self.names.add(a["name"] or "")
        if tag == "select":
            self._select = a.get("name")
            self.options[self._select or ""] = []
        if tag == "datalist":
            self._datalist = a.get("id")
            self.datalists[self._datalist or ""] = []
        if tag == "option":
            if self._select is not None:
                self.options[self._select].append(a.get("value") or "")
            elif self._datalist is not None:
                self.datalists[self._datalist].append(a.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "datalist":
            self._datalist = None


def inputs(page: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(page)
    return parser


def through_trig(graph: Graph) -> Graph:
    """A graph written by rdflib's TriG writer and read back (the writer writes the decimal 20 as 20.0)."""
    dataset = Dataset()
    dataset.graph(GRAPH).__iadd__(graph)
    again = Dataset()
    again.parse(data=dataset.serialize(format="trig"), format="trig")
    return again.graph(GRAPH)


def reference_graph() -> Graph:
    """graph/gjovik-ntnu as data/ holds it, without provenance, through the TriG writer."""
    dataset = Dataset()
    dataset.parse(GJOVIK_TRIG, format="trig")
    return through_trig(without_provenance(dataset.graph(GRAPH)))


def downloaded(response) -> Graph:  # noqa: ANN001 - a Flask test response
    """The graph/gjovik-ntnu of a download, without provenance."""
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/trig"
    dataset = Dataset()
    dataset.parse(data=response.get_data(as_text=True), format="trig")
    return without_provenance(dataset.graph(GRAPH))


def assert_same(expected: Graph, actual: Graph) -> None:
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        lines = [f"- {t}" for t in sorted(only_expected)[:20]] + [f"+ {t}" for t in sorted(only_actual)[:20]]
        raise AssertionError("graphs differ:\n" + "\n".join(lines))


GJOVIK_FIELDS = form_fields(ANSWER)


def test_form_has_an_input_for_every_answer(client) -> None:  # noqa: ANN001
    """Shown with as many rows as the Gjøvik answer needs, the form has an input for each of its fields."""
    counts = {k: v for k, v in GJOVIK_FIELDS.items() if k.endswith("-rows")}
    page = client.post("/contribute", data={**counts, "action": "add:statements"}).get_data(as_text=True)
    names = inputs(page).names
    missing = sorted(set(GJOVIK_FIELDS) - names)
    assert not missing, missing


def test_form_round_trip_gives_the_gjovik_graph(client) -> None:  # noqa: ANN001
    """The Gjøvik answer typed into the form and downloaded gives graph/gjovik-ntnu of data/, apart from provenance."""
    response = client.post("/contribute", data={**GJOVIK_FIELDS, "slug": "gjovik-ntnu", "action": "download"})
    assert response.headers["Content-Disposition"] == 'attachment; filename="gjovik-ntnu.trig"'
    assert_same(reference_graph(), downloaded(response))


def test_check_shows_the_report_with_rows_named(client) -> None:  # noqa: ANN001
    """"Check" shows the validation report above the form, naming the form row each remark is about."""
    response = client.post("/contribute?lang=en", data={**GJOVIK_FIELDS, "slug": "gjovik-ntnu", "action": "check"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The data follows the rules and can be published." in page
    assert "3 Size (of the municipality)" in page
    assert "Statistics 1" in page and "Statistics 2" in page
    assert 'value="Universitetskommunesamarbeidet Gjøvik kommune – NTNU"' in page


@pytest.mark.parametrize(("language", "title", "row"), [
    ("nb", "Beskriv et partnerskap", "Legg til en rad"),
    ("en", "Describe a partnership", "Add a row"),
])
def test_empty_form_is_bilingual(client, language: str, title: str, row: str) -> None:  # noqa: ANN001
    """The form speaks bokmål or English, field names and help included."""
    page = client.get(f"/contribute?lang={language}").get_data(as_text=True)
    assert title in page and row in page
    assert ("Stillingsandel (%)" if language == "nb" else "FTE share (%)") in page


def test_controlled_values_come_from_the_concept_schemes(client) -> None:  # noqa: ANN001
    """Drop-downs offer exactly the concepts of their scheme (roles, kinds of organisation, fields)."""
    found = inputs(client.get("/contribute").get_data(as_text=True)).options
    assert set(found["members-0-roles_1"]) == {
        "", "co-funder", "coordinating-unit", "driving-force", "host-municipality", "initiator", "knowledge-partner",
        "member-municipality", "other", "partner", "project-owner"}
    assert "university-unit" in found["organisations-0-kind"]
    assert "base-resources" in found["statements-0-field"]
    assert "role:driving-force" in found["statements-0-concept"]
    assert set(found["organisations-0-public"]) == {"", "yes", "no"}


def test_existing_organisations_are_offered(client) -> None:  # noqa: ANN001
    """Organisations already in the store are offered by id in a datalist for every reference to one."""
    page = client.get("/contribute").get_data(as_text=True)
    found = inputs(page)
    assert {"ntnu", "gjovik-kommune", "trondheim-kommune"} <= set(found.datalists["ids-organisations"])
    assert {"ntnu", "gjovik-kommune"} <= set(found.datalists["ids-known"])
    assert 'list="ids-organisations"' in page
    assert 'id="organisations-0-id" name="organisations-0-id" value="" list="ids-known"' in page


def test_existing_organisation_named_by_id_is_described_from_the_store(client) -> None:  # noqa: ANN001
    """Organisations in the store named only by id (as members, or as an organisation row with nothing but the id)
    get their names, kind and parent from the store."""
    fields = {
        "slug": "ny-partner", "action": "download", "partnership-name_nb": "Ny", "partnership-name_en": "New",
        "members-rows": "2", "members-0-organisation": "gjovik-kommune", "members-1-organisation": "ntnu",
        "organisations-rows": "1", "organisations-0-id": "ntnu-institutt-for-helsevitenskap-gjovik",
        "commitments-rows": "1", "commitments-0-id": "c1", "commitments-0-by": "ntnu",
        "commitments-0-via": "ntnu-institutt-for-helsevitenskap-gjovik",
    }
    response = client.post("/contribute", data=fields)
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    dataset = Dataset()
    dataset.parse(data=response.get_data(as_text=True), format="trig")
    graph = dataset.graph(URIRef("https://w3id.org/towngown/graph/ny-partner"))
    municipality = URIRef(ID + "organisation/gjovik-kommune")
    assert (municipality, SKOS_PREF, Literal("Gjøvik kommune", lang="nb")) in graph
    assert (municipality, ORG_CLASSIFICATION, URIRef(ID + "concept/orgtype/municipality")) in graph
    unit = URIRef(ID + "organisation/ntnu-institutt-for-helsevitenskap-gjovik")
    assert (unit, SKOS_PREF, Literal("Institutt for helsevitenskap i Gjøvik", lang="nb")) in graph
    assert (unit, URIRef("http://www.w3.org/ns/org#unitOf"), URIRef(ID + "organisation/ntnu")) in graph
    assert (unit, ORG_CLASSIFICATION, URIRef(ID + "concept/orgtype/university-unit")) in graph


def test_add_row_keeps_values_and_escapes_them(client) -> None:  # noqa: ANN001
    """"Add a row" shows the form again with one more row, every value kept and escaped."""
    nasty = '<script>alert("x")</script> & «Gjøvik»'
    response = client.post("/contribute", data={
        "slug": "a-b", "action": "add:members", "members-rows": "3", "members-2-description_en": nasty,
        "partnership-name_nb": nasty, "members-0-roles_1": "partner",
    })
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; «Gjøvik»" in page
    found = inputs(page)
    assert "members-3-organisation" in found.names and "members-4-organisation" not in found.names
    assert re.search(r'name="members-rows" value="4"', page)
    assert re.search(r'<option value="partner" selected>', page)
    assert 'value="a-b"' in page


def test_mistakes_are_shown_at_their_field(client) -> None:  # noqa: ANN001
    """A percentage over 100 and an unknown id get 400, a summary, and a message at each field."""
    fields = {**GJOVIK_FIELDS, "slug": "gjovik-ntnu", "action": "check",
              "commitments-0-fte_share": "120", "commitments-1-by": "ntnuu"}
    response = client.post("/contribute?lang=en", data=fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The form has mistakes to fix" in page
    assert 'id="commitments-0-fte_share" name="commitments-0-fte_share" value="120" aria-invalid="true"' in page
    assert "&#39;120&#39; is not a percentage between 0 and 100" in page
    assert "no row in Organisations has the id &#39;ntnuu&#39;" in page
    assert 'href="#commitments-1-by"' in page


def test_missing_slug_is_shown_at_the_slug(client) -> None:  # noqa: ANN001
    """Without a usable short name the form comes back (400) with the message at that field."""
    response = client.post("/contribute?lang=en", data={**GJOVIK_FIELDS, "slug": "Gjøvik NTNU", "action": "download"})
    assert response.status_code == 400
    assert 'id="slug-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize(("fmt", "media_type"), [
    ("yaml", "application/yaml"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_templates_can_be_downloaded(client, fmt: str, media_type: str) -> None:  # noqa: ANN001
    """The YAML template and the XLSX workbook are offered for download from the form."""
    response = client.get(f"/contribute/questionnaire.{fmt}")
    assert response.status_code == 200
    assert response.mimetype == media_type
    if fmt == "xlsx":
        assert "Ressurser-Commitments" in load_workbook(io.BytesIO(response.data)).sheetnames
    else:
        assert response.get_data(as_text=True).startswith("# towngown")
    assert client.get("/contribute/questionnaire.csv").status_code == 404


# ---- publishing from the form ------------------------------------------------------------------------------

def _publish(site, token: str | None, fields: dict[str, str] | None = None):  # noqa: ANN001, ANN202
    data = {**(fields or GJOVIK_FIELDS), "slug": "gjovik-ntnu", "action": "publish"}
    if token is not None:
        data["token"] = token
    return site.app.test_client().post("/contribute?lang=en", data=data)


def test_publish_with_a_token_makes_a_new_version(publishing_site) -> None:  # noqa: ANN001
    """"Publish" with the partnership's token replaces graph/gjovik-ntnu with the form's answers as a new version."""
    token, _ = create_token(publishing_site.settings, "Gjøvik kommune", ["gjovik-ntnu"])
    response = _publish(publishing_site, token)
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    page = response.get_data(as_text=True)
    assert "The partnership is published." in page
    assert "/graphs/gjovik-ntnu" in page
    state = graph_state(publishing_site.store, publishing_site.settings, "gjovik-ntnu")
    assert state.exists and state.version and state.version >= 1
    stored, _ = strip_provenance(publishing_site.store.get_graph(str(GRAPH)), str(GRAPH),
                                 publishing_site.settings.base_iri)  # the server's own: version, publisher
    assert_same(reference_graph(), through_trig(without_provenance(stored)))


@pytest.mark.parametrize(("token_for", "status", "message"), [
    (None, 401, "The publishing token is missing or not valid"),
    ("wrong", 401, "The publishing token is missing or not valid"),
    ("trondheim-ntnu", 403, "The publishing token is for another partnership"),
])
def test_publish_without_the_right_token_changes_nothing(publishing_site, token_for: str | None, status: int,  # noqa: ANN001
                                                         message: str) -> None:
    """No token, a wrong token, or a token for another partnership: a readable message, and the store unchanged."""
    before = publishing_site.store.dump("nquads")
    if token_for == "wrong":
        token: str | None = "tg_0000000000000000_not-a-token"
    elif token_for is not None:
        token, _ = create_token(publishing_site.settings, "Trondheim kommune", [token_for])
    else:
        token = None
    response = _publish(publishing_site, token)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert sorted(publishing_site.store.dump("nquads").splitlines()) == sorted(before.splitlines())


def test_publish_of_data_with_violations_shows_the_report(publishing_site) -> None:  # noqa: ANN001
    """Answers that break a rule (one member only) get 422, the report, and the store unchanged."""
    token, _ = create_token(publishing_site.settings, "Gjøvik kommune", ["gjovik-ntnu"])
    fields = {k: v for k, v in GJOVIK_FIELDS.items() if not k.startswith("members-1-")}
    before = publishing_site.store.dump("nquads")
    response = _publish(publishing_site, token, fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Publishing was stopped because the data violates the rules" in page
    assert "1 Participants" in page
    assert sorted(publishing_site.store.dump("nquads").splitlines()) == sorted(before.splitlines())
