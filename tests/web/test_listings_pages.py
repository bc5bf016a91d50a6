"""Listing and need pages: forms per category, life cycle, browse filters, dashboards,
moderation and object-level authorization."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from listings.models import Listing, Need
from marketplace.extensions import db
from tests.factories import org_of

LOAN_FORM = {
    "category": "financing",
    "subcategory": "loan",
    "title": "科技型中小企业信用贷",
    "description": "无需抵押，最高 500 万元，期限 12 个月。",
    "tags": "信用贷, 科技型",
    "amount_min_wan": "50",
    "amount_max_wan": "500",
    "term_months_max": "12",
    "annual_rate_pct": "3.65",
    "collateral_required": "no",
    "regions": ["440600", "441900"],
    "industries": ["C"],
    "size_classes": ["micro", "small"],
    "price_cny": "999",  # not a financing field: dropped
    "action": "publish",
}


def test_bank_publishes_a_loan_through_the_form(client, make_user, auth):
    bank = make_user(kind="bank")
    auth.login(bank.email)
    response = client.post("/listings/new", data=LOAN_FORM)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    listing = db.session.scalars(select(Listing)).one()
    assert (listing.status, listing.amount_min_cny, listing.amount_max_cny) == ("published", 500_000, 5_000_000)
    assert listing.annual_rate_pct == pytest.approx(3.65) and listing.collateral_required is False
    assert listing.regions == ["440600", "441900"] and listing.size_classes == ["micro", "small"]
    assert listing.price_cny is None and listing.tags == ["信用贷", "科技型"]
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "500 万元" in page and "佛山市" in page and "3.65%" in page


def test_form_shows_fields_by_category(client, make_user, auth):
    auth.login(make_user(kind="bank").email)
    page = client.get("/listings/new").get_data(as_text=True)
    block = re.search(r'<div data-categories="([^"]+)">\s*<div class="mb-3">\s*<label class="form-label" for="attr_patent_numbers"', page)
    assert block and block.group(1) == "technology"
    assert re.search(r'data-categories="financing policy procurement">\s*<div class="mb-3">\s*<label class="form-label" for="amount_max_wan"', page)


def test_publishing_a_loan_requires_its_amount(client, make_user, auth):
    auth.login(make_user(kind="bank").email)
    response = client.post("/listings/new", data={**LOAN_FORM, "amount_max_wan": ""})
    assert response.status_code == 200
    assert re.search(r'name="amount_max_wan".*?invalid-feedback', response.get_data(as_text=True), re.S)
    assert db.session.scalar(select(func.count()).select_from(Listing)) == 0


def test_range_rules_are_checked_on_the_server(client, make_user, auth):
    auth.login(make_user(kind="bank").email)
    response = client.post("/listings/new", data={**LOAN_FORM, "amount_min_wan": "600"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r'name="amount_max_wan"[^>]*>\s*(?:<div class="form-text">[^<]*</div>\s*)?<div class="invalid-feedback d-block">', page)
    response = client.post("/listings/new", data={**LOAN_FORM, "regions": ["110000"]})
    assert response.status_code == 200 and "110000" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Listing)) == 0


def test_drafts_are_private(client, make_user, auth, make_posting):
    owner, other = make_user(kind="bank"), make_user()
    draft = make_posting(owner, status="draft")
    assert client.get(f"/listings/{draft.id}").status_code == 404
    auth.login(other.email)
    assert client.get(f"/listings/{draft.id}").status_code == 404
    auth.logout()
    auth.login(owner.email)
    assert client.get(f"/listings/{draft.id}").status_code == 200


def test_other_organizations_cannot_write(client, make_user, auth, make_posting):
    owner, other = make_user(kind="bank"), make_user(kind="bank")
    listing = make_posting(owner)
    auth.login(other.email)
    assert client.get(f"/listings/{listing.id}/edit").status_code == 403
    assert client.post(f"/listings/{listing.id}/edit", data=LOAN_FORM).status_code == 403
    for action in ("publish", "close", "reopen", "archive", "restore", "duplicate"):
        assert client.post(f"/listings/{listing.id}/{action}").status_code == 403, action
    assert client.post(f"/listings/{listing.id}/moderation", data={"reason": "x"}).status_code == 403
    db.session.refresh(listing)
    assert (listing.status, listing.title, listing.version) == ("published", "测试服务", 1)
    assert db.session.scalar(select(func.count()).select_from(Listing)) == 1


def test_anonymous_writes_go_to_login(client, make_user, make_posting):
    listing = make_posting(make_user(kind="bank"))
    for path in ("/listings/new", f"/listings/{listing.id}/edit"):
        assert "/login" in client.get(path).headers["Location"]
    assert "/login" in client.post(f"/listings/{listing.id}/close").headers["Location"]


def test_concurrent_edit_is_told_to_reload(client, make_user, auth, make_posting):
    owner = make_user(kind="bank")
    listing = make_posting(owner, category="financing", amount_max_cny=1_000_000)
    auth.login(owner.email)
    stale = {**LOAN_FORM, "version": "1", "action": "save"}
    assert client.post(f"/listings/{listing.id}/edit", data={**stale, "title": "第一次保存"}).status_code == 302
    response = client.post(f"/listings/{listing.id}/edit", data={**stale, "title": "第二次保存"})
    assert response.status_code == 200
    db.session.refresh(listing)
    assert listing.title == "第一次保存" and listing.version == 2


def test_life_cycle(client, make_user, auth, make_posting):
    owner = make_user(kind="bank")
    listing = make_posting(owner)
    auth.login(owner.email)
    client.post(f"/listings/{listing.id}/close")
    db.session.refresh(listing)
    assert listing.status == "closed" and listing.closed_at is not None
    client.post(f"/listings/{listing.id}/reopen")
    db.session.refresh(listing)
    assert listing.status == "published"
    response = client.post(f"/listings/{listing.id}/duplicate")
    copy = db.session.scalars(select(Listing).where(Listing.id != listing.id)).one()
    assert copy.status == "draft" and copy.external_id != listing.external_id and "测试服务" in copy.title
    assert response.headers["Location"].endswith(f"/listings/{copy.id}/edit")
    client.post(f"/listings/{listing.id}/archive")
    db.session.refresh(listing)
    assert listing.is_archived and listing.status == "closed"
    dashboard = client.get("/my/listings").get_data(as_text=True)
    assert re.search(r'data-count="archived">1<', dashboard) and re.search(r'data-count="draft">1<', dashboard)
    client.post(f"/listings/{listing.id}/restore")
    db.session.refresh(listing)
    assert not listing.is_archived


def test_reopen_past_deadline_is_refused(client, make_user, auth, make_posting):
    owner = make_user(kind="bank")
    listing = make_posting(owner, status="closed", deadline=(date.today() - timedelta(days=3)).isoformat())
    auth.login(owner.email)
    client.post(f"/listings/{listing.id}/reopen")
    db.session.refresh(listing)
    assert listing.status == "closed"


def _titles(client, query=""):
    page = client.get(f"/listings{query}").get_data(as_text=True)
    return set(re.findall(r"<strong>([^<]+)</strong>", page))


def test_browse_filters(client, make_user, make_posting):
    bank = make_user(kind="bank")
    past = (date.today() - timedelta(days=1)).isoformat()
    make_posting(bank, title="佛山贷", category="financing", regions=["440600"], amount_min_cny=100, amount_max_cny=1000)
    make_posting(bank, title="全省贷", category="financing", regions=["440000"], industries=["C"], size_classes=["small"])
    make_posting(bank, title="电子贷", category="financing", industries=["C39"], size_classes=["medium"])
    make_posting(bank, title="过期展会", category="exhibition", deadline=past)
    make_posting(bank, title="草稿", status="draft")
    make_posting(bank, title="已关闭", status="closed")
    everything = _titles(client)
    assert everything == {"佛山贷", "全省贷", "电子贷"}
    assert _titles(client, "?region=440600") == {"佛山贷", "全省贷", "电子贷"}
    assert _titles(client, "?region=440300") == {"全省贷", "电子贷"}
    assert _titles(client, "?industry=C39") == {"佛山贷", "全省贷", "电子贷"}
    assert _titles(client, "?industry=C26") == {"佛山贷", "全省贷"}
    assert _titles(client, "?industry=F") == {"佛山贷"}
    assert _titles(client, "?size_class=medium") == {"佛山贷", "电子贷"}
    assert _titles(client, "?amount=5000") == {"全省贷", "电子贷"}
    assert _titles(client, "?category=exhibition") == set()
    assert _titles(client, "?q=电子") == {"电子贷"}


def test_browse_ignores_bad_values_and_paginates(client, make_user, make_posting):
    bank = make_user(kind="bank")
    for i in range(25):
        make_posting(bank, title=f"服务{i:02d}")
    response = client.get("/listings?region=999999&page=2&sort=nonsense&per_page=10")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'alert-warning">[^<]*地区、排序', page)  # the filters' names, not the arguments
    assert len(re.findall(r"<strong>服务", page)) == 10
    assert "page=3" in page and "per_page=10" in page  # the next link keeps the filters
    assert client.get("/listings?page=99").status_code == 200


def test_verified_only(client, make_user, make_posting):
    verified, unverified = make_user(kind="bank"), make_user(kind="bank")
    org_of(verified).verification_status = "verified"
    db.session.commit()
    make_posting(verified, title="认证机构")
    make_posting(unverified, title="未认证机构")
    assert _titles(client, "?verified=1") == {"认证机构"}


def test_sme_posts_a_need_and_providers_cannot(client, make_user, auth):
    sme, bank = make_user(kind="sme"), make_user(kind="bank")
    auth.login(sme.email)
    response = client.post("/needs/new", data={
        "category": "financing", "subcategory": "loan", "title": "流动资金周转", "description": "下游回款慢",
        "amount_wan": "300", "region": "440600", "action": "publish",
    })
    assert response.status_code == 302
    need = db.session.scalars(select(Need)).one()
    assert (need.amount_cny, need.status, need.region) == (3_000_000, "published", "440600")
    assert "流动资金周转" in client.get("/needs").get_data(as_text=True)
    auth.logout()
    auth.login(bank.email)
    assert client.get("/needs/new").status_code == 302
    assert client.post("/needs/new", data={"category": "service", "title": "x", "description": "y"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Need)) == 1


def test_admin_hides_with_reason_and_owner_sees_it(client, make_user, auth, make_posting):
    owner, admin = make_user(kind="bank"), make_user(kind="platform", admin=True)
    listing = make_posting(owner, title="可疑产品")
    auth.login(admin.email)
    client.post(f"/listings/{listing.id}/moderation", data={"reason": ""})
    db.session.refresh(listing)
    assert not listing.is_hidden  # a reason is required
    client.post(f"/listings/{listing.id}/moderation", data={"reason": "宣传利率与实际不符"})
    db.session.refresh(listing)
    assert listing.is_hidden
    auth.logout()
    assert "可疑产品" not in _titles(client)
    assert client.get(f"/listings/{listing.id}").status_code == 404
    auth.login(owner.email)
    assert "宣传利率与实际不符" in client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "宣传利率与实际不符" in client.get("/my/listings").get_data(as_text=True)


def test_admin_overview_counts_postings(client, make_user, auth, make_posting):
    bank, admin = make_user(kind="bank"), make_user(kind="platform", admin=True)
    make_posting(bank, category="financing")
    make_posting(bank, category="financing", status="draft")
    auth.login(admin.email)
    page = client.get("/admin/").get_data(as_text=True)
    row = re.search(r"<tr><td>[^<]*</td><td class=\"text-end\">2</td><td class=\"text-end\">0</td></tr>", page)
    assert row, "financing row with 2 listings and 0 needs"
    assert re.search(r"<td class=\"text-end\">1</td><td></td></tr>", page)  # one on offer now
