"""Moderation records kept for the platform admins: review requests of hidden postings.

A moderator hides a posting (``listings.services.hide``, with a reason); its owner edits it and
sends it back for review; a moderator approves it (unhides it) or keeps it hidden with a new
reason. The request lives in its own table rather than in columns of ``listings`` and ``needs``:
asking for a review changes nothing in the posting (its version, the lock that protects an
editor's open form, stays as it is), and the requests and their outcomes stay as a history.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.extensions import db
from marketplace.timeutil import utcnow

if TYPE_CHECKING:
    from listings.models import Listing, Need
    from marketplace.accounts.models import User

#: What a moderator decided about a review request.
OUTCOMES = ("approved", "kept_hidden")
NOTE_MAX = 500
_OPEN = text("decided_at IS NULL")


class ReviewRequest(db.Model):  # type: ignore[name-defined,misc]
    """An owner's request that a moderator look again at a hidden listing or need, and the
    decision. At most one open (undecided) request per posting: the database enforces it."""

    __tablename__ = "review_requests"
    __table_args__ = (
        CheckConstraint("(listing_id IS NULL) <> (need_id IS NULL)", name="one_posting"),
        CheckConstraint("outcome IN ('approved', 'kept_hidden')", name="outcome"),
        CheckConstraint("(outcome IS NULL) = (decided_at IS NULL)", name="decided"),
        Index("ix_review_requests_open_listing", "listing_id", unique=True,
              sqlite_where=_OPEN, postgresql_where=_OPEN),
        Index("ix_review_requests_open_need", "need_id", unique=True,
              sqlite_where=_OPEN, postgresql_where=_OPEN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"))
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # What the owner tells the moderator (what was changed); may be empty.
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(12))
    # The new reason when the posting was kept hidden.
    reason: Mapped[str | None] = mapped_column(String(500))

    listing: Mapped[Listing | None] = relationship("Listing")
    need: Mapped[Need | None] = relationship("Need")
    requested_by: Mapped[User | None] = relationship("User", foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship("User", foreign_keys=[decided_by_id])

    @property
    def posting(self) -> Any:
        """The listing or need this request is about."""
        return self.listing if self.listing is not None else self.need

    @property
    def is_open(self) -> bool:
        return self.decided_at is None
