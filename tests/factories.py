"""Test data from one place (CTFd's ``gen_*`` helpers are the model): plain functions that
create rows with sensible defaults and commit them. Fixtures in ``conftest.py`` wrap them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.organizations.models import Membership, Organization

#: A published listing or need that every category accepts; tests override what they test.
POSTING_DEFAULTS = {
    "listing": {"category": "service", "title": "测试服务", "description": "描述", "status": "published"},
    "need": {"category": "service", "title": "测试需求", "description": "描述", "status": "published"},
}


def org_of(user: Any) -> Organization:
    """The user's first organization (the one a sign-up created)."""
    membership = db.session.scalars(
        select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
    ).first()
    return membership.organization


def gen_posting(user: Any, kind: str = "listing", **fields: Any) -> Any:
    """A listing or need of the user's organization, through the service (every rule applies);
    ``fields`` over POSTING_DEFAULTS. Committed."""
    from listings import services

    posting = services.create(db.session, kind, org_of(user), user, {**POSTING_DEFAULTS[kind], **fields})
    db.session.commit()
    return posting


def gen_engagement(seeker: Organization, listing: Any, *, stage: str = "new", started_by: str = "seeker",
                   created_at: Any = None, answered_at: Any = None) -> Any:
    """An engagement of ``seeker`` about ``listing`` as it stands after its history (stage, when
    it began, when the other side first answered), without messages: for tests that count
    outcomes. Committed."""
    from marketplace.engagements.models import Engagement
    from marketplace.timeutil import utcnow

    created_at = created_at or utcnow()
    engagement = Engagement(
        listing_id=listing.id, seeker_org_id=seeker.id, provider_org_id=listing.organization_id,
        started_by=started_by, stage=stage, created_at=created_at, updated_at=created_at,
        first_response_at=answered_at, closed_at=created_at if stage in ("won", "lost", "withdrawn") else None,
    )
    db.session.add(engagement)
    db.session.commit()
    return engagement


def gen_organization(kind: str = "sme", **fields: Any) -> Organization:
    """An organization without members (a counterpart in counting tests). Committed."""
    gen_organization.count = getattr(gen_organization, "count", 0) + 1  # type: ignore[attr-defined]
    organization = Organization(name=f"测试企业{gen_organization.count}", kind=kind, **fields)  # type: ignore[attr-defined]
    db.session.add(organization)
    db.session.commit()
    return organization
