"""Platform-admin pages: overview, organization list, verification decisions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from listings.lifecycle import on_offer_clause
from listings.models import Listing, Need
from marketplace.accounts.models import User
from marketplace.errors import ValidationFailed
from marketplace.extensions import db
from marketplace.forms import BoundedForm, attach_errors, options
from marketplace.mail.models import OutboxMessage
from marketplace.mail.services import deliver_after_commit
from marketplace.organizations import services
from marketplace.organizations.kinds import KINDS, VERIFICATION_LABELS, VERIFICATION_STATUSES
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


class DecisionForm(BoundedForm):
    status = SelectField(_l("Status"), choices=options(list(VERIFICATION_LABELS.items())))
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])


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
