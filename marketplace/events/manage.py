"""The organizer's pages: set-up, phases, approvals, the schedule (run, pin, publish, CSV),
pairs that must not meet, check-in, meetings held or missed, the survey and the dashboard."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.events import eventday, exports, participation, proposals, scheduling, services
from marketplace.events import meeting_requests as asks
from marketplace.events.blueprint import bp, download, event_row, event_time, load_event
from marketplace.events.forms import (
    CheckInForm,
    DecisionForm,
    EventForm,
    MeetingForm,
    MeetingStatusForm,
    PairForm,
    PhaseForm,
    ScheduleRunForm,
    VersionForm,
)
from marketplace.events.models import Event, Exclusion, Meeting, Participant
from marketplace.extensions import db
from marketplace.organizations.current import current_organization
from marketplace.organizations.kinds import KIND_LABELS
from marketplace.organizations.models import Organization
from marketplace.pages import act, act_on, submit
from marketplace.redirects import local_target


def organizer_event(event_id: int) -> Event:
    event = load_event(event_id)
    if not services.is_organizer(event, current_user):
        abort(403)
    return event


def _edit(event: Event | None) -> ResponseReturnValue:
    organization = event.organization if event else current_organization()
    if organization is None:
        abort(403)
    form = EventForm.of(event)
    if form.validate_on_submit():
        zone = event.timezone if event else "Asia/Shanghai"
        done, saved = submit(form, lambda: services.save_event(db.session, organization, current_user,
                                                              form.service_data(zone), event), EventForm.field_of)
        if done and saved is not None:
            flash(_("The event is saved."), "success")
            return redirect(url_for("events.detail", event_id=saved.id))
    return render_template("events/edit.html", event=event, form=form)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    organization = current_organization()
    if organization is None or organization.kind not in services.ORGANIZER_KINDS:
        abort(403)
    return _edit(None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int) -> ResponseReturnValue:
    return _edit(organizer_event(event_id))


@bp.post("/<int:event_id>/phase")
@login_required
def phase(event_id: int) -> ResponseReturnValue:
    event = organizer_event(event_id)
    form = PhaseForm()
    target = form.phase.data or ""
    return act_on(form, lambda f: services.set_phase(db.session, event, current_user, target, f.version.data,
                                                     confirmed=f.confirmed.data),
                  _("The event is now in the phase “%(phase)s”.", phase=services.PHASE_LABELS.get(target, target)),
                  url_for("events.detail", event_id=event.id))


@bp.post("/<int:event_id>/participants/<int:participant_id>/decision")
@login_required
def decide(event_id: int, participant_id: int) -> ResponseReturnValue:
    event = organizer_event(event_id)
    person = event_row(event, Participant, participant_id)
    form = DecisionForm()
    approve = form.decision.data == "approve"
    return act_on(form, lambda f: participation.decide(db.session, person, current_user, approve),
                  _("Approved.") if approve else _("Declined."), url_for("events.participants", event_id=event.id))


# --- the schedule ---------------------------------------------------------------------------


@bp.get("/<int:event_id>/schedule")
@login_required
def schedule(event_id: int) -> ResponseReturnValue:
    event = organizer_event(event_id)
    placed = scheduling.master(db.session, event)
    grid: dict[tuple[int, int], Meeting] = {(m.slot_id or 0, m.table or 0): m for m in placed}
    people = db.session.scalars(select(Participant).join(Participant.organization)
                                .where(Participant.event_id == event.id, Participant.status == "approved")
                                .order_by(Organization.name, Participant.delegate_name)).all()
    known = {p.id: p for p in people}
    exclusions = [(known[x.low_id], known[x.high_id]) for x in db.session.scalars(select(Exclusion).where(Exclusion.event_id == event.id))
                  if x.low_id in known and x.high_id in known]
    by_person: dict[int, list[Meeting]] = {p.id: [] for p in people}
    for m in placed:
        for pid in (m.low_id, m.high_id):
            by_person.setdefault(pid, []).append(m)
    return render_template("events/schedule.html", event=event, grid=grid, placed=placed, people=people, by_person=by_person,
                           unplaced=scheduling.unplaced(db.session, event), view=request.args.get("view", "grid"),
                           exclusions=exclusions, waiting=proposals.waiting(db.session, event))


@bp.post("/<int:event_id>/schedule/run")
@login_required
def run_schedule(event_id: int) -> ResponseReturnValue:
    event = organizer_event(event_id)
    form = ScheduleRunForm()
    outcome: list[scheduling.Outcome] = []

    def run(f: ScheduleRunForm) -> None:
        limit = float(f.time_limit.data) if f.time_limit.data is not None else scheduling.DEFAULT_TIME_LIMIT
        outcome.append(scheduling.run(db.session, event, current_user, f.version.data, time_limit=limit,
                                      keep_published=f.keeps_published()))

    response = act_on(form, run, None, url_for("events.schedule", event_id=event.id))
    if outcome:
        o = outcome[0]
        flash(_("%(done)d of %(asked)d meetings scheduled; total priority %(value)s, proven upper bound %(bound)s "
                "(gap %(gap).2f%%), %(seconds).1f s.", done=o.scheduled, asked=o.asked, value=f"{o.objective:g}",
                bound=f"{o.upper_bound:g}", gap=100 * o.gap, seconds=o.seconds), "success")
        if o.recommended:
            flash(_("%(n)d recommended meetings proposed in free slots: the participants accept or decline them "
                    "before you publish; publishing leaves out those not accepted by both.", n=o.recommended), "info")
    return response


@bp.post("/<int:event_id>/schedule/publish")
@login_required
def publish(event_id: int) -> ResponseReturnValue:
    event = organizer_event(event_id)
    left_out = proposals.waiting(db.session, event)
    response = act_on(VersionForm(), lambda f: scheduling.publish(db.session, event, current_user, f.version.data),
                      _("The schedule is published and the participants are told."), url_for("events.schedule", event_id=event.id))
    if left_out and event.phase == "published":
        flash(_("%(n)d proposed meetings not accepted by both sides were left out.", n=left_out), "info")
    return response


@bp.get("/<int:event_id>/schedule.csv")
@login_required
def schedule_csv(event_id: int) -> ResponseReturnValue:
    event = organizer_event(event_id)
    return download(exports.master_csv(event, scheduling.master(db.session, event)), "text/csv",
                    f"event-{event.id}-schedule.csv")


@bp.post("/<int:event_id>/meetings")
@login_required
def add_meeting(event_id: int) -> ResponseReturnValue:
    event = organizer_event(event_id)
    form = MeetingForm()
    return act_on(form, lambda f: asks.organizer_meeting(db.session, event, current_user, f.a.data or 0, f.b.data or 0,
                                                         slot_id=f.slot_id.data, table=f.table.data, pinned=f.pinned.data),
                  _("The meeting is set."), local_target(form.next.data, url_for("events.schedule", event_id=event.id)))


@bp.post("/<int:event_id>/meetings/<int:meeting_id>/cancel")
@login_required
def cancel_meeting(event_id: int, meeting_id: int) -> ResponseReturnValue:
    event = organizer_event(event_id)
    meeting = event_row(event, Meeting, meeting_id)
    return act(lambda: asks.organizer_cancel(db.session, event, current_user, meeting), _("The meeting is called off."),
               url_for("events.schedule", event_id=event.id))


@bp.post("/<int:event_id>/exclusions")
@login_required
def add_exclusion(event_id: int) -> ResponseReturnValue:
    event = organizer_event(event_id)
    return act_on(PairForm(), lambda f: asks.exclude(db.session, event, current_user, f.a.data or 0, f.b.data or 0),
                  _("These two will not be scheduled to meet."), url_for("events.schedule", event_id=event.id))


# --- event day ------------------------------------------------------------------------------


@bp.route("/<int:event_id>/checkin", methods=["GET", "POST"])
@login_required
def checkin(event_id: int) -> ResponseReturnValue:
    event = organizer_event(event_id)
    if request.method == "POST":
        found: list[tuple[Participant, Any]] = []

        def check(form: CheckInForm) -> None:
            code = form.code.data or ""
            before = db.session.scalar(select(Participant.checked_in_at).where(
                Participant.event_id == event.id, Participant.code == eventday.scanned_code(code)))
            found.append((eventday.check_in(db.session, event, current_user, code), before))

        response = act_on(CheckInForm(), check, None, url_for("events.checkin", event_id=event.id, q=request.args.get("q", "")))
        if found:
            person, before = found[0]
            if before is not None:
                flash(_("%(name)s (%(org)s) was already checked in at %(time)s.", name=person.delegate_name,
                        org=person.organization.name, time=event_time(before, event, "%H:%M")), "info")
            else:
                flash(_("%(name)s (%(org)s) is checked in.", name=person.delegate_name, org=person.organization.name), "success")
        return response
    people = participation.directory(db.session, event, current_user, text=request.args.get("q", ""))
    everyone = participation.directory(db.session, event, current_user)
    # Opened from the agenda's QR code (a phone's camera): show whose code it is, to confirm.
    scanned = eventday.scanned_code(request.args.get("code", ""))[:20]
    found = next((p for p in everyone if p.code == scanned), None) if scanned else None
    return render_template("events/checkin.html", event=event, people=people, q=request.args.get("q", ""),
                           checked=sum(1 for p in everyone if p.checked_in_at), total=len(everyone),
                           scanned=scanned, found=found)


@bp.post("/<int:event_id>/meetings/<int:meeting_id>/status")
@login_required
def meeting_status(event_id: int, meeting_id: int) -> ResponseReturnValue:
    event = organizer_event(event_id)
    meeting = event_row(event, Meeting, meeting_id)
    return act_on(MeetingStatusForm(), lambda f: eventday.mark_meeting(db.session, event, current_user, meeting, f.status.data or ""),
                  _("Saved."), url_for("events.schedule", event_id=event.id))


@bp.post("/<int:event_id>/survey")
@login_required
def survey(event_id: int) -> ResponseReturnValue:
    event = organizer_event(event_id)
    sent: list[int] = []
    response = act(lambda: sent.append(eventday.send_survey(db.session, event, current_user)), None,
                   url_for("events.dashboard", event_id=event.id))
    if sent:
        flash(_("The survey went to %(n)d participants.", n=sent[0]), "success")
    return response


@bp.get("/<int:event_id>/dashboard")
@login_required
def dashboard(event_id: int) -> ResponseReturnValue:
    event = organizer_event(event_id)
    return render_template("events/dashboard.html", event=event, figures=eventday.numbers(db.session, event),
                           results=eventday.RESULT_LABELS, kinds=KIND_LABELS)


@bp.get("/<int:event_id>/dashboard.csv")
@login_required
def dashboard_csv(event_id: int) -> ResponseReturnValue:
    event = organizer_event(event_id)
    return download(eventday.numbers_csv(event, eventday.numbers(db.session, event)), "text/csv",
                    f"event-{event.id}-numbers.csv")
