"""Engagement pages: ask about (or apply for) a listing, propose an offer for a need, the
pipeline by stage, and one engagement's conversation and stage changes. Anyone who is not a
member of either organization gets 404."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from listings import lifecycle
from listings import services as postings
from listings.models import Listing, Need
from marketplace.documents import services as documents
from marketplace.documents.storage import accepted_extensions
from marketplace.engagements import consent, reviews, services
from marketplace.engagements.forms import (
    InquiryForm,
    MessageForm,
    ProposalForm,
    ReplyForm,
    ReportForm,
    ReviewForm,
    ShareForm,
    StageForm,
)
from marketplace.engagements.models import STAGES, Engagement
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.forms import attach_errors, options
from marketplace.organizations.current import current_organization
from marketplace.organizations.models import Organization
from marketplace.pages import act, attempt, submit
from marketplace.templating import locale_code
from marketplace.timeutil import today

bp = Blueprint("engagements", __name__)


@bp.app_context_processor
def unread_engagements() -> dict[str, int]:
    if not current_user.is_authenticated:
        return {"unread_engagements": 0}
    return {"unread_engagements": services.unread_total(db.session, current_user)}


@bp.app_template_global()
def open_engagement_for(listing: Listing) -> Engagement | None:
    """The current organization's open engagement about ``listing`` (either side), if any."""
    org = current_organization()
    if org is None:
        return None
    seeker, provider = (org.id, listing.organization_id)
    return services.open_between(db.session, seeker, provider, listing.id)


@bp.app_template_global()
def provider_standing(organization_id: int) -> reviews.Standing:
    """A provider's rating, number of reviews and responsiveness (profiles, listing pages)."""
    return reviews.standing(db.session, organization_id)


@bp.app_template_global()
def provider_reviews(organization_id: int) -> list[Any]:
    return reviews.visible(db.session, organization_id)


@bp.app_template_global()
def contact_shared(organization_id: int) -> bool:
    """Whether the current organization has an engagement with ``organization_id`` (then each
    sees the other's contact details)."""
    org = current_organization()
    return org is not None and organization_id in services.shared_with(db.session, org.id)


@bp.app_template_global()
def engagement_stage_label(stage: str) -> str:
    return services.stage_label(stage)


@bp.app_template_global()
def engagement_deal_label(kind: str | None) -> str:
    return services.deal_label(kind)


def _existing(seeker_id: int, provider_id: int, listing_id: int) -> ResponseReturnValue | None:
    found = services.open_between(db.session, seeker_id, provider_id, listing_id)
    if found is None:
        return None
    flash(_("You already have an open engagement about this listing: here it is."), "info")
    return redirect(url_for("engagements.show", engagement_id=found.id))


@bp.route("/listings/<int:listing_id>/inquire", methods=["GET", "POST"])
@login_required
def inquire(listing_id: int) -> ResponseReturnValue:
    listing = db.session.get(Listing, listing_id)
    if listing is None or not postings.can_view(listing, current_user) or not lifecycle.is_on_offer(listing, today()):
        abort(404)
    org = current_organization()
    if org is None or org.kind != "sme":
        flash(_("Only an enterprise (SME) can ask about a listing: choose or create your enterprise's organization."), "warning")
        return redirect(url_for("listings.detail", plural="listings", posting_id=listing.id))
    if org.id == listing.organization_id:
        abort(404)
    already = _existing(org.id, listing.organization_id, listing.id)
    if already is not None:
        return already
    form = InquiryForm()
    needs = db.session.scalars(select(Need).where(Need.organization_id == org.id, Need.status.in_(("draft", "published")))
                               .order_by(Need.id.desc())).all()
    form.need_id.choices = options([("", _("None")), *[(str(n.id), n.title) for n in needs]])
    _share_choices(form, org)
    if request.method == "GET" and request.args.get("need_id", "").isdigit():
        form.need_id.data = request.args["need_id"]
    if form.validate_on_submit():
        done, made = submit(form, lambda: _inquire(listing, org, form), field_of=_inquiry_field)
        if done and made is not None:
            flash(_("Your message is sent to %(org)s.", org=listing.organization.name), "success")
            return redirect(url_for("engagements.show", engagement_id=made.id))
    return render_template("engagements/start.html", form=form, listing=listing, need=None, kind="inquiry",
                           financing=listing.category == "financing", accept=accepted_extensions(),
                           org=org), 422 if form.errors else 200


def _share_choices(form: Any, org: Organization) -> None:
    form.share_fields.choices = options(consent.field_choices(org, locale_code()))
    form.share_documents.choices = options([(str(d.id), f"{d.filename} · {documents.kind_label(d.kind)}")
                                            for d in documents.library(db.session, org.id)])


def _inquiry_field(name: str) -> str:
    return {"file": "new_document", "kind": "new_document_kind"}.get(name, name if name != "share" else "share_fields")


def _inquire(listing: Listing, org: Organization, form: InquiryForm) -> Engagement:
    """The inquiry, with the document it adds to the library and shares (one transaction)."""
    data = form.service_data()
    upload = form.new_document.data
    if upload is not None and getattr(upload, "filename", None):
        added = documents.upload_to_library(db.session, org, current_user, upload.stream, upload.filename,
                                            form.new_document_kind.data)
        data["share"] = [*data["share"], added.id]
    return services.inquire(db.session, listing, org, current_user, data)


@bp.route("/needs/<int:need_id>/propose", methods=["GET", "POST"])
@login_required
def propose(need_id: int) -> ResponseReturnValue:
    need = db.session.get(Need, need_id)
    if need is None or not postings.can_view(need, current_user) or not lifecycle.is_on_offer(need, today()):
        abort(404)
    org = current_organization()
    if org is None or org.kind == "sme" or org.id == need.organization_id:
        abort(404)
    form = ProposalForm()
    listings = [x for x in db.session.scalars(select(Listing).where(Listing.organization_id == org.id).order_by(Listing.id.desc()))
                if lifecycle.is_on_offer(x, today())]
    if not listings:
        flash(_("Publish a listing first: a proposal offers one of your listings."), "warning")
        return redirect(url_for("listings.detail", plural="needs", posting_id=need.id))
    form.listing_id.choices = options([(str(x.id), x.title) for x in listings])
    if request.method == "GET" and request.args.get("listing_id", "").isdigit():
        form.listing_id.data = request.args["listing_id"]
    if form.validate_on_submit():
        chosen = form.service_data().get("listing_id")
        if chosen is not None:
            already = _existing(need.organization_id, org.id, chosen)
            if already is not None:
                return already
        done, made = submit(form, lambda: services.propose(db.session, need, org, current_user, form.service_data()))
        if done and made is not None:
            flash(_("Your proposal is sent to %(org)s.", org=need.organization.name), "success")
            return redirect(url_for("engagements.show", engagement_id=made.id))
    return render_template("engagements/start.html", form=form, listing=None, need=need, kind="proposal"), \
        422 if form.errors else 200


@bp.get("/engagements")
@login_required
def index() -> ResponseReturnValue:
    org = current_organization()
    default = "seeker" if org is not None and org.kind == "sme" else "provider"
    side = request.args.get("side", default)
    if side not in ("seeker", "provider"):
        side = default
    found = services.pipeline(db.session, current_user, side)
    ids = [e.id for items in found.by_stage.values() for e in items]
    return render_template("engagements/index.html", pipeline=found, side=side, stages=STAGES,
                           unread=services.unread_counts(db.session, current_user, ids),
                           waiting={e.id: services.waiting_on(e, side) for items in found.by_stage.values() for e in items})


def _load(engagement_id: int) -> tuple[Engagement, str]:
    try:
        return services.get_for(db.session, engagement_id, current_user)
    except NotFound:
        abort(404)


def _page(engagement: Engagement, side: str, message_form: MessageForm | None = None,
          stage_form: StageForm | None = None, status: int = 200, review_forms: dict[str, Any] | None = None) -> ResponseReturnValue:
    unread_before = services.unread_counts(db.session, current_user, [engagement.id]).get(engagement.id, 0)
    services.mark_read(db.session, engagement, current_user)
    db.session.commit()
    forms = {}
    for target in services.allowed_moves(engagement, side):
        if stage_form is not None and stage_form.stage.data == target:
            forms[target] = stage_form
        else:
            forms[target] = StageForm(formdata=None, data={"stage": target, "version": engagement.version})
    other = engagement.other_side(side)
    given = review_forms or {}
    review = reviews.of_engagement(db.session, engagement)
    in_force = consent.in_force(db.session, engagement)
    share_form = given.get("share")
    if side == "seeker" and share_form is None:
        share_form = ShareForm(formdata=None, data={
            "share_fields": list(in_force.fields) if in_force else [],
            "share_documents": [str(d.id) for d in in_force.documents] if in_force else []})
    if share_form is not None:
        _share_choices(share_form, engagement.seeker)
    return render_template("engagements/show.html", engagement=engagement, side=side, other=other,
                           counterpart=engagement.org_of(other), message_form=message_form or MessageForm(formdata=None),
                           stage_forms=forms, unread_before=unread_before,
                           waiting=services.waiting_on(engagement, side), review=review,
                           can_review=side == "seeker" and review is None and reviews.reviewable(db.session, engagement),
                           review_form=given.get("review") or ReviewForm(formdata=None),
                           reply_form=given.get("reply") or ReplyForm(formdata=None),
                           report_form=given.get("report") or ReportForm(formdata=None),
                           consent=in_force, consents=consent.history(db.session, engagement),
                           shared=[(name, consent.display_value(name, value, locale_code()))
                                   for name, value in consent.shared_values(engagement, in_force)],
                           share_form=share_form, accept=accepted_extensions()), status


@bp.get("/engagements/<int:engagement_id>")
@login_required
def show(engagement_id: int) -> ResponseReturnValue:
    engagement, side = _load(engagement_id)
    return _page(engagement, side)


@bp.post("/engagements/<int:engagement_id>/messages")
@login_required
def post_message(engagement_id: int) -> ResponseReturnValue:
    engagement, side = _load(engagement_id)
    form = MessageForm()
    if not form.validate():
        return _page(engagement, side, message_form=form, status=422)
    done, errors = attempt(lambda: services.post_message(db.session, engagement, current_user, form.body.data,
                                                         form.uploads()))
    if errors:
        attach_errors(form, errors)
        return _page(engagement, side, message_form=form, status=422)
    return redirect(url_for("engagements.show", engagement_id=engagement.id) + ("#messages-end" if done else ""))


@bp.post("/engagements/<int:engagement_id>/stage")
@login_required
def change_stage(engagement_id: int) -> ResponseReturnValue:
    engagement, side = _load(engagement_id)
    form = StageForm()
    if not form.validate():
        return _page(engagement, side, stage_form=form, status=422)
    target = form.stage.data or ""
    done, errors = attempt(lambda: services.move(db.session, engagement, current_user, form.service_data(),
                                                 version=form.version.data))
    if errors:
        attach_errors(form, {("amount_wan" if k == "amount_cny" else k): v for k, v in errors.items()})
        db.session.refresh(engagement)
        return _page(engagement, side, stage_form=form, status=422)
    if done:
        flash(_("The engagement is now “%(stage)s”.", stage=services.stage_label(target)), "success")
    return redirect(url_for("engagements.show", engagement_id=engagement.id))


# --- reviews --------------------------------------------------------------------------------


def _review_action(engagement_id: int, name: str, form: Any, action: Any, done: str) -> ResponseReturnValue:
    engagement, side = _load(engagement_id)
    if not form.validate():
        return _page(engagement, side, status=422, review_forms={name: form})
    succeeded, errors = attempt(lambda: action(engagement))
    if errors:
        attach_errors(form, errors)
        return _page(engagement, side, status=422, review_forms={name: form})
    if succeeded:
        flash(done, "success")
    return redirect(url_for("engagements.show", engagement_id=engagement.id) + "#review")


def _review_of(engagement: Engagement) -> Any:
    review = reviews.of_engagement(db.session, engagement)
    if review is None:
        raise NotFound(_("This engagement has no review."))
    return review


@bp.post("/engagements/<int:engagement_id>/review")
@login_required
def write_review(engagement_id: int) -> ResponseReturnValue:
    form = ReviewForm()
    return _review_action(engagement_id, "review", form, lambda e: reviews.write(
        db.session, e, current_user, {"rating": form.rating.data, "text": form.text.data}), _("Thank you: your review is published."))


@bp.post("/engagements/<int:engagement_id>/review/reply")
@login_required
def reply_review(engagement_id: int) -> ResponseReturnValue:
    form = ReplyForm()
    return _review_action(engagement_id, "reply", form, lambda e: reviews.reply(
        db.session, _review_of(e), current_user, form.reply.data), _("Your reply is published."))


@bp.post("/engagements/<int:engagement_id>/review/report")
@login_required
def report_review(engagement_id: int) -> ResponseReturnValue:
    form = ReportForm()
    return _review_action(engagement_id, "report", form, lambda e: reviews.report(
        db.session, _review_of(e), current_user, form.reason.data), _("The platform's moderators will look at this review."))


# --- consent --------------------------------------------------------------------------------


@bp.post("/engagements/<int:engagement_id>/consent")
@login_required
def share(engagement_id: int) -> ResponseReturnValue:
    engagement, side = _load(engagement_id)
    if side != "seeker":
        abort(404)
    form = ShareForm()
    _share_choices(form, engagement.seeker)
    if not form.validate():
        return _page(engagement, side, status=422, review_forms={"share": form})

    def change() -> None:
        scope = consent.parse_share(db.session, engagement.seeker, form.share())
        consent.grant(db.session, engagement, current_user, scope)

    done, errors = attempt(change)
    if errors:
        attach_errors(form, {"share_fields": [m for v in errors.values() for m in v]})
        return _page(engagement, side, status=422, review_forms={"share": form})
    if done:
        flash(_("The provider now sees what you chose, and only that."), "success")
    return redirect(url_for("engagements.show", engagement_id=engagement.id) + "#shared")


@bp.post("/engagements/<int:engagement_id>/consent/withdraw")
@login_required
def withdraw(engagement_id: int) -> ResponseReturnValue:
    engagement, side = _load(engagement_id)
    if side != "seeker":
        abort(404)
    return act(lambda: consent.withdraw(db.session, engagement, current_user),
               _("Your consent is withdrawn: the provider no longer sees what you shared."),
               url_for("engagements.show", engagement_id=engagement.id) + "#shared")
