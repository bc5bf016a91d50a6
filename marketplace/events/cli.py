"""``marketplace events ...``: schedule a matchmaking event's meetings from a problem file."""

from __future__ import annotations

import json
from pathlib import Path

import click

events_cli = click.Group("events", help="Matchmaking events: meeting schedules.")


@events_cli.command("solve")
@click.argument("problem", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the solution (JSON); written only when the solution checks out.",
)
@click.option("--time-limit", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds the solver may take.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the randomised search steps.")
def solve_command(problem: Path, out: Path, time_limit: float, seed: int) -> None:
    """Assign the meetings of PROBLEM (matching/schemas/schedule.schema.json) to slots and tables.

    Prints one summary line. Exits with 1, writing nothing, when the problem is invalid or the
    solution breaks a rule (checked independently of the solver).
    """
    from matching.scheduling import (
        ProblemError,
        load_problem,
        solution_text,
        solve,
        validate_solution,
    )

    try:
        loaded = load_problem(problem)
    except ProblemError as exc:
        raise click.ClickException(f"{problem}: {exc}") from exc
    solution = solve(loaded, time_limit=time_limit, seed=seed)
    text = solution_text(solution)
    document = json.loads(text)  # check exactly what is written
    violations = validate_solution(loaded, document)
    if violations:
        listed = "\n".join(f"- {v}" for v in violations)
        raise click.ClickException(f"the solution breaks {len(violations)} rule(s), nothing written:\n{listed}")
    with click.open_file(str(out), "w", encoding="utf-8", atomic=True) as f:
        f.write(text)
    click.echo(
        f"scheduled {len(solution.assignments)}/{len(loaded.meetings)} meetings, "
        f"objective {document['objective']}, upper bound {document['upper_bound']}, "
        f"gap {solution.gap:.2%}, {solution.seconds:.1f} s"
    )


@events_cli.command("export")
@click.argument("event_id", type=int)
@click.option("--problem", "problem_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the event's scheduling problem (JSON, the schedule schema).")
@click.option("--solution", "solution_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the event's current schedule as a solution (JSON).")
def export_command(event_id: int, problem_path: Path, solution_path: Path | None) -> None:
    """Write an event's meetings as a PROBLEM file (and its current schedule as a SOLUTION file),
    so that the schedule can be checked, or solved again, outside the platform.

    Exits with 1 if the event does not exist, or if its current schedule breaks a rule.
    """
    from marketplace.events import scheduling
    from marketplace.events.models import Event
    from marketplace.extensions import db
    from matching.scheduling import (
        Assignment,
        Solution,
        Unscheduled,
        dump_problem,
        dump_solution,
        validate_solution,
    )

    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"no event {event_id}")
    problem, by_key = scheduling.problem_of(db.session, event)
    with click.open_file(str(problem_path), "w", encoding="utf-8", atomic=True) as f:
        json.dump(dump_problem(problem), f, ensure_ascii=False, indent=1)
    placed = [(key, m) for key, m in by_key.items() if m.slot_id is not None and m.table is not None]
    objective = sum(m.priority for _key, m in placed)
    if solution_path is not None:
        solution = Solution(
            assignments=tuple(Assignment(key, f"s{m.slot_id}", int(m.table)) for key, m in placed if m.table is not None),
            unscheduled=tuple(Unscheduled(key, m.unscheduled_reason or "no_table", m.reason_text or "not scheduled")
                              for key, m in by_key.items() if m.slot_id is None),
            objective=objective, upper_bound=max(event.schedule_bound or objective, objective),
            gap=0.0 if not event.schedule_bound else max(0.0, (event.schedule_bound - objective) / event.schedule_bound),
            seconds=0.0)
        violations = validate_solution(problem, solution)
        if violations:
            listed = "\n".join(f"- {v}" for v in violations)
            raise click.ClickException(f"the current schedule breaks {len(violations)} rule(s):\n{listed}")
        with click.open_file(str(solution_path), "w", encoding="utf-8", atomic=True) as f:
            json.dump(dump_solution(solution), f, ensure_ascii=False, indent=1)
    click.echo(f"event {event.id}: {len(problem.participants)} participants, {len(problem.meetings)} meetings, "
               f"{len(placed)} placed")
