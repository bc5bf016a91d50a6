"""The linear relaxation: a proven upper bound, guidance for the search, and the exact integer
program for small problems (all solved by HiGHS).

Variables x[m, s] in [0, 1] for every meeting m and slot s where m could go given the fixed
meetings; rows: each meeting at most once, each participant at most once per slot and at most
their remaining cap, each slot at most its remaining tables. Rows that can never bind (one
variable, or no more variables than the right-hand side) are left out.

The relaxation is solved with HiGHS's first-order method (PDLP), which is several times faster
than simplex or interior point here but only approximately optimal. The bound does not rely on
its accuracy: by weak duality ``rhs.y + sum(max(0, c - A'y))`` is an upper bound for any
y >= 0, and it is evaluated from the returned duals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from matching.scheduling.state import Schedule, bits

if TYPE_CHECKING:
    from highspy._core import _Highs

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True)
class LinearModel:
    meeting: Ints  # per variable: the meeting
    slot: Ints  # per variable: the slot
    priority: Floats  # per variable: its meeting's priority
    row: Ints  # per matrix entry (all coefficients are 1): its row ...
    col: Ints  # ... and its variable
    rhs: Floats
    constant: float  # the priorities of the fixed meetings

    @property
    def variables(self) -> int:
        return len(self.priority)

    def dual_bound(self, duals: Floats) -> float:
        """The weak-duality bound for row multipliers ``duals`` (negative ones count as 0)."""
        y = np.maximum(duals, 0.0)
        reduced = self.priority - np.bincount(self.col, weights=y[self.row], minlength=self.variables)
        return self.constant + float(self.rhs @ y) + float(np.maximum(reduced, 0.0).sum())


def build(schedule: Schedule) -> LinearModel:
    """The relaxation of what is left to decide once the fixed meetings are in place."""
    inst = schedule.inst
    room = np.asarray([inst.cap[p] - schedule.deg[p] for p in range(inst.participants)], dtype=np.float64)
    tables_left = np.asarray([inst.tables - c for c in schedule.count], dtype=np.float64)
    open_slots = sum(1 << s for s in range(inst.slots) if tables_left[s] > 0)
    meeting, slot = [], []
    for m in range(inst.meetings):
        a, b = inst.a[m], inst.b[m]
        if schedule.fixed[m] or room[a] <= 0 or room[b] <= 0:
            continue
        for s in bits(schedule.free(a) & schedule.free(b) & open_slots):
            meeting.append(m)
            slot.append(s)
    var_m = np.asarray(meeting, dtype=np.int64)
    var_s = np.asarray(slot, dtype=np.int64)
    n = len(var_m)
    first = np.asarray(inst.a, dtype=np.int64)[var_m]
    second = np.asarray(inst.b, dtype=np.int64)[var_m]
    variables = np.arange(n, dtype=np.int64)
    families: list[tuple[list[Ints], Floats]] = [  # (row keys of the variables, rhs per key)
        ([var_m], np.ones(inst.meetings)),
        ([first * inst.slots + var_s, second * inst.slots + var_s], np.ones(inst.participants * inst.slots)),
        ([var_s], tables_left),
        ([first, second], room),
    ]
    rows: list[Ints] = []
    cols: list[Ints] = []
    rhs: list[Floats] = []
    offset = 0
    for memberships, bound in families:
        keys = np.concatenate(memberships)
        sizes = np.bincount(keys, minlength=len(bound))
        binding = np.flatnonzero((sizes > 1) & (sizes > bound))
        row_of = np.full(len(bound), -1, dtype=np.int64)
        row_of[binding] = np.arange(len(binding)) + offset
        keep = row_of[keys] >= 0
        rows.append(row_of[keys][keep])
        cols.append(np.tile(variables, len(memberships))[keep])
        rhs.append(bound[binding])
        offset += len(binding)
    constant = sum(inst.priority[m] for m in range(inst.meetings) if schedule.slot_of[m] >= 0)
    return LinearModel(
        var_m, var_s, np.asarray(inst.priority, dtype=np.float64)[var_m],
        np.concatenate(rows), np.concatenate(cols), np.concatenate(rhs), constant,
    )


def aggregate(schedule: Schedule) -> LinearModel:
    """A coarser relaxation, without slots: one variable per meeting, each participant at most
    their remaining cap (and at most the number of slots any of their meetings could use), all
    meetings at most the tables left. Weaker, but solved exactly in a fraction of a second: a
    safety net when the fine relaxation is cut short."""
    inst = schedule.inst
    tables_left = [inst.tables - c for c in schedule.count]
    open_slots = sum(1 << s for s in range(inst.slots) if tables_left[s] > 0)
    union = [0] * inst.participants
    meeting = []
    for m in range(inst.meetings):
        if schedule.fixed[m] or not schedule.has_room(m):
            continue
        a, b = inst.a[m], inst.b[m]
        usable = schedule.free(a) & schedule.free(b) & open_slots
        if usable:
            meeting.append(m)
            union[a] |= usable
            union[b] |= usable
    var_m = np.asarray(meeting, dtype=np.int64)
    n = len(var_m)
    room = np.asarray([min(inst.cap[p] - schedule.deg[p], union[p].bit_count()) for p in range(inst.participants)],
                      dtype=np.float64)
    keys = np.concatenate([np.asarray(inst.a, dtype=np.int64)[var_m], np.asarray(inst.b, dtype=np.int64)[var_m]])
    sizes = np.bincount(keys, minlength=inst.participants)
    binding = np.flatnonzero(sizes > room)
    row_of = np.full(inst.participants, -1, dtype=np.int64)
    row_of[binding] = np.arange(len(binding))
    keep = row_of[keys] >= 0
    rows = [row_of[keys][keep], np.full(n, len(binding), dtype=np.int64)]
    cols = [np.tile(np.arange(n, dtype=np.int64), 2)[keep], np.arange(n, dtype=np.int64)]
    constant = sum(inst.priority[m] for m in range(inst.meetings) if schedule.slot_of[m] >= 0)
    return LinearModel(
        var_m, np.full(n, -1, dtype=np.int64), np.asarray(inst.priority, dtype=np.float64)[var_m],
        np.concatenate(rows), np.concatenate(cols), np.append(room[binding], float(sum(tables_left))), constant,
    )


def _highs(model: LinearModel, time_limit: float, *, integer: bool, solver: str = "choose") -> _Highs:
    # The plain core class: ``highspy.Highs`` prints a banner to stdout when it is created.
    from highspy import HighsLp, HighsStatus, HighsVarType, MatrixFormat
    from highspy._core import _Highs

    order = np.lexsort((model.row, model.col))
    n, m = model.variables, len(model.rhs)
    lp = HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_ = -model.priority
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
    lp.row_lower_, lp.row_upper_ = np.full(m, -np.inf), model.rhs
    lp.a_matrix_.format_ = MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(model.col[order], np.arange(n + 1))
    lp.a_matrix_.index_ = model.row[order]
    lp.a_matrix_.value_ = np.ones(len(order))
    if integer:
        lp.integrality_ = [HighsVarType.kInteger] * n
    highs = _Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("time_limit", max(0.05, time_limit))
    highs.setOptionValue("solver", solver)
    if integer:
        highs.setOptionValue("mip_rel_gap", 0.0)
    status = highs.passModel(lp)
    if status == HighsStatus.kError:
        raise RuntimeError(f"HiGHS rejected the model ({n} variables, {m} rows)")
    highs.run()
    return highs


def relax(
    model: LinearModel, time_limit: float, *, integer_priorities: bool, solver: str = "pdlp"
) -> tuple[float, Floats]:
    """Solve the relaxation within ``time_limit`` seconds; returns (proven upper bound, x).

    With integer priorities the bound is rounded down to an integer. A cut-short solve still
    gives a valid (weaker) bound.
    """
    if model.variables == 0:
        return model.constant, np.zeros(0)
    highs = _highs(model, time_limit, integer=False, solver=solver)
    solution = highs.getSolution()
    x = np.clip(np.asarray(solution.col_value, dtype=np.float64), 0.0, 1.0)
    if len(x) != model.variables:
        x = np.zeros(model.variables)
    duals = -np.asarray(solution.row_dual, dtype=np.float64) if solution.dual_valid else np.zeros(len(model.rhs))
    if len(duals) != len(model.rhs):
        duals = np.zeros(len(model.rhs))
    bound = min(model.dual_bound(duals), model.constant + float(model.priority.sum()))
    if integer_priorities:
        bound = math.floor(bound + 1e-6)
    return bound, x


def exact(model: LinearModel, time_limit: float) -> Ints | None:
    """The variables set to 1 in an optimal integer solution, or None if HiGHS did not prove
    optimality within ``time_limit`` seconds."""
    from highspy import HighsModelStatus

    if model.variables == 0:
        return np.zeros(0, dtype=np.int64)
    highs = _highs(model, time_limit, integer=True)
    if highs.getModelStatus() != HighsModelStatus.kOptimal:
        return None
    x = np.asarray(highs.getSolution().col_value)
    return np.flatnonzero(x > 0.5).astype(np.int64)
