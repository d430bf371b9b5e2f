"""/compare: partnerships side by side, with indicators that link to their stored queries, and JSON/CSV twins."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest

from towngown.compare import INDICATORS
from towngown.modeldoc import questionnaire_fields

ID = "https://w3id.org/towngown/id/"
GJOVIK = ID + "partnership/gjovik-ntnu"
TRONDHEIM = ID + "partnership/trondheim-ntnu"
NTNU = ID + "organisation/ntnu"
GJOVIK_KOMMUNE = ID + "organisation/gjovik-kommune"
PAIR = {"p": ["gjovik-ntnu", "trondheim-ntnu"]}
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def pair(app) -> dict:  # noqa: ANN001
    """/compare.json for Gjøvik and Trondheim, fetched once."""
    response = app.test_client().get("/compare.json", query_string=PAIR)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _row(document: dict, key: str) -> dict:
    return next(r for r in document["rows"] if r["key"] == key)


def _cell(document: dict, key: str, slug: str) -> dict:
    return _row(document, key)["cells"][slug]


def test_gjovik_indicators(pair: dict) -> None:
    """Gjøvik: NTNU and Gjøvik kommune 40 % FTE each (0.8 FTE in all), 2 PhD posts, a 2021–2026 term of about 6 years."""
    parties = {i["href"].rsplit("/", 1)[-1]: i["value"] for i in _cell(pair, "fte-per-party", "gjovik-ntnu")["items"]}
    assert parties == {"ntnu": 40, "gjovik-kommune": 40}
    assert Decimal(str(_cell(pair, "fte-total", "gjovik-ntnu")["items"][0]["value"])) == Decimal("0.8")
    assert _cell(pair, "phd-positions", "gjovik-ntnu")["items"][0]["value"] == 2
    years = Decimal(str(_cell(pair, "agreement-years", "gjovik-ntnu")["items"][0]["value"]))
    assert abs(years - 6) < Decimal("0.1")
    per_10000 = Decimal(str(_cell(pair, "fte-per-10000", "gjovik-ntnu")["items"][0]["value"]))
    assert round(per_10000, 4) == Decimal("0.2618")
    assert _cell(pair, "area-count", "gjovik-ntnu")["items"][0]["value"] >= 1
    statuses = [i["label"]["en"] for i in _cell(pair, "status-action-plans", "gjovik-ntnu")["items"]]
    assert statuses == ["under development"]


def test_trondheim_unknown_fte_stays_unknown(pair: dict) -> None:
    """Trondheim's commitments state no FTE share: each party's FTE and the total are unknown, never 0."""
    parties = _cell(pair, "fte-per-party", "trondheim-ntnu")["items"]
    assert parties and all(i["unknown"] and i["value"] is None for i in parties)
    for key in ("fte-total", "fte-per-10000", "phd-positions"):
        cell = _cell(pair, key, "trondheim-ntnu")
        assert cell["unknown"] is True and cell["items"] == [], key


def test_columns_in_order_and_linked_to_partnership_pages(pair: dict) -> None:
    """One column per partnership, in the order asked, each with its IRI and its page /id/partnership/<slug>."""
    assert [p["slug"] for p in pair["partnerships"]] == ["gjovik-ntnu", "trondheim-ntnu"]
    assert [p["page"] for p in pair["partnerships"]] == ["/id/partnership/gjovik-ntnu", "/id/partnership/trondheim-ntnu"]
    assert pair["partnerships"][0]["iri"] == GJOVIK
    assert pair["partnerships"][1]["label"]["nb"]


def test_rows_are_the_indicators_then_the_questionnaire_fields(pair: dict) -> None:
    """The rows are the indicators, then the questionnaire's fields 1–15 (with 5a) in tg:order, named in nb and en."""
    indicators = [r["key"] for r in pair["rows"] if r["section"] == "indicator"]
    assert indicators == [i.key for i in INDICATORS]
    fields = [r for r in pair["rows"] if r["section"] == "field"]
    assert [f["notation"] for f in fields] == [c.notation for c in questionnaire_fields()]
    assert [f["notation"] for f in fields][:7] == ["1", "2", "3", "4", "5", "5a", "6"]
    assert len([f for f in fields if f["notation"] != "5a"]) == 15
    assert all(f["label"]["nb"] and f["label"]["en"] for f in fields)
    participants = {i["value"] for i in _cell(pair, "participants", "gjovik-ntnu")["items"]}
    assert {NTNU, GJOVIK_KOMMUNE} <= participants
    funding = _cell(pair, "funding", "trondheim-ntnu")
    assert funding["unknown"] is True


def test_every_number_links_to_the_query_that_computes_it(client, pair: dict) -> None:  # noqa: ANN001
    """Each indicator cell names a stored query bound to its partnership, and that query gives the same number."""
    for row in (r for r in pair["rows"] if r["section"] == "indicator"):
        for slug, cell in row["cells"].items():
            link = urlsplit(cell["query"])
            name = link.path.rsplit("/", 1)[-1]
            assert name == next(i.query for i in INDICATORS if i.key == row["key"])
            assert parse_qs(link.query)["partnership"] == [ID + "partnership/" + slug]
            assert client.get(cell["query"], headers={"Accept": "text/html"}).status_code == 200
    link = urlsplit(_cell(pair, "fte-per-party", "gjovik-ntnu")["query"])
    rows = client.get(link.path + ".json?" + link.query).get_json()["results"]["bindings"]
    assert {b["party"]["value"]: Decimal(b["partyFte"]["value"]) for b in rows} == {NTNU: 40, GJOVIK_KOMMUNE: 40}
    link = urlsplit(_cell(pair, "agreement-years", "gjovik-ntnu")["query"])
    [row] = client.get(link.path + ".json?" + link.query).get_json()["results"]["bindings"]
    assert Decimal(row["years"]["value"]) == Decimal(str(_cell(pair, "agreement-years", "gjovik-ntnu")["items"][0]["value"]))


def test_csv_twin_has_the_same_cells(client, pair: dict) -> None:  # noqa: ANN001
    """/compare.csv has one line per value (one line marked unknown per empty cell), agreeing with the JSON."""
    response = client.get("/compare.csv", query_string=PAIR)
    assert response.mimetype == "text/csv"
    lines = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    for row in pair["rows"]:
        for slug, cell in row["cells"].items():
            mine = [line for line in lines if line["key"] == row["key"] and line["slug"] == slug]
            if cell["unknown"]:
                assert [line["unknown"] for line in mine] == ["true"], (row["key"], slug)
                continue
            assert len(mine) == len(cell["items"]), (row["key"], slug)
            for line, item in zip(mine, cell["items"]):
                expected = "" if item["value"] is None else str(item["value"])
                assert line["value"] == expected
                assert line["label_nb"] == ((item["label"] or {}).get("nb") or "")
                assert line["query"] == cell["query"]


def test_html_shows_the_same_numbers_and_not_stated(client, pair: dict) -> None:  # noqa: ANN001
    """The page shows the JSON's numbers in their rows, 'ikke oppgitt' for unknown cells, and links to both twins."""
    page = client.get("/compare", query_string={**PAIR, "lang": "nb"}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert '<html lang="nb">' in html
    for key, expected in (("fte-total", "0,8"), ("phd-positions", "2"), ("agreement-years", "6"), ("fte-per-10000", "0,26")):
        row = re.search(rf'<tr id="row-{key}">(.*?)</tr>', html, re.S).group(1)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        assert len(cells) == 2
        assert f">{expected}</a>" in cells[0], (key, cells[0])
        assert "ikke oppgitt" in cells[1] if key != "agreement-years" else "ikke oppgitt" not in cells[1]
    fte = re.search(r'<tr id="row-fte-per-party">(.*?)</tr>', html, re.S).group(1)
    assert fte.count("40&nbsp;%") == 2 and fte.count("ikke oppgitt") == 2
    assert 'href="/id/partnership/gjovik-ntnu"' in html and 'href="/id/partnership/trondheim-ntnu"' in html
    assert "/compare.json?p=gjovik-ntnu&amp;p=trondheim-ntnu" in html and "/compare.csv?p=gjovik-ntnu&amp;p=trondheim-ntnu" in html
    english = client.get("/compare", query_string={**PAIR, "lang": "en"}, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "not stated" in english and "ikke oppgitt" not in english and "Committed FTE per party" in english


def test_charts_are_accessible_svg_with_the_partnership_names(client) -> None:  # noqa: ANN001
    """Both charts are inline SVG that parse as XML, with role=img, a title, a desc and the partnerships as text."""
    html = client.get("/compare", query_string={**PAIR, "lang": "en"}, headers={"Accept": "text/html"}).get_data(as_text=True)
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        root = ElementTree.fromstring(svg)
        assert root.get("role") == "img"
        assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
        texts = [t.text for t in root.iter(f"{SVG}text")]
        assert "University City Trondheim TRD3.0" in texts
        assert any(t and t.startswith("University-municipality partnership Gjøvik") for t in texts)
    bars = ElementTree.fromstring(svgs[0])
    assert [t.text for t in bars.iter(f"{SVG}text")].count("not stated") == 2
    timeline = [t.text for t in ElementTree.fromstring(svgs[1]).iter(f"{SVG}text")]
    assert "2021–2026" in timeline


@pytest.mark.parametrize("slug", ["no-such-partnership", "Bad Slug!", "../etc"])
def test_unknown_slug_is_404_naming_it(client, slug: str) -> None:  # noqa: ANN001
    """A slug that names no partnership is 404, as a problem document and as a page, and the message names it."""
    problem = client.get("/compare.json", query_string={"p": ["gjovik-ntnu", slug]})
    assert problem.status_code == 404 and problem.mimetype == "application/problem+json"
    assert slug in problem.get_json()["detail"]
    page = client.get("/compare", query_string={"p": slug}, headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert slug.replace("!", "") in page.get_data(as_text=True).replace("&#39;", "'").replace("!", "")


def test_without_partnerships_a_page_to_choose_them(client) -> None:  # noqa: ANN001
    """/compare without p is a GET form with a checkbox per partnership; the JSON twin asks for p with 400."""
    page = client.get("/compare", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'<form class="choose" method="get" action="/compare">', html)
    boxes = re.findall(r'<input type="checkbox" name="p" value="([a-z0-9-]+)"', html)
    overview = client.get("/queries/partnership-overview.json").get_json()["results"]["bindings"]
    assert sorted(boxes) == sorted(b["partnership"]["value"].rsplit("/", 1)[-1] for b in overview)
    assert "gjovik-ntnu" in boxes and "trondheim-ntnu" in boxes
    assert client.get("/compare.json").status_code == 400


def test_one_partnership_and_duplicates(client) -> None:  # noqa: ANN001
    """One partnership is a one-column comparison; a slug given twice gives one column."""
    document = client.get("/compare.json", query_string={"p": ["gjovik-ntnu", "gjovik-ntnu"]}).get_json()
    assert [p["slug"] for p in document["partnerships"]] == ["gjovik-ntnu"]
    assert all(list(r["cells"]) == ["gjovik-ntnu"] for r in document["rows"])


@pytest.fixture()
def hostile_client(store):  # noqa: ANN001, ANN201
    """A client of an app over the scratch store holding the ontology and tests/data/web-hostile.trig."""
    from towngown.config import Settings
    from towngown.publish import collect
    from towngown.resources import ontology_dir
    from towngown.web import create_app

    dataset, _ = collect([ontology_dir(), Path(__file__).resolve().parent.parent / "data" / "web-hostile.trig"])
    store.replace_graphs({str(g.identifier): g for g in dataset.graphs() if len(g)})
    return create_app(Settings(), store).test_client()


def test_hostile_labels_are_escaped_in_page_charts_and_csv(hostile_client) -> None:  # noqa: ANN001
    """Labels with <script>, <img onerror> and & show as text: escaped in the HTML and in the SVG, which parses."""
    page = hostile_client.get("/compare", query_string={"p": "hostile", "lang": "nb"}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script>window.__xss" not in html and "<img src=x" not in html and "<b>Co</b>" not in html
    assert "&lt;script&gt;window.__xss = &#39;nb&#39;" in html or "&lt;script&gt;window.__xss = &#x27;nb&#x27;" in html
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        texts = [t.text for t in ElementTree.fromstring(svg).iter(f"{SVG}text")]
        assert "<script>window.__xss = 'nb'; alert('nb')</script> & <b>Co</b>" in texts
    bars = [t.text for t in ElementTree.fromstring(svgs[0]).iter(f"{SVG}text")]
    assert any(t and t.startswith('<img src=x onerror="') for t in bars)
    document = hostile_client.get("/compare.json", query_string={"p": "hostile"}).get_json()
    assert document["partnerships"][0]["label"]["en"].startswith("<script>window.__xss = 'en'")
    assert Decimal(str(_cell(document, "agreement-years", "hostile")["items"][0]["value"])) == Decimal("2.5")


def test_add_links_extend_the_comparison(client) -> None:  # noqa: ANN001
    """From a one-partnership comparison, one click adds another: each other partnership has a link with both slugs."""
    html = client.get("/compare", query_string={"p": "gjovik-ntnu", "lang": "nb"}, headers={"Accept": "text/html"}).get_data(as_text=True)
    links = re.findall(r'<nav class="add".*?</nav>', html, re.S)[0]
    assert 'href="/compare?p=gjovik-ntnu&amp;p=trondheim-ntnu&amp;lang=nb"' in links
    assert "p=gjovik-ntnu&amp;p=gjovik-ntnu" not in links
