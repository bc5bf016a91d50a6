"""Search backends (embedded full-text and Elasticsearch). Imports neither Flask nor SQLAlchemy."""
