"""What a publisher sends, made safe to publish: parsed by media type, rebased, kept inside its own partnership,
stripped of the provenance only the server may write; and the provenance the server writes instead."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from .canonical import canonical_graph
from .config import DEFAULT_BASE_IRI, Settings
from .datadir import check_slug
from .errors import ParseError, Unprocessable, UnsupportedMediaType
from .validation import _location, _reason  # the located-error reading of load_rdf, shared rather than copied
from .vocab import DCTERMS, FOAF, PROV, RDF, TG, XSD

__all__ = [
    "MEDIA_TYPES", "Submission", "Provenance", "parse_rdf", "media_type_for_suffix", "graph_iri", "partnership_iri",
    "version_iri", "publisher_iri", "prepare", "strip_provenance", "provenance_graph", "sha256_hex", "same_data",
    "MANAGED_PROPERTIES",
]

logger = logging.getLogger(__name__)

#: Media types a graph can be sent in, with the rdflib parser for each.
MEDIA_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/trig": "trig",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt11",
    "application/n-quads": "nquads",
}
_SUFFIXES = {
    ".ttl": "text/turtle", ".trig": "application/trig", ".jsonld": "application/ld+json", ".json": "application/ld+json",
    ".rdf": "application/rdf+xml", ".xml": "application/rdf+xml", ".owl": "application/rdf+xml",
    ".nt": "application/n-triples", ".nq": "application/n-quads",
}

#: Properties of the graph node that only the server writes; a submitted value is dropped.
MANAGED_PROPERTIES = frozenset({
    TG.version, PROV.generatedAtTime, PROV.wasAttributedTo, PROV.wasRevisionOf, PROV.wasGeneratedBy,
    PROV.invalidatedAtTime, DCTERMS.modified,
})
_PARTNERSHIP_CLASS = TG.UniversityMunicipalityPartnership


@dataclass(frozen=True)
class Submission:
    """A graph ready to validate and publish: its triples (IRIs under the configured base), and how many triples
    were dropped because only the server may write them."""

    slug: str
    graph: Graph
    dropped: int


@dataclass(frozen=True)
class Provenance:
    """What the server records about a version: number, previous version, who, when, from what."""

    version: int
    previous: int | None
    publisher: str
    generated_at: str
    media_type: str
    sha256: str
    source: str


def media_type_for_suffix(suffix: str) -> str | None:
    """The media type towngown reads a file suffix as (``.ttl`` → text/turtle), or None."""
    return _SUFFIXES.get(suffix.lower())


def graph_iri(settings: Settings, slug: str) -> str:
    """``<base>graph/<slug>``: the named graph of one partnership."""
    return f"{settings.base_iri}graph/{check_slug(slug)}"


def partnership_iri(settings: Settings, slug: str) -> str:
    """``<base>id/partnership/<slug>``."""
    return f"{settings.base_iri}id/partnership/{check_slug(slug)}"


def version_iri(settings: Settings, slug: str, number: int) -> str:
    """``<base>graph/<slug>/version/<n>``: one version of a graph (kept as a file, served at /graphs/<slug>/versions/<n>)."""
    return f"{graph_iri(settings, slug)}/version/{int(number)}"


def publisher_iri(settings: Settings, name: str) -> str:
    """``<base>id/publisher/<slug of the name>``: the agent a version is attributed to."""
    text = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-") or "unknown"
    return f"{settings.base_iri}id/publisher/{slug}"


def parse_rdf(data: bytes, media_type: str, *, base: str, source: str = "request body") -> Dataset:
    """Parse RDF bytes by media type into a dataset; 415 for a type towngown does not read, 400 (ParseError with
    line and column) for bad syntax. Relative IRIs resolve against ``base``; JSON-LD may not name remote contexts
    (towngown fetches nothing a request names)."""
    media_type = (media_type or "").split(";")[0].strip().lower()
    fmt = MEDIA_TYPES.get(media_type)
    if fmt is None:
        raise UnsupportedMediaType(
            f"Content-Type {media_type or '(none)'} is not accepted; send one of {', '.join(sorted(MEDIA_TYPES))}",
            media_type=media_type,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        raise ParseError(
            "the content is not valid UTF-8", source=source, line=before.count(b"\n") + 1,
            column=exc.start - (before.rfind(b"\n") + 1) + 1,
        ) from None
    if fmt == "json-ld":
        _refuse_remote_contexts(text, source)
    dataset = Dataset()
    try:
        dataset.parse(data=text, format=fmt, publicID=base)
    except Exception as exc:  # noqa: BLE001 - every parser failure becomes one located ParseError
        reason, line, column = _locate(exc, text, fmt, base)
        raise ParseError(reason, source=source, line=line, column=column) from exc
    return dataset


def _locate(exc: BaseException, text: str, fmt: str, base: str) -> tuple[str, int | None, int | None]:
    """The reason, line and column (1-based) of a parser error, found where rdflib does not say."""
    line, column = _location(exc)
    reason = _reason(exc)
    if isinstance(exc, IndexError):  # rdflib's Turtle parser runs off the end of unfinished data
        lines = text.rstrip("\n").split("\n")
        return "the data ends in the middle of a statement", len(lines), len(lines[-1]) + 1
    if line is None and fmt in ("nt11", "nquads"):
        # The line-based parsers do not count lines: find the first line that does not parse on its own.
        for number, content in enumerate(text.split("\n"), start=1):
            if not content.strip() or content.lstrip().startswith("#"):
                continue
            try:
                Dataset().parse(data=content, format=fmt, publicID=base)
            except Exception as inner:  # noqa: BLE001 - the same parser failure, now with its line
                rest = str(inner).split("):", 1)[0].rpartition(" at ")[2]
                found = content.rfind(rest) if rest else -1
                return f"line does not parse as {'N-Quads' if fmt == 'nquads' else 'N-Triples'}", number, (
                    found + 1 if found >= 0 else 1
                )
    if column is not None and column < 1:
        column = 1
    return reason, line, column


def _refuse_remote_contexts(text: str, source: str) -> None:
    """JSON-LD names contexts by URL; the parser would fetch them, so a body that does is refused (inline it)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(exc.msg, source=source, line=exc.lineno, column=exc.colno) from None

    def remote(value: object) -> bool:
        if isinstance(value, str):
            return True
        if isinstance(value, list):
            return any(remote(v) for v in value)
        if isinstance(value, dict):
            return "@import" in value or any(walk(v) for v in value.values())
        return False

    def walk(node: object) -> bool:
        if isinstance(node, dict):
            return any((key == "@context" and remote(value)) or walk(value) for key, value in node.items())
        if isinstance(node, list):
            return any(walk(item) for item in node)
        return False

    if walk(document):
        raise Unprocessable(
            "the JSON-LD names a remote @context (or @import); towngown does not fetch it: put the context inline"
        )


def _move(term: Node, base_iri: str) -> Node:
    if base_iri != DEFAULT_BASE_IRI and isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE_IRI):
        return URIRef(base_iri + str(term)[len(DEFAULT_BASE_IRI):])
    return term


def _plain_string(term: Node) -> Node:
    """``"x"^^xsd:string`` as the simple literal ``"x"``: the same in RDF 1.1, and what the store gives back."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def prepare(settings: Settings, slug: str, data: Dataset | Graph) -> Submission:
    """The submitted triples as one graph named graph/<slug>: rebased on the configured base, checked to describe
    only this partnership (Unprocessable otherwise), and without the provenance only the server writes."""
    check_slug(slug)
    base = settings.base_iri
    target = URIRef(graph_iri(settings, slug))
    graph = Graph(identifier=target)
    if isinstance(data, Dataset):
        for name in {_move(g.identifier, base) for g in data.graphs() if len(g)}:
            if name not in (target, DATASET_DEFAULT_GRAPH_ID, URIRef("urn:x-rdflib:default")):
                raise Unprocessable(
                    f"the data holds the named graph <{name}>; it may only hold <{target}> (or triples outside any graph)",
                    graph=str(name),
                )
        triples = ((s, p, o) for s, p, o, _ in data.quads((None, None, None, None)))
    else:
        triples = iter(data)
    for s, p, o in triples:
        graph.add((_move(s, base), _move(p, base), _plain_string(_move(o, base))))
    _check_scope(settings, slug, graph)
    stripped, dropped = strip_provenance(graph, str(target), base)
    if dropped:
        logger.info("graph %s: dropped %d submitted provenance triple(s) the server writes itself", slug, dropped)
    return Submission(slug, stripped, dropped)


def _check_scope(settings: Settings, slug: str, graph: Graph) -> None:
    """The data describes its own partnership and graph only: no other partnership, graph, concept or term."""
    base = settings.base_iri
    target = graph_iri(settings, slug)
    own = URIRef(partnership_iri(settings, slug))
    allowed_under_base = (f"{base}id/",)
    refused_under_base = (f"{base}id/partnership/", f"{base}id/concept/")
    outside: set[str] = set()
    for subject in set(graph.subjects()):
        if not isinstance(subject, URIRef):
            continue
        iri = str(subject)
        if iri.startswith("file:"):
            outside.add(iri)
        elif iri == target or iri.startswith(target + "/") or iri.startswith(f"{base}id/publisher/"):
            continue  # the graph itself; its versions and publishers are stripped later
        elif iri.startswith(base) and (not iri.startswith(allowed_under_base) or iri.startswith(refused_under_base)):
            if subject != own:
                outside.add(iri)
    if outside:
        shown = ", ".join(f"<{iri}>" for iri in sorted(outside)[:3])
        more = f" and {len(outside) - 3} more" if len(outside) > 3 else ""
        raise Unprocessable(
            f"graph/{slug} may only describe its own partnership <{own}>; it also says things about {shown}{more}",
            slug=slug,
        )
    partnerships = set(graph.subjects(RDF.type, _move(_PARTNERSHIP_CLASS, base)))
    if partnerships != {own}:
        found = ", ".join(f"<{p}>" for p in sorted(map(str, partnerships))) or "none"
        raise Unprocessable(
            f"graph/{slug} must describe exactly the partnership <{own}> (a tg:UniversityMunicipalityPartnership); "
            f"found: {found}",
            slug=slug,
        )
    topics = set(graph.objects(URIRef(target), FOAF.primaryTopic))
    if topics - {own}:
        raise Unprocessable(f"the foaf:primaryTopic of <{target}> must be <{own}>", slug=slug)


def strip_provenance(graph: Graph, graph_iri_: str, base_iri: str) -> tuple[Graph, int]:
    """The graph without what only the server writes: the graph node's version, time, publisher and revision,
    its link to the submitted content, and anything said about its versions or about publishers."""
    node = URIRef(graph_iri_)
    versions = graph_iri_ + "/"
    publishers = f"{base_iri}id/publisher/"
    managed = MANAGED_PROPERTIES | {_move(p, base_iri) for p in MANAGED_PROPERTIES}
    kept = Graph(identifier=graph.identifier)
    dropped = 0
    for s, p, o in graph:
        if s == node and (p in managed or (p == PROV.wasDerivedFrom and str(o).startswith(versions))):
            dropped += 1
        elif isinstance(s, URIRef) and (str(s).startswith(versions) or str(s).startswith(publishers)):
            dropped += 1
        else:
            kept.add((s, p, o))
    return kept, dropped


def same_data(left: Graph, right: Graph) -> bool:
    """True when two graphs say the same: isomorphic once numbers, booleans and xsd:string literals are compared by
    value ("20"^^xsd:decimal is "20.0"; stores and serialisers spell them differently)."""
    if len(left) != len(right):
        return False
    left_ground, left_blank = _split(_by_value(left))
    right_ground, right_blank = _split(_by_value(right))
    if left_ground != right_ground or len(left_blank) != len(right_blank):
        return False
    # Triples without blank nodes are compared as sets; only the blank-node part needs canonical labels.
    return set(canonical_graph(left_blank)) == set(canonical_graph(right_blank))


def _split(graph: Graph) -> tuple[set[tuple[Node, Node, Node]], Graph]:
    ground: set[tuple[Node, Node, Node]] = set()
    blank = Graph()
    for triple in graph:
        if any(isinstance(term, BNode) for term in triple):
            blank.add(triple)
        else:
            ground.add(triple)
    return ground, blank


def _by_value(graph: Graph) -> Graph:
    out = Graph()
    for s, p, o in graph:
        out.add((s, p, _value_literal(o)))
    return out


def _value_literal(term: Node) -> Node:
    if not isinstance(term, Literal) or term.language:
        return term
    if term.datatype in (None, XSD.string):
        return Literal(str(term))
    text = str(term).strip()
    try:
        if term.datatype == XSD.decimal:
            spelled = format(Decimal(text).normalize(), "f")
            return Literal(spelled if "." in spelled else spelled + ".0", datatype=XSD.decimal, normalize=False)
        if term.datatype in _INTEGERS:
            return Literal(str(int(text)), datatype=term.datatype, normalize=False)
        if term.datatype in (XSD.double, XSD.float):
            return Literal(repr(float(text)), datatype=term.datatype, normalize=False)
        if term.datatype == XSD.boolean:
            return Literal("true" if text in ("true", "1") else "false", datatype=XSD.boolean, normalize=False)
    except (InvalidOperation, ValueError):
        return term
    return term


_INTEGERS = frozenset({
    XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger, XSD.positiveInteger,
    XSD.nonPositiveInteger, XSD.negativeInteger, XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte,
})


def provenance_graph(settings: Settings, slug: str, provenance: Provenance) -> Graph:
    """The triples the server adds to version n of graph/<slug>: tg:version, prov:generatedAtTime,
    prov:wasAttributedTo (a prov:Agent with foaf:name), prov:wasRevisionOf the previous version, and
    prov:wasDerivedFrom the submitted content (its media type, SHA-256, and URL when harvested)."""
    node = URIRef(graph_iri(settings, slug))
    agent = URIRef(publisher_iri(settings, provenance.publisher))
    content = URIRef(f"{version_iri(settings, slug, provenance.version)}/content")
    graph = Graph()
    graph.add((node, TG.version, Literal(provenance.version, datatype=XSD.integer)))
    graph.add((node, PROV.generatedAtTime, Literal(provenance.generated_at, datatype=XSD.dateTime)))
    graph.add((node, PROV.wasAttributedTo, agent))
    graph.add((node, PROV.wasDerivedFrom, content))
    if provenance.previous:
        graph.add((node, PROV.wasRevisionOf, URIRef(version_iri(settings, slug, provenance.previous))))
    graph.add((agent, RDF.type, PROV.Agent))
    graph.add((agent, FOAF.name, Literal(provenance.publisher)))
    graph.add((content, RDF.type, PROV.Entity))
    graph.add((content, RDF.type, FOAF.Document))
    graph.add((content, DCTERMS.format, Literal(provenance.media_type)))
    graph.add((content, TG.sha256, Literal(provenance.sha256)))
    if provenance.source.startswith(("http://", "https://")):
        graph.add((content, DCTERMS.source, URIRef(provenance.source)))
    return graph


def sha256_hex(content: bytes) -> str:
    """The SHA-256 of some bytes, as 64 hexadecimal characters."""
    return hashlib.sha256(content).hexdigest()
