"""The event's schedule: the database's meetings become a scheduler problem
(:mod:`matching.scheduling`), its solution goes back into the meetings and their seats;
publishing tells every participant their agenda, and later changes only those affected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.errors import Conflict
from marketplace.events.meeting_requests import (
    PRIORITY_RECOMMENDED,
    PRIORITY_UNANSWERED,
    meeting_cap,
    pair,
)
from marketplace.events.models import Event, Meeting, MeetingRequest, MeetingSeat, Participant
from marketplace.events.services import check_version, require_organizer
from marketplace.notifications.services import notify
from marketplace.timeutil import utcnow
from matching import scheduling as solver

DEFAULT_TIME_LIMIT = 10.0


@dataclass(frozen=True)
class Outcome:
    scheduled: int
    asked: int
    objective: float
    upper_bound: float
    gap: float
    seconds: float
    unscheduled: dict[int, str]  # meeting id -> reason code (requested or set meetings; recommended pairs not placed are dropped)
    recommended: int = 0  # recommended pairs placed (proposals; not counted in scheduled/asked)


def _approved(session: Session, event: Event) -> dict[int, Participant]:
    return {p.id: p for p in session.scalars(select(Participant).where(
        Participant.event_id == event.id, Participant.status == "approved"))}


def _add_unanswered(session: Session, event: Event) -> None:
    """Requests nobody answered become meetings of lower priority (when the organizer wants)."""
    for request in session.scalars(select(MeetingRequest).where(
            MeetingRequest.event_id == event.id, MeetingRequest.status.in_(("pending", "expired")))):
        low, high = pair(request.sender_id, request.recipient_id)
        if session.scalar(select(Meeting.id).where(Meeting.event_id == event.id, Meeting.low_id == low,
                                                   Meeting.high_id == high)) is None:
            session.add(Meeting(event_id=event.id, low_id=low, high_id=high, source="request",
                                priority=PRIORITY_UNANSWERED, request_id=request.id))
    session.flush()


def _add_recommended(session: Session, event: Event) -> None:
    from marketplace.events.matchmaking import recommended_pairs

    existing = {(m.low_id, m.high_id) for m in session.scalars(select(Meeting).where(Meeting.event_id == event.id))}
    for low, high, _score in recommended_pairs(session, event):
        if (low, high) not in existing:
            session.add(Meeting(event_id=event.id, low_id=low, high_id=high, source="recommended", priority=PRIORITY_RECOMMENDED))
    session.flush()


def problem_of(session: Session, event: Event) -> tuple[solver.Problem, dict[str, Meeting]]:
    """The scheduler's problem for the event's planned meetings between approved participants."""
    people = _approved(session, event)
    meetings = [m for m in session.scalars(select(Meeting).where(Meeting.event_id == event.id, Meeting.status == "planned")
                                           .order_by(Meeting.id))
                if m.low_id in people and m.high_id in people]
    slots = tuple(solver.Slot(f"s{s.id}", s.starts_at.isoformat(), s.ends_at.isoformat()) for s in event.slots)
    known = {s.id for s in event.slots}
    participants = tuple(
        solver.Participant(f"p{p.id}", frozenset(f"s{i}" for i in p.unavailable_slot_ids or [] if i in known), meeting_cap(p))
        for p in sorted(people.values(), key=lambda p: p.id))
    items = []
    for m in meetings:
        pinned = solver.Place(f"s{m.slot_id}", m.table) if m.pinned and m.slot_id and m.table else None
        published = (solver.Place(f"s{m.published_slot_id}", m.published_table)
                     if m.published_slot_id in known and m.published_table and m.published_table <= event.tables else None)
        items.append(solver.Meeting(f"m{m.id}", f"p{m.low_id}", f"p{m.high_id}", m.priority, pinned, published))
    return solver.Problem(slots, event.tables, participants, tuple(items)), {f"m{m.id}": m for m in meetings}


def run(session: Session, event: Event, user: User, version: Any, *, time_limit: float = DEFAULT_TIME_LIMIT,
        keep_published: bool = True) -> Outcome:
    """Schedule the event's meetings (phase ``scheduling``). Meetings already published keep
    their place unless ``keep_published`` is False; pinned ones always do. Raises Conflict
    (wrong phase, stale version, a pin that breaks a rule)."""
    require_organizer(event, user)
    check_version(event, version)
    if event.phase != "scheduling":
        raise Conflict(_("Move the event to the scheduling phase first."))
    if not event.slots:
        raise Conflict(_("The event has no time slots."))
    # Recommended pairs are proposals: last run's unplaced ones go, this run's are fresh.
    # (Called-off ones stay, cancelled: they keep the pair from being proposed again.)
    session.execute(delete(Meeting).where(Meeting.event_id == event.id, Meeting.source == "recommended",
                                          Meeting.status == "planned", Meeting.published_slot_id.is_(None),
                                          Meeting.pinned.is_(False)))
    if event.include_unanswered:
        _add_unanswered(session, event)
    if event.fill_recommended:
        _add_recommended(session, event)
    problem, by_key = problem_of(session, event)
    try:
        solution = solver.solve(problem, time_limit=time_limit, keep_published=keep_published)
    except solver.ProblemError as exc:
        raise Conflict(_("The schedule cannot be made: %(why)s", why="; ".join(exc.errors[:3]))) from exc
    errors = solver.validate_solution(problem, solution)
    if errors:  # never store a schedule that breaks a rule
        raise Conflict(_("The scheduler's answer broke a rule: %(why)s", why="; ".join(errors[:3])))
    # The counts the organizer reads: meetings asked for (requests, the organizer's own) and how
    # many of them found a place; recommended pairs are proposals, counted apart.
    proposed = {key for key, meeting in by_key.items() if meeting.source == "recommended"}
    placed = {a.meeting for a in solution.assignments}
    left_out = {by_key[u.meeting].id: u.reason for u in solution.unscheduled if u.meeting not in proposed}
    _store(session, event, solution, by_key)
    event.schedule_objective, event.schedule_bound = solution.objective, solution.upper_bound
    event.scheduled_at = utcnow()
    session.flush()
    return Outcome(len(placed - proposed), len(set(by_key) - proposed), solution.objective, solution.upper_bound,
                   solution.gap, solution.seconds, left_out, recommended=len(placed & proposed))


def _store(session: Session, event: Event, solution: solver.Solution, by_key: dict[str, Meeting]) -> None:
    ids = [m.id for m in by_key.values()]
    if ids:
        session.execute(delete(MeetingSeat).where(MeetingSeat.meeting_id.in_(ids)))
        session.execute(update(Meeting).where(Meeting.id.in_(ids)).values(slot_id=None, table=None, unscheduled_reason="",
                                                                           reason_text=""))
        session.flush()
        session.expire_all()
    for a in solution.assignments:
        meeting = by_key[a.meeting]
        meeting.slot_id, meeting.table = int(a.slot[1:]), a.table
        session.add_all([MeetingSeat(meeting_id=meeting.id, participant_id=p, slot_id=meeting.slot_id)
                         for p in (meeting.low_id, meeting.high_id)])
    for u in solution.unscheduled:
        meeting = by_key[u.meeting]
        if meeting.source == "recommended" and meeting.published_slot_id is None:
            session.delete(meeting)
        else:
            meeting.unscheduled_reason, meeting.reason_text = u.reason, u.message[:500]
    session.flush()


def publish(session: Session, event: Event, user: User, version: Any) -> list[int]:
    """Announce the schedule: the first time to every participant with meetings, afterwards to
    those whose meetings were added, moved or dropped. Returns the ids of the meetings changed."""
    require_organizer(event, user)
    check_version(event, version)
    if event.phase != "scheduling" or event.scheduled_at is None:
        raise Conflict(_("Make a schedule before publishing it."))
    first = event.published_at is None
    changed: list[Meeting] = []
    for meeting in session.scalars(select(Meeting).where(Meeting.event_id == event.id)):
        if meeting.status == "cancelled":
            continue  # its people were told when it was called off; calendars get a CANCELLED entry
        place = (meeting.slot_id, meeting.table) if meeting.status == "planned" else (None, None)
        if place != (meeting.published_slot_id, meeting.published_table):
            changed.append(meeting)
            meeting.published_slot_id, meeting.published_table = place
    event.phase = "published"
    event.published_at = utcnow()
    session.flush()
    link = f"/events/{event.id}/agenda"
    if first:
        people = session.scalars(select(Participant).where(Participant.event_id == event.id, Participant.status == "approved"))
        notify(session, [p.user for p in people], lambda: _("The meeting schedule of %(event)s is published: see your agenda.",
                                                    event=event.title), link=link)
    elif changed:
        affected = {p for m in changed for p in (m.low, m.high)}
        notify(session, [p.user for p in affected], lambda: _("Your meetings at %(event)s have changed: see your agenda.",
                                                      event=event.title), link=link)
    return [m.id for m in changed]


def agenda(session: Session, participant: Participant) -> list[Meeting]:
    """The participant's published meetings in time order (organizers see the working schedule
    through :func:`master`)."""
    return [m for m in calendar_entries(session, participant) if m.status != "cancelled"]


def calendar_entries(session: Session, participant: Participant) -> list[Meeting]:
    """What the participant's calendar should hold: every meeting ever published to them,
    called-off ones included (exported as CANCELLED, so calendar apps remove them)."""
    rows = session.scalars(select(Meeting).where(
        or_(Meeting.low_id == participant.id, Meeting.high_id == participant.id),
        Meeting.published_slot_id.is_not(None)))
    return sorted(rows, key=lambda m: (m.published_slot.starts_at if m.published_slot else utcnow(), m.id))


def master(session: Session, event: Event) -> list[Meeting]:
    """Every meeting with a place (the working schedule), by slot then table."""
    rows = session.scalars(select(Meeting).where(Meeting.event_id == event.id, Meeting.slot_id.is_not(None)))
    return sorted(rows, key=lambda m: (m.slot.starts_at if m.slot else utcnow(), m.table or 0))


def unplaced(session: Session, event: Event) -> list[Meeting]:
    return list(session.scalars(select(Meeting).where(Meeting.event_id == event.id, Meeting.slot_id.is_(None),
                                                      Meeting.status == "planned").order_by(Meeting.id)))
