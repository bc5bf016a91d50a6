"""Heuristic search: a greedy schedule guided by the linear relaxation, then local search whose
moves only ever raise the total priority (so it stops by itself, the same way every time).

Moves, tried for every unscheduled meeting, most wanted first:
- insert it where both participants are free and a table is left;
- swap two slots along an alternating (Kempe) path of one participant to free a slot for it;
- move one meeting out of a slot whose tables are all taken;
- eject one or two lower-priority meetings of its participants (a cap reached, or a slot
  taken), then insert it by the moves above; the ejected meetings get another chance later.

Then a seeded random walk over plateaus: a fixed number of kicks, each forcing a meeting that
slots (not caps) keep out into a slot both can attend, re-inserting what it evicted, and kept
unless the total drops; then the local search once more.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

from matching.scheduling.state import Schedule, bits


class Search:
    """Greedy construction and improvement of ``schedule`` in place."""

    def __init__(self, schedule: Schedule, wanted: Sequence[float], preference: Sequence[Sequence[float]]) -> None:
        """``wanted[m]`` orders the meetings (higher first), ``preference[m][s]`` the slots."""
        self.s = schedule
        inst = schedule.inst
        self.preference = preference
        self.order = sorted(
            (m for m in range(inst.meetings) if not schedule.fixed[m]),
            key=lambda m: (-round(wanted[m], 6), -inst.priority[m], m),
        )
        # How many meetings of a participant could use a slot: choose the least wanted slots.
        demand = [[0] * inst.slots for _ in range(inst.participants)]
        for m in self.order:
            for s in bits(inst.avail[inst.a[m]] & inst.avail[inst.b[m]]):
                demand[inst.a[m]][s] += 1
                demand[inst.b[m]][s] += 1
        self.demand = demand
        self.meetings_of: list[list[int]] = [[] for _ in range(inst.participants)]
        for m in self.order:
            self.meetings_of[inst.a[m]].append(m)
            self.meetings_of[inst.b[m]].append(m)

    def choose(self, m: int, mask: int) -> int:
        inst, pref, demand = self.s.inst, self.preference[m], self.demand
        a, b = inst.a[m], inst.b[m]
        return min(bits(mask), key=lambda s: (-round(pref[s], 6), demand[a][s] + demand[b][s], s))

    def greedy(self) -> None:
        s = self.s
        for m in self.order:
            if s.slot_of[m] < 0 and s.has_room(m):
                mask = s.open_for(m)
                if mask:
                    s.place(m, self.choose(m, mask))

    def insert(self, m: int, *, tables: bool = True) -> bool:
        """Place ``m`` without removing anything; True if placed. ``tables``: also try to
        free a table in a full slot (slow when most slots are full)."""
        s = self.s
        if not s.has_room(m):
            return False
        mask = s.open_for(m)
        if mask:
            s.place(m, self.choose(m, mask))
            return True
        return s.insert_by_kempe(m) or (tables and s.make_table(m))

    def _tentative(self, m: int, ejected: Sequence[int]) -> bool:
        s = self.s
        mark = s.begin()
        for e in ejected:
            s.remove(e)
        if self.insert(m):
            s.commit()
            return True
        s.rollback(mark)
        s.commit()
        return False

    def eject_for(self, m: int) -> bool:
        """Place ``m`` by removing one or two scheduled meetings of lower total priority."""
        s = self.s
        inst = s.inst
        a, b, value = inst.a[m], inst.b[m], inst.priority[m]

        def own(p: int) -> list[int]:
            mine = [s.at[p][t] for t in bits(s.busy[p])]
            return sorted((e for e in mine if not s.fixed[e] and inst.priority[e] < value),
                          key=lambda e: (inst.priority[e], e))

        full_a, full_b = s.deg[a] >= inst.cap[a], s.deg[b] >= inst.cap[b]
        if full_a and full_b:
            for ea in own(a):
                for eb in own(b):
                    if ea != eb and inst.priority[ea] + inst.priority[eb] < value and self._tentative(m, (ea, eb)):
                        return True
            return False
        candidates = own(a) if full_a else own(b) if full_b else own(a) + own(b)
        return any(self._tentative(m, (e,)) for e in candidates)

    def improve(self, deadline: float) -> bool:
        """Local search until no move raises the total priority; False if ``deadline`` (a
        ``time.perf_counter()`` value) cut it short."""
        s = self.s
        changed = True
        while changed:
            changed = False
            for m in self.order:
                if s.slot_of[m] >= 0:
                    continue
                if time.perf_counter() > deadline:
                    return False
                if self.insert(m) or self.eject_for(m):
                    changed = True
        return True

    def kick(self, m: int, slot: int) -> bool:
        """Force ``m`` into ``slot`` (both can attend it), evicting what its participants have
        there, re-insert the evicted and refill around them. Kept when the total priority does
        not drop (so the search can walk across plateaus), else undone; True if kept."""
        s = self.s
        inst = s.inst
        a, b = inst.a[m], inst.b[m]
        evicted = sorted({e for e in (s.at[a][slot], s.at[b][slot]) if e >= 0})
        if any(s.fixed[e] for e in evicted):
            return False
        before = s.value
        mark = s.begin()
        for e in evicted:
            s.remove(e)
        if s.count[slot] >= inst.tables or not s.has_room(m):
            s.rollback(mark)
            s.commit()
            return False
        s.place(m, slot)
        touched = {inst.a[e] for e in evicted} | {inst.b[e] for e in evicted}
        for e in sorted(evicted, key=lambda e: -inst.priority[e]):
            self.insert(e)
        for p in sorted(touched):
            for e in self.meetings_of[p]:
                if s.slot_of[e] < 0:
                    self.insert(e, tables=False)
        if s.value < before - 1e-9:
            s.rollback(mark)
            s.commit()
            return False
        s.commit()
        return True

    def walk(self, rounds: int, seed: int, deadline: float, target: float) -> None:
        """``rounds`` random kicks of meetings blocked by slots (deterministic for a seed),
        then local search again; stops early at ``target`` or ``deadline``."""
        s = self.s
        inst = s.inst
        rng = random.Random(seed)
        blocked: list[int] = []
        for i in range(rounds):
            if i % 64 == 0:
                if s.value >= target - 1e-9 or time.perf_counter() > deadline:
                    break
                blocked = [m for m in self.order if s.slot_of[m] < 0 and s.has_room(m)]
            if not blocked:
                break
            m = blocked[rng.randrange(len(blocked))]
            if s.slot_of[m] >= 0 or not s.has_room(m):
                continue
            common = list(bits(inst.avail[inst.a[m]] & inst.avail[inst.b[m]]))
            if common:
                self.kick(m, common[rng.randrange(len(common))])
        self.improve(deadline)
