"""Search backends: :class:`~search.backends.sql.SqlBackend` (SQLite FTS5 or PostgreSQL
full-text search, in the application's own database) and
:class:`~search.backends.elastic.ElasticBackend` (an Elasticsearch cluster behind an alias)."""

from search.backends.base import BackendUnavailable, SearchBackend, Stored

__all__ = ["BackendUnavailable", "SearchBackend", "Stored"]
