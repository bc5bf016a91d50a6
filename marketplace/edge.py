"""Checks every request makes before a view runs: no query-string or form value (or name) may
carry a control character or an unpaired surrogate.

Views and services check each field's own rules (lengths, single lines, numbers); this is the
net under all of them, so that a NUL or an escape sequence can never reach the database, a log
line or an e-mail header through a field someone forgot. Tabs and line breaks pass here (multi-line
fields keep them); single-line fields refuse them in their own checks.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _

from marketplace.bounds import control_character
from marketplace.errors import BadInput

#: Longest name or value of one query-string or form field (uploads are not form fields).
MAX_FIELD_CHARS = 100_000


def _check(source: str, items: list[tuple[str, str]]) -> None:
    for name, value in items:
        for text in (name, value):
            code = control_character(text)
            if code:
                shown = name if not control_character(name) else repr(name)[1:-1][:40]
                raise BadInput(
                    _("The %(source)s value %(name)s contains a control character (%(code)s).",
                      source=source, name=shown, code=code),
                    fields={shown: [_("contains a control character (%(code)s)", code=code)]},
                )
            if len(text) > MAX_FIELD_CHARS:
                raise BadInput(
                    _("The %(source)s value %(name)s is too long.", source=source, name=name[:40]),
                    fields={name[:40]: [_("at most %(n)d characters", n=MAX_FIELD_CHARS)]},
                )


def check_request_values() -> None:
    """Raises BadInput (400) naming the first query-string or form field with a control character."""
    _check(_("query"), list(request.args.items(multi=True)))
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data"
    ):
        _check(_("form"), list(request.form.items(multi=True)))


def init_app(app: Flask) -> None:
    app.before_request(check_request_values)
