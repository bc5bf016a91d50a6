"""Pages for listings (offers) and needs (demands): browse, detail, create/edit, life-cycle
actions, the "my listings" / "my needs" dashboards and moderation. One set of views serves both
kinds through the ``plural`` URL part."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from listings import lifecycle, queries, services
from listings.forms import (
    ATTRIBUTES,
    WAN_FIELDS,
    ListingForm,
    NeedForm,
    categories_of,
    subcategory_choices,
)
from listings.models import Listing, Need
from listings.visibility import Viewer
from marketplace import pages
from marketplace.admin.forms import ReviewRequestForm
from marketplace.bounds import record_id
from marketplace.errors import ValidationFailed
from marketplace.extensions import db
from marketplace.forms import attach_errors, options
from marketplace.mail.services import deliver_after_commit
from marketplace.organizations.current import current_organization
from marketplace.organizations.forms import ConfirmForm, industry_choices, region_choices
from marketplace.organizations.services import size_classification
from marketplace.recommendations import feedback
from marketplace.recommendations import service as recommendations
from marketplace.timeutil import today

bp = Blueprint("listings", __name__)
KIND = {"listings": "listing", "needs": "need"}
PLURAL = "<any(listings, needs):plural>"
FORMS = {"listing": ListingForm, "need": NeedForm}
ACTIONS = ("publish", "close", "reopen", "archive", "restore", "duplicate")


def _posting(plural: str, posting_id: int) -> Listing | Need:
    posting = db.session.get(services.MODELS[KIND[plural]], posting_id)
    if posting is None or not services.can_view(posting, current_user):
        abort(404)
    return posting


@bp.app_template_global()
def form_categories(form: Any, field_name: str) -> str:
    """The ``data-categories`` of a form field: where app.js shows it."""
    return " ".join(categories_of(field_name, form.kind))


@bp.app_template_global()
def attribute_label(key: str) -> str:
    spec = ATTRIBUTES.get(key)
    return str(spec.label) if spec else key


@bp.app_template_global()
def attribute_value(key: str, value: Any) -> str:
    """A category attribute for display: choice keys as their labels, lists joined."""
    spec = ATTRIBUTES.get(key)
    labels = (spec.choices or {}) if spec else {}
    values = value if isinstance(value, list) else [value]
    return "、".join(str(labels.get(v, v)) for v in values)


@bp.get(f"/{PLURAL}")
def browse(plural: str) -> ResponseReturnValue:
    kind = KIND[plural]
    sorts = queries.LISTING_SORTS if kind == "listing" else queries.NEED_SORTS
    filters = queries.Filters.parse(request.args, sorts, in_wan=("amount",) if kind == "listing" else ("amount", "max_price"))
    if kind == "listing":
        query = queries.listing_query(db.session, filters, today())
    else:
        query = queries.need_query(db.session, filters, today(), Viewer.of(current_user))
    page = queries.paginate(db.session, query, filters.page, filters.per_page)
    return render_template(
        "listings/browse.html", plural=plural, kind=kind, filters=filters, page=page, sorts=sorts,
        subcategory_options=subcategory_choices()[1:],
        region_options=options(region_choices()[1:]),
        industry_options=industry_choices(),
    )


@bp.get(f"/{PLURAL}/<int:posting_id>")
def detail(plural: str, posting_id: int) -> ResponseReturnValue:
    posting = _posting(plural, posting_id)
    if isinstance(posting, Listing) and "rec" in request.args:  # followed from a recommendation
        viewer = current_organization()
        feedback.click(db.session, request.args.get("rec"), listing_id=posting.id,
                       viewer_org_id=viewer.id if viewer is not None else None)
    editor = services.is_editor(posting, current_user)
    panels = _panels(posting, editor)
    return render_template(
        "listings/detail.html",
        panels=panels,
        posting=posting,
        plural=plural,
        kind=KIND[plural],
        editor=editor,
        expired=posting.is_expired(today()),
        classification=size_classification(posting.organization),
        confirm_form=ConfirmForm(),
    )


def _panels(posting: Listing | Need, editor: bool) -> dict[str, Any]:
    """Recommendation panels of a detail page: matches (with exclusions) for a need's owner,
    leads for a listing's owner, similar listings for everyone."""
    panels: dict[str, Any] = {}
    if isinstance(posting, Need):
        if editor and posting.status == "published":
            panels["matches"] = recommendations.safely(
                lambda: recommendations.matches_for_need(db.session, posting, limit=8, explain=True), None
            )
            feedback.show(db.session, panels["matches"], surface="need", viewer=current_organization(), need=posting)
    else:
        if posting.status == "published" and not posting.is_hidden:
            panels["similar"] = recommendations.safely(lambda: recommendations.similar_listings(db.session, posting, limit=4), [])
        if editor and posting.status == "published":
            panels["leads"] = recommendations.safely(lambda: recommendations.leads_for_listing(db.session, posting, limit=8), [])
    return panels


def _organization_for_new() -> Any:
    organization = current_organization()
    if organization is None:
        flash(_("Register an organization first."), "warning")
        abort(redirect(url_for("organizations.new")))
    return organization


def _form_field(field: str) -> str:
    """The form field that shows a service error about a record field (``regions[2]``...)."""
    if field.startswith("attributes."):
        return "attr_" + field.split(".", 1)[1].split("[")[0]
    name = field.split("[")[0]
    return {v: k for k, v in WAN_FIELDS.items()}.get(name, name)


def _rule_errors(form: Any, kind: str, posting: Listing | Need | None, publish: bool) -> None:
    """The service's rules for what the form could read, beside the form's own errors, so that
    every error shows on the first submit (nothing is saved)."""
    current = {k: getattr(posting, k) for k in services.FIELDS[kind]} if posting else {"status": "draft"}
    values = {**current, **form.posting_data()}
    found: dict[str, list[str]] = {}
    try:
        values = services.validate(kind, values)
        if publish and lifecycle.is_expired(kind, values, today()):
            field = lifecycle.expiry_field(kind, values) or "status"
            found[_form_field(field)] = [_("The date has passed.")]
    except ValidationFailed as exc:
        for field, messages in (exc.fields or {}).items():
            found.setdefault(_form_field(field), []).extend(str(m) for m in messages)
    attach_errors(form, {name: messages for name, messages in found.items()
                         if name not in form._fields or not form[name].errors})


def _save(form: Any, kind: str, posting: Listing | Need | None, organization: Any, valid: bool) -> Listing | Need | None:
    """Validate and save; field errors go onto the form (the form's, the category's required
    fields and the service's rules together). Returns the posting or None."""
    publish = request.form.get("action") == "publish"
    missing = form.required_missing() if publish else {}
    if missing or not valid:
        attach_errors(form, {name: messages for name, messages in missing.items() if not form[name].errors})
        _rule_errors(form, kind, posting, publish)
        return None

    def save() -> Listing | Need:
        data = form.posting_data()
        if posting is None:
            target = services.create(db.session, kind, organization, current_user, data)
        else:
            target = services.update(db.session, posting, current_user, data, expected_version=form.expected_version())
        if publish and target.status != "published":
            services.publish(db.session, target, current_user)
        return target

    saved, target = pages.submit(form, save, field_of=_form_field)
    return target if saved else None


@bp.route(f"/{PLURAL}/new", methods=["GET", "POST"])
@login_required
def new(plural: str) -> ResponseReturnValue:
    kind = KIND[plural]
    organization = _organization_for_new()
    if kind == "need" and not organization.is_sme:
        flash(_("Only enterprises (SMEs) post needs."), "warning")
        return redirect(url_for("listings.browse", plural="needs"))
    form = FORMS[kind]()
    if request.method == "GET" and request.args.get("category"):
        form.category.data = request.args["category"]
    if request.method == "POST":
        posting = _save(form, kind, None, organization, form.validate_on_submit())
        if posting is not None:
            flash(_("Saved."), "success")
            return redirect(url_for("listings.detail", plural=plural, posting_id=posting.id))
    return render_template("listings/edit.html", form=form, plural=plural, kind=kind, posting=None, organization=organization)


@bp.route(f"/{PLURAL}/<int:posting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(plural: str, posting_id: int) -> ResponseReturnValue:
    kind = KIND[plural]
    posting = _posting(plural, posting_id)
    services.require_editor(posting, current_user)
    form = FORMS[kind]()
    if request.method == "GET":
        form.load(posting)
    elif _save(form, kind, posting, posting.organization, form.validate_on_submit()) is not None:
        flash(_("Saved."), "success")
        return redirect(url_for("listings.detail", plural=plural, posting_id=posting.id))
    return render_template("listings/edit.html", form=form, plural=plural, kind=kind, posting=posting, organization=posting.organization)


@bp.post(f"/{PLURAL}/<int:posting_id>/<action>")
@login_required
def act(plural: str, posting_id: int, action: str) -> ResponseReturnValue:
    if action not in ACTIONS:
        abort(404)
    posting = _posting(plural, posting_id)
    services.require_editor(posting, current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    version = request.form.get("version", type=record_id)
    detail = url_for("listings.detail", plural=plural, posting_id=posting_id)
    messages = {
        "publish": _("Published."), "close": _("Closed."), "reopen": _("Re-opened."),
        "archive": _("Archived."), "restore": _("Restored from the archive."),
    }
    if action in ("archive", "restore"):
        return pages.act(lambda: getattr(services, action)(db.session, posting, current_user), messages[action], detail)
    if action != "duplicate":
        return pages.act(lambda: getattr(services, action)(db.session, posting, current_user, expected_version=version),
                         messages[action], detail)
    copies: list[Listing | Need] = []
    done, _errors = pages.attempt(lambda: copies.append(services.duplicate(db.session, posting, current_user)))
    if not done:
        return redirect(detail)
    flash(_("A draft copy has been made: adapt it and publish it."), "success")
    return redirect(url_for("listings.edit", plural=plural, posting_id=copies[0].id))


@bp.post(f"/{PLURAL}/<int:posting_id>/moderation")
@login_required
def moderate(plural: str, posting_id: int) -> ResponseReturnValue:
    if not current_user.is_admin:
        abort(403)
    posting = _posting(plural, posting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    detail = url_for("listings.detail", plural=plural, posting_id=posting_id)
    if request.form.get("action") == "unhide":
        response = pages.act(lambda: services.unhide(db.session, posting, current_user), _("Moderation saved."), detail)
    else:
        response = pages.act(lambda: services.hide(db.session, posting, current_user, request.form.get("reason", "")),
                             _("Moderation saved."), detail)
    deliver_after_commit()  # the owners' e-mails
    return response


@bp.post(f"/{PLURAL}/<int:posting_id>/review")
@login_required
def request_review(plural: str, posting_id: int) -> ResponseReturnValue:
    """A member of the owning organization sends a hidden posting back for review."""
    posting = _posting(plural, posting_id)
    services.require_editor(posting, current_user)
    form = ReviewRequestForm()
    errors = {} if form.validate_on_submit() else form.errors
    if not errors:
        done, errors = pages.attempt(lambda: services.request_review(db.session, posting, current_user, form.note.data))
        if done:
            flash(_("Sent back for review: a platform administrator will look at it."), "success")
    for name, messages in errors.items():  # the one field's label with its messages
        label = form[name].label.text if name in form else ""
        flash(f"{label}: {' '.join(str(m) for m in messages)}" if label else " ".join(map(str, messages)), "danger")
    return redirect(url_for("listings.detail", plural=plural, posting_id=posting_id))


@bp.get(f"/my/{PLURAL}")
@login_required
def dashboard(plural: str) -> ResponseReturnValue:
    kind = KIND[plural]
    organization = current_organization()
    if organization is None:
        return redirect(url_for("organizations.new"))
    model = services.MODELS[kind]
    as_of = today()
    state = request.args.get("state", "")
    rows = db.session.scalars(
        select(model).where(model.organization_id == organization.id).order_by(model.updated_at.desc())
    ).all()
    counts = queries.status_counts(rows, as_of)
    states = {row.id: queries.dashboard_state(row, as_of) for row in rows}
    if state in counts:
        rows = [r for r in rows if states[r.id] == state]
    else:
        rows = [r for r in rows if states[r.id] != "archived"]
    leads = []
    if kind == "listing":
        published = [r for r in rows if states[r.id] == "published"][:5]
        for listing in published:
            found = recommendations.safely(lambda listing=listing: recommendations.leads_for_listing(db.session, listing, limit=3), [])
            if found:
                leads.append((listing, found))
    return render_template(
        "listings/dashboard.html", plural=plural, kind=kind, organization=organization,
        rows=rows, counts=counts, states=states, state=state, leads=leads,
    )
