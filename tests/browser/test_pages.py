"""Real Chromium through the site: from the home page to a comparison, the language switch, the query editor,
the documentation, and hostile data that must show as text and run nothing. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


OVERVIEW_TAB = re.compile(r"^(Oversikt over partnerskapene|Overview of the partnerships)")


def _click(page: Page, selector: str) -> None:
    """Follow the first link matching ``selector`` and wait for the next page."""
    link = page.locator(selector).first
    expect(link).to_be_visible()
    with page.expect_navigation():
        link.click()


def test_home_to_partnerships_to_organisation_to_comparison(page: Page, site, shoot) -> None:  # noqa: ANN001
    """Home → Gjøvik's page → NTNU's page → Trondheim's page → compare the two → English: all by following links."""
    page.goto(site.url + "/")
    expect(page.locator("h1").first).to_be_visible()
    shoot(page, "home")
    _click(page, 'main a[href*="/id/partnership/gjovik-ntnu"]')
    assert "/id/partnership/gjovik-ntnu" in page.url
    expect(page.locator("h1")).to_contain_text("Gjøvik")
    shoot(page, "partnership-gjovik-ntnu")
    shoot(page, "partnership-gjovik-ntnu-390px", width=390)
    _click(page, 'main a[href*="/id/organisation/ntnu"]')
    assert re.search(r"/id/organisation/ntnu(\?|$)", page.url)
    expect(page.locator("h1")).to_contain_text("NTNU")
    shoot(page, "organisation-ntnu")
    _click(page, 'main a[href*="/id/partnership/trondheim-ntnu"]')
    expect(page.locator("h1")).to_contain_text("Trondheim")
    shoot(page, "partnership-trondheim-ntnu")
    _click(page, 'header a[href^="/compare"]')
    page.check('input[name="p"][value="gjovik-ntnu"]')
    page.check('input[name="p"][value="trondheim-ntnu"]')
    with page.expect_navigation():
        page.get_by_role("button", name="Sammenlign").click()
    assert "p=gjovik-ntnu" in page.url and "p=trondheim-ntnu" in page.url
    heads = page.locator("#h-indicators + .table-wrap thead th")
    expect(heads).to_have_count(3)
    expect(page.locator("#row-fte-per-party")).to_contain_text("40 %")
    expect(page.locator("#row-fte-per-party")).to_contain_text("ikke oppgitt")
    _click(page, 'header a[lang="en"]')
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#row-fte-per-party")).to_contain_text("not stated")
    assert page.script_errors == []  # type: ignore[attr-defined]


def test_compare_in_the_browser(page: Page, site, shoot) -> None:  # noqa: ANN001
    """The chooser, then Gjøvik and Trondheim side by side: numbers link to queries, charts drawn, phone width fits."""
    page.goto(site.url + "/compare")
    shoot(page, "compare-choose")
    page.check('input[name="p"][value="gjovik-ntnu"]')
    page.check('input[name="p"][value="trondheim-ntnu"]')
    with page.expect_navigation():
        page.get_by_role("button", name="Sammenlign").click()
    expect(page.locator("h1")).to_have_text("Sammenlign partnerskap")
    years = page.locator('#row-agreement-years a.number[href$="/partnership/gjovik-ntnu"]')
    expect(years).to_have_text("6")
    assert "/queries/agreement-length?partnership=" in years.get_attribute("href")
    expect(page.locator('svg[role="img"]')).to_have_count(2)
    expect(page.locator("#chart-fte-title")).to_have_text("Avsatte årsverk per part")
    shoot(page, "compare")
    shoot(page, "compare-390px", width=390)
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, width  # wide tables scroll inside their own box, the page itself does not
    with page.expect_navigation():
        years.click()
    expect(page.locator("h1")).to_contain_text("Avtalens lengde")
    assert page.script_errors == []  # type: ignore[attr-defined]


def test_stored_query_runs_in_yasgui(page: Page, site, shoot) -> None:  # noqa: ANN001
    """/sparql in a browser is YASGUI with a tab per stored query; running the overview tab shows a row per partnership."""
    page.goto(site.url + "/sparql")
    tab = page.locator(".yasgui .tabsList .tab").filter(has_text=OVERVIEW_TAB)
    expect(tab).to_have_count(1)
    tab.click()
    panel = page.locator(".tabPanel.active")
    expect(panel.locator(".CodeMirror")).to_contain_text("PREFIX tg:")
    panel.locator(".yasqe_queryButton").click()
    rows = panel.locator(".yasr table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 15
    expect(panel.locator(".yasr")).to_contain_text("Gjøvik kommune")
    shoot(page, "sparql-editor")
    assert page.script_errors == []  # type: ignore[attr-defined]


def test_documentation_pages(page: Page, site, shoot) -> None:  # noqa: ANN001
    """/ontology shows the model diagram and jumps to a term's anchor; /shapes is the guide by field and severity."""
    page.goto(site.url + "/ontology")
    expect(page.locator("#model-diagram-title")).to_have_count(1)
    page.locator('svg a[href="#Anchoring"]').first.click()
    assert page.url.endswith("#Anchoring")
    expect(page.locator("#Anchoring")).to_be_in_viewport()
    page.goto(site.url + "/ontology")
    shoot(page, "ontology")
    page.goto(site.url + "/shapes?lang=en")
    expect(page.locator("#field-participants")).to_contain_text("Participants")
    expect(page.locator("li.severity-Violation").first).to_be_visible()
    shoot(page, "shapes")
    shoot(page, "shapes-390px", width=390)


def test_hostile_literal_shows_as_text_and_runs_nothing(page: Page, hostile_site, shoot) -> None:  # noqa: ANN001
    """A partnership whose name holds <script> (and an organisation named <img onerror>) is shown as text; no script runs."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    urls = [
        "/compare?p=hostile",
        "/compare?p=hostile&lang=en",
        "/compare",
        "/id/partnership/hostile",
        "/id/organisation/hostile-org",
        "/queries/questionnaire-answers?partnership=https://w3id.org/towngown/id/partnership/hostile",
    ]
    for url in urls:
        page.goto(hostile_site.url + url)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__xss") == "undefined", url
    page.goto(hostile_site.url + "/compare?p=hostile")
    expect(page.locator("table.compare thead a").first).to_have_text(
        "<script>window.__xss = 'nb'; alert('nb')</script> & <b>Co</b>"
    )
    expect(page.locator("#row-fte-per-party")).to_contain_text("<img src=x onerror=")
    shoot(page, "hostile-compare")
    assert dialogs == []
    assert page.script_errors == []  # type: ignore[attr-defined]
