"""Event set-up and life cycle: who organizes, the slots, the phases.

Phases: draft → registration → requests → scheduling → published → live → closed (and back
from published to scheduling to re-schedule). Services flush but never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.bounds import text_problem
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.events.models import (
    APPROVALS,
    PHASES,
    ROLES,
    Event,
    EventSlot,
    Meeting,
    Participant,
)
from marketplace.events.slots import PlanError, parse_plan, slot_times
from marketplace.organizations.kinds import KINDS
from marketplace.organizations.models import Organization
from marketplace.timeutil import utcnow

ORGANIZER_KINDS = ("organizer", "association", "government", "platform")
PHASE_LABELS = {
    "draft": _l("Draft"),
    "registration": _l("Registration"),
    "requests": _l("Meeting requests"),
    "scheduling": _l("Scheduling"),
    "published": _l("Schedule published"),
    "live": _l("Event day"),
    "closed": _l("Closed"),
}
ROLE_LABELS = {"seeker": _l("Seeker"), "provider": _l("Provider")}
# The moves an organizer may make from each phase.
TRANSITIONS = {
    "draft": ("registration",),
    "registration": ("draft", "requests"),
    "requests": ("scheduling",),
    "scheduling": ("published",),
    "published": ("scheduling", "live"),
    "live": ("closed",),
    "closed": (),
}
DEFAULT_ROLES = {"sme": "seeker", "bank": "provider", "investor": "provider", "guarantor": "provider",
                 "microfinance": "provider", "leasing_company": "provider", "service_provider": "provider",
                 "tech_intermediary": "provider", "university": "provider"}


# --- access ---------------------------------------------------------------------------------


def is_organizer(event: Event, user: User | None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_admin) or event.organization.member(user) is not None


def add_unique(session: Session, row: Any, taken: str) -> Any:
    """Add ``row`` in a savepoint; when a unique constraint refuses it (someone was first, or
    it exists already) the session stays usable and ``Conflict(taken)`` is raised."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(taken) from exc
    return row


def require_organizer(event: Event, user: User) -> None:
    if not is_organizer(event, user):
        raise PermissionDenied(_("Only the organizers of this event can do this."))


def participant_of(session: Session, event: Event, user: User | None) -> Participant | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return session.scalar(select(Participant).where(Participant.event_id == event.id, Participant.user_id == user.id))


def can_view(event: Event, user: User | None) -> bool:
    """Drafts are the organizers' own; every other event is public."""
    return event.phase != "draft" or is_organizer(event, user)


def get_event(session: Session, event_id: int, user: User | None) -> Event:
    event = session.get(Event, event_id)
    if event is None or not can_view(event, user):
        raise NotFound(_("No such event."))
    return event


def check_version(event: Event, version: Any) -> None:
    """The version the organizer's form was made from must still be current."""
    try:
        given = int(version)
    except (TypeError, ValueError):
        given = -1
    if given != event.version:
        raise Conflict(_("Someone else changed this event meanwhile: reload the page and try again."))


# --- set-up ---------------------------------------------------------------------------------


def _int(value: Any, name: str, low: int, high: int, errors: dict[str, list[str]], *, optional: bool = False) -> int | None:
    if value in (None, "") and optional:
        return None
    try:
        number = int(value)
        if not low <= number <= high:
            raise ValueError
        return number
    except (TypeError, ValueError):
        errors.setdefault(name, []).append(_("Give a whole number from %(low)d to %(high)d.", low=low, high=high))
        return None


def save_event(session: Session, organization: Organization, user: User, data: Mapping[str, Any],
               event: Event | None = None) -> Event:
    """Create an event for ``organization`` (``event`` None) or change it. ``data``: title,
    description, venue, online_url, plan (see :func:`marketplace.events.slots.parse_plan`),
    tables, table_names, capacity, registration_opens_at / registration_closes_at /
    requests_close_at (aware datetimes or None), approval, roles {kind: role}, max_requests,
    max_meetings, fill_recommended, version (when changing).

    Raises PermissionDenied, Conflict (stale version, or new slots while meetings are placed)
    and ValidationFailed with a message per field; nothing is written then.
    """
    if event is None:
        if organization.kind not in ORGANIZER_KINDS:
            raise PermissionDenied(_("Only event organizers, associations and government programmes can create events."))
        if organization.member(user) is None and not user.is_admin:
            raise PermissionDenied(_("You are not a member of this organization."))
    else:
        require_organizer(event, user)
        check_version(event, data.get("version"))
        if event.phase == "closed":
            raise Conflict(_("This event is closed."))
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = [_("Give the event a title.")]
    for name, longest, multiline in (("title", 200, False), ("venue", 300, False), ("description", 10_000, True)):
        problem = text_problem(str(data.get(name) or "").strip(), max_length=longest, multiline=multiline,
                               required=name == "title")
        if problem and name not in errors:
            errors[name] = [problem]
    for table_name in data.get("table_names") or []:
        problem = text_problem(str(table_name).strip(), max_length=60)
        if problem:
            errors["table_names"] = [f"{str(table_name)[:20]!r}: {problem}"]
            break
    tables = _int(data.get("tables"), "tables", 1, 1000, errors)
    names = [str(n).strip()[:60] for n in (data.get("table_names") or []) if str(n).strip()]
    if tables and len(names) > tables:
        errors.setdefault("table_names", []).append(_("%(n)d names for %(t)d tables.", n=len(names), t=tables))
    capacity = _int(data.get("capacity"), "capacity", 2, 100_000, errors, optional=True)
    max_requests = _int(data.get("max_requests"), "max_requests", 1, 1000, errors)
    max_meetings = _int(data.get("max_meetings"), "max_meetings", 1, 200, errors)
    approval = data.get("approval") or "open"
    if approval not in APPROVALS:
        errors["approval"] = [_("Choose open registration or approval by the organizer.")]
    roles = {k: v for k, v in dict(data.get("roles") or {}).items() if v}
    bad = [k for k, v in roles.items() if k not in KINDS or v not in ROLES]
    if bad:
        errors["roles"] = [_("Unknown kind or role: %(which)s.", which=", ".join(bad))]
    elif not roles:
        errors["roles"] = [_("Say which kinds of organization may attend, and as which role.")]
    online_url = str(data.get("online_url") or "").strip()
    if online_url and not (online_url.startswith(("http://", "https://")) and len(online_url) <= 500 and " " not in online_url):
        errors["online_url"] = [_("Give a web address starting with http:// or https://.")]
    opens, closes, requests_close = (data.get(k) for k in ("registration_opens_at", "registration_closes_at", "requests_close_at"))
    for name, moment in (("registration_opens_at", opens), ("registration_closes_at", closes), ("requests_close_at", requests_close)):
        if moment is not None and (not isinstance(moment, datetime) or moment.tzinfo is None):
            errors[name] = [_("Give a date and time.")]
    plan = None
    try:
        plan = parse_plan(dict(data.get("plan") or {}), str(data.get("timezone") or "Asia/Shanghai"))
    except PlanError as exc:
        for name, messages in exc.fields.items():
            errors.setdefault(f"plan.{name}", []).extend(messages)
    dated = not any(k in errors for k in ("registration_opens_at", "registration_closes_at", "requests_close_at"))
    if plan is not None and dated:  # the date rules, also when other fields are wrong (all errors at once)
        first_slot = slot_times(plan)[0][0]
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = [_("Registration must close after it opens.")]
        if closes and first_slot and closes > first_slot:
            errors["registration_closes_at"] = [_("Registration must close before the first meeting.")]
        if requests_close and first_slot and requests_close > first_slot:
            errors["requests_close_at"] = [_("Requests must close before the first meeting.")]
        if requests_close and closes and requests_close < closes:
            errors["requests_close_at"] = [_("Requests cannot close before registration does.")]
        changed_days = event is None or list((event.slot_plan or {}).get("days", [])) != [d.isoformat() for d in plan.days]
        if changed_days and plan.days[0] < utcnow().astimezone(ZoneInfo(plan.timezone)).date():
            errors["plan.days"] = [_("The days must not be in the past.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    assert plan is not None and tables is not None
    new_plan = plan.as_dict()
    replace_slots = event is None or event.slot_plan != new_plan or event.timezone != plan.timezone
    if event is not None:
        if replace_slots and session.scalar(select(func.count()).select_from(Meeting).where(
                Meeting.event_id == event.id, Meeting.slot_id.is_not(None))):
            raise Conflict(_("Meetings are already placed in the current slots: clear the schedule before changing the days or times."))
        placed_tables = int(session.scalar(select(func.max(Meeting.table)).where(Meeting.event_id == event.id)) or 0)
        if tables < placed_tables:
            raise Conflict(_("Meetings are placed at table %(n)d: keep at least that many tables or clear the schedule.", n=placed_tables))
    else:
        event = Event(organization=organization)
    event.title = title
    event.description = str(data.get("description") or "").strip()
    event.venue = str(data.get("venue") or "").strip()
    event.online_url = online_url
    event.timezone = plan.timezone
    event.slot_plan = new_plan
    event.meeting_minutes = plan.meeting_minutes
    event.tables = tables
    event.table_names = names
    event.capacity = capacity
    event.registration_opens_at, event.registration_closes_at, event.requests_close_at = opens, closes, requests_close
    event.approval = approval
    event.roles = roles
    event.max_requests = max_requests
    event.max_meetings = max_meetings
    event.fill_recommended = bool(data.get("fill_recommended"))
    event.include_unanswered = bool(data.get("include_unanswered"))
    if replace_slots:
        if event.id is not None:
            session.execute(update(Participant).where(Participant.event_id == event.id).values(unavailable_slot_ids=[]))
        event.slots.clear()
        session.add(event)
        session.flush()
        event.slots.extend(EventSlot(starts_at=a, ends_at=b) for a, b in slot_times(plan))
    session.add(event)
    session.flush()
    return event


# --- phases ---------------------------------------------------------------------------------


def closes_early(event: Event, now: datetime | None = None) -> bool:
    """Whether closing the event now would close it before its last meeting slot has ended."""
    ends = max((s.ends_at for s in event.slots), default=None)
    return ends is not None and (now or utcnow()) < ends


def set_phase(session: Session, event: Event, user: User, phase: str, version: Any, *, confirmed: bool = False) -> list[int]:
    """Move the event to ``phase``; returns the ids of requests that expired (leaving the
    request phase). Publishing is :func:`marketplace.events.scheduling.publish`. The event day
    cannot start before the event's first day; closing before the last slot has ended needs
    ``confirmed`` (an event cancelled or ended early)."""
    require_organizer(event, user)
    check_version(event, version)
    if phase not in PHASES or phase not in TRANSITIONS[event.phase]:
        raise Conflict(_("An event cannot go from %(a)s to %(b)s.", a=PHASE_LABELS[event.phase],
                         b=PHASE_LABELS.get(phase, phase)))
    if phase == "published":
        raise Conflict(_("Publish the schedule from the schedule page."))
    if phase == "live" and event.slots:
        zone = ZoneInfo(event.timezone)
        first_day = min(s.starts_at for s in event.slots).astimezone(zone).date()
        if utcnow().astimezone(zone).date() < first_day:
            raise Conflict(_("The event day starts on %(day)s: check-in and outcomes open then.", day=first_day.isoformat()))
    if phase == "closed" and closes_early(event) and not confirmed:
        raise Conflict(_("The event has not ended yet. Confirm that it is closed early (cancelled or ended ahead of time)."))
    expired: list[int] = []
    if event.phase == "requests":
        from marketplace.events.meeting_requests import close_requests

        expired = close_requests(session, event)
    event.phase = phase
    session.flush()
    return expired


def upcoming(session: Session, user: User | None) -> list[Event]:
    """Events open to the public (not drafts), soonest first, plus the user's own drafts."""
    rows = session.scalars(select(Event).order_by(Event.created_at.desc())).all()
    visible = [e for e in rows if can_view(e, user)]
    return sorted(visible, key=lambda e: (e.phase == "closed", e.slots[0].starts_at if e.slots else e.created_at))
