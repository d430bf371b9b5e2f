"""Canonical blank node labels, so that two versions of a graph can be compared triple by triple.

towngown's blank nodes (evidence, selectors, instants, amounts) hang off IRIs as small trees. For those a label made
from a node's content (its outgoing triples, recursively) and its context (the triples pointing at it) is canonical
and cheap; when two nodes get the same label or the blank nodes form a cycle, rdflib's general (and much slower)
canonicalisation is used instead.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

__all__ = ["canonical_graph"]


def canonical_graph(graph: Graph) -> Graph:
    """The graph with every blank node relabelled canonically: isomorphic graphs give equal triple sets."""
    labels = _tree_labels(graph)
    if labels is None:
        return to_canonical_graph(graph)
    out = Graph()
    for s, p, o in graph:
        out.add((labels.get(s, s), p, labels.get(o, o)))  # type: ignore[arg-type]
    return out


def _tree_labels(graph: Graph) -> dict[Node, BNode] | None:
    """Content-and-context labels for blank nodes that form trees, or None when they do not label uniquely."""
    outgoing: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    incoming: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    blanks: set[Node] = set()
    for s, p, o in graph:
        if isinstance(s, BNode):
            outgoing[s].append((p, o))
            blanks.add(s)
        if isinstance(o, BNode):
            incoming[o].append((s, p))
            blanks.add(o)
    if not blanks:
        return {}
    content: dict[Node, str] = {}
    visiting: set[Node] = set()

    def content_of(node: Node) -> str | None:
        if node in content:
            return content[node]
        if node in visiting:
            return None  # a cycle
        visiting.add(node)
        parts = []
        for p, o in outgoing.get(node, ()):
            value = content_of(o) if isinstance(o, BNode) else o.n3()
            if value is None:
                return None
            parts.append(f"{p.n3()} {value}")
        visiting.discard(node)
        content[node] = _digest("content", sorted(parts))
        return content[node]

    context: dict[Node, str] = {}

    def context_of(node: Node) -> str:
        if node not in context:
            parents = sorted(
                f"{p.n3()} {context_of(s) if isinstance(s, BNode) else s.n3()}" for s, p in incoming.get(node, ())
            )
            context[node] = _digest("context", [content[node], *parents])
        return context[node]

    for node in blanks:
        if content_of(node) is None:
            return None
    labels = {node: context_of(node) for node in blanks}
    if len(set(labels.values())) != len(labels):
        return None
    return {node: BNode("c" + label[:40]) for node, label in labels.items()}


def _digest(kind: str, parts: list[str]) -> str:
    return hashlib.sha256("\n".join([kind, *parts]).encode("utf-8")).hexdigest()
