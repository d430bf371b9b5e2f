"""Read a filled-in questionnaire (YAML, XLSX, or the web form's fields) into located rows.

Every value keeps where it was written ("line 42", "Ressurser-Commitments!F7", or the form field's name), so a
mistake found later can name it. Reading checks the shape (known sections, tables and columns); what the values
mean is checked when the graph is built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .model import Cell, Problems, Questionnaire, Row, SourceFile
from .spec import LANGUAGES, SECTIONS, STATEMENTS, TABLE, TABLES, Column, Table

__all__ = [
    "read_file",
    "read_yaml",
    "read_xlsx",
    "read_form",
    "form_row_count",
    "YAML_MEDIA_TYPE",
    "XLSX_MEDIA_TYPE",
    "FORM_MEDIA_TYPE",
    "MAX_FORM_ROWS",
    "LIST_SEPARATOR",
    "HEADER_ROWS",
]

logger = logging.getLogger(__name__)

YAML_MEDIA_TYPE = "application/yaml"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"

#: Several ids in one cell are separated by semicolons (commas may stand in names).
LIST_SEPARATOR = ";"
#: A list sheet has three header rows (bokmål names, English names, cell keys); answers start on row 4.
HEADER_ROWS = 3
#: Most rows one table of the web form may have.
MAX_FORM_ROWS = 200

_NULL_TAG = "tag:yaml.org,2002:null"
_TOP_LEVEL = {"towngown_questionnaire", "language", "partnership", "organisations", "sources", "status_report"}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(path: Path) -> Questionnaire:
    """Read a .yaml/.yml or .xlsx questionnaire file."""
    path = Path(path)
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_yaml(data, path.name)
    if suffix == ".xlsx":
        return read_xlsx(data, path.name)
    problems = Problems()
    problems.add(path.name, "", None, None, f"ukjent filtype {suffix!r}: bruk .yaml eller .xlsx",
                 f"unknown file type {suffix!r}: use .yaml or .xlsx")
    problems.raise_if_any(path.name)
    raise AssertionError("unreachable")


# ---- shared: flat cells of one row -> a Row ----------------------------------------------------------

def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", LIST_SEPARATOR).split(LIST_SEPARATOR) if part.strip()]


def _assemble(table: Table, flat: Mapping[str, Cell], where: str, problems: Problems,
              lines: tuple[int, int] | None = None) -> Row | None:
    """Group a row's flat cells (name_nb, roles_2, ...) by column; None when every cell is empty."""
    by_cell = table.cell_columns()
    cells: dict[str, Cell] = {}
    lists: dict[str, list[Cell]] = {}
    places: dict[str, str] = {}
    for key, cell in flat.items():
        places.setdefault(key, cell.where)
        if key in by_cell:
            places.setdefault(by_cell[key].key, cell.where)
    for key, cell in flat.items():
        if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
            continue
        column = by_cell.get(key)
        if column is None:
            try:
                column = table.column(key)
            except KeyError:
                known = ", ".join(c for c in by_cell)
                problems.add(cell.where, table.name, key, table.field, f"ukjent kolonne {key!r} (kjente: {known})",
                             f"unknown column {key!r} (known: {known})")
                continue
        if column.multiple:
            items = cell.value if isinstance(cell.value, list) else [cell]
            for item in items:
                if column.many and isinstance(item.value, str):
                    lists.setdefault(column.key, []).extend(Cell(part, item.where) for part in _split(item.value))
                elif item.value not in (None, ""):
                    lists.setdefault(column.key, []).append(item)
        else:
            if isinstance(cell.value, list):
                problems.add(cell.where, table.name, key, table.field, "her kan det bare stå én verdi",
                             "only one value can go here")
                continue
            cells[key] = cell
    for key, items in lists.items():
        if items:
            cells[key] = Cell(items, items[0].where)
    if not cells:
        return None
    return Row(table.name, cells, where, lines, places)


# ---- YAML ----------------------------------------------------------------------------------------------

def _line(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}"


def _lines(node: yaml.Node) -> tuple[int, int]:
    end = node.end_mark.line if node.end_mark.column == 0 else node.end_mark.line + 1
    return node.start_mark.line + 1, max(node.start_mark.line + 1, end)


def _scalar(node: yaml.Node) -> str | None:
    """A scalar as written (not YAML-typed: "no" stays a word, "2021" stays a year); None for null."""
    if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL_TAG:
        return None
    return str(node.value)


class _YamlReader:
    def __init__(self, name: str, problems: Problems) -> None:
        self.name = name
        self.problems = problems
        self.language = "nb"
        self.tables: dict[str, list[Row]] = {t.name: [] for t in TABLES}
        self.partnership: dict[str, Cell] = {}
        self.partnership_where = "line 1"

    def bad(self, node: yaml.Node, table: str, column: str | None, field: str | None, nb: str, en: str) -> None:
        self.problems.add(_line(node), table, column, field, nb, en)

    def mapping(self, node: yaml.Node, table: str, field: str | None, what: tuple[str, str]) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """The key/value pairs of a mapping node (a problem if it is something else)."""
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
            return []
        if not isinstance(node, yaml.MappingNode):
            self.bad(node, table, None, field, f"{what[0]} skal være en samling av «nøkkel: verdi»",
                     f"{what[1]} should be a mapping of 'key: value'")
            return []
        pairs = []
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if key is None:
                self.bad(key_node, table, None, field, "tom nøkkel", "empty key")
                continue
            pairs.append((key, key_node, value_node))
        return pairs

    def cells(self, table: Table, node: yaml.Node, field: str | None, skip: frozenset[str] = frozenset()) -> dict[str, Cell]:
        """The flat cells of one row mapping."""
        flat: dict[str, Cell] = {}
        for key, key_node, value in self.mapping(node, table.name, field, ("en rad", "a row")):
            if key in skip:
                continue
            try:
                column = table.column(key)
            except KeyError:
                known = ", ".join(c.key for c in table.columns if c.yaml is None)
                self.bad(key_node, table.name, key, field, f"ukjent nøkkel {key!r} (kjente: {known})",
                         f"unknown key {key!r} (known: {known})")
                continue
            self.cell(table, column, value, flat, field)
        return flat

    def cell(self, table: Table, column: Column, value: yaml.Node, flat: dict[str, Cell], field: str | None) -> None:
        if column.kind == "text":
            if isinstance(value, yaml.MappingNode):
                for lang, lang_node, text in self.mapping(value, table.name, field, ("en tekst", "a text")):
                    if lang not in LANGUAGES:
                        self.bad(lang_node, table.name, column.key, field,
                                 f"ukjent språk {lang!r}: skriv nb eller en", f"unknown language {lang!r}: write nb or en")
                        continue
                    if not isinstance(text, yaml.ScalarNode):
                        self.bad(text, table.name, column.key, field, "en tekst skal være én verdi",
                                 "a text should be a single value")
                        continue
                    flat[f"{column.key}_{lang}"] = Cell(_scalar(text), _line(text))
            elif isinstance(value, yaml.ScalarNode):
                flat[f"{column.key}_{self.language}"] = Cell(_scalar(value), _line(value))
            else:
                self.bad(value, table.name, column.key, field, "en tekst skal være en tekst eller {nb: ..., en: ...}",
                         "a text should be a text or {nb: ..., en: ...}")
            return
        if isinstance(value, yaml.SequenceNode):
            items = []
            for item in value.value:
                if not isinstance(item, yaml.ScalarNode):
                    self.bad(item, table.name, column.key, field, "hvert element skal være én verdi",
                             "each item should be a single value")
                    continue
                items.append(Cell(_scalar(item), _line(item)))
            flat[column.key] = Cell(items, _line(value))
        elif isinstance(value, yaml.ScalarNode):
            text = _scalar(value)
            flat[column.key] = Cell([Cell(text, _line(value))] if column.multiple and text is not None else text, _line(value))
        else:
            self.bad(value, table.name, column.key, field, "her skal det stå en verdi eller en liste",
                     "a value or a list should go here")

    def rows(self, table: Table, node: yaml.Node, field: str | None, implied: Mapping[str, Cell] | None = None) -> None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
            return
        if not isinstance(node, yaml.SequenceNode):
            self.bad(node, table.name, None, field, "her skal det stå en liste av rader («- id: ...»)",
                     "a list of rows ('- id: ...') should go here")
            return
        for item in node.value:
            flat = self.cells(table, item, field)
            if implied and any(cell.value not in (None, "", []) for cell in flat.values()):
                for key, cell in implied.items():
                    flat.setdefault(key, Cell(cell.value, _line(item)))
            row = _assemble(table, flat, _line(item), self.problems, _lines(item))
            if row is not None:
                self.tables[table.name].append(row)

    def section(self, key: str, node: yaml.Node, tables: tuple[str, ...]) -> None:
        field = key
        inner = {TABLE[t].yaml[1]: TABLE[t] for t in tables if len(TABLE[t].yaml) > 1}
        own = TABLE["origin"] if "origin" in tables else None
        concept_lists = {c.yaml[1]: c for c in TABLE["partnership"].columns if c.yaml and c.yaml[0] == key}
        origin_flat: dict[str, Cell] = {}
        for name, key_node, value in self.mapping(node, "", field, (f"avsnittet {key!r}", f"the section {key!r}")):
            if name == "statements":
                self.rows(STATEMENTS, value, field, {"field": Cell(field, _line(value))})
            elif name in inner:
                self.rows(inner[name], value, field)
            elif name in concept_lists:
                column = concept_lists[name]
                self.cell(TABLE["partnership"], column, value, self.partnership, field)
            elif own is not None and name in {c.key for c in own.columns}:
                self.cell(own, own.column(name), value, origin_flat, field)
            else:
                known = ", ".join([*inner, *concept_lists, *([c.key for c in own.columns] if own else []), "statements"])
                self.bad(key_node, "", None, field, f"ukjent nøkkel {name!r} i avsnittet {key!r} (kjente: {known})",
                         f"unknown key {name!r} in the section {key!r} (known: {known})")
        if own is not None:
            row = _assemble(own, origin_flat, _line(node), self.problems, _lines(node))
            if row is not None:
                self.tables["origin"].append(row)

    def read(self, root: yaml.Node) -> None:
        pairs = self.mapping(root, "", None, ("spørreskjemaet", "the questionnaire"))
        for name, _, value in pairs:
            if name == "language":
                language = _scalar(value)
                if language not in LANGUAGES:
                    self.bad(value, "", None, None, "language skal være nb eller en", "language should be nb or en")
                else:
                    self.language = language
        sections = dict(SECTIONS)
        for name, key_node, value in pairs:
            if name in ("towngown_questionnaire", "language"):
                continue
            if name == "partnership":
                skip = frozenset(c.key for c in TABLE["partnership"].columns if c.yaml)
                self.partnership.update(self.cells(TABLE["partnership"], value, None, skip))
                self.partnership_where = _line(value)
            elif name == "organisations":
                self.rows(TABLE["organisations"], value, "participants")
            elif name == "sources":
                self.rows(TABLE["sources"], value, None)
            elif name == "status_report":
                row = _assemble(TABLE["report"], self.cells(TABLE["report"], value, None), _line(value),
                                self.problems, _lines(value))
                if row is not None:
                    self.tables["report"].append(row)
            elif name in sections:
                self.section(name, value, sections[name])
            else:
                known = ", ".join([*sorted(_TOP_LEVEL), *sections])
                self.bad(key_node, "", None, None, f"ukjent avsnitt {name!r} (kjente: {known})",
                         f"unknown section {name!r} (known: {known})")
        row = _assemble(TABLE["partnership"], self.partnership, self.partnership_where, self.problems)
        if row is not None:
            self.tables["partnership"].append(row)


def read_yaml(data: bytes, name: str = "questionnaire.yaml") -> Questionnaire:
    """Read a filled-in YAML questionnaire; QuestionnaireError names the line of every mistake."""
    problems = Problems()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(f"line {line}", "", None, None, "filen er ikke UTF-8", "the file is not UTF-8")
        problems.raise_if_any(name)
        raise AssertionError("unreachable") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "line ?"
        reason = " ".join(str(exc.problem or exc).split())
        nb, en = f"YAML-syntaksfeil: {reason}", f"YAML syntax error: {reason}"
        context = exc.context_mark
        if exc.context and context is not None and (mark is None or context.line != mark.line):
            nb += f" ({exc.context} som starter på linje {context.line + 1}, kolonne {context.column + 1})"
            en += f" ({exc.context} that starts on line {context.line + 1}, column {context.column + 1})"
        problems.add(where, "", None, None, nb, en)
        problems.raise_if_any(name)
        raise AssertionError("unreachable") from exc
    except yaml.YAMLError as exc:
        problems.add("line ?", "", None, None, f"YAML-feil: {exc}", f"YAML error: {exc}")
        problems.raise_if_any(name)
        raise AssertionError("unreachable") from exc
    if root is None:
        problems.add("line 1", "", None, None, "filen er tom", "the file is empty")
        problems.raise_if_any(name)
    reader = _YamlReader(name, problems)
    reader.read(root)
    problems.raise_if_any(name)
    logger.info("read YAML questionnaire %s: %d rows", name, sum(len(r) for r in reader.tables.values()))
    return Questionnaire(reader.tables, SourceFile(name, YAML_MEDIA_TYPE, _sha256(data), "yaml"))


# ---- XLSX ----------------------------------------------------------------------------------------------

def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0, 0):
        return value.date()
    return value


def read_xlsx(data: bytes, name: str = "questionnaire.xlsx") -> Questionnaire:
    """Read a filled-in XLSX questionnaire (the template's layout); QuestionnaireError names the cell of every mistake."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    problems = Problems()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        problems.add(name, "", None, None, f"ikke en XLSX-arbeidsbok ({exc})", f"not an XLSX workbook ({exc})")
        problems.raise_if_any(name)
        raise AssertionError("unreachable") from exc
    tables: dict[str, list[Row]] = {t.name: [] for t in TABLES}
    try:
        for table in TABLES:
            if table.sheet not in workbook.sheetnames:
                continue
            sheet = workbook[table.sheet]
            rows = list(sheet.iter_rows(values_only=True))
            if table.single:
                flat: dict[str, Cell] = {}
                for number, values in enumerate(rows[1:], start=2):
                    values = tuple(values) + (None,) * 6
                    key = _xlsx_value(values[5])
                    if key is None:
                        continue
                    flat[str(key)] = Cell(_xlsx_value(values[2]), f"{table.sheet}!C{number}")
                row = _assemble(table, flat, f"{table.sheet}!C2", problems)
                if row is not None:
                    tables[table.name].append(row)
                continue
            if len(rows) < HEADER_ROWS:
                continue
            keys = [(_xlsx_value(k) if k is not None else None) for k in rows[HEADER_ROWS - 1]]
            for number, values in enumerate(rows[HEADER_ROWS:], start=HEADER_ROWS + 1):
                flat = {}
                for index, value in enumerate(values):
                    if index >= len(keys) or keys[index] is None:
                        if _xlsx_value(value) is not None:
                            ref = f"{table.sheet}!{get_column_letter(index + 1)}{number}"
                            problems.add(ref, table.name, None, table.field, "verdi i en kolonne uten nøkkel i rad 3",
                                         "a value in a column without a key in row 3")
                        continue
                    flat[str(keys[index])] = Cell(_xlsx_value(value), f"{table.sheet}!{get_column_letter(index + 1)}{number}")
                row = _assemble(table, flat, f"{table.sheet}!A{number}", problems)
                if row is not None:
                    tables[table.name].append(row)
    finally:
        workbook.close()
    problems.raise_if_any(name)
    logger.info("read XLSX questionnaire %s: %d rows", name, sum(len(r) for r in tables.values()))
    return Questionnaire(tables, SourceFile(name, XLSX_MEDIA_TYPE, _sha256(data), "xlsx"))


# ---- the web form ----------------------------------------------------------------------------------------

def form_row_count(form: Mapping[str, str], table: Table) -> int:
    """How many rows of ``table`` the form holds (its hidden <table>-rows field, bounded)."""
    try:
        count = int(str(form.get(f"{table.name}-rows", "0")).strip() or 0)
    except ValueError:
        count = 0
    return max(0, min(count, MAX_FORM_ROWS))


def read_form(form: Mapping[str, str], *, body: bytes = b"", name: str = "contribute-form") -> Questionnaire:
    """Read the fields of the /contribute form (<table>-<row>-<cell>, <table>-<cell>) into rows; a form field's
    name is where its value was written."""
    problems = Problems()
    get: Callable[[str], Any] = form.get
    tables: dict[str, list[Row]] = {t.name: [] for t in TABLES}
    for table in TABLES:
        cell_keys = list(table.cell_columns())
        if table.single:
            flat = {key: Cell(get(f"{table.name}-{key}"), f"{table.name}-{key}") for key in cell_keys}
            row = _assemble(table, flat, f"{table.name}-{cell_keys[0]}", problems)
            if row is not None:
                tables[table.name].append(row)
            continue
        for index in range(form_row_count(form, table)):
            prefix = f"{table.name}-{index}-"
            flat = {key: Cell(get(prefix + key), prefix + key) for key in cell_keys}
            row = _assemble(table, flat, prefix + cell_keys[0], problems)
            if row is not None:
                tables[table.name].append(row)
    problems.raise_if_any(name)
    return Questionnaire(tables, SourceFile(name, FORM_MEDIA_TYPE, _sha256(body), "form"))
