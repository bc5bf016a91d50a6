"""Platform-admin pages: overview, organization list, verification decisions, the review queue of
hidden postings."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from listings.lifecycle import on_offer_clause
from listings.models import Listing, Need
from listings.services import open_review
from marketplace import pages
from marketplace.accounts.models import User
from marketplace.admin import reviews
from marketplace.admin.forms import DecisionForm, KeepHiddenForm
from marketplace.admin.models import ReviewRequest
from marketplace.errors import ValidationFailed
from marketplace.extensions import db
from marketplace.forms import attach_errors
from marketplace.mail.models import OutboxMessage
from marketplace.mail.services import deliver_after_commit
from marketplace.organizations import services
from marketplace.organizations.forms import ConfirmForm
from marketplace.organizations.kinds import KINDS, VERIFICATION_STATUSES
from marketplace.organizations.models import Organization
from marketplace.timeutil import today

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.get("/")
@admin_required
def overview() -> ResponseReturnValue:
    by_kind = dict(db.session.execute(select(Organization.kind, func.count()).group_by(Organization.kind)).all())
    by_status = dict(
        db.session.execute(
            select(Organization.verification_status, func.count()).group_by(Organization.verification_status)
        ).all()
    )
    by_size = dict(
        db.session.execute(
            select(Organization.size_class, func.count())
            .where(Organization.kind == "sme")
            .group_by(Organization.size_class)
        ).all()
    )
    users = db.session.scalar(select(func.count()).select_from(User)) or 0
    postings = {
        kind: dict(db.session.execute(select(model.category, func.count()).group_by(model.category)).all())
        for kind, model in (("listing", Listing), ("need", Need))
    }
    offered = db.session.scalar(select(func.count()).where(on_offer_clause(Listing, today()))) or 0
    hidden = {
        kind: db.session.scalar(select(func.count()).where(model.hidden_at.is_not(None))) or 0
        for kind, model in (("listing", Listing), ("need", Need))
    }
    unsent = db.session.scalar(select(func.count()).where(OutboxMessage.sent_at.is_(None))) or 0
    return render_template(
        "admin/overview.html",
        by_kind=by_kind,
        by_status=by_status,
        by_size=by_size,
        users=users,
        unsent=unsent,
        postings=postings,
        offered=offered,
        hidden=hidden,
        reviews_waiting=reviews.waiting(db.session),
    )


@bp.get("/organizations")
@admin_required
def organizations() -> ResponseReturnValue:
    status = request.args.get("status", "pending")
    kind = request.args.get("kind", "")
    query = select(Organization)
    if status in VERIFICATION_STATUSES:
        query = query.where(Organization.verification_status == status)
    if kind in KINDS:
        query = query.where(Organization.kind == kind)
    rows = db.session.scalars(query.order_by(Organization.updated_at.desc()).limit(PAGE_SIZE)).all()
    return render_template("admin/organizations.html", organizations=rows, status=status, kind=kind)


@bp.route("/organizations/<int:org_id>", methods=["GET", "POST"])
@admin_required
def organization(org_id: int) -> ResponseReturnValue:
    organization = db.session.get(Organization, org_id)
    if organization is None:
        abort(404)
    form = DecisionForm(status=organization.verification_status)
    if form.validate_on_submit():
        try:
            services.decide_verification(
                db.session, organization, current_user, status=form.status.data or "", reason=form.reason.data
            )
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc.fields)
        else:
            db.session.commit()
            deliver_after_commit()
            flash(_("The verification status has been saved."), "success")
            return redirect(url_for("admin.organization", org_id=org_id))
    return render_template(
        "admin/organization.html",
        organization=organization,
        form=form,
        classification=services.size_classification(organization),
    )


# --- the review queue of hidden postings ----------------------------------------------------


@bp.app_template_global()
def open_review_of(posting: Listing | Need) -> ReviewRequest | None:
    """The posting's undecided review request (its page shows it to members and admins)."""
    return open_review(db.session, posting)


def _queue_page(failed: dict[int, KeepHiddenForm] | None = None) -> ResponseReturnValue:
    items = reviews.queue(db.session)
    forms = {r.id: (failed or {}).get(r.id) or KeepHiddenForm(prefix=f"r{r.id}", formdata=None) for r in items}
    return render_template("admin/reviews.html", items=items, forms=forms, confirm_form=ConfirmForm())


def _review(request_id: int) -> ReviewRequest:
    return db.get_or_404(ReviewRequest, request_id)


@bp.get("/reviews")
@admin_required
def review_queue() -> ResponseReturnValue:
    return _queue_page()


@bp.post("/reviews/<int:request_id>/approve")
@admin_required
def approve_review(request_id: int) -> ResponseReturnValue:
    review = _review(request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    response = pages.act(lambda: reviews.approve(db.session, review, current_user),
                         _("Shown again; its owners have been told."), url_for("admin.review_queue"))
    deliver_after_commit()
    return response


@bp.post("/reviews/<int:request_id>/keep-hidden")
@admin_required
def keep_hidden(request_id: int) -> ResponseReturnValue:
    review = _review(request_id)
    form = KeepHiddenForm(prefix=f"r{request_id}")
    if form.validate_on_submit():
        saved, _result = pages.submit(
            form, lambda: reviews.keep_hidden(db.session, review, current_user, form.reason.data))
        if saved:
            deliver_after_commit()
            flash(_("Kept hidden; its owners have been told the new reason."), "success")
            return redirect(url_for("admin.review_queue"))
        if form.form_errors:  # decided meanwhile: say so above the queue
            flash(" ".join(form.form_errors), "danger")
            return redirect(url_for("admin.review_queue"))
    return _queue_page({request_id: form})


# --- reported reviews of providers (engagements) -----------------------------------------------


@bp.get("/reported-reviews")
@admin_required
def reported_reviews() -> ResponseReturnValue:
    from marketplace.engagements import reviews as ratings

    return render_template("admin/reported_reviews.html", items=ratings.reported(db.session),
                           forms={}, confirm_form=ConfirmForm())


@bp.post("/reported-reviews/<int:review_id>")
@admin_required
def decide_reported_review(review_id: int) -> ResponseReturnValue:
    from marketplace.engagements import reviews as ratings
    from marketplace.engagements.models import Review

    review = db.get_or_404(Review, review_id)
    form = KeepHiddenForm(prefix=f"v{review_id}")
    hide = request.form.get("decision") == "hide"
    if not form.validate_on_submit():
        abort(400)
    saved, _result = pages.submit(form, lambda: ratings.decide(db.session, review, current_user, hide, form.reason.data))
    if saved:
        deliver_after_commit()
        flash(_("The review is hidden; both sides have been told.") if hide else _("The review stays; the report is dismissed."),
              "success")
        return redirect(url_for("admin.reported_reviews"))
    return render_template("admin/reported_reviews.html", items=ratings.reported(db.session), forms={review_id: form},
                           confirm_form=ConfirmForm()), 422
