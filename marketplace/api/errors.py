"""One error shape for everything under /api/v1: ``{"error": {"code", "message", "fields"}}``.

Errors raised in API views are handled by the blueprint. Unknown routes (404) and wrong methods
(405) never reach a blueprint, so app-level handlers for those two answer JSON under the API's
path and hand every other path to the app's own (HTML) error handler.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from marketplace.api.blueprint import PREFIX, bp
from marketplace.errors import DomainError
from marketplace.extensions import db

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error of the API itself (not of a business rule): bad parameters, missing auth..."""

    def __init__(
        self, status: int, code: str, message: Any, *, fields: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(str(message))
        self.status, self.code, self.message = status, code, message
        self.fields: Mapping[str, Any] = fields or {}


def _plain_fields(fields: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """Field messages as lists of plain strings (services may give lazy strings or one string)."""
    plain: dict[str, list[str]] = {}
    for name, messages in (fields or {}).items():
        items = messages if isinstance(messages, list | tuple) else [messages]
        plain[str(name)] = [str(m) for m in items]
    return plain


def error_response(
    status: int, code: str, message: Any, fields: Mapping[str, Any] | None = None
) -> Response:
    """The JSON error response; 401 says how to authenticate."""
    response = jsonify({"error": {"code": code, "message": str(message), "fields": _plain_fields(fields)}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _http_messages() -> dict[int, tuple[str, str]]:
    return {
        400: ("bad_request", _("The request could not be understood.")),
        401: ("unauthorized", _("Log in or send a personal API token.")),
        403: ("forbidden", _("You are not allowed to do this.")),
        404: ("not_found", _("There is nothing at this address.")),
        405: ("method_not_allowed", _("This address does not accept that method.")),
        409: ("conflict", _("The request conflicts with the current state.")),
        413: ("payload_too_large", _("The request body is larger than the server accepts.")),
        415: ("unsupported_media_type", _("Send the body as application/json.")),
        429: ("too_many_requests", _("Too many requests in a short time. Wait a minute and try again.")),
    }


def http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status >= 500:
        return error_response(status, "server_error", _("Something went wrong on our side. Please try again later."))
    code, message = _http_messages().get(status, ("http_error", exc.name))
    response = error_response(status, code, message)
    for name, value in exc.get_headers():
        if name.lower() == "allow":
            response.headers["Allow"] = value
    return response


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.fields)


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError) -> Response:
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.fields)


@bp.errorhandler(StaleDataError)
def _stale(exc: StaleDataError) -> Response:
    db.session.rollback()
    return error_response(409, "conflict", _("Someone else saved this in the meantime. Reload it and apply your changes again."))


@bp.errorhandler(IntegrityError)
def _integrity(exc: IntegrityError) -> Response:
    db.session.rollback()
    return error_response(409, "conflict", _("The request conflicts with the current state."))


@bp.errorhandler(HTTPException)
def _http(exc: HTTPException) -> Response:
    db.session.rollback()
    return http_error(exc)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Response:
    db.session.rollback()
    log.exception("unhandled error in the API")
    return error_response(500, "server_error", _("Something went wrong on our side. Please try again later."))


# --- routing errors (404, 405) happen before a blueprint is chosen ------------------------------


def is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def _app_handler(app: Flask, exc: HTTPException) -> Any:
    """The app's own class-based handler for ``exc`` (the HTML error page), if any."""
    handlers = app.error_handler_spec.get(None, {}).get(None, {})
    for cls in type(exc).__mro__:
        if cls in handlers:
            return handlers[cls]
    return None


def _routing_error(exc: HTTPException) -> Any:
    if is_api_request():
        return http_error(exc)
    handler = _app_handler(current_app, exc)
    return handler(exc) if handler is not None else exc


@bp.record_once
def _install_routing_handlers(state: BlueprintSetupState) -> None:
    for status in (404, 405):
        state.app.register_error_handler(status, _routing_error)
