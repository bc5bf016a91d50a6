"""Screenshots of the key pages for the README, written to docs/screenshots/: in Chinese at
1280 px, and the home page on a phone (390 px). Runs only when asked for:

    make screenshots      # or: .venv/bin/python -m pytest tests/browser -m screenshots

Each PNG is cut at MAX_HEIGHT px and, when it is still over MAX_BYTES, stored with a
256-colour palette, so that the committed files stay small.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import LOGINS, LiveServer, follow_nav, log_in

pytestmark = pytest.mark.screenshots

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MAX_HEIGHT = 1800
MAX_BYTES = 300_000


def _save(page: Any, name: str) -> Path:
    page.wait_for_load_state("networkidle")
    size = page.viewport_size
    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
    png = page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": size["width"], "height": height})
    if len(png) > MAX_BYTES:
        from PIL import Image

        image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        png = buffer.getvalue()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    path.write_bytes(png)
    assert len(png) < MAX_BYTES * 1.2, f"{path} is {len(png)} bytes"
    return path


def test_screenshots(new_page: Any, live_server: LiveServer) -> None:
    t = live_server.t
    lang = "zh"

    phone = new_page(width=390, height=844)
    phone.goto("/")
    _save(phone, "home-phone-390")

    page = new_page(width=1280, height=900)
    page.goto("/")
    _save(page, "home-1280")

    log_in(page, live_server, LOGINS["sme"], lang)
    main = page.get_by_role("main")
    page.goto("/search?q=贷款")
    _save(page, "search-results-1280")

    # A need of the demo SME with the offers recommended for it, and the reasons.
    follow_nav(page, live_server, lang, t(lang, "My needs"))
    with page.expect_navigation():
        main.get_by_role("row").filter(has_text=t(lang, "Published")).get_by_role("link").first.click()
    _save(page, "need-recommendations-1280")

    follow_nav(page, live_server, lang, t(lang, "My needs"))
    with page.expect_navigation():
        main.get_by_role("link", name=t(lang, "Post a need"), exact=True).click()
    _save(page, "need-form-1280")

    # A listing as its provider sees it: the enterprises whose needs fit it, similar offers.
    bank = new_page(width=1280, height=900)
    log_in(bank, live_server, LOGINS["bank"], lang)
    follow_nav(bank, live_server, lang, t(lang, "My listings"))
    with bank.expect_navigation():
        bank.get_by_role("main").get_by_role("row").filter(has_text=t(lang, "Published")).get_by_role("link").first.click()
    _save(bank, "listing-leads-1280")

    # The schedule of the demo event with the most meetings placed.
    organizer = new_page(width=1280, height=900)
    log_in(organizer, live_server, LOGINS["organizer"], lang)
    follow_nav(organizer, live_server, lang, t(lang, "Events"))
    events = organizer.get_by_role("main").locator("a[href^='/events/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    best, most = None, -1
    for href in events:
        if not href.rstrip("/").split("/")[-1].isdigit():
            continue
        organizer.goto(f"{href}/schedule")
        placed = organizer.get_by_role("main").get_by_role("table").first.locator("td:not(:empty)").count()
        if placed > most:
            best, most = href, placed
    assert best is not None, "the demo has no event"
    organizer.goto(f"{best}/schedule")
    _save(organizer, "event-schedule-1280")

    admin = new_page(width=1280, height=900)
    log_in(admin, live_server, LOGINS["admin"], lang)
    follow_nav(admin, live_server, lang, t(lang, "Administration"))
    _save(admin, "admin-overview-1280")
