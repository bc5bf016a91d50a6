"""``solve(problem)``: assign meetings to slots and tables, maximising the total priority.

Steps: number the problem; fix pinned meetings (and published ones that are still feasible);
solve the linear relaxations of ``bound.py`` for a proven upper bound; build a schedule with
the greedy, local search and random walk of ``search.py``, guided by the relaxation; if a gap
is left and the problem is small, solve the integer program exactly; finally number the tables
per slot and give every unscheduled meeting its reason.
"""

from __future__ import annotations

import time

from matching.scheduling import bound as relaxation
from matching.scheduling.bound import Floats
from matching.scheduling.io import ProblemError, semantic_errors
from matching.scheduling.model import (
    BOTH_BUSY,
    CAP_REACHED,
    NO_COMMON_SLOT,
    NO_TABLE,
    NOT_ALLOWED,
    Assignment,
    Problem,
    Solution,
    Unscheduled,
)
from matching.scheduling.search import Search
from matching.scheduling.state import Instance, Schedule

#: Problems whose relaxation has at most this many variables are solved exactly (HiGHS MIP).
EXACT_MAX_VARIABLES = 3000
#: Random kicks after the first local optimum (a fixed number, so that results are repeatable).
WALK_ROUNDS = 20000


def _instance(problem: Problem) -> tuple[Instance, dict[str, int]]:
    slots = {s.id: i for i, s in enumerate(problem.slots)}
    people = {p.id: i for i, p in enumerate(problem.participants)}
    k = len(slots)
    everything = (1 << k) - 1
    instance = Instance(
        slots=k,
        tables=problem.tables,
        a=tuple(people[m.a] for m in problem.meetings),
        b=tuple(people[m.b] for m in problem.meetings),
        priority=tuple(float(m.priority) for m in problem.meetings),
        avail=tuple(everything & ~sum(1 << slots[s] for s in p.unavailable) for p in problem.participants),
        cap=tuple(k if p.max_meetings is None else min(k, p.max_meetings) for p in problem.participants),
    )
    return instance, slots


def _fix(problem: Problem, schedule: Schedule, slots: dict[str, int], keep_published: bool) -> dict[int, int]:
    """Fix pinned meetings, then published ones that still fit; returns their tables."""
    tables: dict[int, int] = {}
    taken: set[tuple[int, int]] = set()
    for m, meeting in enumerate(problem.meetings):
        if meeting.pinned is not None:
            s = slots[meeting.pinned.slot]
            schedule.fix(m, s)
            tables[m] = meeting.pinned.table
            taken.add((s, meeting.pinned.table))
    if not keep_published:
        return tables
    published = [m for m, x in enumerate(problem.meetings) if x.published is not None and x.pinned is None]
    published.sort(key=lambda m: (-problem.meetings[m].priority, m))
    for m in published:
        place = problem.meetings[m].published
        assert place is not None
        s = slots.get(place.slot, -1)
        if (
            s >= 0
            and place.table <= problem.tables
            and (s, place.table) not in taken
            and schedule.has_room(m)
            and (schedule.open_for(m) >> s) & 1
        ):
            schedule.fix(m, s)
            tables[m] = place.table
            taken.add((s, place.table))
    return tables


def _warm_start(problem: Problem, schedule: Schedule, slots: dict[str, int], fill: Solution) -> None:
    index = {x.id: m for m, x in enumerate(problem.meetings)}
    for row in fill.assignments:
        m, s = index.get(row.meeting, -1), slots.get(row.slot, -1)
        if m >= 0 and s >= 0 and schedule.slot_of[m] < 0 and schedule.has_room(m) and (schedule.open_for(m) >> s) & 1:
            schedule.place(m, s)


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    keep_published: bool = True,
    fill: Solution | None = None,
) -> Solution:
    """Schedule ``problem``'s meetings, maximising the sum of the scheduled priorities.

    Args:
        time_limit: seconds. The search normally stops by itself well before (at the bound, or
            after a fixed number of random kicks), and is then deterministic: the same problem
            and seed give the same solution. Reading the problem and the relaxation take about
            a second for 6,000 meetings whatever the limit.
        seed: seeds the random kicks of the search.
        keep_published: keep meetings at their ``published`` place while that is still
            possible; the others (and all with False) prefer their published slot and table.
        fill: an earlier solution to start from; its assignments that still fit are the
            starting point (not fixed: the search may change them).

    Raises ``ProblemError`` for a problem that breaks the rules ``load_problem`` checks.
    """
    started = time.perf_counter()
    deadline = started + time_limit
    errors = semantic_errors(problem)
    if errors:
        raise ProblemError(errors)
    instance, slots = _instance(problem)
    schedule = Schedule(instance)
    tables = _fix(problem, schedule, slots, keep_published)
    integer = all(float(p).is_integer() for p in instance.priority)
    coarse, _ = relaxation.relax(relaxation.aggregate(schedule), time_limit, integer_priorities=integer,
                                 solver="simplex")
    model = relaxation.build(schedule)
    upper, x = relaxation.relax(model, (deadline - time.perf_counter()) / 2, integer_priorities=integer)
    upper = min(upper, coarse)
    search = Search(schedule, *_guidance(problem, schedule, slots, model, x))
    if fill is not None:
        _warm_start(problem, schedule, slots, fill)
    search.greedy()
    search.improve(deadline)
    search.walk(min(WALK_ROUNDS, 4 * instance.meetings), seed, deadline, upper)
    search.greedy()  # a cut-short search still leaves no meeting that simply fits
    if schedule.value < upper - 1e-9 and model.variables <= EXACT_MAX_VARIABLES:
        upper = _exact(schedule, model, deadline, upper)
    return _solution(problem, schedule, tables, max(upper, schedule.value), time.perf_counter() - started)


def _guidance(
    problem: Problem, schedule: Schedule, slots: dict[str, int], model: relaxation.LinearModel, x: Floats
) -> tuple[list[float], list[list[float]]]:
    """From the relaxation: how much each meeting is wanted, and each slot for it."""
    inst = schedule.inst
    wanted = [0.0] * inst.meetings
    preference = [[0.0] * inst.slots for _ in range(inst.meetings)]
    for m, s, value in zip(model.meeting.tolist(), model.slot.tolist(), x.tolist(), strict=True):
        wanted[m] += value
        preference[m][s] = value
    for m, meeting in enumerate(problem.meetings):  # back to its published slot if it can
        if meeting.published is not None and meeting.published.slot in slots and not schedule.fixed[m]:
            preference[m][slots[meeting.published.slot]] += 1.0
    return wanted, preference


def _exact(schedule: Schedule, model: relaxation.LinearModel, deadline: float, upper: float) -> float:
    """Solve the integer program (small problems); take its solution only if strictly better,
    so that an already optimal schedule is not reshuffled. Returns the new upper bound."""
    chosen = relaxation.exact(model, deadline - time.perf_counter())
    if chosen is None:
        return upper
    optimum = model.constant + float(model.priority[chosen].sum())
    if optimum > schedule.value + 1e-9:
        for m in range(schedule.inst.meetings):
            if not schedule.fixed[m]:
                schedule.remove(m)
        for v in chosen.tolist():
            schedule.place(int(model.meeting[v]), int(model.slot[v]))
    return schedule.value


def _number_tables(problem: Problem, schedule: Schedule, fixed: dict[int, int]) -> list[int]:
    table = [0] * len(problem.meetings)
    used: list[set[int]] = [set() for _ in problem.slots]
    slot_ids = [s.id for s in problem.slots]
    for m, t in fixed.items():
        table[m] = t
        used[schedule.slot_of[m]].add(t)
    for m, meeting in enumerate(problem.meetings):  # a moved meeting back in its slot: same table
        s, place = schedule.slot_of[m], meeting.published
        if table[m] or s < 0 or place is None or place.slot != slot_ids[s]:
            continue
        if place.table <= problem.tables and place.table not in used[s]:
            table[m] = place.table
            used[s].add(place.table)
    following = [1] * len(problem.slots)
    for m in range(len(problem.meetings)):
        s = schedule.slot_of[m]
        if s < 0 or table[m]:
            continue
        while following[s] in used[s]:
            following[s] += 1
        table[m] = following[s]
        used[s].add(following[s])
    return table


def _reason(problem: Problem, schedule: Schedule, m: int) -> tuple[str, str]:
    inst, meeting = schedule.inst, problem.meetings[m]
    a, b = inst.a[m], inst.b[m]
    pair = f"'{meeting.a}' and '{meeting.b}'"
    for p, name in ((a, meeting.a), (b, meeting.b)):
        if problem.participants[p].max_meetings == 0:
            return NOT_ALLOWED, f"'{name}' accepts no meetings (max_meetings is 0)"
    common = inst.avail[a] & inst.avail[b]
    if not common:
        return NO_COMMON_SLOT, f"{pair} have no slot in common"
    for p, name in ((a, meeting.a), (b, meeting.b)):
        cap = problem.participants[p].max_meetings
        if cap is not None and schedule.deg[p] >= cap:
            return CAP_REACHED, f"'{name}' already has {cap} meetings, their maximum"
    if not common & ~schedule.busy[a] & ~schedule.busy[b]:
        return BOTH_BUSY, f"in every slot {pair} can both attend, one of them has another meeting"
    return NO_TABLE, f"all {inst.tables} tables are taken in every slot free for both {pair}"


def _solution(problem: Problem, schedule: Schedule, fixed: dict[int, int], upper: float, seconds: float) -> Solution:
    table = _number_tables(problem, schedule, fixed)
    slot_ids = [s.id for s in problem.slots]
    assignments, unscheduled, moved = [], [], []
    for m, meeting in enumerate(problem.meetings):
        s = schedule.slot_of[m]
        if s >= 0:
            assignments.append(Assignment(meeting.id, slot_ids[s], table[m]))
        else:
            unscheduled.append(Unscheduled(meeting.id, *_reason(problem, schedule, m)))
        place = meeting.published
        if place is not None and (s < 0 or (slot_ids[s], table[m]) != (place.slot, place.table)):
            moved.append(meeting.id)
    objective = sum(problem.meetings[m].priority for m in range(len(problem.meetings)) if schedule.slot_of[m] >= 0)
    gap = (upper - objective) / upper if upper > 0 else 0.0
    return Solution(tuple(assignments), tuple(unscheduled), objective, upper, max(0.0, gap), seconds, tuple(moved))
