"""Settings: read once from the environment (prefix TOWNGOWN_) and passed in from there on."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import ConfigError

__all__ = ["Settings", "DEFAULT_BASE_IRI"]

DEFAULT_BASE_IRI = "https://w3id.org/towngown/"


@dataclass(frozen=True)
class Settings:
    """Every knob of towngown; build it once with ``Settings.from_env()``."""

    base_iri: str = DEFAULT_BASE_IRI
    #: Where the embedded engine keeps its data; ignored when ``sparql_url`` is set.
    data_dir: Path = Path("var")
    #: An external SPARQL 1.1 server; empty means the embedded Oxigraph server.
    sparql_url: str = ""
    update_url: str = ""
    graph_store_url: str = ""
    store_user: str = ""
    store_password: str = ""
    #: Path of the `oxigraph` binary; empty means the one next to the Python interpreter, then PATH.
    oxigraph_bin: str = ""
    query_timeout_s: float = 10.0
    max_concurrent_queries: int = 4
    max_result_bytes: int = 50 * 1024 * 1024
    max_query_chars: int = 100_000
    max_query_depth: int = 64
    #: Largest request body accepted (validation, publishing), in bytes.
    max_request_bytes: int = 5 * 1024 * 1024
    host: str = "127.0.0.1"
    port: int = 8080
    language: str = "nb"
    cors: bool = True
    #: SERVICE endpoints a query may name (comma-separated in the environment); empty: SERVICE is refused.
    service_allow_list: tuple[str, ...] = field(default_factory=tuple)
    #: The public address of this site, if it differs from the base IRI (used in VoID and the service description).
    public_url: str = ""
    # -- web view: comparison, documentation, query editor (issue 4) --
    #: Folder of YASGUI's build for the editor at /sparql; empty: node_modules/@zazuko/yasgui/build of the checkout
    #: (installed by `make setup`, i.e. `npm ci`). Without it the app runs and /sparql says how to build it.
    yasgui_dir: str = ""
    # -- publishing and harvesting (issue 5): add settings below this line --
    #: Lifetime of a new publishing token in days, unless `token create --expires-days` says otherwise (0: never).
    token_expires_days: int = 365
    #: How long a publish waits for another publish of the same graph to finish before it gives up (503).
    publish_lock_timeout_s: float = 30.0
    #: Time limit of fetching one harvest source (connect, read and the whole transfer), in seconds.
    harvest_timeout_s: float = 30.0
    #: Largest harvest source accepted, in bytes; a larger one is refused, never truncated.
    harvest_max_bytes: int = 5 * 1024 * 1024
    # -- scale-out and caching (issue 6): add settings below this line --
    #: Which engine the external server is, for its deviations from the standard: auto (from its Server
    #: header), standard, oxigraph or virtuoso.
    store_engine: str = "auto"
    #: How the store credentials are sent: basic or digest (Virtuoso's /sparql-auth wants digest).
    store_auth: str = "basic"
    #: Extra graphs of an external server to keep out of every query (comma-separated), besides the engine's
    #: own system graphs towngown already knows.
    store_hidden_graphs: tuple[str, ...] = field(default_factory=tuple)
    #: Web worker processes of `towngown serve` (gunicorn), and threads per worker.
    workers: int = 1
    threads: int = 4
    #: HTTP caching: ETag and Cache-Control on GET/HEAD 200 responses, 304 to If-None-Match (off: no-store).
    http_cache: bool = True
    #: max-age of cacheable responses, in seconds.
    cache_max_age_s: int = 60
    #: How long a worker reuses the dataset version it read (one cheap query per this many seconds at most).
    cache_version_ttl_s: float = 1.0
    #: Size of each worker's in-memory cache of whole responses, in MB (0: off); bounded, whatever the data size.
    response_cache_mb: int = 32
    # -- security limits (issue 7): add settings below this line --
    #: Failed authentications (publishing tokens) allowed per client address per minute; then 429 (0: no limit).
    auth_failures_per_minute: int = 10
    #: Public /sparql queries one client address may run at once (more: 503 at once).
    max_queries_per_client: int = 2
    #: Public /sparql queries running at once over all clients (0: half of max_concurrent_queries, so pages keep
    #: store slots and CPU under a flood of expensive queries).
    max_public_queries: int = 0

    @classmethod
    def from_env(cls, prefix: str = "TOWNGOWN_", environ: Mapping[str, str] | None = None) -> "Settings":
        """Build settings from ``{prefix}NAME`` variables; unknown or malformed values are a ConfigError."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(prefix + f.name.upper())
            if raw is None:
                continue
            values[f.name] = _coerce(f.name, f.type, raw)
        settings = cls(**values)  # type: ignore[arg-type]
        if not settings.base_iri.endswith("/"):
            raise ConfigError(f"{prefix}BASE_IRI must end with '/': {settings.base_iri!r}")
        return settings

    def with_(self, **changes: object) -> "Settings":
        """A copy with some settings changed (tests, CLI flags)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _coerce(name: str, type_: object, raw: str) -> object:
    type_name = type_ if isinstance(type_, str) else getattr(type_, "__name__", str(type_))
    try:
        if type_name == "bool":
            lowered = raw.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(raw)
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
        if type_name == "Path":
            return Path(raw)
        if type_name.startswith("tuple"):
            return tuple(p.strip() for p in raw.split(",") if p.strip())
        return raw
    except ValueError:
        raise ConfigError(f"setting {name}: cannot read {raw!r} as {type_name}") from None
