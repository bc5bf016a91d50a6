"""Search: hybrid keyword + meaning search with facets, on an embedded backend (SQLite FTS5 or
PostgreSQL full-text search) or on Elasticsearch. Imports neither Flask nor SQLAlchemy.

The public API: :class:`Document` in (``backend.upsert``/``delete``), :class:`SearchRequest`
in and :class:`SearchResult` out (:meth:`SearchEngine.search`; :class:`Stored` texts from the
caller, optionally, for the snippets).
"""

from search.backends.base import BackendUnavailable, SearchBackend, Stored
from search.engine import SearchEngine
from search.model import (
    FACETS,
    MAX_QUERY_CHARS,
    PRICE_BUCKETS,
    PUBLISHED_BUCKETS,
    SORTS,
    Document,
    FacetValue,
    Filters,
    Hit,
    SearchRequest,
    SearchResult,
    Segment,
)

__all__ = [
    "FACETS",
    "MAX_QUERY_CHARS",
    "PRICE_BUCKETS",
    "PUBLISHED_BUCKETS",
    "SORTS",
    "BackendUnavailable",
    "Document",
    "FacetValue",
    "Filters",
    "Hit",
    "SearchBackend",
    "SearchEngine",
    "SearchRequest",
    "SearchResult",
    "Segment",
    "Stored",
]
