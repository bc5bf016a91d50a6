"""The notifications page (reading it marks everything read)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from marketplace.extensions import db
from marketplace.notifications import services

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index() -> ResponseReturnValue:
    items = services.recent(db.session, current_user.id)
    unread = {n.id for n in items if n.read_at is None}
    services.mark_read(db.session, current_user.id)
    db.session.commit()
    return render_template("notifications/index.html", items=items, unread=unread)


@bp.app_context_processor
def unread_notifications() -> dict[str, int]:
    if not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": services.unread_count(db.session, current_user.id)}
