"""A filled-in questionnaire as rows of located cells, and the problems found in it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..concepts import vocabulary
from ..errors import QuestionnaireError
from .spec import TABLE

__all__ = ["Cell", "Row", "SourceFile", "Questionnaire", "Problem", "Problems"]


@dataclass(frozen=True)
class Cell:
    """One filled-in value and where it was written: "line 42", "Ressurser-Commitments!F7" or a form field."""

    value: Any
    where: str


@dataclass
class Row:
    """One row of a table (or the one record of a single table), keyed by cell key (name_nb, roles, ...)."""

    table: str
    cells: dict[str, Cell]
    where: str
    #: First and last line of the row in a YAML file (for line-level provenance).
    lines: tuple[int, int] | None = None
    #: Where each cell of the row is, filled in or not (XLSX cells, form fields): a missing answer is named there.
    places: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> Cell | None:
        """The cell ``key`` when it holds a value."""
        cell = self.cells.get(key)
        if cell is None or cell.value in (None, "", []):
            return None
        return cell

    def value(self, key: str) -> Any:
        """The value of cell ``key``, or None."""
        cell = self.get(key)
        return None if cell is None else cell.value

    def where_of(self, key: str) -> str:
        """Where cell ``key`` is, or would be when empty (else where the row is)."""
        cell = self.cells.get(key)
        if cell is not None:
            return cell.where
        return self.places.get(key, self.where)


@dataclass(frozen=True)
class SourceFile:
    """The document the answers were read from: the submitted file or form."""

    name: str
    media_type: str
    sha256: str
    kind: str  # "yaml", "xlsx" or "form"


@dataclass
class Questionnaire:
    """Every row of every table, in the order written, and the document they come from."""

    tables: dict[str, list[Row]]
    source: SourceFile

    def rows(self, table: str) -> list[Row]:
        """The rows of ``table`` (empty when none were filled in)."""
        return self.tables.get(table, [])

    def record(self, table: str) -> Row | None:
        """The one row of a single table (partnership, origin, report), if filled in."""
        rows = self.rows(table)
        return rows[0] if rows else None


@dataclass(frozen=True)
class Problem:
    """A mistake in a filled-in questionnaire: where, in which field, table and column, and what, in nb and en."""

    where: str
    table: str
    column: str | None
    field: str | None
    message: Mapping[str, str]
    row_id: str | None = None

    def text(self, language: str = "en", where: str | None = None) -> str:
        """One line: where (or ``where`` instead), the questionnaire field, table, row and column, and the message."""
        lang = "en" if language == "en" else "nb"
        parts = []
        if self.field:
            concept = vocabulary().scheme("field").find(self.field)
            word = "felt" if lang == "nb" else "field"
            parts.append(f"{word} {concept.notation} {concept.text(lang)}" if concept else f"{word} {self.field}")
        table = TABLE.get(self.table)
        if table is not None:
            name = table.label[lang]
            if self.row_id:
                name += f" «{self.row_id}»" if lang == "nb" else f" '{self.row_id}'"
            parts.append(name)
            if self.column:
                parts.append(self._column_label(table, lang))
        message = self.message.get(lang) or self.message.get("en", "")
        context = " › ".join(parts)
        shown = self.where if where is None else where
        text = f"{context}: {message}" if context else message
        return f"{shown}: {text}" if shown else text

    def _column_label(self, table: object, lang: str) -> str:
        """The name of the problem's column (or cell: "Navn (bokmål)") in ``lang``."""
        assert self.column is not None
        for column in table.columns:  # type: ignore[attr-defined]
            if self.column == column.key:
                return column.label[lang]
            if self.column in column.cells():
                return column.cell_label(self.column, lang)
        return self.column


@dataclass
class Problems:
    """Problems collected while reading and building; raise them all at once."""

    items: list[Problem] = field(default_factory=list)

    def add(self, where: str, table: str, column: str | None, field_: str | None, nb: str, en: str,
            row_id: str | None = None) -> None:
        """Record one problem."""
        self.items.append(Problem(where, table, column, field_, {"nb": nb, "en": en}, row_id))

    def raise_if_any(self, what: str) -> None:
        """Raise QuestionnaireError listing every problem, if there are any."""
        if self.items:
            lines = "\n".join(p.text("en") for p in self.items)
            raise QuestionnaireError(f"{what}: {len(self.items)} mistake(s)\n{lines}", problems=tuple(self.items))

    def __bool__(self) -> bool:
        return bool(self.items)
