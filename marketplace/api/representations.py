"""What the API shows of organizations, listings and needs, depending on who asks.

Postings carry every field of the records schema (null when unset) plus their state. An
organization's credit code, contacts, financial figures and members are shown to its members only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

from flask import url_for

from listings.models import Listing, Need
from listings.queries import Page
from listings.services import FIELDS, is_editor
from marketplace.organizations.models import Organization
from marketplace.timeutil import aware, today

Posting = Listing | Need
COLLECTIONS = {"listing": "listings", "need": "needs"}
PUBLIC_ORGANIZATION_FIELDS = (
    "name", "kind", "region", "industry", "size_class", "founded_year", "description", "tags", "website",
)
MEMBER_ORGANIZATION_FIELDS = (
    "credit_code", "size_group", "employees", "annual_revenue_cny", "total_assets_cny", "tax_credit_level",
    "contact_email", "contact_phone", "verification_reason",
)


def instant(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` (SQLite returns naive UTC datetimes)."""
    if moment is None:
        return None
    return aware(moment).astimezone(UTC).isoformat().replace("+00:00", "Z")


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def posting_url(kind: str, posting_id: int) -> str:
    """The posting's page on the site (``/listings/<id>`` or ``/needs/<id>``)."""
    return url_for("listings.detail", plural=COLLECTIONS[kind], posting_id=posting_id, _external=True)


def prefetch_standings(organization_ids: Iterable[int]) -> None:
    """Compute the standings of these providers at once (two queries) for the representations
    of one answer that follow."""
    from flask import g

    from marketplace.engagements.reviews import standings
    from marketplace.extensions import db

    cache = g.setdefault("provider_standings", {})
    missing = sorted({i for i in organization_ids if i not in cache})
    for organization_id, found in standings(db.session, missing).items() if missing else ():
        cache[organization_id] = {"rating": found.rating, "review_count": found.review_count,
                                  "response_rate": found.response_rate}


def standing(organization_id: int) -> dict[str, Any]:
    """A provider's rating, number of reviews and response rate (once per organization and request)."""
    from flask import g

    prefetch_standings([organization_id])
    return dict(g.provider_standings[organization_id])


def posting(item: Posting, user: Any) -> dict[str, Any]:
    kind = item.kind
    body: dict[str, Any] = {
        "id": item.id,
        "type": kind,
        "external_id": item.external_id,
        "organization": item.organization.external_id,
        "organization_id": item.organization_id,
    }
    body.update({field: _value(getattr(item, field)) for field in FIELDS[kind]})
    body.update(
        version=item.version,
        expired=item.is_expired(today()),
        archived=item.is_archived,
        hidden=item.is_hidden,
        published_at=instant(item.published_at),
        closed_at=instant(item.closed_at),
        created_at=instant(item.created_at),
        updated_at=instant(item.updated_at),
        url=posting_url(kind, item.id),
    )
    if kind == "listing":  # the provider's standing, as its page shows it
        body.update(standing(item.organization_id))
    if is_editor(item, user) or getattr(user, "is_admin", False):
        body["hidden_reason"] = item.hidden_reason
    return body


def organization(org: Organization, user: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": org.id, "type": "organization", "external_id": org.external_id}
    body.update({field: getattr(org, field) for field in PUBLIC_ORGANIZATION_FIELDS})
    body.update(
        verification_status=org.verification_status,
        verified=org.is_verified,
        created_at=instant(org.created_at),
        updated_at=instant(org.updated_at),
        url=url_for("organizations.profile", org_id=org.id, _external=True),
        **standing(org.id),
    )
    if user is not None and org.member(user) is not None:
        body.update({field: getattr(org, field) for field in MEMBER_ORGANIZATION_FIELDS})
        body["members"] = [
            {"user_id": m.user_id, "display_name": m.user.display_name, "email": m.user.email, "role": m.role}
            for m in sorted(org.memberships, key=lambda m: m.id)
        ]
    return body


def page(result: Page, render: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    return {
        "items": [render(item) for item in result.items],
        "page": result.page,
        "per_page": result.per_page,
        "total": result.total,
        "pages": result.pages,
    }
