"""/contribute?edit=<slug>: the form filled in from a published graph (the building step in reverse), published
with If-Match of the version it loaded, so a version published in the meantime is never overwritten."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import SKOS

from towngown.questionnaire import without_provenance
from towngown.submission import strip_provenance
from towngown.tokens import create_token

BASE = "https://w3id.org/towngown/"
SLUG = "gjovik-ntnu"
GRAPH = URIRef(f"{BASE}graph/{SLUG}")
PARTNERSHIP = URIRef(f"{BASE}id/partnership/{SLUG}")


class _Values(HTMLParser):
    """What a browser would submit from the page's questionnaire form: every input, textarea and selected option."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "questionnaire" in a.get("class", ""):
            self._form = True
        if not self._form:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "password"):
            self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
            self.values.setdefault(self._select or "", "")
        elif tag == "option" and self._select is not None and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values[self._textarea or ""] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_values(html: str) -> dict[str, str]:
    """The form's fields as a browser submits them."""
    parser = _Values()
    parser.feed(html)
    return {k: v for k, v in parser.values.items() if k}


def assert_same(expected: Graph, actual: Graph) -> None:
    """Isomorphic graphs; otherwise the differing triples are shown."""
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        lines = [f"- {t}" for t in sorted(only_expected)[:20]] + [f"+ {t}" for t in sorted(only_actual)[:20]]
        raise AssertionError("graphs differ:\n" + "\n".join(lines))


def _published(site) -> Graph:  # noqa: ANN001
    """graph/gjovik-ntnu in the store, without the server's and the questionnaire's provenance, through TriG."""
    stored, _ = strip_provenance(site.store.get_graph(str(GRAPH)), str(GRAPH), site.settings.base_iri)
    dataset = Dataset()
    dataset.graph(GRAPH).__iadd__(without_provenance(stored))
    again = Dataset()
    again.parse(data=dataset.serialize(format="trig"), format="trig")
    return again.graph(GRAPH)


def _edit(site, lang: str = "en") -> tuple[requests.Response, dict[str, str]]:  # noqa: ANN001
    answer = requests.get(f"{site.url}/contribute", params={"edit": SLUG, "lang": lang}, timeout=60)
    assert answer.status_code == 200, answer.text[:2000]
    return answer, page_values(answer.text)


def test_edit_fills_the_form_with_the_published_answers(publishing_site) -> None:  # noqa: ANN001
    """The form opened with edit=gjovik-ntnu holds the published answers: submitted unchanged ("download"), it
    gives the published graph again, apart from provenance; it carries the loaded version's ETag."""
    site = publishing_site
    before = _published(site)
    answer, values = _edit(site)
    assert "The form is filled in from the published partnership." in answer.text
    assert values["slug"] == SLUG
    assert values["partnership-name_nb"] == "Universitetskommunesamarbeidet Gjøvik kommune – NTNU"
    assert values["members-0-organisation"] == "gjovik-kommune" and values["members-0-roles_1"] == "driving-force"
    assert values["if_match"] and values["edit_slug"] == SLUG
    assert "do not fit the questionnaire" not in answer.text
    download = requests.post(f"{site.url}/contribute", data={**values, "action": "download"}, timeout=60)
    assert download.status_code == 200, download.text[:2000]
    dataset = Dataset()
    dataset.parse(data=download.text, format="trig")
    assert_same(before, without_provenance(dataset.graph(GRAPH)))


def test_an_edit_is_published_over_the_version_it_loaded(publishing_site) -> None:  # noqa: ANN001
    """A changed English name, published from the edit form with the partnership's token, becomes the next version
    and the store holds the new name."""
    site = publishing_site
    token, _ = create_token(site.settings, "Gjøvik kommune", [SLUG])
    _, values = _edit(site)
    values["partnership-name_en"] = "Gjøvik and NTNU, edited"
    answer = requests.post(f"{site.url}/contribute?lang=en", data={**values, "action": "publish", "token": token}, timeout=60)
    assert answer.status_code == 200, answer.text[:3000]
    assert "The partnership is published." in answer.text
    versions = requests.get(f"{site.url}/graphs/{SLUG}/versions", timeout=60).json()["versions"]
    assert [v["number"] for v in versions] == [2, 1]
    assert Literal("Gjøvik and NTNU, edited", lang="en") in set(site.store.get_graph(str(GRAPH)).objects(PARTNERSHIP, SKOS.prefLabel))
    assert page_values(answer.text)["if_match"] == '"v2"'  # publishing again from this page edits version 2


@pytest.mark.parametrize(("lang", "message"), [
    ("nb", "Noen har publisert en nyere versjon av partnerskapet etter at du åpnet dette skjemaet."),
    ("en", "Someone has published a newer version of the partnership since you opened this form."),
])
def test_a_lost_update_is_refused_with_412_and_changes_nothing(publishing_site, lang: str, message: str) -> None:  # noqa: ANN001
    """When someone publishes while the edit form is open, publishing the form gets 412 with a message in the page's
    language and a link to load the newest version; the store keeps the other publisher's version."""
    site = publishing_site
    token, _ = create_token(site.settings, "Gjøvik kommune", [SLUG])
    _, values = _edit(site, lang)
    meanwhile = requests.post(f"{site.url}/contribute", data={**values, "action": "publish", "token": token}, timeout=60)
    assert meanwhile.status_code == 200, meanwhile.text[:2000]
    before = sorted(site.store.dump("nquads").splitlines())
    values["partnership-name_en"] = "An edit of an old version"
    answer = requests.post(f"{site.url}/contribute?lang={lang}", data={**values, "action": "publish", "token": token}, timeout=60)
    assert answer.status_code == 412
    assert message in answer.text
    assert f"/contribute?edit={SLUG}" in answer.text
    assert sorted(site.store.dump("nquads").splitlines()) == before


def test_editing_an_unknown_or_malformed_slug(publishing_site) -> None:  # noqa: ANN001
    """edit= of a partnership that has no graph is 404; a slug that is not kebab-case is 400."""
    site = publishing_site
    assert requests.get(f"{site.url}/contribute", params={"edit": "nowhere-ntnu"}, timeout=60).status_code == 404
    assert requests.get(f"{site.url}/contribute", params={"edit": "../x"}, timeout=60).status_code == 400


def test_editing_a_graph_the_questionnaire_did_not_make_says_what_would_be_left_out(publishing_site) -> None:  # noqa: ANN001
    """A converted graph (oppdal-ntnu of data/partnerships/) opens in the form with a warning, in the page's
    language, of how many of its statements the questionnaire cannot hold."""
    site = publishing_site
    token, _ = create_token(site.settings, "Oppdal kommune", ["oppdal-ntnu"])
    body = (Path(__file__).resolve().parents[2] / "data" / "partnerships" / "oppdal-ntnu.trig").read_bytes()
    put = requests.put(f"{site.url}/graphs/oppdal-ntnu", data=body, timeout=60,
                       headers={"Content-Type": "application/trig", "Authorization": f"Bearer {token}"})
    assert put.status_code == 201, put.text
    en = requests.get(f"{site.url}/contribute", params={"edit": "oppdal-ntnu", "lang": "en"}, timeout=60)
    nb = requests.get(f"{site.url}/contribute", params={"edit": "oppdal-ntnu", "lang": "nb"}, timeout=60)
    assert en.status_code == 200 and nb.status_code == 200
    found = re.search(r"<strong>(\d+)</strong> statements of the published graph do not fit the questionnaire", en.text)
    assert found and int(found.group(1)) > 0
    assert "opplysninger i den publiserte grafen passer ikke i spørreskjemaet" in nb.text
    assert page_values(en.text)["partnership-name_en"] == "University Municipality Oppdal"
