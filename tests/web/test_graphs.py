"""/graphs/<slug> over a real HTTP server and a writable scratch store: publishing with tokens, provenance,
versions, diffs, ETags, and every bad path leaving the store exactly as it was."""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, SKOS

from towngown.submission import same_data, strip_provenance
from towngown.tokens import create_token, revoke_token

# A plain namespace: rdflib's closed XSD warns when pytest probes module attributes.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/towngown/"
TG = "https://w3id.org/towngown/ontology#"
SLUG = "oppdal-ntnu"
GRAPH = URIRef(f"{BASE}graph/{SLUG}")
PARTNERSHIP = URIRef(f"{BASE}id/partnership/{SLUG}")
OPPDAL = (ROOT / "data" / "partnerships" / f"{SLUG}.trig").read_bytes()
TRIG = "application/trig"
PARTNERSHIPS = "PREFIX tg: <https://w3id.org/towngown/ontology#> SELECT ?p WHERE { ?p a tg:UniversityMunicipalityPartnership }"


def _graph_of(body: bytes, fmt: str = "trig") -> Graph:
    """The triples of a body, whatever graph they sit in ("x"^^xsd:string read as "x", as RDF 1.1 has it)."""
    dataset = Dataset()
    dataset.parse(data=body, format=fmt)
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD.string else o))
    return graph


def _token(site, slug: str = SLUG, publisher: str = "Oppdal kommune", **kwargs: object) -> str:  # noqa: ANN001
    secret, _ = create_token(site.settings, publisher, [slug], **kwargs)
    return secret


def _put(site, body: bytes, token: str | None, *, slug: str = SLUG, media_type: str = TRIG, **headers: str):  # noqa: ANN001, ANN202
    sent = {"Content-Type": media_type, **{k.replace("_", "-"): v for k, v in headers.items()}}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return requests.put(f"{site.url}/graphs/{slug}", data=body, headers=sent, timeout=60)


def _partnerships(site) -> set[str]:  # noqa: ANN001
    answer = requests.get(f"{site.url}/sparql", params={"query": PARTNERSHIPS},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert answer.status_code == 200
    return {b["p"]["value"] for b in answer.json()["results"]["bindings"]}


def _fetch(site, path: str, **headers: str) -> requests.Response:  # noqa: ANN001
    return requests.get(f"{site.url}{path}", headers={k.replace("_", "-"): v for k, v in headers.items()}, timeout=30)


def _files(root: Path) -> dict[str, bytes]:
    """Every file under the data directory's history, by relative path (locks aside)."""
    folder = root / "history"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


def _snapshot(site) -> tuple[list[str], dict[str, bytes]]:  # noqa: ANN001
    """The store's exact N-Quads (sorted lines) and the history files."""
    return sorted(site.store.dump("nquads").splitlines()), _files(Path(site.settings.data_dir))


def test_publish_a_second_partnership_with_its_token_shows_up_in_sparql(publishing_site) -> None:  # noqa: ANN001
    """PUT of oppdal-ntnu with its token answers 201 with version 1 and an ETag; the partnership is then in /sparql,
    and GET gives the submitted graph plus the server's provenance (who, when, from what, version)."""
    site = publishing_site
    assert str(PARTNERSHIP) not in _partnerships(site)
    answer = _put(site, OPPDAL, _token(site))
    assert answer.status_code == 201, answer.text
    result = answer.json()
    assert (result["version"], result["etag"], result["created"], result["publisher"]) == (1, '"v1"', True, "Oppdal kommune")
    assert answer.headers["ETag"] == '"v1"'
    assert answer.headers["Location"].endswith(f"/graphs/{SLUG}")
    assert str(PARTNERSHIP) in _partnerships(site)

    got = _fetch(site, f"/graphs/{SLUG}", Accept="text/turtle")
    assert got.status_code == 200 and got.headers["ETag"] == '"v1"'
    graph = Graph().parse(data=got.text, format="turtle")
    data, _ = strip_provenance(graph, str(GRAPH), BASE)
    assert isomorphic(data, _graph_of(OPPDAL))
    assert graph.value(GRAPH, URIRef(TG + "version")) == Literal(1, datatype=XSD.integer)
    assert graph.value(GRAPH, PROV.wasRevisionOf) is None
    when = graph.value(GRAPH, PROV.generatedAtTime)
    assert when.datatype == XSD.dateTime and abs(when.toPython() - datetime.now(timezone.utc)) < timedelta(minutes=5)
    agent = graph.value(GRAPH, PROV.wasAttributedTo)
    assert (agent, RDF.type, PROV.Agent) in graph and graph.value(agent, FOAF.name) == Literal("Oppdal kommune")
    content = next(o for o in graph.objects(GRAPH, PROV.wasDerivedFrom) if str(o).startswith(str(GRAPH) + "/version/1"))
    assert graph.value(content, DCTERMS.format) == Literal(TRIG)
    assert graph.value(content, URIRef(TG + "sha256")) == Literal(hashlib.sha256(OPPDAL).hexdigest())


@pytest.mark.parametrize("fmt, media_type", [
    ("turtle", "text/turtle"), ("json-ld", "application/ld+json"), ("xml", "application/rdf+xml"),
    ("nt11", "application/n-triples"), ("nquads", "application/n-quads"),
])
def test_every_rdf_syntax_publishes_the_same_graph(publishing_site, fmt: str, media_type: str) -> None:  # noqa: ANN001
    """The graph sent as Turtle, JSON-LD, RDF/XML, N-Triples or N-Quads is published as the same triples."""
    site = publishing_site
    source = _graph_of(OPPDAL)
    if fmt == "nquads":
        dataset = Dataset()
        target = dataset.graph(GRAPH)
        for triple in source:
            target.add(triple)
        body = dataset.serialize(format="nquads").encode()
    else:
        body = source.serialize(format=fmt).encode()
    answer = _put(site, body, _token(site), media_type=media_type)
    assert answer.status_code == 201, answer.text
    got = Graph().parse(data=_fetch(site, f"/graphs/{SLUG}", Accept="application/n-triples").text, format="nt11")
    data, _ = strip_provenance(got, str(GRAPH), BASE)
    assert isomorphic(data, source)


def _other_partnership(body: bytes) -> bytes:
    return body.replace(b"oppdal-ntnu", b"skien-usn")


def _with_violation(body: bytes) -> bytes:
    """Oppdal with an FTE share over 100 % (a Violation)."""
    graph = _graph_of(body)
    commitment = next(graph.subjects(RDF.type, URIRef(TG + "ResourceCommitment")), None)
    subject = commitment or PARTNERSHIP
    graph.add((subject, RDF.type, URIRef(TG + "ResourceCommitment")))
    graph.set((subject, URIRef(TG + "fteShare"), Literal("150.0", datatype=XSD.decimal)))
    return graph.serialize(format="turtle").encode()


def _about_other_graph(body: bytes) -> bytes:
    graph = _graph_of(body)
    graph.add((URIRef(f"{BASE}graph/gjovik-ntnu"), DCTERMS.title, Literal("Overtatt")))
    return graph.serialize(format="turtle").encode()


BAD_PATHS = {
    # case: (status, how to send it)
    "bad syntax": (400, lambda site, tok: _put(site, b"@prefix tg: <https://w3id.org/towngown/ontology#> .\n\n<a> tg:x \"open .\n", tok, media_type="text/turtle")),
    "violations": (422, lambda site, tok: _put(site, _with_violation(OPPDAL), tok, media_type="text/turtle")),
    "another partnership in the body": (422, lambda site, tok: _put(site, _other_partnership(OPPDAL), tok)),
    "says things about another graph": (422, lambda site, tok: _put(site, _about_other_graph(OPPDAL), tok, media_type="text/turtle")),
    "remote JSON-LD context": (422, lambda site, tok: _put(site, b'{"@context": "https://schema.org/", "@id": "x"}', tok, media_type="application/ld+json")),
    "no token": (401, lambda site, tok: _put(site, OPPDAL, None)),
    "wrong token": (401, lambda site, tok: _put(site, OPPDAL, tok[:-4] + "AAAA")),
    "unknown token": (401, lambda site, tok: _put(site, OPPDAL, "tg_0123456789ab_" + "x" * 43)),
    "not a bearer token": (401, lambda site, tok: requests.put(f"{site.url}/graphs/{SLUG}", data=OPPDAL, headers={"Content-Type": TRIG, "Authorization": f"Basic {tok}"}, timeout=30)),
    "token for another partnership": (403, lambda site, tok: _put(site, OPPDAL, _token(site, "skien-usn", "Skien kommune"))),
    "expired token": (401, lambda site, tok: _put(site, OPPDAL, _token(site, expires_days=1, now=datetime.now(timezone.utc) - timedelta(days=2)))),
    "revoked token": (401, lambda site, tok: _put(site, OPPDAL, _revoked(site))),
    "oversized body": (413, lambda site, tok: _put(site, OPPDAL + b"\n#" + b"x" * 250_000, tok)),
    "unsupported media type": (415, lambda site, tok: _put(site, OPPDAL, tok, media_type="text/csv")),
    "lost update": (412, lambda site, tok: _put(site, OPPDAL, tok, If_Match='"v0"')),
    "If-None-Match on an existing graph": (412, lambda site, tok: _put(site, OPPDAL, tok, If_None_Match="*")),
    "delete without a token": (401, lambda site, tok: requests.delete(f"{site.url}/graphs/{SLUG}", timeout=30)),
    "delete, lost update": (412, lambda site, tok: requests.delete(f"{site.url}/graphs/{SLUG}", headers={"Authorization": f"Bearer {tok}", "If-Match": '"v9"'}, timeout=30)),
}


def _revoked(site) -> str:  # noqa: ANN001
    secret, info = create_token(site.settings, "Oppdal kommune", [SLUG])
    revoke_token(site.settings, info.id)
    return secret


@pytest.mark.parametrize("case", sorted(BAD_PATHS))
def test_every_bad_path_leaves_the_store_and_history_exactly_as_before(publishing_site, case: str) -> None:  # noqa: ANN001
    """Bad syntax, violations, data outside the partnership, no/wrong/other/expired/revoked token, an oversized body,
    an unsupported type and a lost update each get their status and change neither the store nor the history."""
    site = publishing_site
    token = _token(site)
    assert _put(site, OPPDAL, token).status_code == 201
    before = _snapshot(site)
    status, send = BAD_PATHS[case]
    answer = send(site, token)
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert answer.json()["status"] == status
    assert _snapshot(site) == before
    if status == 401:
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_syntax_error_names_line_and_column(publishing_site) -> None:  # noqa: ANN001
    """Unparsable Turtle gets 400 naming the line and column where the parser stopped."""
    site = publishing_site
    body = (ROOT / "tests" / "data" / "invalid" / "broken-syntax.ttl").read_bytes()
    problem = _put(site, body, _token(site), media_type="text/turtle").json()
    assert (problem["status"], problem["line"], problem["column"]) == (400, 7, 47)


def test_violations_come_back_as_a_report(publishing_site) -> None:  # noqa: ANN001
    """422 for violations carries the validation report: counts and each violation with its message in nb and en."""
    site = publishing_site
    problem = _put(site, _with_violation(OPPDAL), _token(site), media_type="text/turtle").json()
    report = problem["report"]
    assert report["conforms"] is False and report["counts"]["Violation"] >= 1
    violation = next(r for r in report["results"] if r["severity"] == "Violation")
    assert violation["message"]["nb"] and violation["message"]["en"]
    assert violation["focus_node"].startswith(BASE + "id/")


def test_submitted_provenance_cannot_be_forged(publishing_site) -> None:  # noqa: ANN001
    """Version, time, publisher and revision sent in the body are dropped and replaced by the server's own."""
    site = publishing_site
    graph = _graph_of(OPPDAL)
    forger = URIRef(f"{BASE}id/publisher/ks")
    graph.add((GRAPH, URIRef(TG + "version"), Literal(99)))
    graph.add((GRAPH, PROV.wasAttributedTo, forger))
    graph.add((forger, FOAF.name, Literal("KS")))
    graph.add((GRAPH, PROV.generatedAtTime, Literal("2000-01-01T00:00:00Z", datatype=XSD.dateTime)))
    graph.add((GRAPH, PROV.wasRevisionOf, URIRef(f"{GRAPH}/version/41")))
    answer = _put(site, graph.serialize(format="turtle").encode(), _token(site), media_type="text/turtle")
    assert answer.status_code == 201, answer.text
    assert answer.json()["dropped_provenance_triples"] == 5
    got = Graph().parse(data=_fetch(site, f"/graphs/{SLUG}").text, format="turtle")
    assert list(got.objects(GRAPH, URIRef(TG + "version"))) == [Literal(1, datatype=XSD.integer)]
    assert [got.value(a, FOAF.name) for a in got.objects(GRAPH, PROV.wasAttributedTo)] == [Literal("Oppdal kommune")]
    assert (forger, FOAF.name, Literal("KS")) not in got
    assert got.value(GRAPH, PROV.wasRevisionOf) is None


def _relabelled(body: bytes, new_label: str) -> bytes:
    """Oppdal with its English partnership label replaced and one description removed."""
    graph = _graph_of(body)
    for label in list(graph.objects(PARTNERSHIP, SKOS.prefLabel)):
        if label.language == "en":
            graph.remove((PARTNERSHIP, SKOS.prefLabel, label))
    graph.add((PARTNERSHIP, SKOS.prefLabel, Literal(new_label, lang="en")))
    return graph.serialize(format="turtle").encode()


def test_versions_list_each_version_and_each_version_is_retrievable(publishing_site) -> None:  # noqa: ANN001
    """Two publishes make versions 1 and 2; /versions lists them newest first with who, when and triple count, and
    /versions/<n> gives each as it was (version 2 a revision of version 1)."""
    site = publishing_site
    token = _token(site)
    first = _put(site, OPPDAL, token).json()
    second_body = _relabelled(OPPDAL, "Oppdal and NTNU, renamed")
    second = _put(site, second_body, token, media_type="text/turtle", If_Match=first["etag"])
    assert second.status_code == 200, second.text
    assert (second.json()["version"], second.json()["previous"], second.json()["created"]) == (2, 1, False)

    listing = _fetch(site, f"/graphs/{SLUG}/versions", Accept="application/json").json()
    assert (listing["current"], listing["etag"]) == (2, '"v2"')
    assert [v["number"] for v in listing["versions"]] == [2, 1]
    for entry in listing["versions"]:
        assert entry["publisher"] == "Oppdal kommune" and entry["action"] == "put" and entry["triples"] > 200
        assert "token_id" not in entry
    one = Graph().parse(data=_fetch(site, f"/graphs/{SLUG}/versions/1").text, format="turtle")
    two = Graph().parse(data=_fetch(site, f"/graphs/{SLUG}/versions/2").text, format="turtle")
    assert isomorphic(strip_provenance(one, str(GRAPH), BASE)[0], _graph_of(OPPDAL))
    assert isomorphic(strip_provenance(two, str(GRAPH), BASE)[0], _graph_of(second_body, "turtle"))
    assert two.value(GRAPH, PROV.wasRevisionOf) == URIRef(f"{GRAPH}/version/1")
    current = Graph().parse(data=_fetch(site, f"/graphs/{SLUG}").text, format="turtle")
    assert isomorphic(current, two)
    assert _fetch(site, f"/graphs/{SLUG}/versions/3").status_code == 404


def _triples(items: list[dict]) -> set[tuple[str, str, str]]:
    return {(t["s"]["value"], t["p"]["value"], t["o"]["value"]) for t in items}


def test_diff_gives_the_triples_added_and_removed(publishing_site) -> None:  # noqa: ANN001
    """diff?from=1&to=2 lists exactly the changed label and the new provenance as added, the old label and old
    provenance as removed, as JSON and as TriG with an added and a removed graph; from=0 is the whole first version."""
    site = publishing_site
    token = _token(site)
    _put(site, OPPDAL, token)
    _put(site, _relabelled(OPPDAL, "Renamed"), token, media_type="text/turtle")
    answer = _fetch(site, f"/graphs/{SLUG}/diff?from=1&to=2").json()
    added, removed = _triples(answer["added"]), _triples(answer["removed"])
    assert (str(PARTNERSHIP), str(SKOS.prefLabel), "Renamed") in added
    old_label = next(o for o in _graph_of(OPPDAL).objects(PARTNERSHIP, SKOS.prefLabel) if o.language == "en")
    assert (str(PARTNERSHIP), str(SKOS.prefLabel), str(old_label)) in removed
    assert (str(GRAPH), TG + "version", "2") in added and (str(GRAPH), TG + "version", "1") in removed
    assert (str(GRAPH), str(PROV.wasRevisionOf), f"{GRAPH}/version/1") in added
    # Nothing else changed: the data triples (blank-node evidence included) are not reported.
    data_changes = {t for t in added | removed if not t[0].startswith(str(GRAPH))}
    assert data_changes == {t for t in data_changes if t[0] == str(PARTNERSHIP) and t[1] == str(SKOS.prefLabel)}
    assert answer["counts"] == {"added": len(answer["added"]), "removed": len(answer["removed"])}

    for media_type, fmt in ((TRIG, "trig"), ("application/n-quads", "nquads")):
        dataset = Dataset()
        dataset.parse(data=_fetch(site, f"/graphs/{SLUG}/diff?from=1&to=2", Accept=media_type).text, format=fmt)
        parts = {str(g.identifier).rsplit("/", 1)[-1]: g for g in dataset.graphs() if len(g)}
        assert {(str(s), str(p), str(o)) for s, p, o in parts["added"]} == added, fmt
        assert {(str(s), str(p), str(o)) for s, p, o in parts["removed"]} == removed, fmt

    whole = _fetch(site, f"/graphs/{SLUG}/diff?from=0&to=1").json()
    assert whole["counts"]["removed"] == 0
    assert whole["counts"]["added"] == len(Graph().parse(data=_fetch(site, f"/graphs/{SLUG}/versions/1").text, format="turtle"))
    assert _fetch(site, f"/graphs/{SLUG}/diff?from=1&to=x").status_code == 400


def test_the_stored_query_graph_versions_shows_who_published_what(publishing_site) -> None:  # noqa: ANN001
    """The stored query graph-versions gives researchers each graph's current version, time, publisher and the
    version it replaced; a graph loaded before versioning has no version."""
    site = publishing_site
    token = _token(site)
    _put(site, OPPDAL, token)
    _put(site, OPPDAL, token)
    rows = _fetch(site, f"/queries/graph-versions.json?partnership={PARTNERSHIP}").json()["results"]["bindings"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["graph"]["value"], row["version"]["value"], row["publisherName"]["value"]) == (str(GRAPH), "2", "Oppdal kommune")
    assert row["previous"]["value"] == f"{GRAPH}/version/1" and "harvestedFrom" not in row
    everyone = _fetch(site, "/queries/graph-versions.json").json()["results"]["bindings"]
    gjovik = next(r for r in everyone if r["partnership"]["value"].endswith("/gjovik-ntnu"))
    assert "version" not in gjovik


def test_etag_and_if_none_match(publishing_site) -> None:  # noqa: ANN001
    """GET has the version's ETag and answers 304 to a matching If-None-Match; a new version changes the ETag."""
    site = publishing_site
    token = _token(site)
    _put(site, OPPDAL, token)
    assert _fetch(site, f"/graphs/{SLUG}", If_None_Match='"v1"').status_code == 304
    _put(site, OPPDAL, token)
    answer = _fetch(site, f"/graphs/{SLUG}", **{"If-None-Match": '"v1"'})
    assert answer.status_code == 200 and answer.headers["ETag"] == '"v2"'


def test_delete_is_a_version_and_the_graph_can_come_back(publishing_site) -> None:  # noqa: ANN001
    """DELETE with the token removes the graph (gone from /sparql, GET 404) as a new version; a later PUT is version 3."""
    site = publishing_site
    token = _token(site)
    _put(site, OPPDAL, token)
    answer = requests.delete(f"{site.url}/graphs/{SLUG}", headers={"Authorization": f"Bearer {token}", "If-Match": '"v1"'}, timeout=30)
    assert answer.status_code == 200 and answer.json()["version"] == 2
    assert str(PARTNERSHIP) not in _partnerships(site)
    assert _fetch(site, f"/graphs/{SLUG}").status_code == 404
    listing = _fetch(site, f"/graphs/{SLUG}/versions").json()
    assert [(v["number"], v["action"]) for v in listing["versions"]] == [(2, "delete"), (1, "put")]
    assert listing["exists"] is False
    assert requests.delete(f"{site.url}/graphs/{SLUG}", headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code == 404
    again = _put(site, OPPDAL, token)
    assert again.status_code == 201 and again.json()["version"] == 3
    assert str(PARTNERSHIP) in _partnerships(site)


def test_a_graph_loaded_before_versioning_becomes_version_1(publishing_site) -> None:  # noqa: ANN001
    """Publishing gjovik-ntnu, loaded by `towngown load` without versions, first keeps the loaded graph as version 1
    (a baseline), then publishes version 2 as a revision of it."""
    site = publishing_site
    gjovik = URIRef(f"{BASE}graph/gjovik-ntnu")
    loaded = site.store.get_graph(str(gjovik))
    token = _token(site, "gjovik-ntnu", "Gjøvik kommune")
    body = (ROOT / "data" / "gjovik-ntnu.trig").read_bytes()
    answer = _put(site, body, token, slug="gjovik-ntnu")
    assert answer.status_code == 200 and answer.json()["version"] == 2, answer.text
    listing = _fetch(site, "/graphs/gjovik-ntnu/versions").json()
    assert [(v["number"], v["action"]) for v in listing["versions"]] == [(2, "put"), (1, "baseline")]
    baseline = Graph().parse(data=_fetch(site, "/graphs/gjovik-ntnu/versions/1", Accept="application/n-triples").text, format="nt11")
    assert same_data(baseline, loaded)
    current = Graph().parse(data=_fetch(site, "/graphs/gjovik-ntnu").text, format="turtle")
    assert current.value(gjovik, PROV.wasRevisionOf) == URIRef(f"{gjovik}/version/1")
    assert current.value(gjovik, URIRef(TG + "version")) == Literal(2, datatype=XSD.integer)


def test_two_racing_writers_with_the_same_if_match_one_wins(publishing_site) -> None:  # noqa: ANN001
    """Two PUTs sent at the same moment with If-Match "v1": exactly one becomes version 2, the other gets 412, and the
    store holds the winner's data."""
    site = publishing_site
    token = _token(site)
    _put(site, OPPDAL, token)
    bodies = {name: _relabelled(OPPDAL, name) for name in ("Alice's edit", "Bob's edit")}
    barrier = threading.Barrier(len(bodies))
    answers: dict[str, requests.Response] = {}

    def send(name: str) -> None:
        barrier.wait()
        answers[name] = _put(site, bodies[name], token, media_type="text/turtle", If_Match='"v1"')

    threads = [threading.Thread(target=send, args=(name,)) for name in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(a.status_code for a in answers.values())
    assert statuses == [200, 412], {k: v.text for k, v in answers.items()}
    winner = next(name for name, a in answers.items() if a.status_code == 200)
    current = Graph().parse(data=_fetch(site, f"/graphs/{SLUG}").text, format="turtle")
    assert Literal(winner, lang="en") in set(current.objects(PARTNERSHIP, SKOS.prefLabel))
    assert [v["number"] for v in _fetch(site, f"/graphs/{SLUG}/versions").json()["versions"]] == [2, 1]


def test_concurrent_publishes_without_if_match_are_serialised(publishing_site) -> None:  # noqa: ANN001
    """Three PUTs at once without If-Match all succeed, one after another, as versions 1, 2 and 3."""
    site = publishing_site
    token = _token(site)
    barrier = threading.Barrier(3)
    answers: list[requests.Response] = []

    def send() -> None:
        barrier.wait()
        answers.append(_put(site, OPPDAL, token))

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(a.json()["version"] for a in answers) == [1, 2, 3]
    listing = _fetch(site, f"/graphs/{SLUG}/versions").json()
    assert [v["number"] for v in listing["versions"]] == [3, 2, 1]
    current = Graph().parse(data=_fetch(site, f"/graphs/{SLUG}").text, format="turtle")
    assert list(current.objects(GRAPH, URIRef(TG + "version"))) == [Literal(3, datatype=XSD.integer)]


def test_versions_page_is_bilingual_and_escapes_names(publishing_site) -> None:  # noqa: ANN001
    """The versions page in a browser is HTML in bokmål or English, with the publisher's name escaped."""
    site = publishing_site
    _put(site, OPPDAL, _token(site, publisher="<script>alert(1)</script> kommune"))
    nb = _fetch(site, f"/graphs/{SLUG}/versions?lang=nb", Accept="text/html")
    en = _fetch(site, f"/graphs/{SLUG}/versions?lang=en", Accept="text/html")
    assert nb.headers["Content-Type"].startswith("text/html")
    assert "Versjoner av grafen" in nb.text and "Publisert av" in nb.text
    assert "Versions of the graph" in en.text and "Published by" in en.text
    assert "<script>alert(1)</script>" not in en.text and "&lt;script&gt;" in en.text


def test_public_sparql_stays_read_only_and_no_route_writes_without_a_token(publishing_site) -> None:  # noqa: ANN001
    """An update to /sparql is refused, and no route of the app that takes POST, PUT, PATCH or DELETE changes the
    store when called without a token."""
    site = publishing_site
    before = _snapshot(site)
    update = f"INSERT DATA {{ GRAPH <{BASE}graph/x> {{ <{BASE}id/x> <{BASE}p> 1 }} }}"
    assert requests.post(f"{site.url}/sparql", data=update, headers={"Content-Type": "application/sparql-update"}, timeout=30).status_code == 403
    assert requests.post(f"{site.url}/sparql", data={"update": update}, timeout=30).status_code in (400, 403)
    for rule in site.app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<{argument}>", SLUG).replace(f"<int:{argument}>", "1")
            for converter in ("<path:", "<string:"):
                assert converter not in path, rule.rule
            requests.request(method, f"{site.url}{path}", data=OPPDAL, headers={"Content-Type": TRIG}, timeout=60)
    assert _snapshot(site) == before
