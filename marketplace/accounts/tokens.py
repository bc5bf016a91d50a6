"""Personal API tokens: a user creates one per script or integration and can revoke it.

The token is shown once, at creation; only its SHA-256 and its first characters (so that the owner
can tell tokens apart) are stored. Services flush but never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marketplace.accounts.models import ApiToken, User
from marketplace.errors import InvalidCredentials, NotFound, ValidationFailed
from marketplace.timeutil import aware, utcnow

# A recognisable start lets secret scanners (and people) spot a leaked token.
TOKEN_START = "gdsm_"
PREFIX_LENGTH = 12
MAX_NAME_LENGTH = 100
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often per token: not one write per API call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def create(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the plain token (never stored).

    Raises ValidationFailed (field ``name``) for an empty or too long name, or when the user
    already has the maximum number of active tokens.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the token a name."), fields={"name": [_("Give the token a name.")]})
    if len(name) > MAX_NAME_LENGTH:
        message = _("At most %(n)d characters.", n=MAX_NAME_LENGTH)
        raise ValidationFailed(message, fields={"name": [message]})
    if len(active_tokens(session, user)) >= MAX_ACTIVE_TOKENS:
        message = _("You have %(n)d active tokens: revoke one first.", n=MAX_ACTIVE_TOKENS)
        raise ValidationFailed(message, fields={"name": [message]})
    plain = TOKEN_START + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=token_hash(plain), prefix=plain[:PREFIX_LENGTH])
    session.add(token)
    session.flush()
    return token, plain


def revoke(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's tokens. Raises NotFound for another user's or an unknown token."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("There is no such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token


def revoke_all(session: Session, user: User) -> int:
    """Revoke every active token of ``user`` (a password reset, or a change that asks for it);
    returns how many were revoked."""
    revoked = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow()),
        execution_options={"synchronize_session": "fetch"},
    ).rowcount
    session.flush()
    return int(revoked or 0)


def revoked_message(count: int) -> str:
    """A sentence saying how many API tokens were revoked (for messages and e-mails)."""
    if count == 0:
        return _("You had no API tokens to revoke.")
    if count == 1:
        return _("Your API token has been revoked.")
    return _("Your %(n)d API tokens have been revoked.", n=count)



def authenticate(session: Session, plain: str) -> User:
    """The active user behind a token; records when the token was last used.

    Raises InvalidCredentials for an unknown or revoked token, or a deactivated user.
    """
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(plain)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        raise InvalidCredentials(_("The API token is not valid (unknown or revoked)."))
    now = utcnow()
    if token.last_used_at is None or now - aware(token.last_used_at) >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        session.flush()
    return token.user
