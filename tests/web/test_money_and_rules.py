"""Money in one unit per context (万元 for amounts, prices with their unit) and the posting rules
users expect, all shown on the first submit."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from listings.models import Listing, Need
from marketplace.extensions import db
from tests.web.test_listings_pages import LOAN_FORM

COURSE_FORM = {
    "category": "training", "subcategory": "management", "title": "精益生产管理研修班", "description": "两天集中授课。",
    "starts_on": "2030-05-10", "ends_on": "2030-05-11", "deadline": "2030-05-01", "price_cny": "1200",
    "action": "publish",
}
NEED_FORM = {
    "category": "financing", "subcategory": "loan", "title": "流动资金周转", "description": "下游回款慢",
    "amount_wan": "500", "region": "440600", "action": "publish",
}


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_need_budget_is_entered_and_shown_in_wan(client, make_user, auth):
    auth.login(make_user(kind="sme").email)
    response = client.post("/needs/new", data={"category": "service", "subcategory": "legal", "title": "合同审查",
                                               "description": "年度法律顾问", "budget_wan": "1.5", "action": "publish"})
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    need = db.session.scalars(select(Need)).one()
    assert need.budget_cny == 15_000
    assert "1.5 万元" in client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert 'name="budget_wan"' in client.get(f"/needs/{need.id}/edit").get_data(as_text=True)


def test_amounts_show_in_wan_at_any_size_and_prices_carry_their_unit(client, make_user, make_posting):
    lessor = make_user(kind="service_provider")
    loan = make_posting(lessor, category="financing", subcategory="loan", title="小额贷", amount_min_cny=5_000, amount_max_cny=3_000_000)
    factory = make_posting(lessor, category="space", subcategory="factory", title="标准厂房", price_cny=28)
    course = make_posting(lessor, category="training", subcategory="skills", title="电工培训", price_cny=1200)
    page = client.get(f"/listings/{loan.id}").get_data(as_text=True)
    assert "0.5 万元" in page and "300 万元" in page
    assert "28 元/㎡/月" in client.get(f"/listings/{factory.id}").get_data(as_text=True)
    assert "1,200 元/人" in client.get(f"/listings/{course.id}").get_data(as_text=True)
    browse = client.get("/listings").get_data(as_text=True)
    assert "28 元/㎡/月" in browse and "300 万元" in browse
    client.get("/lang/en")
    assert "28 CNY per m² per month" in client.get(f"/listings/{factory.id}").get_data(as_text=True)


def test_the_browse_amount_filter_is_in_wan(client, make_user, make_posting):
    bank = make_user(kind="bank")
    make_posting(bank, category="financing", title="小额贷", amount_min_cny=100_000, amount_max_cny=3_000_000)
    make_posting(bank, category="financing", title="大额贷", amount_min_cny=5_000_000, amount_max_cny=50_000_000)
    page = client.get("/listings?category=financing&amount=500").get_data(as_text=True)
    assert "大额贷" in page and "小额贷" not in page
    assert 'name="amount" step="any" value="500"' in page  # the field shows what was typed, in 万元
    page = client.get("/listings?category=financing&amount=12.5").get_data(as_text=True)
    assert "小额贷" in page and "大额贷" not in page


def test_a_loan_term_of_zero_is_refused_not_dropped(client, make_user, auth):
    auth.login(make_user(kind="bank").email)
    response = client.post("/listings/new", data={**LOAN_FORM, "term_months_max": "0"})
    assert response.status_code == 200 and _count(Listing) == 0
    assert 'id="term_months_max"' in response.get_data(as_text=True) and "is-invalid" in response.get_data(as_text=True)


def test_a_course_deadline_after_its_end_is_refused(client, make_user, auth):
    auth.login(make_user(kind="service_provider").email)
    response = client.post("/listings/new", data={**COURSE_FORM, "deadline": "2030-05-20"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _count(Listing) == 0
    assert "2030-05-11" in page  # the message names the end date
    assert client.post("/listings/new", data=COURSE_FORM).status_code == 302


def test_field_and_cross_field_errors_show_together(client, make_user, auth):
    auth.login(make_user(kind="bank").email)
    response = client.post("/listings/new", data={**LOAN_FORM, "amount_min_wan": "300", "amount_max_wan": "100",
                                                  "annual_rate_pct": "abc"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _count(Listing) == 0
    # The rate cannot be read (the form's error) and the range is reversed (the service's rule), in 万元.
    assert "must not be below the minimum amount (300 万元)" in page or "不能低于最低金额（300 万元）" in page
    assert page.count("invalid-feedback") >= 2


def test_a_need_past_its_date_may_be_a_draft_but_is_not_published(client, make_user, auth):
    auth.login(make_user(kind="sme").email)
    past = (date.today() - timedelta(days=3)).isoformat()
    refused = client.post("/needs/new", data={**NEED_FORM, "needed_by": past})
    assert refused.status_code == 200 and _count(Need) == 0
    assert client.post("/needs/new", data={**NEED_FORM, "needed_by": past, "action": "save"}).status_code == 302
    need = db.session.scalars(select(Need)).one()
    assert need.status == "draft"
    assert client.post(f"/needs/{need.id}/publish").status_code in (302, 200)
    db.session.refresh(need)
    assert need.status == "draft"


def test_financing_listings_say_what_borrowers_compare(client, make_user, auth):
    auth.login(make_user(kind="bank").email)
    response = client.post("/listings/new", data={
        **LOAN_FORM, "attr_repayment_methods": ["equal_instalments", "interest_first"], "attr_guarantee_types": ["credit"],
        "attr_processing_days": "3", "attr_fees": "无手续费",
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    listing = db.session.scalars(select(Listing)).one()
    assert listing.attributes == {"repayment_methods": ["equal_instalments", "interest_first"], "guarantee_types": ["credit"],
                                  "processing_days": 3, "fees": "无手续费"}
    client.get("/lang/en")
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "Equal monthly instalments" in page and "None (credit only)" in page and "无手续费" in page


def test_meeting_outcomes_are_in_wan(client, make_user):
    from marketplace.events.forms import OutcomeForm

    with client.application.test_request_context(method="POST", data={"result": "financing_granted", "amount_wan": "200"}):
        form = OutcomeForm()
        assert form.validate() and form.service_data()["amount_cny"] == 2_000_000
