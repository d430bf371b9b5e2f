"""The empty questionnaire as a commented YAML file and as an XLSX workbook with drop-downs (optionally filled in).

Both are generated from the declaration in ``spec``, so they never drift from the reader; ``towngown template``
writes them and ``data/templates/`` holds the generated copies.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import textwrap

from ..concepts import Vocabulary, vocabulary
from .model import Questionnaire, Row
from .reading import HEADER_ROWS, LIST_SEPARATOR
from .spec import SECTIONS, STATEMENTS, TABLE, TABLES, Column, Table

__all__ = ["yaml_template", "workbook", "workbook_bytes", "README_SHEET", "LISTS_SHEET", "TEMPLATE_ROWS"]

logger = logging.getLogger(__name__)

README_SHEET = "LesMeg-ReadMe"
LISTS_SHEET = "Lister-Lists"
#: Rows of each list sheet that get drop-downs and number checks.
TEMPLATE_ROWS = 300
_YES, _NO = "ja — yes", "nei — no"

_INTRO_NB = (
    "Spørreskjema om samarbeid mellom kommune og universitet eller høyskole (towngown). Fyll inn det dere vet; "
    "tomme felt er lov. Tekster kan skrives på bokmål, engelsk eller begge. Rader som andre rader viser til, har "
    "en kort id (små bokstaver, tall og bindestrek). Kontroller filen med «towngown import FIL --slug NAVN» eller "
    "på /validate etter import, og publiser med en nøkkel (token) fra towngown."
)
_INTRO_EN = (
    "Questionnaire on partnerships between a municipality and a university or college (towngown). Fill in what "
    "you know; empty fields are allowed. Texts can be written in Norwegian Bokmål, English or both. Rows that "
    "other rows refer to have a short id (lower-case letters, digits and hyphens). Check the file with "
    "'towngown import FILE --slug NAME', and publish it with a token from towngown."
)


# ---- YAML ----------------------------------------------------------------------------------------------

def _comment(text: str, indent: str, width: int = 116) -> list[str]:
    lines = textwrap.wrap(" ".join(text.split()), width=width - len(indent) - 2, break_on_hyphens=False) or [""]
    return [f"{indent}# {line}".rstrip() for line in lines]


def _values(column: Column, vocab: Vocabulary) -> str:
    if column.kind == "concept" and column.scheme:
        return "; ".join(f"{c.code} ({c.text('nb')})" for c in vocab.scheme(column.scheme))
    if column.kind == "bool":
        return "yes / no (ja / nei)"
    return ""


def _column_lines(column: Column, indent: str, vocab: Vocabulary, first: str = "") -> list[str]:
    required = " (påkrevd / required)" if column.required else ""
    head = f"{column.label['nb']} / {column.label['en']}{required}"
    help_text = " / ".join(h for h in (column.help["nb"], column.help["en"]) if h.strip())
    lines = _comment(f"{head}: {help_text}" if help_text else head, indent)
    values = _values(column, vocab)
    if values:
        lines += _comment(f"verdier / values: {values}", indent)
    if column.kind == "text":
        empty = "{nb: , en: }"
    elif column.multiple:
        empty = "[]"
    else:
        empty = ""
    lines.append(f"{indent}{first}{column.key}: {empty}".rstrip())
    return lines


def _table_lines(table: Table, key: str, indent: str, vocab: Vocabulary, *, brief: bool = False) -> list[str]:
    """A table as a YAML list with one empty row; ``brief`` leaves out the column comments (said once before)."""
    if brief:
        lines = _comment(f"{table.label['nb']} / {table.label['en']} (se forklaringen under «participants» / "
                         f"see the explanation under 'participants')", indent)
    else:
        lines = _comment(f"{table.label['nb']} / {table.label['en']}: {table.help['nb']} / {table.help['en']}", indent)
    lines.append(f"{indent}{key}:")
    inner = indent + "  "
    for index, column in enumerate(c for c in table.columns if not (table.name == "statements" and c.key == "field")):
        column_lines = _column_lines(column, inner if index == 0 else inner + "  ", vocab)
        if brief:
            column_lines = column_lines[-1:]
        if index == 0:
            # the first key of a list item carries the dash; its comment stands at the dash's indent
            column_lines[-1] = column_lines[-1].replace(f"{inner}{column.key}:", f"{inner}- {column.key}:", 1)
        lines += column_lines
    return lines


def yaml_template() -> str:
    """The empty questionnaire as YAML, every section and column explained in bokmål and English."""
    vocab = vocabulary()
    fields = {c.code: c for c in vocab.fields()}
    out: list[str] = []
    out += _comment("towngown – spørreskjema om samarbeid mellom kommune og universitet", "")
    out += _comment("towngown – questionnaire on municipality–university partnerships", "")
    out.append("#")
    out += _comment(_INTRO_NB, "")
    out.append("#")
    out += _comment(_INTRO_EN, "")
    out.append("#")
    out += _comment("En tekst skrives {nb: ..., en: ...} eller som ren tekst på språket i «language». Lister skrives "
                    "[a, b]. / A text is written {nb: ..., en: ...} or as plain text in the language given by "
                    "'language'. Lists are written [a, b].", "")
    out.append("towngown_questionnaire: 1")
    out += _comment("Språk for tekster uten språk (nb eller en) / Language of texts written without one (nb or en)", "")
    out.append("language: nb")
    out.append("")
    partnership = TABLE["partnership"]
    out += _comment(f"{partnership.label['nb']} / {partnership.label['en']}", "")
    out.append("partnership:")
    for column in partnership.columns:
        if column.yaml is None:
            out += _column_lines(column, "  ", vocab)
    out.append("")
    out += _table_lines(TABLE["organisations"], "organisations", "", vocab)
    out.append("")
    out += _table_lines(TABLE["sources"], "sources", "", vocab)
    for section, tables in SECTIONS:
        concept = fields[section]
        out.append("")
        out.append(f"# {'=' * 100}")
        out += _comment(f"{concept.notation} {concept.label.get('nb', '')} / {concept.label.get('en', '')}", "")
        out += _comment(f"{concept.definition.get('nb', '')} / {concept.definition.get('en', '')}", "")
        if section == "base-resources":
            out += _comment("(Del av felt 5 / Part of field 5)", "")
        out.append(f"{section}:")
        for name in tables:
            table = TABLE[name]
            if name == "origin":
                for column in table.columns:
                    out += _column_lines(column, "  ", vocab)
            else:
                out += _table_lines(table, table.yaml[1], "  ", vocab)
        for column in partnership.columns:
            if column.yaml and column.yaml[0] == section:
                lines = _column_lines(column, "  ", vocab)
                lines[-1] = lines[-1].replace(f"  {column.key}:", f"  {column.yaml[1]}:", 1)
                out += lines
        out += _table_lines(STATEMENTS, "statements", "  ", vocab, brief=section != SECTIONS[0][0])
    out.append("")
    out.append(f"# {'=' * 100}")
    report = TABLE["report"]
    out += _comment(f"{report.label['nb']} / {report.label['en']}: {report.help['nb']} / {report.help['en']}", "")
    out.append("status_report:")
    for column in report.columns:
        out += _column_lines(column, "  ", vocab)
    return "\n".join(out) + "\n"


# ---- XLSX ----------------------------------------------------------------------------------------------

def _choices(column: Column, vocab: Vocabulary) -> list[str] | None:
    if column.kind == "concept" and column.scheme:
        return [c.choice for c in vocab.scheme(column.scheme)]
    if column.kind == "anyconcept":
        return [f"{s.name}: {c.choice}" for s in vocab.schemes.values() for c in s if s.name != "field"]
    if column.kind == "bool":
        return [_YES, _NO]
    return None


def _width(column: Column, cell: str) -> float:
    if column.long:
        return 60
    if column.kind == "text":
        return 36
    if column.kind in ("concept", "anyconcept"):
        return 30
    return max(14, min(30, len(column.cell_label(cell, "en")) + 4))


def _cell_value(column: Column, value: object, vocab: Vocabulary) -> object:
    """A filled-in value as the workbook shows it: concepts as their drop-down text, numbers as numbers."""
    if value is None:
        return None
    if isinstance(value, list):
        return f"{LIST_SEPARATOR} ".join(str(_cell_value(column, v.value, vocab)) for v in value)
    text = str(value).strip()
    if column.kind == "concept" and column.scheme:
        found = vocab.scheme(column.scheme).find(text)
        return found.choice if found else text
    if column.kind == "anyconcept":
        found = vocab.find_any(text)
        return f"{found.scheme}: {found.choice}" if found else text
    if column.kind == "bool":
        return _YES if text.casefold() in ("yes", "ja", "true", "1") else _NO if text.casefold() in ("no", "nei", "false", "0") else text
    if column.kind in ("decimal", "percent", "integer"):
        try:
            number = float(text.replace(",", "."))
            return int(number) if number.is_integer() else number
        except ValueError:
            return text
    if column.kind in ("date", "time"):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        if re.fullmatch(r"\d{4}", text):
            return int(text)
    return text


def _row_cells(table: Table, row: Row, vocab: Vocabulary) -> dict[str, object]:
    """The flat cells (name_nb, roles_1, ...) of a filled-in row."""
    out: dict[str, object] = {}
    for column in table.columns:
        if column.kind == "text":
            for cell in column.cells():
                out[cell] = row.value(cell)
        elif column.slots > 1:
            items = row.value(column.key) or []
            if len(items) > column.slots:
                raise ValueError(f"{row.where}: {table.name}.{column.key} has {len(items)} values; the workbook has "
                                 f"room for {column.slots}")
            for index, cell in enumerate(column.cells()):
                out[cell] = _cell_value(column, items[index].value, vocab) if index < len(items) else None
        else:
            out[column.key] = _cell_value(column, row.value(column.key), vocab)
    return out


def workbook(filled: Questionnaire | None = None):  # noqa: ANN201 - an openpyxl Workbook
    """The questionnaire as an openpyxl workbook: a read-me sheet, one sheet per table with bilingual headers,
    help as comments, drop-downs from a hidden sheet of concept labels; filled in from ``filled`` if given."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    vocab = vocabulary()
    book = Workbook()
    readme = book.active
    readme.title = README_SHEET
    bold = Font(bold=True)
    muted = Font(color="666666", italic=True, size=9)
    header_fill = PatternFill("solid", fgColor="DDE7F3")
    wrap = Alignment(wrap_text=True, vertical="top")

    readme["A1"] = "towngown – spørreskjema / questionnaire"
    readme["A1"].font = Font(bold=True, size=14)
    readme["A3"], readme["A4"] = _INTRO_NB, _INTRO_EN
    readme["A6"] = ("Hvert ark er én tabell: rad 1 og 2 gir navnet på bokmål og engelsk (hjelp i kommentaren), "
                    "rad 3 er nøkkelen som leses, svarene starter på rad 4. Nedtrekkslister viser tillatte verdier.")
    readme["A7"] = ("Each sheet is one table: rows 1 and 2 name the column in Norwegian Bokmål and English (help in "
                    "the comment), row 3 is the key that is read, answers start on row 4. Drop-downs show the allowed values.")
    for ref in ("A3", "A4", "A6", "A7"):
        readme[ref].alignment = wrap
    readme.column_dimensions["A"].width = 14
    readme.merge_cells("A3:F3"), readme.merge_cells("A4:F4"), readme.merge_cells("A6:F6"), readme.merge_cells("A7:F7")
    for number in (3, 4, 6, 7):
        readme.row_dimensions[number].height = 60
    readme.append([])
    readme.append(["Felt / Field", "Navn", "Name", "Forklaring", "Explanation", "Ark / Sheets"])
    for cell in readme[readme.max_row]:
        cell.font = bold
        cell.fill = header_fill
    for concept in vocab.fields():
        sheets = [t.sheet for t in TABLES if t.field == concept.code and t.name != "statements"]
        sheets += [TABLE["partnership"].sheet for c in TABLE["partnership"].columns if c.field == concept.code]
        sheets.append(STATEMENTS.sheet)
        readme.append([concept.notation, concept.label.get("nb"), concept.label.get("en"),
                       concept.definition.get("nb"), concept.definition.get("en"), ", ".join(dict.fromkeys(sheets))])
        for cell in readme[readme.max_row]:
            cell.alignment = wrap
    for letter, width in zip("BCDEF", (28, 28, 50, 50, 40)):
        readme.column_dimensions[letter].width = width

    # hidden sheet of allowed values, one column per list
    lists = book.create_sheet(LISTS_SHEET)
    ranges: dict[str, str] = {}

    def list_range(name: str, values: list[str]) -> str:
        if name not in ranges:
            column = len(ranges) + 1
            letter = get_column_letter(column)
            lists.cell(row=1, column=column, value=name)
            for offset, value in enumerate(values, start=2):
                lists.cell(row=offset, column=column, value=value)
            ranges[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        return ranges[name]

    def validation(column: Column, where: str) -> DataValidation | None:
        choices = _choices(column, vocab)
        label = f"{column.label['nb']} / {column.label['en']}"
        if choices is not None:
            name = column.scheme or column.kind
            check = DataValidation(type="list", formula1=list_range(name, choices), allow_blank=True)
            check.error = "Velg en verdi fra listen. / Choose a value from the list."
        elif column.kind == "ref" and not column.many and len(column.targets) == 1:
            target = TABLE[column.targets[0]]
            check = DataValidation(type="list", allow_blank=True,
                                   formula1=f"{quote_sheetname(target.sheet)}!$A${HEADER_ROWS + 1}:$A${HEADER_ROWS + TEMPLATE_ROWS}")
            check.error = "Skriv id-en til en rad i arket. / Write the id of a row of that sheet."
            check.errorStyle = "warning"
        elif column.kind == "percent":
            check = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True)
            check.error = "Et tall fra 0 til 100. / A number from 0 to 100."
        elif column.kind == "integer":
            check = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            check.error = "Et helt tall. / A whole number."
        else:
            return None
        check.showErrorMessage = True
        check.showInputMessage = True
        check.errorTitle = label[:32]
        check.promptTitle = label[:32]
        check.prompt = " / ".join(h for h in (column.help["nb"], column.help["en"]) if h)[:255] or None
        check.add(where)
        return check

    for table in TABLES:
        sheet = book.create_sheet(table.sheet)
        rows = filled.rows(table.name) if filled is not None else []
        if table.single:
            sheet.append(["Felt", "Field", "Svar / Answer", "Hjelp", "Help", "nøkkel / key"])
            for cell in sheet[1]:
                cell.font = bold
                cell.fill = header_fill
            values = _row_cells(table, rows[0], vocab) if rows else {}
            for column in table.columns:
                for key in column.cells():
                    sheet.append([column.cell_label(key, "nb"), column.cell_label(key, "en"), values.get(key),
                                  column.help["nb"], column.help["en"], key])
                    number = sheet.max_row
                    sheet.cell(row=number, column=6).font = muted
                    for index in (4, 5):
                        sheet.cell(row=number, column=index).alignment = wrap
                    check = validation(column, f"C{number}")
                    if check is not None:
                        sheet.add_data_validation(check)
            for letter, width in zip("ABCDEF", (30, 30, 50, 50, 50, 24)):
                sheet.column_dimensions[letter].width = width
            sheet.freeze_panes = "C2"
            continue
        cells = [(column, key) for column in table.columns for key in column.cells()]
        for index, (column, key) in enumerate(cells, start=1):
            letter = get_column_letter(index)
            top = sheet.cell(row=1, column=index, value=column.cell_label(key, "nb") + (" *" if column.required else ""))
            sheet.cell(row=2, column=index, value=column.cell_label(key, "en") + (" *" if column.required else ""))
            sheet.cell(row=3, column=index, value=key).font = muted
            for number in (1, 2):
                sheet.cell(row=number, column=index).font = bold
                sheet.cell(row=number, column=index).fill = header_fill
                sheet.cell(row=number, column=index).alignment = wrap
            help_text = "\n\n".join(h for h in (column.help["nb"], column.help["en"]) if h.strip())
            values = _values(column, vocab)
            if values and column.kind != "concept":
                help_text += f"\n\n{values}"
            if help_text.strip():
                top.comment = Comment(help_text, "towngown", width=320, height=160)
            sheet.column_dimensions[letter].width = _width(column, key)
            check = validation(column, f"{letter}{HEADER_ROWS + 1}:{letter}{HEADER_ROWS + TEMPLATE_ROWS}")
            if check is not None:
                sheet.add_data_validation(check)
        for offset, row in enumerate(rows):
            values = _row_cells(table, row, vocab)
            for index, (_, key) in enumerate(cells, start=1):
                value = values.get(key)
                if value is not None:
                    target = sheet.cell(row=HEADER_ROWS + 1 + offset, column=index, value=value)
                    if isinstance(value, dt.date):
                        target.number_format = "yyyy-mm-dd"
        sheet.row_dimensions[1].height = 30
        sheet.row_dimensions[2].height = 30
        sheet.freeze_panes = f"B{HEADER_ROWS + 1}"
    lists.sheet_state = "hidden"
    book.move_sheet(lists, offset=len(book.sheetnames) - 1 - book.index(lists))
    return book


def workbook_bytes(filled: Questionnaire | None = None) -> bytes:
    """The workbook as XLSX bytes."""
    buffer = io.BytesIO()
    workbook(filled).save(buffer)
    return buffer.getvalue()

