"""Engagements: one record per conversation between an SME (the seeker) and a provider about one
of the provider's listings, optionally for one of the SME's needs. It moves through stages to an
outcome; every change is kept (``engagement_changes``), the two sides talk in ``engagement_messages``
and each reader's place in the conversation is kept in ``engagement_reads`` (unread counts).

The database holds what it can: one open engagement per SME, provider and listing (a partial
unique index), the stage and deal kind in their lists, an amount only with a deal."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.columns import UTCDateTime
from marketplace.extensions import db
from marketplace.timeutil import utcnow

if TYPE_CHECKING:
    from listings.models import Listing, Need
    from marketplace.accounts.models import User
    from marketplace.documents.models import Document
    from marketplace.organizations.models import Organization

STAGES = ("new", "in_discussion", "proposal", "won", "lost", "withdrawn")
OPEN_STAGES = ("new", "in_discussion", "proposal")
SIDES = ("seeker", "provider")
DEAL_KINDS = ("loan", "guarantee", "lease", "investment", "licence", "contract", "enrolment", "booth")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


OPEN_SQL = text(f"stage IN {_in(OPEN_STAGES)}")


class Engagement(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "engagements"
    __table_args__ = (
        CheckConstraint(f"stage IN {_in(STAGES)}", name="stage"),
        CheckConstraint(f"started_by IN {_in(SIDES)}", name="started_by"),
        CheckConstraint(f"deal_kind IS NULL OR deal_kind IN {_in(DEAL_KINDS)}", name="deal_kind"),
        CheckConstraint("amount_cny IS NULL OR amount_cny >= 0", name="amount_nonneg"),
        CheckConstraint("(deal_kind IS NULL) OR stage = 'won'", name="deal_when_won"),
        CheckConstraint("seeker_org_id <> provider_org_id", name="two_sides"),
        Index("ix_engagements_one_open", "seeker_org_id", "provider_org_id", "listing_id", unique=True,
              sqlite_where=OPEN_SQL, postgresql_where=OPEN_SQL),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"), index=True)
    seeker_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    provider_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    started_by: Mapped[str] = mapped_column(String(10))
    started_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    stage: Mapped[str] = mapped_column(String(16), default="new", index=True)
    deal_kind: Mapped[str | None] = mapped_column(String(12))
    amount_cny: Mapped[int | None] = mapped_column(BigInteger)
    lost_reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first message of the side that did not start it (response time) and the latest one
    # (who is waiting for whom).
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_message_side: Mapped[str | None] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    listing: Mapped[Listing] = relationship()
    need: Mapped[Need | None] = relationship()
    seeker: Mapped[Organization] = relationship(foreign_keys=[seeker_org_id])
    provider: Mapped[Organization] = relationship(foreign_keys=[provider_org_id])
    changes: Mapped[list[EngagementChange]] = relationship(back_populates="engagement", order_by="EngagementChange.id",
                                                           cascade="all, delete-orphan")
    messages: Mapped[list[EngagementMessage]] = relationship(back_populates="engagement",
                                                             order_by="EngagementMessage.id", cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def org_of(self, side: str) -> Organization:
        return self.seeker if side == "seeker" else self.provider

    def other_side(self, side: str) -> str:
        return "provider" if side == "seeker" else "seeker"


class EngagementChange(db.Model):  # type: ignore[name-defined,misc]
    """A stage change: who (which side, which member), when, from and to, and what was said."""

    __tablename__ = "engagement_changes"
    __table_args__ = (CheckConstraint(f"side IN {_in(SIDES)}", name="side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    side: Mapped[str] = mapped_column(String(10))
    from_stage: Mapped[str | None] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    engagement: Mapped[Engagement] = relationship(back_populates="changes")
    user: Mapped[User | None] = relationship()


class EngagementMessage(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "engagement_messages"
    __table_args__ = (CheckConstraint(f"side IN {_in(SIDES)}", name="side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    side: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    engagement: Mapped[Engagement] = relationship(back_populates="messages")
    user: Mapped[User | None] = relationship()
    attachments: Mapped[list[Document]] = relationship(order_by="Document.id", cascade="all, delete-orphan")


class EngagementRead(db.Model):  # type: ignore[name-defined,misc]
    """How far a member has read an engagement's messages (for unread counts)."""

    __tablename__ = "engagement_reads"

    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    last_message_id: Mapped[int] = mapped_column(Integer, default=0)


class Review(db.Model):  # type: ignore[name-defined,misc]
    """The SME's rating of the provider after an engagement (one per engagement), the provider's
    one reply, and moderation: a report by the provider, and the platform's decision to hide it."""

    __tablename__ = "engagement_reviews"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        Index("ix_engagement_reviews_provider_visible", "provider_org_id", "hidden_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), unique=True)
    provider_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    seeker_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reply: Mapped[str] = mapped_column(Text, default="")
    reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report_reason: Mapped[str] = mapped_column(String(500), default="")
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")

    engagement: Mapped[Engagement] = relationship()
    seeker: Mapped[Organization] = relationship(foreign_keys=[seeker_org_id])
    provider: Mapped[Organization] = relationship(foreign_keys=[provider_org_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


# Fields of the SME's profile it may share with a provider (members-only otherwise).
SHARE_FIELDS = ("credit_code", "annual_revenue_cny", "total_assets_cny", "employees", "tax_credit_level")

consent_documents = Table(
    "engagement_consent_documents", db.metadata,
    Column("consent_id", ForeignKey("engagement_consents.id", ondelete="CASCADE"), primary_key=True),
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Consent(db.Model):  # type: ignore[name-defined,misc]
    """The SME's consent to show the provider of an engagement some of its profile fields and
    library documents: its scope, who gave it and when, and when it was withdrawn. A changed scope
    is a new consent (the previous one withdrawn at that moment), so the history stays whole; the
    provider sees only the scope of the consent in force."""

    __tablename__ = "engagement_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), index=True)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    documents: Mapped[list[Document]] = relationship(secondary=consent_documents, order_by="Document.id")
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None
