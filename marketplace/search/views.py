"""The search page and saved searches."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.search import indexing, services
from marketplace.templating import locale_code
from marketplace.timeutil import today
from search import BackendUnavailable

bp = Blueprint("search", __name__)


@bp.app_template_filter()
def argument_label(name: str) -> str:
    """A query argument's name as the pages call it (browse and search)."""
    return services.argument_label(name)


def _link(args: dict[str, Any], **changes: Any) -> str:
    merged = {k: v for k, v in {**args, **changes}.items() if v not in (None, "", []) and not (k == "page" and v == 1)}
    return url_for("search.index") + ("?" + urlencode(merged, doseq=True) if merged else "")


def _toggled(args: dict[str, Any], name: str, value: str) -> str:
    """The link that adds or removes one facet value (and returns to page 1)."""
    current = args.get(name)
    values = list(current) if isinstance(current, list) else ([current] if current else [])
    multi = name in services.MULTI
    if str(value) in [str(v) for v in values]:
        values = [v for v in values if str(v) != str(value)]
    else:
        values = [*values, value] if multi else [value]
    changed = {**args}
    changed.pop("page", None)
    changed[name] = values if multi else (values[0] if values else None)
    return _link(changed)


@bp.get("/search")
def index() -> ResponseReturnValue:
    indexing.catch_up()
    parsed = services.parse(request.args, today())
    page = None
    unavailable = False
    try:
        page = services.run(db.session, parsed)
    except BackendUnavailable:
        unavailable = True
    saved = services.saved_searches(db.session, current_user.id) if current_user.is_authenticated else []
    locale = locale_code()
    return render_template(
        "search/index.html",
        parsed=parsed, page=page, unavailable=unavailable, saved=saved,
        link=lambda **changes: _link(parsed.args, **changes),
        toggled=lambda name, value: _toggled(parsed.args, name, value),
        selected=lambda name, value: str(value) in [str(v) for v in (parsed.args.get(name) if isinstance(parsed.args.get(name), list) else [parsed.args.get(name)])],
        facet_label=lambda name, value: services.facet_label(name, value, locale),
        facet_argument=services.facet_argument,
        facet_titles=services.FACET_TITLES,
        sort_labels=services.SORT_LABELS,
        clear_filters=_link({"q": parsed.request.text} if parsed.request.text else {}),
    ), (503 if unavailable else 200)


@bp.post("/search/saved")
@login_required
def save() -> ResponseReturnValue:
    parsed = services.parse(request.form, today())
    try:
        services.save_search(db.session, current_user.id, request.form.get("name", ""), parsed.args)
        db.session.commit()
        flash(_("Search saved."), "success")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    return redirect(_link(parsed.args))


@bp.get("/search/saved")
@login_required
def saved() -> ResponseReturnValue:
    searches = services.saved_searches(db.session, current_user.id)
    return render_template("search/saved.html", searches=searches,
                           link=lambda query: _link(dict(query)),
                           describe_search=lambda query: services.describe_search(query, locale_code()))


@bp.post("/search/saved/<int:saved_id>/delete")
@login_required
def delete_saved(saved_id: int) -> ResponseReturnValue:
    services.delete_saved(db.session, current_user.id, saved_id)
    db.session.commit()
    flash(_("Saved search deleted."), "success")
    return redirect(url_for("search.saved"))
