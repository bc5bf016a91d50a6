"""The event day and after: check-in, meetings held or missed, outcomes and ratings, the
follow-up survey, and the organizer's numbers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.events.labels import status_label
from marketplace.events.models import (
    DEAL_RESULTS,
    RESULTS,
    Event,
    Meeting,
    MeetingRequest,
    Outcome,
    Participant,
)
from marketplace.events.services import ROLE_LABELS, require_organizer
from marketplace.notifications.services import notify
from marketplace.organizations.kinds import KIND_LABELS
from marketplace.organizations.models import Organization
from marketplace.spreadsheet import csv_text
from marketplace.timeutil import utcnow

RESULT_LABELS = {
    "no_contact": _l("No further contact"),
    "follow_up": _l("Follow-up agreed"),
    "negotiation": _l("Negotiation started"),
    "financing_granted": _l("Deal: financing granted"),
    "contract_signed": _l("Deal: contract signed"),
    "licence": _l("Deal: licence agreed"),
}
DAY_PHASES = ("published", "live")


def scanned_code(text: str) -> str:
    """The check-in code in what was typed or scanned: the code itself, or the check-in address
    that the agenda's QR code carries (``https://…/events/7/checkin?code=AB12CD34``)."""
    text = (text or "").strip()
    if "://" in text or text.startswith("/"):
        text = (parse_qs(urlsplit(text).query).get("code") or [""])[0]
    return text.strip().upper()


def check_in(session: Session, event: Event, user: User, code: str) -> Participant:
    """Check a participant in by the code on their agenda (typed, read by a scanner, or the
    address of the agenda's QR code)."""
    require_organizer(event, user)
    if event.phase not in DAY_PHASES:
        raise Conflict(_("Check-in opens once the schedule is published."))
    wanted = scanned_code(code)
    if not wanted:
        raise ValidationFailed(_("Type or scan the code on the agenda."), fields={"code": [_("Type or scan the code on the agenda.")]})
    participant = session.scalar(select(Participant).where(Participant.event_id == event.id, Participant.code == wanted))
    if participant is None:
        raise ValidationFailed(_("No participant of this event has the code %(code)s.", code=wanted),
                               fields={"code": [_("No participant of this event has the code %(code)s.", code=wanted)]})
    if participant.status != "approved":
        raise Conflict(_("%(name)s is not an approved participant.", name=participant.delegate_name))
    if participant.checked_in_at is None:
        participant.checked_in_at = utcnow()
        session.flush()
    return participant


def mark_meeting(session: Session, event: Event, user: User, meeting: Meeting, status: str) -> None:
    """The organizer marks a placed meeting ``held`` or ``no_show`` (or back to ``planned``)."""
    require_organizer(event, user)
    if meeting.event_id != event.id:
        raise NotFound(_("No such meeting."))
    if event.phase not in ("live", "closed"):
        raise Conflict(_("Meetings are marked on the event day."))
    if status not in ("held", "no_show", "planned") or meeting.slot_id is None:
        raise Conflict(_("Only a scheduled meeting can be marked held or missed."))
    if status == "held" and meeting.low.checked_in_at is None and meeting.high.checked_in_at is None:
        raise Conflict(_("Neither side has checked in: check one of them in before marking the meeting held."))
    meeting.status = status
    session.flush()


def _side(meeting: Meeting, user: User) -> Participant:
    for person in (meeting.low, meeting.high):
        if person.user_id == user.id:
            return person
    raise PermissionDenied(_("This is not your meeting."))


def record_outcome(session: Session, meeting: Meeting, user: User, data: dict[str, Any]) -> Outcome:
    """One side says what came of a meeting: result, amount (deals), rating 1-5, a note. Saving
    again replaces that side's earlier answer."""
    person = _side(meeting, user)
    event = person.event
    if event.phase not in ("live", "closed") or meeting.slot_id is None or meeting.status == "cancelled":
        raise Conflict(_("Outcomes are recorded for scheduled meetings from the event day on."))
    if meeting.status == "no_show":
        raise Conflict(_("This meeting was marked as missed: there is no outcome to record."))
    errors: dict[str, list[str]] = {}
    result = data.get("result")
    if result not in RESULTS:
        errors["result"] = [_("Choose what came of the meeting.")]
    amount = data.get("amount_cny")
    if amount in (None, ""):
        amount = None
    else:
        try:
            amount = int(amount)
            if amount < 0 or amount > 10**13:
                raise ValueError
        except (TypeError, ValueError):
            errors["amount_cny"] = [_("Give the amount in yuan as a whole number.")]
    if amount is not None and result not in DEAL_RESULTS and "result" not in errors:
        errors["amount_cny"] = [_("An amount goes with a deal only.")]
    rating = data.get("rating")
    if rating in (None, ""):
        rating = None
    else:
        try:
            rating = int(rating)
            if not 1 <= rating <= 5:
                raise ValueError
        except (TypeError, ValueError):
            errors["rating"] = [_("Rate from 1 to 5.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    outcome = session.scalar(select(Outcome).where(Outcome.meeting_id == meeting.id, Outcome.participant_id == person.id))
    if outcome is None:
        outcome = Outcome(meeting_id=meeting.id, participant_id=person.id)
        session.add(outcome)
    outcome.result, outcome.amount_cny, outcome.rating = result, amount, rating
    outcome.note = str(data.get("note") or "").strip()[:2000]
    if meeting.status == "planned":
        meeting.status = "held"  # someone reports on it: it took place
    session.flush()
    return outcome


SURVEY_INTERVAL = timedelta(days=1)


def send_survey(session: Session, event: Event, user: User) -> int:
    """Ask every participant who has a meeting without their outcome to record it (at most
    once a day, so that nobody is pestered)."""
    require_organizer(event, user)
    if event.phase not in ("live", "closed"):
        raise Conflict(_("The follow-up survey goes out after the event day has begun."))
    now = utcnow()
    if event.survey_sent_at is not None and now - event.survey_sent_at < SURVEY_INTERVAL:
        raise Conflict(_("The survey went out less than a day ago; send it again tomorrow at the earliest."))
    event.survey_sent_at = now
    answered = {(o.meeting_id, o.participant_id) for o in session.scalars(
        select(Outcome).join(Meeting).where(Meeting.event_id == event.id))}
    missing: set[Participant] = set()
    for meeting in session.scalars(select(Meeting).where(Meeting.event_id == event.id, Meeting.status.in_(("held", "planned")),
                                                         Meeting.slot_id.is_not(None))):
        for person in (meeting.low, meeting.high):
            if (meeting.id, person.id) not in answered:
                missing.add(person)
    title = event.title
    return notify(session, [p.user for p in missing],
                  lambda: _("How did your meetings at %(event)s go? Please record the outcomes.", event=title),
                  link=f"/events/{event.id}/agenda")


@dataclass
class Numbers:
    registrations: dict[str, int] = field(default_factory=dict)  # by status
    by_kind: dict[str, int] = field(default_factory=dict)  # approved, by organization kind
    by_role: dict[str, int] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)  # by status
    meetings: dict[str, int] = field(default_factory=dict)  # scheduled/unplaced/held/no_show/cancelled
    checked_in: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    deals: int = 0
    financing_cny: int = 0
    deal_amount_cny: int = 0
    rating: float | None = None
    ratings: int = 0


def numbers(session: Session, event: Event) -> Numbers:
    """The dashboard's figures. A deal's amount counts once per meeting (the larger of the two
    sides' figures, as the sides may both report it)."""
    out = Numbers()
    rows = session.execute(select(Participant.status, Participant.role, Organization.kind, Participant.checked_in_at)
                           .join(Organization, Participant.organization_id == Organization.id)
                           .where(Participant.event_id == event.id)).all()
    out.registrations = dict(Counter(r[0] for r in rows))
    approved = [r for r in rows if r[0] == "approved"]
    out.by_kind = dict(Counter(r[2] for r in approved))
    out.by_role = dict(Counter(r[1] for r in approved))
    out.checked_in = sum(1 for r in approved if r[3] is not None)
    out.requests = dict(session.execute(select(MeetingRequest.status, func.count()).where(MeetingRequest.event_id == event.id)
                                        .group_by(MeetingRequest.status)).all())
    meetings = session.execute(select(Meeting.status, Meeting.slot_id).where(Meeting.event_id == event.id)).all()
    counts: Counter[str] = Counter()
    for status, slot in meetings:
        if status == "planned":
            counts["scheduled" if slot else "unplaced"] += 1
        else:
            counts[status] += 1
    out.meetings = dict(counts)
    outcomes = session.scalars(select(Outcome).join(Meeting).where(Meeting.event_id == event.id)).all()
    out.outcomes = dict(Counter(o.result for o in outcomes))
    per_meeting: dict[int, tuple[str, int]] = {}
    for o in outcomes:
        if o.result in DEAL_RESULTS:
            amount = o.amount_cny or 0
            if o.meeting_id not in per_meeting or amount > per_meeting[o.meeting_id][1]:
                per_meeting[o.meeting_id] = (o.result, amount)
    out.deals = len(per_meeting)
    out.deal_amount_cny = sum(a for _r, a in per_meeting.values())
    out.financing_cny = sum(a for r, a in per_meeting.values() if r == "financing_granted")
    ratings = [o.rating for o in outcomes if o.rating]
    out.ratings = len(ratings)
    out.rating = round(sum(ratings) / len(ratings), 2) if ratings else None
    return out


TOTAL_LABELS = {
    "checked_in": _l("Checked in"), "deals": _l("Deals"), "deal_amount_cny": _l("Deal amount (CNY)"),
    "financing_cny": _l("Financing granted (CNY)"), "rating": _l("Average rating"), "ratings": _l("Ratings given"),
}


def _figure_label(section: str, key: str) -> str:
    """What a row of the numbers file counts, in the reader's language."""
    table: dict[str, Any] = {"by_kind": KIND_LABELS, "by_role": ROLE_LABELS, "outcomes": RESULT_LABELS,
                             "totals": TOTAL_LABELS}
    kind = {"registrations": "participant", "requests": "request", "meetings": "meeting"}.get(section)
    if kind:
        return status_label(kind, key)
    return str(table.get(section, {}).get(key, key))


def numbers_csv(event: Event, figures: Numbers) -> str:
    """The dashboard's numbers: machine-readable section and key (their headers, like every
    header, in the reader's language), the value, and what the row counts in the reader's language."""
    rows: list[list[Any]] = []
    for section in ("registrations", "by_kind", "by_role", "requests", "meetings", "outcomes"):
        for key, value in sorted(getattr(figures, section).items()):
            rows.append([section, key, value, _figure_label(section, key)])
    for key in ("checked_in", "deals", "deal_amount_cny", "financing_cny", "rating", "ratings"):
        value = getattr(figures, key)
        rows.append(["totals", key, "" if value is None else value, _figure_label("totals", key)])
    return csv_text([_("Section code"), _("Figure code"), _("Value"), _("What it counts")], rows)


def participant_meetings(session: Session, participant: Participant) -> list[Meeting]:
    return list(session.scalars(select(Meeting).where(or_(Meeting.low_id == participant.id, Meeting.high_id == participant.id))))
