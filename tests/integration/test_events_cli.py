"""``marketplace events solve``: a problem file in, a checked solution file and one line out."""

from __future__ import annotations

import json
import random
import re

from matching.scheduling import load_problem, validate_solution
from matching.scheduling.io import schema_errors

SUMMARY = re.compile(
    r"^scheduled (\d+)/(\d+) meetings, objective (\d+), upper bound (\d+), gap (\d+\.\d\d)%, (\d+\.\d) s$"
)


def fair(seed: int = 1, people: int = 40, requests: int = 150) -> dict:
    rng = random.Random(seed)
    slots = [f"s{i + 1:02d}" for i in range(8)]
    participants = []
    for i in range(people):
        start = rng.randrange(len(slots))
        participants.append({
            "id": f"p{i}",
            "unavailable": slots[start:start + rng.randint(0, 2)],
            "max_meetings": rng.randint(3, 6),
        })
    pairs = set()
    while len(pairs) < requests:
        a, b = rng.sample(range(people), 2)
        pairs.add((min(a, b), max(a, b)))
    meetings = [
        {"id": f"m{i}", "a": f"p{a}", "b": f"p{b}", "priority": rng.choice([1, 2, 3])}
        for i, (a, b) in enumerate(sorted(pairs))
    ]
    first = next(m for m in meetings if m["a"] == "p0")
    first["pinned"] = {"slot": next(s for s in slots if s not in participants[0]["unavailable"]
                                     and s not in participants[int(first["b"][1:])]["unavailable"]),
                       "table": 7}
    return {"slots": [{"id": s} for s in slots], "tables": 12, "participants": participants, "meetings": meetings}


def test_solve_writes_a_valid_solution_and_one_summary_line(runner, tmp_path):
    problem_file, out = tmp_path / "problem.json", tmp_path / "solution.json"
    document = fair()
    problem_file.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["events", "solve", str(problem_file), "--out", str(out),
                                 "--time-limit", "5", "--seed", "2"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1, lines
    found = SUMMARY.match(lines[0])
    assert found, lines[0]
    solution = json.loads(out.read_text(encoding="utf-8"))
    assert schema_errors(solution, "solution") == []
    assert validate_solution(load_problem(problem_file), solution) == []
    scheduled, total, objective, bound = map(int, found.groups()[:4])
    assert (scheduled, total) == (len(solution["assignments"]), 150)
    assert objective == solution["objective"] and bound == solution["upper_bound"] >= objective
    assert len(solution["assignments"]) + len(solution["unscheduled"]) == 150
    pinned = next(m for m in document["meetings"] if "pinned" in m)
    assert {"meeting": pinned["id"], **pinned["pinned"]} in solution["assignments"]


def test_a_bad_problem_exits_1_names_the_errors_and_writes_nothing(runner, tmp_path):
    document = fair()
    document["meetings"][3]["b"] = "nobody"
    document["meetings"][5]["a"] = document["meetings"][5]["b"]
    problem_file, out = tmp_path / "problem.json", tmp_path / "solution.json"
    problem_file.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["events", "solve", str(problem_file), "--out", str(out)])
    assert result.exit_code == 1
    assert 'meetings[3] ("m3"): participant "nobody" is unknown' in result.output
    assert "meetings[5] (\"m5\"): participant" in result.output and "cannot meet themself" in result.output
    assert "invalid problem (2 errors)" in result.output
    assert not out.exists()
    document["tables"] = "many"
    problem_file.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["events", "solve", str(problem_file), "--out", str(out)])
    assert result.exit_code == 1 and "tables: 'many' is not of type 'integer'" in result.output
    assert not out.exists()
