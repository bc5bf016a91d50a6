"""Account rules: sign-up, authentication, password change and reset.

Services flush but never commit; the view (or CLI command) that called them commits once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from marketplace.accounts.models import User, new_session_nonce
from marketplace.errors import InvalidCredentials, InvalidToken, ValidationFailed
from marketplace.extensions import db
from marketplace.mail import services as mail
from marketplace.organizations.models import Membership, Organization
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


def create_user(
    session: Session, *, email: str, password: str, display_name: str, is_admin: bool = False
) -> User:
    """Create an account. Raises ValidationFailed for a taken e-mail or a weak password."""
    email = normalize_email(email)
    if find_user_by_email(session, email) is not None:
        raise ValidationFailed(
            _("This e-mail address is already registered."),
            fields={"email": [_("This e-mail address is already registered.")]},
        )
    check_password_rules(password)
    user = User(
        email=email,
        display_name=display_name.strip() or email.split("@")[0],
        password_hash=hash_password(password),
        is_admin=is_admin,
    )
    session.add(user)
    session.flush()
    return user


def sign_up(
    session: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    organization_name: str,
    kind: str,
) -> User:
    """Create an account together with its organization, the new user being its owner."""
    user = create_user(session, email=email, password=password, display_name=display_name)
    organization = Organization(name=organization_name.strip(), kind=kind)
    session.add(organization)
    session.add(Membership(organization=organization, user=user, role="owner"))
    session.flush()
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
    """Replace the password and end every session of this user (a new session nonce)."""
    check_password_rules(new_password, field)
    user.password_hash = hash_password(new_password)
    user.session_nonce = new_session_nonce()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Raises ValidationFailed if ``current_password`` is wrong or the new one breaks a rule."""
    if not check_password_hash(user.password_hash, current_password):
        raise ValidationFailed(
            _("The current password is wrong."),
            fields={"current_password": [_("The current password is wrong.")]},
        )
    set_password(user, new_password, field="new_password")


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


def load_user_from_session_id(session_id: str) -> User | None:
    """Flask-Login's user loader: ``"<id>:<nonce>"`` must match the stored nonce."""
    user_id, _sep, nonce = session_id.partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_nonce != nonce:
        return None
    return user
