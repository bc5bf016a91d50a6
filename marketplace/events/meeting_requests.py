"""Meeting requests between participants, meetings the organizer makes or pins, and pairs
that must not meet.

A request answered "yes" (or two participants asking each other) becomes a :class:`Meeting`
without a place; the scheduler places it. When the request phase ends, requests nobody answered
expire, or, when the organizer set the event so, count as accepted. Priorities for the
scheduler: mutual requests 4, accepted requests, accepted proposals and the organizer's
meetings 3, requests accepted by default 2, proposals (recommended pairs, see
:mod:`marketplace.events.proposals`) 1.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.events.models import (
    Event,
    EventSlot,
    Exclusion,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    Participant,
)
from marketplace.events.services import add_unique, require_organizer
from marketplace.notifications.services import notify
from marketplace.timeutil import utcnow

PRIORITY_MUTUAL = 4.0
PRIORITY_ACCEPTED = 3.0
PRIORITY_ORGANIZER = 3.0
PRIORITY_UNANSWERED = 2.0
PRIORITY_RECOMMENDED = 1.0
LIVE_MEETINGS = ("planned", "held", "no_show")
# Reasons the platform gives (stored as codes, shown in the reader's language; see REASON_LABELS).
CALLED_OFF = "@organizer-called-off"
NOT_ALLOWED = "@organizer-not-allowed"
LEFT = "@participant-left"
BY_DEFAULT = "@accepted-by-default"


def pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def excluded(session: Session, event: Event, a: Participant, b: Participant) -> bool:
    low, high = pair(a.id, b.id)
    return session.scalar(select(Exclusion.id).where(Exclusion.event_id == event.id, Exclusion.low_id == low,
                                                     Exclusion.high_id == high)) is not None


def meeting_between(session: Session, event: Event, a: Participant, b: Participant) -> Meeting | None:
    low, high = pair(a.id, b.id)
    return session.scalar(select(Meeting).where(Meeting.event_id == event.id, Meeting.low_id == low, Meeting.high_id == high))


def meeting_count(session: Session, participant: Participant) -> int:
    """The participant's agreed meetings (a proposal not yet accepted by both sides is not one)."""
    return int(session.scalar(select(func.count()).select_from(Meeting).where(
        or_(Meeting.low_id == participant.id, Meeting.high_id == participant.id),
        Meeting.status.in_(LIVE_MEETINGS), ~Meeting.proposal)) or 0)


def meeting_cap(participant: Participant) -> int:
    return participant.max_meetings if participant.max_meetings is not None else participant.event.max_meetings


def requests_open(event: Event) -> bool:
    """Requests can be sent and answered: the request phase, before its closing time."""
    return event.phase == "requests" and (event.requests_close_at is None or utcnow() <= event.requests_close_at)


def requests_sent(session: Session, participant: Participant) -> int:
    return int(session.scalar(select(func.count()).select_from(MeetingRequest).where(
        MeetingRequest.sender_id == participant.id, MeetingRequest.status.in_(("pending", "accepted")))) or 0)


def _check_room(session: Session, *people: Participant) -> None:
    # Lock both participants' rows first (PostgreSQL; SQLite's transactions are serialised
    # anyway), so two answers at once cannot both take someone's last free meeting.
    session.execute(select(Participant.id).where(Participant.id.in_(sorted(p.id for p in people))).with_for_update())
    for person in people:
        if meeting_count(session, person) >= meeting_cap(person):
            raise Conflict(_("%(name)s already has %(n)d meetings, the most this event allows.",
                             name=person.organization.name, n=meeting_cap(person)))


def _new_meeting(session: Session, event: Event, a: Participant, b: Participant, *, source: str, priority: float,
                 request: MeetingRequest | None = None) -> Meeting:
    low, high = pair(a.id, b.id)
    meeting = Meeting(event_id=event.id, low_id=low, high_id=high, source=source, priority=priority)
    meeting.request_id = request.id if request else None
    return add_unique(session, meeting, _("These two already have a meeting."))  # type: ignore[no-any-return]


def send(session: Session, event: Event, sender: Participant, recipient: Participant, user: User, message: str) -> MeetingRequest:
    """``sender`` (the user's registration) asks ``recipient`` for a meeting. When the recipient
    had already asked the sender, both requests are accepted at once (a mutual request).

    Raises PermissionDenied, Conflict (wrong phase, cap, not allowed, already asked)."""
    if sender.user_id != user.id:
        raise PermissionDenied(_("This is not your registration."))
    if not requests_open(event):
        raise Conflict(_("Meeting requests are not open."))
    if sender.status != "approved" or recipient.status != "approved" or recipient.event_id != event.id:
        raise Conflict(_("Both participants must be approved."))
    if sender.id == recipient.id or sender.organization_id == recipient.organization_id:
        raise Conflict(_("You cannot ask your own organization for a meeting."))
    if excluded(session, event, sender, recipient):
        raise Conflict(_("The organizer has not allowed this meeting."))
    if meeting_between(session, event, sender, recipient) is not None:
        raise Conflict(_("You already have a meeting with %(name)s.", name=recipient.organization.name))
    if requests_sent(session, sender) >= event.max_requests:
        raise Conflict(_("You have sent %(n)d requests, the most this event allows.", n=event.max_requests))
    text = (message or "").strip()
    if len(text) > 1000:
        raise ValidationFailed(_("Please correct the marked fields."), fields={"message": [_("At most 1,000 characters.")]})
    reverse = session.scalar(select(MeetingRequest).where(MeetingRequest.sender_id == recipient.id,
                                                          MeetingRequest.recipient_id == sender.id))
    request = MeetingRequest(event_id=event.id, sender_id=sender.id, recipient_id=recipient.id, message=text)
    add_unique(session, request, _("You have already asked %(name)s.", name=recipient.organization.name))
    if reverse is not None and reverse.status == "pending":
        _check_room(session, sender, recipient)
        now = utcnow()
        request.status = reverse.status = "accepted"
        request.answered_at = reverse.answered_at = now
        _new_meeting(session, event, sender, recipient, source="request", priority=PRIORITY_MUTUAL, request=request)
        notify(session, [recipient.user], lambda: _("%(org)s also wants to meet you at %(event)s: the meeting is agreed.",
                                           org=sender.organization.name, event=event.title), link=f"/events/{event.id}/requests")
    else:
        notify(session, [recipient.user], lambda: _("%(org)s asks to meet you at %(event)s.", org=sender.organization.name,
                                           event=event.title), link=f"/events/{event.id}/requests")
    session.flush()
    return request


def answer(session: Session, request: MeetingRequest, user: User, accept: bool, reason: str = "") -> Meeting | None:
    """The recipient accepts (a meeting to be scheduled) or declines (with an optional reason)."""
    recipient = request.recipient
    event = recipient.event
    if recipient.user_id != user.id:
        raise PermissionDenied(_("This request was not sent to you."))
    if request.status != "pending":
        raise Conflict(_("This request was already answered, withdrawn or expired."))
    if not requests_open(event):
        raise Conflict(_("Meeting requests are not open."))
    request.answered_at = utcnow()
    meeting = None
    org, title = recipient.organization.name, event.title
    text: Callable[[], str]
    if accept:
        if excluded(session, event, request.sender, recipient):
            raise Conflict(_("The organizer has not allowed this meeting."))
        _check_room(session, request.sender, recipient)
        request.status = "accepted"
        meeting = _new_meeting(session, event, request.sender, recipient, source="request",
                               priority=PRIORITY_ACCEPTED, request=request)

        def text() -> str:
            return _("%(org)s accepted your meeting request for %(event)s.", org=org, event=title)
    else:
        request.status = "declined"
        request.reason = reason_text = (reason or "").strip()[:500]

        def text() -> str:
            said = _("%(org)s declined your meeting request for %(event)s.", org=org, event=title)
            if not reason_text:
                return said
            because = _("Reason: %(reason)s", reason=reason_text)  # (not inside an f-string: extracted)
            return f"{said} {because}"
    notify(session, [request.sender.user], text, link=f"/events/{event.id}/requests")
    session.flush()
    return meeting


def withdraw(session: Session, request: MeetingRequest, user: User) -> None:
    """The sender takes a request back; an agreed meeting not yet published goes with it."""
    if request.sender.user_id != user.id:
        raise PermissionDenied(_("This is not your request."))
    if request.status not in ("pending", "accepted"):
        raise Conflict(_("This request is no longer open."))
    event = request.sender.event
    if event.phase in ("live", "closed"):
        raise Conflict(_("The event has started."))
    _withdraw(session, request)
    notify(session, [request.recipient.user], lambda: _("%(org)s withdrew its meeting request for %(event)s.",
                                               org=request.sender.organization.name, event=event.title),
           link=f"/events/{event.id}/requests")
    session.flush()


def _withdraw(session: Session, request: MeetingRequest) -> None:
    if request.status == "accepted":
        meeting = meeting_between(session, request.sender.event, request.sender, request.recipient)
        if meeting is not None and meeting.source == "request":
            cancel_meeting(session, meeting)
    request.status = "withdrawn"
    request.answered_at = utcnow()


def withdraw_all(session: Session, participant: Participant) -> None:
    for request in session.scalars(select(MeetingRequest).where(
            MeetingRequest.sender_id == participant.id, MeetingRequest.status.in_(("pending", "accepted")))):
        _withdraw(session, request)
    for request in session.scalars(select(MeetingRequest).where(
            MeetingRequest.recipient_id == participant.id, MeetingRequest.status == "pending")):
        request.status = "declined"
        request.reason = LEFT
        request.answered_at = utcnow()
    for meeting in session.scalars(select(Meeting).where(or_(Meeting.low_id == participant.id, Meeting.high_id == participant.id),
                                                         Meeting.status == "planned")):
        cancel_meeting(session, meeting)


def cancel_meeting(session: Session, meeting: Meeting) -> None:
    """Take a meeting out of the schedule (kept as cancelled). Once it was published, both
    sides are told now (publishing again does not repeat it) and their calendars get it as
    CANCELLED (its published place is kept for that)."""
    session.query(MeetingSeat).filter(MeetingSeat.meeting_id == meeting.id).delete()
    meeting.status = "cancelled"
    meeting.slot_id = meeting.table = None
    session.flush()
    if meeting.published_slot_id is not None:
        event = session.get(Event, meeting.event_id)
        assert event is not None
        title = event.title
        notify(session, [meeting.low.user, meeting.high.user],
               lambda: _("A meeting at %(event)s was called off: see your agenda.", event=title),
               link=f"/events/{event.id}/agenda")


def close_requests(session: Session, event: Event) -> list[int]:
    """The request phase ends: requests nobody answered expire, or, when the organizer set the
    event so (``include_unanswered``), count as accepted while both sides have room for one
    more meeting (those that do not fit expire). Returns the ids of the expired requests."""
    expired: list[int] = []
    accepted: dict[int, list[MeetingRequest]] = {}
    now = utcnow()
    for request in session.scalars(select(MeetingRequest).where(
            MeetingRequest.event_id == event.id, MeetingRequest.status == "pending").order_by(MeetingRequest.id)):
        request.answered_at = now
        sender, recipient = request.sender, request.recipient
        fits = (event.include_unanswered and sender.status == recipient.status == "approved"
                and not excluded(session, event, sender, recipient) and meeting_between(session, event, sender, recipient) is None
                and all(meeting_count(session, p) < meeting_cap(p) for p in (sender, recipient)))
        if not fits:
            request.status = "expired"
            expired.append(request.id)
            continue
        request.status, request.reason = "accepted", BY_DEFAULT
        _new_meeting(session, event, sender, recipient, source="request", priority=PRIORITY_UNANSWERED, request=request)
        session.flush()
        for person in (sender, recipient):
            accepted.setdefault(person.id, []).append(request)
    title = event.title
    for pid, rows in accepted.items():
        person = session.get(Participant, pid)
        assert person is not None
        names = "、".join(sorted({r.other_side(pid).organization.name for r in rows}))
        notify(session, [person.user], lambda names=names: _(
            "Requests still unanswered when requests closed at %(event)s count as accepted, as the event's rules say: "
            "meetings with %(names)s will be scheduled.", event=title, names=names), link=f"/events/{event.id}/requests")
    session.flush()
    return expired


# --- the organizer's hand -------------------------------------------------------------------


def _participants(session: Session, event: Event, *ids: int) -> list[Participant]:
    out = []
    for pid in ids:
        person = session.get(Participant, pid)
        if person is None or person.event_id != event.id or person.status != "approved":
            raise NotFound(_("No such approved participant."))
        out.append(person)
    return out


def place(session: Session, meeting: Meeting, slot: EventSlot | None, table: int | None) -> None:
    """Put a meeting at a slot and table (or take it out with None), seats included: the
    database refuses a double booking even when two organizers race."""
    event = session.get(Event, meeting.event_id)
    assert event is not None
    session.query(MeetingSeat).filter(MeetingSeat.meeting_id == meeting.id).delete()
    meeting.slot_id = meeting.table = None
    session.flush()
    if slot is None:
        return
    if slot.event_id != event.id or not (table and 1 <= table <= event.tables):
        raise ValidationFailed(_("Please correct the marked fields."), fields={"table": [_("No such slot or table.")]})
    for person in (meeting.low, meeting.high):
        if slot.id in (person.unavailable_slot_ids or []):
            raise Conflict(_("%(name)s is not available at that time.", name=person.organization.name))
    try:
        with session.begin_nested():
            meeting.slot_id, meeting.table = slot.id, table
            session.add_all([MeetingSeat(meeting_id=meeting.id, participant_id=p, slot_id=slot.id)
                             for p in (meeting.low_id, meeting.high_id)])
            session.flush()
    except IntegrityError as exc:
        session.expire(meeting)
        raise Conflict(_("That table, or one of the two participants, is already taken at that time.")) from exc


def organizer_meeting(session: Session, event: Event, user: User, a_id: int, b_id: int, *, slot_id: int | None = None,
                      table: int | None = None, pinned: bool = True) -> Meeting:
    """The organizer sets up (or pins) a meeting between two participants, optionally at a
    given slot and table (hosted-buyer style; also the late meetings of the event day)."""
    require_organizer(event, user)
    if event.phase == "closed":
        raise Conflict(_("This event is closed."))
    a, b = _participants(session, event, a_id, b_id)
    if a.id == b.id:
        raise ValidationFailed(_("Please correct the marked fields."), fields={"b": [_("Choose two different participants.")]})
    if excluded(session, event, a, b):
        raise Conflict(_("You marked these two as not to meet."))
    meeting = meeting_between(session, event, a, b)
    if meeting is None:
        meeting = _new_meeting(session, event, a, b, source="organizer", priority=PRIORITY_ORGANIZER)
    else:
        if meeting.status == "cancelled":
            meeting.status = "planned"
        if meeting.source == "recommended":  # the organizer's own decision now, no longer a proposal
            meeting.source, meeting.priority = "organizer", PRIORITY_ORGANIZER
    if table is not None and slot_id is None:
        raise ValidationFailed(_("Please correct the marked fields."), fields={"slot_id": [_("Choose the slot for that table.")]})
    if slot_id is not None and table is None:
        raise ValidationFailed(_("Please correct the marked fields."), fields={"table": [_("Choose the table for that slot.")]})
    meeting.pinned = bool(pinned and slot_id is not None)  # a pin is a place: none without a slot
    if slot_id is not None:
        slot = session.get(EventSlot, slot_id)
        if slot is None or slot.event_id != event.id:
            raise NotFound(_("No such slot."))
        place(session, meeting, slot, table)
        if event.phase in ("published", "live"):
            # The schedule is out: this meeting goes straight onto both agendas.
            meeting.published_slot_id, meeting.published_table = meeting.slot_id, meeting.table
            notify(session, [a.user, b.user], lambda: _("The organizer added a meeting at %(event)s to your agenda.", event=event.title),
                   link=f"/events/{event.id}/agenda")
    session.flush()
    return meeting


def organizer_cancel(session: Session, event: Event, user: User, meeting: Meeting) -> None:
    """The organizer calls a meeting off (its request, if any, counts as declined); once the
    schedule is out, both sides are told."""
    require_organizer(event, user)
    if meeting.event_id != event.id:
        raise NotFound(_("No such meeting."))
    if event.phase == "closed" or meeting.status in ("held", "no_show"):
        raise Conflict(_("This meeting can no longer be called off."))
    if meeting.status == "cancelled":
        return
    cancel_meeting(session, meeting)  # tells both sides if it was published
    meeting.pinned = False
    if meeting.request_id is not None:
        request = session.get(MeetingRequest, meeting.request_id)
        if request is not None and request.status in ("pending", "accepted"):
            request.status, request.reason = "declined", CALLED_OFF
    session.flush()


def exclude(session: Session, event: Event, user: User, a_id: int, b_id: int) -> Exclusion:
    """Mark a pair that must not meet; their open requests are declined."""
    require_organizer(event, user)
    a, b = _participants(session, event, a_id, b_id)
    if a.id == b.id:
        raise ValidationFailed(_("Please correct the marked fields."), fields={"b": [_("Choose two different participants.")]})
    meeting = meeting_between(session, event, a, b)
    if meeting is not None and meeting.status != "cancelled":
        raise Conflict(_("These two have a meeting: cancel it first."))
    low, high = pair(a.id, b.id)
    for request in session.scalars(select(MeetingRequest).where(
            MeetingRequest.event_id == event.id, MeetingRequest.status == "pending",
            or_((MeetingRequest.sender_id == low) & (MeetingRequest.recipient_id == high),
                (MeetingRequest.sender_id == high) & (MeetingRequest.recipient_id == low)))):
        request.status = "declined"
        request.reason = NOT_ALLOWED
        request.answered_at = utcnow()
    return add_unique(session, Exclusion(event_id=event.id, low_id=low, high_id=high),  # type: ignore[no-any-return]
                      _("These two are already marked."))
