"""What a SPARQL request is, found before it reaches any engine: its form and what it would reach out to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

from .errors import ParseError, QueryRefused

__all__ = ["QueryInfo", "inspect_query", "RESULT_FORMS"]

#: The query forms and whether they return bindings/boolean (results) or a graph.
RESULT_FORMS = {"SelectQuery": "results", "AskQuery": "results", "ConstructQuery": "graph", "DescribeQuery": "graph"}


@dataclass(frozen=True)
class QueryInfo:
    """A parsed query: its form (SelectQuery, AskQuery, ConstructQuery, DescribeQuery)."""

    form: str

    @property
    def returns_graph(self) -> bool:
        return RESULT_FORMS[self.form] == "graph"


def inspect_query(text: str) -> QueryInfo:
    """Parse a SPARQL query; ParseError with line and column if it does not parse, QueryRefused for updates."""
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        if _is_update(text):
            raise QueryRefused("this is a SPARQL Update; the endpoint is read-only") from None
        raise ParseError(_parse_message(exc), line=exc.lineno, column=exc.col) from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises assorted errors on odd input
        raise ParseError(f"the query cannot be read: {exc}") from None
    form = parsed[1].name
    if form not in RESULT_FORMS:
        raise ParseError(f"unsupported query form {form}")
    return QueryInfo(form=form)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:  # noqa: BLE001 - any failure means "not an update"
        return False
    return True


def _parse_message(exc: ParseException) -> str:
    found = exc.line[exc.col - 1 : exc.col + 19] if exc.line else ""
    message = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)", "", str(exc.msg))
    return f"syntax error at line {exc.lineno}, column {exc.col} near {found!r}: {message}"
