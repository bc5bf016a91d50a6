"""Reading requests (JSON bodies, query parameters, versions) and ending them (commit)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from marketplace import bounds
from marketplace.api.errors import ApiError
from marketplace.errors import Conflict, ValidationFailed
from marketplace.extensions import db

TRUE, FALSE = ("1", "true"), ("0", "false", "")


#: The largest JSON body the API reads (records are a few kB; imports of files use the CLI).
MAX_BODY_BYTES = 1024 * 1024


def json_object() -> dict[str, Any]:
    """The request body as a JSON object; an empty body is ``{}``.

    Bounded: at most MAX_BODY_BYTES (413 beyond), no NaN/Infinity, nesting, sizes, numbers
    and texts within :func:`marketplace.bounds.json_problems`. Raises ApiError 400 for
    malformed JSON or a body that is not an object, ValidationFailed naming every refused
    value by its path.
    """
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise ApiError(413, "payload_too_large", _("The request body is larger than the server accepts."))
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "payload_too_large", _("The request body is larger than the server accepts."))
    if not raw.strip():
        return {}
    try:
        data = bounds.loads(raw)
    except bounds.MalformedJson as exc:
        raise ApiError(400, "malformed_json", _("The body is not valid JSON: %(error)s", error=exc)) from exc
    if not isinstance(data, dict):
        raise ApiError(400, "malformed_json", _("The body must be a JSON object."))
    problems = bounds.json_problems(data)
    if problems:
        raise ValidationFailed(
            _("Please correct the marked fields."), fields={path: [message] for path, message in problems.items()}
        )
    return data


def bad_parameters(names: Iterable[str], message: Any = None) -> ApiError:
    names = sorted(set(names))
    message = message or _("Invalid query parameter: %(names)s.", names=", ".join(names))
    return ApiError(400, "bad_parameter", message, fields={n: [_("invalid value")] for n in names})


#: Query parameters that may be sent empty (the OpenAPI document says so); any other parameter
#: sent empty is an error, as the document's schemas (enums, patterns, integers) say.
MAY_BE_EMPTY = ("q", "facets")


def check_parameters(allowed: Iterable[str]) -> None:
    """Raises ApiError 400 naming any query parameter that is not in ``allowed``, or that is
    sent empty (``?region=``) though its values cannot be empty."""
    unknown = set(request.args) - set(allowed)
    if unknown:
        names = ", ".join(sorted(unknown))
        raise ApiError(
            400,
            "bad_parameter",
            _("Unknown query parameter: %(names)s.", names=names),
            fields={n: [_("unknown parameter")] for n in sorted(unknown)},
        )
    empty = sorted({name for name, value in request.args.items(multi=True) if not value.strip() and name not in MAY_BE_EMPTY})
    if empty:
        raise ApiError(
            400,
            "bad_parameter",
            _("Empty query parameter: %(names)s. Leave it out instead.", names=", ".join(empty)),
            fields={n: [_("must not be empty")] for n in empty},
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
