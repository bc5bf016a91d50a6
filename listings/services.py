"""The rules of postings (listings and needs): who may do what, validation, the life cycle,
moderation and optimistic locking. Services flush but never commit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from listings import lifecycle, visibility
from listings.categories import NEED_VISIBILITIES
from listings.models import Listing, Need, new_external_id
from listings.validation import FieldError, domain_errors, schema_errors, type_schema
from marketplace.accounts.models import User
from marketplace.admin.models import ReviewRequest
from marketplace.bounds import parse_date, text_problem
from marketplace.errors import Conflict, PermissionDenied, ValidationFailed
from marketplace.notifications.services import notify
from marketplace.organizations.models import Organization
from marketplace.organizations.services import require_member
from marketplace.search import outbox as search_outbox
from marketplace.timeutil import today, utcnow

Posting = Listing | Need
MODELS: dict[str, type[Listing] | type[Need]] = {"listing": Listing, "need": Need}
_RECORD_ONLY = ("type", "external_id", "organization")
# Editable fields of each kind: the record schema's properties (the public format).
FIELDS = {
    kind: tuple(k for k in type_schema(kind)["properties"] if k not in _RECORD_ONLY)
    for kind in MODELS
}
_DATE_FIELDS = ("starts_on", "ends_on", "deadline", "needed_by")
_LIST_FIELDS = ("regions", "industries", "size_classes", "tags")
EXTERNAL_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")  # the records schema's external_id rule


def kind_of(posting: Posting) -> str:
    return "listing" if isinstance(posting, Listing) else "need"


# --- access ---------------------------------------------------------------------------------


def is_editor(posting: Posting, user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and posting.organization.member(user) is not None


def can_view(posting: Posting, user: Any) -> bool:
    """Whether ``user`` (None or anonymous too) may see the posting anywhere: pages, API, lists.

    Drafts and hidden postings are visible to their organization's members (and admins) only;
    a need besides only to those its visibility lets see it (:mod:`listings.visibility`).
    """
    if is_editor(posting, user) or getattr(user, "is_admin", False):
        return True
    if posting.status == "draft" or posting.is_hidden:
        return False
    return not isinstance(posting, Need) or visibility.can_see(visibility.Viewer.of(user), posting)


def require_editor(posting: Posting, user: User) -> None:
    """Raises PermissionDenied unless the user is a member of the owning organization."""
    require_member(posting.organization, user)


def _require_version(posting: Posting, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != posting.version:
        raise Conflict(
            _("Someone else saved this in the meantime (version %(current)d, yours %(yours)d). "
              "Reload the page and apply your changes again.", current=posting.version, yours=expected_version)
        )


# --- validation -----------------------------------------------------------------------------


def _errors_by_field(errors: list[FieldError]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(error.field or "_", []).append(error.message)
    return fields


def _as_record(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Form/API values as a record of the public format (dates as ISO strings, no Nones)."""
    record: dict[str, Any] = {"type": kind, "external_id": "x", "organization": "x"}
    for key, value in data.items():
        if value is None or (key in _LIST_FIELDS and value == []) or (key == "attributes" and value == {}):
            continue
        record[key] = value.isoformat() if isinstance(value, date) else value
    return record


def validate(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Check posting fields against the schema and the domain rules.

    Returns the values converted for the model (dates as ``date``). Raises ValidationFailed
    naming every field that breaks a rule; unknown fields are errors too.
    """
    unknown = [k for k in data if k not in FIELDS[kind]]
    record = _as_record(kind, {k: v for k, v in data.items() if k not in unknown})
    errors = [FieldError(k, _("unknown field")) for k in unknown]
    if kind == "need" and "visibility" in data and data["visibility"] is None:
        # Absent means the default, but null is no way to widen who sees a need: refused.
        errors.append(FieldError("visibility", _("must be one of %(values)s", values=", ".join(NEED_VISIBILITIES))))
    schema = schema_errors(record, kind)
    # The domain rules too (all errors in one round), on the fields whose types are right.
    wrong = {error.field.split("[")[0].split(".")[0] for error in schema}
    errors += schema + domain_errors(kind, {k: v for k, v in record.items() if k not in wrong})
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=_errors_by_field(errors))
    values = dict(data)
    for key in _DATE_FIELDS:
        if isinstance(values.get(key), str):
            values[key] = parse_date(values[key])
    for key in _LIST_FIELDS:
        if key in values and values[key] is None:
            values[key] = []
    if "attributes" in values and values["attributes"] is None:
        values["attributes"] = {}
    return values


# --- create, update, life cycle -------------------------------------------------------------


def create(
    session: Session,
    kind: str,
    organization: Organization,
    user: User,
    data: Mapping[str, Any],
    *,
    external_id: str | None = None,
) -> Posting:
    """A new listing or need of ``organization`` (status from ``data``, default draft).

    Raises PermissionDenied if the user is not a member (or a non-SME posts a need),
    ValidationFailed for bad fields, Conflict for a taken external id.
    """
    require_member(organization, user)
    if kind == "need" and not organization.is_sme:
        raise PermissionDenied(_("Only enterprises (SMEs) post needs."))
    values = validate(kind, {"status": "draft", **data})
    model = MODELS[kind]
    if external_id:
        if not EXTERNAL_ID.fullmatch(external_id):
            raise ValidationFailed(
                _("Please correct the marked fields."),
                fields={"external_id": [_("1–64 letters, digits, '.', '_', ':' or '-'.")]},
            )
        if session.query(model.id).filter_by(external_id=external_id).first() is not None:
            raise Conflict(
                _("The external id %(id)s is already taken.", id=external_id),
                fields={"external_id": [_("already taken")]},
            )
    posting = model(
        organization=organization,
        external_id=external_id or new_external_id(kind),
        **{k: v for k, v in values.items() if k != "status"},
    )
    session.add(posting)
    _set_status(posting, values["status"])
    session.flush()
    _reindex(session, posting)
    return posting


def update(
    session: Session, posting: Posting, user: User, data: Mapping[str, Any], *, expected_version: int | None
) -> Posting:
    """Change fields (``data`` holds only the fields to change).

    Raises Conflict if ``expected_version`` is not the stored version: the caller must reload.
    """
    require_editor(posting, user)
    _require_version(posting, expected_version)
    current = {k: getattr(posting, k) for k in FIELDS[kind_of(posting)]}
    kind = kind_of(posting)
    values = validate(kind, {**current, **data})
    status_changes = values["status"] != posting.status
    if status_changes:  # checked before anything changes: a refused request leaves the row as it was
        lifecycle.check_transition(kind, posting.status, values["status"], archived=posting.is_archived,
                                   expired=lifecycle.is_expired(kind, values, today()), values=values)
    for key, value in values.items():
        if key == "status":
            continue
        if getattr(posting, key) != value:
            setattr(posting, key, value)
    if status_changes:
        _set_status(posting, values["status"])
    session.flush()
    _reindex(session, posting)
    return posting


def _reindex(session: Session, posting: Posting) -> None:
    """Listings go to the search index after the commit (through the outbox)."""
    if isinstance(posting, Listing):
        search_outbox.enqueue(session, [posting.id])


def _set_status(posting: Posting, status: str) -> None:
    now = utcnow()
    if status == "published" and posting.published_at is None:
        posting.published_at = now
    if status == "closed":
        posting.closed_at = now
    posting.status = status


def _check_transition(posting: Posting, target: str) -> None:
    kind = kind_of(posting)
    lifecycle.check_transition(kind, posting.status, target, archived=posting.is_archived,
                               expired=lifecycle.is_expired(kind, posting, today()), values=posting)


def publish(session: Session, posting: Posting, user: User, *, expected_version: int | None = None) -> None:
    """Publish a draft (or a closed posting). Raises Conflict when archived, ValidationFailed
    when a field breaks a rule or its date has passed."""
    require_editor(posting, user)
    _require_version(posting, expected_version)
    _check_transition(posting, "published")
    validate(kind_of(posting), {k: getattr(posting, k) for k in FIELDS[kind_of(posting)]})
    _set_status(posting, "published")
    session.flush()
    _reindex(session, posting)


def close(session: Session, posting: Posting, user: User, *, expected_version: int | None = None) -> None:
    require_editor(posting, user)
    _require_version(posting, expected_version)
    if posting.status == "closed":
        return
    _check_transition(posting, "closed")
    _set_status(posting, "closed")
    session.flush()
    _reindex(session, posting)


def reopen(session: Session, posting: Posting, user: User, *, expected_version: int | None = None) -> None:
    """Publish a closed posting again (it must not be past its deadline)."""
    require_editor(posting, user)
    _require_version(posting, expected_version)
    if posting.status != "closed":
        raise Conflict(_("Only a closed posting can be re-opened."))
    _check_transition(posting, "published")
    _set_status(posting, "published")
    session.flush()
    _reindex(session, posting)


def archive(session: Session, posting: Posting, user: User) -> None:
    """Put away: a published posting is closed first; archived postings leave the dashboards."""
    require_editor(posting, user)
    if posting.status == "published":
        _set_status(posting, "closed")
    posting.archived_at = utcnow()
    session.flush()
    _reindex(session, posting)


def restore(session: Session, posting: Posting, user: User) -> None:
    require_editor(posting, user)
    posting.archived_at = None
    session.flush()
    _reindex(session, posting)


def duplicate(session: Session, posting: Posting, user: User) -> Posting:
    """A draft copy (same fields, a new external id) to adapt and publish."""
    require_editor(posting, user)
    if posting.is_hidden:
        # A copy would put content a moderator took down back on the marketplace.
        raise Conflict(_("A posting hidden by a moderator cannot be copied. Edit it instead; a moderator reviews it."))
    kind = kind_of(posting)
    data = {k: getattr(posting, k) for k in FIELDS[kind] if k != "status"}
    data["title"] = _("Copy of %(title)s", title=posting.title)[:200]
    return create(session, kind, posting.organization, user, data)


# --- moderation -----------------------------------------------------------------------------


def open_review(session: Session, posting: Posting) -> ReviewRequest | None:
    """The posting's undecided review request, if any."""
    column = ReviewRequest.listing_id if isinstance(posting, Listing) else ReviewRequest.need_id
    return session.scalar(select(ReviewRequest).where(column == posting.id, ReviewRequest.decided_at.is_(None)))


def _tell_editors(posting: Posting, session: Session, message: Callable[[], str], subject: Callable[[], str]) -> None:
    """Tell everyone who can edit the posting (the members of its organization), in-app and by
    e-mail, each in their own language, with a link to the posting."""
    plural = "listings" if isinstance(posting, Listing) else "needs"
    notify(session, [m.user for m in posting.organization.memberships], message, subject=subject,
           link=f"/{plural}/{posting.id}")


def _moderation_text(field: str, value: str | None, *, required: bool, missing: str) -> str:
    """A moderation text (a reason, a note) stripped; raises ValidationFailed naming ``field``
    when it is missing (and required), longer than 500 characters or holds control characters."""
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed(missing, fields={field: [missing]})
    problem = text_problem(text, max_length=500, multiline=True)
    if problem:
        raise ValidationFailed(_("Please correct the marked fields."), fields={field: [problem]})
    return text


def hide(session: Session, posting: Posting, admin: User, reason: str) -> None:
    """A platform admin takes a posting off the marketplace, or keeps a hidden one hidden with a
    new reason. An open review request is closed as "kept hidden". The members of the owning
    organization are told the reason (in-app and by e-mail) and can edit it and ask for a review.

    Raises PermissionDenied when ``admin`` is no platform admin, ValidationFailed (field
    ``reason``) when the reason is missing, longer than 500 characters or holds control
    characters; either way nothing changes.
    """
    if not admin.is_admin:
        raise PermissionDenied(_("Only a platform administrator can hide postings."))
    reason = _moderation_text("reason", reason, required=True, missing=_("Give the reason for hiding it."))
    now = utcnow()
    review = open_review(session, posting)
    if review is not None:
        review.decided_at, review.decided_by, review.outcome, review.reason = now, admin, "kept_hidden", reason
    posting.hidden_at = now
    posting.hidden_reason = reason
    posting.hidden_by = admin
    session.flush()
    _reindex(session, posting)
    title = posting.title
    if review is not None:
        _tell_editors(
            posting, session,
            lambda: _("A platform administrator reviewed “%(title)s” and keeps it hidden.\nReason: %(reason)s\n"
                      "Change it and send it back for review from its page.", title=title, reason=reason),
            lambda: _("Kept hidden after review: %(title)s", title=title),
        )
    else:
        _tell_editors(
            posting, session,
            lambda: _("A platform administrator has taken “%(title)s” off the marketplace.\nReason: %(reason)s\n"
                      "You can edit it and then send it back for review from its page.", title=title, reason=reason),
            lambda: _("Hidden by the platform: %(title)s", title=title),
        )


def unhide(session: Session, posting: Posting, admin: User) -> None:
    """A platform admin shows a hidden posting again (nothing happens if it is not hidden). An
    open review request is closed as "approved"; the members of the owning organization are told.

    Raises PermissionDenied when ``admin`` is no platform admin.
    """
    if not admin.is_admin:
        raise PermissionDenied(_("Only a platform administrator can hide postings."))
    if not posting.is_hidden:
        return
    review = open_review(session, posting)
    if review is not None:
        review.decided_at, review.decided_by, review.outcome = utcnow(), admin, "approved"
    posting.hidden_at = None
    posting.hidden_reason = None
    posting.hidden_by = None
    session.flush()
    _reindex(session, posting)
    title, listed = posting.title, lifecycle.is_listed(posting)
    _tell_editors(
        posting, session,
        lambda: (_("A platform administrator has shown “%(title)s” again: it is back on the marketplace.", title=title)
                 if listed else _("A platform administrator has shown “%(title)s” again: it is no longer hidden.", title=title)),
        lambda: _("No longer hidden: %(title)s", title=title),
    )


def request_review(session: Session, posting: Posting, user: User, note: str | None = "") -> ReviewRequest:
    """A member of the owning organization sends a hidden posting (edited meanwhile: it stays
    hidden while edited) back to the platform admins for review, with an optional note. The
    request records when and by whom; the posting itself does not change.

    Raises PermissionDenied when the user is no member of the owning organization; Conflict when
    the posting is not hidden or a review is already requested; ValidationFailed (field ``note``)
    for a note longer than 500 characters or with control characters.
    """
    require_editor(posting, user)
    if not posting.is_hidden:
        raise Conflict(_("Only a posting hidden by the platform can be sent back for review."))
    if open_review(session, posting) is not None:
        raise Conflict(_("A review has already been requested: a platform administrator will look at it."))
    text = _moderation_text("note", note, required=False, missing="")
    listing, need = (posting, None) if isinstance(posting, Listing) else (None, posting)
    review = ReviewRequest(listing=listing, need=need, requested_by=user, note=text)
    session.add(review)
    session.flush()
    return review

