"""The JSON API under /api/v1: organizations, listings and needs, with personal API tokens.

Importing the route modules attaches their routes and handlers to the blueprint.
"""

from marketplace.api import (  # noqa: F401
    auth,
    docs,
    documents,
    engagements,
    errors,
    organizations,
    postings,
    recommendations,
    search,
)
from marketplace.api.blueprint import bp

__all__ = ["bp"]
