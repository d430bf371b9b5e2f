"""`towngown token`, `towngown publish`, `towngown source` and `towngown harvest`: publishing with tokens (issue 5)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from . import State, cli

__all__ = ["token", "publish", "source", "harvest"]

logger = logging.getLogger(__name__)


@cli.group()
def token() -> None:
    """Publishing tokens: create (shown once), list, revoke."""


@token.command("create")
@click.option("--publisher", required=True, help="Who publishes with the token (recorded in every version).")
@click.option("--partnership", "partnerships", multiple=True, required=True, metavar="SLUG",
              help="A partnership the token may publish (repeatable), e.g. gjovik-ntnu.")
@click.option("--expires-days", type=click.IntRange(min=0), default=None,
              help="Days until the token expires (default TOWNGOWN_TOKEN_EXPIRES_DAYS, 365; 0: never).")
@click.pass_obj
def token_create(state: State, publisher: str, partnerships: tuple[str, ...], expires_days: int | None) -> None:
    """Create a token and print it once; only a salted hash is kept."""
    from ..tokens import create_token

    secret, info = create_token(state.settings, publisher, partnerships, expires_days=expires_days)
    click.echo(secret)
    expiry = f"expires {info.expires}" if info.expires else "never expires"
    click.echo(
        f"token {info.id} for {info.publisher} ({', '.join(info.partnerships)}), {expiry}. "
        "This is the only time the token is shown: store it now.",
        err=True,
    )


@token.command("list")
@click.pass_obj
def token_list(state: State) -> None:
    """List the tokens (id, publisher, partnerships, dates, status); never a secret."""
    from ..tokens import list_tokens

    tokens = list_tokens(state.settings)
    if not tokens:
        click.echo("no tokens", err=True)
    for info in tokens:
        click.echo(
            f"{info.id}  {info.status():8}  {info.publisher}  [{', '.join(info.partnerships)}]  "
            f"created {info.created}  expires {info.expires or 'never'}"
            + (f"  revoked {info.revoked}" if info.revoked else "")
        )


@token.command("revoke")
@click.argument("token_id")
@click.pass_obj
def token_revoke(state: State, token_id: str) -> None:
    """Revoke a token by its id (see `token list`); it stops working at once."""
    from ..tokens import revoke_token

    info = revoke_token(state.settings, token_id)
    click.echo(f"revoked token {info.id} of {info.publisher} ({info.revoked})")


def _slug_of(path: Path, body: bytes, media_type: str) -> str:
    """The slug of the one partnership graph in a file (its graph/<slug> or partnership), else the file's stem."""
    from ..submission import parse_rdf
    from ..vocab import TG, RDF

    dataset = parse_rdf(body, media_type, base="https://w3id.org/towngown/graph/unnamed", source=str(path))
    names = {str(g.identifier) for g in dataset.graphs() if len(g) and "/graph/" in str(g.identifier)}
    partnerships = {str(s) for s in dataset.subjects(RDF.type, TG.UniversityMunicipalityPartnership)}
    for candidates in (names, partnerships):
        if len(candidates) == 1:
            return next(iter(candidates)).rstrip("/").rsplit("/", 1)[-1]
    return path.stem


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "server", required=True, help="The towngown server, e.g. https://towngown.example.org")
@click.option("--token", "token_value", envvar="TOWNGOWN_PUBLISH_TOKEN", required=True,
              help="Your publishing token (or set TOWNGOWN_PUBLISH_TOKEN, which keeps it out of your shell history).")
@click.option("--slug", default=None, help="The partnership slug (default: from the file's graph, else its name).")
@click.option("--if-match", default=None, help="Publish only if the graph is still at this ETag (e.g. \"v3\").")
def publish(file: Path, server: str, token_value: str, slug: str | None, if_match: str | None) -> None:
    """Publish a partnership graph file to a towngown server (PUT <server>/graphs/<slug>) and print its new version."""
    from ..store.remote import put_graph
    from ..submission import media_type_for_suffix

    media_type = media_type_for_suffix(file.suffix)
    if media_type is None:
        raise click.UsageError(f"{file.name}: not an RDF file suffix (.ttl, .trig, .jsonld, .rdf, .nt, .nq)")
    body = file.read_bytes()
    slug = slug or _slug_of(file, body, media_type)
    answer = put_graph(server, slug, body, media_type, token_value, if_match=if_match)
    payload = answer.json()
    if answer.status in (200, 201):
        click.echo(
            f"published {slug} as version {payload.get('version')} (ETag {payload.get('etag')}): "
            f"{payload.get('triples')} triples, {payload.get('warnings')} warning(s); {payload.get('url', '')}"
        )
        return
    title = payload.get("title") or f"HTTP {answer.status}"
    click.echo(f"towngown: {server} refused {slug}: {answer.status} {title}: {payload.get('detail', '')}", err=True)
    report = payload.get("report")
    if isinstance(report, dict):
        for result in report.get("results", []):
            if result.get("severity") == "Violation":
                message = (result.get("message") or {}).get("en", "")
                label = (result.get("field_label") or {}).get("en") if isinstance(result.get("field_label"), dict) else None
                field = f"field {result.get('field_notation')} {label}: " if result.get("field_notation") else ""
                click.echo(f"  Violation: {field}{result.get('focus_node')}: {message}", err=True)
    sys.exit(1)


@cli.group()
def source() -> None:
    """Harvest sources: a partnership's own published file or SPARQL endpoint."""


@source.command("add")
@click.option("--slug", required=True, help="The partnership whose graph the source fills.")
@click.option("--url", required=True, help="The file's URL, or the SPARQL endpoint's URL with --query.")
@click.option("--query", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A file with the CONSTRUCT query to run at the endpoint.")
@click.option("--publisher", default=None, help="Who the harvested versions are attributed to (default: the URL's host).")
@click.pass_obj
def source_add(state: State, slug: str, url: str, query_file: Path | None, publisher: str | None) -> None:
    """Register (or replace) the source of a partnership graph."""
    from ..harvest import add_source

    query = query_file.read_text(encoding="utf-8") if query_file else None
    registered = add_source(state.settings, slug, url, query=query, publisher=publisher)
    click.echo(f"registered {registered.kind} source for {registered.slug}: {registered.url} (publisher {registered.publisher})")


@source.command("list")
@click.pass_obj
def source_list(state: State) -> None:
    """List the registered sources and how their last harvest went."""
    from ..harvest import list_sources, source_states

    states = source_states(state.settings)
    sources = list_sources(state.settings)
    if not sources:
        click.echo("no sources registered", err=True)
    for registered in sources:
        last = states.get(registered.slug)
        if last is None or last.url != registered.url:
            status = "not harvested yet"
        elif last.outcome == "failed":
            status = f"FAILING since {last.failing_since} (last good version {last.version or '-'}): {last.error}"
        else:
            status = f"{last.outcome} at {last.last_attempt}, version {last.version}"
        click.echo(f"{registered.slug}  {registered.kind}  {registered.url}  {status}")


@source.command("remove")
@click.argument("slug")
@click.pass_obj
def source_remove(state: State, slug: str) -> None:
    """Unregister the source of a partnership graph (the graph and its versions stay)."""
    from ..harvest import remove_source

    removed = remove_source(state.settings, slug)
    click.echo(f"removed the source of {removed.slug} ({removed.url})")


@cli.command()
@click.option("--slug", "slugs", multiple=True, help="Harvest only this partnership's source (repeatable).")
@click.pass_obj
def harvest(state: State, slugs: tuple[str, ...]) -> None:
    """Fetch every registered source, validate it, and publish it when valid and changed; exit 1 if any failed."""
    from ..harvest import harvest as run_harvest

    outcomes = run_harvest(state.store, state.settings, slugs=list(slugs) or None)
    if not outcomes:
        click.echo("no sources registered (towngown source add --slug <slug> --url <url>)", err=True)
    for outcome in outcomes:
        if outcome.outcome == "failed":
            click.echo(f"{outcome.slug}: FAILED (since {outcome.failing_since}): {outcome.message}", err=True)
        else:
            click.echo(f"{outcome.slug}: {outcome.message}")
    if any(o.outcome == "failed" for o in outcomes):
        sys.exit(1)
