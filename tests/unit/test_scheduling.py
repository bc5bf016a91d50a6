"""The meeting scheduler: known optima, pins, unavailability, caps, tables, reasons,
re-scheduling, problem checks, the independent solution checker and random problems."""

from __future__ import annotations

import copy
import itertools
import json
import random
from typing import Any

import pytest

from matching.scheduling import (
    Problem,
    ProblemError,
    dump_problem,
    dump_solution,
    load_problem,
    solution_text,
    solve,
    validate_solution,
)
from matching.scheduling import solver as solver_module
from matching.scheduling.io import schema_errors


def make_problem(
    meetings: list[tuple[str, str, float]] | list[dict[str, Any]],
    *,
    slots: int = 2,
    tables: int = 10,
    unavailable: dict[str, list[str]] | None = None,
    caps: dict[str, int] | None = None,
) -> dict[str, Any]:
    """A problem document; slots are s1..sN, participants those the meetings name."""
    rows = [
        m if isinstance(m, dict) else {"id": f"m{i + 1}", "a": m[0], "b": m[1], "priority": m[2]}
        for i, m in enumerate(meetings)
    ]
    people = sorted({r["a"] for r in rows} | {r["b"] for r in rows} | set(unavailable or {}) | set(caps or {}))
    participants = []
    for p in people:
        row: dict[str, Any] = {"id": p}
        if unavailable and p in unavailable:
            row["unavailable"] = unavailable[p]
        if caps and p in caps:
            row["max_meetings"] = caps[p]
        participants.append(row)
    return {"slots": [{"id": f"s{i + 1}"} for i in range(slots)], "tables": tables,
            "participants": participants, "meetings": rows}


def solved(document: dict[str, Any], **options: Any) -> tuple[Problem, Any]:
    problem = load_problem(document)
    solution = solve(problem, time_limit=5, **options)
    assert validate_solution(problem, solution) == []
    assert solution.objective <= solution.upper_bound + 1e-6
    return problem, solution


def places(solution: Any) -> dict[str, tuple[str, int]]:
    return {a.meeting: (a.slot, a.table) for a in solution.assignments}


def reasons(solution: Any) -> dict[str, str]:
    return {u.meeting: u.reason for u in solution.unscheduled}


@pytest.fixture
def heuristic_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leave out the exact integer program, to test the greedy and local search alone."""
    monkeypatch.setattr(solver_module, "EXACT_MAX_VARIABLES", -1)


# --- known optima -----------------------------------------------------------------------------


def test_disjoint_meetings_all_fit_and_the_bound_is_met():
    _, solution = solved(make_problem([("a", "b", 3), ("c", "d", 2), ("e", "f", 1)], slots=1))
    assert len(solution.assignments) == 3 and solution.unscheduled == ()
    assert solution.objective == solution.upper_bound == 6
    assert solution.gap == 0
    assert sorted(t for _, t in places(solution).values()) == [1, 2, 3]


def test_odd_cycle_needs_three_slots_exact_search_closes_the_loose_lp_bound(heuristic_only):
    triangle = make_problem([("a", "b", 1), ("b", "c", 1), ("c", "a", 1)], slots=2)
    _, solution = solved(triangle)
    assert solution.objective == 2  # a triangle's meetings need three slots
    assert solution.upper_bound == 3  # the LP puts every meeting half in each slot
    assert solution.gap == pytest.approx(1 / 3)


def test_odd_cycle_with_the_exact_program_proves_the_optimum():
    _, solution = solved(make_problem([("a", "b", 1.5), ("b", "c", 1.5), ("c", "a", 1.5)], slots=2))
    assert solution.objective == 3.0 and solution.upper_bound == 3.0 and solution.gap == 0


def test_pins_are_kept_even_when_that_costs_priority():
    document = make_problem([("a", "b", 1), ("a", "c", 5)], slots=1)
    document["meetings"][0]["pinned"] = {"slot": "s1", "table": 4}
    _, solution = solved(document)
    assert places(solution) == {"m1": ("s1", 4)}
    assert reasons(solution) == {"m2": "both_busy"}
    assert solution.objective == solution.upper_bound == 1


def test_unavailable_slots_are_avoided():
    document = make_problem([("a", "b", 1), ("a", "c", 1)], unavailable={"b": ["s1"], "c": ["s2"]})
    _, solution = solved(document)
    assert places(solution) == {"m1": ("s2", 1), "m2": ("s1", 1)}


def test_a_cap_keeps_the_highest_priorities():
    document = make_problem([("hub", "x", 1), ("hub", "y", 3), ("hub", "z", 2)], slots=3, caps={"hub": 2})
    _, solution = solved(document)
    assert set(places(solution)) == {"m2", "m3"}
    assert reasons(solution) == {"m1": "cap_reached"}


def test_one_table_holds_one_meeting_per_slot():
    _, one_slot = solved(make_problem([("a", "b", 1), ("c", "d", 2)], slots=1, tables=1))
    assert places(one_slot) == {"m2": ("s1", 1)} and reasons(one_slot) == {"m1": "no_table"}
    _, two_slots = solved(make_problem([("a", "b", 1), ("c", "d", 2)], slots=2, tables=1))
    assert {t for _, t in places(two_slots).values()} == {1} and len(two_slots.assignments) == 2


def test_every_reason_is_given():
    document = make_problem(
        [("a", "b", 5), ("a", "c", 1), ("d", "e", 1), ("f", "g", 1), ("h", "i", 1), ("j", "k", 1), ("b", "l", 1)],
        slots=1, tables=2, unavailable={"e": ["s1"]}, caps={"g": 0, "b": 1},
    )
    _, solution = solved(document)
    got = reasons(solution)
    assert got["m2"] == "both_busy"  # a meets b
    assert got["m3"] == "no_common_slot"
    assert got["m4"] == "not_allowed"
    assert got["m7"] == "cap_reached"  # b's one meeting is with a
    assert [got.get(m) for m in ("m5", "m6")].count("no_table") == 1  # the other got the last table
    messages = {u.meeting: u.message for u in solution.unscheduled}
    assert "'b' already has 1 meetings" in messages["m7"] and "no slot in common" in messages["m3"]


def test_kempe_swap_frees_a_slot_only_where_everyone_can_attend():
    from matching.scheduling.state import Instance, Schedule

    def schedule(avail_c: int, avail_d: int) -> Schedule:  # a=0 b=1 c=2 d=3; m0 a-b (new), m1 a-c, m2 b-d
        state = Schedule(Instance(slots=2, tables=5, a=(0, 0, 1), b=(1, 2, 3), priority=(1, 1, 1),
                                  avail=(0b11, 0b11, avail_c, avail_d), cap=(2, 2, 2, 2)))
        state.place(1, 1)  # a meets c in the second slot
        state.place(2, 0)  # b meets d in the first: no slot is free for both a and b
        return state

    movable = schedule(0b11, 0b11)
    assert movable.open_for(0) == 0
    assert movable.insert_by_kempe(0)
    assert movable.slot_of in ([0, 1, 1], [1, 0, 0]) and movable.value == 3  # c's or d's meeting moved
    only_d = schedule(0b10, 0b11)  # c cannot come to the first slot: d's meeting has to move
    assert only_d.insert_by_kempe(0) and only_d.slot_of == [0, 1, 1]
    stuck = schedule(0b10, 0b01)  # neither can move
    assert not stuck.insert_by_kempe(0)
    assert stuck.slot_of == [-1, 1, 0] and stuck.busy == [0b10, 0b01, 0b10, 0b01] and stuck.value == 2


# --- determinism and re-scheduling -----------------------------------------------------------


def random_problem(rng: random.Random, *, people: int, meetings: int, slots: int, tables: int) -> dict[str, Any]:
    names = [f"p{i}" for i in range(people)]
    slot_ids = [f"s{i + 1}" for i in range(slots)]
    participants = []
    for name in names:
        row: dict[str, Any] = {"id": name}
        if rng.random() < 0.5:
            row["unavailable"] = rng.sample(slot_ids, rng.randint(0, max(0, slots - 1)))
        if rng.random() < 0.5:
            row["max_meetings"] = rng.randint(0, slots)
        participants.append(row)
    rows = []
    for i in range(meetings):
        a, b = rng.sample(names, 2)
        rows.append({"id": f"m{i + 1}", "a": a, "b": b, "priority": rng.choice([1, 2, 3])})
    return {"slots": [{"id": s} for s in slot_ids], "tables": tables, "participants": participants, "meetings": rows}


def test_same_input_and_seed_give_the_same_solution(heuristic_only):
    document = random_problem(random.Random(7), people=50, meetings=300, slots=8, tables=40)
    for person in document["participants"]:  # no caps, few gaps: slots limit, the random walk runs
        person.pop("max_meetings", None)
        person["unavailable"] = person.get("unavailable", [])[:2]
    problem = load_problem(document)
    first, second = (dump_solution(solve(problem, time_limit=20, seed=3)) for _ in range(2))
    assert first.pop("seconds") < 20 and second.pop("seconds") < 20
    assert first == second
    assert 0 < first["objective"] < first["upper_bound"]  # not stopped early at the bound


def test_published_meetings_stay_unless_released():
    document = make_problem([("a", "b", 1), ("c", "d", 1), ("a", "c", 3)])
    document["meetings"][0]["published"] = {"slot": "s1", "table": 1}
    document["meetings"][1]["published"] = {"slot": "s2", "table": 1}
    _, kept = solved(document)
    assert places(kept) == {"m1": ("s1", 1), "m2": ("s2", 1)}
    assert reasons(kept) == {"m3": "both_busy"} and kept.moved == ()
    _, released = solved(document, keep_published=False)
    assert released.objective == 5 and len(released.moved) == 1
    moved = released.moved[0]
    assert places(released)[moved] != (document["meetings"][int(moved[1:]) - 1]["published"]["slot"], 1)


def test_a_published_meeting_that_no_longer_fits_moves_and_is_listed():
    document = make_problem([("a", "b", 1), ("c", "d", 1)], unavailable={"a": ["s1"]}, tables=3)
    document["meetings"][0]["published"] = {"slot": "s1", "table": 1}  # a cannot come any more
    document["meetings"][1]["published"] = {"slot": "s1", "table": 9}  # tables went down to 3
    _, solution = solved(document)
    assert places(solution)["m1"] == ("s2", 1)
    assert places(solution)["m2"][0] == "s1" and places(solution)["m2"][1] <= 3
    assert solution.moved == ("m1", "m2")


def test_fill_starts_from_an_earlier_solution():
    problem, first = solved(random_problem(random.Random(3), people=12, meetings=30, slots=3, tables=4))
    again = solve(problem, time_limit=5, fill=first)
    assert validate_solution(problem, again) == [] and again.objective == first.objective


# --- problem checks ---------------------------------------------------------------------------


def test_bad_problems_name_every_error_and_where():
    document = make_problem([("a", "b", 1)], slots=2, tables=3, caps={"a": 1})
    document["slots"].append({"id": "s1"})
    document["participants"].append({"id": "b", "max_meetings": 9})
    document["participants"][1]["unavailable"] = ["s2", "s9"]  # b
    document["meetings"] += [
        {"id": "m1", "a": "a", "b": "c"},  # duplicate id
        {"id": "m3", "a": "x", "b": "a"},
        {"id": "m4", "a": "b", "b": "b"},
        {"id": "m5", "a": "a", "b": "b", "pinned": {"slot": "s7", "table": 1}},
        {"id": "m6", "a": "a", "b": "b", "pinned": {"slot": "s2", "table": 1}},
        {"id": "m7", "a": "a", "b": "c", "pinned": {"slot": "s1", "table": 4}},
        {"id": "m8", "a": "c", "b": "d", "pinned": {"slot": "s1", "table": 2}},
        {"id": "m9", "a": "a", "b": "d", "pinned": {"slot": "s1", "table": 2}},
    ]
    document["participants"] += [{"id": "c"}, {"id": "d"}]
    with pytest.raises(ProblemError) as caught:
        load_problem(document)
    errors = caught.value.errors
    expected = [
        'slots[2]: id "s1" is already used by slots[0]',
        'participants[2]: id "b" is already used by participants[1]',
        'meetings[1]: id "m1" is already used by meetings[0]',
        'participants[1] ("b"): unavailable slot "s9" is unknown',
        'meetings[2] ("m3"): participant "x" is unknown',
        'meetings[3] ("m4"): participant "b" cannot meet themself',
        'meetings[4] ("m5"): pinned slot "s7" is unknown',
        'meetings[5] ("m6"): pinned slot "s2" is one participant "b" cannot attend',
        'meetings[6] ("m7"): pinned table 4 is beyond the 3 tables',
        'meetings[7] ("m8"): participant "c" is also pinned to slot "s1" by meetings[6] ("m7")',
        'meetings[8] ("m9"): pinned to slot "s1" table 2, like meetings[7] ("m8")',
        'meetings[8] ("m9"): participant "d" is also pinned to slot "s1" by meetings[7] ("m8")',
        'meetings[8] ("m9"): participant "a" is also pinned to slot "s1" by meetings[6] ("m7")',
        'participants[0] ("a"): 4 pinned meetings but max_meetings is 1',
    ]
    for message in expected:
        assert message in errors, (message, errors)
    assert len(errors) == len(expected)
    assert str(caught.value).startswith(f"invalid problem ({len(expected)} errors):")


def test_schema_errors_are_all_listed_with_their_path(tmp_path):
    document = make_problem([("a", "b", 1)])
    document["tables"] = 0
    document["meetings"][0]["priority"] = -1
    del document["meetings"][0]["b"]
    with pytest.raises(ProblemError) as caught:
        load_problem(document)
    assert caught.value.errors == [
        "meetings[0]: 'b' is a required property",
        "meetings[0].priority: -1 is less than or equal to the minimum of 0",
        "tables: 0 is less than the minimum of 1",
    ]
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(ProblemError, match="not JSON"):
        load_problem(broken)
    with pytest.raises(ProblemError, match="unknown"):  # solve checks a hand-built problem too
        bad = load_problem(make_problem([("a", "b", 1)]))
        solve(Problem(bad.slots, bad.tables, bad.participants[:1], bad.meetings))


def test_solution_files_follow_the_schema():
    _, solution = solved(make_problem([("a", "b", 1), ("a", "c", 2)], slots=1))
    document = dump_solution(solution)
    assert schema_errors(document, "solution") == []
    assert json.loads(solution_text(solution)) == document
    assert document["unscheduled"][0]["reason"] == "both_busy"


def test_problem_files_round_trip():
    document = make_problem([{"id": "m1", "a": "a", "b": "b", "priority": 2.5, "pinned": {"slot": "s2", "table": 3}},
                             {"id": "m2", "a": "a", "b": "c", "published": {"slot": "s1", "table": 1}}],
                            unavailable={"c": ["s2"]}, caps={"b": 1})
    problem = load_problem(document)
    written = dump_problem(problem)
    assert schema_errors(written, "problem") == []
    assert load_problem(json.loads(json.dumps(written))) == problem


# --- the independent checker ------------------------------------------------------------------


@pytest.fixture
def checked() -> tuple[Problem, dict[str, Any]]:
    document = make_problem(
        [("a", "b", 1), ("c", "d", 2), ("a", "c", 3), ("b", "d", 1), ("e", "f", 1)],
        slots=2, tables=2, unavailable={"e": ["s2"]}, caps={"a": 2},
    )
    document["meetings"][1]["pinned"] = {"slot": "s1", "table": 2}
    problem = load_problem(document)
    solution = {
        "assignments": [
            {"meeting": "m1", "slot": "s1", "table": 1},
            {"meeting": "m2", "slot": "s1", "table": 2},
            {"meeting": "m3", "slot": "s2", "table": 1},
            {"meeting": "m4", "slot": "s2", "table": 2},
        ],
        "unscheduled": [{"meeting": "m5", "reason": "no_table"}],
        "objective": 7,
        "upper_bound": 8,
    }
    assert validate_solution(problem, solution) == []
    return problem, solution


def _broken(solution: dict[str, Any], index: int, **changes: Any) -> dict[str, Any]:
    broken = copy.deepcopy(solution)
    broken["assignments"][index].update(changes)
    return broken


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: _broken(s, 3, slot="s1", table=3), "table 3 is outside 1..2"),
        (lambda s: _broken(s, 3, slot="s1"), 'participant "b" also meets in slot "s1"'),
        (lambda s: _broken(s, 2, table=2), 'table 2 in slot "s2" is also used by "m3"'),
        (lambda s: _broken(s, 0, table=0), "table 0 is outside 1..2"),
        (lambda s: _broken(s, 0, slot="s9"), 'unknown slot "s9"'),
        (lambda s: _broken(s, 0, meeting="m99"), "unknown meeting"),
        (lambda s: _broken(s, 1, slot="s2", table=3), 'pinned to slot "s1" table 2'),
        (lambda s: {**s, "unscheduled": []}, 'meeting "m5" is neither assigned nor listed'),
        (lambda s: {**s, "objective": 8}, "objective 8 is not the sum of the scheduled priorities (7)"),
        (lambda s: {**s, "upper_bound": 6}, "upper_bound 6 is below the objective (7)"),
        (lambda s: {**s, "unscheduled": [{"meeting": "m5"}, {"meeting": "m5"}]}, "listed twice"),
        (lambda s: {**s, "unscheduled": [{"meeting": "m5"}, {"meeting": "m1"}]}, "meeting is also assigned"),
        (lambda s: {**s, "assignments": [*s["assignments"], s["assignments"][0]]}, "assigned more than once"),
        (
            lambda s: {**s, "objective": 8, "unscheduled": [],
                       "assignments": [*s["assignments"], {"meeting": "m5", "slot": "s2", "table": 2}]},
            'participant "e" is unavailable in slot "s2"',
        ),
    ],
)
def test_checker_catches_each_broken_rule(checked, change, message):
    problem, solution = checked
    errors = validate_solution(problem, change(solution))
    assert any(message in e for e in errors), errors


def test_checker_catches_a_cap_exceeded(checked):
    problem, _ = checked
    solution = {
        "assignments": [
            {"meeting": "m1", "slot": "s1", "table": 1},
            {"meeting": "m3", "slot": "s2", "table": 1},
            {"meeting": "m2", "slot": "s1", "table": 2},
        ],
        "unscheduled": [{"meeting": "m4", "reason": "x"}, {"meeting": "m5", "reason": "x"}],
        "objective": 6,
    }
    assert validate_solution(problem, solution) == []
    tight = Problem(problem.slots, problem.tables,
                    tuple(p if p.id != "a" else type(p)(p.id, p.unavailable, 1) for p in problem.participants),
                    problem.meetings)
    assert validate_solution(tight, solution) == ['participant "a": 2 meetings but max_meetings is 1']


# --- random problems --------------------------------------------------------------------------


def brute_force(problem: Problem) -> float:
    """The best total priority by trying every slot (or none) for every meeting."""
    slots = [s.id for s in problem.slots]
    people = {p.id: p for p in problem.participants}
    best = 0.0
    for choice in itertools.product([None, *slots], repeat=len(problem.meetings)):
        busy: set[tuple[str, str]] = set()
        count: dict[str, int] = {}
        per_slot: dict[str, int] = {}
        value, ok = 0.0, True
        for meeting, slot in zip(problem.meetings, choice, strict=True):
            if meeting.pinned and slot != meeting.pinned.slot:
                ok = False
            if slot is None:
                continue
            per_slot[slot] = per_slot.get(slot, 0) + 1
            for p in (meeting.a, meeting.b):
                cap = people[p].max_meetings
                count[p] = count.get(p, 0) + 1
                if (p, slot) in busy or slot in people[p].unavailable or (cap is not None and count[p] > cap):
                    ok = False
                busy.add((p, slot))
            value += meeting.priority
            if not ok or per_slot[slot] > problem.tables:
                ok = False
                break
        if ok:
            best = max(best, value)
    return best


def test_random_problems_solve_validly_and_tiny_ones_optimally():
    rng = random.Random(2024)
    for case in range(240):
        tiny = case % 2 == 0
        document = (
            random_problem(rng, people=rng.randint(2, 5), meetings=rng.randint(1, 6), slots=rng.randint(1, 3),
                           tables=rng.randint(1, 2))
            if tiny
            else random_problem(rng, people=rng.randint(3, 15), meetings=rng.randint(1, 40),
                                slots=rng.randint(1, 5), tables=rng.randint(1, 6))
        )
        problem = load_problem(document)
        solution = solve(problem, time_limit=5, seed=case)
        assert validate_solution(problem, solution) == [], (case, document)
        assert solution.objective <= solution.upper_bound + 1e-6, case
        if tiny:
            assert solution.objective == brute_force(problem), (case, document)


def test_random_problems_heuristic_alone_is_valid_and_below_its_bound(heuristic_only):
    rng = random.Random(99)
    for case in range(120):
        document = random_problem(rng, people=rng.randint(2, 20), meetings=rng.randint(1, 60),
                                  slots=rng.randint(1, 6), tables=rng.randint(1, 8))
        if case % 3 == 0:  # pins and published places on a previous solution
            first = solve(load_problem(document), time_limit=5)
            placed = {a.meeting: a for a in first.assignments}
            for row in document["meetings"]:
                if row["id"] in placed and rng.random() < 0.5:
                    key = "pinned" if rng.random() < 0.3 else "published"
                    row[key] = {"slot": placed[row["id"]].slot, "table": placed[row["id"]].table}
        problem = load_problem(document)
        solution = solve(problem, time_limit=5, seed=case)
        assert validate_solution(problem, solution) == [], (case, document)
        assert solution.objective <= solution.upper_bound + 1e-6, case
