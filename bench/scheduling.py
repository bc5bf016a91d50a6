"""Benchmark of the meeting scheduler (``matching.scheduling.solve``) on a realistic fair.

The target (issue 6): 1,000 participants, 16 slots, 6,000 requests, realistic availability
gaps and enough tables: within 1 % of the upper bound in at most 10 s, 0 constraint violations.

The generated fair: 600 SMEs and 400 providers; requests go from SMEs to providers chosen by a
Zipf-like popularity (a provider's weight is 1/(rank + 8)^0.9, so the most popular ones are asked
far beyond their caps) plus 2 % SME-to-SME requests; priorities 3 (mutual interest, 25 %), 2
(one-sided request, 45 %), 1 (recommended only, 30 %); everyone is unavailable in 10-25 % of
the slots in one or two contiguous blocks (arriving late, leaving early, another session),
max_meetings 8-14; 400 tables; 20 meetings pinned. A *stress* variant spreads requests evenly
over providers (popularity exponent 0, caps 14-16) and doubles the gaps (20-40 %), so that
far more meetings compete for slots instead of being cut by caps.

For each seed: ``solve(time_limit=10)``, then the independent checker (``validate_solution``);
then one round trip through ``marketplace events solve`` in a separate process.

    .venv/bin/python bench/scheduling.py                   # print the numbers
    .venv/bin/python bench/scheduling.py --write-results   # also update bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from results import replace_section  # noqa: E402

from matching.scheduling import load_problem, solve, validate_solution  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Meeting scheduler (issue 6)"
COMMAND = ".venv/bin/python bench/scheduling.py --write-results"
CLI = [sys.executable, "-c", "from marketplace.cli import main; main()"]
TIME_LIMIT = 10.0
REALISTIC: dict[str, Any] = {"alpha": 0.9, "gaps": (0.10, 0.25), "caps": (8, 14)}
STRESS: dict[str, Any] = {"alpha": 0.0, "gaps": (0.20, 0.40), "caps": (14, 16)}


def generate(seed: int, *, smes: int = 600, providers: int = 400, slots: int = 16, requests: int = 6000,
             tables: int = 400, pins: int = 20, alpha: float = 0.9, gaps: tuple[float, float] = (0.10, 0.25),
             caps: tuple[int, int] = (8, 14)) -> dict[str, Any]:
    """A matchmaking fair as a problem document (see the module docstring)."""
    rng = random.Random(seed)
    start = datetime(2026, 12, 3, 9, 0)
    slot_rows = []
    for i in range(slots):  # 20-minute meetings, 5-minute changes, a lunch break after 8
        begin = start + timedelta(minutes=25 * i + (60 if i >= slots // 2 else 0))
        slot_rows.append({"id": f"s{i + 1:02d}", "start": begin.isoformat() + "+08:00",
                          "end": (begin + timedelta(minutes=20)).isoformat() + "+08:00"})
    slot_ids = [s["id"] for s in slot_rows]
    participants = []
    for kind, count in (("sme", smes), ("provider", providers)):
        for i in range(count):
            away = max(1, round(rng.uniform(*gaps) * slots))
            blocks = [away] if away <= 2 or rng.random() < 0.6 else [away // 2, away - away // 2]
            unavailable: set[int] = set()
            for size in blocks:  # morning late, afternoon early, or somewhere in between
                first = rng.choice([0, slots - size, rng.randrange(slots - size + 1)])
                unavailable.update(range(first, first + size))
            participants.append({"id": f"{kind}{i + 1}", "unavailable": [slot_ids[s] for s in sorted(unavailable)],
                                 "max_meetings": rng.randint(*caps)})
    sme_ids = [p["id"] for p in participants[:smes]]
    provider_ids = [p["id"] for p in participants[smes:]]
    popularity = [1 / (rank + 8) ** alpha for rank in range(providers)]
    rng.shuffle(popularity)
    activity = [rng.uniform(0.5, 1.5) for _ in range(smes)]
    pairs: set[tuple[str, str]] = set()
    meetings: list[dict[str, Any]] = []
    while len(meetings) < requests:
        if rng.random() < 0.02:
            a, b = rng.sample(sme_ids, 2)
        else:
            a, b = rng.choices(sme_ids, activity)[0], rng.choices(provider_ids, popularity)[0]
        if (min(a, b), max(a, b)) in pairs:
            continue
        pairs.add((min(a, b), max(a, b)))
        draw = rng.random()
        meetings.append({"id": f"m{len(meetings) + 1}", "a": a, "b": b,
                         "priority": 3 if draw < 0.25 else 2 if draw < 0.70 else 1})
    _pin(rng, participants, meetings, slot_ids, pins)
    return {"slots": slot_rows, "tables": tables, "participants": participants, "meetings": meetings}


def _pin(rng: random.Random, participants: list[dict[str, Any]], meetings: list[dict[str, Any]],
         slot_ids: list[str], pins: int) -> None:
    """Pin ``pins`` meetings (VIP meetings fixed in advance) without breaking a rule."""
    people = {p["id"]: p for p in participants}
    busy: set[tuple[str, str]] = set()
    tables: Counter[str] = Counter()
    for meeting in rng.sample(meetings, pins * 3):
        if pins == 0:
            break
        who = (meeting["a"], meeting["b"])
        free = [s for s in slot_ids if all(s not in people[p]["unavailable"] and (p, s) not in busy for p in who)]
        if not free:
            continue
        slot = rng.choice(free)
        tables[slot] += 1
        meeting["pinned"] = {"slot": slot, "table": tables[slot]}
        busy.update((p, slot) for p in who)
        pins -= 1


def run_solver(variant: str, seed: int) -> dict[str, Any]:
    options = REALISTIC if variant == "realistic" else STRESS
    document = generate(seed, **options)
    started = time.perf_counter()
    problem = load_problem(document)
    loaded = time.perf_counter() - started
    load_before = os.getloadavg()[0]
    solution = solve(problem, time_limit=TIME_LIMIT, seed=seed)
    violations = validate_solution(problem, solution)
    again = solve(problem, time_limit=TIME_LIMIT, seed=seed)  # the same again?
    repeatable = (again.assignments, again.upper_bound) == (solution.assignments, solution.upper_bound)
    asked: Counter[str] = Counter()
    for m in problem.meetings:
        asked.update((m.a, m.b))
    slots = len(problem.slots)
    room = sum(min(p.max_meetings if p.max_meetings is not None else slots, asked[p.id], slots - len(p.unavailable))
               for p in problem.participants)
    row = {
        "cap_limit": room // 2,
        "variant": variant, "seed": seed, "asked": len(problem.meetings), "scheduled": len(solution.assignments),
        "objective": solution.objective, "bound": solution.upper_bound, "gap": solution.gap,
        "seconds": solution.seconds, "load_s": loaded, "violations": len(violations), "load_avg": load_before,
        "repeatable": repeatable,
        "reasons": Counter(u.reason for u in solution.unscheduled),
    }
    print(f"{variant} seed {seed}: {row['scheduled']}/{row['asked']} scheduled, objective {row['objective']:g}, "
          f"bound {row['bound']:g}, gap {row['gap']:.3%}, {row['seconds']:.1f} s, {row['violations']} violations, "
          f"{'repeatable' if repeatable else 'NOT repeatable'}",
          file=sys.stderr)
    return row


def round_trip(seed: int) -> dict[str, Any]:
    """``marketplace events solve`` in its own process: wall time, exit code, summary line."""
    with tempfile.TemporaryDirectory(prefix="bench-scheduling-") as folder:
        problem_file, out = Path(folder) / "problem.json", Path(folder) / "solution.json"
        problem_file.write_text(json.dumps(generate(seed, **REALISTIC)), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FLASK_APP")}
        env["MARKETPLACE_INSTANCE"] = str(Path(folder) / "instance")
        started = time.perf_counter()
        process = subprocess.run([*CLI, "events", "solve", str(problem_file), "--out", str(out)],
                                 cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        violations = validate_solution(load_problem(problem_file), json.loads(out.read_text())) if out.exists() else ["no file"]
        return {"seconds": seconds, "exit": process.returncode, "summary": process.stdout.strip(),
                "stderr": process.stderr.strip()[-500:], "violations": len(violations),
                "size_kb": out.stat().st_size / 1024 if out.exists() else 0}


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    import highspy

    return {"date": date.today().isoformat(), "cpus": str(len(os.sched_getaffinity(0))),
            "cpu": model.group(1).strip() if model else platform.processor(),
            "python": platform.python_version(), "highs": ".".join(
                str(getattr(highspy, f"HIGHS_VERSION_{part}")) for part in ("MAJOR", "MINOR", "PATCH"))}


def report(rows: list[dict[str, Any]], trip: dict[str, Any], host: dict[str, str], loads: tuple[float, float]) -> str:
    table = []
    for r in rows:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(r["reasons"].items()))
        table.append(
            f"| {r['variant']} | {r['seed']} | {r['scheduled']:,}/{r['asked']:,} ({r['scheduled'] / r['asked']:.1%}) "
            f"| {r['cap_limit']:,} | {r['objective']:,.0f} | {r['bound']:,.0f} | {r['gap']:.2%} | {r['seconds']:.1f} s "
            f"| {r['violations']} | {reasons} |"
        )
    realistic = [r for r in rows if r["variant"] == "realistic"]
    worst_gap = max(r["gap"] for r in rows)
    worst_time = max(r["seconds"] for r in rows)
    met = all(r["gap"] <= 0.01 and r["seconds"] <= TIME_LIMIT and r["violations"] == 0 for r in rows)
    return "\n".join([
        HEADING,
        "",
        "`bench/scheduling.py`: a generated fair of 1,000 participants (600 SMEs, 400 providers), 16 slots, "
        "400 tables and 6,000 meeting requests. *Realistic*: requests from SMEs to providers by Zipf-like "
        "popularity (weight 1/(rank+8)^0.9: the popular providers are asked far beyond their caps) plus 2 % "
        "SME-to-SME requests; priorities 3 (mutual, 25 %), 2 (one-sided, 45 %), 1 (recommended, 30 %); everyone "
        "unavailable in 10-25 % of the slots in one or two contiguous blocks; max_meetings 8-14; 20 pinned "
        "meetings. *Stress*: the same with evenly spread requests, caps 14-16 and 20-40 % unavailability, so "
        "that slots rather than caps limit the schedule. `solve(time_limit=10)`; violations are counted by the "
        "independent checker `validate_solution`; the upper bound is the proven one the solver reports: the "
        "smaller of two LP relaxations solved by HiGHS (per meeting and slot, by its first-order method PDLP; per "
        "meeting, by simplex), each evaluated by weak duality from its duals and rounded down (integer "
        "priorities). A gap of 0 means the schedule is proven optimal. *Caps allow at most* is half the sum over "
        "participants of min(max_meetings, requests, slots available): no schedule has more meetings.",
        "",
        "| fair | seed | scheduled | caps allow at most | objective | upper bound | gap | time | violations | unscheduled because |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *table,
        "",
        f"Target (within 1 % of the upper bound in ≤ 10 s, 0 violations): **{'met' if met else 'NOT met'}** "
        f"on every run (worst gap {worst_gap:.2%}, slowest {worst_time:.1f} s; realistic fair: "
        f"{min(r['scheduled'] / r['asked'] for r in realistic):.1%}–{max(r['scheduled'] / r['asked'] for r in realistic):.1%} "
        "of the requests scheduled; the last column says why the others were not).",
        "",
        f"CLI round trip (`marketplace events solve problem.json --out solution.json`, a separate process, "
        f"realistic seed 1; includes starting Python and the app, reading, checking, writing "
        f"{trip['size_kb']:.0f} KiB and checking the file again): {trip['seconds']:.1f} s wall, exit "
        f"{trip['exit']}, {trip['violations']} violations; it printed `{trip['summary']}`.",
        "",
        f"Machine: {host['cpu']}, {host['cpus']} CPUs (nproc); Python {host['python']}, HiGHS {host['highs']}. "
        f"Measured {host['date']}; 1-minute load average {loads[0]:.2f} before and {loads[1]:.2f} after the runs: "
        "other benchmarks shared the 2 cores, so times are those of a busy machine and vary by ±30 %. Every "
        "fair was solved twice: " + ("the two solutions were identical each time (the search stopped by itself "
        "before the time limit)." if all(r["repeatable"] for r in rows) else "**some solutions differed** "
        "(the time limit cut the search)."),
        "",
        f"Reproduce: `{COMMAND}`.",
        "",
    ])


def write_results(section: str) -> None:
    replace_section(HEADING, section, RESULTS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--no-stress", action="store_true", help="only the realistic fair")
    parser.add_argument("--write-results", action="store_true", help=f"update the '{HEADING}' section of {RESULTS.name}")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    variants = ["realistic"] if args.no_stress else ["realistic", "stress"]
    rows = [run_solver(variant, seed) for variant in variants for seed in args.seeds]
    trip = round_trip(args.seeds[0])
    section = report(rows, trip, machine(), (load_before, os.getloadavg()[0]))
    print(section)
    if args.write_results:
        write_results(section)
        print(f"Updated {RESULTS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
