"""Problem and solution files (``matching/schemas/schedule.schema.json``): load and check a
problem, write a solution, and check any solution independently of the solver."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from matching.scheduling.model import (
    Meeting,
    Participant,
    Place,
    Problem,
    Slot,
    Solution,
)
from matching.schema_refs import inline_refs

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "schedule.schema.json"


class ProblemError(ValueError):
    """A problem that cannot be scheduled as given; ``errors`` lists every fault found."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        count = f"{len(errors)} error" + ("s" if len(errors) != 1 else "")
        super().__init__(f"invalid problem ({count}):\n" + "\n".join(f"- {e}" for e in errors))


@cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def _validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

    schema = {k: v for k, v in _schema().items() if k != "oneOf"}
    return Draft202012Validator({**schema, "$ref": f"#/$defs/{kind}"})



@cache
def _fast_validator(kind: str) -> Any:
    """A compiled validator: a large valid file is accepted in milliseconds; only a rejected
    one goes through ``jsonschema`` to name every error."""
    import fastjsonschema

    defs = _schema()["$defs"]
    return fastjsonschema.compile(inline_refs(defs[kind], defs), use_default=False)


def _where(path: Any) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def schema_errors(document: Any, kind: str = "problem") -> list[str]:
    """Messages for every place where ``document`` breaks the schema (``problem`` or ``solution``)."""
    import fastjsonschema

    try:
        _fast_validator(kind)(document)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    errors = sorted(_validator(kind).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{_where(e.absolute_path)}: {e.message}" for e in errors]


def load_problem(source: str | Path | Mapping[str, Any]) -> Problem:
    """Read a problem from a JSON file (path) or an already parsed dict and check it.

    Raises ``ProblemError`` listing every fault: schema errors, or (on a schema-valid document)
    duplicate ids, unknown participants, meetings of a participant with themself, impossible or
    clashing pins and pins beyond a participant's max_meetings.
    """
    if isinstance(source, Mapping):
        document: Any = source
    else:
        try:
            document = json.loads(Path(source).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ProblemError([f"{source}: not JSON ({exc})"]) from exc
        except OSError as exc:
            raise ProblemError([f"{source}: cannot be read ({exc.strerror})"]) from exc
    errors = schema_errors(document)
    if errors:
        raise ProblemError(errors)
    problem = _build(document)
    errors = semantic_errors(problem)
    if errors:
        raise ProblemError(errors)
    return problem


def _place(data: Mapping[str, Any] | None) -> Place | None:
    return None if data is None else Place(slot=data["slot"], table=data["table"])


def _build(document: Mapping[str, Any]) -> Problem:
    return Problem(
        slots=tuple(Slot(s["id"], s.get("start"), s.get("end")) for s in document["slots"]),
        tables=document["tables"],
        participants=tuple(
            Participant(p["id"], frozenset(p.get("unavailable", ())), p.get("max_meetings"))
            for p in document["participants"]
        ),
        meetings=tuple(
            Meeting(
                m["id"], m["a"], m["b"], m.get("priority", 1),
                _place(m.get("pinned")), _place(m.get("published")),
            )
            for m in document["meetings"]
        ),
    )


def _duplicates(kind: str, ids: list[str]) -> list[str]:
    first: dict[str, int] = {}
    errors = []
    for i, id_ in enumerate(ids):
        if id_ in first:
            errors.append(f'{kind}[{i}]: id "{id_}" is already used by {kind}[{first[id_]}]')
        else:
            first[id_] = i
    return errors


def semantic_errors(problem: Problem) -> list[str]:
    """The rules a schema cannot express, as messages that say what is wrong and where."""
    errors = _duplicates("slots", [s.id for s in problem.slots])
    errors += _duplicates("participants", [p.id for p in problem.participants])
    errors += _duplicates("meetings", [m.id for m in problem.meetings])
    slots = {s.id for s in problem.slots}
    people: dict[str, Participant] = {}
    for p in problem.participants:
        people.setdefault(p.id, p)  # the first of duplicates counts, as the messages say
    for i, p in enumerate(problem.participants):
        for slot in sorted(p.unavailable - slots):
            errors.append(f'participants[{i}] ("{p.id}"): unavailable slot "{slot}" is unknown')
    at_table: dict[tuple[str, int], int] = {}
    in_slot: dict[tuple[str, str], int] = {}
    pins: Counter[str] = Counter()
    for i, m in enumerate(problem.meetings):
        where = f'meetings[{i}] ("{m.id}")'
        unknown = [x for x in dict.fromkeys((m.a, m.b)) if x not in people]
        errors += [f'{where}: participant "{x}" is unknown' for x in unknown]
        if m.a == m.b:
            errors.append(f'{where}: participant "{m.a}" cannot meet themself')
        pin = m.pinned
        if pin is None:
            continue
        if pin.slot not in slots:
            errors.append(f'{where}: pinned slot "{pin.slot}" is unknown')
        if pin.table > problem.tables:
            errors.append(f"{where}: pinned table {pin.table} is beyond the {problem.tables} tables")
        elif (pin.slot, pin.table) in at_table:
            other = at_table[pin.slot, pin.table]
            errors.append(f'{where}: pinned to slot "{pin.slot}" table {pin.table}, '
                          f"like meetings[{other}] (\"{problem.meetings[other].id}\")")
        at_table.setdefault((pin.slot, pin.table), i)
        for x in dict.fromkeys((m.a, m.b)):
            if x not in people:
                continue
            if pin.slot in people[x].unavailable:
                errors.append(f'{where}: pinned slot "{pin.slot}" is one participant "{x}" cannot attend')
            if (x, pin.slot) in in_slot:
                other = in_slot[x, pin.slot]
                errors.append(f'{where}: participant "{x}" is also pinned to slot "{pin.slot}" by '
                              f'meetings[{other}] ("{problem.meetings[other].id}")')
            in_slot.setdefault((x, pin.slot), i)
            pins[x] += 1
    for x, n in pins.items():
        cap = people[x].max_meetings
        if cap is not None and n > cap:
            i = next(i for i, p in enumerate(problem.participants) if p.id == x)
            errors.append(f'participants[{i}] ("{x}"): {n} pinned meetings but max_meetings is {cap}')
    return errors


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def dump_problem(problem: Problem) -> dict[str, Any]:
    """The problem as a dict in the schema's problem shape (``load_problem`` reads it back)."""

    def place(p: Place | None) -> dict[str, Any] | None:
        return None if p is None else {"slot": p.slot, "table": p.table}

    meetings = []
    for m in problem.meetings:
        item: dict[str, Any] = {"id": m.id, "a": m.a, "b": m.b, "priority": _number(m.priority)}
        for name in ("pinned", "published"):
            value = place(getattr(m, name))
            if value is not None:
                item[name] = value
        meetings.append(item)
    return {
        "slots": [{"id": s.id, **({"start": s.start} if s.start else {}), **({"end": s.end} if s.end else {})}
                  for s in problem.slots],
        "tables": problem.tables,
        "participants": [{"id": p.id, "unavailable": sorted(p.unavailable),
                          **({"max_meetings": p.max_meetings} if p.max_meetings is not None else {})}
                         for p in problem.participants],
        "meetings": meetings,
    }


def dump_solution(solution: Solution) -> dict[str, Any]:
    """The solution as a dict in the schema's solution shape (plus ``gap`` and ``moved``)."""
    return {
        "assignments": [{"meeting": a.meeting, "slot": a.slot, "table": a.table} for a in solution.assignments],
        "unscheduled": [
            {"meeting": u.meeting, "reason": u.reason, "message": u.message} for u in solution.unscheduled
        ],
        "objective": _number(solution.objective),
        "upper_bound": _number(solution.upper_bound),
        "gap": solution.gap,
        "seconds": round(solution.seconds, 3),
        "moved": list(solution.moved),
    }


def solution_text(solution: Solution) -> str:
    """``dump_solution`` as JSON text with one assignment (or unscheduled meeting) per line."""
    parts = []
    for key, value in dump_solution(solution).items():
        if isinstance(value, list) and value:
            rows = ",\n".join(f"  {json.dumps(row, ensure_ascii=False)}" for row in value)
            parts.append(f' "{key}": [\n{rows}\n ]')
        else:
            parts.append(f' "{key}": {json.dumps(value, ensure_ascii=False)}')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def validate_solution(problem: Problem, solution: Solution | Mapping[str, Any]) -> list[str]:
    """Every way ``solution`` breaks the rules of ``problem``; an empty list if it keeps them all.

    Written apart from the solver (it shares none of its code) so that it can check it. Accepts a
    ``Solution`` or a dict as written by ``dump_solution``.
    """
    document = dump_solution(solution) if isinstance(solution, Solution) else solution
    errors: list[str] = []
    slots = {s.id for s in problem.slots}
    people = {p.id: p for p in problem.participants}
    meetings = {m.id: m for m in problem.meetings}
    placed: dict[str, tuple[str, Any]] = {}
    who_in_slot: dict[tuple[str, str], str] = {}
    table_use: dict[tuple[str, Any], str] = {}
    per_person: defaultdict[str, int] = defaultdict(int)
    objective = 0.0
    for i, row in enumerate(document.get("assignments", [])):
        mid, slot, table = row.get("meeting"), row.get("slot"), row.get("table")
        where = f'assignments[{i}] ("{mid}")'
        if mid not in meetings:
            errors.append(f"{where}: unknown meeting")
            continue
        if mid in placed:
            errors.append(f"{where}: meeting is assigned more than once")
            continue
        placed[mid] = (slot, table)
        meeting = meetings[mid]
        objective += meeting.priority
        if slot not in slots:
            errors.append(f'{where}: unknown slot "{slot}"')
        if not isinstance(table, int) or isinstance(table, bool) or not 1 <= table <= problem.tables:
            errors.append(f"{where}: table {table!r} is outside 1..{problem.tables}")
        if (slot, table) in table_use:
            errors.append(f'{where}: table {table} in slot "{slot}" is also used by "{table_use[slot, table]}"')
        table_use.setdefault((slot, table), mid)
        for person in dict.fromkeys((meeting.a, meeting.b)):
            per_person[person] += 1
            if person in people and slot in people[person].unavailable:
                errors.append(f'{where}: participant "{person}" is unavailable in slot "{slot}"')
            if (person, slot) in who_in_slot:
                errors.append(f'{where}: participant "{person}" also meets in slot "{slot}" '
                              f'("{who_in_slot[person, slot]}")')
            who_in_slot.setdefault((person, slot), mid)
    for person, count in sorted(per_person.items()):
        cap = people[person].max_meetings if person in people else None
        if cap is not None and count > cap:
            errors.append(f'participant "{person}": {count} meetings but max_meetings is {cap}')
    listed: set[str] = set()
    for i, row in enumerate(document.get("unscheduled", [])):
        mid = row.get("meeting")
        where = f'unscheduled[{i}] ("{mid}")'
        if mid not in meetings:
            errors.append(f"{where}: unknown meeting")
        elif mid in placed:
            errors.append(f"{where}: meeting is also assigned")
        elif mid in listed:
            errors.append(f"{where}: meeting is listed twice")
        listed.add(mid)
    for mid, meeting in meetings.items():
        if mid not in placed and mid not in listed:
            errors.append(f'meeting "{mid}" is neither assigned nor listed as unscheduled')
        pin = meeting.pinned
        if pin is not None and placed.get(mid) != (pin.slot, pin.table):
            errors.append(f'meeting "{mid}" is pinned to slot "{pin.slot}" table {pin.table} '
                          f"but is at {placed.get(mid, 'no place')}")
    claimed = document.get("objective")
    if not isinstance(claimed, int | float) or not math.isclose(claimed, objective, rel_tol=1e-9, abs_tol=1e-6):
        errors.append(f"objective {claimed!r} is not the sum of the scheduled priorities ({_number(objective)})")
    bound = document.get("upper_bound")
    if isinstance(bound, int | float) and bound < objective - 1e-6 * max(1.0, abs(objective)):
        errors.append(f"upper_bound {bound!r} is below the objective ({_number(objective)})")
    return errors
