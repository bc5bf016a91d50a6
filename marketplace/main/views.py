"""Home page and language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.organizations.current import current_organization
from marketplace.organizations.models import Organization
from marketplace.recommendations import service as recommendations
from marketplace.redirects import local_target

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    counts = dict(
        db.session.execute(
            select(Organization.kind, func.count()).group_by(Organization.kind)
        ).all()
    )
    verified = db.session.scalar(
        select(func.count()).where(Organization.verification_status == "verified")
    )
    organization = current_organization()
    suggestions = None
    if organization is not None and organization.is_sme and organization.industry:
        suggestions = recommendations.safely(
            lambda: recommendations.listings_for_organization(db.session, organization, limit=6), None
        )
    return render_template("main/index.html", counts=counts, verified=verified or 0, suggestions=suggestions)


@bp.get("/lang/<code>")
def set_language(code: str) -> ResponseReturnValue:
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    return redirect(local_target(request.args.get("next"), url_for("main.index")))


@bp.get("/healthz")
def health() -> ResponseReturnValue:
    db.session.execute(select(1))
    return {"status": "ok"}
