"""Runs and watches the embedded engine: a local ``oxigraph serve`` on a free loopback port."""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..errors import ConfigError, StoreUnavailable

__all__ = ["OxigraphEngine", "find_oxigraph", "read_engine_state", "stop_process"]

logger = logging.getLogger(__name__)

_STATE_FILE = "engine.json"


def find_oxigraph(configured: str = "") -> str:
    """The `oxigraph` binary: the configured path, the one beside this Python, or the one on PATH."""
    if configured:
        if not Path(configured).is_file():
            raise ConfigError(f"oxigraph binary not found at {configured}")
        return configured
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise ConfigError("the `oxigraph` server binary is not installed (pip install oxigraph)")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(base_url: str, timeout: float = 1.0) -> bool:
    url = base_url + "/query?query=ASK%7B%7D"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def read_engine_state(data_dir: Path) -> dict | None:
    """The running engine recorded for ``data_dir`` if it still answers, else None."""
    path = data_dir / _STATE_FILE
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    try:
        os.kill(int(state["pid"]), 0)
    except (OSError, KeyError, ValueError):
        return None
    base_url = f"http://127.0.0.1:{int(state['port'])}"
    return state | {"base_url": base_url} if _answers(base_url) else None


def stop_process(process: subprocess.Popen | None, *, timeout_s: float) -> None:
    """SIGTERM a server process and wait for it; SIGKILL it if it has not exited within ``timeout_s``."""
    if process and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class OxigraphEngine:
    """One `oxigraph serve` process on loopback, restarted by a watcher thread if it dies."""

    def __init__(
        self,
        location: Path | None,
        *,
        binary: str = "",
        timeout_s: float = 10.0,
        port: int | None = None,
        state_dir: Path | None = None,
    ) -> None:
        self.location = location
        self.binary = find_oxigraph(binary)
        self.timeout_s = timeout_s
        self.port = port or _free_port()
        self.state_dir = state_dir
        self.restarts = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None
        self._log = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> "OxigraphEngine":
        """Start the server and its watcher; return when it answers queries."""
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="oxigraph-watcher", daemon=True)
        self._watcher.start()
        return self

    def stop(self) -> None:
        """Stop the watcher and the server."""
        self._stopping.set()
        with self._lock:
            process, self._process = self._process, None
        stop_process(process, timeout_s=10)
        if self._log:
            self._log.close()
            self._log = None
        if self.state_dir:
            (self.state_dir / _STATE_FILE).unlink(missing_ok=True)

    def kill(self) -> None:
        """Kill the server process at once; the watcher starts it again."""
        process = self._process
        if process and process.poll() is None:
            process.kill()

    def alive(self) -> bool:
        """True while the server process runs."""
        return bool(self._process and self._process.poll() is None)

    def wait_until_ready(self, timeout: float = 30.0) -> None:
        """Block until the server answers, or raise StoreUnavailable."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _answers(self.base_url):
                return
            if self._process and self._process.poll() is not None and not self._stopping.is_set():
                time.sleep(0.1)
            time.sleep(0.05)
        raise StoreUnavailable(f"the embedded engine did not answer within {timeout:.0f} s")

    def __enter__(self) -> "OxigraphEngine":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- internals ------------------------------------------------------------------------
    def _command(self) -> list[str]:
        command = [self.binary, "serve", "--bind", f"127.0.0.1:{self.port}", "--union-default-graph"]
        if self.location is not None:
            command += ["--location", str(self.location)]
        if self.timeout_s:
            command += ["--timeout-s", str(max(1, math.ceil(self.timeout_s)))]
        return command

    def _spawn(self) -> None:
        if self.location is not None:
            self.location.mkdir(parents=True, exist_ok=True)
        if self.state_dir is not None:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            if self._log is None:
                self._log = open(self.state_dir / "oxigraph.log", "ab")  # noqa: SIM115 - kept for the process
        output = self._log if self._log is not None else subprocess.DEVNULL
        for attempt in range(3):
            with self._lock:
                self._process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                    self._command(), stdout=output, stderr=output, stdin=subprocess.DEVNULL
                )
            try:
                self.wait_until_ready(timeout=30.0)
                break
            except StoreUnavailable:
                if self._process.poll() is None:
                    raise
                # The port may have been taken between picking and binding it: try another.
                logger.warning("embedded engine exited at start (code %s); retrying", self._process.returncode)
                self.port = _free_port()
        else:
            raise StoreUnavailable("the embedded engine could not be started; see oxigraph.log")
        if self.state_dir is not None:
            state = {"pid": self._process.pid, "port": self.port, "location": str(self.location)}
            tmp = self.state_dir / (_STATE_FILE + ".tmp")
            tmp.write_text(json.dumps(state))
            tmp.replace(self.state_dir / _STATE_FILE)
        logger.info("embedded engine pid %s listening on %s", self._process.pid, self.base_url)

    def _watch(self) -> None:
        while not self._stopping.wait(0.2):
            process = self._process
            if process is None or process.poll() is None:
                continue
            if self._stopping.is_set():
                return
            logger.error("embedded engine exited with code %s; restarting", process.returncode)
            try:
                self._spawn()
                self.restarts += 1
            except Exception:  # noqa: BLE001 - the watcher must survive to try again
                logger.exception("restarting the embedded engine failed")
                time.sleep(1.0)
