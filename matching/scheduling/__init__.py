"""Matchmaking meeting scheduler: assign requested meetings to time slots and tables.

Framework-free: plain dataclasses and dicts in and out (numpy and scipy inside).
"""

from matching.scheduling.io import (
    ProblemError,
    dump_problem,
    dump_solution,
    load_problem,
    solution_text,
    validate_solution,
)
from matching.scheduling.model import (
    REASONS,
    Assignment,
    Meeting,
    Participant,
    Place,
    Problem,
    Slot,
    Solution,
    Unscheduled,
)
from matching.scheduling.solver import solve

__all__ = [
    "REASONS",
    "Assignment",
    "Meeting",
    "Participant",
    "Place",
    "Problem",
    "ProblemError",
    "Slot",
    "Solution",
    "Unscheduled",
    "dump_problem",
    "dump_solution",
    "load_problem",
    "solution_text",
    "solve",
    "validate_solution",
]
