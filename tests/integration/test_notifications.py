"""Notifications are written in each reader's language, also outside a request (CLI, jobs)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.notifications import services
from marketplace.notifications.models import Notification


def test_each_reader_gets_their_own_language_outside_a_request(app: Any, make_user: Any) -> None:
    from flask_babel import gettext as _

    from marketplace.accounts.models import User

    chinese, english = make_user(), make_user()
    english.locale = "en"
    db.session.commit()
    ids = (chinese.id, english.id)
    db.session.rollback()  # release the outer session's transaction (SQLite locks at BEGIN)
    with app.app_context():  # a fresh context with an empty flask.g, as in a CLI command
        people = [db.session.get(User, i) for i in ids]
        sent = services.notify(db.session, [*people, people[0]], lambda: _("Nothing yet."), link="/notifications")
        db.session.commit()
    assert sent == 2  # the duplicate is ignored
    texts = {n.user_id: n.message for n in db.session.scalars(select(Notification))}
    assert texts == {chinese.id: "暂无。", english.id: "Nothing yet."}
    mails = db.session.scalars(select(OutboxMessage)).all()
    assert len(mails) == 2 and all(m.body.endswith("/notifications") for m in mails)
    assert services.unread_count(db.session, chinese.id) == 1
    services.mark_read(db.session, chinese.id)
    assert services.unread_count(db.session, chinese.id) == 0 and services.unread_count(db.session, english.id) == 1
