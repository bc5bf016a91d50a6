"""Matching: encoder, vector index, eligibility and schedulers. Imports neither Flask nor SQLAlchemy."""
