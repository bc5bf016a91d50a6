"""``marketplace search ...``: keep the index in step, rebuild it, check it, measure it."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app

from marketplace.bounds import parse_date
from marketplace.extensions import db

search_cli = click.Group("search", help="The search index (embedded or Elasticsearch).")


@search_cli.command("sync")
def sync() -> None:
    """Apply every pending change in the outbox to the index (after an outage, for instance)."""
    from marketplace.search import indexing

    applied, error = indexing.sync(db.session, db.session.commit, lambda n: click.echo(f"  {n} applied", err=True))
    if error:
        raise click.ClickException(f"{applied} changes applied; the index is unavailable, the rest wait in the outbox: {error}")
    click.echo(f"{applied} changes applied; the outbox is empty.")


@search_cli.command("reindex")
def reindex() -> None:
    """Build the index anew from the database. On Elasticsearch: a new versioned index, then
    the alias is swapped (searches go on meanwhile)."""
    from marketplace.search import indexing
    from search import BackendUnavailable

    try:
        result = indexing.reindex(db.session)
        db.session.commit()
    except BackendUnavailable as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(result, ensure_ascii=False))


@search_cli.command("status")
def status() -> None:
    """The backend, documents indexed and changes waiting in the outbox."""
    from marketplace.search import indexing
    from marketplace.search.outbox import pending_count
    from search import BackendUnavailable

    backend = indexing.get_engine().backend
    click.echo(f"backend: {backend.name}")
    try:
        click.echo(f"documents: {backend.count()}")
    except BackendUnavailable as exc:
        click.echo(f"documents: unknown ({exc})")
    click.echo(f"pending changes: {pending_count(db.session)}")


@search_cli.command("evaluate")
@click.argument("records", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("qrels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as-of", "as_of", default=None, help="Judge deadlines on this day (YYYY-MM-DD; default today).")
@click.option("--elasticsearch", "use_es", is_flag=True, help="On ELASTICSEARCH_URL (a temporary index) instead of embedded.")
@click.option("--json", "as_json", is_flag=True)
def evaluate_command(records: Path, qrels: Path, as_of: str | None, use_es: bool, as_json: bool) -> None:
    """Type each need's title in RECORDS as a query and score the results against QRELS."""
    from listings.importer import ImportFailed
    from marketplace.search.evaluation import evaluate
    from marketplace.timeutil import today
    from search import BackendUnavailable

    url = current_app.config.get("ELASTICSEARCH_URL", "")
    if use_es and not url:
        raise click.UsageError("--elasticsearch needs ELASTICSEARCH_URL")
    try:
        day = parse_date(as_of) if as_of else today()
    except ValueError as exc:
        raise click.BadParameter(f"{as_of!r} is not a date (YYYY-MM-DD)") from exc
    try:
        results = evaluate(records, qrels, day, Path(current_app.instance_path), current_app.config.get("MATCHING_MODEL"),
                           url if use_es else "")
    except ImportFailed as exc:
        raise click.ClickException(f"the records do not import: {exc.message}") from exc
    except (ValueError, BackendUnavailable) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps({name: vars(scores) for name, scores in results.items()}))
        return
    click.echo(f"{'method':<10} {'nDCG@10':>8} {'recall@10':>10}")
    for name, s in results.items():
        click.echo(f"{name:<10} {s.ndcg:>8.4f} {s.recall:>10.4f}")
    click.echo(f"({results['search'].queries} queries, backend: {'elasticsearch' if use_es else 'embedded'})")
