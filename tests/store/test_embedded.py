"""The embedded engine: persisted under the data directory, shared by processes, loopback only."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from rdflib import Graph

from towngown.config import Settings
from towngown.store import SparqlStore, open_store


def test_embedded_store_persists_and_is_shared(tmp_path: Path) -> None:
    """open_store starts an engine under data_dir; a second open_store attaches to it; data survives a restart."""
    settings = Settings(data_dir=tmp_path)
    graph = Graph().parse(data="<http://example.org/a> <http://example.org/p> 1 .", format="turtle")
    first = open_store(settings)
    try:
        assert first.engine is not None
        assert first.query_url.startswith("http://127.0.0.1:")
        first.replace_graphs({"https://w3id.org/towngown/graph/x": graph})
        second = open_store(settings)
        assert second.engine is None, "the second store attaches instead of starting a second engine"
        assert second.graph_names() == ["https://w3id.org/towngown/graph/x"]
        second.close()
    finally:
        first.close()
    assert not (tmp_path / "engine.json").exists()
    again = open_store(settings)
    try:
        assert again.graph_names() == ["https://w3id.org/towngown/graph/x"]
    finally:
        again.close()


def test_engine_restarts_after_kill(engine) -> None:  # noqa: ANN001
    """If the embedded engine process is killed, the watcher restarts it and the store answers again."""
    store = SparqlStore(f"{engine.base_url}/query", f"{engine.base_url}/update")
    before = engine.restarts
    os.kill(engine.pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (engine.restarts > before and store.ping()):
        time.sleep(0.1)
    assert engine.restarts == before + 1
    assert store.ask("ASK {}") is True
    store.close()


def test_engine_out_of_threads_is_busy_not_a_failure(tmp_path: Path) -> None:
    """`oxigraph serve --timeout-s` answers 500 "os error 11" when it cannot start a query's timer thread
    (many queries a second); towngown reports that as StoreBusy (503, try again), not as a store failure."""
    import socket
    import subprocess
    import sys

    from towngown.errors import StoreBusy

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    binary = str(Path(sys.executable).parent / "oxigraph")
    # Each query's timer thread lives for the 60 s limit; an address-space limit a little over what the engine
    # needs at start lets it hold only some of them, as a busy engine runs out of threads.
    process = subprocess.Popen(  # noqa: S603
        ["prlimit", "--as=1400000000", binary, "serve", "--location", str(tmp_path / "db"),
         "--bind", f"127.0.0.1:{port}", "--timeout-s", "60"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        store = SparqlStore(f"http://127.0.0.1:{port}/query", timeout_s=10, dialect="oxigraph")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                store.ask("ASK {}")
                break
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.1)
        busy = None
        for _ in range(2000):
            try:
                store.ask("ASK {}")
            except StoreBusy as exc:
                busy = exc
                break
        assert busy is not None, "the engine never ran out of timer threads"
        assert busy.status == 503
        store.close()
    finally:
        process.kill()
        process.wait()
