"""Plain data of the meeting scheduler: the problem (slots, tables, participants, meetings) and
its solution (assignments, unscheduled meetings with a reason, objective and proven bound)."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Why a meeting was left out, computed from the final solution (see ``REASONS``).
CAP_REACHED = "cap_reached"
NO_COMMON_SLOT = "no_common_slot"
BOTH_BUSY = "both_busy"
NO_TABLE = "no_table"
NOT_ALLOWED = "not_allowed"
REASONS = {
    CAP_REACHED: "a participant already has as many meetings as they allowed (max_meetings)",
    NO_COMMON_SLOT: "there is no slot in which both participants are available",
    BOTH_BUSY: "in every slot both can attend, one of them already has another meeting",
    NO_TABLE: "every slot free for both is already using all tables",
    NOT_ALLOWED: "a participant accepts no meetings at all (max_meetings is 0)",
}


@dataclass(frozen=True)
class Place:
    """Where a meeting happens: a slot id and a table number (1-based)."""

    slot: str
    table: int


@dataclass(frozen=True)
class Slot:
    id: str
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class Participant:
    """Someone who meets others. ``max_meetings`` None means no cap besides the slots."""

    id: str
    unavailable: frozenset[str] = frozenset()
    max_meetings: int | None = None


@dataclass(frozen=True)
class Meeting:
    """A requested meeting between participants ``a`` and ``b``.

    ``pinned`` must be kept. ``published`` is where an earlier, announced schedule put it: the
    solver keeps it there (while still feasible) unless asked not to.
    """

    id: str
    a: str
    b: str
    priority: float = 1.0
    pinned: Place | None = None
    published: Place | None = None


@dataclass(frozen=True)
class Problem:
    slots: tuple[Slot, ...]
    tables: int
    participants: tuple[Participant, ...]
    meetings: tuple[Meeting, ...]


@dataclass(frozen=True)
class Assignment:
    meeting: str
    slot: str
    table: int


@dataclass(frozen=True)
class Unscheduled:
    """A meeting left out: a reason code (one of ``REASONS``) and a sentence for people."""

    meeting: str
    reason: str
    message: str


@dataclass(frozen=True)
class Solution:
    """A schedule. ``upper_bound`` is proven (no schedule can do better); ``gap`` is
    ``(upper_bound - objective) / upper_bound`` (0 when the bound is 0). ``moved`` lists the
    meetings with a ``published`` place that now have another place or none."""

    assignments: tuple[Assignment, ...]
    unscheduled: tuple[Unscheduled, ...]
    objective: float
    upper_bound: float
    gap: float
    seconds: float
    moved: tuple[str, ...] = field(default=())
