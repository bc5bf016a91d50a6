"""The events pages' forms. They read and bound what was typed; the rules (ranges, dates in the
right order, who may register, ...) stay in the services, whose field errors the pages show next
to these fields.

Two forms have many fields and are rendered with the shared field macro (:class:`EventForm`,
:class:`RegistrationForm`, and the outcome of a meeting); the others are the few values behind
a button (a phase, a decision, an answer).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Field,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from marketplace.bounds import MAX_ID
from marketplace.events import participation, services
from marketplace.events.eventday import RESULT_LABELS
from marketplace.events.models import Event, Participant
from marketplace.forms import (
    BoundedDecimalField,
    BoundedForm,
    CheckboxesField,
    WanField,
    WholeNumberField,
    options,
    wan_to_cny,
)
from marketplace.organizations.kinds import KIND_LABELS

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends


def split_list(text: str | None) -> list[str]:
    """A list typed as one text: comma (，too) or line separated."""
    return [p.strip() for p in (text or "").replace("，", ",").replace("\n", ",").split(",") if p.strip()]


def _role_choices() -> list[SelectChoice]:
    return options([("", _l("Not invited"))] + [(role, participation.role_label(role)) for role in services.ROLES])


class EventForm(BoundedForm):
    """Set up or change an event. The ``role_<kind>`` fields (one per kind of organization) are
    added below the class."""

    version = HiddenField()
    title = StringField(_l("Title"), render_kw={"maxlength": 200})
    approval = SelectField(_l("Registration"), default="open", choices=options([
        ("open", _l("Open: approved at once")), ("approval", _l("Approved by the organizer"))]))
    description = TextAreaField(_l("Description"), render_kw={"rows": 3})
    venue = StringField(_l("Venue"), render_kw={"maxlength": 300})
    online_url = StringField(_l("Online link (optional)"), render_kw={"type": "url"})
    days = StringField(_l("Days (YYYY-MM-DD, comma separated)"), render_kw={"placeholder": "2026-12-10"})
    start = StringField(_l("From"), default="09:00", render_kw={"type": "time"})
    end = StringField(_l("To"), default="12:00", render_kw={"type": "time"})
    meeting_minutes = WholeNumberField(_l("Meeting (minutes)"), default=20, render_kw={"min": 5})
    gap_minutes = WholeNumberField(_l("Gap (minutes)"), default=5, render_kw={"min": 0})
    breaks = StringField(_l("Breaks (HH:MM-HH:MM, comma separated)"), render_kw={"placeholder": "10:30-10:45"})
    tables = WholeNumberField(_l("Tables"), default=10, render_kw={"min": 1})
    table_names = StringField(_l("Table or booth names (optional)"))
    registration_opens_at = DateTimeLocalField(_l("Registration opens"), format=LOCAL_MINUTE, validators=[Optional()])
    registration_closes_at = DateTimeLocalField(_l("Registration closes"), format=LOCAL_MINUTE, validators=[Optional()])
    requests_close_at = DateTimeLocalField(_l("Requests close"), format=LOCAL_MINUTE, validators=[Optional()])
    capacity = WholeNumberField(_l("Capacity (delegates, optional)"), render_kw={"min": 2})
    max_requests = WholeNumberField(_l("Requests each may send"), default=10, render_kw={"min": 1})
    max_meetings = WholeNumberField(_l("Meetings each may hold"), default=8, render_kw={"min": 1})
    fill_recommended = BooleanField(_l("Fill empty slots with recommended pairs"))
    include_unanswered = BooleanField(_l("Requests still unanswered when requests close count as accepted (scheduled at lower priority)"))

    MOMENTS = ("registration_opens_at", "registration_closes_at", "requests_close_at")
    PLAN = ("days", "start", "end", "meeting_minutes", "gap_minutes", "breaks")

    @classmethod
    def of(cls, event: Event | None) -> EventForm:
        """The form, filled from ``event`` (or the defaults of a new one) unless a post fills it."""
        if event is None:
            return cls(data={f"role_{kind}": role for kind, role in services.DEFAULT_ROLES.items()})
        zone = ZoneInfo(event.timezone)
        plan = event.slot_plan or {}

        def local(moment: datetime | None) -> datetime | None:
            return moment.astimezone(zone).replace(tzinfo=None) if moment else None

        data = {
            "version": event.version, "title": event.title, "description": event.description, "venue": event.venue,
            "online_url": event.online_url, "days": ", ".join(plan.get("days", [])), "start": plan.get("start", ""),
            "end": plan.get("end", ""), "meeting_minutes": plan.get("meeting_minutes"), "gap_minutes": plan.get("gap_minutes", 0),
            "breaks": ", ".join(f"{a}-{b}" for a, b in plan.get("breaks", [])), "tables": event.tables,
            "table_names": ", ".join(event.table_names or []), "capacity": event.capacity, "approval": event.approval,
            "max_requests": event.max_requests, "max_meetings": event.max_meetings,
            "fill_recommended": event.fill_recommended, "include_unanswered": event.include_unanswered,
            **{name: local(getattr(event, name)) for name in cls.MOMENTS},
            **{f"role_{kind}": role for kind, role in (event.roles or {}).items()},
        }
        return cls(data=data)

    def role_fields(self) -> list[Field]:
        return [self[f"role_{kind}"] for kind in KIND_LABELS]

    def service_data(self, zone: str) -> dict[str, Any]:
        """What :func:`marketplace.events.services.save_event` takes; the moments in ``zone``."""
        breaks = []
        for part in split_list(self.breaks.data):
            a, _sep, b = part.replace("–", "-").partition("-")
            breaks.append([a.strip(), b.strip()])
        return {
            "title": self.title.data or "", "description": self.description.data or "", "venue": self.venue.data or "",
            "online_url": self.online_url.data or "",
            "plan": {"days": split_list(self.days.data), "start": self.start.data or "", "end": self.end.data or "",
                     "meeting_minutes": self.meeting_minutes.data,
                     "gap_minutes": self.gap_minutes.data if self.gap_minutes.data is not None else 0, "breaks": breaks},
            "tables": self.tables.data, "table_names": split_list(self.table_names.data), "capacity": self.capacity.data,
            **{name: self[name].data.replace(tzinfo=ZoneInfo(zone)) if self[name].data else None for name in self.MOMENTS},
            "approval": self.approval.data, "roles": {kind: self[f"role_{kind}"].data for kind in KIND_LABELS},
            "max_requests": self.max_requests.data, "max_meetings": self.max_meetings.data,
            "fill_recommended": self.fill_recommended.data, "include_unanswered": self.include_unanswered.data,
            "version": self.version.data,
        }

    @staticmethod
    def field_of(name: str) -> str:
        """The form field of a service's error (``plan.days`` → ``days``; ``roles`` → the form)."""
        name = name.removeprefix("plan.")
        return "days" if name == "timezone" else name


for _kind, _label in KIND_LABELS.items():
    setattr(EventForm, f"role_{_kind}", SelectField(_label, choices=_role_choices, default=""))


class RegistrationForm(BoundedForm):
    """Register a delegate, or change a registration. The choices are the organization's own
    published postings, the event's slots and (adding a colleague) its members."""

    new = HiddenField()
    delegate_user_id = SelectField(_l("Delegate"), choices=[], validate_choice=False)
    delegate_name = StringField(_l("Delegate name"), render_kw={"maxlength": 100})
    delegate_title = StringField(_l("Position"), render_kw={"maxlength": 100})
    listing_ids = CheckboxesField(_l("Listings you bring"), choices=[])
    need_ids = CheckboxesField(_l("Needs you bring"), choices=[])
    offer_text = TextAreaField(_l("What you offer at this event (optional)"), render_kw={"rows": 3})
    request_text = TextAreaField(_l("What you are looking for at this event (optional)"), render_kw={"rows": 3})
    unavailable_slot_ids = CheckboxesField(_l("Slots you cannot attend"), choices=[])

    @classmethod
    def of(cls, current: Participant | None, delegate_name: str) -> RegistrationForm:
        if current is None:
            return cls(data={"delegate_name": delegate_name})
        return cls(data={
            "delegate_name": current.delegate_name, "delegate_title": current.delegate_title,
            "listing_ids": [str(i) for i in current.listing_ids or []], "need_ids": [str(i) for i in current.need_ids or []],
            "offer_text": current.offer_text, "request_text": current.request_text,
            "unavailable_slot_ids": [str(i) for i in current.unavailable_slot_ids or []],
        })

    def service_data(self) -> dict[str, Any]:
        return {name: self[name].data or ([] if name.endswith("_ids") else "") for name in (
            "delegate_user_id", "delegate_name", "delegate_title", "listing_ids", "need_ids", "offer_text",
            "request_text", "unavailable_slot_ids")}


class OutcomeForm(BoundedForm):
    """What came of a meeting, from one side; its fields carry the meeting's id in theirs, since
    an agenda shows one form per meeting."""

    result = SelectField(_l("Outcome"), validate_choice=False,
                         choices=lambda: options([("", _l("Choose…")), *RESULT_LABELS.items()]))
    amount_wan = WanField(_l("Amount of the deal (10,000 CNY)"), render_kw={"min": 0, "step": "any"})
    rating = SelectField(_l("Rating"), validate_choice=False, choices=options([("", "–")] + [(str(n), str(n)) for n in range(1, 6)]))
    note = StringField(_l("Note"), render_kw={"maxlength": 500})

    def for_meeting(self, meeting_id: int) -> OutcomeForm:
        for item in self:
            item.id = f"{item.name}-{meeting_id}"
            item.label.field_id = item.id
        return self

    def service_data(self) -> dict[str, Any]:
        return {"result": self.result.data or "", "amount_cny": wan_to_cny(self.amount_wan.data), "rating": self.rating.data or None,
                "note": self.note.data or ""}


# --- the values behind a button ----------------------------------------------------------------


def _id_field(**kwargs: Any) -> WholeNumberField:
    return WholeNumberField(low=0, high=MAX_ID, **kwargs)


class VersionForm(BoundedForm):
    """A change made from a page of the event at ``version`` (refused if the event changed since)."""

    version = HiddenField()


class PhaseForm(VersionForm):
    phase = StringField()
    confirmed = BooleanField()  # closing before the event has ended


class ScheduleRunForm(VersionForm):
    time_limit = BoundedDecimalField(low=1, high=60, digits=3, default=10)
    keep_published = StringField(default="on")  # a hidden "off" before the checkbox's "on"

    def keeps_published(self) -> bool:
        return "on" in (self.keep_published.raw_data or ["on"])


class DecisionForm(BoundedForm):
    decision = StringField()


class MeetingRequestForm(BoundedForm):
    recipient_id = _id_field()
    message = StringField(render_kw={"maxlength": 1000})
    next = HiddenField()


class AnswerForm(BoundedForm):
    answer = StringField()
    reason = StringField(render_kw={"maxlength": 500})


class PairForm(BoundedForm):
    """Two participants: to meet (a meeting the organizer sets) or never to be paired."""

    a = _id_field()
    b = _id_field()


class MeetingForm(PairForm):
    slot_id = _id_field()
    table = WholeNumberField(low=0, high=10_000)
    pinned = BooleanField()
    next = HiddenField()


class CheckInForm(BoundedForm):
    code = StringField(render_kw={"maxlength": 20})


class MeetingStatusForm(BoundedForm):
    status = StringField()
