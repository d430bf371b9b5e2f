"""open_store: the one place that decides which SPARQL server towngown talks to."""

from __future__ import annotations

import logging

from ..config import Settings
from .client import SparqlStore
from .dialects import OxigraphDialect
from .engine import OxigraphEngine, read_engine_state

__all__ = ["open_store"]

logger = logging.getLogger(__name__)


def open_store(settings: Settings) -> SparqlStore:
    """A store for the settings: the external server if one is configured, else the embedded engine.

    The embedded engine is shared: if one already runs for the same data directory (``towngown serve``
    in another terminal), this store attaches to it; otherwise it starts one and owns it
    (``store.engine``), and ``close_store`` stops it.
    """
    if settings.sparql_url:
        auth = (settings.store_user, settings.store_password) if settings.store_user else None
        return SparqlStore(
            settings.sparql_url,
            settings.update_url or settings.sparql_url,
            settings.graph_store_url or None,
            auth=auth,
            auth_scheme=settings.store_auth,
            dialect=settings.store_engine,
            hidden_graphs=settings.store_hidden_graphs,
            **_limits(settings),
        )
    data_dir = settings.data_dir.resolve()
    running = read_engine_state(data_dir)
    if running:
        logger.info("attaching to the embedded engine already running at %s", running["base_url"])
        base = running["base_url"]
        return SparqlStore(
            f"{base}/query", f"{base}/update", f"{base}/store", dialect=OxigraphDialect(), **_limits(settings)
        )
    engine = OxigraphEngine(
        data_dir / "oxigraph",
        binary=settings.oxigraph_bin,
        timeout_s=settings.query_timeout_s,
        state_dir=data_dir,
    ).start()
    base = engine.base_url
    return SparqlStore(
        f"{base}/query", f"{base}/update", f"{base}/store", engine=engine, dialect=OxigraphDialect(), **_limits(settings)
    )


def _limits(settings: Settings) -> dict[str, float | int]:
    return {
        "timeout_s": settings.query_timeout_s,
        "max_concurrent_queries": settings.max_concurrent_queries,
        "max_result_bytes": settings.max_result_bytes,
    }
