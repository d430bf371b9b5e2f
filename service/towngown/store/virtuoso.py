"""Runs an OpenLink Virtuoso 7 server (Debian ``virtuoso-opensource``) on loopback, for tests and benchmarks.

towngown does not need Virtuoso; an operator points TOWNGOWN_SPARQL_URL at theirs. This runner proves that
towngown works over it: a fresh database in a directory of its own, a minimal ``virtuoso.ini`` with free
loopback ports (SQL and HTTP), a known ``dba`` password, and the settings that point towngown at it.
"""

from __future__ import annotations

import ctypes
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..errors import ConfigError, StoreUnavailable
from .dialects import VIRTUOSO_SYSTEM_GRAPHS
from .engine import stop_process

__all__ = ["VirtuosoEngine", "find_virtuoso", "PRIVATE_SYSTEM_GRAPHS_SQL"]

logger = logging.getLogger(__name__)

_INI = """\
; written by towngown.store.virtuoso: a throwaway database on loopback
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort           = 127.0.0.1:{sql_port}
DisableUnixSocket    = 1
DisableTcpSocket     = 0
CheckpointInterval   = 0
CaseMode             = 2
DirsAllowed          = {dir}
NumberOfBuffers      = {buffers}
MaxDirtyBuffers      = {dirty_buffers}
ThreadsPerQuery      = 2
MaxClientConnections = 20
AsyncQueueMaxThreads = 10

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {dir}/vsp
ServerThreads        = 10
MaxClientConnections = 20
MaxKeepAlives        = 20
KeepAliveTimeout     = 10
Charset              = UTF-8
EnabledGzipContent   = 0

[SPARQL]
ResultSetMaxRows           = {max_rows}
MaxQueryExecutionTime      = {max_seconds}
MaxQueryCostEstimationTime = 0
"""


#: Graph-level security that keeps Virtuoso's own graphs out of what the anonymous /sparql endpoint sees
#: (its union default graph, GRAPH ?g), while every graph written later stays readable by everyone.
PRIVATE_SYSTEM_GRAPHS_SQL = (
    "DB.DBA.RDF_GRAPH_GROUP_CREATE ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 1); "
    + "".join(
        f"DB.DBA.RDF_GRAPH_GROUP_INS ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', '{iri}'); "
        for iri in VIRTUOSO_SYSTEM_GRAPHS
    )
    + "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);"
)


def find_virtuoso() -> tuple[str, str]:
    """The ``virtuoso-t`` server and ``isql-vt`` client binaries (Debian names first)."""
    server = shutil.which("virtuoso-t") or shutil.which("virtuoso")
    client = shutil.which("isql-vt") or shutil.which("isql")
    if not server or not client:
        raise ConfigError("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")
    return server, client


def _die_with_parent() -> None:
    """In the child: ask Linux to stop this server when the process that started it dies (no orphans)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class VirtuosoEngine:
    """One ``virtuoso-t`` process with a fresh database under ``directory``, on loopback only."""

    user = "dba"

    def __init__(
        self,
        directory: Path,
        *,
        timeout_s: float = 10.0,
        max_rows: int = 1_000_000,
        buffers: int = 20_000,
    ) -> None:
        self.directory = Path(directory)
        self.server_bin, self.isql_bin = find_virtuoso()
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.buffers = buffers
        self.password = secrets.token_hex(12)
        self.sql_port = 0
        self.http_port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._log = None

    # -- addresses ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """Queries: the anonymous, read-only endpoint."""
        return f"{self.base_url}/sparql"

    @property
    def update_url(self) -> str:
        """Updates: Virtuoso takes them only here, with digest authentication."""
        return f"{self.base_url}/sparql-auth"

    @property
    def graph_store_url(self) -> str:
        """The Graph Store Protocol, also only with digest authentication."""
        return f"{self.base_url}/sparql-graph-crud-auth"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def ini_path(self) -> Path:
        return self.directory / "virtuoso.ini"

    def settings(self) -> dict[str, object]:
        """The towngown settings (Settings field names) that point at this server."""
        return {
            "sparql_url": self.sparql_url,
            "update_url": self.update_url,
            "graph_store_url": self.graph_store_url,
            "store_user": self.user,
            "store_password": self.password,
            "store_auth": "digest",
            "store_engine": "virtuoso",
            "query_timeout_s": self.timeout_s,
        }

    # -- life cycle --------------------------------------------------------------------------
    def start(self, timeout: float = 60.0) -> "VirtuosoEngine":
        """Create the database, start the server, set the dba password; return when it answers SPARQL."""
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "vsp").mkdir(exist_ok=True)
        for attempt in range(3):
            self.sql_port, self.http_port = _free_port(), _free_port()
            self._write_ini()
            self._log = open(self.directory / "server.out", "ab")  # noqa: SIM115 - kept for the process
            self._process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                [self.server_bin, "+foreground", "+configfile", str(self.ini_path)],
                cwd=self.directory,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - a test and benchmark runner, started from one thread
            )
            try:
                self._wait_until_ready(timeout)
                break
            except StoreUnavailable:
                if self._process.poll() is None:
                    self.stop()
                    raise
                # A port taken between picking and binding it: try others with a fresh database.
                logger.warning("virtuoso exited at start (code %s); retrying", self._process.returncode)
                self._log.close()
                for leftover in self.directory.glob("virtuoso*"):
                    if leftover.suffix != ".ini":
                        leftover.unlink()
        else:
            raise StoreUnavailable(f"virtuoso could not be started; see {self.directory / 'virtuoso.log'}")
        self._isql(f"USER_SET_PASSWORD('{self.user}', '{self.password}');", password="dba")
        self._isql(PRIVATE_SYSTEM_GRAPHS_SQL)
        logger.info("virtuoso pid %s: SPARQL at %s, SQL at 127.0.0.1:%s", self.pid, self.sparql_url, self.sql_port)
        return self

    def stop(self) -> None:
        """Stop the server (it may take a moment to close its files) and wait for it."""
        process, self._process = self._process, None
        stop_process(process, timeout_s=15)
        if self._log:
            self._log.close()
            self._log = None

    def alive(self) -> bool:
        """True while the server process runs."""
        return bool(self._process and self._process.poll() is None)

    def set_ini(self, section: str, key: str, value: object) -> None:
        """Change one setting in virtuoso.ini; [SPARQL] settings apply to the next request, no restart."""
        lines = self.ini_path.read_text().splitlines()
        current = None
        for i, line in enumerate(lines):
            stripped = line.strip()
            if stripped.startswith("[") and stripped.endswith("]"):
                current = stripped[1:-1]
            elif current == section and stripped.split("=")[0].strip() == key:
                lines[i] = f"{key} = {value}"
                break
        else:
            raise ValueError(f"no {key} in [{section}] of {self.ini_path}")
        self.ini_path.write_text("\n".join(lines) + "\n")

    def __enter__(self) -> "VirtuosoEngine":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- internals ---------------------------------------------------------------------------
    def _write_ini(self) -> None:
        self.ini_path.write_text(
            _INI.format(
                dir=self.directory.resolve(),
                sql_port=self.sql_port,
                http_port=self.http_port,
                buffers=self.buffers,
                dirty_buffers=self.buffers * 3 // 4,
                max_rows=self.max_rows,
                max_seconds=max(1, int(self.timeout_s * 2)),
            )
        )

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        url = self.sparql_url + "?query=ASK%7B%7D"
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise StoreUnavailable("virtuoso exited during start-up")
            try:
                request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
                with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - loopback only
                    if response.status == 200 and self._sql_online():
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise StoreUnavailable(f"virtuoso did not answer within {timeout:.0f} s")

    def _sql_online(self) -> bool:
        try:
            return "Server online at" in (self.directory / "virtuoso.log").read_text(errors="replace")
        except OSError:
            return False

    def _isql(self, statement: str, *, password: str | None = None) -> str:
        """Run one SQL statement as dba through isql (a few tries: the SQL port may lag behind HTTP)."""
        env = {**os.environ, "HOME": str(self.directory)}
        last = ""
        for _ in range(50):
            done = subprocess.run(  # noqa: S603 - fixed argv, no shell
                [self.isql_bin, f"127.0.0.1:{self.sql_port}", self.user, password or self.password, f"exec={statement}"],
                capture_output=True,
                text=True,
                timeout=30,
                env=env,
                cwd=self.directory,
            )
            last = done.stdout + done.stderr
            if done.returncode == 0 and "*** Error" not in last:
                return last
            time.sleep(0.1)
        raise StoreUnavailable(f"virtuoso did not run {statement.split('(')[0]}: {last.strip()[:300]}")
