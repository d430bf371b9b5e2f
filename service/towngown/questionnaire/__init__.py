"""The questionnaire a municipality or university fills in without knowing RDF (YAML, XLSX or the web form),
and its conversion into the partnership's named graph.

    questionnaire = read_file(Path("gjovik-ntnu.yaml"))      # or read_xlsx(bytes), read_form(fields)
    built = build(questionnaire, "gjovik-ntnu")              # QuestionnaireError names field and cell/line
    report = validate(built.dataset)                         # towngown.validation
    fields = form_fields(answers_of(graph, "gjovik-ntnu"))   # a published graph back into the form (edit)
"""

from __future__ import annotations

from .answers import Answers, answers_of, form_fields
from .building import LICENSE, SLUG, Built, KnownOrganisation, build, without_provenance
from .model import Cell, Problem, Questionnaire, Row, SourceFile
from .reading import (
    FORM_MEDIA_TYPE,
    MAX_FORM_ROWS,
    XLSX_MEDIA_TYPE,
    YAML_MEDIA_TYPE,
    form_row_count,
    read_file,
    read_form,
    read_xlsx,
    read_yaml,
)
from .spec import SECTIONS, TABLE, TABLES, Column, Table

__all__ = [
    "Answers",
    "Built",
    "Cell",
    "Column",
    "FORM_MEDIA_TYPE",
    "KnownOrganisation",
    "LICENSE",
    "MAX_FORM_ROWS",
    "Problem",
    "Questionnaire",
    "Row",
    "SECTIONS",
    "SLUG",
    "SourceFile",
    "TABLE",
    "TABLES",
    "Table",
    "XLSX_MEDIA_TYPE",
    "YAML_MEDIA_TYPE",
    "answers_of",
    "build",
    "form_fields",
    "form_row_count",
    "read_file",
    "read_form",
    "read_xlsx",
    "read_yaml",
    "without_provenance",
]
