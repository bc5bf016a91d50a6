"""Browser tests: Python Playwright drives Debian's Chromium (``/usr/bin/chromium``, installed by
``scripts/chromium.sh`` from ``make test``; Playwright never downloads a browser here) against
the app served by a real HTTP server in a background thread, on its own database with the demo
data loaded (tests/browser/support.py).

One server and one browser per test session; every page gets a fresh browser context (its own
cookies), so logins do not leak from one test to the next. The server runs as in production
where it matters to a browser: CSRF protection stays on (every form carries its token), errors
are answered with the error page and logged. Each test fails when the server logged an error,
a page answered 4xx/5xx, or a page had a JavaScript or console error (a CSP violation is one).

Chromium missing: with CI=true the tests fail (CI never skips them), on a laptop they are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.browser.support import (
    CHROMIUM_ARGS,
    ErrorLog,
    LiveServer,
    Problems,
    chromium_executable,
    serve,
)
from tests.conftest import TEST_DATABASE_URL, _postgres_url, base_config

HERE = Path(__file__).parent


def _unavailable(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (with CI=true the browser tests never skip)", pytrace=False)
    pytest.skip(message)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test here is a ``browser`` test; the screenshot writer runs only when asked for
    with ``-m screenshots`` (``make screenshots``)."""
    asked = "screenshots" in (config.getoption("markexpr", "") or "")
    kept, dropped = [], []
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            if item.get_closest_marker("screenshots") and not asked:
                dropped.append(item)
                continue
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium driven by Playwright (its bundled driver; no browser download)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    executable = chromium_executable()
    if executable is None:
        _unavailable("Chromium is not installed: `bash scripts/chromium.sh` (make test runs it) installs Debian's")
    playwright = sync_playwright().start()
    try:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Exception as exc:  # a broken install: say so, then fail or skip as above
        playwright.stop()
        _unavailable(f"Chromium at {executable} did not start: {exc}")
    yield instance
    instance.close()
    playwright.stop()


def _own_postgres_database() -> tuple[str, Callable[[], None]]:
    """A database of the browser tests' own on the PostgreSQL test server, beside the shared
    one (whose tables the other tests empty after each test): created anew, dropped at the end."""
    base = make_url(_postgres_url())
    name = f"{base.database}_browser"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    try:
        drop()
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        _unavailable(f"cannot create the browser tests' database {name} (its role needs CREATEDB): {exc}")

    def cleanup() -> None:
        try:
            drop()
        finally:
            admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), cleanup


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with the demo data on http://127.0.0.1:<free port>: on SQLite in a temporary
    folder, or (MARKETPLACE_TEST_DATABASE_URL set) on a database of its own on that server; the
    shared test configuration (the deterministic ``hashing-64`` encoder), with CSRF on."""
    folder = tmp_path_factory.mktemp("browser")
    cleanup: Callable[[], None] = lambda: None  # noqa: E731
    if TEST_DATABASE_URL:
        url, cleanup = _own_postgres_database()
    else:
        url = f"sqlite:///{folder / 'browser.db'}"
    config = {
        **base_config(url),
        "WTF_CSRF_ENABLED": True,  # real forms carry their tokens
        "PROPAGATE_EXCEPTIONS": False,  # an error is answered with the error page, and logged
    }
    try:
        with serve(config, folder / "instance") as server:
            yield server
    finally:
        cleanup()


@pytest.fixture
def problems() -> Problems:
    return Problems()


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer, problems: Problems) -> Iterator[Callable[..., Any]]:
    """``new_page(width=1280, lang="zh")``: a page in a fresh browser context (own cookies) of
    that width, in that language. At the end the test fails if the server logged an error or a
    page had a JavaScript or console error or an error status."""
    contexts: list[Any] = []

    def open_page(width: int = 1280, height: int = 900, lang: str = "zh") -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN" if lang == "zh" else "en-US",
            base_url=live_server.url,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = problems.watch(context.new_page())
        if lang != "zh":  # Chinese is the default
            page.goto(f"/lang/{lang}?next=/")
        return page

    with ErrorLog() as server_errors:
        yield open_page
        for context in contexts:
            context.close()
    assert not (server_errors.lines or problems.items), "\n".join(
        ["Server errors:", *server_errors.lines, "In the browser:", *problems.items]
    )
