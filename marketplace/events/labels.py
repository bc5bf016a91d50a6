"""What the events pages and files call the states of participants, requests and meetings
(in the reader's language; the database keeps the keys)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "participant": {"pending": _l("Awaiting approval"), "approved": _l("Approved"), "declined": _l("Declined"),
                    "cancelled": _l("Cancelled")},
    "request": {"pending": _l("Pending"), "accepted": _l("Accepted"), "declined": _l("Declined"),
                "withdrawn": _l("Withdrawn"), "expired": _l("Expired")},
    "meeting": {"planned": _l("Planned"), "scheduled": _l("Scheduled"), "unplaced": _l("Not placed"),
                "held": _l("Held"), "no_show": _l("No-show"), "cancelled": _l("Cancelled")},
    "source": {"request": _l("Requested"), "organizer": _l("Set by the organizer"), "recommended": _l("Recommended")},
    # Why the scheduler left a meeting out (matching.scheduling's reason codes).
    "unscheduled": {"not_allowed": _l("one of the two accepts no meetings"),
                    "no_common_slot": _l("the two have no time slot in common"),
                    "cap_reached": _l("one of the two already has the most meetings allowed"),
                    "both_busy": _l("in every slot both can attend, one of them has another meeting"),
                    "no_table": _l("every table is taken in the slots free for both")},
}


def status_label(kind: str, key: str) -> str:
    """The label of a state (``kind``: participant, request, meeting, source or unscheduled)."""
    return str(STATUS_LABELS.get(kind, {}).get(key, key))
