"""/api/v1/listings and /api/v1/needs: browse, create, read, update and the life cycle.

Both collections share these views; each route passes its posting ``kind`` as a URL default.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import selectinload

from listings import services
from listings.categories import STATUSES
from listings.queries import LISTING_SORTS, NEED_SORTS, Filters, listing_query, need_query, paginate
from listings.visibility import Viewer
from marketplace.api import representations
from marketplace.api.auth import caller, require_caller
from marketplace.api.blueprint import bp
from marketplace.api.http import (
    bad_parameters,
    check_parameters,
    commit,
    expected_version,
    flag,
    json_object,
)
from marketplace.api.organizations import caller_organizations
from marketplace.errors import NotFound, PermissionDenied, ValidationFailed
from marketplace.extensions import db
from marketplace.organizations.current import current_organization
from marketplace.organizations.models import Organization
from marketplace.timeutil import today

COLLECTIONS = representations.COLLECTIONS
PAGE_PARAMETERS = ("page", "per_page")
COMMON_FILTERS = ("q", "category", "subcategory", "region", "industry", "size_class", "amount", "max_price", "verified", "sort")
PARAMETERS = {
    "listing": (*COMMON_FILTERS, "starts_after", "starts_before", *PAGE_PARAMETERS, "mine"),
    "need": (*COMMON_FILTERS, *PAGE_PARAMETERS, "mine"),
}
# With mine=1 every status is listed; these filters apply.
MINE_PARAMETERS = ("mine", "q", "category", "subcategory", "status", *PAGE_PARAMETERS)
SORTS = {"listing": LISTING_SORTS, "need": NEED_SORTS}
ACTIONS = {"publish": services.publish, "close": services.close, "reopen": services.reopen}
RECORD_FIELDS = ("type", "external_id", "organization")


def _fields_error(fields: dict[str, list[str]]) -> ValidationFailed:
    return ValidationFailed(_("Please correct the marked fields."), fields=fields)


def _posting(kind: str, posting_id: int, user: Any) -> services.Posting:
    """The posting if the caller may see it. Raises NotFound otherwise (drafts stay secret)."""
    posting = db.session.get(services.MODELS[kind], posting_id)
    if posting is None or not services.can_view(posting, user):
        raise NotFound(_("There is no such posting."))
    return posting


def _respond(posting: services.Posting, user: Any, status: int = 200) -> Response:
    response = jsonify(representations.posting(posting, user))
    response.status_code = status
    response.set_etag(str(posting.version))
    return response


# --- browse -----------------------------------------------------------------------------------


def _filters(kind: str, allowed: tuple[str, ...]) -> Filters:
    check_parameters(allowed)
    filters = Filters.parse(request.args, SORTS[kind])
    if filters.ignored:
        raise bad_parameters(filters.ignored)
    return filters


def _text_match(model: Any, q: str) -> Any:
    terms = [t for t in q.split() if t][:5]
    escaped = [t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for t in terms]
    return and_(
        *(or_(model.title.ilike(f"%{t}%", escape="\\"), model.description.ilike(f"%{t}%", escape="\\")) for t in escaped)
    )


def mine_query(kind: str, organization_ids: list[int], filters: Filters, status: str) -> Select[Any]:
    """Every posting of the given organizations (drafts, closed, archived and hidden ones too)."""
    model = services.MODELS[kind]
    query = select(model).where(model.organization_id.in_(organization_ids))
    if filters.q:
        query = query.where(_text_match(model, filters.q))
    if filters.category:
        query = query.where(model.category == filters.category)
    if filters.subcategory:
        query = query.where(model.subcategory == filters.subcategory)
    if status:
        query = query.where(model.status == status)
    return query.order_by(model.updated_at.desc(), model.id.desc())


def index(kind: str) -> ResponseReturnValue:
    user = caller()
    if flag("mine"):
        user = require_caller()
        unsupported = set(request.args) - set(MINE_PARAMETERS)
        if unsupported:
            raise bad_parameters(unsupported, _("Not available with mine=1: %(names)s.", names=", ".join(sorted(unsupported))))
        filters = _filters(kind, MINE_PARAMETERS)
        status = request.args.get("status", "")
        if status and status not in STATUSES:
            raise bad_parameters(["status"])
        ids = [org.id for org in caller_organizations(user)]
        query = mine_query(kind, ids, filters, status)
    else:
        filters = _filters(kind, PARAMETERS[kind])
        if kind == "listing":
            query = listing_query(db.session, filters, today())
        else:
            query = need_query(db.session, filters, today(), Viewer.of(user))
    model = services.MODELS[kind]
    query = query.options(selectinload(model.organization).selectinload(Organization.memberships))
    result = paginate(db.session, query, filters.page, filters.per_page)
    if kind == "listing":
        representations.prefetch_standings(item.organization_id for item in result.items)
    return jsonify(representations.page(result, lambda item: representations.posting(item, user)))


# --- create, read, update ---------------------------------------------------------------------


def owner_for_new(user: Any, reference: Any) -> Organization:
    """The organization a new posting belongs to: the one named by external id, else the
    caller's (a session's current organization; a token user's only organization).

    Raises ValidationFailed (field ``organization``) for an unknown reference or when a token
    user with several organizations names none, PermissionDenied for a user without one.
    """
    if reference is not None:
        org = None
        if isinstance(reference, str):
            org = db.session.scalar(select(Organization).where(Organization.external_id == reference))
        if org is None:
            raise _fields_error({"organization": [_("unknown organization %(id)s", id=reference)]})
        return org
    if g.api_auth == "session":
        org = current_organization()
        if org is None:
            raise PermissionDenied(_("You are not a member of any organization."))
        return org
    organizations = caller_organizations(user)
    if not organizations:
        raise PermissionDenied(_("You are not a member of any organization."))
    if len(organizations) > 1:
        raise _fields_error({"organization": [_("You belong to several organizations: name one by its external_id.")]})
    return organizations[0]


def create(kind: str) -> ResponseReturnValue:
    user = require_caller()
    body = json_object()
    record_type = body.pop("type", kind)
    if record_type != kind:
        raise _fields_error({"type": [_("must be '%(kind)s' here", kind=kind)]})
    external_id = body.pop("external_id", None)
    if external_id is not None and not isinstance(external_id, str):
        raise _fields_error({"external_id": [_("must be a string")]})
    organization = owner_for_new(user, body.pop("organization", None))
    # The records schema's default status is "published" (the forms start with a draft).
    posting = services.create(
        db.session, kind, organization, user, {"status": "published", **body}, external_id=external_id
    )
    commit()
    response = _respond(posting, user, 201)
    response.headers["Location"] = url_for(f"api.{COLLECTIONS[kind]}_show", posting_id=posting.id, _external=True)
    return response


def show(kind: str, posting_id: int) -> ResponseReturnValue:
    user = caller()
    return _respond(_posting(kind, posting_id, user), user)


def update(kind: str, posting_id: int) -> ResponseReturnValue:
    user = require_caller()
    body = json_object()
    version = expected_version(body)
    posting = _posting(kind, posting_id, user)
    services.require_editor(posting, user)
    current = {"type": kind, "external_id": posting.external_id, "organization": posting.organization.external_id}
    changed = [f for f in RECORD_FIELDS if f in body and body.pop(f) != current[f]]
    if changed:
        raise _fields_error({f: [_("cannot be changed")] for f in changed})
    services.update(db.session, posting, user, body, expected_version=version)
    commit()
    return _respond(posting, user)


def act(kind: str, posting_id: int, action: str) -> ResponseReturnValue:
    user = require_caller()
    body = json_object()
    version = expected_version(body)
    if body:
        raise _fields_error({f: [_("unknown field")] for f in body})
    posting = _posting(kind, posting_id, user)
    ACTIONS[action](db.session, posting, user, expected_version=version)
    commit()
    return _respond(posting, user)


for _kind, _collection in COLLECTIONS.items():
    _defaults = {"kind": _kind}
    bp.add_url_rule(f"/{_collection}", f"{_collection}_index", index, methods=["GET"], defaults=_defaults)
    bp.add_url_rule(f"/{_collection}", f"{_collection}_create", create, methods=["POST"], defaults=_defaults)
    _item = f"/{_collection}/<int:posting_id>"
    bp.add_url_rule(_item, f"{_collection}_show", show, methods=["GET"], defaults=_defaults)
    bp.add_url_rule(_item, f"{_collection}_update", update, methods=["PATCH"], defaults=_defaults)
    for _action in ACTIONS:
        bp.add_url_rule(
            f"{_item}/{_action}", f"{_collection}_{_action}", act, methods=["POST"],
            defaults={**_defaults, "action": _action},
        )
