"""/contribute in real Chromium, as a new user meets it: type a small partnership, add a row without JavaScript,
check it, fix the mistake the report names, and download the TriG. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright
from rdflib import Dataset, URIRef

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def in_chromium(scenario: Callable[[Page], None]) -> None:
    """Run ``scenario`` on a fresh page of Debian's Chromium (headless, JavaScript off: the form must work without it).

    Playwright runs in a thread of its own: its sync API allows one instance per thread, and the browser tests in
    tests/browser/ keep theirs open for the whole session."""

    def run() -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
            )
            try:
                context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900},
                                              java_script_enabled=False, accept_downloads=True)
                context.set_default_timeout(15_000)
                scenario(context.new_page())
                context.close()
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium") as pool:
        pool.submit(run).result()


def _shoot(page: Page, name: str, width: int | None = None) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    if width:
        page.set_viewport_size({"width": width, "height": 844})
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
    if width:
        page.set_viewport_size({"width": 1280, "height": 900})


def _submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).first.click()


def test_new_user_fills_checks_fixes_and_downloads(live_server, tmp_path: Path) -> None:  # noqa: ANN001
    """A small partnership typed into the form: a row is added without JavaScript, the check names the missing
    kind of organisation at its field, and once fixed the download is the partnership's graph."""
    path = tmp_path / "nyby.trig"

    def scenario(page: Page) -> None:
        page.goto(live_server.url + "/contribute")
        expect(page.locator("h1")).to_have_text("Beskriv et partnerskap")
        page.fill("#slug", "nyby-nyuni")
        page.fill("#partnership-name_nb", "Universitetskommunen Nyby")
        page.fill("#partnership-name_en", "University municipality Nyby")
        page.fill("#organisations-0-id", "nyby-kommune")
        page.fill("#organisations-0-name_nb", "Nyby kommune")
        page.select_option("#organisations-0-kind", "municipality")
        page.fill("#organisations-1-id", "nyuni")
        page.fill("#organisations-1-name_nb", "Nyuniversitetet")
        page.fill("#members-0-organisation", "nyby-kommune")
        page.select_option("#members-0-roles_1", "partner")
        page.fill("#members-1-organisation", "nyuni")
        _submit(page, "Legg til en rad: deltakere")
        expect(page.locator("#members-3-organisation")).to_be_visible()
        expect(page.locator("#members-1-organisation")).to_have_value("nyuni")
        expect(page.locator("#members-0-roles_1")).to_have_value("partner")
        _submit(page, "Kontroller")
        expect(page.locator("#organisations-1-kind-error")).to_contain_text("må fylles ut")
        expect(page.locator(".notice")).to_contain_text("Skjemaet har feil")
        _shoot(page, "contribute-mistake")
        page.select_option("#organisations-1-kind", "university")
        _submit(page, "Kontroller")
        expect(page.locator("p.verdict")).to_contain_text("Dataene følger reglene")
        _shoot(page, "contribute-checked")
        _shoot(page, "contribute-390px", width=390)
        with page.expect_download() as download:
            page.get_by_role("button", name="Last ned (TriG)").first.click()
        download.value.save_as(path)

    in_chromium(scenario)
    dataset = Dataset()
    dataset.parse(path, format="trig")
    graph = dataset.graph(URIRef("https://w3id.org/towngown/graph/nyby-nyuni"))
    members = set(graph.objects(URIRef("https://w3id.org/towngown/id/partnership/nyby-nyuni"),
                                URIRef("http://www.w3.org/ns/org#hasMembership")))
    assert len(members) == 2
