"""The main journey of each role, in Chinese and in English, in a real browser: an SME searches,
reads a listing and its recommendations and posts a need; a bank reads its listings and leads;
an organizer opens the demo event's participants and schedule; an admin opens the overview and
an organization's verification page.

Pages are found as a person finds them: links, buttons, headings and form fields by their role
and visible text (in the page's language, from the app's own catalog). Every test also fails on
a server error, a 4xx/5xx page, a JavaScript error or a console error (conftest.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from marketplace import demo
from tests.browser.support import HTML_LANG, LANGUAGES, LOGINS, LiveServer, follow_nav, log_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says so: fails with CI=true, else skips
    expect = None

pytestmark = pytest.mark.parametrize("lang", LANGUAGES)


def _open_as(new_page: Any, live_server: LiveServer, role: str, lang: str) -> Any:
    page = new_page(lang=lang)
    log_in(page, live_server, LOGINS[role], lang)
    # Logged in, and still in the language chosen before logging in.
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    expect(page.get_by_role("button", name=live_server.t(lang, "Log in"), exact=True)).to_have_count(0)
    return page


def test_sme_searches_reads_recommendations_and_posts_a_need(new_page: Any, live_server: LiveServer, lang: str) -> None:
    t = live_server.t
    page = _open_as(new_page, live_server, "sme", lang)
    main = page.get_by_role("main")

    # Search for loans from the search page of the main navigation.
    follow_nav(page, live_server, lang, t(lang, "Search"))
    search = main.get_by_role("search")
    search.get_by_role("searchbox", name=t(lang, "Search services")).fill("贷款")
    with page.expect_navigation():
        search.get_by_role("button", name=t(lang, "Search"), exact=True).click()
    expect(page).to_have_title(re.compile("贷款"))
    expect(main.get_by_text(re.compile(t(lang, "%(n)d results", n=999).replace("999", r"[1-9]\d*")))).to_be_visible()
    results = main.get_by_role("link").filter(has=page.locator("strong"), has_text="贷")
    expect(results.first).to_be_visible()

    # Open the first listing: its title, its provider, offers like it.
    title = results.first.locator("strong").inner_text().strip()
    with page.expect_navigation():
        results.first.click()
    expect(main.get_by_role("heading", level=1)).to_have_text(title)
    expect(main.get_by_role("heading", name=t(lang, "Provider"))).to_be_visible()
    similar = main.get_by_role("region", name=t(lang, "Similar offers"))
    expect(similar).to_be_visible()
    expect(similar.get_by_role("link").first).to_be_visible()

    # The recommendations of one of the enterprise's published needs.
    follow_nav(page, live_server, lang, t(lang, "My needs"))
    expect(main.get_by_role("heading", level=1)).to_contain_text(t(lang, "My needs"))
    published = main.get_by_role("row").filter(has_text=t(lang, "Published")).get_by_role("link")
    expect(published.first).to_be_visible()
    with page.expect_navigation():
        published.first.click()
    recommended = main.get_by_role("region", name=t(lang, "Recommended for this need"))
    expect(recommended).to_be_visible()
    expect(recommended.get_by_role("link").first).to_be_visible()

    # Post a need through the form and publish it.
    follow_nav(page, live_server, lang, t(lang, "My needs"))
    with page.expect_navigation():
        main.get_by_role("link", name=t(lang, "Post a need"), exact=True).click()
    expect(main.get_by_role("heading", level=1)).to_have_text(t(lang, "New need"))
    need_title = {
        "zh": "购置两台贴片机，需要 150 万元设备贷款（浏览器测试）",
        "en": "Two pick-and-place machines: a 1.5 M CNY equipment loan (browser test)",
    }[lang]
    form = main.locator("form#posting-form")
    category = form.get_by_label(t(lang, "Category"), exact=True)
    category.select_option(label=t(lang, "Financing"), force=not category.is_visible())
    form.get_by_label(t(lang, "Title"), exact=True).fill(need_title)
    form.get_by_label(t(lang, "Description"), exact=True).fill(
        "新建一条 SMT 产线，需要购置两台贴片机，希望以设备抵押申请三年期贷款。"
        if lang == "zh" else "A new SMT line needs two pick-and-place machines; a three-year loan against the equipment."
    )
    form.get_by_label(t(lang, "Amount sought (10,000 CNY)"), exact=True).fill("150")
    with page.expect_navigation():
        form.get_by_role("button", name=t(lang, "Save and publish"), exact=True).click()
    expect(main.get_by_role("alert").filter(has_text=t(lang, "Saved."))).to_be_visible()
    expect(main.get_by_role("heading", level=1)).to_have_text(need_title)
    expect(main.get_by_role("status").filter(has_text=t(lang, "Draft: only your organization can see it."))).to_have_count(0)
    expect(main.get_by_role("region", name=t(lang, "Recommended for this need"))).to_be_visible()

    # Published: it is listed among the enterprise's published needs.
    follow_nav(page, live_server, lang, t(lang, "My needs"))
    row = main.get_by_role("row").filter(has=page.get_by_role("link", name=need_title, exact=True))
    expect(row).to_contain_text(t(lang, "Published"))


def test_bank_sees_its_listings_and_leads(new_page: Any, live_server: LiveServer, lang: str) -> None:
    t = live_server.t
    page = _open_as(new_page, live_server, "bank", lang)
    main = page.get_by_role("main")
    follow_nav(page, live_server, lang, t(lang, "My listings"))
    expect(main.get_by_role("heading", level=1)).to_contain_text(t(lang, "My listings"))
    rows = main.get_by_role("row").filter(has_text=t(lang, "Published"))
    expect(rows.first).to_be_visible()
    listing = rows.first.get_by_role("link").inner_text().strip()

    leads = main.get_by_role("region", name=t(lang, "Leads: enterprises whose needs fit your offers"))
    expect(leads).to_be_visible()
    expect(leads.get_by_role("link").first).to_be_visible()

    # One of its listings: the enterprises whose needs fit it.
    with page.expect_navigation():
        main.get_by_role("link", name=listing, exact=True).first.click()
    expect(main.get_by_role("heading", level=1)).to_have_text(listing)
    expect(main.get_by_role("heading", name=t(lang, "Manage"))).to_be_visible()
    fitting = main.get_by_role("region", name=t(lang, "Enterprises whose needs fit this offer"))
    expect(fitting).to_be_visible()
    expect(fitting.get_by_role("link").first).to_be_visible()


def test_organizer_opens_the_event_its_participants_and_schedule(new_page: Any, live_server: LiveServer, lang: str) -> None:
    t = live_server.t
    page = _open_as(new_page, live_server, "organizer", lang)
    main = page.get_by_role("main")
    follow_nav(page, live_server, lang, t(lang, "Events"))
    title = getattr(demo, "DEMO_EVENT", "")  # the demo's event open for registration
    event_link = main.get_by_role("link", name=re.compile("^" + re.escape(title))).first
    if not title:  # the demo renamed its constant: its first event
        event_link = main.get_by_role("link").filter(has=page.locator("strong")).first
        title = event_link.locator("strong").inner_text().strip()
    with page.expect_navigation():
        event_link.click()
    expect(main.get_by_role("heading", level=1)).to_contain_text(title)

    with page.expect_navigation():
        main.get_by_role("link", name=t(lang, "Participants"), exact=True).click()
    expect(main.get_by_role("heading", level=1)).to_contain_text(title)
    # The demo delegates registered: the demo SME is one of them.
    sme = next(name for email, _role, name in live_server.logins if email == LOGINS["sme"])
    expect(main.get_by_role("link", name=sme).first).to_be_visible()

    with page.expect_navigation():
        main.get_by_role("link", name=t(lang, "Schedule"), exact=True).click()
    expect(main.get_by_role("heading", level=1)).to_contain_text(title)
    expect(main.get_by_role("table").first).to_be_visible()
    expect(main.get_by_role("heading", name=t(lang, "Set up or pin a meeting"))).to_be_visible()


def test_admin_opens_the_overview_and_a_verification_page(new_page: Any, live_server: LiveServer, lang: str) -> None:
    t = live_server.t
    page = _open_as(new_page, live_server, "admin", lang)
    main = page.get_by_role("main")
    follow_nav(page, live_server, lang, t(lang, "Administration"))
    expect(main.get_by_role("heading", level=1)).to_have_text(t(lang, "Administration"))
    expect(main.get_by_role("heading", name=t(lang, "Organizations by kind"))).to_be_visible()

    with page.expect_navigation():
        main.get_by_role("link", name=re.compile("^" + re.escape(t(lang, "Verification queue")))).click()
    expect(main.get_by_role("heading", level=1)).to_have_text(t(lang, "Organizations"))
    waiting = main.get_by_role("row").filter(has_text=t(lang, "Verification pending")).get_by_role("link")
    expect(waiting.first).to_be_visible()
    organization = waiting.first.inner_text().strip()
    with page.expect_navigation():
        waiting.first.click()
    expect(main.get_by_role("heading", level=1)).to_have_text(organization)
    expect(main.get_by_role("heading", name=t(lang, "Decision"))).to_be_visible()
    status = main.get_by_role("combobox", name=t(lang, "Status"), exact=True)
    expect(status).to_be_visible()
    expect(status.get_by_role("option", name=t(lang, "Verified"), exact=True)).to_have_count(1)
    expect(main.get_by_role("button", name=t(lang, "Save the decision"), exact=True)).to_be_visible()
