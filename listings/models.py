"""Listings (offers by providers) and needs (demands by SMEs).

Both are *postings*: owned by an organization, in a category, with a life cycle
(draft → published → closed, plus archive and moderation) and a version number that stops
concurrent edits from overwriting each other silently. Field names follow the public records
schema, so a record maps onto a row one to one.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from listings.categories import CATEGORIES, DEFAULT_NEED_VISIBILITY, NEED_VISIBILITIES, STATUSES
from marketplace.extensions import db
from marketplace.timeutil import utcnow

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.organizations.models import Organization

# JSON everywhere; JSONB on PostgreSQL so that array filters can use its operators.
JSONList = JSON().with_variant(JSONB(), "postgresql")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class PostingMixin:
    """Columns and behaviour shared by listings and needs."""

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(20), index=True)
    subcategory: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSONList, default=list)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONList, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Indexed: the matcher applies what changed since its watermark.
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr
    def organization_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def organization(cls) -> Mapped[Organization]:
        return relationship("Organization")

    @declared_attr
    def hidden_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @declared_attr
    def hidden_by(cls) -> Mapped[User | None]:
        return relationship("User", foreign_keys=lambda: [cls.hidden_by_id])

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # UPDATE ... WHERE version = :old: a concurrent save raises StaleDataError.
        return {"version_id_col": cls.version}

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def kind(self) -> str:
        return "listing" if isinstance(self, Listing) else "need"


def _common_checks() -> tuple[CheckConstraint, ...]:
    return (
        CheckConstraint(f"category IN {_in(CATEGORIES)}", name="category"),
        CheckConstraint(f"status IN {_in(STATUSES)}", name="status"),
    )


class Listing(PostingMixin, db.Model):  # type: ignore[name-defined,misc]
    """An offer: a loan product, a course, a fair, a patent licence, a subsidy programme..."""

    __tablename__ = "listings"
    __table_args__ = (
        *_common_checks(),
        CheckConstraint("amount_min_cny >= 0 AND amount_max_cny >= 0", name="amounts_nonneg"),
        CheckConstraint("amount_min_cny IS NULL OR amount_max_cny IS NULL OR amount_min_cny <= amount_max_cny", name="amount_range"),
        CheckConstraint("price_cny >= 0", name="price_nonneg"),
        CheckConstraint("starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on", name="date_range"),
        Index("ix_listings_org_status", "organization_id", "status"),
    )

    regions: Mapped[list[str]] = mapped_column(JSONList, default=list)
    industries: Mapped[list[str]] = mapped_column(JSONList, default=list)
    size_classes: Mapped[list[str]] = mapped_column(JSONList, default=list)
    amount_min_cny: Mapped[int | None] = mapped_column(BigInteger)
    amount_max_cny: Mapped[int | None] = mapped_column(BigInteger)
    term_months_max: Mapped[int | None] = mapped_column(Integer)
    annual_rate_pct: Mapped[float | None] = mapped_column(Float)
    collateral_required: Mapped[bool | None] = mapped_column(Boolean)
    price_cny: Mapped[int | None] = mapped_column(BigInteger)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date, index=True)

    @hybrid_property
    def available_until(self) -> date | None:
        """The last day the offer can be taken up: the deadline, else the end date (in SQL too:
        ``Listing.available_until`` is ``coalesce(deadline, ends_on)``)."""
        return self.deadline or self.ends_on

    @available_until.inplace.expression
    @classmethod
    def _available_until_sql(cls) -> Any:
        return func.coalesce(cls.deadline, cls.ends_on)

    def is_expired(self, today: date) -> bool:
        until = self.available_until
        return until is not None and until < today


class Need(PostingMixin, db.Model):  # type: ignore[name-defined,misc]
    """A demand posted by an SME: financing sought, a technology problem, a course wanted..."""

    __tablename__ = "needs"
    __table_args__ = (
        *_common_checks(),
        CheckConstraint("amount_cny >= 0 AND budget_cny >= 0", name="amounts_nonneg"),
        CheckConstraint(f"visibility IN {_in(NEED_VISIBILITIES)}", name="visibility"),
        Index("ix_needs_org_status", "organization_id", "status"),
    )

    amount_cny: Mapped[int | None] = mapped_column(BigInteger)
    budget_cny: Mapped[int | None] = mapped_column(BigInteger)
    region: Mapped[str | None] = mapped_column(String(6), index=True)
    needed_by: Mapped[date | None] = mapped_column(Date)
    # Who sees it besides its organization and the admins (listings.visibility has the rule).
    visibility: Mapped[str] = mapped_column(String(10), default=DEFAULT_NEED_VISIBILITY, server_default=DEFAULT_NEED_VISIBILITY)

    def is_expired(self, today: date) -> bool:
        return self.needed_by is not None and self.needed_by < today


def new_external_id(kind: str) -> str:
    """A stable id for records created in the app (imports bring their own)."""
    return f"{kind}-{uuid.uuid4().hex[:20]}"
