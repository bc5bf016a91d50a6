"""The review queue: hidden postings whose owners asked for another look (oldest first), and a
moderator's two answers. Hiding and showing themselves are ``listings.services.hide``/``unhide``
(which also close the open request and tell the owners). Flushes, never commits."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from listings import services as postings
from marketplace.accounts.models import User
from marketplace.admin.models import ReviewRequest
from marketplace.errors import Conflict, PermissionDenied

_OPEN = ReviewRequest.decided_at.is_(None)


def queue(session: Session, limit: int = 200) -> list[ReviewRequest]:
    """Open review requests, the longest waiting first."""
    return list(session.scalars(
        select(ReviewRequest).where(_OPEN)
        .options(selectinload(ReviewRequest.listing), selectinload(ReviewRequest.need),
                 selectinload(ReviewRequest.requested_by))
        .order_by(ReviewRequest.requested_at, ReviewRequest.id)
        .limit(limit)
    ))


def waiting(session: Session) -> int:
    """How many review requests wait for a moderator."""
    return int(session.scalar(select(func.count()).select_from(ReviewRequest).where(_OPEN)) or 0)


def _require_open(review: ReviewRequest, admin: User) -> None:
    if not admin.is_admin:
        raise PermissionDenied(_("Only a platform administrator can review postings."))
    if not review.is_open:
        raise Conflict(_("This review request has already been decided."))


def approve(session: Session, review: ReviewRequest, admin: User) -> None:
    """Show the posting again; its owners are told. Raises PermissionDenied when ``admin`` is no
    platform admin, Conflict when the request has already been decided."""
    _require_open(review, admin)
    postings.unhide(session, review.posting, admin)


def keep_hidden(session: Session, review: ReviewRequest, admin: User, reason: str | None) -> None:
    """Keep the posting hidden with a new reason; its owners are told. Raises PermissionDenied,
    Conflict as :func:`approve`, and ValidationFailed (field ``reason``) for a reason that is
    missing, too long or holds control characters."""
    _require_open(review, admin)
    postings.hide(session, review.posting, admin, reason or "")
