"""What the home page shows: the platform's numbers and a few of its offers and events.

Each function is one or two cheap queries that reuse the rules of their feature: "on offer" is
:func:`listings.lifecycle.on_offer_clause` (through the browse queries), "open for registration"
is :data:`marketplace.events.participation.OPEN_PHASES` plus the registration window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from listings.lifecycle import on_offer_clause
from listings.models import Listing, Need
from listings.queries import Filters, listing_query
from listings.visibility import Viewer, visible_clause
from marketplace.events.models import Event, EventSlot, Meeting
from marketplace.events.participation import OPEN_PHASES
from marketplace.organizations.models import Organization


@dataclass(frozen=True)
class PlatformNumbers:
    """The counts the home page shows (each one COUNT query)."""

    listings: int  # listings on offer now
    needs: int  # needs on offer now that the viewer may see (the needs page lists as many)
    verified_organizations: int
    events: int  # events open to the public (not drafts)
    meetings_held: int


def platform_numbers(session: Session, as_of: date, viewer: Viewer) -> PlatformNumbers:
    """The platform's numbers on ``as_of`` (a Chinese calendar day), as ``viewer`` may see them."""

    def count(*where: ColumnElement[bool]) -> int:
        return int(session.scalar(select(func.count()).where(*where)) or 0)

    return PlatformNumbers(
        listings=count(on_offer_clause(Listing, as_of)),
        needs=count(on_offer_clause(Need, as_of), visible_clause(viewer)),
        verified_organizations=count(Organization.verification_status == "verified"),
        events=count(Event.phase != "draft"),
        meetings_held=count(Meeting.status == "held"),
    )


def offers_by_category(session: Session, as_of: date) -> dict[str, int]:
    """How many listings are on offer in each category (categories with none are left out)."""
    rows = session.execute(
        select(Listing.category, func.count()).where(on_offer_clause(Listing, as_of)).group_by(Listing.category)
    ).all()
    return {category: int(n) for category, n in rows}


def _listings(session: Session, filters: Filters, as_of: date, limit: int, exclude: Sequence[int] = ()) -> list[Listing]:
    query = listing_query(session, filters, as_of).options(selectinload(Listing.organization))
    if exclude:
        query = query.where(Listing.id.not_in(list(exclude)))
    return list(session.scalars(query.limit(limit)))


def featured_listings(session: Session, as_of: date, limit: int = 6) -> list[Listing]:
    """The newest listings on offer from verified organizations."""
    return _listings(session, Filters(verified=True), as_of, limit)


def newest_listings(session: Session, as_of: date, limit: int = 6, exclude: Sequence[int] = ()) -> list[Listing]:
    """The newest listings on offer, leaving out ``exclude`` (ids already shown)."""
    return _listings(session, Filters(), as_of, limit, exclude)


def policy_highlights(session: Session, as_of: date, limit: int = 4) -> list[Listing]:
    """Policy-support listings on offer, those closing soonest first."""
    return _listings(session, Filters(category="policy", sort="deadline"), as_of, limit)


def registration_open_clause(now: datetime) -> ColumnElement[bool]:
    """Events that take registrations at ``now``: in a registration phase and inside the window.

    The SQL form of the phase and window checks of
    :func:`marketplace.events.participation.registration_problem` (a test holds them together).
    """
    return and_(
        Event.phase.in_(OPEN_PHASES),
        or_(Event.registration_opens_at.is_(None), Event.registration_opens_at <= now),
        or_(Event.registration_closes_at.is_(None), Event.registration_closes_at >= now),
    )


def open_events(session: Session, now: datetime, limit: int = 3) -> list[Event]:
    """Events open for registration at ``now``, the soonest first (by their first slot)."""
    first_slot = (
        select(func.min(EventSlot.starts_at)).where(EventSlot.event_id == Event.id).correlate(Event).scalar_subquery()
    )
    query = (
        select(Event)
        .where(registration_open_clause(now))
        .order_by(first_slot.is_(None), first_slot, Event.id)
        .options(selectinload(Event.organization), selectinload(Event.slots))
        .limit(limit)
    )
    return list(session.scalars(query))
