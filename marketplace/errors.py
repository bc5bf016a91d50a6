"""Domain errors raised by services; views turn them into messages or HTTP statuses."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule said no. ``message`` is user-facing (already translated)."""

    code = "domain_error"
    status = 422

    def __init__(self, message: Any, *, fields: dict[str, Any] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.fields: dict[str, Any] = fields or {}


class ValidationFailed(DomainError):
    """Input broke a rule; ``fields`` maps each field name to its messages."""

    code = "validation_failed"
    status = 422


class Conflict(DomainError):
    code = "conflict"
    status = 409


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 401


class InvalidToken(DomainError):
    code = "invalid_token"
    status = 400


class BadInput(DomainError):
    """A request carried a value no field accepts (a control character, an oversized number)."""

    code = "bad_request"
    status = 400
