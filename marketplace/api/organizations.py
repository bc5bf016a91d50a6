"""/api/v1/organizations: the directory, one organization, and its members' profile edits."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from listings.queries import MAX_PAGE, MAX_PER_PAGE, paginate
from marketplace.api import representations
from marketplace.api.auth import caller, require_caller
from marketplace.api.blueprint import bp
from marketplace.api.http import bad_parameters, check_parameters, commit, flag, json_object
from marketplace.bounds import OutOfBounds, parse_int
from marketplace.errors import NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.organizations import services
from marketplace.organizations.kinds import KINDS
from marketplace.organizations.models import Membership, Organization
from marketplace.reference import is_region

DIRECTORY_PARAMETERS = ("kind", "region", "verified", "page", "per_page")
# Editable profile fields, their JSON types and longest lengths (as the columns allow).
TEXT_FIELDS = {
    "name": 200, "credit_code": 18, "region": 6, "industry": 3, "size_group": 40,
    "description": 5000, "website": 300, "contact_email": 254, "contact_phone": 40, "tax_credit_level": 1,
}
NUMBER_FIELDS = ("employees", "annual_revenue_cny", "total_assets_cny", "founded_year")
MAX_TAGS, MAX_TAG_LENGTH = 30, 50


def page_parameters() -> tuple[int, int]:
    """``page`` (≥ 1, default 1) and ``per_page`` (1..100, default 20). Raises ApiError 400."""
    values, bad = {}, []
    for name, default, high in (("page", 1, MAX_PAGE), ("per_page", 20, MAX_PER_PAGE)):
        raw = (request.args.get(name) or "").strip()
        try:
            values[name] = parse_int(raw, low=1, high=high) if raw else default
        except OutOfBounds:
            bad.append(name)
    if bad:
        raise bad_parameters(bad)
    return values["page"], values["per_page"]


def _organization(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound(_("There is no such organization."))
    return org


@bp.get("/organizations")
def organizations_index() -> ResponseReturnValue:
    check_parameters(DIRECTORY_PARAMETERS)
    kind, region = request.args.get("kind", ""), request.args.get("region", "")
    bad = [name for name, ok in (("kind", not kind or kind in KINDS), ("region", not region or is_region(region))) if not ok]
    if bad:
        raise bad_parameters(bad)
    verified = flag("verified")
    page, per_page = page_parameters()
    query = select(Organization).options(selectinload(Organization.memberships))
    if kind:
        query = query.where(Organization.kind == kind)
    if region:
        query = query.where(Organization.region == region)
    if verified:
        query = query.where(Organization.verification_status == "verified")
    result = paginate(db.session, query.order_by(Organization.name, Organization.id), page, per_page)
    user = caller()
    representations.prefetch_standings(org.id for org in result.items)
    return jsonify(representations.page(result, lambda org: representations.organization(org, user)))


@bp.get("/organizations/<int:org_id>")
def organizations_show(org_id: int) -> ResponseReturnValue:
    return jsonify(representations.organization(_organization(org_id), caller()))


@bp.patch("/organizations/<int:org_id>")
def organizations_update(org_id: int) -> ResponseReturnValue:
    user = require_caller()
    org = _organization(org_id)
    services.require_member(org, user)
    changes = profile_changes(json_object())
    current = {field: getattr(org, field) for field in services.PROFILE_FIELDS}
    services.update_profile(db.session, org, {**current, **changes}, actor=user)
    commit()
    return jsonify(representations.organization(org, user))


def profile_changes(body: dict[str, Any]) -> dict[str, Any]:
    """The profile fields of a PATCH body, type-checked (the service checks the rules).

    Empty texts become null. Raises ValidationFailed naming every bad or unknown field.
    """
    errors: dict[str, list[str]] = {}
    changes: dict[str, Any] = {}
    for field, value in body.items():
        if field not in services.PROFILE_FIELDS:
            errors[field] = [_("unknown field")]
        elif field in TEXT_FIELDS:
            if value is not None and not isinstance(value, str):
                errors[field] = [_("must be a string")]
            elif value is not None and len(value.strip()) > TEXT_FIELDS[field]:
                errors[field] = [_("at most %(n)d characters", n=TEXT_FIELDS[field])]
            else:
                text = (value or "").strip()
                changes[field] = text if field == "description" else (text or None)
        elif field in NUMBER_FIELDS:
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                errors[field] = [_("must be a whole number")]
            else:
                changes[field] = value
        else:  # tags
            tags = value if value is not None else []
            if not isinstance(tags, list) or not all(isinstance(t, str) and len(t) <= MAX_TAG_LENGTH for t in tags):
                errors[field] = [_("must be a list of texts of at most %(n)d characters", n=MAX_TAG_LENGTH)]
            elif len(tags) > MAX_TAGS:
                errors[field] = [_("at most %(n)d tags", n=MAX_TAGS)]
            else:
                changes[field] = [t.strip() for t in tags if t.strip()]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return changes


def caller_organizations(user: Any) -> list[Organization]:
    """The caller's organizations, oldest membership first."""
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
    )
    return [m.organization for m in memberships]
