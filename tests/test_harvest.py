"""Harvesting from a real HTTP server on loopback (and a real SPARQL endpoint): a valid file is published, an
unchanged one makes no version, an invalid or unreachable one keeps the last good version and is reported with
since when it fails; only the registered URL is ever requested."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from towngown import history
from towngown.cli import cli
from towngown.config import Settings
from towngown.errors import InputError, NotFound
from towngown.harvest import add_source, harvest, list_sources, remove_source, source_states
from towngown.publish import graph_state, read_graph
from towngown.submission import same_data, strip_provenance

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/towngown/"
SLUG = "oppdal-ntnu"
GRAPH = f"{BASE}graph/{SLUG}"
PARTNERSHIP = URIRef(f"{BASE}id/partnership/{SLUG}")
VALID = (ROOT / "data" / "partnerships" / f"{SLUG}.trig").read_bytes()
TG = "https://w3id.org/towngown/ontology#"


@dataclass
class Route:
    """What the local server answers on one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/trig"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class Publisher:
    """A partnership's own web server on loopback: its routes, and every path anyone asked it for."""

    url: str
    routes: dict[str, Route]
    requested: list[str]
    server: ThreadingHTTPServer

    def stop(self) -> None:
        """Shut the server and close its socket: from now on, connection refused."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def publisher() -> Iterator[Publisher]:
    """A real HTTP server in a thread on 127.0.0.1 serving whatever the test puts in its routes."""
    routes: dict[str, Route] = {}
    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            requested.append(self.path)
            route = routes.get(self.path, Route(b"not here", 404, "text/plain"))
            if route.delay_s:
                time.sleep(route.delay_s)
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    running = Publisher(f"http://127.0.0.1:{server.server_port}", routes, requested, server)
    yield running
    try:
        running.stop()
    except OSError:
        pass


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    """A fresh data directory, short harvest limits."""
    return Settings(data_dir=tmp_path, harvest_timeout_s=1.0, harvest_max_bytes=200_000)


def _graph(body: bytes, fmt: str = "trig") -> Graph:
    dataset = Dataset()
    dataset.parse(data=body, format=fmt)
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _with_label(label: str) -> bytes:
    graph = _graph(VALID)
    graph.add((PARTNERSHIP, SKOS.altLabel, Literal(label, lang="nb")))
    return graph.serialize(format="turtle").encode()


def _invalid() -> bytes:
    """Oppdal with a membership that has no member (a Violation)."""
    graph = _graph(VALID)
    membership = URIRef(f"{BASE}id/membership/oppdal-ntnu-broken")
    graph.add((PARTNERSHIP, URIRef("http://www.w3.org/ns/org#hasMembership"), membership))
    graph.add((membership, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef("http://www.w3.org/ns/org#Membership")))
    graph.add((membership, URIRef("http://www.w3.org/ns/org#organization"), PARTNERSHIP))
    return graph.serialize(format="turtle").encode()


def _dump(store) -> list[str]:  # noqa: ANN001
    return sorted(store.dump("nquads").splitlines())


def test_valid_then_unchanged_then_changed_then_invalid_then_unreachable(store, settings: Settings, publisher: Publisher) -> None:  # noqa: ANN001
    """The registered file is published as version 1 (attributed to the source, derived from its URL); the same file
    again makes no version; a changed one makes version 2; an invalid one and then a dead server each fail, keep
    version 2 in the store untouched, and report the failure since the first failed harvest."""
    publisher.routes["/oppdal.trig"] = Route(VALID)
    add_source(settings, SLUG, f"{publisher.url}/oppdal.trig", publisher="Oppdal kommune")

    [first] = harvest(store, settings)
    assert (first.outcome, first.version) == ("published", 1), first.message
    graph, _ = read_graph(store, settings, SLUG)
    assert same_data(strip_provenance(graph, GRAPH, BASE)[0], _graph(VALID))
    content = next(o for o in graph.objects(URIRef(GRAPH), PROV.wasDerivedFrom) if "/version/1/" in str(o))
    assert graph.value(content, DCTERMS.source) == URIRef(f"{publisher.url}/oppdal.trig")
    assert [v.source for v in history.list_versions(settings, SLUG)] == [f"{publisher.url}/oppdal.trig"]

    [same] = harvest(store, settings)
    assert (same.outcome, same.version) == ("unchanged", 1)
    publisher.routes["/oppdal.trig"] = Route(_with_label("Universitetsbygda"), content_type="text/turtle")
    [changed] = harvest(store, settings)
    assert (changed.outcome, changed.version) == ("published", 2)
    good = _dump(store)

    publisher.routes["/oppdal.trig"] = Route(_invalid(), content_type="text/turtle")
    [broken] = harvest(store, settings)
    assert broken.outcome == "failed" and "violation" in broken.message.lower()
    since = broken.failing_since
    assert since is not None and _dump(store) == good
    [still] = harvest(store, settings)
    assert still.outcome == "failed" and still.failing_since == since
    assert source_states(settings)[SLUG].last_attempt > since

    publisher.stop()
    [dead] = harvest(store, settings)
    assert dead.outcome == "failed" and "cannot be reached" in dead.message and dead.failing_since == since
    assert _dump(store) == good
    state = source_states(settings)[SLUG]
    assert (state.outcome, state.version, state.failing_since) == ("failed", 2, since)
    assert state.last_success is not None and state.last_success < since < state.last_attempt
    assert graph_state(store, settings, SLUG).version == 2
    assert set(publisher.requested) == {"/oppdal.trig"}


def test_redirects_are_refused_not_followed(store, settings: Settings, publisher: Publisher) -> None:  # noqa: ANN001
    """A source that redirects fails with a message naming the new address, which is never requested."""
    publisher.routes["/old.trig"] = Route(b"", 301, "text/plain", {"Location": f"{publisher.url}/new.trig"})
    publisher.routes["/new.trig"] = Route(VALID)
    add_source(settings, SLUG, f"{publisher.url}/old.trig")
    [outcome] = harvest(store, settings)
    assert outcome.outcome == "failed" and "/new.trig" in outcome.message and "redirect" in outcome.message
    assert publisher.requested == ["/old.trig"]
    assert not graph_state(store, settings, SLUG).exists


@pytest.mark.parametrize("route, expected", [
    (Route(VALID + b"\n#" + b"x" * 250_000), "larger than"),
    (Route(VALID, delay_s=2.5), "within"),
    (Route(b"gone", 404, "text/plain"), "404"),
    (Route(VALID, content_type="application/octet-stream"), "published"),
    (Route(b"<a> <b> .", content_type="text/turtle"), "Syntax error"),
])
def test_limits_errors_and_syntax(store, settings: Settings, publisher: Publisher, route: Route, expected: str) -> None:  # noqa: ANN001
    """Too large, too slow, an HTTP error and bad syntax each fail with a clear reason; a file served with an unknown
    type is read by its .trig suffix."""
    publisher.routes["/oppdal.trig"] = route
    add_source(settings, SLUG, f"{publisher.url}/oppdal.trig")
    [outcome] = harvest(store, settings)
    assert expected in (outcome.outcome if expected == "published" else outcome.message), outcome.message


def test_a_source_may_only_fill_its_own_partnership(store, settings: Settings, publisher: Publisher) -> None:  # noqa: ANN001
    """A source registered for skien-usn that serves Oppdal's graph fails, and nothing is published."""
    publisher.routes["/skien.trig"] = Route(VALID)
    add_source(settings, "skien-usn", f"{publisher.url}/skien.trig")
    before = _dump(store)
    [outcome] = harvest(store, settings)
    assert outcome.outcome == "failed" and "oppdal-ntnu" in outcome.message
    assert _dump(store) == before


def test_a_sparql_endpoint_with_a_construct_query(store, loaded_store, settings: Settings) -> None:  # noqa: ANN001
    """A source that is a SPARQL endpoint (here the read-only loaded store) is asked its CONSTRUCT query with
    SPARQLWrapper, and the answer is published."""
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
    add_source(settings, SLUG, loaded_store.query_url, query=query, publisher="Oppdal kommune")
    [outcome] = harvest(store, settings)
    assert (outcome.outcome, outcome.version) == ("published", 1), outcome.message
    graph, _ = read_graph(store, settings, SLUG)
    assert same_data(strip_provenance(graph, GRAPH, BASE)[0], loaded_store.get_graph(GRAPH))
    [again] = harvest(store, settings)
    assert again.outcome == "unchanged"


def test_the_source_registry(settings: Settings) -> None:
    """Sources are added (one per partnership, replaced on re-adding), listed and removed; a URL that is not http(s),
    a query that is not CONSTRUCT and an unknown slug are refused."""
    add_source(settings, SLUG, "https://example.org/a.ttl")
    add_source(settings, SLUG, "https://example.org/b.ttl", publisher="Oppdal kommune")
    add_source(settings, "skien-usn", "https://example.org/sparql", query="CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    sources = {s.slug: s for s in list_sources(settings)}
    assert (sources[SLUG].url, sources[SLUG].publisher, sources[SLUG].kind) == ("https://example.org/b.ttl", "Oppdal kommune", "file")
    assert (sources["skien-usn"].kind, sources["skien-usn"].publisher) == ("sparql", "example.org")
    for url, query in (("file:///etc/passwd", None), ("ftp://example.org/x", None), ("https://example.org/s", "SELECT * WHERE { ?s ?p ?o }")):
        with pytest.raises(InputError):
            add_source(settings, SLUG, url, query=query)
    assert remove_source(settings, SLUG).url == "https://example.org/b.ttl"
    assert [s.slug for s in list_sources(settings)] == ["skien-usn"]
    with pytest.raises(NotFound):
        remove_source(settings, SLUG)
    with pytest.raises(NotFound):
        harvest(None, settings, slugs=[SLUG])


def test_source_and_harvest_commands(store, tmp_path: Path, publisher: Publisher) -> None:  # noqa: ANN001
    """`source add`, `source list`, `harvest` (exit 1 while a source fails, naming it) and `source remove`."""
    env = {"TOWNGOWN_SPARQL_URL": store.query_url, "TOWNGOWN_UPDATE_URL": store.update_url,
           "TOWNGOWN_GRAPH_STORE_URL": store.graph_store_url or "", "TOWNGOWN_HARVEST_TIMEOUT_S": "2"}
    runner = CliRunner()

    def run(*args: str):  # noqa: ANN202
        return runner.invoke(cli, ["--data-dir", str(tmp_path), *args], env=env)

    publisher.routes["/oppdal.trig"] = Route(VALID)
    added = run("source", "add", "--slug", SLUG, "--url", f"{publisher.url}/oppdal.trig")
    assert added.exit_code == 0, added.output
    assert "not harvested yet" in run("source", "list").stdout
    done = run("harvest")
    assert done.exit_code == 0, done.output
    assert f"{SLUG}: published version 1" in done.stdout
    publisher.routes["/oppdal.trig"] = Route(b"@prefix broken", content_type="text/turtle")
    failed = run("harvest")
    assert failed.exit_code == 1 and f"{SLUG}: FAILED" in failed.output
    assert "FAILING since" in run("source", "list").stdout
    assert run("source", "remove", SLUG).exit_code == 0
    assert "no sources registered" in run("source", "list").output
