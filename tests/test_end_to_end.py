"""End to end over a real `towngown serve` (gunicorn, two workers, its own embedded engine on a scratch data
directory holding the ontology, the reference graph and Gjøvik kommune + NTNU only): a second partnership, Oppdal
kommune + NTNU, is typed into the XLSX template from its sourced facts (/work/shared/reference/ks-partnerships.yaml,
as data/partnerships/oppdal-ntnu.trig was converted from), checked with `towngown import`, published with
`towngown publish` and a token from `towngown token create`, and then found in /sparql, /partnerships and /compare.
On the way, the mistakes a new user makes get a message naming the cell or the field, and every refused request
leaves the store exactly as it was (the /dump.nq before and after, compared graph by graph).

Bad paths already covered elsewhere, over a threaded server on a scratch store: every refused PUT/DELETE leaves the
store and history byte-identical (tests/web/test_graphs.py::test_every_bad_path_leaves_the_store_and_history_exactly_as_before),
racing If-Match writers and concurrent publishes (test_two_racing_writers_with_the_same_if_match_one_wins,
test_concurrent_publishes_without_if_match_are_serialised), harvesting valid -> invalid -> unreachable
(tests/test_harvest.py), bad tokens and brute force (tests/security/test_tokens_attack.py).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, SKOS
from SPARQLWrapper import JSON, SPARQLWrapper

from towngown.concepts import vocabulary
from towngown.config import Settings
from towngown.publish import collect, write_graphs
from towngown.questionnaire import without_provenance
from towngown.resources import data_dir, ontology_dir
from towngown.store import open_store
from towngown.submission import same_data, strip_provenance

ROOT = Path(__file__).resolve().parent.parent
TOWNGOWN = str(Path(sys.executable).parent / "towngown")
TEMPLATE = ROOT / "data" / "templates" / "questionnaire.xlsx"
BASE = "https://w3id.org/towngown/"
TG = "https://w3id.org/towngown/ontology#"
SLUG = "oppdal-ntnu"
PARTNERSHIP = URIRef(f"{BASE}id/partnership/{SLUG}")
GRAPH = URIRef(f"{BASE}graph/{SLUG}")
KS = ("https://www.ks.no/fagomrader/forskning-og-utvikling-fou/forskning-og-utvikling/samarbeid-mellom-kommuner-og-"
      "universitet/de-enkelte-samarbeidene/universitetskommune-oppdal/")
NPH = "https://www.nasjonalparkhagen.no/universitetsbygda.html"
KS_RESULTS = ("https://www.ks.no/fagomrader/forskning-og-utvikling-fou/forskning-og-utvikling/samarbeid-mellom-"
              "kommuner-og-universitet/resultater/")
KS_LESSONS = ("https://www.ks.no/fagomrader/forskning-og-utvikling-fou/forskning-og-utvikling/samarbeid-mellom-"
              "kommuner-og-universitet/erfaringer-og-laringspunkter/")
MAX_BODY = 300_000


@dataclass(frozen=True)
class Site:
    """A running `towngown serve` and the environment its commands share."""

    url: str
    data_dir: Path
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`towngown serve --workers 2` on a scratch data directory with the ontology, reference.trig and gjovik-ntnu."""
    folder = tmp_path_factory.mktemp("e2e-data")
    store = open_store(Settings(data_dir=folder))
    dataset, _ = collect([ontology_dir(), data_dir() / "reference.trig", data_dir() / "gjovik-ntnu.trig"])
    write_graphs(store, {str(g.identifier): g for g in dataset.graphs() if len(g)})
    store.close()
    port = _free_port()
    env = {**os.environ, "TOWNGOWN_DATA_DIR": str(folder), "TOWNGOWN_PORT": str(port),
           "TOWNGOWN_MAX_REQUEST_BYTES": str(MAX_BODY), "TOWNGOWN_CACHE_VERSION_TTL_S": "0"}
    env.pop("TOWNGOWN_PUBLISH_TOKEN", None)
    server = subprocess.Popen(  # noqa: S603 - our own command
        [TOWNGOWN, "serve", "--workers", "2", "--threads", "4"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(url + "/healthz", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still starting up
                pass
            assert server.poll() is None and time.monotonic() < deadline, "towngown serve did not come up"
            time.sleep(0.2)
        yield Site(url, folder, env)
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)


def towngown(site: Site, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `towngown ...` as the user does, in the site's environment."""
    return subprocess.run([TOWNGOWN, *args], env=site.env, cwd=site.data_dir, capture_output=True, text=True,  # noqa: S603
                          timeout=300, check=False)


def dump(site: Site) -> dict[str, Graph]:
    """Every named graph of /dump.nq, by graph IRI."""
    answer = requests.get(f"{site.url}/dump.nq", timeout=60)
    assert answer.status_code == 200, answer.text[:300]
    dataset = Dataset()
    dataset.parse(data=answer.content, format="nquads")
    return {str(g.identifier): g for g in dataset.graphs() if len(g)}


def assert_same_store(before: dict[str, Graph], after: dict[str, Graph]) -> None:
    """The same graphs, each isomorphic to its former self."""
    assert sorted(after) == sorted(before)
    changed = [name for name in before if not isomorphic(before[name], after[name])]
    assert not changed, f"graphs changed: {changed}"


# ---- the workbook, filled in as a user would -------------------------------------------------------------

def _fill(path: Path, answers: dict[str, object]) -> None:
    """Fill the template's sheets: {sheet: {key: value}} for a one-record sheet, {sheet: [{key: value}, ...]} for a
    list sheet (keys are the template's row 3 / column F keys); drop-down answers are written as their choice text."""
    book = load_workbook(TEMPLATE)
    for sheet_name, content in answers.items():
        sheet = book[sheet_name]
        if isinstance(content, dict):
            rows = {sheet.cell(row=r, column=6).value: r for r in range(2, sheet.max_row + 1)}
            for key, value in content.items():
                sheet.cell(row=rows[key], column=3, value=value)
            continue
        columns = {sheet.cell(row=3, column=c).value: c for c in range(1, sheet.max_column + 1)}
        for offset, record in enumerate(content):
            for key, value in record.items():
                sheet.cell(row=4 + offset, column=columns[key], value=value)
    book.save(path)


def pick(scheme: str, code: str) -> str:
    """The text the workbook's drop-down offers for a concept (what a user picks)."""
    return vocabulary().scheme(scheme).find(code).choice


def oppdal_answers() -> dict[str, object]:
    """Oppdal kommune + NTNU as ks-partnerships.yaml has it, in the workbook's sheets (only the sourced facts)."""
    return {
        "Partnerskap-Partnership": {
            "name_nb": "Universitetskommune Oppdal", "name_en": "University Municipality Oppdal",
            "collaboration_forms_1": pick("form", "student-theses-and-practice"),
            "collaboration_forms_2": pick("form", "joint-research-projects"),
            "conflict_notes_en": "KS calls it a three-party collaboration, but the steering group also includes "
                                 "Trøndelag fylkeskommune (not a contradiction, a role difference).",
        },
        "Kilder-Sources": [
            {"url": KS, "name_nb": "KS: Universitetskommune Oppdal", "description_en": "no date visible"},
            {"url": NPH, "name_nb": "Nasjonalparken Næringshage: Universitetsbygda", "description_en": "no date visible"},
            {"url": KS_RESULTS, "name_nb": "KS: Resultater", "description_en": "no date visible"},
            {"url": KS_LESSONS, "name_nb": "KS: Erfaringer og læringspunkter", "description_en": "no date visible"},
        ],
        "Organisasjoner-Organisations": [
            {"id": "ntnu", "name_nb": "NTNU", "name_en": "NTNU", "kind": pick("orgtype", "university"), "ror": "https://ror.org/05xg72x27"},
            {"id": "oppdal-kommune", "name_nb": "Oppdal kommune", "name_en": "Oppdal Municipality",
             "kind": pick("orgtype", "municipality"), "area": "oppdal"},
            {"id": "nasjonalparken-naeringshage", "name_nb": "Nasjonalparken Næringshage",
             "name_en": "Nasjonalparken Næringshage", "kind": pick("orgtype", "business-garden")},
            {"id": "trondelag-fylkeskommune", "name_nb": "Trøndelag fylkeskommune", "name_en": "Trøndelag County Council",
             "kind": pick("orgtype", "county-municipality")},
        ],
        "Deltakere-Members": [
            {"organisation": "ntnu", "roles_1": pick("role", "partner")},
            {"organisation": "oppdal-kommune", "roles_1": pick("role", "partner")},
            {"organisation": "nasjonalparken-naeringshage", "roles_1": pick("role", "partner"),
             "description_en": "party; serves Oppdal and Rennebu"},
        ],
        "Omrader-Areas": [{"id": "oppdal", "name_nb": "Oppdal", "name_en": "Oppdal"}],
        "Statistikk-Statistics": [
            {"of": "oppdal", "type": pick("stat", "population"), "value": 7001, "reference_date": "2020-01-01",
             "description_nb": "ved inngangen til 2020"},
            {"of": "oppdal", "type": pick("stat", "area"), "value": 2274.12,
             "description_en": "Kartverket; 3rd largest municipality by area in Trøndelag"},
        ],
        "Forankring-Anchoring": [
            {"id": "political", "level": pick("anchor", "political"),
             "description_en": "politically anchored (politisk forankret)"},
        ],
        "Organer-Bodies": [
            {"id": "styringsgruppe", "steering_group": "ja — yes", "name_nb": "Styringsgruppe",
             "members_description_nb": "NTNU, Oppdal kommune, Trøndelag fylkeskommune, Nasjonalparken Næringshage",
             "meeting_frequency_en": "normally four times a year", "description_en": "main follow-up responsibility"},
        ],
        "Milepaler-Milestones": [
            {"id": "agreement-signed", "date": 2019,
             "name_en": "agreement Oppdal kommune–NTNU–Nasjonalparken Næringshage signed"},
        ],
        "Resultater-Results": [
            {"id": "student-assignments", "description_en": "about 80 student assignments since 2019"},
            {"id": "baerekraftig-fritid", "description_en": "project 'Bærekraftig fritid' on sustainable cabin development"},
        ],
        "Laering-Lessons": [
            {"id": "clear-focus", "topic": pick("lesson", "clear-focus"),
             "description_en": "Named as example where clear focus quickly yields projects and student tasks"},
        ],
    }


def _members(site: Site) -> set[tuple[str, str]]:
    """(member IRI, English label) of every member of Oppdal's partnership, through SPARQLWrapper on /sparql."""
    sparql = SPARQLWrapper(f"{site.url}/sparql")
    sparql.setQuery(f"""PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?member ?label WHERE {{
            {PARTNERSHIP.n3()} org:hasMembership ?m . ?m org:member ?member .
            ?member skos:prefLabel ?label FILTER (lang(?label) = "en") }}""")
    sparql.setReturnFormat(JSON)
    rows = sparql.query().convert()["results"]["bindings"]
    return {(r["member"]["value"], r["label"]["value"]) for r in rows}


def _compare_cells(site: Site, slug: str) -> dict[str, dict]:
    """/compare.json for gjovik-ntnu and ``slug``: each row's cell of ``slug``, by row key."""
    answer = requests.get(f"{site.url}/compare.json", params=[("p", "gjovik-ntnu"), ("p", slug)], timeout=60)
    assert answer.status_code == 200, answer.text[:300]
    body = answer.json()
    assert [p["slug"] for p in body["partnerships"]] == ["gjovik-ntnu", slug]
    return {row["key"]: row["cells"][slug] for row in body["rows"]}


def test_a_new_partnership_goes_from_the_empty_workbook_to_published_and_compared(site: Site, tmp_path: Path) -> None:
    """Oppdal kommune + NTNU typed into the XLSX template: a required cell left empty and a wrong value are named
    by sheet and cell (no graph written); a forgotten municipality is a violation naming field 1; once corrected,
    `towngown import` writes valid TriG, `towngown publish` with a token from `towngown token create` makes version 1
    (no token 401, a mistyped token 401, Gjøvik's token 403, the invalid file 422 naming the field, each leaving
    the store as it was), and the partnership is then in /sparql with its members, in /partnerships.json and in
    /compare.json next to gjovik-ntnu."""
    assert SLUG not in {p["slug"] for p in requests.get(f"{site.url}/partnerships.json", timeout=60).json()["partnerships"]}

    # 1. A required cell left empty (the municipality's kind) and a value not in the list (a role).
    answers = oppdal_answers()
    answers["Organisasjoner-Organisations"][1]["kind"] = None  # type: ignore[index]
    answers["Deltakere-Members"][0]["roles_1"] = "partnar"  # type: ignore[index]
    first = tmp_path / "oppdal-first-try.xlsx"
    _fill(first, answers)
    result = towngown(site, "import", str(first), "--slug", SLUG, "--output", str(tmp_path / "first.trig"))
    assert result.returncode == 1
    assert "Organisasjoner-Organisations!F5: field 1 Participants › Organisations 'oppdal-kommune' › Kind of organisation: must be filled in" in result.stderr
    assert "Deltakere-Members!B4: field 1 Participants › Members 'ntnu' › Roles: unknown value 'partnar'" in result.stderr
    assert "2 mistake(s); no graph was written" in result.stderr
    assert not (tmp_path / "first.trig").exists()
    result = towngown(site, "import", str(first), "--slug", SLUG, "--lang", "nb")
    assert "Organisasjoner-Organisations!F5: felt 1 Deltakere › Organisasjoner «oppdal-kommune» › Type organisasjon: må fylles ut" in result.stderr

    # 2. Readable, but the municipality is not among the members: a violation of field 1; the TriG is written.
    answers = oppdal_answers()
    answers["Deltakere-Members"] = [m for m in answers["Deltakere-Members"] if m["organisation"] != "oppdal-kommune"]  # type: ignore[union-attr]
    second = tmp_path / "oppdal-second-try.xlsx"
    _fill(second, answers)
    invalid = tmp_path / "oppdal-invalid.trig"
    result = towngown(site, "import", str(second), "--slug", SLUG, "--output", str(invalid))
    assert result.returncode == 1 and invalid.is_file()
    assert "Violation: Partnerskap-Partnership!C2: No participant is a municipality" in result.stderr

    # 3. The corrected workbook imports as valid TriG.
    workbook = tmp_path / "oppdal.xlsx"
    _fill(workbook, oppdal_answers())
    trig = tmp_path / "oppdal-ntnu.trig"
    result = towngown(site, "import", str(workbook), "--slug", SLUG, "--output", str(trig))
    assert result.returncode == 0, result.stderr
    assert "0 violation(s)" in result.stderr

    created = towngown(site, "token", "create", "--publisher", "Oppdal kommune", "--partnership", SLUG)
    assert created.returncode == 0, created.stderr
    token = created.stdout.splitlines()[0].strip()
    gjovik_token = towngown(site, "token", "create", "--publisher", "Gjøvik kommune", "--partnership", "gjovik-ntnu").stdout.split()[0]

    # 4. Publishing mistakes: each is refused with its status and a message, and the store stays as it was.
    before = dump(site)
    no_token = requests.put(f"{site.url}/graphs/{SLUG}", data=trig.read_bytes(), headers={"Content-Type": "application/trig"}, timeout=60)
    assert no_token.status_code == 401 and no_token.headers["WWW-Authenticate"].startswith("Bearer")
    assert no_token.json()["status"] == 401
    result = towngown(site, "publish", str(trig), "--to", site.url, "--token", token[:-3] + "xyz")
    assert result.returncode == 1 and f"refused {SLUG}: 401" in result.stderr
    result = towngown(site, "publish", str(trig), "--to", site.url, "--token", gjovik_token)
    assert result.returncode == 1 and f"refused {SLUG}: 403" in result.stderr
    result = towngown(site, "publish", str(invalid), "--to", site.url, "--token", token)
    assert result.returncode == 1 and f"refused {SLUG}: 422" in result.stderr
    assert "Violation: field 1 Participants:" in result.stderr and "No participant is a municipality" in result.stderr
    assert_same_store(before, dump(site))

    # 5. Published: version 1, attributed to the token's publisher, derived from the workbook and KS's page.
    result = towngown(site, "publish", str(trig), "--to", site.url, "--token", token)
    assert result.returncode == 0, result.stderr
    assert f"published {SLUG} as version 1" in result.stdout
    after = dump(site)
    assert set(after) - set(before) == {str(GRAPH)}
    published = after[str(GRAPH)]
    assert URIRef(KS) in set(published.objects(GRAPH, PROV.wasDerivedFrom))
    assert published.value(GRAPH, URIRef(TG + "version")) == Literal(1)
    imported = Dataset()
    imported.parse(trig, format="trig")
    data, _ = strip_provenance(published, str(GRAPH), BASE)
    assert same_data(without_provenance(data), without_provenance(imported.graph(GRAPH)))

    # 6. It shows up: /sparql (SPARQLWrapper) with its members, /partnerships.json, /compare.json.
    assert _members(site) == {
        (f"{BASE}id/organisation/ntnu", "NTNU"),
        (f"{BASE}id/organisation/oppdal-kommune", "Oppdal Municipality"),
        (f"{BASE}id/organisation/nasjonalparken-naeringshage", "Nasjonalparken Næringshage"),
    }
    listing = {p["slug"]: p for p in requests.get(f"{site.url}/partnerships.json", timeout=60).json()["partnerships"]}
    assert listing[SLUG]["partnership"] == str(PARTNERSHIP)
    assert listing[SLUG]["label"]["nb"] == "Universitetskommune Oppdal"
    assert listing[SLUG]["memberCount"] == 3
    cells = _compare_cells(site, SLUG)
    assert not cells["participants"]["unknown"]
    assert {"NTNU", "Oppdal Municipality", "Nasjonalparken Næringshage"} <= {
        (item["label"] or {}).get("en", item["value"]) if isinstance(item["label"], dict) else item["value"]
        for item in cells["participants"]["items"]
    }
    page = requests.get(f"{site.url}/compare", params=[("p", "gjovik-ntnu"), ("p", SLUG), ("lang", "en")], timeout=60)
    assert page.status_code == 200 and "University Municipality Oppdal" in page.text


def test_refused_publishes_of_a_published_graph_leave_the_store_as_it_was(site: Site, tmp_path: Path) -> None:
    """With skien-usn at version 1: bad syntax (400, line and column), violations (422), no token (401), a wrong
    token (401), another partnership's token (403), an oversized body (413) and a lost update (If-Match of an old
    version, 412) each leave /dump.nq as it was; of two publishes at once with the same If-Match, one becomes
    version 2 and the other gets 412, and the store holds the winner's data."""
    slug = "skien-usn"
    body = (ROOT / "data" / "partnerships" / f"{slug}.trig").read_bytes()
    token = towngown(site, "token", "create", "--publisher", "Skien kommune", "--partnership", slug).stdout.split()[0]
    other = towngown(site, "token", "create", "--publisher", "Someone", "--partnership", "drammen-usn").stdout.split()[0]
    url = f"{site.url}/graphs/{slug}"

    def put(data: bytes, bearer: str | None, media_type: str = "application/trig", **headers: str) -> requests.Response:
        sent = {"Content-Type": media_type, **headers}
        if bearer is not None:
            sent["Authorization"] = f"Bearer {bearer}"
        return requests.put(url, data=data, headers=sent, timeout=120)

    first = put(body, token)
    assert first.status_code == 201 and first.headers["ETag"] == '"v1"', first.text
    graph = Dataset()
    graph.parse(data=body, format="trig")
    triples = Graph()
    for s, p, o, _ in graph.quads((None, None, None, None)):
        triples.add((s, p, o))
    violating = Graph()
    for triple in triples:
        violating.add(triple)
    violating.remove((URIRef(f"{BASE}id/partnership/{slug}"), SKOS.prefLabel, None))

    cases = {
        "bad syntax": (400, lambda: put(b"@prefix tg: <https://w3id.org/towngown/ontology#> .\n<a> tg:x \"open .\n", token, "text/turtle")),
        "violations": (422, lambda: put(violating.serialize(format="turtle").encode(), token, "text/turtle")),
        "no token": (401, lambda: put(body, None)),
        "wrong token": (401, lambda: put(body, token[:-4] + "AAAA")),
        "another partnership's token": (403, lambda: put(body, other)),
        "oversized body": (413, lambda: put(body + b"\n#" + b"x" * MAX_BODY, token)),
        "lost update": (412, lambda: put(body, token, **{"If-Match": '"v0"'})),
    }
    before = dump(site)
    refused: dict[str, dict] = {}
    for case, (status, send) in cases.items():
        answer = send()
        assert answer.status_code == status, (case, answer.text[:300])
        assert answer.headers["Content-Type"].startswith("application/problem+json"), case
        refused[case] = answer.json()
        assert_same_store(before, dump(site))
    assert "body:2:17: bad syntax" in refused["bad syntax"]["detail"]  # line 2, column 17
    assert {(r["field_notation"], r["path"]) for r in refused["violations"]["report"]["results"]
            if r["severity"] == "Violation"} == {(None, str(SKOS.prefLabel))}

    edits = {name: triples.serialize(format="turtle").replace("Skien", name) for name in ("Alice", "Bob")}
    barrier = threading.Barrier(len(edits))
    answers: dict[str, requests.Response] = {}

    def send(name: str) -> None:
        barrier.wait()
        answers[name] = put(edits[name].encode(), token, "text/turtle", **{"If-Match": '"v1"'})

    threads = [threading.Thread(target=send, args=(name,)) for name in edits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(a.status_code for a in answers.values()) == [200, 412], {k: v.text[:200] for k, v in answers.items()}
    winner = next(name for name, a in answers.items() if a.status_code == 200)
    current = dump(site)[f"{BASE}graph/{slug}"]
    data, _ = strip_provenance(current, f"{BASE}graph/{slug}", BASE)
    expected = Graph().parse(data=edits[winner], format="turtle")
    assert same_data(data, expected)
    versions = requests.get(f"{url}/versions", timeout=60).json()["versions"]
    assert [v["number"] for v in versions] == [2, 1]
