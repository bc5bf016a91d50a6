"""Tell people something: an in-app notification and an e-mail in the outbox (same transaction,
so a rolled-back change notifies no one)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.mail import services as mail
from marketplace.notifications.models import Notification
from marketplace.timeutil import utcnow


def notify(session: Session, users: Iterable[User], message: str, *, link: str = "", subject: str | None = None,
           email: bool = True) -> int:
    """Notify each user once (duplicates ignored); returns how many were notified. ``link`` is
    a path on this site; the e-mail gives it after the message."""
    seen: set[int] = set()
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        session.add(Notification(user_id=user.id, message=message[:500], link=link))
        if email and user.email:
            body = message + (f"\n\n{link}" if link else "")
            mail.enqueue(session, user.email, (subject or message)[:200], body)
    session.flush()
    return len(seen)


def unread_count(session: Session, user_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(Notification)
                              .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0)


def recent(session: Session, user_id: int, limit: int = 50) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                .order_by(Notification.id.desc()).limit(limit)))


def mark_read(session: Session, user_id: int) -> None:
    session.execute(update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
                    .values(read_at=utcnow()))
