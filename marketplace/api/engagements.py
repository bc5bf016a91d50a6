"""/api/v1 engagements: an SME's inquiry on a listing, a provider's proposal on a need, the
caller's engagements (both sides), one engagement, its stage changes and its messages. An
organization that is not a side of an engagement gets 404 for it, on every route."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from listings import services as postings
from listings.models import Listing, Need
from listings.queries import paginate
from marketplace.api import representations
from marketplace.api.auth import require_caller
from marketplace.api.blueprint import bp
from marketplace.api.documents import multipart
from marketplace.api.documents import representation as document_representation
from marketplace.api.http import (
    bad_parameters,
    check_parameters,
    commit,
    expected_version,
    json_object,
)
from marketplace.api.organizations import page_parameters
from marketplace.api.postings import owner_for_new
from marketplace.engagements import consent, services
from marketplace.engagements.models import STAGES, Engagement, EngagementMessage
from marketplace.errors import NotFound, PermissionDenied, ValidationFailed
from marketplace.extensions import db

START_FIELDS = {"inquiry": ("message", "need_id", "share", "organization"), "proposal": ("message", "listing_id", "organization")}
PATCH_FIELDS = ("stage", "deal_kind", "amount_cny", "reason")


def _unknown(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    extra = sorted(set(body) - set(allowed))
    if extra:
        raise ValidationFailed(_("Please correct the marked fields."), fields={f: [_("unknown field")] for f in extra})


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _org(engagement: Engagement, side: str) -> dict[str, Any]:
    org = engagement.org_of(side)
    return {"id": org.id, "external_id": org.external_id, "name": org.name, "kind": org.kind,
            # Revealed to the other side once an engagement exists.
            "contact_email": org.contact_email, "contact_phone": org.contact_phone, "website": org.website}


def _message(message: EngagementMessage) -> dict[str, Any]:
    return {"id": message.id, "side": message.side, "author": message.user.display_name if message.user else None,
            "body": message.body, "created_at": _time(message.created_at),
            "attachments": [document_representation(d) for d in message.attachments]}


def _consent(engagement: Engagement) -> dict[str, Any]:
    """The consent in force (null when nothing is shared) and what it shows the provider."""
    current = consent.in_force(db.session, engagement)
    if current is None:
        return {"consent": None, "shared": None}
    return {"consent": {"fields": list(current.fields), "documents": [d.id for d in current.documents],
                        "granted_at": _time(current.granted_at)},
            "shared": {"fields": dict(consent.shared_values(engagement, current)),
                       "documents": [document_representation(d) for d in current.documents]}}


def representation(engagement: Engagement, side: str, unread: int = 0, *, detail: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": engagement.id,
        "stage": engagement.stage,
        "your_side": side,
        "started_by": engagement.started_by,
        "listing": {"id": engagement.listing_id, "title": engagement.listing.title},
        "need": {"id": engagement.need_id, "title": engagement.need.title} if engagement.need else None,
        "seeker": _org(engagement, "seeker"),
        "provider": _org(engagement, "provider"),
        "deal_kind": engagement.deal_kind,
        "amount_cny": engagement.amount_cny,
        "lost_reason": engagement.lost_reason or None,
        "created_at": _time(engagement.created_at),
        "updated_at": _time(engagement.updated_at),
        "closed_at": _time(engagement.closed_at),
        "first_response_at": _time(engagement.first_response_at),
        "last_message_at": _time(engagement.last_message_at),
        "unread": unread,
        "waiting_days": services.waiting_on(engagement, side),
        "allowed_stages": services.allowed_moves(engagement, side),
        "version": engagement.version,
    }
    if detail:
        body["history"] = [{"side": c.side, "from_stage": c.from_stage, "to_stage": c.to_stage, "note": c.note or None,
                            "at": _time(c.at)} for c in engagement.changes]
        body.update(_consent(engagement))
    return body


def _respond(engagement: Engagement, side: str, status: int = 200) -> ResponseReturnValue:
    unread = services.unread_counts(db.session, require_caller(), [engagement.id]).get(engagement.id, 0)
    response = jsonify(representation(engagement, side, unread, detail=True))
    response.status_code = status
    response.set_etag(str(engagement.version))
    if status == 201:
        response.headers["Location"] = url_for("api.engagements_show", engagement_id=engagement.id, _external=True)
    return response


def _posting(model: Any, posting_id: int, user: Any) -> Any:
    posting = db.session.get(model, posting_id)
    if posting is None or not postings.can_view(posting, user):
        raise NotFound(_("There is no such posting."))
    return posting


@bp.post("/listings/<int:listing_id>/inquiries")
def listings_inquire(listing_id: int) -> ResponseReturnValue:
    user = require_caller()
    body = json_object()
    _unknown(body, START_FIELDS["inquiry"])
    listing = _posting(Listing, listing_id, user)
    seeker = owner_for_new(user, body.pop("organization", None))
    engagement = services.inquire(db.session, listing, seeker, user, body)
    commit()
    return _respond(engagement, "seeker", 201)


@bp.post("/needs/<int:need_id>/proposals")
def needs_propose(need_id: int) -> ResponseReturnValue:
    user = require_caller()
    body = json_object()
    _unknown(body, START_FIELDS["proposal"])
    need = _posting(Need, need_id, user)
    provider = owner_for_new(user, body.pop("organization", None))
    engagement = services.propose(db.session, need, provider, user, body)
    commit()
    return _respond(engagement, "provider", 201)


@bp.get("/engagements")
def engagements_index() -> ResponseReturnValue:
    user = require_caller()
    check_parameters(("stage", "side", "page", "per_page"))
    stage, side = request.args.get("stage"), request.args.get("side")
    if stage is not None and stage not in STAGES:
        raise bad_parameters(["stage"])
    if side is not None and side not in ("seeker", "provider"):
        raise bad_parameters(["side"])
    page, per_page = page_parameters()
    result = paginate(db.session, services.user_query(user, stage=stage, side=side), page, per_page)
    unread = services.unread_counts(db.session, user, [e.id for e in result.items])
    return jsonify(representations.page(result, lambda e: representation(
        e, services.side_of(e, user) or "seeker", unread.get(e.id, 0))))


@bp.get("/engagements/<int:engagement_id>")
def engagements_show(engagement_id: int) -> ResponseReturnValue:
    user = require_caller()
    engagement, side = services.get_for(db.session, engagement_id, user)
    return _respond(engagement, side)


@bp.patch("/engagements/<int:engagement_id>")
def engagements_update(engagement_id: int) -> ResponseReturnValue:
    user = require_caller()
    body = json_object()
    version = expected_version(body)
    _unknown(body, PATCH_FIELDS)
    engagement, side = services.get_for(db.session, engagement_id, user)
    services.move(db.session, engagement, user, body, version=version)
    commit()
    return _respond(engagement, side)


@bp.get("/engagements/<int:engagement_id>/messages")
def engagements_messages(engagement_id: int) -> ResponseReturnValue:
    user = require_caller()
    check_parameters(())
    engagement, _side = services.get_for(db.session, engagement_id, user)
    services.mark_read(db.session, engagement, user)
    commit()
    return jsonify({"items": [_message(m) for m in engagement.messages]})


@bp.post("/engagements/<int:engagement_id>/messages")
def engagements_post_message(engagement_id: int) -> ResponseReturnValue:
    """A JSON body ``{"body"}``, or multipart/form-data with ``body`` and up to five ``files``."""
    user = require_caller()
    files: list[Any] = []
    if request.mimetype == "multipart/form-data":
        fields, uploads = multipart(("body",), ("files",))
        text: Any = fields.get("body", "")
        files = uploads.get("files", [])
    else:
        body = json_object()
        _unknown(body, ("body",))
        text = body.get("body")
    engagement, _side = services.get_for(db.session, engagement_id, user)
    message = services.post_message(db.session, engagement, user, text, [(f.stream, f.filename) for f in files])
    commit()
    response = jsonify(_message(message))
    response.status_code = 201
    return response


@bp.put("/engagements/<int:engagement_id>/consent")
def engagements_share(engagement_id: int) -> ResponseReturnValue:
    """The SME sets what the provider may see (``{"share": [...]}``; an empty list withdraws)."""
    user = require_caller()
    body = json_object()
    _unknown(body, ("share",))
    if "share" not in body:
        raise ValidationFailed(_("Please correct the marked fields."), fields={"share": [_("This field is required.")]})
    engagement, side = services.get_for(db.session, engagement_id, user)
    if side != "seeker":
        raise PermissionDenied(_("Only the enterprise decides what it shares."))
    consent.grant(db.session, engagement, user, consent.parse_share(db.session, engagement.seeker, body["share"]))
    commit()
    return _respond(engagement, side)


@bp.delete("/engagements/<int:engagement_id>/consent")
def engagements_withdraw(engagement_id: int) -> ResponseReturnValue:
    user = require_caller()
    engagement, side = services.get_for(db.session, engagement_id, user)
    consent.withdraw(db.session, engagement, user)
    commit()
    return _respond(engagement, side)


def review_representation(review: Any) -> dict[str, Any]:
    return {"id": review.id, "engagement_id": review.engagement_id, "rating": review.rating, "text": review.text,
            "created_at": _time(review.created_at), "reply": review.reply or None, "reply_at": _time(review.reply_at),
            "hidden": review.hidden_at is not None}


@bp.post("/engagements/<int:engagement_id>/review")
def engagements_review(engagement_id: int) -> ResponseReturnValue:
    from marketplace.engagements import reviews

    user = require_caller()
    body = json_object()
    _unknown(body, ("rating", "text"))
    engagement, _side = services.get_for(db.session, engagement_id, user)
    review = reviews.write(db.session, engagement, user, body)
    commit()
    response = jsonify(review_representation(review))
    response.status_code = 201
    return response
