"""/queries and /openapi.json: the stored queries as a documented API."""

from __future__ import annotations

import csv
import io

import pytest
import requests
from openapi_spec_validator import validate

from towngown.catalog import load_catalog

GJOVIK = "https://w3id.org/towngown/id/partnership/gjovik-ntnu"


def test_queries_listed_as_json_and_html(client) -> None:  # noqa: ANN001
    """GET /queries.json lists every stored query with bilingual titles and typed parameters; /queries is a page."""
    listed = client.get("/queries.json").get_json()["queries"]
    names = {q["name"] for q in listed}
    assert names == set(load_catalog().names)
    assert len(names) >= 14
    for entry in listed:
        assert entry["title"]["nb"] and entry["title"]["en"]
        assert all(p["type"] for p in entry["parameters"])
    page = client.get("/queries", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert 'lang="nb"' in page.get_data(as_text=True)
    negotiated = client.get("/queries", headers={"Accept": "application/json"})
    assert negotiated.get_json()["queries"]


def test_stored_query_as_json_csv_and_by_accept(client) -> None:  # noqa: ANN001
    """A stored query runs with a parameter: .json gives SPARQL JSON, .csv gives CSV, Accept chooses too."""
    as_json = client.get("/queries/committed-resources.json", query_string={"partnership": GJOVIK}).get_json()
    parties = {b["party"]["value"] for b in as_json["results"]["bindings"]}
    assert parties == {"https://w3id.org/towngown/id/organisation/ntnu", "https://w3id.org/towngown/id/organisation/gjovik-kommune"}
    as_csv = client.get("/queries/committed-resources.csv", query_string={"partnership": GJOVIK}).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert {row["party"] for row in rows} == parties
    totals = {row["party"]: float(row["partyFte"]) for row in rows}
    assert totals == {p: 40.0 for p in parties}
    by_accept = client.get("/queries/committed-resources", query_string={"partnership": GJOVIK}, headers={"Accept": "text/csv"})
    assert by_accept.mimetype == "text/csv"


def test_stored_query_page_shows_documentation_form_and_rows(client) -> None:  # noqa: ANN001
    """The HTML page of a stored query shows its title, a form field per parameter, the rows and the query text."""
    page = client.get("/queries/committed-resources", query_string={"partnership": GJOVIK, "lang": "en"}, headers={"Accept": "text/html"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Committed resources" in text
    assert 'name="partnership"' in text
    assert "<table>" in text and "40" in text
    assert "PREFIX tg:" in text


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"partnership": "not an iri"}, "partnership"),
        ({"partnership": "https://w3id.org/towngown/id/partnership/none"}, "partnership"),
        ({"nonsense": "1"}, "nonsense"),
    ],
)
def test_bad_parameters_get_400_naming_the_parameter(client, params: dict, parameter: str) -> None:  # noqa: ANN001
    """A wrong type, a value outside the allowed values, or an unknown parameter gets 400 naming the parameter."""
    response = client.get("/queries/committed-resources.json", query_string=params)
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter
    assert parameter in body["detail"]


def test_a_repeated_parameter_answers_for_each_value(client) -> None:  # noqa: ANN001
    """?partnership=a&partnership=b gives the rows of both partnerships, the same rows as asking for each alone."""
    other = "https://w3id.org/towngown/id/partnership/trondheim-ntnu"

    def rows(params: list[tuple[str, str]]) -> set[tuple]:
        """The answer's rows, each as the sorted (variable, value) pairs."""
        response = client.get("/queries/participants-and-roles.json", query_string=params)
        assert response.status_code == 200
        return {tuple(sorted((k, v["value"]) for k, v in b.items())) for b in response.get_json()["results"]["bindings"]}

    both = rows([("partnership", GJOVIK), ("partnership", other)])
    assert both == rows([("partnership", GJOVIK)]) | rows([("partnership", other)])
    assert {dict(r)["partnership"] for r in both} == {GJOVIK, other}
    bad = client.get("/queries/participants-and-roles.json", query_string=[("partnership", GJOVIK), ("partnership", "nope")])
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "partnership"


def test_date_parameter_is_typed(client) -> None:  # noqa: ANN001
    """partnerships-active-on takes a date: a valid one runs, a malformed one is 400 naming `date`."""
    ok = client.get("/queries/partnerships-active-on.json", query_string={"date": "2024-06-01"}).get_json()
    active = {b["partnership"]["value"] for b in ok["results"]["bindings"]}
    assert GJOVIK in active
    later = client.get("/queries/partnerships-active-on.json", query_string={"date": "2027-06-01"}).get_json()
    assert GJOVIK not in {b["partnership"]["value"] for b in later["results"]["bindings"]}
    bad = client.get("/queries/partnerships-active-on.json", query_string={"date": "1. juni"})
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "date"


def test_injection_in_a_parameter_cannot_change_the_query(client) -> None:  # noqa: ANN001
    """A string parameter holding quotes and braces is bound as one literal: the query still runs, nothing leaks."""
    catalog = load_catalog()
    string_params = [(q.name, p.name) for q in catalog if q.ok for p in q.parameters if p.type == "string" and p.enum is None and p.enum_query is None]
    for name, parameter in string_params:
        response = client.get(f"/queries/{name}.json", query_string={parameter: '"} } ; DROP ALL ; SELECT * { ?s ?p ?o'})
        assert response.status_code in (200, 400), response.data
    assert client.get("/queries/committed-resources.json").status_code == 200


def test_unknown_query_is_404(client) -> None:  # noqa: ANN001
    """An unknown stored query name is 404 with a problem document."""
    response = client.get("/queries/does-not-exist.json")
    assert response.status_code == 404
    assert "does-not-exist" in response.get_json()["detail"]


def test_openapi_is_valid_and_types_every_parameter(client) -> None:  # noqa: ANN001
    """/openapi.json is a valid OpenAPI 3.1 document with a path per stored query and every parameter typed (and
    _size/_next for a paged one)."""
    document = client.get("/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    for query in load_catalog():
        if not query.ok:
            continue
        operation = document["paths"][f"/queries/{query.name}"]["get"]
        declared = {p["name"]: p for p in operation["parameters"]}
        assert set(declared) == {p.name for p in query.parameters} | ({"_size", "_next"} if query.paged else set())
        assert all(p["schema"].get("type") for p in declared.values())


def test_broken_query_file_does_not_take_down_the_rest(tmp_path, app) -> None:  # noqa: ANN001
    """With one broken file in the folder, it is listed with its error and answers 503; the others still run."""
    from towngown.resources import queries_dir

    for path in queries_dir().glob("*.rq"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "broken.rq").write_text("#+ title: {nb: x, en: x}\n#+ description: {nb: x, en: x}\nSELECT WHERE {", encoding="utf-8")
    saved = app.extensions.get("towngown.catalog")
    app.extensions["towngown.catalog"] = load_catalog(tmp_path)
    try:
        client = app.test_client()
        listed = {q["name"]: q for q in client.get("/queries.json").get_json()["queries"]}
        assert "error" in listed["broken"]
        assert client.get("/queries/broken.json").status_code == 503
        assert client.get("/queries/committed-resources.json").status_code == 200
        assert "/queries/broken" not in client.get("/openapi.json").get_json()["paths"]
    finally:
        app.extensions["towngown.catalog"] = saved


def test_stored_queries_over_real_http_with_requests(live_server) -> None:  # noqa: ANN001
    """Through a real server, a stored query answers CSV for pandas-style clients."""
    response = requests.get(live_server.url + "/queries/participants-and-roles.csv", params={"partnership": GJOVIK}, timeout=30)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {"https://w3id.org/towngown/id/organisation/ntnu", "https://w3id.org/towngown/id/organisation/gjovik-kommune"} <= {r.get("member") or r.get("organisation") for r in rows}


NTNU = "https://w3id.org/towngown/id/organisation/ntnu"


def _rows(body: dict) -> list[tuple]:
    return [tuple(sorted((k, v["value"]) for k, v in b.items())) for b in body["results"]["bindings"]]


def test_paged_query_gives_pages_with_next_links(client) -> None:  # noqa: ANN001
    """A paged stored query takes _size and _next: each JSON page has at most _size rows, a `next` URL and a
    Link rel="next" header while there is more, and the pages together are the rows of one big page."""
    whole = client.get("/queries/organisation-partnerships.json", query_string={"organisation": NTNU, "_size": 1000}).get_json()
    assert "next" not in whole and len(whole["results"]["bindings"]) > 3
    url = f"/queries/organisation-partnerships.json?organisation={NTNU}&_size=2"
    pages: list[tuple] = []
    while url:
        response = client.get(url)
        body = response.get_json()
        assert response.status_code == 200 and len(body["results"]["bindings"]) <= 2
        pages += _rows(body)
        url = body.get("next")
        if url:
            assert response.headers["Link"] == f'<{url}>; rel="next"'
            url = url.replace("http://localhost", "")
        else:
            assert "Link" not in response.headers
    assert pages == _rows(whole)


def test_paged_query_as_csv_has_a_next_link(client) -> None:  # noqa: ANN001
    """A CSV page has its header and _size rows, and the Link header to the next page."""
    response = client.get("/queries/organisation-partnerships.csv", query_string={"organisation": NTNU, "_size": 2})
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2 and rows[0]["organisation"] == NTNU
    assert "_next=2" in response.headers["Link"] and 'rel="next"' in response.headers["Link"]


@pytest.mark.parametrize(
    ("name", "params", "parameter"),
    [
        ("organisation-partnerships", {"_size": "0"}, "_size"),
        ("organisation-partnerships", {"_size": "many"}, "_size"),
        ("organisation-partnerships", {"_next": "-1"}, "_next"),
        ("committed-resources", {"_size": "5"}, "_size"),
    ],
)
def test_bad_page_parameters_are_400(client, name: str, params: dict, parameter: str) -> None:  # noqa: ANN001
    """A bad _size or _next is 400 naming it; an unpaged query does not take _size at all."""
    response = client.get(f"/queries/{name}.json", query_string=params)
    assert response.status_code == 400
    assert response.get_json()["parameter"] == parameter


def test_openapi_documents_the_page_parameters(client) -> None:  # noqa: ANN001
    """OpenAPI lists _size and _next for paged stored queries only."""
    paths = client.get("/openapi.json").get_json()["paths"]
    paged = {p["name"] for p in paths["/queries/organisation-partnerships.json"]["get"]["parameters"]}
    unpaged = {p["name"] for p in paths["/queries/committed-resources.json"]["get"]["parameters"]}
    assert {"_size", "_next"} <= paged and not {"_size", "_next"} & unpaged
