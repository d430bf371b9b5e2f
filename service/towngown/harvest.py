"""Harvesting: each partnership may publish its own file (Turtle, TriG, JSON-LD, ...) or SPARQL endpoint; an
administrator registers it once, and ``harvest`` fetches it, validates it and publishes it as a new version when
it is valid and changed. A source that fails (unreachable, too slow, too large, bad syntax, violations) keeps
the last good version; the failure and since when it lasts are kept in ``<data dir>/harvest/state.json``.

Only registered URLs are fetched (redirects are refused, see store.remote), and a source may only fill the graph
of the partnership it is registered for.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from .config import Settings
from .datadir import check_slug, file_lock, harvest_dir, lock_path, read_json, write_json
from .errors import InputError, NotFound, TowngownError, UnsupportedMediaType, ValidationFailed
from .publish import publish_graph
from .sparql import inspect_query
from .store.remote import Fetched, check_http_url, fetch_construct, fetch_file
from .submission import MEDIA_TYPES, graph_iri, media_type_for_suffix, parse_rdf

__all__ = [
    "Source", "SourceState", "HarvestOutcome", "add_source", "list_sources", "remove_source", "source_states",
    "harvest", "harvest_one",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    """A registered source: the partnership it fills, its URL, and a CONSTRUCT query when the URL is an endpoint."""

    slug: str
    url: str
    query: str | None
    publisher: str
    added: str

    @property
    def kind(self) -> str:
        """``sparql`` for an endpoint with a CONSTRUCT query, else ``file``."""
        return "sparql" if self.query else "file"


@dataclass(frozen=True)
class SourceState:
    """The last harvest of a source: when, what came of it, the version it gave, and since when it fails."""

    slug: str
    url: str
    last_attempt: str
    outcome: str  # "published", "unchanged" or "failed"
    version: int | None = None
    last_success: str | None = None
    failing_since: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class HarvestOutcome:
    """What harvesting one source did, in one line for people."""

    slug: str
    url: str
    outcome: str
    version: int | None
    message: str
    failing_since: str | None = None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _sources_path(settings: Settings):  # noqa: ANN202
    return harvest_dir(settings) / "sources.json"


def _state_path(settings: Settings):  # noqa: ANN202
    return harvest_dir(settings) / "state.json"


def _lock(settings: Settings):  # noqa: ANN202
    return file_lock(lock_path(settings, "harvest"), settings.publish_lock_timeout_s, what="the harvest registry")


def _read_sources(settings: Settings) -> dict[str, dict]:
    data = read_json(_sources_path(settings), {"sources": {}})
    return dict(data.get("sources", {})) if isinstance(data, dict) else {}


def add_source(
    settings: Settings, slug: str, url: str, *, query: str | None = None, publisher: str | None = None,
) -> Source:
    """Register (or replace) the source of graph/<slug>: a file URL, or a SPARQL endpoint with a CONSTRUCT query."""
    check_slug(slug)
    url = check_http_url(url)
    if query is not None:
        info = inspect_query(query)
        if info.form != "ConstructQuery":
            raise InputError(f"a harvest query must be a CONSTRUCT query, not a {info.form}")
        if info.services:
            raise InputError("a harvest query may not use SERVICE")
    name = " ".join((publisher or "").split()) or (urlsplit(url).hostname or url)
    source = Source(slug=slug, url=url, query=query, publisher=name, added=_now())
    with _lock(settings):
        sources = _read_sources(settings)
        sources[slug] = asdict(source)
        write_json(_sources_path(settings), {"format": 1, "sources": sources})
    logger.info("registered %s source %s for graph/%s", source.kind, url, slug)
    return source


def list_sources(settings: Settings) -> list[Source]:
    """Every registered source, by slug."""
    return [Source(**record) for _, record in sorted(_read_sources(settings).items())]


def remove_source(settings: Settings, slug: str) -> Source:
    """Unregister the source of graph/<slug> (the graph itself stays); NotFound if none is registered."""
    check_slug(slug)
    with _lock(settings):
        sources = _read_sources(settings)
        record = sources.pop(slug, None)
        if record is None:
            raise NotFound(f"no source is registered for {slug}")
        write_json(_sources_path(settings), {"format": 1, "sources": sources})
        states = read_json(_state_path(settings), {})
        if isinstance(states, dict) and states.pop(slug, None) is not None:
            write_json(_state_path(settings), states)
    return Source(**record)


def source_states(settings: Settings) -> dict[str, SourceState]:
    """The last harvest of every source that has been harvested, by slug."""
    data = read_json(_state_path(settings), {})
    return {slug: SourceState(**record) for slug, record in (data.items() if isinstance(data, dict) else [])}


def _media_type(fetched: Fetched, url: str) -> str:
    """The syntax of what a source sent: its Content-Type if that is RDF, else the suffix of the URL's path."""
    if fetched.content_type in MEDIA_TYPES:
        return fetched.content_type
    path = urlsplit(url).path
    suffix = path[path.rfind("."):] if "." in path.rsplit("/", 1)[-1] else ""
    guessed = media_type_for_suffix(suffix) if suffix else None
    if guessed is None:
        raise UnsupportedMediaType(
            f"{url} sent {fetched.content_type or 'no Content-Type'} and its name has no RDF suffix; "
            "serve it as text/turtle, application/trig or application/ld+json", url=url,
        )
    return guessed


def _describe(exc: TowngownError) -> str:
    """A failure in one line, with the first violations when validation failed."""
    if isinstance(exc, ValidationFailed):
        results = getattr(exc.report, "violations", ())
        shown = "; ".join(f"{r.focus_node}: {r.message('en')}" for r in results[:3])
        more = f" (and {len(results) - 3} more)" if len(results) > 3 else ""
        return f"{exc.message}: {shown}{more}" if shown else exc.message
    return f"{exc.title}: {exc.message}"


def harvest_one(store, settings: Settings, source: Source) -> HarvestOutcome:  # noqa: ANN001
    """Fetch one source, validate it, and publish it as a new version when it is valid and changed."""
    started = time.monotonic()
    attempt = _now()
    try:
        if source.query:
            fetched = fetch_construct(
                source.url, source.query, timeout_s=settings.harvest_timeout_s, max_bytes=settings.harvest_max_bytes,
            )
        else:
            fetched = fetch_file(source.url, timeout_s=settings.harvest_timeout_s, max_bytes=settings.harvest_max_bytes)
        media_type = _media_type(fetched, source.url)
        data = parse_rdf(fetched.body, media_type, base=graph_iri(settings, source.slug), source=source.url)
        result = publish_graph(
            store, settings, source.slug, data, publisher=source.publisher, source=source.url,
            content=fetched.body, media_type=media_type, only_if_changed=True,
        )
    except TowngownError as exc:
        message = _describe(exc)
        state = _record(settings, source, attempt, "failed", None, message)
        logger.warning("harvest of %s for graph/%s failed (since %s): %s", source.url, source.slug,
                       state.failing_since, message)
        return HarvestOutcome(source.slug, source.url, "failed", None, message, state.failing_since)
    outcome = "published" if result.changed else "unchanged"
    _record(settings, source, attempt, outcome, result.version, None)
    message = (
        f"published version {result.version} ({result.triples} triples, {result.warnings} warnings)"
        if result.changed else f"unchanged since version {result.version}"
    )
    logger.info("harvest of %s for graph/%s: %s in %.2f s", source.url, source.slug, message, time.monotonic() - started)
    return HarvestOutcome(source.slug, source.url, outcome, result.version, message)


def _record(
    settings: Settings, source: Source, attempt: str, outcome: str, version: int | None, error: str | None,
) -> SourceState:
    with _lock(settings):
        states = read_json(_state_path(settings), {})
        states = states if isinstance(states, dict) else {}
        before = states.get(source.slug) or {}
        same_source = before.get("url") == source.url
        if outcome == "failed":
            state = SourceState(
                slug=source.slug, url=source.url, last_attempt=attempt, outcome=outcome,
                version=before.get("version") if same_source else None,
                last_success=before.get("last_success") if same_source else None,
                failing_since=(before.get("failing_since") if same_source else None) or attempt,
                error=error,
            )
        else:
            state = SourceState(
                slug=source.slug, url=source.url, last_attempt=attempt, outcome=outcome, version=version,
                last_success=attempt,
            )
        states[source.slug] = asdict(state)
        write_json(_state_path(settings), states)
    return state


def harvest(store, settings: Settings, *, slugs: list[str] | None = None) -> list[HarvestOutcome]:  # noqa: ANN001
    """Harvest every registered source (or those of ``slugs``), one after another; a failure does not stop the rest."""
    sources = list_sources(settings)
    if slugs:
        wanted = {check_slug(s) for s in slugs}
        missing = wanted - {s.slug for s in sources}
        if missing:
            raise NotFound(f"no source is registered for {', '.join(sorted(missing))}")
        sources = [s for s in sources if s.slug in wanted]
    return [harvest_one(store, settings, source) for source in sources]
