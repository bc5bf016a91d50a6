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
