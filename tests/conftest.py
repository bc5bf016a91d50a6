"""Shared fixtures: a migrated database per run (SQLite, or PostgreSQL when asked), a fresh app
and empty tables per test, and factories for users and organizations.

The PostgreSQL pass of ``make test`` sets ``MARKETPLACE_TEST_DATABASE_URL``; then every test runs
against that server, and an unreachable server fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Before anything imports the app: tests never touch a developer's instance folder or database.
_INSTANCE = tempfile.mkdtemp(prefix="marketplace-test-instance-")
os.environ["MARKETPLACE_INSTANCE"] = _INSTANCE
os.environ.pop("DATABASE_URL", None)
os.environ.pop("SMTP_HOST", None)

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient, FlaskCliRunner  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.config import database_url as normalise_url  # noqa: E402
from marketplace.extensions import db  # noqa: E402

PASSWORD = "correct-horse-42"
TEST_DATABASE_URL = os.environ.get("MARKETPLACE_TEST_DATABASE_URL", "").strip()


def base_config(url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # A deterministic fake encoder; tests of the real model ask for it explicitly.
        "MATCHING_MODEL": "hashing-64",
    }


def _postgres_url() -> str:
    os.environ["DATABASE_URL"] = TEST_DATABASE_URL
    try:
        url = normalise_url(Path(_INSTANCE))
    finally:
        os.environ.pop("DATABASE_URL", None)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any connection failure: report it plainly
        message = f"PostgreSQL at MARKETPLACE_TEST_DATABASE_URL is unreachable: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database of this test run, migrated to the newest revision."""
    if TEST_DATABASE_URL:
        url = _postgres_url()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    from flask_migrate import upgrade

    app = create_app(base_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


class IsolatedClient(FlaskClient):
    """Gives every request its own application context, as a real server does.

    The test's own context (and database session) would otherwise be shared with the request:
    ``g`` would leak the logged-in user from one client to another and the request would see
    the test's uncommitted state. The test's session commits first, so that it holds no
    transaction (and no SQLite write lock) while the request runs.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        from flask import current_app

        if current_app:
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in [*tables, "search_fts"]:  # the FTS5 table is not a model
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build an app on the test database with extra settings; tables are emptied afterwards."""
    apps: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        application = create_app({**base_config(database_url), **overrides})
        application.test_client_class = IsolatedClient
        apps.append(application)
        return application

    yield build
    for application in apps:
        with application.app_context():
            db.session.remove()
            if application is apps[0]:
                _empty_tables()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    application = make_app()
    with application.app_context():
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., Any]:
    """Create (and commit) a user who owns a new organization; returns the user."""
    from marketplace.accounts import services

    counter = {"n": 0}

    def make(
        email: str | None = None,
        *,
        kind: str = "sme",
        org_name: str | None = None,
        password: str = PASSWORD,
        admin: bool = False,
    ) -> Any:
        counter["n"] += 1
        email = email or f"user{counter['n']}@example.cn"
        user = services.sign_up(
            db.session,
            email=email,
            password=password,
            display_name=f"User {counter['n']}",
            organization_name=org_name or f"测试机构{counter['n']}",
            kind=kind,
        )
        user.is_admin = admin
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_posting(app: Flask) -> Callable[..., Any]:
    """Create (and commit) a published posting of a user's organization (tests.factories)."""
    from tests.factories import gen_posting

    return gen_posting


class Auth:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD) -> Any:
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self) -> Any:
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


# --- Elasticsearch ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def elasticsearch_url() -> str:
    """The Elasticsearch server for tests: ``ELASTICSEARCH_TEST_URL`` (``make test`` starts one
    and sets it). Unreachable: the test fails with CI=true, else it is skipped."""
    import json
    import urllib.request

    url = os.environ.get("ELASTICSEARCH_TEST_URL", "http://127.0.0.1:9200").rstrip("/")
    reason = "cluster not healthy"
    healthy = False
    try:
        # The integ-test distribution does not answer GET /; cluster health it does.
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=3) as response:
            healthy = json.loads(response.read()).get("status") in ("green", "yellow")
    except (OSError, ValueError) as exc:
        reason = str(exc)
    if not healthy:
        message = f"Elasticsearch at {url} is unreachable ({reason}); `make test` starts one"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return url
