"""What page views share: run a service call, commit, and either say it is done or show why not.

Views stay thin: they parse the request, call a service through :func:`submit` (a form: errors
next to its fields), :func:`attempt` (errors returned to the caller) or :func:`act` (a button:
errors flashed), and render or redirect. A domain error rolls everything back: field errors go
next to the fields, other refusals are shown, 403 and 404 stay HTTP errors, and a concurrent
change (a stale version, a unique value taken meanwhile) asks for a reload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, flash, redirect
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from marketplace.errors import DomainError, ValidationFailed
from marketplace.extensions import db
from marketplace.forms import attach_errors

T = TypeVar("T")


def _concurrent_change() -> str:
    return _("Someone else saved this in the meantime. Reload the page and apply your changes again.")


def attempt(action: Callable[[], Any]) -> tuple[bool, dict[str, list[str]]]:
    """Run a service call and commit: (True, {}) when done; (False, field errors) when input
    broke a rule with fields to mark; (False, {}) after flashing any other refusal. Nothing is
    written unless done; 403 and 404 stay HTTP errors; a concurrent change asks for a reload."""
    try:
        action()
        db.session.commit()
        return True, {}
    except DomainError as exc:
        db.session.rollback()
        if exc.status in (403, 404):
            abort(exc.status)
        if isinstance(exc, ValidationFailed) and exc.fields:
            return False, {k: [str(m) for m in v] for k, v in exc.fields.items()}
        flash(str(exc.message), "danger")
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        flash(_concurrent_change(), "danger")
    return False, {}


def submit(
    form: FlaskForm, action: Callable[[], T], field_of: Callable[[str], str] | None = None
) -> tuple[bool, T | None]:
    """Run a validated form's service call and commit: (True, what it returned) when done.

    Field errors go next to the form's fields (also those of a 403, such as a field only an owner
    may change; ``field_of`` maps a service's field name to the form's); any other refusal goes at
    the top of the form; 403 and 404 without fields stay HTTP errors. Nothing is written unless
    done.
    """
    try:
        result = action()
        db.session.commit()
        return True, result
    except DomainError as exc:
        db.session.rollback()
        if exc.fields:
            fields: dict[str, list[Any]] = {}
            for name, messages in exc.fields.items():
                fields.setdefault(field_of(name) if field_of else name, []).extend(
                    messages if isinstance(messages, list | tuple) else [messages])
            attach_errors(form, fields)
            return False, None
        if exc.status in (403, 404):
            abort(exc.status)
        form.form_errors.append(str(exc.message))
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        form.form_errors.append(_concurrent_change())
    return False, None


def act_on(form: FlaskForm, action: Callable[[FlaskForm], Any], done: str | None, back: str) -> ResponseReturnValue:
    """:func:`act` for the few values behind a button, read by ``form``: values it cannot read
    (no number where one belongs, a control character) are said and nothing runs."""
    if not form.validate():
        flash(" ".join(dict.fromkeys(str(m) for messages in form.errors.values() for m in messages)), "danger")
        return redirect(back)
    return act(lambda: action(form), done, back)


def act(action: Callable[[], Any], done: str | None, back: str) -> ResponseReturnValue:
    """:func:`attempt` for a button with no fields to mark: say what was wrong, or ``done``, and
    go ``back``."""
    succeeded, errors = attempt(action)
    if errors:
        flash(" ".join(dict.fromkeys(m for v in errors.values() for m in v)), "danger")
    elif succeeded and done:
        flash(done, "success")
    return redirect(back)
