"""What the matcher knows of a posting or an enterprise: the texts it embeds and the profiles its
rules read, built from database rows. The store, search indexing and events use the same
builders, so a listing is the same thing to the matcher, the search index and the "who to meet"
lists.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from listings.lifecycle import is_listed
from listings.models import Listing, Need
from listings.visibility import LEAD_VISIBILITIES
from marketplace.organizations.models import Organization
from marketplace.reference import PROVINCE, REGIONS, SECTION_DIVISIONS
from matching import ListingFacts, ListingProfile, NeedProfile, Seeker, Vocabulary


def vocabulary() -> Vocabulary:
    return Vocabulary(
        province=PROVINCE,
        cities=[code for code in REGIONS if code != PROVINCE],
        sections=SECTION_DIVISIONS,
    )


def listing_text(listing: Any) -> str:  # a Listing or a search.indexing.ListingRow
    return f"{listing.title}。{listing.description} {' '.join(listing.tags or [])}".strip()


def need_text(need: Need) -> str:
    organization = need.organization
    return f"{need.title}。{need.description} {' '.join(need.tags or [])} {organization.description or ''}".strip()


def seeker_of(organization: Organization, *, region: str | None, amount: int | None, as_of: date) -> Seeker:
    return Seeker(
        region=region or organization.region,
        industry=organization.industry,
        size_class=organization.size_class,
        amount=amount,
        as_of=as_of,
    )


def listing_profile(listing: Listing) -> ListingProfile:
    facts = ListingFacts(
        id=listing.id,
        offered=is_listed(listing),
        regions=tuple(listing.regions or ()),
        industries=tuple(listing.industries or ()),
        size_classes=tuple(listing.size_classes or ()),
        amount_min=listing.amount_min_cny,
        amount_max=listing.amount_max_cny,
        until=listing.available_until,
    )
    published = listing.published_at
    return ListingProfile(
        facts=facts,
        category=listing.category,
        subcategory=listing.subcategory,
        text=listing_text(listing),
        price=listing.price_cny,
        verified=listing.organization.verification_status == "verified",
        published_on=published.date() if isinstance(published, datetime) else None,
        provider=listing.organization_id,
    )


def need_profile(need: Need, as_of: date) -> NeedProfile:
    return NeedProfile(
        id=need.id,
        seeker=seeker_of(need.organization, region=need.region, amount=need.amount_cny, as_of=as_of),
        category=need.category,
        subcategory=need.subcategory,
        text=need_text(need),
        budget=need.budget_cny,
        offered=is_listed(need),
        needed_by=need.needed_by,
        lead=need.visibility in LEAD_VISIBILITIES,
    )
