"""Account rules: sign-up, authentication, password change and reset.

Services flush but never commit; the view (or CLI command) that called them commits once.
Sign-up through a confirmation e-mail is in ``signups``, server-side sessions in ``sessions``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from marketplace.accounts import sessions, tokens
from marketplace.accounts.models import User
from marketplace.bounds import text_problem
from marketplace.errors import InvalidCredentials, InvalidToken, ValidationFailed
from marketplace.mail import services as mail
from marketplace.organizations.services import create_organization
from marketplace.timeutil import utcnow

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
_RESET_SALT = "password-reset"
# Compared against when the e-mail is unknown, so that timing does not reveal which e-mails exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0000")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    """An scrypt hash (werkzeug's default method)."""
    return generate_password_hash(password, method="scrypt")


def check_password_rules(password: str, field: str = "password") -> None:
    """Raises ValidationFailed naming ``field`` if the password is too short or too long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            _("The password is too short."),
            fields={field: [_("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH)]},
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            _("The password is too long."),
            fields={field: [_("At most %(n)d characters.", n=MAX_PASSWORD_LENGTH)]},
        )


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def ensure_email_free(session: Session, email: str) -> None:
    """Raises ValidationFailed (field ``email``) if an account already has this address."""
    if find_user_by_email(session, email) is not None:
        raise ValidationFailed(
            _("This e-mail address is already registered."),
            fields={"email": [_("This e-mail address is already registered.")]},
        )


def check_display_name(name: str) -> None:
    """Raises ValidationFailed (field ``display_name``) unless ``name`` is one line of at most 100
    characters (empty is allowed: the e-mail's name is used then)."""
    problem = text_problem(name.strip(), max_length=100)
    if problem:
        raise ValidationFailed(_("Please correct the marked fields."), fields={"display_name": [problem]})


def add_user(
    session: Session, *, email: str, password_hash: str, display_name: str, is_admin: bool = False
) -> User:
    """Insert an account whose password is already hashed (a confirmed sign-up request).

    The caller has checked the address (``ensure_email_free``) and the password rules.
    """
    email = normalize_email(email)
    user = User(
        email=email,
        display_name=display_name.strip() or email.split("@")[0],
        password_hash=password_hash,
        is_admin=is_admin,
    )
    session.add(user)
    session.flush()
    return user


def create_user(
    session: Session, *, email: str, password: str, display_name: str, is_admin: bool = False
) -> User:
    """Create an account. Raises ValidationFailed for a taken e-mail, a weak password or a
    display name that is not one line of at most 100 characters."""
    ensure_email_free(session, email)
    check_password_rules(password)
    check_display_name(display_name)
    return add_user(
        session, email=email, password_hash=hash_password(password), display_name=display_name, is_admin=is_admin
    )


def sign_up(
    session: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    organization_name: str,
    kind: str,
) -> User:
    """Create an account together with its organization, the new user being its owner.

    Raises ValidationFailed for a taken e-mail or a weak password. The web sign-up confirms the
    address first (``signups``); the CLI, the demo data and tests call this directly.
    """
    user = create_user(session, email=email, password=password, display_name=display_name)
    create_organization(session, user, name=organization_name, kind=kind)
    return user


def authenticate(session: Session, email: str, password: str) -> User:
    """The active user with these credentials. Raises InvalidCredentials otherwise."""
    user = find_user_by_email(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise InvalidCredentials(_("Wrong e-mail address or password."))
    if not check_password_hash(user.password_hash, password) or not user.active:
        raise InvalidCredentials(_("Wrong e-mail address or password."))
    user.last_login_at = utcnow()
    return user


def set_password(user: User, new_password: str, field: str = "password") -> None:
    """Replace the password. Raises ValidationFailed naming ``field`` if it breaks a rule.

    Sessions and tokens are left alone: ``change_password`` and ``reset_password`` decide.
    """
    check_password_rules(new_password, field)
    user.password_hash = hash_password(new_password)


@dataclass(frozen=True)
class PasswordChanged:
    """What a password change or reset did besides changing the password."""

    sessions_ended: int
    tokens_revoked: int


def change_password(
    session: Session, user: User, current_password: str, new_password: str, *, revoke_tokens: bool = True
) -> PasswordChanged:
    """The user, knowing the current password, chooses a new one.

    Every other session of the user ends (the one ``user`` was loaded with stays); with
    ``revoke_tokens`` every API token is revoked too. Raises ValidationFailed if
    ``current_password`` is wrong or the new one breaks a rule.
    """
    if not check_password_hash(user.password_hash, current_password):
        raise ValidationFailed(
            _("The current password is wrong."),
            fields={"current_password": [_("The current password is wrong.")]},
        )
    set_password(user, new_password, field="new_password")
    ended = sessions.end_others(session, user)
    revoked = tokens.revoke_all(session, user) if revoke_tokens else 0
    return PasswordChanged(sessions_ended=ended, tokens_revoked=revoked)


def reset_password(session: Session, user: User, new_password: str, *, forgot_link: str) -> PasswordChanged:
    """A new password through an e-mailed reset link: whoever had the account may not be its owner.

    Ends every session of the user, revokes every API token, and e-mails the user what was done
    (``forgot_link``: where to reset again if it was not them). Raises ValidationFailed if the
    password breaks a rule.
    """
    set_password(user, new_password)
    ended = sessions.end_all(session, user)
    revoked = tokens.revoke_all(session, user)
    body = _(
        "Hello %(name)s,\n\nThe password of your account was reset with a link sent to this address. "
        "Every session of the account has been logged out. %(tokens)s\n\n"
        "If you did not do this, reset the password again at once: %(link)s",
        name=user.display_name,
        tokens=tokens.revoked_message(revoked),
        link=forgot_link,
    )
    mail.enqueue(session, user.email, _("Your password has been reset"), body)
    return PasswordChanged(sessions_ended=ended, tokens_revoked=revoked)


def _password_fingerprint(user: User) -> str:
    # The token embeds a digest of the current hash, so it stops working once used.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User, secret_key: str) -> str:
    serializer = URLSafeTimedSerializer(secret_key, salt=_RESET_SALT)
    return serializer.dumps({"uid": user.id, "pw": _password_fingerprint(user)})


def user_for_reset_token(session: Session, token: str, secret_key: str, max_age: int) -> User:
    """The user a reset token was issued to. Raises InvalidToken if expired, used or forged."""
    serializer = URLSafeTimedSerializer(secret_key, salt=_RESET_SALT)
    try:
        data = serializer.loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidToken(_("This password-reset link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise InvalidToken(_("This password-reset link is not valid.")) from exc
    user = session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or data.get("pw") != _password_fingerprint(user) or not user.active:
        raise InvalidToken(_("This password-reset link is not valid."))
    return user


def request_password_reset(
    session: Session, email: str, *, secret_key: str, link_for: Callable[[str], str]
) -> None:
    """Queue a reset e-mail if the address belongs to an active account; silent otherwise."""
    user = find_user_by_email(session, email)
    if user is None or not user.active:
        return
    link = link_for(make_reset_token(user, secret_key))
    body = _(
        "Hello %(name)s,\n\nOpen this link to choose a new password (valid for one hour):\n"
        "%(link)s\n\nIf you did not ask for this, ignore this e-mail.",
        name=user.display_name,
        link=link,
    )
    mail.enqueue(session, user.email, _("Reset your password"), body)
