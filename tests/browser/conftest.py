"""Browser fixtures: Debian's Chromium driven by Playwright, against the app behind a real HTTP server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from towngown.config import Settings
from towngown.publish import collect
from towngown.resources import ontology_dir
from towngown.web import create_app

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
HOSTILE = Path(__file__).resolve().parent.parent / "data" / "web-hostile.trig"


@dataclass
class Site:
    """A towngown app served on a free loopback port."""

    url: str


def _serve(app) -> tuple[Site, object]:  # noqa: ANN001 - a Flask app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, name="browser-site", daemon=True).start()
    return Site(f"http://127.0.0.1:{server.server_port}"), server


@pytest.fixture(scope="session")
def site(loaded_store) -> Iterator[Site]:  # noqa: ANN001
    """The app over the store holding ontology/ and data/, behind a real HTTP server."""
    live, server = _serve(create_app(Settings(), loaded_store))
    yield live
    server.shutdown()


@pytest.fixture()
def hostile_site(store) -> Iterator[Site]:  # noqa: ANN001
    """An app over the scratch store holding the ontology and the hostile partnership of tests/data/web-hostile.trig."""
    dataset, _ = collect([ontology_dir(), HOSTILE])
    store.replace_graphs({str(g.identifier): g for g in dataset.graphs() if len(g)})
    live, server = _serve(create_app(Settings(), store))
    yield live
    server.shutdown()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page (own context) whose browser prefers bokmål, 1280 px wide; errors in its scripts are collected."""
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.script_errors = []  # type: ignore[attr-defined]
    tab.on("pageerror", lambda error: tab.script_errors.append(str(error)))  # type: ignore[attr-defined]
    yield tab
    context.close()


def _shoot(page: Page, name: str, *, width: int | None = None) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    if width is not None:
        page.set_viewport_size({"width": width, "height": 844})
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if width is not None:
        page.set_viewport_size({"width": 1280, "height": 900})
    return path


@pytest.fixture(scope="session")
def shoot():  # noqa: ANN201
    """shoot(page, name, width=None): keep a full-page screenshot as tests/artifacts/<name>.png (optionally at a width)."""
    return _shoot
