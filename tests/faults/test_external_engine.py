"""An external SPARQL server that is unreachable, slow, or answers garbage: every route answers a clear 502, 503 or
504 problem within the time limit and its grace, never hangs and never a 500."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from werkzeug.serving import make_server

from towngown.config import Settings
from towngown.tokens import create_token
from towngown.web import create_app

LIMIT_S = 1.0
ROUTES = ["/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", "/healthz", "/id/partnership/oppdal-ntnu",
          "/queries/organisations.json", "/graphs/oppdal-ntnu", "/partnerships", "/void", "/"]


class _Slow(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        time.sleep(4)  # past the limit plus grace (3 s)
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


class _Garbage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = b"<html><body><h1>Welcome to nginx!</h1>{\"head\": </body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def log_message(self, *args: object) -> None:
        pass


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again on leaving: nothing listens


@pytest.mark.parametrize("kind", ["unreachable", "slow", "garbage"])
def test_broken_external_engine_gives_clear_errors_never_a_hang_or_500(kind: str, tmp_path) -> None:  # noqa: ANN001
    """Reads, /healthz and an authorised PUT all answer 502/503/504 as problem documents (or a page) within the
    time limit plus grace, for an external server that is down, sleeps past the limit, or sends HTML."""
    backend = None
    if kind == "unreachable":
        url = f"http://127.0.0.1:{_closed_port()}/sparql"
    else:
        backend = ThreadingHTTPServer(("127.0.0.1", 0), _Slow if kind == "slow" else _Garbage)
        backend.daemon_threads = True
        threading.Thread(target=backend.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{backend.server_port}/sparql"
    settings = Settings(sparql_url=url, data_dir=tmp_path / "var", query_timeout_s=LIMIT_S, response_cache_mb=0)
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_port}"
    token, _ = create_token(settings, "Test", ["oppdal-ntnu"])
    try:
        results = {}
        for route in ROUTES if kind != "slow" else ROUTES[:3]:  # each slow store call costs its full limit
            started = time.monotonic()
            answer = requests.get(site + route, headers={"Accept": "*/*"}, timeout=60)
            results[route] = (answer.status_code, time.monotonic() - started, answer)
        started = time.monotonic()
        from pathlib import Path

        body = (Path(__file__).resolve().parents[2] / "data" / "partnerships" / "oppdal-ntnu.trig").read_bytes()
        answer = requests.put(f"{site}/graphs/oppdal-ntnu", data=body, timeout=60,
                              headers={"Content-Type": "application/trig", "Authorization": f"Bearer {token}"})
        results["PUT /graphs/oppdal-ntnu"] = (answer.status_code, time.monotonic() - started, answer)
        slowest = max(took for _, took, _ in results.values())
        print(f"\nexternal engine {kind}: " + ", ".join(f"{r.split('?')[0]} {s}" for r, (s, _, _) in results.items())
              + f"; slowest answer {slowest:.1f} s")
        for route, (status, took, answer) in results.items():
            assert status in (502, 503, 504), (route, status, answer.text[:300])
            assert answer.headers["Content-Type"].startswith(
                "application/json" if route == "/healthz" else "application/problem+json"), route
            assert took < 10.0, (route, took)  # bounded: each store call gives up at its limit plus grace
    finally:
        server.shutdown()
        if backend is not None:
            backend.shutdown()
