"""Organizations, memberships, invitations and verification decisions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.extensions import db
from marketplace.organizations.kinds import KINDS, MEMBER_ROLES, VERIFICATION_STATUSES
from marketplace.timeutil import utcnow

if TYPE_CHECKING:
    from marketplace.accounts.models import User


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def new_external_id() -> str:
    return "org-" + uuid.uuid4().hex[:20]


class Organization(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint(f"kind IN {_in(KINDS)}", name="kind"),
        CheckConstraint(f"verification_status IN {_in(VERIFICATION_STATUSES)}", name="verification"),
        CheckConstraint("size_class IN ('micro', 'small', 'medium', 'large')", name="size_class"),
        CheckConstraint("employees >= 0", name="employees_nonneg"),
        CheckConstraint("annual_revenue_cny >= 0", name="revenue_nonneg"),
        CheckConstraint("total_assets_cny >= 0", name="assets_nonneg"),
        CheckConstraint("tax_credit_level IN ('A', 'B', 'M', 'C', 'D')", name="tax_credit_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True, default=new_external_id)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    region: Mapped[str | None] = mapped_column(String(6), index=True)
    industry: Mapped[str | None] = mapped_column(String(3), index=True)
    # Chosen where an industry code spans several size-standard groups (e.g. K70).
    size_group: Mapped[str | None] = mapped_column(String(40))
    employees: Mapped[int | None] = mapped_column(Integer)
    annual_revenue_cny: Mapped[int | None] = mapped_column(BigInteger)
    total_assets_cny: Mapped[int | None] = mapped_column(BigInteger)
    # 纳税信用等级 (the tax authority's A/B/M/C/D): members only, or shared by consent.
    tax_credit_level: Mapped[str | None] = mapped_column(String(1))
    size_class: Mapped[str | None] = mapped_column(String(8), index=True)
    founded_year: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    website: Mapped[str | None] = mapped_column(String(300))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    verification_status: Mapped[str] = mapped_column(String(12), default="unverified", index=True)
    verification_reason: Mapped[str | None] = mapped_column(String(500))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, index=True
    )

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )
    decisions: Mapped[list[VerificationDecision]] = relationship(
        back_populates="organization",
        cascade="all, delete-orphan",
        order_by="VerificationDecision.id.desc()",
    )

    @property
    def is_sme(self) -> bool:
        return self.kind == "sme"

    @property
    def is_verified(self) -> bool:
        return self.verification_status == "verified"

    def member(self, user: Any) -> Membership | None:
        """The membership of ``user`` in this organization, if any."""
        user_id = getattr(user, "id", None)
        return next((m for m in self.memberships if m.user_id == user_id), None)

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.kind}>"


class Membership(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("organization_id", "user_id"),
        CheckConstraint(f"role IN {_in(MEMBER_ROLES)}", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="member")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"


class Invitation(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "invitations"
    __table_args__ = (CheckConstraint(f"role IN {_in(MEMBER_ROLES)}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(10), default="member")
    # Only a SHA-256 of the token is stored; the token itself travels in the e-mail.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organization: Mapped[Organization] = relationship(back_populates="invitations")
    invited_by: Mapped[User | None] = relationship()


class VerificationDecision(db.Model):  # type: ignore[name-defined,misc]
    """One change of an organization's verification status, kept as an audit trail."""

    __tablename__ = "verification_decisions"
    __table_args__ = (CheckConstraint(f"status IN {_in(VERIFICATION_STATUSES)}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(String(500))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="decisions")
    decided_by: Mapped[User | None] = relationship()
