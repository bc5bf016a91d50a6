"""Server-side sessions: each signed-in browser is a ``user_sessions`` row.

The browser holds ``"<user id>:<key>"`` (Flask-Login's id, in the session cookie and, with "stay
logged in", in the remember cookie); the database holds only the key's SHA-256. Deleting the row
ends the session wherever its cookies were copied to.

Lifetimes: a session ends after ``IDLE_TIMEOUT`` without a request, unless it was remembered;
every session ends ``ABSOLUTE_LIFETIME`` after its log-in (the remember cookie's duration).
``last_seen_at`` (and with it the idle deadline) is written at most every ``TOUCH_INTERVAL``.

Services flush but never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import User, UserSession
from marketplace.bounds import one_line
from marketplace.errors import NotFound
from marketplace.timeutil import aware, utcnow

IDLE_TIMEOUT = timedelta(hours=12)
ABSOLUTE_LIFETIME = timedelta(days=30)
TOUCH_INTERVAL = timedelta(minutes=5)
MAX_USER_AGENT = 200
# Bulk deletes also remove the deleted rows from the ORM session (SQLite's naive datetimes
# defeat the in-Python evaluation of the default strategy).
_FETCH = {"synchronize_session": "fetch"}


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()



def _expiry(row: UserSession, now: datetime) -> datetime:
    """When ``row`` ends if nothing happens after ``now``: the idle deadline (not for remembered
    sessions), capped by the absolute lifetime."""
    absolute = aware(row.created_at) + ABSOLUTE_LIFETIME
    return absolute if row.remember else min(now + IDLE_TIMEOUT, absolute)


def _attach(user: User, row: UserSession, key: str) -> User:
    user.session_key = key
    user.current_session = row
    return user


def start(session: Session, user: User, *, remember: bool = False, user_agent: str = "") -> UserSession:
    """A new server-side session for ``user``, attached to it (``user.get_id()`` then names it).

    The user's expired rows are removed on the way.
    """
    now = utcnow()
    session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now),
        execution_options=_FETCH,
    )
    key = secrets.token_urlsafe(32)
    row = UserSession(
        user_id=user.id,
        key_hash=key_hash(key),
        created_at=now,
        last_seen_at=now,
        remember=remember,
        user_agent=one_line(user_agent or "")[:MAX_USER_AGENT],
    )
    row.expires_at = _expiry(row, now)
    session.add(row)
    session.flush()
    _attach(user, row, key)
    return row


def load(session: Session, session_id: str) -> User | None:
    """Flask-Login's user loader: the active user of a live session ``"<user id>:<key>"``.

    Returns None for a malformed id, an unknown or expired session, or a deactivated user. Moves
    ``last_seen_at`` (and the idle deadline) forward when it is ``TOUCH_INTERVAL`` old, leaving
    the change pending in ``session`` (``accounts.http`` commits it before the view runs).
    """
    user_id, _sep, key = session_id.partition(":")
    if not user_id.isdigit() or not key or len(key) > 100:
        return None
    row = session.scalar(
        select(UserSession).where(UserSession.key_hash == key_hash(key), UserSession.user_id == int(user_id))
    )
    now = utcnow()
    if row is None or aware(row.expires_at) <= now or not row.user.is_active:
        return None
    if now - aware(row.last_seen_at) >= TOUCH_INTERVAL:
        row.last_seen_at = now
        row.expires_at = _expiry(row, now)
    return _attach(row.user, row, key)


def active(session: Session, user: User) -> list[UserSession]:
    """The user's live sessions, most recently seen first."""
    return list(
        session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.expires_at > utcnow())
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def end(session: Session, user: User, session_id: int) -> None:
    """End one of the user's sessions. Raises NotFound for another user's or an unknown one."""
    row = session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_("There is no such session."))
    session.delete(row)
    session.flush()


def end_current(session: Session, user: User) -> None:
    """End the session ``user`` was loaded with (log-out); nothing if it has none."""
    row = user.current_session
    if row is not None:
        session.execute(delete(UserSession).where(UserSession.id == row.id), execution_options=_FETCH)
        session.flush()
    user.session_key = user.current_session = None


def end_others(session: Session, user: User) -> int:
    """End every session of ``user`` but the current one; returns how many ended."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if user.current_session is not None:
        query = query.where(UserSession.id != user.current_session.id)
    ended = session.execute(query, execution_options=_FETCH).rowcount
    session.flush()
    return int(ended or 0)


def end_all(session: Session, user: User) -> int:
    """End every session of ``user`` (a password reset); returns how many ended."""
    ended = session.execute(delete(UserSession).where(UserSession.user_id == user.id), execution_options=_FETCH).rowcount
    session.flush()
    user.session_key = user.current_session = None
    return int(ended or 0)
