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
