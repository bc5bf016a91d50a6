"""WSGI entry point: ``gunicorn wsgi:app`` or any WSGI server."""

import os

from marketplace import create_app

# A server: load the search index in the background at start (SEARCH_WARM_UP=0 to skip).
app = create_app({"SEARCH_WARM_UP": os.environ.get("SEARCH_WARM_UP", "1") != "0"})
