"""`towngown import` and `towngown template`: the questionnaire on the command line (issue 5)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from ..errors import QuestionnaireError
from . import cli

__all__ = ["import_questionnaire", "template"]

logger = logging.getLogger(__name__)


def _write(output: Path | None, data: bytes) -> None:
    """Write bytes to a file (atomically, via a temporary file) or to stdout."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(output)


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", required=True, help="The partnership's slug: its graph is graph/<slug> (e.g. gjovik-ntnu).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the TriG here instead of stdout.")
@click.option("--lang", "language", type=click.Choice(["nb", "en"]), default="en", show_default=True,
              help="Language of the messages.")
def import_questionnaire(file: Path, slug: str, output: Path | None, language: str) -> None:
    """Turn a filled-in questionnaire (.yaml or .xlsx) into the partnership graph (TriG) and validate it.

    Mistakes name the field and the line (YAML) or cell (XLSX); exit 1 on mistakes or violations."""
    from ..questionnaire import build, read_file
    from ..validation import validate

    try:
        built = build(read_file(file), slug)
    except QuestionnaireError as exc:
        for problem in exc.problems:
            click.echo(problem.text(language), err=True)  # type: ignore[attr-defined]
        if language == "nb":
            click.echo(f"{file}: {len(exc.problems)} feil; ingen graf ble skrevet", err=True)
        else:
            click.echo(f"{file}: {len(exc.problems)} mistake(s); no graph was written", err=True)
        sys.exit(1)
    report = validate(built.dataset, language=language)
    _write(output, built.trig().encode("utf-8"))
    for result in report.results:
        where = built.where(result.focus_node) or str(result.focus_node)
        click.echo(f"{result.severity}: {where}: {result.message(language)}", err=True)
    counts = report.counts
    click.echo(
        f"{file} -> graph/{slug}: {len(built.graph)} triples; "
        f"{counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} info(s)"
        + (f"; written to {output}" if output else ""),
        err=True,
    )
    if not report.conforms:
        sys.exit(1)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["yaml", "xlsx"]), default="yaml", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the template here (needed for xlsx); YAML goes to stdout without it.")
@click.option("--fill", "fill", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A filled-in questionnaire (.yaml or .xlsx) to copy into the template.")
def template(fmt: str, output: Path | None, fill: Path | None) -> None:
    """Write the empty questionnaire as commented YAML or as an XLSX workbook with drop-downs."""
    from ..questionnaire import read_file
    from ..questionnaire.templates import workbook_bytes, yaml_template

    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("an XLSX workbook needs --output FILE")
        _write(output, workbook_bytes(read_file(fill) if fill else None))
    else:
        if fill is not None:
            raise click.UsageError("--fill works with --format xlsx (copy a YAML answer into the workbook)")
        _write(output, yaml_template().encode("utf-8"))
    if output is not None:
        click.echo(f"wrote {output}", err=True)
