"""What the web layer does for every request of a signed-in user: load the user from the
server-side session before the view runs, mark every cookie Secure when sessions are, and keep
authenticated pages out of caches.

``init_app`` is called from ``setup.init_auth`` before Flask-Login's ``init_app``: after-request
hooks run in reverse order of registration, so ours then runs after Flask-Login has set (or
cleared) the remember cookie.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request
from flask_login import current_user

from marketplace.accounts import sessions
from marketplace.accounts.models import User
from marketplace.extensions import db


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader (the session cookie's and the remember cookie's id)."""
    return sessions.load(db.session, session_id)


def _is_static() -> bool:
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")


def load_session_first() -> None:
    """Load the signed-in user before the view, so that a ``last_seen_at`` update of the loader
    is committed on its own here, never together with (or rolled back with) the view's work."""
    if _is_static():
        return
    if current_user.is_authenticated and db.session.dirty:
        db.session.commit()


def cookies_secure(response: Response) -> Response:
    """Add ``Secure`` to every cookie set by the response when ``SESSION_COOKIE_SECURE`` is on
    or the request came over HTTPS (Flask-Login sets the remember cookie without it)."""
    if not (current_app.config.get("SESSION_COOKIE_SECURE") or request.is_secure):
        return response
    headers = response.headers.getlist("Set-Cookie")
    if not headers or all(_has_secure(h) for h in headers):
        return response
    response.headers.remove("Set-Cookie")
    for header in headers:
        response.headers.add("Set-Cookie", header if _has_secure(header) else header + "; Secure")
    return response


def _has_secure(header: str) -> bool:
    return any(part.strip().lower() == "secure" for part in header.split(";")[1:])


def no_store_when_signed_in(response: Response) -> Response:
    """``Cache-Control: no-store`` and ``Vary: Cookie`` on responses to a signed-in user (session
    or API token), except static files and responses that chose their own Cache-Control."""
    if _is_static() or "Cache-Control" in response.headers:
        return response
    signed_in = g.get("api_user") is not None or current_user.is_authenticated
    if signed_in:
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    """Register the loader's companion hooks (call before ``login_manager.init_app``)."""
    app.before_request(load_session_first)
    app.after_request(cookies_secure)
    app.after_request(no_store_when_signed_in)
