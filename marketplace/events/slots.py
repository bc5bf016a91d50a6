"""Meeting slots from a day plan: days, opening hours, meeting length, gaps and breaks.

Pure functions (no database): the plan is validated field by field, so a form can show each
message next to its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _

from marketplace.bounds import parse_date

MAX_DAYS = 7
MAX_SLOTS = 200


class PlanError(ValueError):
    """The plan breaks a rule; ``fields`` maps field names to messages."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class Plan:
    days: tuple[date, ...]
    start: time
    end: time
    meeting_minutes: int
    gap_minutes: int
    breaks: tuple[tuple[time, time], ...]
    timezone: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "days": [d.isoformat() for d in self.days],
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
            "meeting_minutes": self.meeting_minutes,
            "gap_minutes": self.gap_minutes,
            "breaks": [[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in self.breaks],
        }


def _time(value: Any) -> time | None:
    if isinstance(value, time):
        return value
    try:
        return datetime.strptime(str(value).strip(), "%H:%M").time()
    except ValueError:
        return None


def parse_plan(data: dict[str, Any], timezone: str = "Asia/Shanghai") -> Plan:
    """Check a plan ``{"days", "start", "end", "meeting_minutes", "gap_minutes", "breaks"}``.
    ``days`` are ISO dates; times ``HH:MM``; ``breaks`` pairs of times. Raises PlanError."""
    errors: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        fail("timezone", _("Unknown time zone %(zone)s.", zone=timezone))
    days: list[date] = []
    for raw in data.get("days") or []:
        try:
            days.append(raw if isinstance(raw, date) else parse_date(str(raw)))
        except ValueError:
            fail("days", _("%(value)s is not a date (YYYY-MM-DD).", value=raw))
    if not days and "days" not in errors:
        fail("days", _("Give at least one day."))
    if len(set(days)) != len(days):
        fail("days", _("A day is listed twice."))
    if len(days) > MAX_DAYS:
        fail("days", _("At most %(n)d days.", n=MAX_DAYS))
    start, end = _time(data.get("start")), _time(data.get("end"))
    if start is None:
        fail("start", _("Give the start time as HH:MM."))
    if end is None:
        fail("end", _("Give the end time as HH:MM."))
    if start and end and end <= start:
        fail("end", _("The day must end after it starts."))
    try:
        minutes = int(data.get("meeting_minutes"))  # type: ignore[arg-type]
        if not 5 <= minutes <= 240:
            raise ValueError
    except (TypeError, ValueError):
        fail("meeting_minutes", _("A meeting lasts between 5 and 240 minutes."))
        minutes = 0
    try:
        gap = int(data.get("gap_minutes") or 0)
        if not 0 <= gap <= 120:
            raise ValueError
    except (TypeError, ValueError):
        fail("gap_minutes", _("The gap between meetings is between 0 and 120 minutes."))
        gap = 0
    breaks: list[tuple[time, time]] = []
    for pair in data.get("breaks") or []:
        a, b = (_time(pair[0]), _time(pair[1])) if isinstance(pair, list | tuple) and len(pair) == 2 else (None, None)
        if a is None or b is None:
            fail("breaks", _("Write each break as HH:MM-HH:MM."))
        elif b <= a:
            fail("breaks", _("The break %(a)s-%(b)s has no length.", a=a.strftime("%H:%M"), b=b.strftime("%H:%M")))
        elif start and end and (a < start or b > end):
            fail("breaks", _("The break %(a)s-%(b)s is outside the day.", a=a.strftime("%H:%M"), b=b.strftime("%H:%M")))
        else:
            breaks.append((a, b))
    breaks.sort()
    for (a1, b1), (a2, _b2) in zip(breaks, breaks[1:], strict=False):
        if a2 < b1:
            fail("breaks", _("The breaks starting at %(a)s and %(b)s overlap.", a=a1.strftime("%H:%M"), b=a2.strftime("%H:%M")))
    if errors:
        raise PlanError(errors)
    assert start is not None and end is not None
    plan = Plan(tuple(sorted(days)), start, end, minutes, gap, tuple(breaks), timezone)
    count = len(slot_times(plan))
    if count == 0:
        raise PlanError({"meeting_minutes": [_("No meeting fits in the day: shorten the meetings or the breaks.")]})
    if count > MAX_SLOTS:
        raise PlanError({"meeting_minutes": [_("The plan makes %(n)d slots; at most %(max)d.", n=count, max=MAX_SLOTS)]})
    return plan


def slot_times(plan: Plan) -> list[tuple[datetime, datetime]]:
    """(start, end) of every slot, in UTC, in order: from the day's start, one meeting plus the
    gap after another; a slot that would overlap a break starts when the break ends."""
    zone = ZoneInfo(plan.timezone)
    length, step_gap = timedelta(minutes=plan.meeting_minutes), timedelta(minutes=plan.gap_minutes)
    out = []
    for day in plan.days:
        cursor = datetime.combine(day, plan.start, zone)
        day_end = datetime.combine(day, plan.end, zone)
        pauses = [(datetime.combine(day, a, zone), datetime.combine(day, b, zone)) for a, b in plan.breaks]
        while cursor + length <= day_end:
            clash = next((b for a, b in pauses if cursor < b and a < cursor + length), None)
            if clash is not None:
                cursor = clash
                continue
            out.append((cursor.astimezone(UTC), (cursor + length).astimezone(UTC)))
            cursor += length + step_gap
    return out
