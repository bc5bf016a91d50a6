"""Meetings the platform proposes. When the organizer lets the scheduler fill free slots with
recommended pairs, each pair is a proposal: both participants accept or decline it while the
schedule is being made. One "no" takes it off the schedule (kept as cancelled, so the pair is
never proposed again); a proposal both accepted is an agreed meeting like an accepted request;
publishing leaves out the proposals not accepted by both. A proposal is not a request: it never
counts against a participant's request cap, nor as an agreed meeting until both sides accept."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, delete, false, func, or_, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.errors import Conflict, PermissionDenied
from marketplace.events.meeting_requests import PRIORITY_ACCEPTED, cancel_meeting
from marketplace.events.models import Event, Meeting, MeetingSeat, Participant
from marketplace.notifications.services import notify

ACCEPTED, DECLINED = "accepted", "declined"


def open_for_answers(event: Event) -> bool:
    """Proposals are answered while the schedule is being made (before it is published)."""
    return event.phase == "scheduling"


def unanswered() -> ColumnElement[bool]:
    """SQL: a recommended meeting neither side has answered yet."""
    return (Meeting.source == "recommended") & (Meeting.low_answer == "") & (Meeting.high_answer == "")


def for_participant(session: Session, participant: Participant) -> list[Meeting]:
    """The participant's proposals not yet published: waiting, agreed or declined, in time order."""
    rows = session.scalars(select(Meeting).where(
        or_(Meeting.low_id == participant.id, Meeting.high_id == participant.id), Meeting.source == "recommended",
        Meeting.published_slot_id.is_(None),
        or_(Meeting.status == "planned", (Meeting.status == "cancelled") & or_(
            Meeting.low_answer == DECLINED, Meeting.high_answer == DECLINED)))).all()
    return sorted(rows, key=lambda m: (m.status != "planned", m.slot.starts_at.isoformat() if m.slot else "~", m.id))


def waiting(session: Session, event: Event) -> int:
    """Proposals on the working schedule that both sides have not accepted yet (publishing leaves them out)."""
    return int(session.scalar(select(func.count()).select_from(Meeting).where(
        Meeting.event_id == event.id, Meeting.status == "planned", Meeting.published_slot_id.is_(None),
        Meeting.proposal)) or 0)


def answer(session: Session, meeting: Meeting, user: User, accept: bool) -> None:
    """One side accepts or declines a proposal. Raises PermissionDenied (not one of the two),
    Conflict (not a proposal, already declined, or the schedule is no longer being made)."""
    mine = [p for p in (meeting.low, meeting.high) if p.user_id == user.id]
    if not mine:
        raise PermissionDenied(_("This meeting was not proposed to you."))
    event = session.get(Event, meeting.event_id)
    assert event is not None
    if meeting.source != "recommended" or meeting.published_slot_id is not None:
        raise Conflict(_("This meeting is not a proposal."))
    if meeting.status != "planned":
        raise Conflict(_("This proposal was declined."))
    if not open_for_answers(event):
        raise Conflict(_("Proposals can be answered until the schedule is published."))
    me = mine[0]
    value = ACCEPTED if accept else DECLINED
    if me.id == meeting.low_id:
        meeting.low_answer = value
    else:
        meeting.high_answer = value
    if not accept:
        cancel_meeting(session, meeting)  # not published: nobody else is told
    elif meeting.agreed:
        meeting.priority = PRIORITY_ACCEPTED  # like an accepted request: re-scheduling keeps it in
        title = event.title
        for side in (meeting.low, meeting.high):
            other = meeting.other(side.id).organization.name
            notify(session, [side.user], lambda other=other: _(
                "Your meeting with %(org)s at %(event)s is agreed: it will be on your agenda when the schedule is published.",
                org=other, event=title), link=f"/events/{event.id}/requests")
    session.flush()


def drop_unagreed(session: Session, event: Event) -> int:
    """Take the proposals both sides have not accepted off the working schedule (at publishing).
    Returns how many went."""
    ids = list(session.scalars(select(Meeting.id).where(
        Meeting.event_id == event.id, Meeting.status == "planned", Meeting.published_slot_id.is_(None),
        Meeting.pinned.is_(false()), Meeting.proposal)))
    if ids:
        session.execute(delete(MeetingSeat).where(MeetingSeat.meeting_id.in_(ids)))
        session.execute(delete(Meeting).where(Meeting.id.in_(ids)))
        session.flush()
        session.expire_all()
    return len(ids)


def announce(session: Session, event: Event, meetings: list[Meeting]) -> None:
    """Tell each participant how many new proposals they have to answer."""
    count: dict[int, int] = {}
    people: dict[int, Participant] = {}
    for m in meetings:
        for p in (m.low, m.high):
            count[p.id] = count.get(p.id, 0) + 1
            people[p.id] = p
    title = event.title
    for pid, n in count.items():
        notify(session, [people[pid].user], lambda n=n: _(
            "Meetings proposed for you at %(event)s: %(n)d. Accept or decline them before the schedule is published.",
            n=n, event=title), link=f"/events/{event.id}/requests")
