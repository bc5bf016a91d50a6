"""The whole path from a recommendation to a rating, in a real browser, for the demo users: the
demo SME opens one of its financing needs, asks a recommended bank or guarantor (one it has no
engagement with yet) and shares two profile fields and a PDF with consent; the provider sees
exactly those two fields and the file, downloads it, answers with a file of its own, makes a
proposal and records the loan as won; the SME reviews it and the rating shows on the provider's
profile; the SME withdraws its consent and the provider no longer sees what was shared; an
outsider gets 404 for the engagement and the documents.

In each language the SME picks the first recommended financier it is not yet in touch with (its
pipeline says which), so the Chinese and the English runs make two different engagements.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from marketplace.demo_data import ORGANIZATIONS
from marketplace.money import amount_text
from tests.browser.support import LANGUAGES, LOGINS, LiveServer, follow_nav, log_in, main_navigation

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says so: fails with CI=true, else skips
    expect = None

pytestmark = pytest.mark.parametrize("lang", LANGUAGES)

DEMO_ORGS = {org.name: org for org in ORGANIZATIONS}
FINANCIERS = ("bank", "guarantor")
SME_FILE = "2025年财务报表.pdf"
BANK_FILE = "授信方案.pdf"


def _pdf(title: str) -> bytes:
    """A small valid PDF (one empty page)."""
    return (b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
            b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
            b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>> endobj\n"
            b"4 0 obj <</Title (" + title.encode("ascii") + b")>> endobj\n"
            b"trailer <</Root 1 0 R /Info 4 0 R>>\n%%EOF\n")


def _open_engagements(page: Any, server: LiveServer, lang: str) -> None:
    """The engagements icon of the navigation (visible at every width; its name may end with the
    unread count)."""
    icon = main_navigation(page, server, lang).get_by_role("link", name=_starts(server.t(lang, "Engagements"))).first
    with page.expect_navigation():
        icon.click()
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(server.t(lang, "Engagements"))


def _card(page: Any, heading: str) -> Any:
    return page.get_by_role("main").locator(".card-body").filter(has=page.get_by_role("heading", name=heading, exact=True))


def _starts(label: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(label))


def test_from_a_recommendation_to_a_rating(new_page: Any, live_server: LiveServer, lang: str) -> None:
    t = live_server.t
    sme_name = next(name for email, _role, name in live_server.logins if email == LOGINS["sme"])
    sme = DEMO_ORGS[sme_name].profile()
    page = new_page(lang=lang)
    log_in(page, live_server, LOGINS["sme"], lang)
    main = page.get_by_role("main")

    # The providers the SME is already in touch with (the demo's, an earlier run's).
    _open_engagements(page, live_server, lang)
    engaged = set(main.get_by_role("link").filter(has=page.locator("strong")).locator("strong").all_inner_texts())

    # 1. One of its published financing needs, and what is recommended for it.
    follow_nav(page, live_server, lang, t(lang, "My needs"))
    need = (main.get_by_role("row").filter(has_text=t(lang, "Financing")).filter(has_text=t(lang, "Published"))
            .get_by_role("link").last)
    with page.expect_navigation():
        need.click()
    recommended = main.get_by_role("region", name=t(lang, "Recommended for this need"))
    expect(recommended).to_be_visible()
    offers = recommended.locator(".list-group-item")
    provider = title = ""
    for i in range(offers.count()):
        offer = offers.nth(i)
        name = offer.locator("div.small.text-muted").first.inner_text().strip()
        if name in DEMO_ORGS and DEMO_ORGS[name].kind in FINANCIERS and name not in engaged:
            provider, title = name, offer.locator("strong").inner_text().strip()
            with page.expect_navigation():
                offer.get_by_role("link", name=t(lang, "Ask / apply"), exact=True).click()
            break
    assert provider, f"no recommended bank or guarantor the SME is not yet in touch with (in touch: {engaged})"
    provider_login = DEMO_ORGS[provider].email

    # 2. The inquiry, sharing two profile fields and a new PDF with consent.
    expect(main.get_by_role("heading", level=1)).to_have_text(t(lang, "Ask or apply"))
    expect(main).to_contain_text(title)
    form = main.locator("form#start-form")
    expect(form.locator("details#share")).to_have_attribute("open", "")  # open for a financing listing
    revenue, tax, credit = (t(lang, "Annual operating revenue"), t(lang, "Tax credit level"),
                            t(lang, "Unified social credit code"))
    form.get_by_label(_starts(revenue)).check()
    form.get_by_label(_starts(tax)).check()
    expect(form.get_by_label(_starts(credit))).not_to_be_checked()
    form.get_by_label(t(lang, "Add a document to your library and share it"), exact=True).set_input_files(
        {"name": SME_FILE, "mimeType": "application/pdf", "buffer": _pdf("statements")})
    form.get_by_label(t(lang, "What it is"), exact=True).select_option(label=t(lang, "Financial statements"))
    question = f"您好，我司想申请 200 万元流动资金贷款（{lang}），附上财务报表，请问需要哪些材料？"
    form.get_by_label(t(lang, "Your message"), exact=True).fill(question)
    with page.expect_navigation():
        form.get_by_role("button", name=t(lang, "Send"), exact=True).click()
    expect(main.get_by_role("alert").filter(has_text=t(lang, "Your message is sent to %(org)s.", org=provider))).to_be_visible()
    expect(main.get_by_role("heading", level=1)).to_have_text(provider)
    expect(main.locator("#messages")).to_contain_text(question)
    mine = _card(page, t(lang, "What you share with %(org)s", org=provider))
    granted = mine.locator("ul").first  # (the form to change it lists every field)
    expect(granted.locator("li")).to_have_count(3)
    expect(granted.locator("li").nth(0)).to_contain_text(revenue)
    expect(granted.locator("li").nth(1)).to_contain_text(tax)
    expect(granted.locator("li").nth(2)).to_have_text(SME_FILE)
    engagement_url = page.url.split("#")[0]
    document_url = granted.get_by_role("link", name=SME_FILE, exact=True).get_attribute("href")

    # 3. The provider: exactly the two fields and the document, then the answer and the deal.
    bank = new_page(lang=lang)
    log_in(bank, live_server, provider_login, lang)
    bank_main = bank.get_by_role("main")
    _open_engagements(bank, live_server, lang)
    with bank.expect_navigation():
        bank_main.get_by_role("link").filter(has_text=sme_name).filter(has_text=title).first.click()
    expect(bank_main.get_by_role("heading", level=1)).to_have_text(sme_name)
    expect(bank_main.locator("#messages")).to_contain_text(question)
    shared = _card(bank, t(lang, "Shared with you by %(org)s", org=sme_name))
    expect(shared.locator("dt")).to_have_text([revenue, tax])
    expect(shared.locator("dd")).to_have_text([amount_text(sme["annual_revenue_cny"], lang),
                                               t(lang, "Level %(level)s", level=sme["tax_credit_level"])])
    expect(bank_main).not_to_contain_text(sme["credit_code"])
    expect(bank_main).not_to_contain_text(credit)
    with bank.expect_download() as download_info:
        shared.get_by_role("link", name=re.compile(re.escape(SME_FILE))).click()
    download = download_info.value
    assert download.suggested_filename == SME_FILE
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")

    answer = "陈总您好，材料已收到。附件是我行的授信方案，请查阅。"
    message_form = bank_main.locator("form#message-form")
    message_form.get_by_label(t(lang, "Message"), exact=True).fill(answer)
    message_form.get_by_label(t(lang, "Attach documents"), exact=True).set_input_files(
        {"name": BANK_FILE, "mimeType": "application/pdf", "buffer": _pdf("offer")})
    with bank.expect_navigation():
        message_form.get_by_role("button", name=t(lang, "Send"), exact=True).click()
    expect(bank_main.locator("#messages")).to_contain_text(answer)
    expect(bank_main.locator("#messages").get_by_role("link", name=re.compile(re.escape(BANK_FILE)))).to_be_visible()
    expect(bank.locator("#stage")).to_have_text(t(lang, "In discussion"))

    with bank.expect_navigation():
        bank_main.get_by_role("button", name=t(lang, "Proposal"), exact=True).click()
    expect(bank.locator("#stage")).to_have_text(t(lang, "Proposal"))
    won = bank_main.locator("form").filter(has=bank.get_by_role("button", name=t(lang, "Won"), exact=True))
    won.get_by_label(t(lang, "What was agreed"), exact=True).select_option(label=t(lang, "Loan granted"))
    won.get_by_label(t(lang, "Amount (10,000 CNY)"), exact=True).fill("300")
    with bank.expect_navigation():
        won.get_by_role("button", name=t(lang, "Won"), exact=True).click()
    expect(bank_main.get_by_role("alert").filter(
        has_text=t(lang, "The engagement is now “%(stage)s”.", stage=t(lang, "Won")))).to_be_visible()
    expect(bank.locator("#stage")).to_have_text(t(lang, "Won"))
    expect(bank.locator("#deal")).to_have_text(f"{t(lang, 'Loan granted')} · {amount_text(3_000_000, lang)}")

    # 4. The SME: won, the provider's file, a review; the rating on the provider's profile.
    page.goto(engagement_url)
    expect(page.locator("#stage")).to_have_text(t(lang, "Won"))
    expect(main.locator("#messages")).to_contain_text(answer)
    offer_link = main.locator("#messages").get_by_role("link", name=re.compile(re.escape(BANK_FILE)))
    expect(offer_link).to_be_visible()
    bank_file_url = offer_link.get_attribute("href")
    review = main.get_by_role("region", name=t(lang, "Review"), exact=True)
    praise = f"从咨询到放款很顺利，客户经理专业高效（{lang}）。"
    review.get_by_label(t(lang, "Rating"), exact=True).select_option("5")
    review.get_by_label(t(lang, "Your review"), exact=True).fill(praise)
    with page.expect_navigation():
        review.get_by_role("button", name=t(lang, "Publish the review"), exact=True).click()
    expect(main.get_by_role("alert").filter(has_text=t(lang, "Thank you: your review is published."))).to_be_visible()
    expect(review).to_contain_text(praise)
    expect(review.get_by_label(t(lang, "%(n)d of 5", n=5), exact=True)).to_be_visible()

    with page.expect_navigation():
        main.locator("#contact").get_by_role("link", name=provider, exact=True).click()
    expect(main.get_by_role("heading", level=1)).to_contain_text(provider)
    standing = main.get_by_role("region", name=t(lang, "Reviews and responsiveness"))
    expect(standing).to_contain_text(f"5.0 / 5 · {live_server.tn(lang, '%(num)d review', '%(num)d reviews', 1)}")
    expect(standing).to_contain_text(praise)

    # 5. The SME withdraws its consent: the provider no longer sees the values or the file.
    page.goto(engagement_url)
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        main.get_by_role("button", name=t(lang, "Withdraw consent"), exact=True).click()
    expect(main.get_by_role("alert").filter(
        has_text=t(lang, "Your consent is withdrawn: the provider no longer sees what you shared."))).to_be_visible()
    expect(_card(page, t(lang, "What you share with %(org)s", org=provider))).to_contain_text(
        t(lang, "Nothing: they see only your public profile."))

    bank.reload()
    shared = _card(bank, t(lang, "Shared with you by %(org)s", org=sme_name))
    expect(shared).to_be_visible()
    expect(shared.locator("dt")).to_have_count(0)
    expect(shared).not_to_contain_text(SME_FILE)
    expect(bank_main).not_to_contain_text(amount_text(sme["annual_revenue_cny"], lang))
    assert bank.request.get(document_url).status == 404  # the file is no longer theirs to read
    assert bank.request.get(bank_file_url).status == 200  # the conversation's files stay

    # 6. An outsider (an organization in neither side): 404 for the engagement and the files.
    outsider_login = LOGINS["bank"] if provider_login != LOGINS["bank"] else "sme2@demo.gd.cn"
    outsider = new_page(lang=lang)
    log_in(outsider, live_server, outsider_login, lang)
    for url in (engagement_url, document_url, bank_file_url):
        assert outsider.request.get(url).status == 404, url  # a request, not a page: no 4xx page to flag
