"""Validate, then replace named graphs atomically: the only way data gets into the store."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD
from rdflib.term import Node

from . import history
from .config import DEFAULT_BASE_IRI, Settings
from .datadir import check_slug, file_lock, lock_path
from .errors import NotFound, PreconditionFailed, TowngownError, ValidationFailed
from .history import VersionRecord
from .submission import (
    Provenance,
    graph_iri,
    prepare,
    provenance_graph,
    same_data,
    sha256_hex,
    strip_provenance,
)
from .tokens import Publisher, authorize
from .validation import ValidationReport, iter_rdf_files, load_rdf, validate
from .vocab import TG

__all__ = [
    "LoadSummary", "collect", "rebase", "load_paths", "graph_for_file", "write_graphs", "dataset_version",
    "meta_graph_iri",
    "PublishResult", "GraphState", "publish_graph", "delete_graph", "read_graph", "graph_state", "authorize",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadSummary:
    """What a load did: the graphs replaced, how many triples, from how many files, how long it took."""

    graphs: tuple[str, ...]
    triples: int
    files: int
    duration_s: float
    report: ValidationReport


def graph_for_file(path: Path, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The named graph that receives a file's default-graph triples: graph/ontology for the ontology
    folder, else graph/<file stem>."""
    name = "ontology" if path.parent.name == "ontology" else path.stem
    return f"{base_iri}graph/{name}"


def collect(paths: Iterable[Path], base_iri: str = DEFAULT_BASE_IRI) -> tuple[Dataset, int]:
    """Parse every RDF file under ``paths`` into one Dataset of named graphs (ParseError names file, line, column)."""
    dataset = Dataset()
    files = 0
    for path in iter_rdf_files(paths):
        files += 1
        parsed = load_rdf(path)
        for graph in parsed.graphs():
            if len(graph) == 0:
                continue
            if graph.identifier == parsed.default_graph.identifier or graph.identifier == URIRef(
                "urn:x-rdflib:default"
            ):
                target = URIRef(graph_for_file(path, DEFAULT_BASE_IRI))
            else:
                target = URIRef(str(graph.identifier))
            into = dataset.graph(target)
            for triple in graph:
                into.add(triple)
    return rebase(dataset, base_iri), files


def rebase(dataset: Dataset, base_iri: str) -> Dataset:
    """The dataset with every IRI under the default base moved under ``base_iri`` (the base is a setting)."""
    if base_iri == DEFAULT_BASE_IRI:
        return dataset

    def move(term: Node) -> Node:
        if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE_IRI):
            return URIRef(base_iri + str(term)[len(DEFAULT_BASE_IRI) :])
        return term

    moved = Dataset()
    for graph in dataset.graphs():
        if len(graph) == 0:
            continue
        into = moved.graph(move(graph.identifier))
        for s, p, o in graph:
            into.add((move(s), move(p), move(o)))
    return moved


def meta_graph_iri(base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The small graph that holds the dataset's version (it changes on every write)."""
    return f"{base_iri}graph/meta"


def write_graphs(
    store, graphs: Mapping[str, Graph], *, base_iri: str = DEFAULT_BASE_IRI, drop: Sequence[str] = ()  # noqa: ANN001
) -> str:
    """Replace (and drop) named graphs and bump the dataset version, all in one atomic update; return the version."""
    version = f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S%fZ')}-{uuid.uuid4().hex[:12]}"
    meta = Graph()
    dataset = URIRef(f"{base_iri}dataset")
    meta.add((dataset, TG.datasetVersion, Literal(version)))
    meta.add((dataset, DCTERMS.modified, Literal(datetime.now(timezone.utc).isoformat(), datatype=XSD.dateTime)))
    store.replace_graphs({**graphs, meta_graph_iri(base_iri): meta}, drop=drop)
    return version


def dataset_version(store, base_iri: str = DEFAULT_BASE_IRI) -> str:  # noqa: ANN001
    """The current dataset version ("0" before the first write)."""
    rows = store.select(
        f"SELECT ?v WHERE {{ GRAPH <{meta_graph_iri(base_iri)}> {{ ?d <{TG.datasetVersion}> ?v }} }} LIMIT 1"
    )
    return str(rows[0]["v"]) if rows else "0"


def load_paths(store, paths: Iterable[Path], *, base_iri: str = DEFAULT_BASE_IRI) -> LoadSummary:  # noqa: ANN001
    """Parse and validate everything first; only then replace its graphs in the store in one update."""
    started = time.monotonic()
    dataset, files = collect(paths, base_iri)
    report = validate(dataset)
    if not report.conforms:
        raise ValidationFailed(f"{report.counts.get('Violation', 0)} violation(s); nothing was loaded", report)
    graphs: dict[str, Graph] = {}
    for graph in dataset.graphs():
        if len(graph) and str(graph.identifier) != "urn:x-rdflib:default":
            graphs[str(graph.identifier)] = graph
    write_graphs(store, graphs, base_iri=base_iri)
    summary = LoadSummary(
        graphs=tuple(sorted(graphs)),
        triples=sum(len(g) for g in graphs.values()),
        files=files,
        duration_s=time.monotonic() - started,
        report=report,
    )
    logger.info(
        "loaded %d triples in %d graphs from %d files in %.2f s (%d warnings)",
        summary.triples, len(summary.graphs), summary.files, summary.duration_s, report.counts.get("Warning", 0),
    )
    return summary


# --- publishing one partnership graph, with versions ----------------------------------------------------


@dataclass(frozen=True)
class GraphState:
    """What the store holds for graph/<slug>: whether it exists, its version (0: loaded before versioning) and ETag."""

    slug: str
    graph: str
    exists: bool
    version: int | None
    etag: str | None


@dataclass(frozen=True)
class PublishResult:
    """What a publish or delete did: the graph's new version and ETag, counts, who, when, and whether it changed."""

    slug: str
    graph: str
    action: str  # "put" or "delete"
    version: int | None
    etag: str | None
    previous: int | None
    triples: int
    published_at: str
    publisher: str
    created: bool
    changed: bool
    warnings: int = 0
    infos: int = 0
    dropped: int = 0
    duration_s: float = 0.0
    report: ValidationReport | None = field(default=None, repr=False, compare=False)

    def as_json(self) -> dict[str, object]:
        """The result as JSON-ready values (the validation report left out)."""
        return {
            "slug": self.slug, "graph": self.graph, "action": self.action, "version": self.version,
            "etag": self.etag, "previous": self.previous, "triples": self.triples,
            "published": self.published_at, "publisher": self.publisher, "created": self.created,
            "changed": self.changed, "warnings": self.warnings, "infos": self.infos,
            "dropped_provenance_triples": self.dropped,
        }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _etag(version: int, store, settings: Settings) -> str:  # noqa: ANN001
    """A version's ETag; a graph loaded before versioning changes with the dataset version instead."""
    if version:
        return f'"v{version}"'
    return f'"v0-{dataset_version(store, settings.base_iri)}"'


def graph_state(store, settings: Settings, slug: str) -> GraphState:  # noqa: ANN001
    """Whether graph/<slug> exists in the store, its tg:version and its ETag."""
    iri = URIRef(graph_iri(settings, slug))
    exists = store.ask(f"ASK {{ GRAPH {iri.n3()} {{ ?s ?p ?o }} }}")
    if not exists:
        return GraphState(slug, str(iri), False, None, None)
    rows = store.select(f"SELECT (MAX(?v) AS ?version) WHERE {{ GRAPH {iri.n3()} {{ {iri.n3()} {TG.version.n3()} ?v }} }}")
    version = _as_int(rows[0].get("version")) if rows else 0
    return GraphState(slug, str(iri), True, version, _etag(version, store, settings))


def _as_int(value: object) -> int:
    try:
        return int(str(value)) if value is not None else 0
    except ValueError:
        return 0


def read_graph(store, settings: Settings, slug: str) -> tuple[Graph, GraphState]:  # noqa: ANN001
    """The current triples of graph/<slug> and its state (the ETag read from the same triples); NotFound if absent."""
    iri = graph_iri(settings, slug)
    try:
        graph = store.get_graph(iri)
    except NotFound:
        last = history.latest(settings, slug)
        if last is not None and last.action == "delete":
            raise NotFound(f"graph/{slug} was deleted in version {last.number}", slug=slug) from None
        raise NotFound(f"there is no graph/{slug}", slug=slug) from None
    versions = [_as_int(v) for v in graph.objects(URIRef(iri), TG.version)]
    version = max(versions) if versions else 0
    return graph, GraphState(slug, iri, True, version, _etag(version, store, settings))


_ETAG = re.compile(r'\s*(W/)?("[^"]*"|\*)\s*(?:,|$)')


def _etags(header: str) -> list[tuple[bool, str]]:
    """The entity tags of an If-Match / If-None-Match header as (weak, tag); a bare token is taken as quoted."""
    header = header.strip()
    if header and '"' not in header and header != "*":
        header = ", ".join(f'"{part.strip()}"' for part in header.split(",") if part.strip())
    return [(bool(m.group(1)), m.group(2)) for m in _ETAG.finditer(header) if m.group(2)]


def _check_preconditions(state: GraphState, if_match: str | None, if_none_match: str | None) -> None:
    """412 when If-Match names another version than the current one (a lost update), or If-None-Match matches."""
    if if_none_match is not None:
        tags = _etags(if_none_match)
        if state.exists and any(tag == "*" or tag == state.etag for _, tag in tags):
            raise PreconditionFailed(
                f"graph/{state.slug} already exists (ETag {state.etag}); send If-Match to replace it",
                etag=state.etag,
            )
    if if_match is not None:
        tags = _etags(if_match)
        if not state.exists:
            raise PreconditionFailed(f"If-Match was sent but there is no graph/{state.slug} to match", slug=state.slug)
        if not any(tag == "*" or (not weak and tag == state.etag) for weak, tag in tags):
            raise PreconditionFailed(
                f"graph/{state.slug} has changed since you read it: it is now {state.etag}, not "
                f"{if_match.strip()}; get it again and reapply your change",
                etag=state.etag,
            )


@contextmanager
def _graph_lock(settings: Settings, slug: str) -> Iterator[None]:
    """One publish of a graph at a time, across threads and processes (an fcntl lock under the data directory)."""
    with file_lock(lock_path(settings, f"graph-{check_slug(slug)}"), settings.publish_lock_timeout_s,
                   what=f"graph/{slug}"):
        yield


def _who(publisher: str | Publisher) -> tuple[str, str]:
    if isinstance(publisher, Publisher):
        return publisher.name, publisher.token_id
    name = " ".join(str(publisher).split())
    if not name:
        raise ValueError("publish_graph needs the publisher's name")
    return name, ""


def _baseline(store, settings: Settings, slug: str, state: GraphState, number: int, when: str) -> int | None:  # noqa: ANN001
    """Record a graph that was loaded before it was versioned as version ``number`` (pending); its number or None."""
    if not (state.exists and not state.version):
        return None
    current = store.get_graph(state.graph)
    text = "\n".join(sorted(current.serialize(format="nt11").splitlines())).encode("utf-8")
    record = VersionRecord(
        number=number, action="baseline", time=when, publisher="", source="store",
        media_type="application/n-triples", sha256=sha256_hex(text), triples=len(current),
    )
    history.add_pending(settings, slug, record, current, graph_iri=state.graph)
    return number


def _settle(store, settings: Settings, slug: str, pending: list[int], action: str) -> None:  # noqa: ANN001
    """After a failed store update: commit this attempt's versions if the store holds them after all, else discard."""
    if not pending:
        return
    try:
        state = graph_state(store, settings, slug)
        held = (not state.exists) if action == "delete" else (state.version == pending[-1])
    except TowngownError:
        held = False
    for number in pending:
        (history.commit if held else history.discard)(settings, slug, number)
    logger.warning("publishing graph/%s failed; version(s) %s %s", slug, pending, "kept" if held else "discarded")


def publish_graph(
    store,  # noqa: ANN001 - a towngown.store.Store
    settings: Settings,
    slug: str,
    dataset: Dataset | Graph,
    *,
    publisher: str | Publisher,
    source: str,
    if_match: str | None = None,
    if_none_match: str | None = None,
    content: bytes | None = None,
    media_type: str | None = None,
    only_if_changed: bool = False,
) -> PublishResult:
    """Validate ``dataset`` as graph/<slug> and make it the graph's new version, with provenance, atomically.

    ``publisher`` is a name or the Publisher from ``authorize``; ``source`` says where the content came from (a URL
    when harvested, else e.g. "api", "form", "cli"); ``content`` and ``media_type`` are the bytes as sent (their
    SHA-256 is recorded; without them, the canonical N-Triples of the data). Raises Unprocessable (422) for data
    about another partnership or graph, ValidationFailed (422, with the report) on violations,
    PreconditionFailed (412) when ``if_match`` is not the current ETag or ``if_none_match`` matches, StoreBusy (503)
    when another publish of the graph holds it too long. Nothing is written unless everything passes. With
    ``only_if_changed``, data equal to the current graph (provenance aside) makes no new version.
    """
    started = time.monotonic()
    name, token_id = _who(publisher)
    submission = prepare(settings, slug, dataset)
    report = validate(submission.graph)
    counts = report.counts
    if not report.conforms:
        raise ValidationFailed(
            f"graph/{slug} has {counts['Violation']} violation(s); nothing was published", report
        )
    if content is None:
        content = "\n".join(sorted(submission.graph.serialize(format="nt11").splitlines())).encode("utf-8")
        media_type = "application/n-triples"
    iri = graph_iri(settings, slug)
    with _graph_lock(settings, slug):
        state = graph_state(store, settings, slug)
        history.reconcile(settings, slug, store_version=state.version, exists=state.exists)
        _check_preconditions(state, if_match, if_none_match)
        if only_if_changed and state.exists:
            current, _ = strip_provenance(store.get_graph(iri), iri, settings.base_iri)
            if same_data(current, submission.graph):
                logger.info("graph/%s unchanged (version %s); nothing published", slug, state.version)
                return PublishResult(
                    slug, iri, "put", state.version, state.etag, state.version, len(current), "", name,
                    created=False, changed=False, warnings=counts["Warning"], infos=counts["Info"],
                    dropped=submission.dropped, duration_s=time.monotonic() - started, report=report,
                )
        when = _now()
        pending: list[int] = []
        try:
            last = history.latest(settings, slug)
            number = max(last.number if last else 0, state.version or 0)
            previous = state.version if state.exists and state.version else None
            baseline = _baseline(store, settings, slug, state, number + 1, when)
            if baseline is not None:
                pending.append(baseline)
                number = previous = baseline
            number += 1
            final = Graph(identifier=URIRef(iri))
            final += submission.graph
            final += provenance_graph(settings, slug, Provenance(
                version=number, previous=previous, publisher=name, generated_at=when,
                media_type=media_type or "application/octet-stream", sha256=sha256_hex(content), source=source,
            ))
            history.add_pending(settings, slug, VersionRecord(
                number=number, action="put", time=when, publisher=name, source=source,
                media_type=media_type or "", sha256=sha256_hex(content), triples=len(final), token_id=token_id,
            ), final, graph_iri=iri)
            pending.append(number)
            write_graphs(store, {iri: final}, base_iri=settings.base_iri)
        except BaseException:
            _settle(store, settings, slug, pending, "put")
            raise
        for done in pending:
            history.commit(settings, slug, done)
    result = PublishResult(
        slug, iri, "put", number, _etag(number, store, settings), previous, len(final), when, name,
        created=not state.exists, changed=True, warnings=counts["Warning"], infos=counts["Info"],
        dropped=submission.dropped, duration_s=time.monotonic() - started, report=report,
    )
    logger.info(
        "published graph/%s version %d by %s from %s: %d triples, %d warnings, %d provenance triples dropped, in %.2f s",
        slug, number, name, source, result.triples, result.warnings, result.dropped, result.duration_s,
    )
    return result


def delete_graph(
    store,  # noqa: ANN001 - a towngown.store.Store
    settings: Settings,
    slug: str,
    *,
    publisher: str | Publisher,
    source: str,
    if_match: str | None = None,
) -> PublishResult:
    """Remove graph/<slug> from the store, recorded as a new version (a deletion, kept in the history).

    NotFound (404) when there is no such graph; PreconditionFailed (412) when ``if_match`` is not its ETag.
    """
    started = time.monotonic()
    name, token_id = _who(publisher)
    iri = graph_iri(settings, slug)
    with _graph_lock(settings, slug):
        state = graph_state(store, settings, slug)
        history.reconcile(settings, slug, store_version=state.version, exists=state.exists)
        if not state.exists:
            raise NotFound(f"there is no graph/{slug} to delete", slug=slug)
        _check_preconditions(state, if_match, None)
        when = _now()
        pending: list[int] = []
        try:
            last = history.latest(settings, slug)
            number = max(last.number if last else 0, state.version or 0)
            previous = state.version or None
            baseline = _baseline(store, settings, slug, state, number + 1, when)
            if baseline is not None:
                pending.append(baseline)
                number = previous = baseline
            number += 1
            history.add_pending(settings, slug, VersionRecord(
                number=number, action="delete", time=when, publisher=name, source=source,
                media_type="", sha256="", triples=0, token_id=token_id,
            ), None, graph_iri=iri)
            pending.append(number)
            write_graphs(store, {}, base_iri=settings.base_iri, drop=[iri])
        except BaseException:
            _settle(store, settings, slug, pending, "delete")
            raise
        for done in pending:
            history.commit(settings, slug, done)
    logger.info("deleted graph/%s as version %d by %s from %s", slug, number, name, source)
    return PublishResult(
        slug, iri, "delete", number, None, previous, 0, when, name, created=False, changed=True,
        duration_s=time.monotonic() - started,
    )
