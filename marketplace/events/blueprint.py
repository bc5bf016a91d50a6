"""The events blueprint and what its pages share: loading an event (404 when the caller may not
see it), rows that belong to it, the caller's participation, file downloads, and the labels and
time format the templates use. The routes live in :mod:`marketplace.events.views` (everyone and
participants) and :mod:`marketplace.events.manage` (the organizer); both import this module,
never each other.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from marketplace.errors import NotFound
from marketplace.events import eventday, participation, services
from marketplace.events import meeting_requests as asks
from marketplace.events.labels import STATUS_LABELS, status_label
from marketplace.events.models import Event, Participant
from marketplace.extensions import db

bp = Blueprint("events", __name__, url_prefix="/events")


def load_event(event_id: int) -> Event:
    try:
        return services.get_event(db.session, event_id, current_user if current_user.is_authenticated else None)
    except NotFound:
        abort(404)


def event_row(event: Event, model: Any, row_id: int | None) -> Any:
    """A row of ``model`` that belongs to the event (404 otherwise)."""
    row = db.session.get(model, row_id or 0)
    if row is None or row.event_id != event.id:
        abort(404)
    return row


def download(body: bytes | str, mimetype: str, filename: str, inline: bool = False) -> Response:
    """A file of the event for the browser to save (``inline``: to show)."""
    disposition = "inline" if inline else "attachment"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})


def me_in(event: Event) -> Participant | None:
    return services.participant_of(db.session, event, current_user if current_user.is_authenticated else None)


def require_participant(event: Event) -> Participant:
    me = me_in(event)
    if me is None or me.status != "approved":
        abort(403)
    return me


@bp.app_template_global()
def requests_open(event: Event) -> bool:
    return asks.requests_open(event)


@bp.app_template_global()
def event_closes_early(event: Event) -> bool:
    return services.closes_early(event)


@bp.app_template_global()
def event_phase_label(phase: str) -> str:
    return str(services.PHASE_LABELS.get(phase, phase))


@bp.app_template_global()
def event_role_label(role: str) -> str:
    return participation.role_label(role)



@bp.app_template_global()
def event_status_label(kind: str, key: str) -> str:
    return status_label(kind, key)


@bp.app_template_global()
def event_status_labels(kind: str) -> dict[str, str]:
    return {k: str(v) for k, v in STATUS_LABELS.get(kind, {}).items()}


REASON_LABELS = {
    asks.CALLED_OFF: _l("The organizer called this meeting off."),
    asks.NOT_ALLOWED: _l("The organizer did not allow this meeting."),
    asks.LEFT: _l("The participant left the event."),
    asks.BY_DEFAULT: _l("Not answered before requests closed: accepted, as the event's rules say."),
}


@bp.app_template_global()
def request_reason(reason: str) -> str:
    """A request's reason: the platform's own in the reader's language, else as written."""
    return str(REASON_LABELS.get(reason, reason))


@bp.app_template_global()
def brought_listings(participant: Participant) -> list[Any]:
    """The participant's listings still on offer (a seeker asks about them from the event's pages)."""
    from listings.lifecycle import is_on_offer
    from listings.models import Listing
    from marketplace.timeutil import today

    ids = [i for i in participant.listing_ids or [] if isinstance(i, int)]
    rows = db.session.scalars(select(Listing).where(Listing.id.in_(ids), Listing.organization_id == participant.organization_id))
    return [x for x in rows if is_on_offer(x, today())] if ids else []


@bp.app_template_global()
def result_label(result: str) -> str:
    return str(eventday.RESULT_LABELS.get(result, result))


@bp.app_template_filter()
def event_time(moment: Any, event: Event, fmt: str = "%m-%d %H:%M") -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(event.timezone)).strftime(fmt) if moment else ""


# --- everyone -------------------------------------------------------------------------------


