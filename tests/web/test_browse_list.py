"""/partnerships with its facets and JSON/CSV twins, and the home page."""

from __future__ import annotations

import csv
import io
import re

import pytest

ID = "https://w3id.org/towngown/id/"


def listing(client, **params: str) -> dict:  # noqa: ANN001
    """/partnerships.json with the given filters."""
    response = client.get("/partnerships.json", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def slugs(body: dict) -> set[str]:
    """The slugs of the listed partnerships."""
    return {p["slug"] for p in body["partnerships"]}


def test_all_partnerships_are_listed(client, loaded_store) -> None:  # noqa: ANN001
    """Without filters the list holds every tg:UniversityMunicipalityPartnership in the store, once."""
    rows = loaded_store.select(
        "SELECT DISTINCT ?p WHERE { ?p a <https://w3id.org/towngown/ontology#UniversityMunicipalityPartnership> }")
    body = listing(client)
    assert body["count"] == len(body["partnerships"]) == len(rows) == 15
    assert {p["partnership"] for p in body["partnerships"]} == {str(r["p"]) for r in rows}
    gjovik = next(p for p in body["partnerships"] if p["slug"] == "gjovik-ntnu")
    assert gjovik["startsOn"] == "2021-01-01" and gjovik["endsOn"] == "2026-12-31"
    assert gjovik["terms"] == ["2021 – 2026-12-31"]
    assert sorted(gjovik["members"]["nb"]) == ["Gjøvik kommune", "NTNU"]
    assert gjovik["areas"]["en"] == ["health and care"]
    assert gjovik["actionPlanStatus"]["nb"] == ["under utvikling"]


@pytest.mark.parametrize(
    ("params", "included", "excluded"),
    [
        ({"area": "helse-og-omsorg"}, {"gjovik-ntnu"}, {"trondheim-ntnu"}),
        ({"area": ID + "concept/area/helse-og-velferd"}, {"trondheim-ntnu"}, {"gjovik-ntnu"}),
        ({"institution": "ntnu"}, {"gjovik-ntnu", "trondheim-ntnu", "alesund-ntnu"}, {"oslo-oslomet"}),
        ({"institution": "ntnu-institutt-for-helsevitenskap-gjovik"}, {"gjovik-ntnu"}, {"trondheim-ntnu"}),
        ({"orgtype": "higher-education-institution"}, {"gjovik-ntnu", "oslo-oslomet"}, set()),
        ({"actionplan": "under-development"}, {"gjovik-ntnu"}, {"trondheim-ntnu"}),
        ({"year": "2019"}, {"trondheim-ntnu"}, {"gjovik-ntnu"}),
        ({"year": "2026"}, {"gjovik-ntnu"}, {"alesund-ntnu"}),
        ({"q": "TRONDHEIM"}, {"trondheim-ntnu"}, {"gjovik-ntnu"}),
        ({"institution": "ntnu", "year": "2021", "area": "helse-og-omsorg"}, {"gjovik-ntnu"}, {"trondheim-ntnu"}),
    ],
)
def test_facets_filter(client, params: dict, included: set, excluded: set) -> None:  # noqa: ANN001
    """Each facet (area with narrower concepts, institution also through units, kind of institution, status of
    action plans, active in a year, name search) narrows the list; they combine."""
    found = slugs(listing(client, **params))
    assert included <= found
    assert not (excluded & found)


def test_facet_counts_match_the_filtered_lists(client) -> None:  # noqa: ANN001
    """The count shown next to every facet value is the number of partnerships that value's filter gives."""
    body = listing(client)
    for name in ("area", "actionplan"):
        for value in body["facets"][name]:
            assert value["count"] == listing(client, **{name: value["key"]})["count"], (name, value["key"])
    ntnu = next(v for v in body["facets"]["institution"] if v["key"] == "ntnu")
    assert ntnu["count"] == listing(client, institution="ntnu")["count"] >= 2
    narrowed = listing(client, institution="ntnu")
    health = next(v for v in narrowed["facets"]["area"] if v["key"] == "helse-og-omsorg")
    assert health["count"] == listing(client, institution="ntnu", area="helse-og-omsorg")["count"]


def test_json_and_csv_agree(client) -> None:  # noqa: ANN001
    """/partnerships.json and /partnerships.csv give the same partnerships and values for the same filters."""
    for params in ({}, {"institution": "ntnu"}, {"year": "2024", "q": "universitet"}):
        body = listing(client, **params)
        response = client.get("/partnerships.csv", query_string=params)
        assert response.mimetype == "text/csv"
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        assert [r["slug"] for r in rows] == [p["slug"] for p in body["partnerships"]]
        for row, item in zip(rows, body["partnerships"]):
            assert row["partnership"] == item["partnership"]
            assert row["label_nb"] == item["label"]["nb"] and row["label_en"] == item["label"]["en"]
            assert int(row["memberCount"]) == item["memberCount"]
            assert row["members_nb"].split("; ") == item["members"]["nb"] or (row["members_nb"] == "" and not item["members"]["nb"])
            assert (row["startsOn"] or None) == item["startsOn"] and (row["endsOn"] or None) == item["endsOn"]
            assert row["areas_en"] == "; ".join(item["areas"]["en"])


def test_accept_chooses_the_twin(client) -> None:  # noqa: ANN001
    """/partnerships answers JSON or CSV by Accept, HTML by default."""
    assert client.get("/partnerships", headers={"Accept": "application/json"}).get_json()["count"] == 15
    assert client.get("/partnerships", headers={"Accept": "text/csv"}).mimetype == "text/csv"
    assert client.get("/partnerships").mimetype == "text/html"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"area": "no-such-area"}, "area"),
        ({"area": "Helse og omsorg!"}, "area"),
        ({"institution": "https://example.org/not-an-organisation"}, "institution"),
        ({"orgtype": "university-of-nowhere"}, "orgtype"),
        ({"actionplan": "finished"}, "actionplan"),
        ({"year": "twenty"}, "year"),
        ({"year": "20245"}, "year"),
        ({"q": "x" * 201}, "q"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_invalid_filters_are_400_naming_the_parameter(client, params: dict, parameter: str) -> None:  # noqa: ANN001
    """A facet value outside the allowed values, a malformed year, an overlong search or an unknown filter is 400
    naming the parameter, in JSON, CSV and HTML alike."""
    for path in ("/partnerships.json", "/partnerships.csv"):
        response = client.get(path, query_string=params)
        assert response.status_code == 400
        assert response.get_json()["parameter"] == parameter
    page = client.get("/partnerships", query_string=params, headers={"Accept": "text/html"})
    assert page.status_code == 400 and parameter in page.get_data(as_text=True)


def test_partnerships_page_has_labelled_facets_and_the_table(client) -> None:  # noqa: ANN001
    """The page has a labelled form field per facet with counts, keeps the chosen values, and lists the rows."""
    text = client.get("/partnerships", query_string={"institution": "ntnu", "lang": "en"},
                      headers={"Accept": "text/html"}).get_data(as_text=True)
    for name in ("area", "institution", "orgtype", "actionplan", "year", "q"):
        assert f'<label for="f-{name}">' in text and f'id="f-{name}"' in text
    assert '<option value="ntnu" selected>NTNU (' in text
    assert re.search(r'<option value="helse-og-omsorg"[^>]*>health and care \(\d+\)</option>', text)
    assert 'href="/partnerships.json?institution=ntnu"' in text
    assert 'href="/id/partnership/gjovik-ntnu?lang=en"' in text
    assert 'href="/id/partnership/oslo-oslomet' not in text


def test_home_page(client, loaded_store) -> None:  # noqa: ANN001
    """The home page says what the dataset is, counts it, lists every partnership and shows where to go next."""
    text = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<html lang="nb">' in text and "<h1>" in text
    assert "<strong>15</strong> partnerskap" in text
    triples = loaded_store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]
    assert f"<strong>{int(triples)}</strong> tripler" in text
    assert text.count('<th scope="row"><a href="/id/partnership/') == 15
    for target in ("/partnerships", "/queries", "/sparql", "/compare", "/void"):
        assert f'href="{target}' in text
    english = client.get("/", headers={"Accept": "text/html", "Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "University municipalities as open data" in english
    assert "Gjøvik Municipality" in english  # members named in English where the data has it


def test_healthz_still_answers(client) -> None:  # noqa: ANN001
    """/healthz reports the store."""
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_partnerships_are_paged_with_counts_over_all(client) -> None:  # noqa: ANN001
    """/partnerships.json gives _size rows a page with a `next` URL until the last page; the pages together are the
    whole list in the same order, and count and facet counts are over all partnerships on every page."""
    whole = listing(client, _size="1000")
    assert whole["next"] is None and whole["count"] == len(whole["partnerships"])
    seen: list[str] = []
    params = {"_size": "4"}
    while True:
        page = listing(client, **params)
        assert len(page["partnerships"]) <= 4
        assert page["count"] == whole["count"] and page["facets"] == whole["facets"]
        seen += [p["slug"] for p in page["partnerships"]]
        if page["next"] is None:
            break
        params = {"_size": "4", "_next": re.search(r"_next=(\d+)", page["next"]).group(1)}
    assert seen == [p["slug"] for p in whole["partnerships"]]


def test_paging_keeps_the_filters(client) -> None:  # noqa: ANN001
    """A filtered list pages through the filtered partnerships only, and its links keep the filter."""
    whole = listing(client, institution="ntnu", _size="1000")
    first = client.get("/partnerships.json", query_string={"institution": "ntnu", "_size": "2"})
    body = first.get_json()
    assert body["count"] == whole["count"] > 2
    assert "institution=ntnu" in body["next"] and "_next=2" in body["next"]
    assert 'rel="next"' in first.headers["Link"]
    second = listing(client, institution="ntnu", _size="2", _next="2")
    assert [p["slug"] for p in second["partnerships"]] == [p["slug"] for p in whole["partnerships"][2:4]]


def test_partnerships_page_links_previous_and_next(client) -> None:  # noqa: ANN001
    """The HTML list has links to the previous and next pages, in the page's language."""
    text = client.get("/partnerships", query_string={"_size": "3", "_next": "3", "lang": "en"}).get_data(as_text=True)
    assert 'rel="next"' in text and 'rel="prev"' in text and "next page" in text and "previous page" in text
    assert "4–6" in text


@pytest.mark.parametrize("params", [{"_size": "0"}, {"_size": "x"}, {"_next": "-2"}])
def test_bad_page_is_400(client, params: dict) -> None:  # noqa: ANN001
    """A bad _size or _next on /partnerships is 400 naming it."""
    response = client.get("/partnerships.json", query_string=params)
    assert response.status_code == 400 and response.get_json()["parameter"] in ("_size", "_next")


def test_organisation_page_lists_a_bounded_number_of_partnerships(loaded_store) -> None:  # noqa: ANN001
    """An organisation's involvements are bounded: past the limit the list says there are more, and keeps only
    partnerships whose rows are all there."""
    from towngown.browse import organisation_partnerships
    from towngown.catalog import load_catalog

    catalog = load_catalog()
    everything, more = organisation_partnerships(loaded_store, catalog, ID + "organisation/ntnu", limit=10_000)
    assert not more and len(everything) > 2
    rows = len(loaded_store.select(catalog.get("organisation-partnerships").bind({"organisation": ID + "organisation/ntnu"})))
    first, more = organisation_partnerships(loaded_store, catalog, ID + "organisation/ntnu", limit=rows - 1)
    assert more and 0 < len(first) < len(everything)
    by_iri = {i.partnership: i for i in everything}
    assert all(i.ways == by_iri[i.partnership].ways and i.roles == by_iri[i.partnership].roles for i in first)
