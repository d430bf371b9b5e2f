"""Validate, then replace named graphs atomically: the only way data gets into the store."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD
from rdflib.term import Node

from .config import DEFAULT_BASE_IRI
from .errors import ValidationFailed
from .validation import ValidationReport, iter_rdf_files, load_rdf, validate
from .vocab import TG

__all__ = [
    "LoadSummary", "collect", "rebase", "load_paths", "graph_for_file", "write_graphs", "dataset_version",
    "meta_graph_iri",
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
