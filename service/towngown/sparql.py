"""What a SPARQL request is, found before it reaches any engine: its form, its size, what it would reach out to."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.term import URIRef, Variable

from .errors import ParseError, QueryRefused

__all__ = ["QueryInfo", "QueryLimits", "inspect_query", "check_query", "RESULT_FORMS", "UpdateRefused"]

def _one_parse_at_a_time() -> None:
    """rdflib's SPARQL grammar is not safe to use from several threads (issue 6): pyparsing finds out how many
    arguments each parse action takes by trial on its first call, and two threads doing that at once leave it
    wrong for good ("postParse2() missing 1 required positional argument"), so the process never parses SPARQL
    again. Every SPARQL parse in the process (ours, the catalog's, pyshacl's) goes through the grammar's two
    entry points; a lock there costs nothing, pyparsing being pure Python under the GIL anyway."""
    import threading

    from rdflib.plugins.sparql import parser

    lock = threading.RLock()
    for grammar in (parser.Query, parser.UpdateUnit):
        parse = grammar.parse_string
        if getattr(parse, "__towngown_locked__", False):
            continue

        def locked(*args: object, _parse=parse, **kwargs: object):  # noqa: ANN202
            with lock:
                return _parse(*args, **kwargs)

        locked.__towngown_locked__ = True  # type: ignore[attr-defined]
        grammar.parse_string = locked


_one_parse_at_a_time()

#: The query forms and whether they return bindings/boolean (results) or a graph.
RESULT_FORMS = {"SelectQuery": "results", "AskQuery": "results", "ConstructQuery": "graph", "DescribeQuery": "graph"}


class UpdateRefused(QueryRefused):
    """A SPARQL Update sent where only queries are accepted."""

    status = 403
    title = "Updates are not accepted here"


@dataclass(frozen=True)
class QueryLimits:
    """Bounds checked before a query is parsed or forwarded."""

    max_chars: int = 100_000
    max_depth: int = 64
    service_allow_list: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryInfo:
    """A parsed query: its form and the SERVICE endpoints it names."""

    form: str
    services: tuple[str, ...] = ()

    @property
    def returns_graph(self) -> bool:
        return RESULT_FORMS[self.form] == "graph"


def check_query(text: str, limits: QueryLimits = QueryLimits()) -> QueryInfo:
    """Refuse what must not reach the engine: too long, too deeply nested, unparsable, an update, or SERVICE
    to an endpoint that is not allow-listed."""
    if len(text) > limits.max_chars:
        raise QueryRefused(f"the query is {len(text)} characters long; the limit is {limits.max_chars}")
    depth = _max_depth(text)
    if depth > limits.max_depth:
        raise QueryRefused(f"the query nests brackets {depth} deep; the limit is {limits.max_depth}")
    info = inspect_query(text)
    for service in info.services:
        if service not in limits.service_allow_list:
            target = "a variable endpoint" if service.startswith("?") else f"<{service}>"
            raise QueryRefused(
                f"SERVICE {target} is not allowed: federated queries are off unless the endpoint is on the allow-list"
            )
    return info


@lru_cache(maxsize=512)
def inspect_query(text: str) -> QueryInfo:
    """Parse a SPARQL query; ParseError with line and column if it does not parse, UpdateRefused for updates."""
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        if _is_update(text):
            raise UpdateRefused("this is a SPARQL Update; this endpoint is read-only") from None
        raise ParseError(_parse_message(exc), line=exc.lineno, column=exc.col) from None
    except RecursionError:
        raise QueryRefused("the query is nested too deeply to be read") from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises assorted errors on odd input
        raise ParseError(f"the query cannot be read: {exc}") from None
    form = parsed[1].name
    if form not in RESULT_FORMS:
        raise ParseError(f"unsupported query form {form}")
    return QueryInfo(form=form, services=tuple(sorted(set(_services(parsed)))))


def _services(node: object) -> Iterable[str]:
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            term = node.get("term")
            yield f"?{term}" if isinstance(term, Variable) else str(term) if isinstance(term, URIRef) else repr(term)
        for value in node.values():
            yield from _services(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for value in node:
            yield from _services(value)


def _max_depth(text: str) -> int:
    """Deepest nesting of { and ( outside strings, IRIs and comments (cheap, before any parser runs)."""
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else ch
            end = text.find(quote, i + len(quote))
            while end > 0 and text[end - 1] == "\\" and len(quote) == 1:
                end = text.find(quote, end + 1)
            i = n if end < 0 else end + len(quote)
            continue
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch in "{(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "})":
            depth -= 1
        i += 1
    return deepest


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:  # noqa: BLE001 - any failure means "not an update"
        return False
    return True


def _parse_message(exc: ParseException) -> str:
    found = exc.line[max(exc.col - 1, 0) : exc.col + 19] if exc.line else ""
    message = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)", "", str(exc.msg))
    return f"syntax error at line {exc.lineno}, column {exc.col} near {found!r}: {message}"
