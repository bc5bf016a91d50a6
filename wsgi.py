"""WSGI entry point: ``gunicorn wsgi:app`` or any WSGI server."""

from marketplace import create_app

app = create_app()
