"""Engagements through the pages: an SME asks from a listing, the bank answers and records the
deal, both see the pipeline and the unread count; a provider proposes from a lead; a third
organization gets 404 on every page and action; scripts in messages are shown as text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from marketplace.engagements.models import Engagement
from marketplace.extensions import db
from tests.factories import gen_posting


@pytest.fixture
def cast(make_user: Any) -> dict[str, Any]:
    people = {
        "sme": make_user("sme@example.cn", kind="sme", org_name="佛山精密制造有限公司"),
        "bank": make_user("bank@example.cn", kind="bank", org_name="广东某银行"),
        "outsider": make_user("other@example.cn", kind="bank", org_name="珠江某银行"),
    }
    people["loan"] = gen_posting(people["bank"], "listing", category="financing", title="小微企业信用贷款")
    people["need"] = gen_posting(people["sme"], "need", category="financing", title="流动资金贷款")
    org = people["bank"].memberships[0].organization
    org.contact_email, org.contact_phone = "loans@bank.example.cn", "020-12345678"
    db.session.commit()
    return people


def as_user(client: Any, auth: Any, email: str) -> None:
    auth.logout()
    auth.login(email)
    client.get("/lang/en")


def page(client: Any, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def test_from_a_listing_to_a_recorded_deal(client: Any, auth: Any, cast: dict[str, Any]) -> None:
    loan_id = cast["loan"].id
    client.get("/lang/en")
    listing_page = page(client, f"/listings/{loan_id}")  # anonymous: asked to log in first
    assert "Ask / apply" in listing_page and "/login?next=" in listing_page
    as_user(client, auth, "sme@example.cn")
    assert f"/listings/{loan_id}/inquire" in page(client, f"/listings/{loan_id}")
    form = page(client, f"/listings/{loan_id}/inquire?need_id={cast['need'].id}")
    assert "流动资金贷款" in form
    empty = client.post(f"/listings/{loan_id}/inquire", data={"message": " "})
    assert empty.status_code == 422 and db.session.scalar(select(Engagement.id)) is None
    sent = client.post(f"/listings/{loan_id}/inquire", data={"message": "<script>alert(1)</script>想申请 300 万元",
                                                             "need_id": str(cast["need"].id)})
    assert sent.status_code == 302
    engagement_id = int(re.search(r"/engagements/(\d+)", sent.headers["Location"]).group(1))
    shown = page(client, f"/engagements/{engagement_id}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;想申请" in shown and "<script>alert(1)" not in shown
    assert "loans@bank.example.cn" in shown and "020-12345678" in shown  # contact revealed to the other side
    # Asking again leads to the open engagement.
    again = client.get(f"/listings/{loan_id}/inquire")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/engagements/{engagement_id}")
    assert "Continue the conversation" in page(client, f"/listings/{loan_id}")
    # So do the offers recommended for the need, and search results.
    recommended = page(client, f"/needs/{cast['need'].id}")
    assert f'href="/engagements/{engagement_id}">Continue the conversation' in recommended
    assert f'href="/listings/{loan_id}/inquire' not in recommended

    as_user(client, auth, "bank@example.cn")
    nav = page(client, "/engagements")
    assert 'id="nav-engagements"' in nav and f'id="engagement-{engagement_id}"' in nav and "text-bg-danger" in nav
    client.post(f"/engagements/{engagement_id}/messages", data={"body": "请提供近两年财务报表"})
    shown = page(client, f"/engagements/{engagement_id}")
    assert "In discussion" in shown and 'id="move-proposal"' in shown
    version = db.session.get(Engagement, engagement_id).version
    db.session.rollback()
    client.post(f"/engagements/{engagement_id}/stage", data={"stage": "proposal", "version": version})
    version += 1
    bad = client.post(f"/engagements/{engagement_id}/stage", data={"stage": "won", "version": version, "amount_wan": "abc"})
    assert bad.status_code == 422
    done = client.post(f"/engagements/{engagement_id}/stage", data={"stage": "won", "version": version,
                                                                    "deal_kind": "loan", "amount_wan": "300"},
                       follow_redirects=True)
    assert "Loan granted" in done.get_data(as_text=True)
    db.session.expire_all()
    row = db.session.get(Engagement, engagement_id)
    assert (row.stage, row.amount_cny) == ("won", 3_000_000)
    db.session.rollback()

    as_user(client, auth, "sme@example.cn")
    pipeline = page(client, "/engagements?side=seeker")
    assert "Loan granted" in pipeline and "text-bg-danger" in pipeline  # the bank's two notes are unread
    client.get("/lang/zh")
    assert "洽谈" in page(client, f"/engagements/{engagement_id}")

    as_user(client, auth, "other@example.cn")  # a third organization: nothing exists
    page(client, f"/engagements/{engagement_id}", 404)
    assert client.post(f"/engagements/{engagement_id}/messages", data={"body": "hi"}).status_code == 404
    assert client.post(f"/engagements/{engagement_id}/stage", data={"stage": "lost", "reason": "x", "version": 9}).status_code == 404
    assert f'id="engagement-{engagement_id}"' not in page(client, "/engagements?side=provider")


def test_a_provider_proposes_from_its_leads(client: Any, auth: Any, cast: dict[str, Any]) -> None:
    as_user(client, auth, "bank@example.cn")
    need_id, loan_id = cast["need"].id, cast["loan"].id
    form = page(client, f"/needs/{need_id}/propose?listing_id={loan_id}")
    assert "小微企业信用贷款" in form
    sent = client.post(f"/needs/{need_id}/propose", data={"listing_id": str(loan_id), "message": "我行可提供信用贷款"})
    assert sent.status_code == 302
    engagement = db.session.scalar(select(Engagement))
    assert engagement is not None and engagement.started_by == "provider"
    db.session.rollback()
    for huge in ("2147483648", "99999999999999999999", "１"):  # no such listing: the field says so, never a 500
        refused = client.post(f"/needs/{need_id}/propose", data={"listing_id": huge, "message": "x"})
        assert refused.status_code == 422, huge
    as_user(client, auth, "sme@example.cn")
    page(client, f"/needs/{need_id}/propose", 404)  # an SME does not propose (and not to itself)


def test_a_review_reaches_the_profile_and_the_moderators(client: Any, auth: Any, cast: dict[str, Any], make_user: Any) -> None:
    from marketplace.engagements import services
    from tests.factories import org_of

    make_user("admin@example.cn", admin=True)
    engagement = services.inquire(db.session, cast["loan"], org_of(cast["sme"]), cast["sme"], {"message": "申请"})
    services.post_message(db.session, engagement, cast["bank"], "可以")
    services.move(db.session, engagement, cast["bank"], {"stage": "proposal"})
    services.move(db.session, engagement, cast["bank"], {"stage": "won", "deal_kind": "loan", "amount_cny": 2_000_000})
    db.session.commit()
    eid, bank_org = engagement.id, org_of(cast["bank"]).id
    as_user(client, auth, "sme@example.cn")
    assert 'id="review-form"' in page(client, f"/engagements/{eid}")
    bad = client.post(f"/engagements/{eid}/review", data={"rating": "9", "text": ""})
    assert bad.status_code == 422 and "Give a rating from 1 to 5." in bad.get_data(as_text=True)
    client.post(f"/engagements/{eid}/review", data={"rating": "5", "text": "<img src=x onerror=alert(1)>放款很快"})
    shown = page(client, f"/engagements/{eid}")
    assert 'id="review-form"' not in shown and "&lt;img src=x onerror=alert(1)&gt;放款很快" in shown
    profile = page(client, f"/orgs/{bank_org}")
    assert 'id="standing"' in profile and "1 review" in profile and "1 reviews" not in profile and "放款很快" in profile
    assert 'id="shared-contact"' in profile and "loans@bank.example.cn" in profile  # in an engagement with them
    assert "5.0" in page(client, f"/listings/{cast['loan'].id}")
    as_user(client, auth, "other@example.cn")  # no engagement with the bank: no contact details
    assert "loans@bank.example.cn" not in page(client, f"/orgs/{bank_org}")
    as_user(client, auth, "bank@example.cn")
    client.post(f"/engagements/{eid}/review/reply", data={"reply": "感谢"})
    client.post(f"/engagements/{eid}/review/report", data={"reason": "测试举报"})
    assert "Reported" in page(client, f"/engagements/{eid}")
    as_user(client, auth, "admin@example.cn")
    queue = page(client, "/admin/reported-reviews")
    assert "测试举报" in queue
    review_id = int(re.search(r'id="reported-(\d+)"', queue).group(1))
    hidden = client.post(f"/admin/reported-reviews/{review_id}", data={"decision": "hide", f"v{review_id}-reason": "不实"},
                         follow_redirects=True)
    assert "The review is hidden" in hidden.get_data(as_text=True)
    assert "放款很快" not in page(client, f"/orgs/{bank_org}")
