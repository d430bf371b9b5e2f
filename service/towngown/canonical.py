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
    # Both passes are iterative (explicit stacks), so a long chain of blank nodes cannot exhaust Python's stack.
    content: dict[Node, str] = {}
    if not _fill(blanks, content, lambda node: [o for _, o in outgoing.get(node, ()) if isinstance(o, BNode)],
                 lambda node: _digest("content", sorted(
                     f"{p.n3()} {content[o] if isinstance(o, BNode) else o.n3()}" for p, o in outgoing.get(node, ())))):
        return None  # a cycle
    context: dict[Node, str] = {}
    _fill(blanks, context, lambda node: [s for s, _ in incoming.get(node, ()) if isinstance(s, BNode)],
          lambda node: _digest("context", [content[node], *sorted(
              f"{p.n3()} {context[s] if isinstance(s, BNode) else s.n3()}" for s, p in incoming.get(node, ()))]))
    labels = {node: context[node] for node in blanks}
    if len(set(labels.values())) != len(labels):
        return None
    return {node: BNode("c" + label[:40]) for node, label in labels.items()}


def _fill(nodes: set[Node], done: dict[Node, str], needs, compute) -> bool:  # noqa: ANN001
    """Compute ``done[node] = compute(node)`` for every node after the nodes it ``needs``; False on a cycle."""
    on_path: set[Node] = set()
    for root in nodes:
        if root in done:
            continue
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if node in done:
                continue
            if ready:
                done[node] = compute(node)
                on_path.discard(node)
                continue
            if node in on_path:
                return False
            on_path.add(node)
            stack.append((node, True))
            for child in needs(node):
                if child in on_path:
                    return False
                if child not in done:
                    stack.append((child, False))
    return True


def _digest(kind: str, parts: list[str]) -> str:
    return hashlib.sha256("\n".join([kind, *parts]).encode("utf-8")).hexdigest()
