"""The solver's working schedule: integer indices, slot bitmasks and reversible moves.

Participants, slots and meetings are numbered; a participant's availability and busy slots are
bitmasks over the slots, so "a slot free for both" is two ANDs. Every change goes through
``_set`` and can be recorded in a journal and rolled back, which is how tentative moves (Kempe
chain swaps, ejections) are tried.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Instance:
    """A problem in numbers. ``avail[p]`` is a bitmask of the slots participant ``p`` can attend;
    ``cap[p]`` their meeting cap (at most the number of slots)."""

    slots: int
    tables: int
    a: tuple[int, ...]
    b: tuple[int, ...]
    priority: tuple[float, ...]
    avail: tuple[int, ...]
    cap: tuple[int, ...]

    @property
    def meetings(self) -> int:
        return len(self.a)

    @property
    def participants(self) -> int:
        return len(self.avail)


def bits(mask: int) -> Iterator[int]:
    """The slot numbers in ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class Schedule:
    """Which slot each meeting is in (-1: none), kept consistent with per-participant and
    per-slot bookkeeping. Fixed meetings (pins, kept published meetings) never move."""

    def __init__(self, instance: Instance) -> None:
        self.inst = instance
        k, people = instance.slots, instance.participants
        self.all_slots = (1 << k) - 1
        self.slot_of = [-1] * instance.meetings
        self.fixed = [False] * instance.meetings
        self.busy = [0] * people
        self.at = [[-1] * k for _ in range(people)]
        self.deg = [0] * people
        self.count = [0] * k
        self.members: list[set[int]] = [set() for _ in range(k)]
        self.full = 0  # slots whose tables are all taken
        self.value = 0.0
        self.journal: list[tuple[int, int]] | None = None
        self.depth = 0  # of nested tentative changes

    # --- primitive changes ---------------------------------------------------------------

    def _set(self, m: int, slot: int) -> None:
        inst = self.inst
        old = self.slot_of[m]
        if old == slot:
            return
        if self.journal is not None:
            self.journal.append((m, old))
        a, b = inst.a[m], inst.b[m]
        if old >= 0:
            bit = 1 << old
            for p in (a, b):
                self.busy[p] &= ~bit
                self.at[p][old] = -1
                self.deg[p] -= 1
            self.count[old] -= 1
            self.members[old].discard(m)
            self.full &= ~bit
            self.value -= inst.priority[m]
        if slot >= 0:
            bit = 1 << slot
            for p in (a, b):
                self.busy[p] |= bit
                self.at[p][slot] = m
                self.deg[p] += 1
            self.count[slot] += 1
            self.members[slot].add(m)
            if self.count[slot] >= inst.tables:
                self.full |= bit
            self.value += inst.priority[m]
        self.slot_of[m] = slot

    def place(self, m: int, slot: int) -> None:
        self._set(m, slot)

    def remove(self, m: int) -> None:
        self._set(m, -1)

    def fix(self, m: int, slot: int) -> None:
        self._set(m, slot)
        self.fixed[m] = True

    def begin(self) -> int:
        """Start (or nest) a tentative change; returns a mark for ``rollback``. Every
        ``begin`` is closed by one ``commit`` (after a ``rollback`` too)."""
        if self.journal is None:
            self.journal = []
        self.depth += 1
        return len(self.journal)

    def rollback(self, mark: int) -> None:
        assert self.journal is not None
        while len(self.journal) > mark:
            m, old = self.journal.pop()
            saved, self.journal = self.journal, None
            self._set(m, old)
            self.journal = saved

    def commit(self) -> None:
        self.depth -= 1
        if self.depth == 0:
            self.journal = None

    # --- questions -----------------------------------------------------------------------

    def other(self, m: int, p: int) -> int:
        return self.inst.b[m] if self.inst.a[m] == p else self.inst.a[m]

    def free(self, p: int) -> int:
        """Slots participant ``p`` can attend and has no meeting in."""
        return self.inst.avail[p] & ~self.busy[p]

    def open_for(self, m: int) -> int:
        """Slots where meeting ``m`` could go right now (both free, a table left)."""
        a, b = self.inst.a[m], self.inst.b[m]
        return self.free(a) & self.free(b) & ~self.full & self.all_slots

    def has_room(self, m: int) -> bool:
        a, b = self.inst.a[m], self.inst.b[m]
        return self.deg[a] < self.inst.cap[a] and self.deg[b] < self.inst.cap[b]

    # --- Kempe chains --------------------------------------------------------------------

    def kempe(self, start: int, s: int, t: int, avoid: int) -> list[int] | None:
        """The alternating s/t path from ``start`` (busy in s, free in t), or None when
        swapping its slots is not allowed: it holds a fixed meeting, reaches ``avoid``, or its
        last participant cannot attend the slot their meeting would move to."""
        inst, at = self.inst, self.at
        path: list[int] = []
        x, c, d = start, s, t
        while True:
            e = at[x][c]
            if e < 0:
                break
            if self.fixed[e]:
                return None
            path.append(e)
            x = self.other(e, x)
            if x == avoid:
                return None
            c, d = d, c
        if not (inst.avail[x] >> c) & 1:  # the end's meeting moves from d to c
            return None
        return path

    def swap(self, path: list[int], s: int, t: int) -> None:
        """Exchange slots s and t of the meetings on ``path``."""
        for e in path:
            self._set(e, -1)
        for i, e in enumerate(path):
            self._set(e, t if i % 2 == 0 else s)

    def insert_by_kempe(self, m: int) -> bool:
        """Place meeting ``m`` by first swapping two slots along one alternating path of one
        of its participants; False (nothing changed) if no such path works."""
        inst = self.inst
        tables = inst.tables
        for p, q in ((inst.a[m], inst.b[m]), (inst.b[m], inst.a[m])):
            # q free in s; p busy in s but free (and available) in t: free p's slot s.
            targets = self.free(q) & inst.avail[p] & self.busy[p] & ~self.full
            for s in bits(targets):
                for t in bits(self.free(p)):
                    path = self.kempe(p, s, t, q)
                    if path is None:
                        continue
                    in_s = (len(path) + 1) // 2  # meetings now in s that move to t
                    in_t = len(path) // 2
                    if self.count[s] - in_s + in_t + 1 > tables or self.count[t] + in_s - in_t > tables:
                        continue
                    self.swap(path, s, t)
                    self.place(m, s)
                    return True
        return False

    def make_table(self, m: int) -> bool:
        """Place meeting ``m`` in a slot free for both but full, by moving one other meeting
        of that slot to a slot with a table left (free for its participants)."""
        inst, avail, busy = self.inst, self.inst.avail, self.busy
        a, b = inst.a[m], inst.b[m]
        open_slots = ~self.full & self.all_slots
        if not open_slots:
            return False
        for s in bits(self.free(a) & self.free(b) & self.full):
            for e in sorted(self.members[s]):
                if self.fixed[e]:
                    continue
                ea, eb = inst.a[e], inst.b[e]
                target = avail[ea] & ~busy[ea] & avail[eb] & ~busy[eb] & open_slots
                if target:
                    self._set(e, (target & -target).bit_length() - 1)
                    self.place(m, s)
                    return True
        return False
