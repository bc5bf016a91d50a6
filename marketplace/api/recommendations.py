"""/api/v1/needs/<id>/matches and /api/v1/listings/<id>/leads: the matcher's recommendations.

Matches are as visible as their need (drafts and hidden needs: members only). Leads are
business-sensitive: only members of the listing's organization (and platform admins) see them.
Matches shown to a member of the need's organization are recorded as impressions; each item's
``impression`` is its id (null otherwise), for the ``rec`` parameter of links to the listing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from listings.services import is_editor
from marketplace.api import representations
from marketplace.api.auth import caller, require_caller
from marketplace.api.blueprint import bp
from marketplace.api.http import FALSE, TRUE, bad_parameters, check_parameters
from marketplace.api.postings import _posting as visible_posting
from marketplace.bounds import OutOfBounds, parse_date, parse_int
from marketplace.errors import PermissionDenied
from marketplace.extensions import db
from marketplace.recommendations import feedback
from marketplace.recommendations.service import (
    Excluded,
    Recommendation,
    leads_for_listing,
    matches_for_need,
)

DEFAULT_LIMIT, MAX_LIMIT = 10, 50
MATCH_PARAMETERS = ("limit", "explain", "as_of")
LEAD_PARAMETERS = ("limit", "as_of")


def recommendation_parameters(allowed: tuple[str, ...]) -> tuple[int, bool, date | None]:
    """``limit`` (1..50, default 10), ``explain`` (0/1, default 0) and ``as_of`` (YYYY-MM-DD,
    default None: today). Raises ApiError 400 naming every unknown or invalid parameter.
    """
    check_parameters(allowed)
    bad = []
    raw = (request.args.get("limit") or "").strip()
    try:
        limit = parse_int(raw, low=1, high=MAX_LIMIT) if raw else DEFAULT_LIMIT
    except OutOfBounds:
        bad.append("limit")
    raw = (request.args.get("explain") or "").strip().lower()
    if raw not in TRUE + FALSE:
        bad.append("explain")
    raw_day = (request.args.get("as_of") or "").strip()
    as_of = None
    if raw_day:
        try:
            as_of = parse_date(raw_day)
        except OutOfBounds:
            bad.append("as_of")
    if bad:
        raise bad_parameters(bad)
    return limit, raw in TRUE, as_of


def _reference(posting: Any) -> dict[str, Any]:
    return {"id": posting.id, "external_id": posting.external_id}


def _recommendation(key: str, item: Recommendation, user: Any) -> dict[str, Any]:
    return {key: representations.posting(item.item, user), "score": item.score, "reasons": item.reasons}


def _excluded(exclusion: Excluded) -> dict[str, Any]:
    listing = exclusion.listing
    return {
        "listing": {
            **_reference(listing),
            "title": listing.title,
            "url": representations.posting_url("listing", listing.id),
        },
        "rules": list(exclusion.rules),
        "reasons": [
            {"rule": rule, "zh": exclusion.sentence(rule, "zh"), "en": exclusion.sentence(rule, "en")}
            for rule in exclusion.rules
        ],
    }


@bp.get("/needs/<int:posting_id>/matches")
def need_matches(posting_id: int) -> ResponseReturnValue:
    """The best eligible listings for a need; with explain=1 also the well-matching listings
    that hard rules exclude. Raises ApiError 400 (parameters) and NotFound (unseen need)."""
    limit, explain, as_of = recommendation_parameters(MATCH_PARAMETERS)
    user = caller()
    need = visible_posting("need", posting_id, user)
    result = matches_for_need(db.session, need, limit=limit, explain=explain, as_of=as_of)
    if user is not None and as_of is None:  # a question about another day is not a showing
        member = need.organization.member(user) is not None
        feedback.show(db.session, result, surface="api", viewer=need.organization if member else None, need=need)
    representations.prefetch_standings(item.item.organization_id for item in result.items)
    body: dict[str, Any] = {
        "need": _reference(need),
        "eligible": result.eligible,
        "items": [{**_recommendation("listing", item, user), "impression": item.impression} for item in result.items],
    }
    if explain:
        # Rule "status" means not on offer (closed, archived...): nothing to explain there.
        body["excluded"] = [_excluded(e) for e in result.excluded if "status" not in e.rules]
    return jsonify(body)


@bp.get("/listings/<int:posting_id>/leads")
def listing_leads(posting_id: int) -> ResponseReturnValue:
    """Published needs the listing can serve. Raises ApiError 401 (anonymous) and 400
    (parameters), NotFound (unseen listing), PermissionDenied (not a member nor an admin)."""
    user = require_caller()
    limit, _explain, as_of = recommendation_parameters(LEAD_PARAMETERS)
    listing = visible_posting("listing", posting_id, user)
    if not (is_editor(listing, user) or user.is_admin):
        raise PermissionDenied(_("Only members of the listing's organization see its leads."))
    items = leads_for_listing(db.session, listing, limit=limit, as_of=as_of)
    return jsonify({
        "listing": _reference(listing),
        "items": [_recommendation("need", item, user) for item in items],
    })
