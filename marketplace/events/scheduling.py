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
from marketplace.events import proposals
from marketplace.events.meeting_requests import PRIORITY_RECOMMENDED, meeting_cap
from marketplace.events.models import Event, Meeting, MeetingSeat, Participant
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
    unscheduled: dict[int, str]  # meeting id -> reason code (agreed meetings; proposals not placed are dropped)
    recommended: int = 0  # proposals placed (recommended pairs not yet accepted by both; not in scheduled/asked)


def _approved(session: Session, event: Event) -> dict[int, Participant]:
    return {p.id: p for p in session.scalars(select(Participant).where(
        Participant.event_id == event.id, Participant.status == "approved"))}


def _add_recommended(session: Session, event: Event) -> list[Meeting]:
    from marketplace.events.matchmaking import recommended_pairs

    existing = {(m.low_id, m.high_id) for m in session.scalars(select(Meeting).where(Meeting.event_id == event.id))}
    added = [Meeting(event_id=event.id, low_id=low, high_id=high, source="recommended", priority=PRIORITY_RECOMMENDED)
             for low, high, _score in recommended_pairs(session, event) if (low, high) not in existing]
    session.add_all(added)
    session.flush()
    return added


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
    # Proposals nobody has answered are made afresh on each run (answered ones stay: an
    # acceptance is kept, a "no" stays cancelled so the pair is never proposed again).
    before = {(m.low_id, m.high_id) for m in session.scalars(select(Meeting).where(
        Meeting.event_id == event.id, Meeting.status == "planned", proposals.unanswered()))}
    session.execute(delete(MeetingSeat).where(MeetingSeat.meeting_id.in_(select(Meeting.id).where(
        Meeting.event_id == event.id, Meeting.status == "planned", Meeting.published_slot_id.is_(None),
        Meeting.pinned.is_(False), proposals.unanswered()))))
    session.execute(delete(Meeting).where(Meeting.event_id == event.id, Meeting.status == "planned",
                                          Meeting.published_slot_id.is_(None), Meeting.pinned.is_(False),
                                          proposals.unanswered()))
    session.expire_all()
    added = _add_recommended(session, event) if event.fill_recommended else []
    problem, by_key = problem_of(session, event)
    try:
        solution = solver.solve(problem, time_limit=time_limit, keep_published=keep_published)
    except solver.ProblemError as exc:
        raise Conflict(_("The schedule cannot be made: %(why)s", why="; ".join(exc.errors[:3]))) from exc
    errors = solver.validate_solution(problem, solution)
    if errors:  # never store a schedule that breaks a rule
        raise Conflict(_("The scheduler's answer broke a rule: %(why)s", why="; ".join(errors[:3])))
    # The counts the organizer reads: agreed meetings (requests, the organizer's own, accepted
    # proposals) and how many of them found a place; proposals are counted apart.
    proposed = {key for key, meeting in by_key.items() if meeting.proposal}
    placed = {a.meeting for a in solution.assignments}
    left_out = {by_key[u.meeting].id: u.reason for u in solution.unscheduled if u.meeting not in proposed}
    fresh = [m for m in added if f"m{m.id}" in placed and (m.low_id, m.high_id) not in before]
    _store(session, event, solution, by_key)
    event.schedule_objective, event.schedule_bound = solution.objective, solution.upper_bound
    event.scheduled_at = utcnow()
    session.flush()
    proposals.announce(session, event, fresh)
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
        if meeting.proposal and meeting.published_slot_id is None and not (meeting.low_answer or meeting.high_answer):
            session.delete(meeting)  # an unanswered proposal without a place is no proposal
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
    proposals.drop_unagreed(session, event)  # only meetings both sides want reach the agendas
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
