"""The versions of each partnership graph, kept as files under the data directory, never in the store.

``<data dir>/history/<slug>/<n>.nq`` holds version n as N-Quads (its own provenance included) and
``index.json`` lists every version: number, action (``put``, ``delete``, ``baseline`` for a graph that was
loaded before it was versioned), time, publisher, where it came from, and its triple count. A version is
written as *pending* before the store is updated and becomes *committed* after; a pending version left by a
crash is settled against the store the next time the graph is published (see ``reconcile``).
Old versions stay out of the store on purpose: in its union default graph every query would count them again.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef

from .canonical import canonical_graph
from .config import Settings
from .datadir import check_slug, history_dir, read_json, write_atomic, write_json
from .errors import InputError, NotFound

__all__ = [
    "VersionRecord", "GraphDiff", "list_versions", "latest", "read_version", "add_pending", "commit", "discard",
    "reconcile", "diff_versions",
]

logger = logging.getLogger(__name__)

_INDEX = "index.json"


@dataclass(frozen=True)
class VersionRecord:
    """One version of a graph: number, what happened, when, by whom, from what, and how many triples."""

    number: int
    action: str  # "put", "delete" or "baseline"
    time: str
    publisher: str
    source: str
    media_type: str
    sha256: str
    triples: int
    state: str = "committed"  # "pending" until the store has it
    token_id: str = ""  # the token used (its id, never its secret); not shown publicly

    @property
    def has_content(self) -> bool:
        """False for a deletion, which has no triples to show."""
        return self.action != "delete"


@dataclass(frozen=True)
class GraphDiff:
    """Triples added and removed between two versions (blank nodes canonicalised, so equal structures match)."""

    slug: str
    from_version: int
    to_version: int
    added: Graph
    removed: Graph


def _index_path(settings: Settings, slug: str) -> Path:
    return history_dir(settings, slug) / _INDEX


def _version_path(settings: Settings, slug: str, number: int) -> Path:
    return history_dir(settings, slug) / f"{int(number)}.nq"


def _read(settings: Settings, slug: str) -> list[VersionRecord]:
    data = read_json(_index_path(settings, slug), {"versions": []})
    known = set(VersionRecord.__dataclass_fields__)
    return [VersionRecord(**{k: v for k, v in item.items() if k in known}) for item in data.get("versions", [])]


def _write(settings: Settings, slug: str, records: list[VersionRecord]) -> None:
    ordered = sorted(records, key=lambda r: r.number)
    write_json(_index_path(settings, slug), {"format": 1, "slug": slug, "versions": [asdict(r) for r in ordered]})


def list_versions(settings: Settings, slug: str) -> list[VersionRecord]:
    """The committed versions of graph/<slug>, oldest first (empty when it was never published)."""
    check_slug(slug)
    return [r for r in _read(settings, slug) if r.state == "committed"]


def latest(settings: Settings, slug: str) -> VersionRecord | None:
    """The newest committed version, or None."""
    versions = list_versions(settings, slug)
    return versions[-1] if versions else None


def read_version(settings: Settings, slug: str, number: int, graph_iri: str) -> Graph:
    """The triples of version ``number``; NotFound if there is no such version or it is a deletion."""
    record = next((r for r in list_versions(settings, slug) if r.number == number), None)
    if record is None:
        raise NotFound(f"graph {slug} has no version {number}", slug=slug, version=number)
    if not record.has_content:
        raise NotFound(f"version {number} of graph {slug} is its deletion; it has no triples", slug=slug, version=number)
    dataset = Dataset()
    dataset.parse(_version_path(settings, slug, number), format="nquads")
    graph = Graph(identifier=URIRef(graph_iri))
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def add_pending(settings: Settings, slug: str, record: VersionRecord, graph: Graph | None, *, graph_iri: str) -> None:
    """Write version ``record.number`` (its N-Quads file in graph ``graph_iri`` first, then its index entry) as pending."""
    records = _read(settings, slug)
    if any(r.number == record.number for r in records):
        raise InputError(f"graph {slug} already has a version {record.number}")
    if graph is not None:
        write_atomic(_version_path(settings, slug, record.number), "\n".join(_canonical_lines(graph, graph_iri)) + "\n")
    _write(settings, slug, [*records, replace(record, state="pending")])


def _canonical_lines(graph: Graph, graph_iri: str) -> list[str]:
    """The graph as sorted N-Quads lines with canonical blank node labels (equal structures get equal labels),
    so that two versions can be compared line by line."""
    ground = Graph()
    with_blanks = Graph()
    for triple in graph:
        (with_blanks if any(isinstance(term, BNode) for term in triple) else ground).add(triple)
    dataset = Dataset()
    target = dataset.graph(URIRef(graph_iri))
    for triple in ground:
        target.add(triple)
    for triple in canonical_graph(with_blanks) if len(with_blanks) else ():
        target.add(triple)
    return sorted(line for line in dataset.serialize(format="nquads").splitlines() if line.strip())


def _lines(settings: Settings, slug: str, number: int) -> set[str]:
    """The N-Quads lines of a version; version 0 and deletions have none."""
    if number == 0:
        return set()
    record = next((r for r in list_versions(settings, slug) if r.number == number), None)
    if record is None:
        raise NotFound(f"graph {slug} has no version {number}", slug=slug, version=number)
    if not record.has_content:
        return set()
    text = _version_path(settings, slug, number).read_text(encoding="utf-8")
    return {line for line in text.splitlines() if line.strip()}


def _graph_of(lines: set[str]) -> Graph:
    dataset = Dataset()
    if lines:
        dataset.parse(data="\n".join(sorted(lines)) + "\n", format="nquads")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def commit(settings: Settings, slug: str, number: int) -> None:
    """Mark a pending version committed: the store now holds it."""
    records = _read(settings, slug)
    _write(settings, slug, [replace(r, state="committed") if r.number == number else r for r in records])


def discard(settings: Settings, slug: str, number: int) -> None:
    """Forget a pending version whose store update failed: its index entry and its file."""
    records = _read(settings, slug)
    _write(settings, slug, [r for r in records if r.number != number])
    try:
        _version_path(settings, slug, number).unlink()
    except FileNotFoundError:
        pass


def reconcile(settings: Settings, slug: str, *, store_version: int | None, exists: bool) -> None:
    """Settle versions left pending by a crash, given what the store holds now (call with the graph's lock held):
    a pending put the store holds is committed, a pending delete of a graph that is gone is committed, the rest
    are discarded."""
    for record in _read(settings, slug):
        if record.state != "pending":
            continue
        held = (record.action == "delete" and not exists) or (
            record.action != "delete" and exists and store_version == record.number
        )
        if held:
            logger.warning("history of %s: committing version %d left pending", slug, record.number)
            commit(settings, slug, record.number)
        else:
            logger.warning("history of %s: discarding version %d left pending", slug, record.number)
            discard(settings, slug, record.number)


def diff_versions(settings: Settings, slug: str, from_version: int, to_version: int, graph_iri: str) -> GraphDiff:
    """Triples added and removed going from one version to another (0 is the empty graph before version 1).

    Versions are stored with canonical blank node labels, so a blank node whose triples did not change is not
    reported; one whose triples changed is reported removed and added as a whole."""
    if from_version < 0 or to_version < 0:
        raise InputError("versions are numbered from 1 (0 is the empty graph before the first)")
    before = _lines(settings, slug, from_version)
    after = _lines(settings, slug, to_version)
    return GraphDiff(slug, from_version, to_version, _graph_of(after - before), _graph_of(before - after))
