"""Pages for listings and needs."""

from flask import Blueprint

bp = Blueprint("listings", __name__)
