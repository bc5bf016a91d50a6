"""The organization a signed-in user is acting for (a user may belong to several)."""

from __future__ import annotations

from flask import g, session
from flask_login import current_user

from marketplace.organizations.kinds import role_of_kind
from marketplace.organizations.models import Organization


def current_organization() -> Organization | None:
    """The organization chosen in this session, else the user's first one; None if none."""
    if not current_user.is_authenticated:
        return None
    if "current_org" not in g:
        memberships = sorted(current_user.memberships, key=lambda m: m.id)
        chosen = session.get("org_id")
        membership = next((m for m in memberships if m.organization_id == chosen), None)
        if membership is None and memberships:
            membership = memberships[0]
        g.current_org = membership.organization if membership else None
    return g.current_org  # type: ignore[no-any-return]


def current_role() -> str | None:
    """``admin``, ``sme``, ``provider``, ``organizer`` or None (anonymous or no organization)."""
    if not current_user.is_authenticated:
        return None
    organization = current_organization()
    if organization is not None:
        return role_of_kind(organization.kind)
    return "admin" if current_user.is_admin else None
