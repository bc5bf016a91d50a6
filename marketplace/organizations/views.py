"""Organization pages: directory, public profile, private edit page, members, verification."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from marketplace.bounds import page_number, record_id
from marketplace.errors import InvalidToken
from marketplace.extensions import db
from marketplace.mail.services import deliver_after_commit
from marketplace.organizations import services
from marketplace.organizations.forms import (
    ConfirmForm,
    InviteForm,
    NewOrganizationForm,
    ProfileForm,
    RoleForm,
    region_choices,
)
from marketplace.organizations.kinds import KINDS
from marketplace.organizations.models import Invitation, Membership, Organization
from marketplace.pages import act, attempt, submit
from marketplace.reference import is_region

bp = Blueprint("organizations", __name__)
PAGE_SIZE = 20


def _organization(org_id: int) -> Organization:
    return db.get_or_404(Organization, org_id)


@bp.get("/orgs")
def directory() -> ResponseReturnValue:
    kind = request.args.get("kind", "")
    region = request.args.get("region", "")
    verified = request.args.get("verified") == "1"
    page = request.args.get("page", 1, type=page_number)
    query = select(Organization)
    if kind in KINDS:
        query = query.where(Organization.kind == kind)
    if region and is_region(region):
        query = query.where(Organization.region == region)
    if verified:
        query = query.where(Organization.verification_status == "verified")
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(Organization.name).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render_template(
        "organizations/directory.html",
        organizations=rows,
        total=total,
        page=min(page, pages),
        pages=pages,
        filters={"kind": kind, "region": region, "verified": verified},
        region_options=region_choices()[1:],
    )


@bp.get("/orgs/<int:org_id>")
def profile(org_id: int) -> ResponseReturnValue:
    organization = _organization(org_id)
    return render_template(
        "organizations/profile.html",
        organization=organization,
        classification=services.size_classification(organization),
        is_member=organization.member(current_user) is not None,
    )


@bp.route("/orgs/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int) -> ResponseReturnValue:
    organization = _organization(org_id)
    membership = services.require_member(organization, current_user)
    form = ProfileForm.for_organization(organization)
    if form.validate_on_submit():
        saved, _result = submit(
            form, lambda: services.update_profile(db.session, organization, form.profile_data(), actor=current_user)
        )
        if saved:
            flash(_("The profile has been saved."), "success")
            return redirect(url_for("organizations.edit", org_id=org_id))
    elif form.is_submitted():
        flash(_("Please correct the marked fields."), "danger")
    return render_template(
        "organizations/edit.html",
        organization=organization,
        membership=membership,
        form=form,
        classification=services.size_classification(organization),
        confirm_form=ConfirmForm(),
    )


@bp.route("/orgs/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    form = NewOrganizationForm()
    if form.validate_on_submit():
        created, organization = submit(form, lambda: services.create_organization(
            db.session, current_user, name=form.name.data or "", kind=form.kind.data or ""))
        if created and organization is not None:
            session["org_id"] = organization.id
            return redirect(url_for("organizations.edit", org_id=organization.id))
    return render_template("organizations/new.html", form=form)


@bp.post("/orgs/switch")
@login_required
def switch() -> ResponseReturnValue:
    org_id = request.form.get("org_id", type=record_id)
    if org_id is None or not any(m.organization_id == org_id for m in current_user.memberships):
        abort(403)
    session["org_id"] = org_id
    return redirect(url_for("main.index"))


@bp.get("/orgs/<int:org_id>/members")
@login_required
def members(org_id: int) -> ResponseReturnValue:
    organization = _organization(org_id)
    membership = services.require_member(organization, current_user)
    pending = [
        i for i in organization.invitations if i.accepted_at is None and i.revoked_at is None
    ]
    return render_template(
        "organizations/members.html",
        organization=organization,
        membership=membership,
        invite_form=InviteForm(),
        role_form=RoleForm(),
        confirm_form=ConfirmForm(),
        pending=pending,
    )


@bp.post("/orgs/<int:org_id>/invitations")
@login_required
def invite(org_id: int) -> ResponseReturnValue:
    organization = _organization(org_id)
    services.require_owner(organization, current_user)
    form = InviteForm()
    if not form.validate_on_submit():
        for field_errors in form.errors.values():
            for message in field_errors:
                flash(str(message), "danger")
        return redirect(url_for("organizations.members", org_id=org_id))
    back = url_for("organizations.members", org_id=org_id)
    response = act(lambda: services.invite(
        db.session, organization, current_user, email=form.email.data or "", role=form.role.data or "member",
        link_for=lambda token: url_for("organizations.invitation", token=token, _external=True),
        max_age_days=current_app.config["INVITATION_MAX_AGE_DAYS"],
    ), _("The invitation has been sent."), back)
    deliver_after_commit()
    return response


def _membership(org_id: int, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organization_id != org_id:
        abort(404)
    return membership


@bp.post("/orgs/<int:org_id>/members/<int:membership_id>/remove")
@login_required
def remove_member(org_id: int, membership_id: int) -> ResponseReturnValue:
    membership = _membership(org_id, membership_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    leaving = membership.user_id == current_user.id
    done, _errors = attempt(lambda: services.remove_member(db.session, membership, current_user))
    if not done:
        return redirect(url_for("organizations.members", org_id=org_id))
    flash(_("The member has been removed.") if not leaving else _("You have left the organization."), "success")
    return redirect(url_for("main.index") if leaving else url_for("organizations.members", org_id=org_id))


@bp.post("/orgs/<int:org_id>/members/<int:membership_id>/role")
@login_required
def member_role(org_id: int, membership_id: int) -> ResponseReturnValue:
    membership = _membership(org_id, membership_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    return act(lambda: services.set_member_role(db.session, membership, current_user, form.role.data or ""),
               _("The role has been changed."), url_for("organizations.members", org_id=org_id))


@bp.post("/orgs/<int:org_id>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(org_id: int, invitation_id: int) -> ResponseReturnValue:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organization_id != org_id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.revoke_invitation(db.session, invitation, current_user)
    db.session.commit()
    flash(_("The invitation has been withdrawn."), "success")
    return redirect(url_for("organizations.members", org_id=org_id))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str) -> ResponseReturnValue:
    try:
        invitation = services.invitation_for_token(db.session, token)
    except InvalidToken as exc:
        return render_template("organizations/invitation.html", error=str(exc.message), invitation=None), 400
    form = ConfirmForm()
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.path))
        if form.validate_on_submit():
            services.accept_invitation(db.session, token, current_user)
            db.session.commit()
            session["org_id"] = invitation.organization_id
            flash(_("You have joined %(org)s.", org=invitation.organization.name), "success")
            return redirect(url_for("organizations.profile", org_id=invitation.organization_id))
    return render_template(
        "organizations/invitation.html", invitation=invitation, form=form, error=None, token=token
    )


@bp.post("/orgs/<int:org_id>/verification")
@login_required
def request_verification(org_id: int) -> ResponseReturnValue:
    organization = _organization(org_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return act(lambda: services.request_verification(db.session, organization, current_user),
               _("Verification requested. A platform administrator will review your organization."),
               url_for("organizations.edit", org_id=org_id))
