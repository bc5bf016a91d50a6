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
from flask_login import current_user
from sqlalchemy import select

from listings.visibility import Viewer
from marketplace.extensions import db
from marketplace.main import services
from marketplace.main.icons import icon
from marketplace.organizations.current import current_organization
from marketplace.recommendations import feedback
from marketplace.recommendations import service as recommendations
from marketplace.redirects import local_target
from marketplace.timeutil import today, utcnow

bp = Blueprint("main", __name__)
bp.add_app_template_global(icon, "icon")


@bp.get("/")
def index() -> ResponseReturnValue:
    as_of = today()
    featured = services.featured_listings(db.session, as_of)
    organization = current_organization()
    suggestions = None
    if organization is not None and organization.is_sme and organization.industry:
        suggestions = recommendations.safely(
            lambda: recommendations.listings_for_organization(db.session, organization, limit=6), None
        )
        feedback.show(db.session, suggestions, surface="organization", viewer=organization)
    return render_template(
        "main/index.html",
        numbers=services.platform_numbers(db.session, as_of, Viewer.of(current_user)),
        offers_by_category=services.offers_by_category(db.session, as_of),
        featured=featured,
        newest=services.newest_listings(db.session, as_of, exclude=[p.id for p in featured]),
        policies=services.policy_highlights(db.session, as_of),
        events=services.open_events(db.session, utcnow()),
        suggestions=suggestions,
    )


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
