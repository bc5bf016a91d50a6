"""The steps of ``create_app``, one function each."""

from __future__ import annotations

import logging

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from marketplace.bounds import MAX_ID
from marketplace.config import PACKAGE_DIR, shipped
from marketplace.extensions import (
    babel,
    bootstrap,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    talisman,
)

MIGRATIONS_DIR = shipped("migrations")

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
        # The Elasticsearch client logs every request at INFO (one line per search call).
        logging.getLogger("elastic_transport").setLevel(logging.WARNING)


def init_database(app: Flask) -> None:
    from marketplace.database import engine_options, install_sqlite_settings

    install_sqlite_settings()
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    )
    db.init_app(app)
    # Import every model so that metadata (and Alembic autogenerate) sees the whole schema.
    import marketplace.models  # noqa: F401

    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)


def init_i18n(app: Flask) -> None:
    from marketplace.i18n import select_locale

    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PACKAGE_DIR / "translations"),
    )


class _SessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:  # type: ignore[override]
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def init_security(app: Flask) -> None:
    if app.config["TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.session_interface = _SessionInterface()
    from marketplace import edge

    edge.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=False,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        strict_transport_security=True,
        permissions_policy={"browsing-topics": "()", "camera": "()", "microphone": "()"},
    )


def init_auth(app: Flask) -> None:
    from marketplace.accounts import http as account_http

    account_http.init_app(app)  # before Flask-Login: its after-request hooks must run after Flask-Login's
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"
    login_manager.user_loader(account_http.load_user)

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see this page.")


def init_templates(app: Flask) -> None:
    from marketplace import templating

    bootstrap.init_app(app)
    templating.register(app)


def init_search(app: Flask) -> None:
    """Changes to listings reach the search index right after the request commits; a server
    process loads the search index in the background as it starts."""
    from marketplace.search.indexing import index_after_request, warm_up

    app.after_request(index_after_request)
    if app.config.get("SEARCH_WARM_UP"):  # a server process (wsgi.py, make run), not the CLI or tests
        warm_up(app)


class _BoundedInteger(IntegerConverter):
    """``<int:...>`` in every route (they are all row ids): a number beyond the id columns' range
    becomes 0, which names no row, so the view answers 404 whatever the method. (Refusing to
    match instead would make werkzeug answer 405 to a PATCH, and passing it on would reach the
    database as a number it cannot compare with an INTEGER column.)"""

    regex = r"[0-9]+"  # ASCII digits only: werkzeug's \d also matches ١ or １ as another spelling of 1

    def to_python(self, value: str) -> int:
        if len(value) > 10:
            return 0
        number = int(value)
        return number if number <= MAX_ID else 0


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = _BoundedInteger
    from listings.views import bp as listings_bp
    from marketplace.accounts.views import bp as accounts_bp
    from marketplace.admin.views import bp as admin_bp
    from marketplace.api import bp as api_bp
    from marketplace.documents.views import bp as documents_bp
    from marketplace.engagements.views import bp as engagements_bp
    from marketplace.events import manage, views  # noqa: F401  (their routes go onto the events blueprint)
    from marketplace.events.blueprint import bp as events_bp
    from marketplace.main.views import bp as main_bp
    from marketplace.notifications.views import bp as notifications_bp
    from marketplace.organizations.views import bp as organizations_bp
    from marketplace.search.views import bp as search_bp

    for blueprint in (main_bp, accounts_bp, organizations_bp, listings_bp, search_bp, events_bp, notifications_bp,
                      engagements_bp, documents_bp, admin_bp, api_bp):
        app.register_blueprint(blueprint)


def register_error_handlers(app: Flask) -> None:
    from marketplace.main.errors import register

    register(app)


def register_cli(app: Flask) -> None:
    from marketplace.cli import register

    register(app)

