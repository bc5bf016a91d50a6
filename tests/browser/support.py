"""What the browser tests share: the live server, the problems a page may show, and how a person
logs in and follows the main navigation (tests/browser/conftest.py has the fixtures)."""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.serving import make_server

from marketplace import create_app
from marketplace.extensions import db

DEMO_PASSWORD = "demo-2026"
LOGINS = {
    "sme": "sme@demo.gd.cn",
    "bank": "bank@demo.gd.cn",
    "organizer": "organizer@demo.gd.cn",
    "admin": "admin@demo.gd.cn",
}
LANGUAGES = ("zh", "en")
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def chromium_executable() -> str | None:
    """Debian's Chromium (``CHROMIUM_PATH`` overrides); None when it is not installed."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


# Debian's package runs without a sandbox as root; /dev/shm may be small in containers.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]


class ErrorLog(logging.Handler):
    """The error log records of the process while a browser test runs, as text (the app logs
    every unhandled exception, werkzeug every request that broke)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = f"{record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            line += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        self.lines.append(line)

    def __enter__(self) -> ErrorLog:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self)


@dataclass
class LiveServer:
    url: str
    app: Flask = field(repr=False)
    logins: list[tuple[str, str, str]] = field(repr=False)

    def t(self, lang: str, message: str, **values: Any) -> str:
        """A message of the app's catalog as a reader of ``lang`` sees it: the tests find
        labels, buttons and headings by their visible text, in either language."""
        from flask_babel import force_locale, gettext

        with self.app.test_request_context(), force_locale(lang):
            return gettext(message, **values)

    def tn(self, lang: str, singular: str, plural: str, num: int) -> str:
        """A plural message of the catalog (``%(num)d``) for ``num``, as :meth:`t`."""
        from flask_babel import force_locale, ngettext

        with self.app.test_request_context(), force_locale(lang):
            return ngettext(singular, plural, num)


@contextmanager
def serve(config: dict[str, Any], instance: Path) -> Iterator[LiveServer]:
    """The app, migrated and with the demo data loaded, served by werkzeug on 127.0.0.1 (a free
    port) from a background thread. ``instance`` is its own instance folder (matcher files)."""
    from flask_migrate import upgrade

    from marketplace import demo

    shared_instance = os.environ.get("MARKETPLACE_INSTANCE")
    os.environ["MARKETPLACE_INSTANCE"] = str(instance)
    try:
        app = create_app(config)
    finally:
        if shared_instance is None:
            os.environ.pop("MARKETPLACE_INSTANCE", None)
        else:
            os.environ["MARKETPLACE_INSTANCE"] = shared_instance
    with app.app_context():
        upgrade()
        logins = demo.load(db.session)
        db.session.commit()
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, logins)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@dataclass
class Problems:
    """What went wrong while a test browsed: JavaScript errors, console errors (a failed
    resource, a Content-Security-Policy violation), pages answered 4xx/5xx, any 5xx."""

    items: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> Any:
        page.on("pageerror", lambda exc: self.items.append(f"JavaScript error on {page.url}: {exc}"))
        page.on("console", lambda msg: self._console(page, msg))
        page.on("response", self._response)
        return page

    def _console(self, page: Any, msg: Any) -> None:
        if msg.type in ("error", "assert"):
            self.items.append(f"console {msg.type} on {page.url}: {msg.text}")

    def _response(self, response: Any) -> None:
        if response.status >= 500 or (response.status >= 400 and response.request.is_navigation_request()):
            self.items.append(f"HTTP {response.status} for {response.request.method} {response.url}")


def log_in(page: Any, server: LiveServer, email: str, lang: str) -> None:
    """Log in through the login form, found by its labels in the page's language."""
    page.goto("/login")
    form = page.get_by_role("main").locator("form")
    form.get_by_label(server.t(lang, "E-mail"), exact=True).fill(email)
    form.get_by_label(server.t(lang, "Password"), exact=True).fill(DEMO_PASSWORD)
    with page.expect_navigation():
        form.get_by_role("button", name=server.t(lang, "Log in"), exact=True).click()


def main_navigation(page: Any, server: LiveServer, lang: str) -> Any:
    return page.get_by_role("navigation", name=server.t(lang, "Main navigation"), exact=True)


def follow_nav(page: Any, server: LiveServer, lang: str, name: str) -> None:
    """Click a link of the main navigation as a person would: opening the collapsed menu (on a
    narrow screen) and the dropdown that holds the link first, when it is in one."""
    nav = main_navigation(page, server, lang)
    link = nav.get_by_role("link", name=name, exact=True, include_hidden=True).first
    if not link.is_visible():
        toggler = nav.get_by_role("button", name=server.t(lang, "Menu"), exact=True)
        if toggler.count() and toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
        menu = nav.locator(".dropdown", has=page.get_by_role("link", name=name, exact=True, include_hidden=True))
        if menu.count():
            menu.first.locator("[data-bs-toggle='dropdown']").first.click()
    with page.expect_navigation():
        link.click()


def navigation_pages(page: Any, server: LiveServer, lang: str) -> list[str]:
    """The pages of the main navigation on this page (its links and dropdown items): same-origin
    GET pages only, without the language switch, logout or fragment-only links."""
    links = main_navigation(page, server, lang).locator("a[href]").evaluate_all(
        "links => links.map(a => [a.getAttribute('href'), a.href])"
    )
    origin = urlsplit(server.url)
    pages: list[str] = []
    for raw, href in links:
        if raw.startswith("#") or raw.lower().startswith("javascript:"):
            continue
        parts = urlsplit(href)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            continue
        if parts.path.startswith(("/lang/", "/logout")):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path not in pages:
            pages.append(path)
    return pages
