"""Error pages that say what happened and leak nothing (no stack traces, no SQL)."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from marketplace.api.errors import error_response, is_api_request
from marketplace.api.errors import http_error as api_http_error
from marketplace.errors import DomainError
from marketplace.extensions import db

log = logging.getLogger(__name__)


def _page(status: int, title: str, message: str) -> ResponseReturnValue:
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> ResponseReturnValue:
        return _page(400, _("Form expired"), _("The form was too old or came from another site. Go back, reload the page and try again."))

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> ResponseReturnValue:
        db.session.rollback()
        if is_api_request():  # raised before a route matched (the per-request input check): JSON
            return error_response(exc.status, exc.code, exc.message, exc.fields)
        titles = {403: _("Not allowed"), 404: _("Not found"), 409: _("Conflict")}
        return _page(exc.status, titles.get(exc.status, _("Request refused")), str(exc.message))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        if is_api_request():
            return api_http_error(exc)
        status = exc.code or 500
        messages = {
            400: (_("Bad request"), _("The request could not be understood.")),
            403: (_("Not allowed"), _("You do not have permission to see this page.")),
            404: (_("Page not found"), _("There is no page at this address.")),
            405: (_("Method not allowed"), _("This address does not accept that kind of request.")),
            413: (_("Upload too large"), _("The data sent was larger than the server accepts.")),
            429: (_("Too many attempts"), _("Too many requests in a short time. Wait a minute and try again.")),
        }
        title, message = messages.get(status, (_("Error"), _("Something went wrong.")))
        return _page(status, title, message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        db.session.rollback()
        log.exception("unhandled error")
        if is_api_request():
            return error_response(500, "server_error", _("Something went wrong on our side. Please try again later."))
        return _page(500, _("Server error"), _("Something went wrong on our side. Please try again later."))
