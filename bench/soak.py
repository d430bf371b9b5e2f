"""`make soak`: a bounded soak of towngown on loopback: mixed reads and publishes, then checks.

Runs `towngown serve` over a fresh data directory (loaded with ontology/ and data/), and for ``--seconds``:
reader threads fetch pages, stored queries and cheap /sparql queries; a publisher alternates two versions of two
partnership graphs at ``--rate`` publishes per second (and, now and then, a wrong token: the intended 401). Every
5 s it samples the RSS and open files of the web processes and the engine. At the end it checks:

- zero errors other than the intended 4xx (no 5xx, no broken connection);
- no growth in memory or open files (the first and the last tenth of the run, at least a minute each when the
  run is long enough: RSS within +50 % + 30 MB, open files within +10);
- the dataset equals the sum of the accepted publishes (each graph is its last acknowledged version).

Prints one summary line per check and a final JSON line; exits 1 when a check fails. Stops itself.

    .venv/bin/python bench/soak.py --seconds 600      # make soak
    .venv/bin/python bench/soak.py --seconds 20       # the short form run by the test suite
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from towngown.config import Settings
from towngown.submission import same_data, strip_provenance
from towngown.tokens import create_token

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BASE = "https://w3id.org/towngown/"
SLUGS = ("oppdal-ntnu", "alesund-ntnu")
READS = [
    "/", "/partnerships", "/id/partnership/gjovik-ntnu", "/id/partnership/oppdal-ntnu", "/graphs/gjovik-ntnu",
    "/queries/organisations.json", "/queries/partnership-list.json", "/queries.json", "/void", "/healthz",
    "/graphs/oppdal-ntnu/versions",
]
SPARQL = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }",
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?s ?l WHERE { ?s skos:prefLabel ?l } LIMIT 20",
    "ASK { ?s ?p ?o }",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def versions_of(slug: str) -> list[bytes]:
    """Two versions of a partnership graph: as in data/partnerships, and with its English label revised."""
    original = (ROOT / "data" / "partnerships" / f"{slug}.trig").read_bytes()
    dataset = Dataset()
    dataset.parse(data=original, format="trig")
    subject = URIRef(f"{BASE}id/partnership/{slug}")
    for s, p, o, g in list(dataset.quads((subject, None, None, None))):
        if isinstance(o, Literal) and o.language == "en" and p in (SKOS.prefLabel, RDFS.label):
            dataset.remove((s, p, o, g))
            dataset.add((s, p, Literal(f"{o} (revised)", lang="en"), g))
            return [original, dataset.serialize(format="trig").encode()]
    raise SystemExit(f"no English label to revise in {slug}")


def _graph_of(body: bytes) -> Graph:
    dataset = Dataset()
    dataset.parse(data=body, format="trig")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _proc(pid: int) -> tuple[int, int] | None:
    """RSS in kB and open file descriptors of a process (None when it is gone)."""
    try:
        rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                   if line.startswith("VmRSS:"))
        return rss, len(os.listdir(f"/proc/{pid}/fd"))
    except (OSError, StopIteration):
        return None


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def soak(seconds: float, rate: float, readers: int, work: Path) -> dict[str, object]:
    """Run the soak; return its figures and whether each check held."""
    data_dir = work / "var"
    env = {**os.environ, "TOWNGOWN_DATA_DIR": str(data_dir), "TOWNGOWN_RESPONSE_CACHE_MB": "8"}
    subprocess.run([str(BIN / "towngown"), "load"], env=env, check=True, capture_output=True, cwd=ROOT)  # noqa: S603
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command
        [str(BIN / "towngown"), "serve", "--workers", "1", "--threads", "8"],
        env={**env, "TOWNGOWN_PORT": str(port)}, cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=open(work / "serve.log", "wb"),  # noqa: SIM115
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("towngown serve did not come up; see serve.log")
            time.sleep(0.2)
        token, _ = create_token(Settings(data_dir=data_dir), "Soak", list(SLUGS))
        engine_pid = int(json.loads((data_dir / "engine.json").read_text())["pid"])
        return _run(url, token, server.pid, engine_pid, seconds, rate, readers)
    finally:
        server.send_signal(signal.SIGTERM)  # the master stops its workers and the engine it started
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _run(url: str, token: str, master: int, engine: int, seconds: float, rate: float, readers: int) -> dict[str, object]:
    stop = threading.Event()
    lock = threading.Lock()
    counts: dict[str, int] = {}
    errors: list[str] = []
    acknowledged: dict[str, int] = {}
    attempts = {slug: [] for slug in SLUGS}
    bodies = {slug: versions_of(slug) for slug in SLUGS}
    samples: list[tuple[float, int, int]] = []

    def note(kind: str, status: int, intended: tuple[int, ...] = ()) -> None:
        with lock:
            counts[f"{kind} {status}"] = counts.get(f"{kind} {status}", 0) + 1
            if status == 0 or (status >= 400 and status not in intended):
                errors.append(f"{kind} {status}")

    def reader(seed: int) -> None:
        rnd = random.Random(seed)
        session = requests.Session()
        while not stop.is_set():
            try:
                if rnd.random() < 0.3:
                    answer = session.post(f"{url}/sparql", data={"query": rnd.choice(SPARQL)}, timeout=30,
                                          headers={"Accept": "application/sparql-results+json"})
                    note("sparql", answer.status_code, (429,))  # 429: the per-address bound, intended
                else:
                    path = rnd.choice(READS)
                    answer = session.get(url + path, timeout=30)
                    note("read", answer.status_code)
            except requests.RequestException:
                note("read", 0)
            time.sleep(rnd.uniform(0.0, 0.05))

    def publisher() -> None:
        n = 0
        while not stop.is_set():
            slug = SLUGS[n % 2]
            which = (n // 2) % 2
            try:
                if n % 7 == 6:  # the intended 4xx: a wrong token (under the failure limit of 10 a minute)
                    answer = requests.put(f"{url}/graphs/{slug}", data=bodies[slug][which], timeout=60,
                                          headers={"Content-Type": "application/trig", "Authorization": "Bearer tg_000000000000_x"})
                    note("publish-bad-token", answer.status_code, (401,))
                else:
                    attempts[slug].append(which)
                    answer = requests.put(f"{url}/graphs/{slug}", data=bodies[slug][which], timeout=60,
                                          headers={"Content-Type": "application/trig", "Authorization": f"Bearer {token}"})
                    note("publish", answer.status_code)
                    if answer.status_code in (200, 201):
                        acknowledged[slug] = which
            except requests.RequestException:
                note("publish", 0)
            n += 1
            stop.wait(1.0 / rate)

    def sampler() -> None:
        while not stop.is_set():
            pids = [master, *_children(master), engine]
            rss = fds = 0
            for pid in set(pids):
                found = _proc(pid)
                if found:
                    rss += found[0]
                    fds += found[1]
            samples.append((time.monotonic(), rss, fds))
            stop.wait(5.0 if seconds >= 120 else 1.0)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
    threads += [threading.Thread(target=publisher), threading.Thread(target=sampler)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    elapsed = time.monotonic() - started
    # Memory and files: the first and the last window (a minute each on long runs, a tenth of short ones),
    # skipping the first window's warm-up sample.
    # Short runs are mostly warm-up (caches, catalogue, engine buffers): their first window is the middle fifth.
    window = 60.0 if seconds >= 300 else max(2.0, seconds / 5)
    offset = window * 0.25 if seconds >= 300 else seconds * 0.4
    first = [s for s in samples if started + offset <= s[0] <= started + offset + window]
    last = [s for s in samples if s[0] >= started + elapsed - window]
    first = first or samples[:2]
    last = last or samples[-2:]
    rss_first = max(s[1] for s in first) / 1024
    rss_last = max(s[1] for s in last) / 1024
    fds_first = max(s[2] for s in first)
    fds_last = max(s[2] for s in last)
    # The dataset: each graph is its last acknowledged version (or a later, unanswered attempt).
    held_ok = {}
    for slug in SLUGS:
        answer = requests.get(f"{url}/graphs/{slug}", headers={"Accept": "application/n-triples"}, timeout=30)
        graph = Graph().parse(data=answer.text, format="nt11") if answer.status_code == 200 else Graph()
        now = strip_provenance(graph, f"{BASE}graph/{slug}", BASE)[0]
        candidates = {acknowledged[slug]} if slug in acknowledged else set()
        held_ok[slug] = any(same_data(now, _graph_of(bodies[slug][w])) for w in candidates)
    requests_total = sum(counts.values())
    result = {
        "seconds": round(elapsed, 1), "requests": requests_total, "rate_per_s": round(requests_total / elapsed, 1),
        "publishes_acknowledged": sum(v for k, v in counts.items() if k.startswith("publish ") and k.split()[1] in ("200", "201")),
        "intended_4xx": sum(v for k, v in counts.items() if k.startswith("publish-bad-token")),
        "errors": len(errors), "error_kinds": sorted(set(errors)),
        "rss_mb_first": round(rss_first, 1), "rss_mb_last": round(rss_last, 1),
        "open_files_first": fds_first, "open_files_last": fds_last,
        "dataset_matches_publishes": all(held_ok.values()), "counts": counts,
    }
    result["checks"] = {
        "no errors": not errors,
        "no memory growth": rss_last <= rss_first * 1.5 + 30,
        "no open-file growth": fds_last <= fds_first + 10,
        "dataset is the accepted publishes": result["dataset_matches_publishes"],
        "publishes happened": result["publishes_acknowledged"] >= 2,
    }
    return result


def main() -> int:
    """Run the soak from the command line; exit 1 when a check fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--rate", type=float, default=1.0, help="publishes per second")
    parser.add_argument("--readers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="towngown-soak-") as work:
        result = soak(args.seconds, args.rate, args.readers, Path(work))
    print(f"soak: {result['seconds']} s, {result['requests']} requests ({result['rate_per_s']}/s), "
          f"publishes acknowledged {result['publishes_acknowledged']}, intended 4xx {result['intended_4xx']}, "
          f"errors {result['errors']} {result['error_kinds']}")
    print(f"soak: RSS {result['rss_mb_first']} MB -> {result['rss_mb_last']} MB; open files "
          f"{result['open_files_first']} -> {result['open_files_last']}; dataset equals the accepted publishes: "
          f"{result['dataset_matches_publishes']}")
    for name, held in result["checks"].items():
        print(f"soak check {'ok  ' if held else 'FAIL'} {name}")
    print(json.dumps(result, sort_keys=True))
    return 0 if all(result["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
