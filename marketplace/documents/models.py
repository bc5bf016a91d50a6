"""A document: a file an organization uploaded, kept outside the web root under a random name.

It sits in the organization's library (``message_id`` empty: shared with a provider only by the
SME's consent) or was sent in an engagement's conversation (``message_id``: both sides see it).
The type is the one sniffed from the content, never the one the browser claimed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.columns import UTCDateTime
from marketplace.extensions import db
from marketplace.timeutil import utcnow

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.organizations.models import Organization

KINDS = ("business_licence", "financial_statements", "pitch_deck", "patent_certificate", "other")


class Document(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("kind IN ('business_licence', 'financial_statements', 'pitch_deck', 'patent_certificate', 'other')",
                        name="kind"),
        CheckConstraint("size_bytes > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("engagement_messages.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24), default="other")
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship()
    uploaded_by: Mapped[User | None] = relationship()
