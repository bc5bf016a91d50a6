"""Helpers shared by every feature's forms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectChoice


def attach_errors(form: FlaskForm, fields: Mapping[str, Sequence[Any]]) -> None:
    """Show a service's field errors next to the form's fields (unknown names go to the form)."""
    for name, messages in fields.items():
        field = getattr(form, name, None)
        target = field.errors if field is not None else form.form_errors
        if isinstance(target, tuple):  # WTForms keeps an empty tuple until validation ran
            target = list(target)
            if field is not None:
                field.errors = target
        target.extend(str(m) for m in messages)


def options(pairs: Sequence[tuple[str, Any]], optgroup: str | None = None) -> list[SelectChoice]:
    """``(value, label)`` pairs as WTForms select choices."""
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]
