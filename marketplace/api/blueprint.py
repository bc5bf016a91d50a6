"""The API blueprint. Browser forms' automatic CSRF check does not apply to it: API calls
authenticate with a bearer token, and session-authenticated writes send an ``X-CSRFToken``
header instead (checked in :mod:`marketplace.api.auth`).
"""

from flask import Blueprint

from marketplace.extensions import csrf

PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)
