"""Tell people something: an in-app notification and an e-mail in the outbox (same transaction,
so a rolled-back change notifies no one)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.mail import services as mail
from marketplace.notifications.models import Notification
from marketplace.timeutil import utcnow


def notify(session: Session, users: Iterable[User | None], message: Callable[[], str], *, link: str = "",
           email: bool = True, subject: Callable[[], str] | None = None) -> int:
    """Notify each user once (duplicates and None ignored); returns how many were notified.

    ``message`` makes the text and ``subject`` the e-mail's subject line (default: the text's
    start); both are called in each recipient's language. ``link`` is a path on this site: the
    notification links to it and the e-mail gives it after the text, as a full address when a
    request tells the site's address.
    """
    seen: set[int] = set()
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")
    address = _address(link)
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        with force_locale(user.locale or default):
            text = str(message())
            title = str(subject()) if subject is not None else text
        session.add(Notification(user_id=user.id, message=text[:500], link=link))
        if email and user.email:
            mail.enqueue(session, user.email, title[:200], text + (f"\n\n{address}" if address else ""))
    session.flush()
    return len(seen)


def _address(link: str) -> str:
    """A site path as a full address for an e-mail (in a request); the path as it is otherwise
    (CLI commands and jobs know no host)."""
    if not link.startswith("/") or link.startswith("//") or not has_request_context():
        return link
    return request.host_url.rstrip("/") + link


def unread_count(session: Session, user_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(Notification)
                              .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0)


def recent(session: Session, user_id: int, limit: int = 50) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                .order_by(Notification.id.desc()).limit(limit)))


def mark_read(session: Session, user_id: int) -> None:
    session.execute(update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
                    .values(read_at=utcnow()))
