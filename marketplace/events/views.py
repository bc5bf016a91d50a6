"""Event pages for everyone and for participants: the list, an event, registration, the
directory, who to meet, meeting requests, the agenda (page, iCalendar, PDF) and outcomes.
The organizer's pages are in :mod:`marketplace.events.manage`; both put their routes on the
blueprint of :mod:`marketplace.events.blueprint`."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from listings.models import Listing, Need
from marketplace.errors import DomainError
from marketplace.events import eventday, exports, participation, proposals, scheduling, services
from marketplace.events import meeting_requests as asks
from marketplace.events.blueprint import (
    bp,
    download,
    event_row,
    event_time,
    load_event,
    me_in,
    require_participant,
)
from marketplace.events.forms import AnswerForm, MeetingRequestForm, OutcomeForm, RegistrationForm
from marketplace.events.models import Event, Meeting, MeetingRequest, Participant
from marketplace.extensions import db
from marketplace.forms import attach_errors, cny_to_wan, options
from marketplace.organizations.current import current_organization
from marketplace.pages import act, act_on, attempt, submit
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


@bp.route("/<int:event_id>/register", methods=["GET", "POST"])
@login_required
def register(event_id: int) -> ResponseReturnValue:
    """Register (yourself or, with ``?new=1``, a colleague) or change your registration."""
    event = load_event(event_id)
    me = me_in(event)
    adding = me is None or request.values.get("new") == "1"
    org = current_organization() if adding else me.organization if me else None
    if org is None:
        if request.method == "POST":
            abort(403)
        flash(_("Join or create an organization first."), "warning")
        return redirect(url_for("events.detail", event_id=event.id))
    current = None if adding else me
    form = RegistrationForm.of(current, "" if me else current_user.display_name)
    form.new.data = "1" if adding and me is not None else ""
    registered = {p.user_id for p in participation.delegates(db.session, event, org)}
    members = [m.user for m in org.memberships if m.user_id not in registered] if adding else []
    form.delegate_user_id.choices = options([(str(u.id), f"{u.display_name} ({u.email})") for u in members])
    if not form.delegate_user_id.data:
        form.delegate_user_id.data = str(current_user.id)
    form.listing_ids.choices = options([(str(i), t) for i, t in db.session.execute(select(Listing.id, Listing.title).where(
        Listing.organization_id == org.id, Listing.status == "published").order_by(Listing.id))])
    form.need_ids.choices = options([(str(i), t) for i, t in db.session.execute(select(Need.id, Need.title).where(
        Need.organization_id == org.id, Need.status == "published").order_by(Need.id))])
    form.unavailable_slot_ids.choices = options([(str(s.id), event_time(s.starts_at, event)) for s in event.slots])
    if form.validate_on_submit():
        if adding:
            message = _("The delegate is registered.")
            done, _result = submit(form, lambda: participation.register(db.session, event, current_user, org, form.service_data()))
        else:
            assert me is not None
            message = _("Your registration is updated.")
            done, _result = submit(form, lambda: participation.update_details(db.session, me, current_user, form.service_data()))
        if done:
            flash(message, "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/register.html", event=event, me=current, form=form, organization=org, adding=adding,
                           choose_delegate=adding and len(members) > 1)


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
    from marketplace.events.matchmaking import why

    event = load_event(event_id)
    me = require_participant(event)
    received = db.session.scalars(select(MeetingRequest).where(MeetingRequest.recipient_id == me.id)
                                  .order_by(MeetingRequest.id.desc())).all()
    sent = db.session.scalars(select(MeetingRequest).where(MeetingRequest.sender_id == me.id)
                              .order_by(MeetingRequest.id.desc())).all()
    proposed = proposals.for_participant(db.session, me)
    reasons = why(db.session, event, me, [m.other(me.id) for m in proposed]) if proposed else {}
    return render_template("events/requests.html", event=event, me=me, received=received, sent=sent,
                           sent_count=asks.requests_sent(db.session, me), meetings=asks.meeting_count(db.session, me),
                           cap=asks.meeting_cap(me), proposed=proposed, reasons=reasons,
                           answers_open=proposals.open_for_answers(event))


@bp.post("/<int:event_id>/requests")
@login_required
def send_request(event_id: int) -> ResponseReturnValue:
    event = load_event(event_id)
    me = require_participant(event)
    form = MeetingRequestForm()
    back = local_target(form.next.data, url_for("events.requests_page", event_id=event.id))

    def send(f: MeetingRequestForm) -> None:
        recipient = event_row(event, Participant, f.recipient_id.data)
        asks.send(db.session, event, me, recipient, current_user, f.message.data or "")

    return act_on(form, send, _("Your request is sent."), back)


@bp.post("/<int:event_id>/requests/<int:request_id>/answer")
@login_required
def answer_request(event_id: int, request_id: int) -> ResponseReturnValue:
    event = load_event(event_id)
    row = event_row(event, MeetingRequest, request_id)
    form = AnswerForm()
    accept = form.answer.data == "accept"
    return act_on(form, lambda f: asks.answer(db.session, row, current_user, accept, f.reason.data or ""),
                  _("Accepted: the meeting will be scheduled.") if accept else _("Declined."),
                  url_for("events.requests_page", event_id=event.id))


@bp.post("/<int:event_id>/proposals/<int:meeting_id>/answer")
@login_required
def answer_proposal(event_id: int, meeting_id: int) -> ResponseReturnValue:
    event = load_event(event_id)
    meeting = event_row(event, Meeting, meeting_id)
    form = AnswerForm()
    accept = form.answer.data == "accept"
    return act_on(form, lambda f: proposals.answer(db.session, meeting, current_user, accept),
                  _("Accepted: when the other side accepts too, the meeting is on your agenda.") if accept
                  else _("Declined: this meeting is taken off the schedule."),
                  url_for("events.requests_page", event_id=event.id) + "#proposals")


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


def _agenda_page(event: Event, posted: OutcomeForm | None = None, posted_for: int | None = None,
                 status: int = 200) -> ResponseReturnValue:
    from marketplace.events.matchmaking import why

    me, meetings = _agenda_of(event)
    mine = {o.meeting_id: o for o in db.session.scalars(select(eventday.Outcome).where(eventday.Outcome.participant_id == me.id))}
    reasons = why(db.session, event, me, [m.other(me.id) for m in meetings]) if meetings else {}
    forms = {}
    for m in meetings:
        if m.id == posted_for and posted is not None:
            forms[m.id] = posted.for_meeting(m.id)
            continue
        o = mine.get(m.id)
        data = {"result": o.result, "amount_wan": cny_to_wan(o.amount_cny), "rating": str(o.rating or ""), "note": o.note} if o else {}
        forms[m.id] = OutcomeForm(formdata=None, data=data).for_meeting(m.id)
    return render_template("events/agenda.html", event=event, me=me, meetings=meetings, outcomes=mine,
                           reasons=reasons, forms=forms), status


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
    address = url_for("events.checkin", event_id=event.id, code=me.code, _external=True)
    return download(exports.agenda_pdf(event, me, meetings, address), "application/pdf", f"event-{event.id}-agenda.pdf",
                    inline=True)


@bp.post("/<int:event_id>/meetings/<int:meeting_id>/outcome")
@login_required
def record_outcome(event_id: int, meeting_id: int) -> ResponseReturnValue:
    event = load_event(event_id)
    meeting = event_row(event, Meeting, meeting_id)
    form = OutcomeForm()
    if not form.validate():
        return _agenda_page(event, form, meeting.id, 422)
    done, errors = attempt(lambda: eventday.record_outcome(db.session, meeting, current_user, form.service_data()))
    if errors:
        attach_errors(form, {("amount_wan" if name == "amount_cny" else name): messages for name, messages in errors.items()})
        return _agenda_page(event, form, meeting.id, 422)
    if done:
        flash(_("Thank you: the outcome is saved."), "success")
    return redirect(url_for("events.agenda", event_id=event.id) + f"#meeting-{meeting.id}")

