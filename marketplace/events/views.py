"""Event pages for everyone and for participants: the list, an event, registration, the
directory, who to meet, meeting requests, the agenda (page, iCalendar, PDF) and outcomes.
The organizer's pages are in :mod:`marketplace.events.manage`; both put their routes on the
blueprint of :mod:`marketplace.events.blueprint`."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from listings.models import Listing, Need
from marketplace.bounds import record_id
from marketplace.errors import DomainError
from marketplace.events import eventday, exports, participation, scheduling, services
from marketplace.events import meeting_requests as asks
from marketplace.events.blueprint import (
    bp,
    download,
    event_row,
    load_event,
    me_in,
    require_participant,
)
from marketplace.events.models import Event, Meeting, MeetingRequest, Participant
from marketplace.extensions import db
from marketplace.organizations.current import current_organization
from marketplace.pages import act, attempt
from marketplace.redirects import local_target


@bp.get("")
def index() -> ResponseReturnValue:
    user = current_user if current_user.is_authenticated else None
    events = services.upcoming(db.session, user)
    org = current_organization()
    can_create = org is not None and org.kind in services.ORGANIZER_KINDS
    return render_template("events/index.html", events=events, can_create=can_create)


@bp.get("/<int:event_id>")
def detail(event_id: int) -> ResponseReturnValue:
    event = load_event(event_id)
    me = me_in(event)
    organizer = services.is_organizer(event, current_user if current_user.is_authenticated else None)
    problem = participation.registration_problem(event, current_organization()) if current_user.is_authenticated else None
    figures = eventday.numbers(db.session, event) if organizer else None
    org = current_organization() if current_user.is_authenticated else None
    colleagues = [p for p in participation.delegates(db.session, event, org) if me is None or p.id != me.id]
    return render_template("events/detail.html", event=event, me=me, organizer=organizer, problem=problem, figures=figures,
                           transitions=services.TRANSITIONS[event.phase], colleagues=colleagues)


# --- registration ---------------------------------------------------------------------------


def _registration_data() -> dict[str, Any]:
    form = request.form
    return {
        "delegate_name": form.get("delegate_name", ""),
        "delegate_title": form.get("delegate_title", ""),
        "listing_ids": form.getlist("listing_ids"),
        "need_ids": form.getlist("need_ids"),
        "offer_text": form.get("offer_text", ""),
        "request_text": form.get("request_text", ""),
        "unavailable_slot_ids": form.getlist("unavailable_slot_ids"),
    }


@bp.route("/<int:event_id>/register", methods=["GET", "POST"])
@login_required
def register(event_id: int) -> ResponseReturnValue:
    """Register (yourself or, with ``?new=1``, a colleague) or change your registration."""
    event = load_event(event_id)
    organization = current_organization()
    me = me_in(event)
    adding = me is None or request.values.get("new") == "1"
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = _registration_data()
        if adding:
            if organization is None:
                abort(403)
            message = _("The delegate is registered.")

            def save() -> None:
                participation.register(db.session, event, current_user, organization,
                                       {**data, "delegate_user_id": request.form.get("delegate_user_id")})
        else:
            message = _("Your registration is updated.")

            def save() -> None:
                participation.update_details(db.session, me, current_user, data)
        done, errors = attempt(save)
        if done:
            flash(message, "success")
        if done or not errors:
            return redirect(url_for("events.detail", event_id=event.id))
    org = organization if adding else me.organization if me else None
    if org is None:
        flash(_("Join or create an organization first."), "warning")
        return redirect(url_for("events.detail", event_id=event.id))
    listings = db.session.scalars(select(Listing).where(Listing.organization_id == org.id, Listing.status == "published")).all()
    needs = db.session.scalars(select(Need).where(Need.organization_id == org.id, Need.status == "published")).all()
    current = None if adding else me
    values = _registration_data() if request.method == "POST" else {
        "delegate_name": current.delegate_name if current else ("" if me else current_user.display_name),
        "delegate_title": current.delegate_title if current else "",
        "listing_ids": [str(i) for i in (current.listing_ids if current else [])],
        "need_ids": [str(i) for i in (current.need_ids if current else [])],
        "offer_text": current.offer_text if current else "", "request_text": current.request_text if current else "",
        "unavailable_slot_ids": [str(i) for i in (current.unavailable_slot_ids if current else [])],
    }
    registered = {p.user_id for p in participation.delegates(db.session, event, org)}
    members = [m.user for m in org.memberships if m.user_id not in registered] if adding else []
    return render_template("events/register.html", event=event, me=current, listings=listings, needs=needs, values=values,
                           errors=errors, organization=org, members=members, adding=adding,
                           chosen=request.form.get("delegate_user_id", str(current_user.id)))


@bp.post("/<int:event_id>/registration/cancel")
@login_required
def cancel_registration(event_id: int) -> ResponseReturnValue:
    event = load_event(event_id)
    me = me_in(event)
    if me is None:
        abort(404)
    return act(lambda: participation.cancel(db.session, me, current_user), _("Your registration is cancelled."),
               url_for("events.detail", event_id=event.id))


# --- directory and who to meet --------------------------------------------------------------


@bp.get("/<int:event_id>/participants")
@login_required
def participants(event_id: int) -> ResponseReturnValue:
    event = load_event(event_id)
    organizer = services.is_organizer(event, current_user)
    args = request.args
    try:
        people = participation.directory(db.session, event, current_user, text=args.get("q", ""), role=args.get("role", ""),
                                         kind=args.get("kind", ""))
    except DomainError:
        abort(403)
    pending = []
    if organizer:
        pending = db.session.scalars(select(Participant).where(Participant.event_id == event.id,
                                                               Participant.status.in_(("pending", "declined")))
                                     .order_by(Participant.id)).all()
    me = me_in(event)
    asked = _asked(me)
    return render_template("events/participants.html", event=event, people=people, pending=pending, organizer=organizer,
                           me=me, asked=asked, args=args)


def _asked(me: Participant | None) -> set[int]:
    """Participants ``me`` already asked, was asked by, or meets."""
    if me is None:
        return set()
    rows = db.session.execute(select(MeetingRequest.sender_id, MeetingRequest.recipient_id).where(
        or_(MeetingRequest.sender_id == me.id, MeetingRequest.recipient_id == me.id))).all()
    meets = db.session.execute(select(Meeting.low_id, Meeting.high_id).where(
        or_(Meeting.low_id == me.id, Meeting.high_id == me.id), Meeting.status != "cancelled")).all()
    return {x for row in (*rows, *meets) for x in row} - {me.id}


@bp.get("/<int:event_id>/recommendations")
@login_required
def recommendations(event_id: int) -> ResponseReturnValue:
    from marketplace.events.matchmaking import suggestions

    event = load_event(event_id)
    me = require_participant(event)
    found = suggestions(db.session, event, me, k=15)
    return render_template("events/recommendations.html", event=event, me=me, suggestions=found, asked=_asked(me))


# --- meeting requests -----------------------------------------------------------------------


@bp.get("/<int:event_id>/requests")
@login_required
def requests_page(event_id: int) -> ResponseReturnValue:
    event = load_event(event_id)
    me = require_participant(event)
    received = db.session.scalars(select(MeetingRequest).where(MeetingRequest.recipient_id == me.id)
                                  .order_by(MeetingRequest.id.desc())).all()
    sent = db.session.scalars(select(MeetingRequest).where(MeetingRequest.sender_id == me.id)
                              .order_by(MeetingRequest.id.desc())).all()
    return render_template("events/requests.html", event=event, me=me, received=received, sent=sent,
                           sent_count=asks.requests_sent(db.session, me), meetings=asks.meeting_count(db.session, me),
                           cap=asks.meeting_cap(me))


@bp.post("/<int:event_id>/requests")
@login_required
def send_request(event_id: int) -> ResponseReturnValue:
    event = load_event(event_id)
    me = require_participant(event)
    recipient = event_row(event, Participant, request.form.get("recipient_id", type=record_id))
    return act(lambda: asks.send(db.session, event, me, recipient, current_user, request.form.get("message", "")),
               _("Your request is sent."), local_target(request.form.get("next"), url_for("events.requests_page", event_id=event.id)))


@bp.post("/<int:event_id>/requests/<int:request_id>/answer")
@login_required
def answer_request(event_id: int, request_id: int) -> ResponseReturnValue:
    event = load_event(event_id)
    row = event_row(event, MeetingRequest, request_id)
    accept = request.form.get("answer") == "accept"
    return act(lambda: asks.answer(db.session, row, current_user, accept, request.form.get("reason", "")),
               _("Accepted: the meeting will be scheduled.") if accept else _("Declined."),
               url_for("events.requests_page", event_id=event.id))


@bp.post("/<int:event_id>/requests/<int:request_id>/withdraw")
@login_required
def withdraw_request(event_id: int, request_id: int) -> ResponseReturnValue:
    event = load_event(event_id)
    row = event_row(event, MeetingRequest, request_id)
    return act(lambda: asks.withdraw(db.session, row, current_user), _("Your request is withdrawn."),
               url_for("events.requests_page", event_id=event.id))


# --- agenda and outcomes --------------------------------------------------------------------


def _agenda_of(event: Event) -> tuple[Participant, list[Meeting]]:
    me = require_participant(event)
    return me, scheduling.agenda(db.session, me)


def _agenda_page(event: Event, errors: dict[int, dict[str, list[str]]] | None = None,
                 values: dict[int, dict[str, Any]] | None = None, status: int = 200) -> ResponseReturnValue:
    from marketplace.events.matchmaking import why

    me, meetings = _agenda_of(event)
    mine = {o.meeting_id: o for o in db.session.scalars(select(eventday.Outcome).where(eventday.Outcome.participant_id == me.id))}
    reasons = why(db.session, event, me, [m.other(me.id) for m in meetings]) if meetings else {}
    return render_template("events/agenda.html", event=event, me=me, meetings=meetings, outcomes=mine,
                           results=eventday.RESULT_LABELS, reasons=reasons, errors=errors or {}, values=values or {}), status


@bp.get("/<int:event_id>/agenda")
@login_required
def agenda(event_id: int) -> ResponseReturnValue:
    return _agenda_page(load_event(event_id))


@bp.get("/<int:event_id>/agenda.ics")
@login_required
def agenda_ics(event_id: int) -> ResponseReturnValue:
    event = load_event(event_id)
    me = require_participant(event)
    body = exports.agenda_ics(event, me, scheduling.calendar_entries(db.session, me), request.host.split(":")[0])
    return download(body, "text/calendar", f"event-{event.id}-agenda.ics")


@bp.get("/<int:event_id>/agenda.pdf")
@login_required
def agenda_pdf(event_id: int) -> ResponseReturnValue:
    event = load_event(event_id)
    me, meetings = _agenda_of(event)
    return download(exports.agenda_pdf(event, me, meetings), "application/pdf", f"event-{event.id}-agenda.pdf", inline=True)


@bp.post("/<int:event_id>/meetings/<int:meeting_id>/outcome")
@login_required
def record_outcome(event_id: int, meeting_id: int) -> ResponseReturnValue:
    event = load_event(event_id)
    meeting = event_row(event, Meeting, meeting_id)
    data = {k: request.form.get(k) for k in ("result", "amount_cny", "rating", "note")}
    done, errors = attempt(lambda: eventday.record_outcome(db.session, meeting, current_user, data))
    if errors:
        return _agenda_page(event, {meeting.id: errors}, {meeting.id: data}, 422)
    if done:
        flash(_("Thank you: the outcome is saved."), "success")
    return redirect(url_for("events.agenda", event_id=event.id) + f"#meeting-{meeting.id}")

