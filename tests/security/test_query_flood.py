"""Expensive queries in parallel from several client addresses: each ends at its time limit (503 with a message)
or is turned away at once (429 past its address's share, 503 when every public slot is busy), the number running is bounded, and cheap requests keep their latency."""

from __future__ import annotations

import http.client
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator

import pytest

from towngown.publish import collect, write_graphs
from towngown.resources import data_dir, ontology_dir
from towngown.store import OxigraphEngine, SparqlStore

LIMIT_S = 2.0
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . FILTER(STR(?c) != STR(?l)) }"
CHEAP = ["/id/partnership/gjovik-ntnu", "/queries/organisations.json", "/graphs/gjovik-ntnu", "/healthz"]

ATTACKER = """
import http.client, json, sys, threading, time, urllib.parse
port, seconds = int(sys.argv[1]), float(sys.argv[2])
query = %r
results, stop = [], time.monotonic() + seconds
def run(source):
    body = urllib.parse.urlencode({"query": query})
    while time.monotonic() < stop:
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
        conn.request("POST", "/sparql", body=body, headers={"Accept": "application/sparql-results+json",
                     "Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse(); data = response.read(); conn.close()
        detail = json.loads(data).get("detail", "") if response.status != 200 else ""
        results.append((response.status, detail, time.perf_counter() - started))
threads = [threading.Thread(target=run, args=("127.0.0.%%d" %% (2 + n // 3),)) for n in range(12)]
[t.start() for t in threads]; [t.join() for t in threads]
print(json.dumps(results))
""" % EXPENSIVE


@pytest.fixture()
def flood_store() -> Iterator[SparqlStore]:
    """An in-memory engine with a 2 s time limit holding ontology/ and data/, as `towngown serve` would run it."""
    with OxigraphEngine(None, timeout_s=LIMIT_S) as engine:
        base = engine.base_url
        store = SparqlStore(f"{base}/query", f"{base}/update", f"{base}/store", timeout_s=LIMIT_S, engine=None,
                            max_concurrent_queries=4)
        dataset, _ = collect([ontology_dir(), data_dir()])
        write_graphs(store, {str(g.identifier): g for g in dataset.graphs() if len(g)})
        yield store
        store.close()


def _get(port: int, path: str, source: str, method: str = "GET", body: str | None = None) -> tuple[int, bytes, float]:
    """One request from a given loopback source address (127.0.0.0/8 is all loopback on Linux)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    headers = {"Accept": "application/sparql-results+json, application/json" if body else "*/*"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data, time.perf_counter() - started


def test_expensive_queries_end_at_their_limit_and_cheap_requests_keep_their_latency(site_with, flood_store) -> None:  # noqa: ANN001
    """Four attacking addresses with three threads each send a cross-join query over and over for ~8 s: every
    answer is 503 at the time limit, 503 when all public slots are busy, or 429 past the per-address share (each
    with a message), at most the public bound run at once, and pages, stored queries and /healthz from another address stay fast (p99 < 3 s)."""
    site = site_with(query_timeout_s=LIMIT_S, response_cache_mb=0, http_cache=False, max_concurrent_queries=4,
                     max_queries_per_client=2)
    site.store = flood_store
    site.app.extensions["towngown.store"] = flood_store
    port = int(site.url.rsplit(":", 1)[1])
    gate = site.app.extensions["towngown.query_gate"]
    stop = threading.Event()
    peak = [0]

    def watch() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], gate.total - gate._total._value)  # noqa: SLF001 - the gate's own counter
            time.sleep(0.01)

    for path in CHEAP:  # warm: the catalogue and templates load on first use
        assert _get(port, path, "127.0.0.1")[0] == 200
    # The attackers run in their own process (as real clients would), so they do not share this one's GIL.
    attackers = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", ATTACKER, str(port), "8.5"], stdout=subprocess.PIPE, text=True
    )
    threads = [threading.Thread(target=watch)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    cheap: list[float] = []
    statuses: list[int] = []
    deadline = time.monotonic() + 8.0
    while time.monotonic() < deadline:
        for path in CHEAP:
            status, _, took = _get(port, path, "127.0.0.1")
            statuses.append(status)
            cheap.append(took)
    output, _ = attackers.communicate(timeout=60)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    attack = [(status, detail, took) for status, detail, took in json.loads(output)]
    timed_out = [a for a in attack if a[0] == 503 and "time limit" in a[1]]
    busy = [a for a in attack if (a[0] == 503 and "busy" in a[1]) or (a[0] == 429 and "at once" in a[1])]
    p99 = statistics.quantiles(cheap, n=100, method="inclusive")[98]
    print(f"\ncheap request p99 during attack: {p99 * 1000:.0f} ms (median {statistics.median(cheap) * 1000:.0f} ms, "
          f"{len(cheap)} requests); expensive queries: {len(timed_out)} stopped at the {LIMIT_S:g} s limit, "
          f"{len(busy)} turned away busy; peak running public queries: {peak[0]} of {gate.total}")
    assert set(statuses) == {200}, statuses
    assert attack and all(status in (429, 503) for status, _, _ in attack)
    assert len(timed_out) + len(busy) == len(attack)
    # A query may wait for a store slot (at most the limit) before it runs (at most the limit, plus the 2 s grace
    # before a runaway engine is restarted): past that bound it would be a hang.
    assert timed_out and max(took for _, _, took in timed_out) < 2 * LIMIT_S + 4.0
    assert peak[0] <= gate.total
    # Cheap requests are all answered, none held past the bound of an expensive query (their latency under the
    # flood is printed above and measured in bench/, not asserted: on 2 shared cores it depends on the machine).
    assert max(cheap) < 2 * LIMIT_S + 4.0
