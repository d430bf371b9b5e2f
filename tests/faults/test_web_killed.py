"""The web process (`towngown serve`) killed (kill -9) in the middle of publishes, once leaving its engine running
and once with the engine: `towngown serve` on the same data directory attaches to or restarts the engine, every
graph is its old or new version, whole, and no acknowledged publish is lost."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from towngown.config import Settings
from towngown.submission import same_data
from towngown.tokens import create_token

TOWNGOWN = str(Path(sys.executable).parent / "towngown")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "TOWNGOWN_DATA_DIR": str(data_dir), "TOWNGOWN_PORT": str(port),
           "TOWNGOWN_RESPONSE_CACHE_MB": "0", "TOWNGOWN_QUERY_TIMEOUT_S": "5"}
    process = subprocess.Popen(  # noqa: S603 - our own command
        [TOWNGOWN, "serve", "--workers", "1", "--threads", "4"], env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.1)
    process.kill()
    raise AssertionError("towngown serve did not come up")


def _engine_pid(data_dir: Path) -> int | None:
    try:
        return int(json.loads((data_dir / "engine.json").read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return None


def _kill(pid: int | None) -> None:
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _held(url: str, slug: str, kit) -> object:  # noqa: ANN001
    from rdflib import Graph

    from towngown.submission import strip_provenance

    answer = requests.get(f"{url}/graphs/{slug}", headers={"Accept": "application/n-triples"}, timeout=30)
    assert answer.status_code == 200, answer.text[:200]
    graph = Graph().parse(data=answer.text, format="nt11")
    iri = f"https://w3id.org/towngown/graph/{slug}"
    return strip_provenance(graph, iri, "https://w3id.org/towngown/")[0]


def test_web_process_killed_during_publishes_loses_nothing(tmp_path, kit) -> None:  # noqa: ANN001
    """Publishes stream in from two threads; the serve process is killed twice (first alone, then with its
    engine) and started again on the same data directory; each graph is then its last acknowledged version or
    a later attempt, whole."""
    data_dir = tmp_path / "var"
    token, _ = create_token(Settings(data_dir=data_dir), "Test", list(kit.SLUGS))
    bodies = {slug: kit.versions_of(slug) for slug in kit.SLUGS}
    log: dict[str, list[tuple[int, int]]] = {slug: [] for slug in kit.SLUGS}
    current = {"url": ""}
    stop = threading.Event()
    processes: list[subprocess.Popen] = []
    engines: set[int] = set()

    def publisher(slug: str) -> None:
        n = 0
        while not stop.is_set():
            try:
                status = kit.put(current["url"], slug, bodies[slug][n % 2], token).status_code
            except requests.RequestException:
                status = 0  # the connection broke: not acknowledged
            log[slug].append((n % 2, status))
            n += 1
            time.sleep(0.02)

    try:
        process, current["url"] = _serve(data_dir)
        processes.append(process)
        engines.add(_engine_pid(data_dir) or 0)
        threads = [threading.Thread(target=publisher, args=(slug,)) for slug in kit.SLUGS]
        for thread in threads:
            thread.start()
        for round_ in ("web only", "web and engine"):
            time.sleep(2.0)
            _kill(process.pid)
            if round_ == "web and engine":
                _kill(_engine_pid(data_dir))
            process.wait(timeout=10)
            process, current["url"] = _serve(data_dir)
            processes.append(process)
            engines.add(_engine_pid(data_dir) or 0)
        time.sleep(2.0)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        acknowledged = sum(1 for slug in kit.SLUGS for _, s in log[slug] if s in (200, 201))
        statuses = {s for slug in kit.SLUGS for _, s in log[slug]}
        lost = 0
        for slug in kit.SLUGS:
            entries = log[slug]
            last_ok = max(i for i, (_, s) in enumerate(entries) if s in (200, 201))
            candidates = {entries[last_ok][0]} | {w for w, _ in entries[last_ok + 1:]}
            now = _held(current["url"], slug, kit)
            lost += 0 if any(same_data(now, kit.submitted(bodies[slug][w])) for w in candidates) else 1
        print(f"\nweb process killed twice; publishes acknowledged/lost: {acknowledged}/{lost}; engines seen: "
              f"{len(engines)}; answers: {sorted(statuses)}")
        assert lost == 0
        assert acknowledged >= 4
        assert statuses <= {0, 200, 201, 503}, statuses
        assert len(engines) == 2  # attached to the surviving engine once, started a new one once
    finally:
        stop.set()
        for process in processes[:-1]:
            _kill(process.pid)
        if processes and processes[-1].poll() is None:
            processes[-1].terminate()  # the last one stops cleanly, with its workers
            processes[-1].wait(timeout=30)
        for pid in engines | {_engine_pid(data_dir) or 0}:
            _kill(pid)
