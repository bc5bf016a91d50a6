"""Who is calling: a personal API token (``Authorization: Bearer ...``) or the browser session.

Token callers need no CSRF protection (a browser never sends the header by itself); a
session-authenticated write must carry the session's CSRF token in an ``X-CSRFToken`` header.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from marketplace.accounts import tokens
from marketplace.accounts.models import User
from marketplace.api.blueprint import bp
from marketplace.api.errors import ApiError
from marketplace.errors import InvalidCredentials
from marketplace.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRFToken"


@bp.before_request
def identify() -> None:
    """Set ``g.api_user`` (None when anonymous) and ``g.api_auth`` ("token", "session" or None).

    Raises ApiError: 401 for a malformed or invalid token, 403 for a session write without a
    valid CSRF header.
    """
    g.api_user, g.api_auth = None, None
    header = request.headers.get("Authorization", "").strip()
    if header:
        scheme, _sep, credentials = header.partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise ApiError(401, "invalid_token", _("Send the token as 'Authorization: Bearer <token>'."))
        try:
            user = tokens.authenticate(db.session, credentials.strip())
        except InvalidCredentials as exc:
            raise ApiError(401, "invalid_token", exc.message) from exc
        # Record the token's use even if the request itself then fails.
        db.session.commit()
        g.api_user, g.api_auth = user, "token"
        return
    if current_user.is_authenticated:
        g.api_user, g.api_auth = current_user._get_current_object(), "session"
        if request.method not in SAFE_METHODS:
            _check_csrf()


def _check_csrf() -> None:
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        validate_csrf(request.headers.get(CSRF_HEADER))
    except ValidationError as exc:
        raise ApiError(
            403,
            "csrf_failed",
            _("A request authenticated by the session cookie needs the CSRF token in the %(header)s header.", header=CSRF_HEADER),
        ) from exc


def caller() -> User | None:
    """The authenticated user of this API request, or None."""
    return g.get("api_user")


def require_caller() -> User:
    """The authenticated user. Raises ApiError 401 for anonymous callers."""
    user = caller()
    if user is None:
        raise ApiError(401, "authentication_required", _("Log in or send a personal API token."))
    return user


@bp.get("/me")
def me() -> ResponseReturnValue:
    """The caller, its organizations and (for session callers) the CSRF token for writes."""
    user = require_caller()
    body: dict[str, Any] = {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "auth": g.api_auth,
        "organizations": [
            {
                "id": m.organization_id,
                "external_id": m.organization.external_id,
                "name": m.organization.name,
                "kind": m.organization.kind,
                "role": m.role,
            }
            for m in sorted(user.memberships, key=lambda m: m.id)
        ],
    }
    if g.api_auth == "session":
        body["csrf_token"] = generate_csrf()
    return jsonify(body)
