"""Registration of delegates, the organizer's approval, what each brings, when each is away,
and the participants' directory."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from listings.models import Listing, Need
from marketplace.accounts.models import User
from marketplace.bounds import record_ids, text_problem
from marketplace.errors import Conflict, PermissionDenied, ValidationFailed
from marketplace.events.models import Event, Participant
from marketplace.events.services import (
    ROLE_LABELS,
    add_unique,
    is_organizer,
    participant_of,
    require_organizer,
)
from marketplace.notifications.services import notify
from marketplace.organizations.models import Organization
from marketplace.timeutil import utcnow

OPEN_PHASES = ("registration", "requests")


def registration_problem(event: Event, organization: Organization | None) -> str | None:
    """Why ``organization`` cannot register now (None: it can)."""
    now = utcnow()
    if event.phase not in OPEN_PHASES:
        return _("Registration is not open.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _("Registration opens later.")
    if event.registration_closes_at and now > event.registration_closes_at:
        return _("Registration has closed.")
    if organization is None:
        return _("Join or create an organization first.")
    if organization.kind not in (event.roles or {}):
        return _("This event is not open to organizations of your kind.")
    return None


def _own_items(session: Session, organization: Organization, model: type, ids: Iterable[Any], field: str,
               errors: dict[str, list[str]]) -> list[int]:
    try:
        wanted = sorted(set(record_ids(ids)))
    except ValueError:
        errors[field] = [_("Unknown item.")]
        return []
    if not wanted:
        return []
    found = set(session.scalars(select(model.id).where(model.id.in_(wanted), model.organization_id == organization.id)))
    if set(wanted) - found:
        errors[field] = [_("Choose among your organization's own listings and needs.")]
    return [i for i in wanted if i in found]


def _details(session: Session, event: Event, organization: Organization, data: Mapping[str, Any],
             participant: Participant) -> None:
    errors: dict[str, list[str]] = {}
    name = str(data.get("delegate_name") or "").strip()
    if not name:
        errors["delegate_name"] = [_("Give the delegate's name.")]
    for field, longest, multiline in (("delegate_name", 100, False), ("delegate_title", 100, False),
                                      ("offer_text", 2000, True), ("request_text", 2000, True)):
        problem = text_problem(str(data.get(field) or "").strip(), max_length=longest, multiline=multiline,
                               required=field == "delegate_name")
        if problem and field not in errors:
            errors[field] = [problem]
    participant.listing_ids = _own_items(session, organization, Listing, data.get("listing_ids") or [], "listing_ids", errors)
    participant.need_ids = _own_items(session, organization, Need, data.get("need_ids") or [], "need_ids", errors)
    slot_ids = {s.id for s in event.slots}
    try:
        away = sorted(set(record_ids(data.get("unavailable_slot_ids") or [])))
    except ValueError:
        away = [-1]
    if set(away) - slot_ids:
        errors["unavailable_slot_ids"] = [_("Unknown time slot.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    participant.delegate_name = name[:100]
    participant.delegate_title = str(data.get("delegate_title") or "").strip()[:100]
    participant.offer_text = str(data.get("offer_text") or "").strip()[:2000]
    participant.request_text = str(data.get("request_text") or "").strip()[:2000]
    participant.unavailable_slot_ids = away


def register(session: Session, event: Event, user: User, organization: Organization, data: Mapping[str, Any]) -> Participant:
    """Register a delegate of ``organization``: ``user`` or, with ``delegate_user_id``, another
    member (a firm may send several). ``data``: delegate_user_id, delegate_name,
    delegate_title, listing_ids, need_ids, offer_text, request_text, unavailable_slot_ids.

    Raises PermissionDenied (not a member), Conflict (closed, full, already registered: the
    unique constraint decides when two registrations race) or ValidationFailed."""
    if organization.member(user) is None:
        raise PermissionDenied(_("You are not a member of this organization."))
    problem = registration_problem(event, organization)
    if problem:
        raise Conflict(problem)
    delegate = user
    if data.get("delegate_user_id") not in (None, "", user.id, str(user.id)):
        chosen = next((m.user for m in organization.memberships if str(m.user_id) == str(data.get("delegate_user_id"))), None)
        if chosen is None:
            raise ValidationFailed(_("Please correct the marked fields."),
                                   fields={"delegate_user_id": [_("Choose a member of your organization.")]})
        delegate = chosen
    if participant_of(session, event, delegate) is not None:
        raise Conflict(_("%(name)s is already registered for this event.", name=delegate.display_name))
    if event.capacity is not None:
        taken = session.scalar(select(func.count()).select_from(Participant).where(
            Participant.event_id == event.id, Participant.status.in_(("pending", "approved"))))
        if (taken or 0) >= event.capacity:
            raise Conflict(_("The event is full."))
    participant = Participant(event=event, organization=organization, user=delegate, role=event.roles[organization.kind],
                              status="approved" if event.approval == "open" else "pending")
    _details(session, event, organization, data, participant)
    if participant.status == "approved":
        participant.decided_at = utcnow()
    add_unique(session, participant, _("%(name)s is already registered for this event.", name=delegate.display_name))
    if delegate.id != user.id:
        title, by = event.title, user.display_name
        notify(session, [delegate], lambda: _("%(name)s registered you as a delegate for %(event)s.", name=by, event=title),
               link=f"/events/{event.id}")
    if participant.status == "pending":
        organizers = [m.user for m in event.organization.memberships]
        notify(session, organizers, lambda: _("%(org)s asks to attend %(event)s.", org=organization.name, event=event.title),
               link=f"/events/{event.id}/participants")
    return participant


def update_details(session: Session, participant: Participant, user: User, data: Mapping[str, Any]) -> None:
    """The delegate (or an organizer) changes what they bring and when they are away."""
    event = participant.event
    if participant.user_id != user.id and participant.organization.member(user) is None and not is_organizer(event, user):
        raise PermissionDenied(_("This is not your registration."))
    if event.phase in ("live", "closed"):
        raise Conflict(_("The event has started: registrations can no longer change."))
    _details(session, event, participant.organization, data, participant)
    session.flush()


def decide(session: Session, participant: Participant, user: User, approve: bool) -> None:
    """The organizer approves or declines a registration."""
    event = participant.event
    require_organizer(event, user)
    if participant.status == "cancelled":
        raise Conflict(_("The delegate cancelled this registration."))
    participant.status = "approved" if approve else "declined"
    participant.decided_at = utcnow()
    session.flush()
    title = event.title

    def message() -> str:
        return (_("Your registration for %(event)s is approved.", event=title) if approve
                else _("Your registration for %(event)s was declined.", event=title))

    notify(session, [participant.user], message, link=f"/events/{event.id}")


def delegates(session: Session, event: Event, organization: Organization | None) -> list[Participant]:
    """The organization's registrations for the event."""
    if organization is None:
        return []
    return list(session.scalars(select(Participant).where(Participant.event_id == event.id,
                                                          Participant.organization_id == organization.id)
                                .order_by(Participant.id)))


def cancel(session: Session, participant: Participant, user: User) -> None:
    """The delegate (or a colleague) withdraws from the event (their open requests go too)."""
    from marketplace.events.meeting_requests import withdraw_all

    if participant.user_id != user.id and participant.organization.member(user) is None:
        raise PermissionDenied(_("This is not your registration."))
    if participant.event.phase in ("live", "closed"):
        raise Conflict(_("The event has started."))
    participant.status = "cancelled"
    withdraw_all(session, participant)
    session.flush()


def directory(session: Session, event: Event, viewer: User, *, text: str = "", role: str = "", kind: str = "",
              region: str = "") -> list[Participant]:
    """Approved participants, for participants and organizers only; filtered by name/offer text,
    role, organization kind and region."""
    me = participant_of(session, event, viewer)
    if not is_organizer(event, viewer) and (me is None or me.status != "approved"):
        raise PermissionDenied(_("The directory is open to approved participants."))
    query = (select(Participant).join(Organization, Participant.organization_id == Organization.id)
             .where(Participant.event_id == event.id, Participant.status == "approved"))
    if role:
        query = query.where(Participant.role == role)
    if kind:
        query = query.where(Organization.kind == kind)
    if region:
        query = query.where(Organization.region.startswith(region[:4]))
    text = text.strip()[:100]
    if text:
        like = f"%{text}%"
        query = query.where(or_(Organization.name.ilike(like), Participant.delegate_name.ilike(like),
                                Participant.offer_text.ilike(like), Participant.request_text.ilike(like),
                                Organization.description.ilike(like)))
    return list(session.scalars(query.order_by(Organization.name, Participant.id)))


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))
