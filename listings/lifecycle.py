"""The life cycle of a posting: one state machine for every path that changes a status (the
pages' buttons, ``PATCH {"status": ...}`` and the actions of the API, and imports).

A posting's ``status`` is draft, published or closed. Two overlays sit on top: *archived* (put
away by its owner) and *hidden* (taken off the marketplace by a moderator; only a moderator
brings it back, and its content cannot be copied into a new posting). The transitions:

    draft ──publish──▶ published ──close──▶ closed ──reopen──▶ published
      └──────────close──────────────────────▲

- nothing moves while the posting is archived (restore it first);
- it cannot be published (or re-opened) once its deadline, end date or "needed by" date has
  passed: change the dates first;
- a published or closed posting never goes back to draft (it has been public: leads, links and
  conversations refer to it).

A posting *created* with a status (API, import) starts in that status; the rules apply to every
change after that.

**On offer** (shown on the marketplace, searched, matched): *listed* — published, not hidden, not
archived — and its date (a listing's deadline, else end date; a need's "needed by") not before
today. :func:`is_listed` / :func:`is_on_offer` are the Python form and :func:`listed_clause` /
:func:`on_offer_clause` the SQL form of that one rule; the matcher's "status" and "deadline"
columns and the search index's visibility and date range are its fast forms (kept in step by a
property test).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, or_

from listings.categories import STATUS_LABELS
from marketplace.errors import Conflict, ValidationFailed

TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"published", "closed"}),
    "published": frozenset({"closed"}),
    "closed": frozenset({"published"}),
}
# The date that ends a posting's time on offer, per kind (the first one set counts).
EXPIRY_FIELDS = {"listing": ("deadline", "ends_on"), "need": ("needed_by",)}


def expiry_field(kind: str, values: Any) -> str | None:
    """The field holding the date a posting stops being on offer (deadline, else end date), if set.
    ``values`` is a posting or a mapping of its fields."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name, None)
    return next((name for name in EXPIRY_FIELDS[kind] if get(name) is not None), None)


def is_listed(posting: Any) -> bool:
    """Published, not hidden, not archived (a Listing, a Need or a row with those columns)."""
    return posting.status == "published" and posting.hidden_at is None and posting.archived_at is None


def is_on_offer(posting: Any, today: date) -> bool:
    """Listed, and its date not before ``today``."""
    return is_listed(posting) and not posting.is_expired(today)


def listed_clause(model: Any) -> ColumnElement[bool]:
    """:func:`is_listed` in SQL, for a posting model (Listing or Need)."""
    return and_(model.status == "published", model.hidden_at.is_(None), model.archived_at.is_(None))


def on_offer_clause(model: Any, today: date) -> ColumnElement[bool]:
    """:func:`is_on_offer` in SQL, for a posting model (Listing or Need)."""
    until = model.available_until if hasattr(model, "available_until") else model.needed_by
    return and_(listed_clause(model), or_(until.is_(None), until >= today))


def is_expired(kind: str, values: Any, today: date) -> bool:
    """Whether the posting's (or the field values') expiry date is before ``today``."""
    field = expiry_field(kind, values)
    if field is None:
        return False
    until = values.get(field) if isinstance(values, dict) else getattr(values, field)
    return bool(until < today)


def transition_problem(current: str, target: str, *, archived: bool, expired: bool) -> tuple[str, str] | None:
    """Why ``current`` → ``target`` is not allowed, as (kind of refusal, message), or None.

    The kind is "conflict" (the state forbids it), "dates" (a date must change first) or
    "invalid" (no such state: a null or unknown status).
    """
    if target not in STATUS_LABELS:
        return "invalid", _("Choose one of: %(states)s.", states=", ".join(("draft", "published", "closed")))
    if target == current:
        return None
    if archived:
        return "conflict", _("Restore it from the archive first.")
    if target not in TRANSITIONS.get(current, frozenset()):
        return "conflict", _("A posting that is %(current)s cannot become %(target)s.",
                             current=str(STATUS_LABELS[current]).lower(), target=str(STATUS_LABELS[target]).lower())
    if target == "published" and expired:
        return "dates", _("Its date has passed: change the dates before publishing it.")
    return None


def check_transition(kind: str, current: str, target: str, *, archived: bool, expired: bool, values: Any) -> None:
    """Raises Conflict, or ValidationFailed naming the date field, when the change is not allowed."""
    problem = transition_problem(current, target, archived=archived, expired=expired)
    if problem is None:
        return
    refusal, message = problem
    if refusal == "invalid":
        raise ValidationFailed(message, fields={"status": [message]})
    if refusal == "dates":
        field = expiry_field(kind, values) or "status"
        raise ValidationFailed(message, fields={field: [_("The date has passed.")]})
    raise Conflict(message, fields={"status": [message]})
