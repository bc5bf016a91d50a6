"""Sign-up through a confirmation e-mail, so that the sign-up page never tells whether an address
already has an account.

A new address gets a pending ``SignupRequest`` and a link; the account, its organization and the
owner membership are made only when the link's page is confirmed. An address that already has an
account gets an e-mail to its owner instead, and nothing is created. Either way the page answers
the same. Services flush but never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from marketplace.accounts import services
from marketplace.accounts.models import SignupRequest, User
from marketplace.errors import Conflict, InvalidToken
from marketplace.mail import services as mail
from marketplace.organizations.services import check_organization_name, create_organization
from marketplace.timeutil import aware, utcnow

REQUEST_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class SignupLinks:
    """The links a sign-up e-mail may carry: ``confirm`` builds the link of a token."""

    confirm: Callable[[str], str]
    login: str
    forgot_password: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()



def request_signup(
    session: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    organization_name: str,
    kind: str,
    links: SignupLinks,
) -> None:
    """Queue the e-mail that answers a sign-up, without saying which of two cases it was.

    A new address: a pending request (replacing any earlier one for the address, valid for
    ``REQUEST_LIFETIME``) and a confirmation link. A registered address: a note to its owner with
    the log-in and password-reset links; nothing is stored. Raises ValidationFailed (field
    ``password``) if the password breaks a rule, in both cases alike.
    """
    email = services.normalize_email(email)
    services.check_password_rules(password)
    services.check_display_name(display_name)
    check_organization_name(organization_name, field="organization_name")
    # Hashed in both cases, so that the time taken does not tell them apart either.
    password_hash = services.hash_password(password)
    now = utcnow()
    session.execute(
        delete(SignupRequest).where((SignupRequest.email == email) | (SignupRequest.expires_at <= now)),
        execution_options={"synchronize_session": "fetch"},
    )
    owner = services.find_user_by_email(session, email)
    if owner is not None:
        body = _(
            "Hello %(name)s,\n\nSomeone tried to sign up with this e-mail address, which already has an "
            "account. If it was you, log in:\n%(login)s\n\nForgot your password? Reset it:\n%(reset)s\n\n"
            "If it was not you, ignore this e-mail: nothing has changed.",
            name=owner.display_name,
            login=links.login,
            reset=links.forgot_password,
        )
        mail.enqueue(session, owner.email, _("Someone tried to sign up with your address"), body)
        return
    token = secrets.token_urlsafe(32)
    session.add(
        SignupRequest(
            email=email,
            display_name=display_name.strip()[:100],
            organization_name=organization_name.strip()[:200],
            kind=kind,
            password_hash=password_hash,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + REQUEST_LIFETIME,
        )
    )
    body = _(
        "Hello %(name)s,\n\nOpen this link within 24 hours to confirm your e-mail address and create "
        "the account of %(org)s:\n%(link)s\n\n"
        "If you did not sign up, ignore this e-mail: nothing is created without it.",
        name=display_name.strip() or email,
        org=organization_name.strip(),
        link=links.confirm(token),
    )
    mail.enqueue(session, email, _("Confirm your e-mail address"), body)
    session.flush()


def already_registered() -> str:
    """What a confirmation says when the address got an account since the request was made."""
    return _("This e-mail address already has an account: log in, or reset the password.")


def request_for_token(session: Session, token: str) -> SignupRequest:
    """The pending sign-up behind a link. Raises InvalidToken if unknown, used or expired."""
    request = session.scalar(select(SignupRequest).where(SignupRequest.token_hash == token_hash(token)))
    if request is None:
        raise InvalidToken(_("This sign-up link is not valid: it may have been used already."))
    if aware(request.expires_at) <= utcnow():
        raise InvalidToken(_("This sign-up link has expired."))
    return request


def confirm_signup(session: Session, token: str) -> User:
    """Create the account, its organization and the owner membership of a pending sign-up, and
    delete the request.

    Raises InvalidToken (see ``request_for_token``), or Conflict if the address got an account
    since the request was made (nothing is created then).
    """
    request = request_for_token(session, token)
    if services.find_user_by_email(session, request.email) is not None:
        raise Conflict(already_registered())
    user = services.add_user(
        session, email=request.email, password_hash=request.password_hash, display_name=request.display_name
    )
    create_organization(session, user, name=request.organization_name, kind=request.kind)
    session.delete(request)
    session.flush()
    return user
