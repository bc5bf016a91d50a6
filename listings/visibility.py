"""Who sees a need: the one rule of need visibility, as a predicate for one need and one viewer
(:func:`can_see`) and as a SQL condition for queries (:func:`visible_clause`), both built from
:func:`open_to`.

The SME that posts a need chooses who sees it:

- ``public``: everyone, anonymous visitors too;
- ``providers`` (the default): signed-in members of a provider organization, that is of any
  kind but an SME (:data:`marketplace.organizations.kinds.PROVIDER_KINDS`: the kinds offered
  "Publish a listing", government programmes, associations and event organizers included);
- ``private``: for matching only. Nobody else sees it, and it is never a lead of a listing.

Whatever the choice, the members of the owning organization and platform admins see the need,
and so do the organizations the SME has started an engagement with about it (the engagements
hook below). Visibility comes on top of the life cycle: drafts and hidden needs stay with their
organization and the admins whatever their visibility (:func:`listings.services.can_view`).

Engagements: an engagement between the need's SME and another organization about the need
shows the need to that organization even when it is private (a provider can start one only
about a need it sees, so for a private need the SME starts it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select, true

from listings.categories import NEED_VISIBILITIES as VISIBILITIES
from listings.models import Need
from marketplace.engagements.models import Engagement
from marketplace.extensions import db
from marketplace.organizations.kinds import PROVIDER_KINDS


@dataclass(frozen=True)
class Viewer:
    """Who is looking, as far as visibility cares: signed in or not, a platform admin, the
    organizations they belong to and whether one of them is a provider."""

    signed_in: bool = False
    admin: bool = False
    organization_ids: frozenset[int] = frozenset()
    provider: bool = False

    @classmethod
    def of(cls, user: Any) -> Viewer:
        """The viewer a user is (None or an anonymous user: :data:`ANONYMOUS`). Every membership
        counts: a member of a bank and of an SME sees what a bank's members see."""
        if user is None or not getattr(user, "is_authenticated", False):
            return ANONYMOUS
        organizations = [m.organization for m in user.memberships]
        return cls(
            signed_in=True,
            admin=bool(getattr(user, "is_admin", False)),
            organization_ids=frozenset(o.id for o in organizations),
            provider=any(o.kind in PROVIDER_KINDS for o in organizations),
        )

    @classmethod
    def of_organization(cls, organization: Any) -> Viewer:
        """What any member of ``organization`` sees through it (e.g. the leads of its listing)."""
        return cls(signed_in=True, organization_ids=frozenset({organization.id}),
                   provider=organization.kind in PROVIDER_KINDS)


ANONYMOUS = Viewer()


def open_to(visibility: str, viewer: Viewer) -> bool:
    """The visibility alone lets ``viewer`` see a need (the owner, admins and engagements
    aside): public for everyone, providers for signed-in members of provider organizations."""
    if visibility == "public":
        return True
    return visibility == "providers" and viewer.signed_in and viewer.provider


#: Visibilities that let a need be a lead (shown to a provider for its listing): those open to
#: some provider. A private need is never a lead.
LEAD_VISIBILITIES = tuple(v for v in VISIBILITIES if open_to(v, Viewer(signed_in=True, provider=True)))


def can_see(viewer: Viewer, need: Need) -> bool:
    """Whether ``viewer`` may see ``need`` (its visibility only; the life cycle is
    :func:`listings.services.can_view`'s)."""
    if viewer.admin or need.organization_id in viewer.organization_ids or open_to(need.visibility, viewer):
        return True
    if not viewer.organization_ids:
        return False
    return db.session.scalar(select(Engagement.id).where(
        Engagement.need_id == need.id, Engagement.seeker_org_id == need.organization_id,
        Engagement.provider_org_id.in_(sorted(viewer.organization_ids))).limit(1)) is not None


def visible_clause(viewer: Viewer) -> ColumnElement[bool]:
    """:func:`can_see` as a SQL condition on ``needs`` (for browse, API lists and counts)."""
    if viewer.admin:
        return true()
    conditions: list[ColumnElement[bool]] = [Need.visibility.in_([v for v in VISIBILITIES if open_to(v, viewer)])]
    if viewer.organization_ids:
        ids = sorted(viewer.organization_ids)
        conditions.append(Need.organization_id.in_(ids))
        conditions.append(Need.id.in_(select(Engagement.need_id).where(
            Engagement.seeker_org_id == Need.organization_id, Engagement.provider_org_id.in_(ids))))
    return or_(*conditions)


def is_lead_for(need: Need, organization: Any) -> bool:
    """Whether ``need`` may be shown as a lead to ``organization`` (for one of its listings):
    its visibility must be open to that organization's members; engagements do not count (a
    private need is never a lead)."""
    return open_to(need.visibility, Viewer.of_organization(organization))
