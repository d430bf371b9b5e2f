"""`towngown serve --workers N`: gunicorn workers over one embedded engine, started and stopped cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from towngown.config import Settings
from towngown.publish import collect, write_graphs
from towngown.resources import data_dir, ontology_dir
from towngown.store import open_store

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by its parent) counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_serve_runs_n_workers_over_one_engine_and_stops_cleanly(tmp_path: Path) -> None:
    """`towngown serve --workers 2` answers /healthz and queries from two worker processes over one embedded
    engine; SIGTERM stops the workers, the engine and its engine.json (no orphan process)."""
    settings = Settings(data_dir=tmp_path)
    store = open_store(settings)
    dataset, _ = collect([ontology_dir(), data_dir() / "gjovik-ntnu.trig"])
    write_graphs(store, {str(g.identifier): g for g in dataset.graphs() if len(g)})
    store.close()

    port = _free_port()
    env = {**os.environ, "TOWNGOWN_DATA_DIR": str(tmp_path), "TOWNGOWN_PORT": str(port)}
    server = subprocess.Popen(  # noqa: S603 - our own command
        [str(Path(sys.executable).parent / "towngown"), "serve", "--workers", "2", "--threads", "1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still starting up
                time.sleep(0.2)
        state = json.loads((tmp_path / "engine.json").read_text())
        query = "PREFIX tg: <https://w3id.org/towngown/ontology#> ASK { ?p a tg:UniversityMunicipalityPartnership }"

        def ask(i: int) -> tuple[str, bool, str]:
            path = "/healthz" if i % 2 else "/sparql"
            response = requests.get(
                base + path, params={"query": query} if path == "/sparql" else None,
                headers={"Accept": "application/sparql-results+json", "Connection": "close"}, timeout=30,
            )
            ok = response.status_code == 200 and (response.json().get("boolean") is True if path == "/sparql" else True)
            return response.headers["X-Towngown-Worker"], ok, path

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(ask, range(200)))
        assert all(ok for _, ok, _ in answers), [a for a in answers if not a[1]][:3]
        workers = {pid for pid, _, _ in answers}
        assert len(workers) == 2, workers
        assert {pid for pid, _, path in answers if path == "/sparql"} == workers, "both workers answered a query"
        assert int(state["pid"]) not in {int(pid) for pid in workers}
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode("utf-8", "replace")
    assert server.returncode == 0, output
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in (int(state["pid"]), *map(int, workers))):
        time.sleep(0.1)
    assert not _alive(int(state["pid"])), "the engine stopped with the server"
    assert not any(_alive(int(pid)) for pid in workers), "the workers stopped"
    assert not (tmp_path / "engine.json").exists()
