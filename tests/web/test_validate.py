"""POST /validate: every RDF syntax in, the report out as JSON, SHACL Turtle or a page grouped by questionnaire
field; located 400s, 413 and 415; and the store is never touched."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from towngown.config import Settings
from towngown.web import create_app

ROOT = Path(__file__).resolve().parents[2]
GJOVIK = ROOT / "data" / "gjovik-ntnu.trig"
FTE_OVER_100 = ROOT / "tests" / "data" / "invalid" / "fte-over-100.trig"
SH = "http://www.w3.org/ns/shacl#"
BASE_RESOURCES = "https://w3id.org/towngown/id/concept/field/base-resources"

#: rdflib serialiser name per media type, to send one graph in every syntax.
SYNTAXES = {
    "text/turtle": "turtle",
    "application/trig": "trig",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt11",
    "application/n-quads": "nquads",
}


def gjovik_in(media_type: str) -> bytes:
    """The Gjøvik graph serialised in one syntax (triple syntaxes get its triples, quad syntaxes its named graph)."""
    dataset = Dataset()
    dataset.parse(GJOVIK, format="trig")
    fmt = SYNTAXES[media_type]
    if fmt in ("trig", "nquads"):
        return dataset.serialize(format=fmt).encode("utf-8")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph.serialize(format=fmt).encode("utf-8")


@pytest.mark.parametrize("media_type", list(SYNTAXES))
def test_valid_data_in_every_syntax_conforms(client, media_type: str) -> None:  # noqa: ANN001
    """The Gjøvik graph sent as Turtle, TriG, JSON-LD, RDF/XML, N-Triples or N-Quads gets 200 and conforms."""
    response = client.post("/validate", data=gjovik_in(media_type), content_type=media_type)
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    assert report["conforms"] is True
    assert report["counts"] == {"Violation": 0, "Warning": 0, "Info": 2}
    assert report["triples"] > 900


def test_invalid_data_reports_field_value_and_messages_as_json(client) -> None:  # noqa: ANN001
    """An FTE share of 120 gets 200 with conforms false and a Violation naming field 5a, the value and nb/en messages."""
    response = client.post("/validate", data=FTE_OVER_100.read_bytes(), content_type="application/trig")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    report = response.get_json()
    assert report["conforms"] is False
    assert report["counts"]["Violation"] == 1
    violation = next(r for r in report["results"] if r["severity"] == "Violation")
    assert violation["field"] == BASE_RESOURCES
    assert violation["field_notation"] == "5a"
    assert violation["field_label"] == {"nb": "Grunnressurser", "en": "Base resources"}
    assert violation["path"] == "https://w3id.org/towngown/ontology#fteShare"
    assert float(violation["value"]) == 120
    assert violation["focus_node"].startswith("https://w3id.org/towngown/id/commitment/")
    assert violation["message"]["nb"] and violation["message"]["en"]
    assert violation["message"]["nb"] != violation["message"]["en"]


@pytest.mark.parametrize("path", [GJOVIK, FTE_OVER_100], ids=["valid", "invalid"])
def test_turtle_report_is_a_shacl_validation_report(client, path: Path) -> None:  # noqa: ANN001
    """With Accept: text/turtle the answer is an sh:ValidationReport whose sh:conforms and results match the JSON."""
    body = path.read_bytes()
    as_json = client.post("/validate", data=body, content_type="application/trig").get_json()
    response = client.post("/validate", data=body, content_type="application/trig", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    reports = list(graph.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(SH + "ValidationReport")))
    assert len(reports) == 1
    report = reports[0]
    assert graph.value(report, URIRef(SH + "conforms")) == Literal(as_json["conforms"])
    assert len(list(graph.objects(report, URIRef(SH + "result")))) == len(as_json["results"])


@pytest.mark.parametrize(("language", "texts"), [
    ("nb", ["5a Grunnressurser", "Brudd", "Dataene følger ikke reglene", "stillingsandel"]),
    ("en", ["5a Base resources", "Violation", "The data does not follow the rules", "FTE share"]),
])
def test_html_report_groups_results_by_field_in_plain_words(client, language: str, texts: list[str]) -> None:  # noqa: ANN001
    """With Accept: text/html the report is a page grouped by questionnaire field, in the chosen language."""
    response = client.post(f"/validate?lang={language}", data=FTE_OVER_100.read_bytes(),
                           content_type="application/trig", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in texts:
        assert text in page
    assert page.index("5a ") < page.index("11 ")  # questionnaire order


def test_valid_html_report_says_it_can_be_published(client) -> None:  # noqa: ANN001
    """A conforming upload gets a page that says so."""
    response = client.post("/validate?lang=en", data=GJOVIK.read_bytes(), content_type="application/trig",
                           headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "The data follows the rules and can be published." in response.get_data(as_text=True)


def test_form_page_offers_upload_and_every_syntax(client) -> None:  # noqa: ANN001
    """GET /validate is a form with a file field, a text field and every syntax."""
    page = client.get("/validate?lang=en").get_data(as_text=True)
    assert 'type="file"' in page and 'name="text"' in page
    for name in ("Turtle", "TriG", "JSON-LD", "RDF/XML", "N-Triples", "N-Quads"):
        assert f">{name}</option>" in page


def test_file_upload_is_read_by_its_suffix(client) -> None:  # noqa: ANN001
    """A multipart upload of a .trig file is validated and answered with the page."""
    response = client.post(
        "/validate?lang=en",
        data={"file": (io.BytesIO(FTE_OVER_100.read_bytes()), "partnership.trig"), "syntax": "auto"},
        content_type="multipart/form-data",
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "partnership.trig" in page and "5a Base resources" in page


def test_file_upload_json_answer_on_request(client) -> None:  # noqa: ANN001
    """A multipart upload from a program (curl -F) gets JSON when it asks for it."""
    response = client.post(
        "/validate",
        data={"file": (io.BytesIO(gjovik_in("application/ld+json")), "gjovik.jsonld")},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.get_json()["conforms"] is True


def test_pasted_text_with_a_chosen_syntax(client) -> None:  # noqa: ANN001
    """Text pasted into the form is read in the syntax chosen."""
    response = client.post(
        "/validate?lang=en",
        data={"text": gjovik_in("application/n-quads").decode(), "syntax": "application/n-quads"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 200
    assert "The data follows the rules" in response.get_data(as_text=True)


@pytest.mark.parametrize(("media_type", "body", "line", "column"), [
    ("text/turtle", b"@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b ;; .\n", 3, 10),
    ("application/ld+json", b'{"@id": "http://example.org/a",\n "http://example.org/b": [1,}\n', 2, 29),
    ("application/rdf+xml", b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
                            b'<rdf:Description rdf:about="http://example.org/a"></rdf:Descr>\n</rdf:RDF>\n', 3, None),
    ("application/n-triples", b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
                              b"<http://example.org/a> <http://example.org/b> oops .\n", 2, None),
])
def test_unparsable_input_is_400_with_line_and_column(client, media_type: str, body: bytes, line: int,  # noqa: ANN001
                                                      column: int | None) -> None:
    """Bad syntax gets 400 naming the line (and the column where the parser knows it)."""
    response = client.post("/validate", data=body, content_type=media_type)
    assert response.status_code == 400
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert problem["line"] == line
    if column is not None:
        assert problem["column"] == column
    else:
        assert isinstance(problem.get("column"), int)


def test_unparsable_upload_shows_the_form_again_with_the_line(client) -> None:  # noqa: ANN001
    """A broken file sent from the form gets the form again (400) saying which line is wrong."""
    response = client.post(
        "/validate?lang=en",
        data={"text": "@prefix ex: <http://example.org/> .\nex:a ex:b ;; .\n", "syntax": "text/turtle"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Line 2, column 10." in page
    assert "ex:a ex:b ;;" in page  # the pasted text is kept to be fixed


def test_body_over_the_limit_is_413(loaded_store) -> None:  # noqa: ANN001
    """A body over max_request_bytes gets 413 before it is read."""
    client = create_app(Settings(max_request_bytes=1000), loaded_store).test_client()
    response = client.post("/validate", data=b"#" * 1001, content_type="text/turtle")
    assert response.status_code == 413
    assert response.get_json()["status"] == 413


def test_default_limit_is_5_mb(client) -> None:  # noqa: ANN001
    """With the default settings a body of 5 MB + 1 byte gets 413."""
    response = client.post("/validate", data=b"#" * (5 * 1024 * 1024 + 1), content_type="text/turtle")
    assert response.status_code == 413


@pytest.mark.parametrize("media_type", ["text/csv", "application/json", "application/octet-stream"])
def test_unsupported_type_is_415(client, media_type: str) -> None:  # noqa: ANN001
    """A Content-Type that is no RDF syntax gets 415 naming the accepted ones."""
    response = client.post("/validate", data=b"a,b\n1,2\n", content_type=media_type)
    assert response.status_code == 415
    assert "text/turtle" in response.get_json()["detail"]


def test_upload_of_unknown_suffix_is_415(client) -> None:  # noqa: ANN001
    """A file whose syntax cannot be told from its name (and none chosen) gets 415 on the form page."""
    response = client.post(
        "/validate?lang=en",
        data={"file": (io.BytesIO(b"a,b\n"), "answers.csv"), "syntax": "auto"},
        content_type="multipart/form-data",
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 415
    assert "choose the syntax" in response.get_data(as_text=True)


def test_empty_body_and_empty_graph_are_400(client) -> None:  # noqa: ANN001
    """Nothing to validate is a 400, not an empty report."""
    assert client.post("/validate", data=b"", content_type="text/turtle").status_code == 400
    assert client.post("/validate", data=b"@prefix ex: <http://example.org/> .\n", content_type="text/turtle").status_code == 400


def test_remote_json_ld_context_is_refused_not_fetched(client) -> None:  # noqa: ANN001
    """JSON-LD naming a remote @context is refused with 422: towngown fetches nothing a request names."""
    body = json.dumps({"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://example.org/a"}).encode()
    response = client.post("/validate", data=body, content_type="application/ld+json")
    assert response.status_code == 422


def test_validation_writes_nothing_to_the_store(client, loaded_store) -> None:  # noqa: ANN001
    """Valid, invalid and broken posts to /validate leave the store exactly as it was (dumps compared)."""
    before = loaded_store.dump("nquads")
    client.post("/validate", data=GJOVIK.read_bytes(), content_type="application/trig")
    client.post("/validate", data=FTE_OVER_100.read_bytes(), content_type="application/trig")
    client.post("/validate", data=b"@prefix broken", content_type="text/turtle")
    other = GJOVIK.read_bytes().replace(b"gjovik-ntnu", b"validate-only")
    client.post("/validate", data=other, content_type="application/trig", headers={"Accept": "text/html"})
    after = loaded_store.dump("nquads")
    assert sorted(before.splitlines()) == sorted(after.splitlines())
