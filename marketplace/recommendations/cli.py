"""CLI: ``matching rebuild|status|recommend|evaluate|report`` (``recommend`` and ``evaluate`` also
keep their old top-level names for one release)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask import current_app
from sqlalchemy import select

from marketplace.bounds import OutOfBounds, parse_date
from marketplace.extensions import db

matching_cli = click.Group("matching", help="The matcher's index and embeddings.")


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except OutOfBounds as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from exc


@matching_cli.command("rebuild")
def rebuild() -> None:
    """Embed every listing and need that has no vector yet (for MATCHING_MODEL) and rebuild."""
    from marketplace.recommendations.service import get_store

    def progress(done: int, total: int) -> None:
        click.echo(f"  listings {done}/{total}", err=True)

    counts = get_store().rebuild(db.session, progress)
    click.echo(f"Rebuilt: {counts['listings']} listings ({counts['vectors']} with vectors), {counts['needs']} needs.")


@matching_cli.command("status")
def status() -> None:
    """How many postings the matcher holds, and how many still lack a vector."""
    from marketplace.recommendations.service import get_store

    store = get_store()
    store.sync(db.session)
    counts = store.counts()
    click.echo(f"model: {store.encoder.name}")
    click.echo(f"queries: {getattr(store.encoder, 'query_name', store.encoder.name)}")
    click.echo(f"listings: {counts['listings']} ({counts['listing_vectors']} with vectors)")
    click.echo(f"needs: {counts['needs']} ({counts['need_vectors']} with vectors)")


@matching_cli.command("recommend")
@click.argument("need_ids", nargs=-1)
@click.option("--all", "all_needs", is_flag=True, help="Every published need.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--as-of", "as_of", default=None, help="Judge deadlines on this day (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: {need: [{listing, score, reasons}]}.")
def recommend(need_ids: tuple[str, ...], all_needs: bool, limit: int, as_of: str | None, as_json: bool) -> None:
    """Recommend listings for needs, given by external id (or --all)."""
    from listings.models import Need
    from marketplace.recommendations.service import matches_for_need

    day = _day(as_of)
    if all_needs:
        needs = list(db.session.scalars(select(Need).where(Need.status == "published").order_by(Need.id)))
    else:
        if not need_ids:
            raise click.UsageError("Name at least one need external id, or use --all.")
        needs = []
        for external_id in need_ids:
            need = db.session.scalar(select(Need).where(Need.external_id == external_id))
            if need is None:
                raise click.ClickException(f"no need with external id {external_id!r}")
            needs.append(need)
    output = {}
    for need in needs:
        result = matches_for_need(db.session, need, limit=limit, as_of=day)
        output[need.external_id] = [
            {"listing": r.item.external_id, "score": r.score, "reasons": r.reasons} for r in result.items
        ]
    if as_json:
        click.echo(json.dumps(output, ensure_ascii=False))
        return
    for need_id, items in output.items():
        click.echo(need_id)
        for rank, item in enumerate(items, start=1):
            reasons = "; ".join(r["en"] for r in item["reasons"] if not r["negative"])
            click.echo(f"  {rank:>2}. {item['listing']:<20} {item['score']:.3f}  {reasons}")


@matching_cli.command("evaluate")
@click.argument("records", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("qrels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as-of", "as_of", default=None, help="Judge deadlines on this day (default: today).")
@click.option("--outcomes", is_flag=True, help="Also measure the providers' outcome term under simulated histories.")
@click.option("--outcome-weight", default=None, type=click.FloatRange(0, 10),
              help="Weight of the outcome term (default: the matcher's, matching.outcomes.WEIGHT).")
@click.option("--strength", default=None, type=click.FloatRange(0.1, 1000),
              help="Prior strength m of the shrinkage, in pseudo-observations (default: matching.outcomes.STRENGTH).")
@click.option("--seeds", default=5, show_default=True, type=click.IntRange(1, 100), help="Simulated histories per scenario.")
@click.option("--json", "as_json", is_flag=True)
def evaluate_command(records: Path, qrels: Path, as_of: str | None, outcomes: bool, outcome_weight: float | None,
                     strength: float | None, seeds: int, as_json: bool) -> None:
    """Load RECORDS into a fresh temporary database and score recommendations against QRELS."""
    from listings.importer import ImportFailed
    from marketplace.recommendations.evaluation import evaluate, evaluate_outcomes
    from marketplace.timeutil import today
    from matching import outcomes as outcome_term

    outcome_weight = outcome_term.WEIGHT if outcome_weight is None else outcome_weight
    strength = outcome_term.STRENGTH if strength is None else strength

    day, instance, model = _day(as_of) or today(), Path(current_app.instance_path), current_app.config.get("MATCHING_MODEL")
    try:
        results = evaluate(records, qrels, day, instance, model)
        term = evaluate_outcomes(records, qrels, day, instance, model, weight=outcome_weight, strength=strength,
                                 seeds=seeds) if outcomes else None
    except ImportFailed as exc:
        raise click.ClickException(f"the records do not import: {exc.message}") from exc
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        body: dict[str, object] = {name: vars(scores) for name, scores in results.items()}
        if term is not None:
            body["outcomes"] = vars(term)
        click.echo(json.dumps(body))
        return
    click.echo(f"{'method':<10} {'nDCG@10':>8} {'recall@10':>10} {'MRR':>6} {'nDCG@10 en':>11} {'violations':>10}")
    for name, s in results.items():
        click.echo(f"{name:<10} {s.ndcg:>8.4f} {s.recall:>10.4f} {s.mrr:>6.3f} {s.ndcg_english:>11.4f} {s.violations:>10d}")
    click.echo(f"({results['matcher'].needs} needs)")
    if term is not None:
        _echo_outcomes(term)


def _echo_outcomes(term: Any) -> None:
    from statistics import mean

    click.echo("")
    click.echo(f"Outcome term (weight {term.weight:g}, prior strength {term.strength:g}), nDCG@10 of the matcher:")
    click.echo(f"  term off                          {term.off:.4f}")
    click.echo(f"  (a) on, no history                {term.no_history:.4f}  "
               f"({term.identical_rankings}/{term.needs} rankings identical)")
    for name, runs in (("(b) on, random histories", term.random), ("(c) on, correlated histories", term.correlated)):
        click.echo(f"  {name:<33} mean {mean(runs):.4f}  worst {min(runs):.4f}  best {max(runs):.4f}  "
                   f"(Δ mean {mean(runs) - term.off:+.4f}, {len(runs)} seeds)")


@matching_cli.command("report")
@click.option("--since", "since_days", default=30, show_default=True, type=click.IntRange(1, 3650),
              help="Impressions shown in the last N days.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: total and by_category/rank/ranking/surface.")
def report_command(since_days: int, as_json: bool) -> None:
    """Click-through, engagement and win rates of the recommendations shown, by category, rank,
    ranking and surface."""
    from marketplace.recommendations.report import build_report, report_lines

    report = build_report(db.session, since_days)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    for line in report_lines(report):
        click.echo(line)


def moved(command: click.Command, group: str) -> click.Command:
    """``command`` under its old top-level name, for one release: it runs as before and says
    where it moved (on stderr, so that --json output stays parseable)."""

    def callback(**kwargs: object) -> object:
        click.echo(f"Note: `marketplace {command.name}` is now `marketplace {group} {command.name}`; "
                   "the old name will be removed in the next release.", err=True)
        return click.get_current_context().invoke(command, **kwargs)

    return click.Command(command.name, params=command.params, callback=callback, hidden=True,
                         help=f"Moved to `{group} {command.name}`.")


COMMANDS = (matching_cli, moved(recommend, "matching"), moved(evaluate_command, "matching"))
