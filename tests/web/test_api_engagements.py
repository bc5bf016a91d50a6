"""The engagements API: an inquiry and a proposal (201), the caller's list with filters, one
engagement with its history, stage changes with If-Match and the rule named when refused,
messages (script kept as text), and 404 for a third organization on every route."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import gen_posting
from tests.web.test_api_support import error_of, token_headers


@pytest.fixture
def cast(make_user: Any) -> dict[str, Any]:
    people = {
        "sme": make_user("sme@example.cn", kind="sme", org_name="佛山精密制造有限公司"),
        "bank": make_user("bank@example.cn", kind="bank", org_name="广东某银行"),
        "outsider": make_user("other@example.cn", kind="sme", org_name="东莞某公司"),
    }
    people["loan"] = gen_posting(people["bank"], "listing", category="financing", title="小微企业信用贷款")
    people["need"] = gen_posting(people["sme"], "need", category="financing", title="流动资金贷款")
    for name in ("sme", "bank", "outsider"):
        people[f"{name}_h"] = token_headers(people[name], name)
    return people


def test_the_whole_path_through_the_api(client: Any, cast: dict[str, Any]) -> None:
    sme, bank, outsider = cast["sme_h"], cast["bank_h"], cast["outsider_h"]
    loan, need = cast["loan"].id, cast["need"].id
    error_of(client.post(f"/api/v1/listings/{loan}/inquiries", json={"message": ""}, headers=sme), 422)
    error_of(client.post(f"/api/v1/listings/{loan}/inquiries", json={"message": "x", "share": ["revenue"]}, headers=sme), 422)
    made = client.post(f"/api/v1/listings/{loan}/inquiries", json={"message": "<script>x</script>想申请", "need_id": need},
                       headers=sme)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    engagement = body["id"]
    assert made.headers["Location"].endswith(f"/api/v1/engagements/{engagement}")
    assert (body["stage"], body["your_side"], body["need"]["id"]) == ("new", "seeker", need)
    assert body["provider"]["name"] == "广东某银行" and body["allowed_stages"] == ["in_discussion", "lost", "withdrawn"]
    duplicate = client.post(f"/api/v1/listings/{loan}/inquiries", json={"message": "again"}, headers=sme)
    assert str(engagement) in error_of(duplicate, 409)["message"]
    # The bank sees it, reads the message (script kept as text), answers.
    listed = client.get("/api/v1/engagements?side=provider", headers=bank).get_json()
    assert [e["id"] for e in listed["items"]] == [engagement] and listed["items"][0]["unread"] == 1
    messages = client.get(f"/api/v1/engagements/{engagement}/messages", headers=bank).get_json()["items"]
    assert messages[0]["body"] == "<script>x</script>想申请"
    posted = client.post(f"/api/v1/engagements/{engagement}/messages", json={"body": "请提供财务报表"}, headers=bank)
    assert posted.status_code == 201
    current = client.get(f"/api/v1/engagements/{engagement}", headers=bank)
    assert current.get_json()["stage"] == "in_discussion"
    etag = current.headers["ETag"]
    # The wrong side, out of order, a stale version: refused, the rule named.
    wrong_side = error_of(client.patch(f"/api/v1/engagements/{engagement}", json={"stage": "proposal"}, headers=sme), 409)
    assert "只有服务机构" in wrong_side["message"]  # the rule: only the provider makes a proposal
    out_of_order = error_of(client.patch(f"/api/v1/engagements/{engagement}", json={"stage": "won", "deal_kind": "loan"},
                                         headers=bank), 409)
    assert "不能从“沟通中”变为“已成交”" in out_of_order["message"]
    error_of(client.patch(f"/api/v1/engagements/{engagement}", json={"stage": "proposal"},
                          headers={**bank, "If-Match": '"999"'}), 409)
    moved = client.patch(f"/api/v1/engagements/{engagement}", json={"stage": "proposal"}, headers={**bank, "If-Match": etag})
    assert moved.status_code == 200 and moved.get_json()["stage"] == "proposal"
    fields = error_of(client.patch(f"/api/v1/engagements/{engagement}", json={"stage": "won", "amount_cny": "many"},
                                   headers=bank), 422)["fields"]
    assert set(fields) >= {"deal_kind", "amount_cny"}
    won = client.patch(f"/api/v1/engagements/{engagement}", json={"stage": "won", "deal_kind": "loan", "amount_cny": 3_000_000},
                       headers=bank).get_json()
    assert (won["stage"], won["amount_cny"]) == ("won", 3_000_000)
    assert [h["to_stage"] for h in won["history"]] == ["new", "in_discussion", "proposal", "won"]
    error_of(client.post(f"/api/v1/engagements/{engagement}/review", json={"rating": 5, "text": "好"}, headers=bank), 403)
    error_of(client.post(f"/api/v1/engagements/{engagement}/review", json={"rating": 0, "text": ""}, headers=sme), 422)
    reviewed = client.post(f"/api/v1/engagements/{engagement}/review", json={"rating": 5, "text": "放款快"}, headers=sme)
    assert reviewed.status_code == 201 and reviewed.get_json()["rating"] == 5
    error_of(client.post(f"/api/v1/engagements/{engagement}/review", json={"rating": 4, "text": "再评"}, headers=sme), 409)
    listing_body = client.get(f"/api/v1/listings/{loan}").get_json()
    assert (listing_body["rating"], listing_body["review_count"], listing_body["response_rate"]) == (5.0, 1, 1.0)
    org_body = client.get(f"/api/v1/organizations/{listing_body['organization_id']}").get_json()
    assert (org_body["rating"], org_body["review_count"]) == (5.0, 1)
    assert client.get("/api/v1/engagements?stage=won", headers=sme).get_json()["total"] == 1
    assert client.get("/api/v1/engagements?stage=lost", headers=sme).get_json()["total"] == 0
    error_of(client.get("/api/v1/engagements?stage=done", headers=sme), 400)
    # A third organization: nothing exists, on every route.
    for method, url, payload in (("get", f"/api/v1/engagements/{engagement}", None),
                                 ("patch", f"/api/v1/engagements/{engagement}", {"stage": "lost", "reason": "x"}),
                                 ("get", f"/api/v1/engagements/{engagement}/messages", None),
                                 ("post", f"/api/v1/engagements/{engagement}/messages", {"body": "hi"}),
                                 ("post", f"/api/v1/engagements/{engagement}/review", {"rating": 1, "text": "x"})):
        error_of(getattr(client, method)(url, json=payload, headers=outsider), 404)
    assert client.get("/api/v1/engagements", headers=outsider).get_json()["items"] == []
    error_of(client.get("/api/v1/engagements"), 401)
    for method, url, payload in (("post", f"/api/v1/listings/{loan}/inquiries", {"message": "x"}),
                                 ("post", f"/api/v1/needs/{need}/proposals", {"message": "x", "listing_id": loan}),
                                 ("patch", f"/api/v1/engagements/{engagement}", {"stage": "lost", "reason": "x"}),
                                 ("post", f"/api/v1/engagements/{engagement}/messages", {"body": "hi"}),
                                 ("post", f"/api/v1/engagements/{engagement}/review", {"rating": 1, "text": "x"})):
        error_of(getattr(client, method)(url, json=payload), 401)


def test_a_provider_proposes_through_the_api(client: Any, cast: dict[str, Any]) -> None:
    need, loan = cast["need"].id, cast["loan"].id
    error_of(client.post(f"/api/v1/needs/{need}/proposals", json={"message": "x"}, headers=cast["bank_h"]), 422)
    made = client.post(f"/api/v1/needs/{need}/proposals", json={"message": "我行可提供", "listing_id": loan},
                       headers=cast["bank_h"])
    assert made.status_code == 201 and made.get_json()["started_by"] == "provider"
    # Another SME may not even see the need (providers only, the default visibility).
    error_of(client.post(f"/api/v1/needs/{need}/proposals", json={"message": "x", "listing_id": loan},
                         headers=cast["outsider_h"]), 404)
