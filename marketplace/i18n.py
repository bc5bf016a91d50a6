"""Locale selection: Chinese by default, English on request."""

from __future__ import annotations

from flask import current_app, has_request_context, session
from flask_login import current_user


def select_locale() -> str:
    """The language of this request: the session's choice, then the user's, then Chinese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background work: for operators
        return str(current_app.config["CLI_LOCALE"])
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])
