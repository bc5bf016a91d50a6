"""Reading requests (JSON bodies, query parameters, versions) and ending them (commit)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, NoReturn

from flask import request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from marketplace.api.errors import ApiError
from marketplace.errors import Conflict, ValidationFailed
from marketplace.extensions import db

TRUE, FALSE = ("1", "true"), ("0", "false", "")


def _no_constants(name: str) -> NoReturn:
    raise ValueError(name)


def json_object() -> dict[str, Any]:
    """The request body as a JSON object; an empty body is ``{}``.

    Raises ApiError 400 for malformed JSON or a body that is not an object (and werkzeug's 413
    for a body larger than MAX_CONTENT_LENGTH).
    """
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw, parse_constant=_no_constants)  # no NaN or Infinity
    except ValueError as exc:  # includes bad UTF-8
        raise ApiError(400, "malformed_json", _("The body is not valid JSON: %(error)s", error=exc)) from exc
    if not isinstance(data, dict):
        raise ApiError(400, "malformed_json", _("The body must be a JSON object."))
    return data


def bad_parameters(names: Iterable[str], message: Any = None) -> ApiError:
    names = sorted(set(names))
    message = message or _("Invalid query parameter: %(names)s.", names=", ".join(names))
    return ApiError(400, "bad_parameter", message, fields={n: [_("invalid value")] for n in names})


def check_parameters(allowed: Iterable[str]) -> None:
    """Raises ApiError 400 naming any query parameter that is not in ``allowed``."""
    unknown = set(request.args) - set(allowed)
    if unknown:
        names = ", ".join(sorted(unknown))
        raise ApiError(
            400,
            "bad_parameter",
            _("Unknown query parameter: %(names)s.", names=names),
            fields={n: [_("unknown parameter")] for n in sorted(unknown)},
        )


def flag(name: str) -> bool:
    """A boolean query parameter (1/true or 0/false). Raises ApiError 400 for other values."""
    value = (request.args.get(name) or "").strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise bad_parameters([name])


def _parse_etag(header: str) -> int | None:
    value = header.strip()
    if value == "*":
        return None
    if value.startswith("W/"):
        value = value[2:]
    try:
        return int(value.strip('"'))
    except ValueError:
        raise ApiError(
            400, "bad_request", _('If-Match must hold the version from the ETag, e.g. "3".')
        ) from None


def expected_version(body: dict[str, Any]) -> int | None:
    """The version the client last saw: the If-Match header, else the body's ``version``
    (removed from ``body``); None when neither is given.

    Raises ApiError 400 for a malformed header or when header and body disagree, and
    ValidationFailed for a ``version`` that is not a positive whole number.
    """
    from_body = None
    if "version" in body:
        from_body = body.pop("version")
        if not isinstance(from_body, int) or isinstance(from_body, bool) or from_body < 1:
            raise ValidationFailed(
                _("Please correct the marked fields."), fields={"version": [_("must be a whole number ≥ 1")]}
            )
    header = request.headers.get("If-Match")
    if header is None:
        return from_body
    from_header = _parse_etag(header)
    if from_body is not None and from_header is not None and from_body != from_header:
        raise ApiError(400, "bad_request", _("If-Match and the body's version disagree."))
    return from_header if from_header is not None else from_body


def commit() -> None:
    """Commit the request's work. Raises Conflict if a concurrent request got there first."""
    try:
        db.session.commit()
    except (IntegrityError, StaleDataError) as exc:
        db.session.rollback()
        raise Conflict(_("The request conflicts with a change made in the meantime. Reload and try again.")) from exc
