"""Recommendations in the app: the matcher (``matching/``) fed from the database."""
