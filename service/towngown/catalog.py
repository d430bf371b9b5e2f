"""The stored research queries: ``queries/*.rq`` files with a ``#+`` YAML header, and their typed parameters.

A stored query is a plain SPARQL 1.1 file that runs unchanged in any SPARQL tool. Its header (lines starting
with ``#+``) is YAML in the style of grlc::

    #+ title: {nb: Deltakere og roller, en: Participants and roles}
    #+ description: {nb: ..., en: ...}
    #+ parameters:
    #+   partnership:
    #+     type: iri
    #+     description: {nb: ..., en: ...}
    #+     enum_query: SELECT ?p WHERE { ?p a tg:UniversityMunicipalityPartnership }
    #+     required: false

A parameter ``name`` is the variable ``?_name`` in the body. Run as-is the variable is unbound, so the query
answers for everything; :meth:`StoredQuery.bind` binds it by inserting ``VALUES ?_name { <term> }`` as the first
element of the outermost WHERE group (right after the ``{`` that follows the query's first top-level ``WHERE``,
or the first top-level ``{`` of a SELECT/ASK/DESCRIBE written without ``WHERE``). Placed there, the binding is
joined before any GROUP BY, aggregate, BIND or sub-query of the outer group, so it restricts what is aggregated
instead of filtering aggregated rows, and ``COALESCE(?_name, ...)`` in a BIND sees it. Several values for one
parameter give one block ``VALUES ?_name { <a> <b> }``: the query answers for any of them.

Oxigraph (and other engines) evaluate a sub-select on its own, bottom-up: a binding in the outer group does not
reach into it, so a sub-select over "all partnerships" costs as much with one partnership bound as without. So
the same VALUES block is also put first in the WHERE group of every sub-select where that gives the same answer,
which is where all of these hold:

- the sub-select projects ``?_name`` as a plain variable (not ``(... AS ?_name)``), has no LIMIT or OFFSET, and
  binds ``?_name`` in every row (it occurs in a triple pattern directly in its WHERE group, in a group joined into
  it, in every branch of a UNION in it, or in a joined sub-select that itself meets this point). Then keeping only
  its rows with ``?_name`` in the values before projecting, grouping, aggregating or DISTINCT gives exactly its
  rows (groups) with ``?_name`` in the values: a group never mixes values of a projected variable;
- every row it is joined with has ``?_name`` bound to one of the values, so its other rows could never join.
  That holds when the path from the enclosing query level (the outer WHERE, or a sub-select that got the block
  itself) to the sub-select goes only through plain groups, UNION branches, GRAPH groups, or an OPTIONAL that
  stands directly in that query level's WHERE group (its left side starts with the VALUES block).

The same block also goes first into each UNION branch (on that path) that uses ``?_name`` in a triple pattern:
engines join a VALUES with the whole UNION, whose branches are then evaluated unbound. Joining the block into a
branch of a UNION that is joined with it anyway gives the same rows (a join with the same one-column table twice
is a join with it once, and a join distributes over UNION).

A sub-select can also be marked as a lookup table by the comment ``# towngown:lookup`` between its ``{`` and its
``SELECT`` (other SPARQL tools ignore it). It says that each of its rows depends only on its own key, so computing
it for the keys of the bound values only drops rows that nothing joins: the block then goes into the first
group inside it (or a sub-select within it) that binds ``?_name`` in every row. Queries use this for the names of
shared organisations: a university is described again in the graph of every partnership it takes part in, so its
name is read once per organisation in such a table instead of once per row.

A sub-select under MINUS, (NOT) EXISTS, SERVICE, an OPTIONAL deeper down (whose left side may leave ``?_name``
unbound), or one that does not meet the first point is left alone, and so are the sub-selects inside it. The
query text without bindings is untouched, so every file still runs as written in any SPARQL tool.

A query can be paged (grlc's ``#+ pagination: 100``, the default page size). It must then end in an ``ORDER BY``
at the top level (so pages are stable) with no LIMIT, OFFSET or trailing VALUES of its own; a file that breaks
this is listed as broken. ``bind(..., limit=, offset=)`` appends ``LIMIT``/``OFFSET`` after that ORDER BY, so they
slice the outermost query. Queries without the header run as before, unsliced.

Values become RDF terms (rdflib terms, serialised with an escaping that cannot leave the term); user text is
never formatted into the query. This module knows nothing of HTTP or of the store: allowed values that come from
an ``enum_query`` are resolved by a function the caller passes in (``resolve_enum(sparql) -> list[str]``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from towngown.errors import InputError, NotFound, TowngownError
from towngown.resources import queries_dir

__all__ = [
    "PARAMETER_TYPES",
    "Parameter",
    "StoredQuery",
    "Catalog",
    "EnumResolver",
    "load_catalog",
    "load_query",
    "to_term",
    "LOOKUP_MARK",
    "MAX_PAGE_SIZE",
]

logger = logging.getLogger(__name__)

#: The parameter types a header may declare.
PARAMETER_TYPES: tuple[str, ...] = ("iri", "string", "date", "integer", "decimal", "language", "boolean")

#: The largest page a paged query gives (its ``pagination`` header, and any page size asked for).
MAX_PAGE_SIZE = 1000

#: A caller-supplied function that runs an ``enum_query`` and returns its first column as strings.
EnumResolver = Callable[[str], list[str]]

_LANGUAGES = ("nb", "en")
_HEADER_PREFIX = "#+"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(:[A-Za-z0-9_\-.]*)?")
_VARIABLE = re.compile(r"[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]*")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


@dataclass(frozen=True)
class Parameter:
    """One typed parameter of a stored query, bound as the variable ``?_<name>``."""

    name: str
    type: str
    description: Mapping[str, str] = field(default_factory=dict, hash=False)
    default: str | None = None
    enum: tuple[str, ...] | None = None
    enum_query: str | None = None
    required: bool = False

    @property
    def variable(self) -> str:
        """The SPARQL variable name (without '?') this parameter binds."""
        return f"_{self.name}"

    def allowed_values(self, resolve_enum: EnumResolver | None = None) -> tuple[str, ...] | None:
        """The allowed values (fixed enum, or the enum_query's answer via ``resolve_enum``); None if open."""
        if self.enum is not None:
            return self.enum
        if self.enum_query is not None and resolve_enum is not None:
            return tuple(str(v) for v in resolve_enum(self.enum_query))
        return None

    def allowed_among(self, terms: Sequence[Node], resolve_enum: EnumResolver | None = None) -> tuple[str, ...] | None:
        """Which of ``terms`` are allowed, as allowed_values would say, but asking an ``enum_query`` only about
        them (its first variable bound to them by VALUES), so that checking one value costs the same however many
        allowed values there are; the whole list when the query's variable cannot be found. None if open."""
        if self.enum is not None or self.enum_query is None or resolve_enum is None:
            return self.allowed_values(resolve_enum)
        found = re.search(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?[?$]([A-Za-z_][A-Za-z0-9_]*)", self.enum_query, re.IGNORECASE)
        where = _where_group_start(self.enum_query)
        if not found or where is None or self.type != "iri":
            return self.allowed_values(resolve_enum)
        block = f"\n  VALUES ?{found.group(1)} {{ {' '.join(_n3(term) for term in terms)} }}"
        return tuple(str(v) for v in resolve_enum(self.enum_query[:where] + block + self.enum_query[where:]))

    def to_term(self, value: str) -> Node:
        """The RDF term for ``value`` checked against this parameter's type; InputError naming it otherwise."""
        return to_term(self.type, value, parameter=self.name)


@dataclass(frozen=True)
class StoredQuery:
    """A stored query file: its header, its typed parameters and its SPARQL text (``error`` set if broken)."""

    name: str
    title: Mapping[str, str] = field(hash=False)
    description: Mapping[str, str] = field(hash=False)
    parameters: tuple[Parameter, ...]
    sparql: str
    path: Path | None = None
    error: str | None = None
    tags: tuple[str, ...] = ()
    example: object = field(default=None, hash=False, compare=False)
    pagination: int | None = None
    _insert_at: int | None = field(default=None, repr=False, compare=False)
    _sub_selects: Mapping[str, tuple[int, ...]] = field(default_factory=dict, repr=False, compare=False, hash=False)

    @property
    def ok(self) -> bool:
        """True when the file loaded without error."""
        return self.error is None

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``; InputError if the query has none by that name."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise InputError(
            f"unknown parameter {name!r} for stored query {self.name!r}", parameter=name, query=self.name
        )

    @property
    def paged(self) -> bool:
        """True when the file declares a page size (``#+ pagination: N``) and so may be sliced."""
        return self.pagination is not None

    def bind(
        self,
        values: Mapping[str, str | Sequence[str]],
        resolve_enum: EnumResolver | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
    ) -> str:
        """The query text with each given (or default) parameter bound by a VALUES block of RDF terms.

        ``limit`` and ``offset`` (paged queries only; TowngownError otherwise) append ``LIMIT``/``OFFSET`` to the
        outermost query, after its ORDER BY; a negative one is an InputError.

        A value may be one string or a sequence of strings (the query then answers for any of them:
        ``VALUES ?_name { <a> <b> }``); each is checked on its own. Empty strings count as not given. Raises
        InputError (with a ``parameter`` detail) for an unknown parameter, a value of the wrong type, a value
        outside the allowed values, or a required one missing. Values from an ``enum_query`` are only checked
        when ``resolve_enum`` is given.
        """
        if self.error is not None:
            raise TowngownError(f"stored query {self.name!r} is broken: {self.error}", query=self.name)
        sliced = _slice(self, limit, offset)
        for name in values:
            self.parameter(name)  # refuses unknown names before anything else
        bindings: list[tuple[Parameter, list[Node]]] = []
        for parameter in self.parameters:
            given = _given(values.get(parameter.name))
            if not given and parameter.default is not None and parameter.default != "":
                given = [parameter.default]
            if not given:
                if parameter.required:
                    raise InputError(
                        f"parameter {parameter.name!r} is required", parameter=parameter.name, query=self.name
                    )
                continue
            pairs = [(raw, parameter.to_term(raw)) for raw in given]
            terms: list[Node] = []
            for _, term in pairs:
                if term not in terms:
                    terms.append(term)
            allowed = parameter.allowed_among(terms, resolve_enum)
            for raw, term in pairs:
                if allowed is not None and not _in_enum(parameter.type, term, allowed):
                    detail = {} if parameter.enum_query and parameter.enum is None else {"allowed": list(allowed)}
                    raise InputError(
                        f"parameter {parameter.name!r}: {raw!r} is not one of the allowed values"
                        + (f" (see /queries/{self.name} for them)" if not detail else ""),
                        parameter=parameter.name,
                        query=self.name,
                        **detail,
                    )
            bindings.append((parameter, terms))
        if not bindings:
            return self.sparql + sliced
        if self._insert_at is None:
            raise TowngownError(f"stored query {self.name!r} has no WHERE group to bind parameters in")
        return _insert_values(self.sparql, self._insert_at, self._sub_selects, bindings) + sliced


class Catalog:
    """The stored queries of one folder, in name order; broken files are kept with their error."""

    def __init__(self, queries: Iterator[StoredQuery] | list[StoredQuery] | tuple[StoredQuery, ...]) -> None:
        self._queries = {q.name: q for q in sorted(queries, key=lambda q: q.name)}

    def get(self, name: str) -> StoredQuery:
        """The stored query called ``name``; NotFound if there is none."""
        try:
            return self._queries[name]
        except KeyError:
            raise NotFound(f"no stored query named {name!r}", query=name) from None

    def __iter__(self) -> Iterator[StoredQuery]:
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    @property
    def names(self) -> tuple[str, ...]:
        """The public names (file stems), sorted."""
        return tuple(self._queries)

    @property
    def broken(self) -> tuple[StoredQuery, ...]:
        """The files that failed to load, each with its error."""
        return tuple(q for q in self if q.error is not None)


def load_catalog(folder: Path | str | None = None) -> Catalog:
    """Read every ``*.rq`` in ``folder`` (default: towngown's queries folder) into a Catalog."""
    root = Path(folder) if folder is not None else queries_dir()
    queries = [load_query(path) for path in sorted(root.glob("*.rq"))]
    broken = sum(1 for q in queries if q.error is not None)
    logger.info("loaded %d stored queries from %s (%d broken)", len(queries), root, broken)
    return Catalog(queries)


def load_query(path: Path) -> StoredQuery:
    """One stored query file; any problem is recorded in ``error`` instead of raised."""
    name = path.stem
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return _broken(name, path, "", f"cannot read file: {exc}")
    try:
        header = _header(text)
        title = _bilingual(header.get("title"), "title")
        description = _bilingual(header.get("description"), "description")
        parameters = _parameters(header.get("parameters"))
        tags = tuple(str(t) for t in header.get("tags") or ())
        pagination = _pagination(header.get("pagination"))
    except (yaml.YAMLError, ValueError, TypeError, AttributeError) as exc:
        return _broken(name, path, text, f"bad header: {_one_line(exc)}")
    try:
        parseQuery(text)
    except Exception as exc:  # noqa: BLE001 - pyparsing raises several kinds; any is a broken file
        return _broken(name, path, text, f"SPARQL does not parse: {_one_line(exc)}", title, description)
    for parameter in parameters:
        if not re.search(rf"[?$]{parameter.variable}(?![A-Za-z0-9_])", _strip_comments(text)):
            return _broken(
                name, path, text, f"parameter {parameter.name!r} is not used as ?{parameter.variable}",
                title, description,
            )
    insert_at = _where_group_start(text)
    if parameters and insert_at is None:
        return _broken(name, path, text, "no WHERE group found to bind parameters in", title, description)
    if pagination is not None:
        problem = _unpageable(text, insert_at)
        if problem:
            return _broken(name, path, text, f"pagination: {problem}", title, description)
    return StoredQuery(
        name=name,
        title=title,
        description=description,
        parameters=parameters,
        sparql=text,
        path=path,
        error=None,
        tags=tags,
        example=header.get("example"),
        pagination=pagination,
        _insert_at=insert_at,
        _sub_selects={p.variable: _sub_select_starts(text, p.variable) for p in parameters},
    )


def to_term(type_: str, value: str, *, parameter: str = "value") -> Node:
    """The RDF term for ``value`` read as ``type_``; InputError naming ``parameter`` if it does not fit."""

    def refuse(expected: str) -> InputError:
        return InputError(f"parameter {parameter!r}: {value!r} is not {expected}", parameter=parameter)

    if type_ == "iri":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or _IRI_FORBIDDEN.search(value):
            raise refuse("an absolute http(s) IRI")
        return URIRef(value)
    if type_ == "string":
        return Literal(value)
    if type_ == "date":
        if not _DATE.match(value):
            raise refuse("a date (YYYY-MM-DD)")
        try:
            from datetime import date

            date.fromisoformat(value)
        except ValueError:
            raise refuse("a date (YYYY-MM-DD)") from None
        return Literal(value, datatype=XSD.date)
    if type_ == "integer":
        if not _INTEGER.match(value):
            raise refuse("an integer")
        return Literal(int(value), datatype=XSD.integer)
    if type_ == "decimal":
        if not _DECIMAL.match(value):
            raise refuse("a decimal number")
        try:
            return Literal(Decimal(value), datatype=XSD.decimal)
        except InvalidOperation:
            raise refuse("a decimal number") from None
    if type_ == "language":
        if not _LANGUAGE.match(value):
            raise refuse("a language tag (BCP 47)")
        return Literal(value.lower())
    if type_ == "boolean":
        if value.lower() not in _BOOLEANS:
            raise refuse("a boolean (true or false)")
        return Literal(_BOOLEANS[value.lower()])
    raise InputError(f"parameter {parameter!r} has unknown type {type_!r}", parameter=parameter)


# --- private helpers -------------------------------------------------------------------------------------------


def _broken(
    name: str,
    path: Path,
    text: str,
    error: str,
    title: Mapping[str, str] | None = None,
    description: Mapping[str, str] | None = None,
) -> StoredQuery:
    logger.warning("stored query %s is broken: %s", path, error)
    return StoredQuery(
        name=name,
        title=title or {lang: name for lang in _LANGUAGES},
        description=description or {},
        parameters=(),
        sparql=text,
        path=path,
        error=error,
    )


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _header(text: str) -> dict:
    lines = [line[len(_HEADER_PREFIX) :] for line in text.splitlines() if line.startswith(_HEADER_PREFIX)]
    # "#+ key: v" -> "key: v"; strip exactly one space so YAML indentation below it is kept.
    lines = [line[1:] if line.startswith(" ") else line for line in lines]
    header = yaml.safe_load("\n".join(lines)) if lines else None
    if not isinstance(header, dict):
        raise ValueError("the #+ header must be a YAML mapping")
    return header


def _bilingual(value: object, what: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a mapping with nb and en")
    missing = [lang for lang in _LANGUAGES if not isinstance(value.get(lang), str) or not value[lang].strip()]
    if missing:
        raise ValueError(f"{what} lacks {', '.join(missing)}")
    return {str(k): str(v).strip() for k, v in value.items()}


def _parameters(value: object) -> tuple[Parameter, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise ValueError("parameters must be a mapping of name to description")
    result = []
    for name, spec in value.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(f"bad parameter name {name!r}")
        if not isinstance(spec, dict):
            raise ValueError(f"parameter {name!r} must be a mapping")
        type_ = spec.get("type")
        if type_ not in PARAMETER_TYPES:
            raise ValueError(f"parameter {name!r} has type {type_!r}; expected one of {', '.join(PARAMETER_TYPES)}")
        description = _bilingual(spec.get("description"), f"parameter {name!r} description")
        enum = spec.get("enum")
        if enum is not None:
            if not isinstance(enum, list) or not enum:
                raise ValueError(f"parameter {name!r}: enum must be a non-empty list")
            enum = tuple(_scalar(v) for v in enum)
            for v in enum:
                to_term(type_, v, parameter=name)
        enum_query = spec.get("enum_query")
        if enum_query is not None:
            if not isinstance(enum_query, str):
                raise ValueError(f"parameter {name!r}: enum_query must be SPARQL text")
            try:
                parseQuery(enum_query)
            except Exception as exc:  # noqa: BLE001 - pyparsing raises several kinds
                raise ValueError(f"parameter {name!r}: enum_query does not parse: {_one_line(exc)}") from None
        default = spec.get("default")
        if default is not None:
            default = _scalar(default)
            to_term(type_, default, parameter=name)
            if enum is not None and default not in enum:
                raise ValueError(f"parameter {name!r}: default {default!r} is not in enum")
        result.append(
            Parameter(
                name=name,
                type=type_,
                description=description,
                default=default,
                enum=enum,
                enum_query=enum_query,
                required=bool(spec.get("required", False)),
            )
        )
    return tuple(result)


def _pagination(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGE_SIZE:
        raise ValueError(f"pagination must be a page size from 1 to {MAX_PAGE_SIZE}")
    return value


def _unpageable(text: str, insert_at: int | None) -> str | None:
    """Why the query cannot be sliced by appending LIMIT/OFFSET (None if it can): the words after its outermost
    group must include ORDER BY and no LIMIT, OFFSET or trailing VALUES."""
    if insert_at is None:
        return "no WHERE group found"
    depth = 1
    after: list[str] = []
    for start, end, kind in _tokens(text[insert_at:]):
        if kind == "{":
            depth += 1
        elif kind == "}":
            depth -= 1
        elif kind == "word" and depth == 0:
            after.append(text[insert_at + start : insert_at + end].upper())
    if not any(a == "ORDER" and b == "BY" for a, b in zip(after, after[1:])):
        return "a paged query needs ORDER BY on the outermost query, so that pages are stable"
    for word in ("LIMIT", "OFFSET", "VALUES"):
        if word in after:
            return f"a paged query must not end in its own {word}"
    return None


def _slice(query: StoredQuery, limit: int | None, offset: int | None) -> str:
    """The LIMIT/OFFSET text to append to a paged query ('' when neither is given)."""
    if limit is None and offset is None:
        return ""
    if not query.paged:
        raise TowngownError(f"stored query {query.name!r} is not paged (no pagination header)", query=query.name)
    for name, number in (("_size", limit), ("_next", offset)):
        if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < 0):
            raise InputError(f"{name} must be a non-negative whole number", parameter=name, query=query.name)
    text = "\n"
    if limit is not None:
        text += f"LIMIT {limit}\n"
    if offset:
        text += f"OFFSET {offset}\n"
    return text


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _in_enum(type_: str, term: Node, allowed: tuple[str, ...]) -> bool:
    if type_ == "iri":
        return str(term) in allowed
    # compare by value so "01" matches an enum of integer 1, "TRUE" matches true
    for candidate in allowed:
        try:
            if to_term(type_, candidate) == term or str(to_term(type_, candidate)) == str(term):
                return True
        except InputError:
            continue
    return False


def _n3(term: Node) -> str:
    """SPARQL syntax for a term; literals always in the short escaped form, which no value can leave."""
    if isinstance(term, Literal):
        lexical = '"' + "".join(_ECHAR.get(ch, ch) for ch in str(term)) + '"'
        if term.language:
            return f"{lexical}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{lexical}^^<{term.datatype}>"
        return lexical
    return term.n3()


def _given(raw: str | Sequence[str] | None) -> list[str]:
    """The non-empty values given for one parameter: a string is one value, a sequence several."""
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    return [str(item) for item in items if item is not None and str(item) != ""]


def _insert_values(
    sparql: str,
    insert_at: int,
    sub_selects: Mapping[str, tuple[int, ...]],
    bindings: list[tuple[Parameter, list[Node]]],
) -> str:
    """``sparql`` with a VALUES block per binding at ``insert_at`` and at the sub-selects it is safe in."""
    blocks: dict[int, str] = {}
    for parameter, terms in bindings:
        block = f"\n  VALUES ?{parameter.variable} {{ {' '.join(_n3(term) for term in terms)} }}"
        for offset in (insert_at, *sub_selects.get(parameter.variable, ())):
            blocks[offset] = blocks.get(offset, "") + block
    for offset in sorted(blocks, reverse=True):
        sparql = sparql[:offset] + blocks[offset] + sparql[offset:]
    return sparql


def _strip_comments(text: str) -> str:
    return "".join(text[start:end] for start, end, kind in _tokens(text) if kind != "comment")


def _tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """A coarse lexer: yields (start, end, kind) for comments, strings, IRIs, variables, words and punctuation."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            yield i, end, "comment"
            i = end
        elif ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            end = min(n, j + len(quote))
            yield i, end, "string"
            i = end
        elif ch == "<" and (m := _IRIREF.match(text, i)):
            yield i, m.end(), "iri"
            i = m.end()
        elif ch in "?$":
            m = _VARIABLE.match(text, i)
            yield i, m.end(), "variable"
            i = max(m.end(), i + 1)
        elif (m := _WORD.match(text, i)) is not None:
            yield i, m.end(), "word"
            i = m.end()
        else:
            yield i, i + 1, ch
            i += 1


#: A comment inside a sub-select's braces, before its SELECT, that marks it as a lookup table (module docstring).
LOOKUP_MARK = "# towngown:lookup"


@dataclass
class _Group:
    """One ``{ ... }`` of a query, as far as binding parameters inside sub-selects needs to know it."""

    context: str  # how it joins its parent: join, union, optional, minus, exists, graph, service, values, where
    start: int  # offset just after its '{'
    select: bool = False  # the group is a sub-select
    lookup: bool = False  # sub-select marked with LOOKUP_MARK
    children: list[_Group] = field(default_factory=list)
    bound: set[str] = field(default_factory=set)  # variables of triple patterns directly in this group
    projected: set[str] = field(default_factory=set)  # sub-select: plain variables of its SELECT clause
    star: bool = False  # sub-select: SELECT *
    sliced: bool = False  # sub-select: LIMIT or OFFSET
    where: _Group | None = None  # sub-select: its WHERE group
    union: int | None = None  # UNION branches of one UNION share a number


_OPENERS = {"OPTIONAL": "optional", "MINUS": "minus", "EXISTS": "exists", "UNION": "union", "WHERE": "where"}


def _groups(text: str) -> list[_Group]:
    """The top-level groups of a query, each with its nested groups (a coarse parse; comments skipped)."""
    everything = list(_tokens(text))
    tokens = [(a, b, k) for a, b, k in everything if k != "comment"]
    marks = [a for a, b, k in everything if k == "comment" and text[a:b].startswith(LOOKUP_MARK)]
    root = _Group("root", 0)
    stack: list[tuple[_Group, int]] = [(root, 0)]  # (group, paren depth inside it)
    clause: _Group | None = None  # a sub-select whose SELECT clause is being read
    pending: str | None = None  # values / service / graph: the next '{' opens one of these
    previous = ""
    union: int | None = None  # the UNION being read
    for index, (start, end, kind) in enumerate(tokens):
        group, parens = stack[-1]
        word = text[start:end].upper() if kind == "word" else ""
        if kind == "(":
            stack[-1] = (group, parens + 1)
        elif kind == ")":
            stack[-1] = (group, max(0, parens - 1))
        elif word in ("VALUES", "SERVICE", "GRAPH"):
            pending = word.lower()
        elif word == "UNION" and group.children:
            left = group.children[-1]
            left.context = "union"  # the left branch is no join either
            if left.union is None:
                left.union = start
            union = left.union
        elif kind == "variable" and parens == 0 and pending is None:
            if clause is not None and clause is group:
                clause.projected.add(text[start + 1 : end])
            else:
                group.bound.add(text[start + 1 : end])
        elif kind == "*" and clause is not None and clause is group and parens == 0:
            clause.star = True
        elif word in ("LIMIT", "OFFSET") and group.select:
            group.sliced = True
        elif kind == "{":
            following = tokens[index + 1] if index + 1 < len(tokens) else (end, end, "")
            select = following[2] == "word" and text[following[0] : following[1]].upper() == "SELECT"
            if clause is not None and clause is group and parens == 0:
                child = _Group("where", end)  # WHERE { SELECT ... }: the WHERE group is nothing but a sub-select
                clause.where = child
                clause = None
            elif pending is not None:
                child = _Group(pending, end)
            else:
                child = _Group(_OPENERS.get(previous, "join"), end)
                if previous == "UNION":
                    child.union = union
            if select and child.context not in ("values", "service"):
                child.select = True
                child.lookup = any(end <= mark < following[0] for mark in marks)
                clause = child
            pending = None
            group.children.append(child)
            stack.append((child, 0))
        elif kind == "}" and len(stack) > 1:
            stack.pop()
        previous = word
    return root.children


def _sub_select_starts(text: str, variable: str) -> tuple[int, ...]:
    """Offsets just after the WHERE '{' of each sub-select where ``VALUES ?variable`` may be repeated safely.

    See the module docstring for why these places, and only these, give the same answers."""
    insert_at = _where_group_start(text)
    top = _find_group(_groups(text), insert_at)
    if top is None:
        return ()
    found: list[int] = []
    _collect(top, variable, found, query_level=True)
    return tuple(found)


def _find_group(groups: list[_Group], start: int | None) -> _Group | None:
    for group in groups:
        if group.start == start:
            return group
        if (inner := _find_group(group.children, start)) is not None:
            return inner
    return None


def _collect(group: _Group, variable: str, found: list[int], *, query_level: bool, lookup: bool = False) -> None:
    for child in group.children:
        if not (child.context in ("join", "union", "graph") or (child.context == "optional" and query_level)):
            # minus, exists, service, values, or an OPTIONAL below the query level: its left side may leave the
            # variable unbound, so a VALUES inside could change the answer; the binding stays outside
            continue
        if not child.select:
            if child.context == "union" and variable in child.bound:
                # engines join a VALUES with a whole UNION, each branch evaluated unbound: bind each branch too
                found.append(child.start)
            _collect(child, variable, found, query_level=False, lookup=lookup)
        elif (where := _binding_group(child, variable)) is not None:
            found.append(where.start)
            _collect(where, variable, found, query_level=True, lookup=lookup)
        elif (child.lookup or lookup) and not child.star and not child.sliced and child.where is not None:
            # a lookup table: restricting what it computes to the bound values only drops rows nothing joins
            restricted = not child.where.select and _always_binds(child.where, variable)
            if restricted:
                found.append(child.where.start)
            _collect(child.where, variable, found, query_level=restricted, lookup=True)
        # any other sub-select: neither it nor anything inside it gets the binding


def _binding_group(sub: _Group, variable: str) -> _Group | None:
    """The group to put ``VALUES ?variable`` in for this sub-select, or None if that is not safe.

    Safe when the sub-select projects the variable plainly (not ``AS``), binds it in every row, and has no LIMIT
    or OFFSET."""
    if sub.star or sub.sliced or sub.where is None or variable not in sub.projected:
        return None
    if sub.where.select:  # SELECT ... WHERE { SELECT ... }: the inner one decides
        return _binding_group(sub.where, variable)
    return sub.where if _always_binds(sub.where, variable) else None


def _always_binds(group: _Group, variable: str) -> bool:
    """True if every solution of ``group`` binds ``variable``: a triple pattern directly in it, in a group joined
    into it, in every branch of a UNION in it, or a joined sub-select that projects it and always binds it."""
    if variable in group.bound:
        return True
    unions: dict[int, list[_Group]] = {}
    for child in group.children:
        if child.context == "union" and child.union is not None:
            unions.setdefault(child.union, []).append(child)
    if any(all(_always_binds(b, variable) for b in branches) for branches in unions.values()):
        return True  # a UNION each branch of which binds it
    for child in group.children:
        if child.context != "join":
            continue
        if not child.select and _always_binds(child, variable):
            return True
        if child.select and variable in child.projected and _binding_group(child, variable) is not None:
            return True
    return False


def _where_group_start(text: str) -> int | None:
    """Offset just after the '{' that opens the outermost WHERE group, or None."""
    form: str | None = None
    depth_paren = 0
    seen_where = False
    for start, end, kind in _tokens(text):
        if kind == "word":
            word = text[start:end].upper()
            if form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = word
            elif word == "WHERE" and depth_paren == 0:
                seen_where = True
        elif kind == "(":
            depth_paren += 1
        elif kind == ")":
            depth_paren = max(0, depth_paren - 1)
        elif kind == "{" and depth_paren == 0:
            if seen_where or form in ("SELECT", "ASK", "DESCRIBE"):
                return end
            return None if form is None else _after_template(text, end)
    return None


def _after_template(text: str, offset: int) -> int | None:
    """For a CONSTRUCT: skip its template (opened just before ``offset``) and find the WHERE group after it."""
    depth = 1
    seen_where = False
    for start, end, kind in _tokens(text[offset:]):
        if kind == "{":
            if depth == 0 and seen_where:
                return offset + end
            depth += 1
        elif kind == "}":
            depth -= 1
        elif kind == "word" and depth == 0 and text[offset + start : offset + end].upper() == "WHERE":
            seen_where = True
    return None
