"""The `towngown` command: validate, load, query, export and serve the knowledge graph."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from .. import __version__
from ..config import Settings
from ..errors import TowngownError, ValidationFailed
from ..resources import data_dir, ontology_dir

__all__ = ["main", "cli"]

logger = logging.getLogger(__name__)

#: Result media types for `towngown query --format`.
QUERY_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
}


@dataclass
class State:
    """The one state object of the CLI: settings, and the store once a command needs it."""

    settings: Settings
    _store: object | None = field(default=None, repr=False)

    @property
    def store(self):  # noqa: ANN201 - a towngown.store.SparqlStore
        if self._store is None:
            from ..store import open_store

            self._store = open_store(self.settings)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()  # type: ignore[attr-defined]
            self._store = None


def _default_paths() -> list[Path]:
    return [ontology_dir(), data_dir()]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="towngown")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Where the embedded store keeps its data (default var/).")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, verbose: bool) -> None:
    """towngown: the open knowledge graph of university-municipality partnerships."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    if data_dir is not None:
        settings = settings.with_(data_dir=data_dir)
    state = State(settings)
    ctx.obj = state
    ctx.call_on_close(state.close)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--lang", "language", type=click.Choice(["nb", "en"]), default="en", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "turtle"]), default="text", show_default=True)
@click.pass_obj
def validate(state: State, paths: tuple[Path, ...], language: str, fmt: str) -> None:
    """Validate RDF files or folders against the shapes (default: the bundled ontology and data); exit 1 on violations."""
    from ..publish import collect
    from ..validation import validate as run_validation

    dataset, files = collect(paths or _default_paths(), state.settings.base_iri)
    report = run_validation(dataset)
    if fmt == "turtle":
        click.echo(report.report_graph.serialize(format="turtle"))
    else:
        click.echo(report.text(language))
        click.echo(f"{files} file(s), {len(list(dataset.graphs()))} graph(s) checked.", err=True)
    if not report.conforms:
        sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.pass_obj
def load(state: State, paths: tuple[Path, ...]) -> None:
    """Validate, then load RDF files or folders into the store (default: the bundled ontology and data)."""
    from ..publish import load_paths

    try:
        summary = load_paths(state.store, paths or _default_paths(), base_iri=state.settings.base_iri)
    except ValidationFailed as exc:
        click.echo(exc.report.text("en"), err=True)  # type: ignore[attr-defined]
        raise
    click.echo(
        f"loaded {summary.triples} triples into {len(summary.graphs)} graphs from {summary.files} file(s) "
        f"in {summary.duration_s:.2f} s; {summary.report.counts.get('Warning', 0)} warning(s)"
    )


@cli.command()
@click.argument("sparql", required=False)
@click.option("--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Read the query from a file.")
@click.option("--name", "stored", help="Run a stored query (see `towngown queries`).")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the stored query (repeatable).")
@click.option("--format", "fmt", type=click.Choice(sorted(QUERY_FORMATS)), default="json", show_default=True)
@click.pass_obj
def query(state: State, sparql: str | None, query_file: Path | None, stored: str | None, params: tuple[str, ...], fmt: str) -> None:
    """Run a SPARQL query, or a stored query with parameters, against the store and print the result."""
    from ..sparql import inspect_query

    if stored:
        from ..catalog import load_catalog

        values = {}
        for item in params:
            key, sep, value = item.partition("=")
            if not sep:
                raise click.UsageError(f"--param {item!r}: write KEY=VALUE")
            values[key.strip()] = value
        stored_query = load_catalog().get(stored)
        if not stored_query.ok:
            raise click.ClickException(f"stored query {stored!r} is broken: {stored_query.error}")
        text = stored_query.bind(values, resolve_enum=lambda q: [str(next(iter(r.values()))) for r in state.store.select(q) if r])
    else:
        if params:
            raise click.UsageError("--param needs --name")
        text = query_file.read_text(encoding="utf-8") if query_file else sparql
    if not text:
        raise click.UsageError("give a query, --file or --name")
    info = inspect_query(text)
    if info.returns_graph != (fmt in ("turtle", "nt")):
        kind = "graph (use --format turtle or nt)" if info.returns_graph else "table (use json, csv, tsv or xml)"
        raise click.UsageError(f"a {info.form} returns a {kind}")
    response = state.store.query_raw(text, QUERY_FORMATS[fmt])
    sys.stdout.write(response.body.decode("utf-8"))


@cli.command()
@click.option("--lang", "language", type=click.Choice(["nb", "en"]), default="en", show_default=True)
def queries(language: str) -> None:
    """List the stored queries and their parameters."""
    from ..catalog import load_catalog

    for stored in load_catalog():
        title = stored.title.get(language, stored.name) if stored.ok else f"BROKEN: {stored.error}"
        click.echo(f"{stored.name}: {title}")
        for parameter in stored.parameters:
            need = "required" if parameter.required else "optional"
            click.echo(f"    --param {parameter.name}=<{parameter.type}>  ({need}) {parameter.description.get(language, '')}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["trig", "nq"]), default="trig", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file instead of stdout.")
@click.pass_obj
def export(state: State, fmt: str, output: Path | None) -> None:
    """Export every graph of the store as TriG or N-Quads."""
    text = state.store.dump("trig" if fmt == "trig" else "nquads")
    if output:
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    else:
        sys.stdout.write(text)


@cli.command("convert-ks")
@click.argument("yaml_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
def convert_ks(yaml_path: Path, out_dir: Path) -> None:
    """Convert the KS reference facts (YAML) into one TriG file per partnership."""
    from ..ksreference import write_all

    written = write_all(yaml_path, out_dir)
    click.echo(f"wrote {len(written)} file(s) to {out_dir}")


# Command groups of other areas live in their own modules and register themselves on `cli` when imported.
# (Add one import line per module here.)
from . import publishing  # noqa: E402,F401 - token, publish, source, harvest (issue 5)
from . import questionnaire  # noqa: E402,F401 - import, template (issue 5)
from . import serving  # noqa: E402,F401 - serve --workers N (issue 6)


def main(argv: list[str] | None = None) -> None:
    """Entry point: a towngown error is one clear line on stderr and exit 1, never a traceback."""
    try:
        cli.main(args=argv, prog_name="towngown", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        sys.exit(1)
    except TowngownError as exc:
        click.echo(f"towngown: error: {exc}", err=True)
        sys.exit(1)
    except Exception:
        logger.exception("unexpected error")
        click.echo("towngown: unexpected error (see the log above)", err=True)
        sys.exit(1)
