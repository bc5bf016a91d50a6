"""/api/v1/needs/<id>/matches and /api/v1/listings/<id>/leads: the matcher over HTTP, its
visibility rules, parameter checks, and answers that match the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from jsonschema import Draft202012Validator, FormatChecker

from listings import services
from marketplace.extensions import db
from tests.factories import gen_posting
from tests.web.test_api_support import API, error_of, org_of, token_headers

LOAN = {
    "category": "financing",
    "subcategory": "loan",
    "title": "东莞科技型中小企业信用贷款",
    "description": "无需抵押的信用贷款，支持研发投入和设备采购，最快三天放款。",
    "regions": ["441900"],
    "amount_min_cny": 100_000,
    "amount_max_cny": 3_000_000,
}
NEED = {
    "category": "financing",
    "subcategory": "loan",
    "title": "研发设备采购需要信用贷款",
    "description": "计划采购研发设备，希望获得无抵押信用贷款，金额一百万元。",
    "amount_cny": 1_000_000,
    "region": "441900",
    "visibility": "public",  # anonymous callers read its matches (who sees needs: test_need_visibility)
}


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """The deterministic fake encoder, whatever the shared configuration says."""
    application = make_app(MATCHING_MODEL="hashing-64")
    with application.app_context():
        yield application


@pytest.fixture
def make_loan(app: Flask) -> Callable[..., Any]:
    """A published loan listing (or, with kind="need", a loan need): tests.factories with LOAN/NEED."""

    def make(user: Any, kind: str = "listing", **fields: Any) -> Any:
        return gen_posting(user, kind, **{**(LOAN if kind == "listing" else NEED), **fields})

    return make


@pytest.fixture
def loan_market(make_user: Callable[..., Any], make_loan: Callable[..., Any]) -> dict[str, Any]:
    """A bank with a loan for Dongguan, and an SME in Dongguan that needs a loan."""
    bank, sme = make_user(kind="bank"), make_user(kind="sme")
    return {"bank": bank, "sme": sme, "loan": make_loan(bank), "need": make_loan(sme, "need")}


def _schema_check(client: Any, schema_name: str, instance: Any) -> None:
    components = client.get(f"{API}/openapi.json").get_json()["components"]
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": components}
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(instance)


def _matches(client: Any, need_id: int, query: str = "", headers: Any = None) -> dict[str, Any]:
    response = client.get(f"{API}/needs/{need_id}/matches{query}", headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _ids(body: dict[str, Any], key: str = "items") -> list[int]:
    return [entry["listing"]["id"] for entry in body[key]]


def test_matches_contain_the_eligible_listing_with_reasons_in_both_languages(client, loan_market):
    need, loan = loan_market["need"], loan_market["loan"]
    body = _matches(client, need.id)
    assert body["need"] == {"id": need.id, "external_id": need.external_id}
    assert body["eligible"] == 1 and "excluded" not in body
    [item] = body["items"]
    assert item["listing"]["id"] == loan.id and item["listing"]["external_id"] == loan.external_id
    # The API's usual listing representation.
    assert item["listing"]["type"] == "listing" and item["listing"]["url"].endswith(f"/listings/{loan.id}")
    assert isinstance(item["score"], float) and item["score"] > 0
    assert item["reasons"] and all(r["zh"] and r["en"] and r["zh"] != r["en"] for r in item["reasons"])
    codes = {r["code"] for r in item["reasons"]}
    assert {"subcategory", "amount_in_range", "same_city"} <= codes
    same_city = next(r for r in item["reasons"] if r["code"] == "same_city")
    assert "东莞" in same_city["zh"] and same_city["params"] == {"region": "441900"}
    _schema_check(client, "NeedMatches", body)


def test_a_listing_for_another_region_is_excluded_and_explained(client, loan_market, make_loan):
    shenzhen = make_loan(loan_market["bank"], title="深圳科技型中小企业信用贷款", regions=["440300"])
    body = _matches(client, loan_market["need"].id)
    assert _ids(body) == [loan_market["loan"].id] and body["eligible"] == 1
    body = _matches(client, loan_market["need"].id, "?explain=1")
    assert shenzhen.id not in _ids(body)
    [excluded] = [e for e in body["excluded"] if e["listing"]["id"] == shenzhen.id]
    assert excluded["listing"] == {
        "id": shenzhen.id,
        "external_id": shenzhen.external_id,
        "title": "深圳科技型中小企业信用贷款",
        "url": f"http://localhost/listings/{shenzhen.id}",
    }
    assert excluded["rules"] == ["region"]
    assert excluded["reasons"] == [{"rule": "region", "zh": "不在服务地区内（服务：深圳市）", "en": "Your region is not served (serves Shenzhen)"}]
    _schema_check(client, "NeedMatches", body)


def test_as_of_judges_deadlines(client, loan_market, make_loan):
    dated = make_loan(loan_market["bank"], title="东莞设备采购信用贷款（限时）", deadline="2090-06-30")
    assert dated.id in _ids(_matches(client, loan_market["need"].id, "?as_of=2090-06-30"))
    body = _matches(client, loan_market["need"].id, "?as_of=2090-07-01&explain=1")
    assert dated.id not in _ids(body) and loan_market["loan"].id in _ids(body)
    assert [e["rules"] for e in body["excluded"] if e["listing"]["id"] == dated.id] == [["deadline"]]


def test_a_closed_listing_never_appears(client, loan_market):
    bank, loan = loan_market["bank"], loan_market["loan"]
    assert _ids(_matches(client, loan_market["need"].id)) == [loan.id]
    services.close(db.session, loan, bank)
    db.session.commit()
    for query in ("", "?explain=1"):
        body = _matches(client, loan_market["need"].id, query)
        assert body["items"] == [] and body["eligible"] == 0
        assert loan.id not in _ids(body, "excluded") if query else "excluded" not in body
    # Anyone may read the closed listing itself: only the recommendations leave it out.
    assert client.get(f"{API}/listings/{loan.id}").status_code == 200


def test_a_need_without_eligible_listings_gets_an_empty_answer(client, loan_market, make_loan):
    services.close(db.session, loan_market["loan"], loan_market["bank"])
    guangzhou = make_loan(loan_market["bank"], regions=["440100"])
    body = _matches(client, loan_market["need"].id, "?explain=1")
    assert body["items"] == [] and body["eligible"] == 0
    assert [e["listing"]["id"] for e in body["excluded"]] == [guangzhou.id]
    _schema_check(client, "NeedMatches", body)


def test_limit_caps_the_items(client, loan_market, make_loan):
    for n in range(3):
        make_loan(loan_market["bank"], title=f"东莞信用贷款 {n} 号")
    assert len(_matches(client, loan_market["need"].id)["items"]) == 4
    assert len(_matches(client, loan_market["need"].id, "?limit=2")["items"]) == 2
    assert len(_matches(client, loan_market["need"].id, "?limit=50")["items"]) == 4


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("limit=0", ["limit"]),
        ("limit=51", ["limit"]),
        ("limit=ten", ["limit"]),
        ("explain=yes", ["explain"]),
        ("explain=2", ["explain"]),
        ("as_of=2026-02-30", ["as_of"]),
        ("as_of=20260101", ["as_of"]),
        ("as_of=tomorrow", ["as_of"]),
        ("limit=-1&explain=x&as_of=1.1.2026", ["as_of", "explain", "limit"]),
        ("page=2", ["page"]),
    ],
)
def test_bad_parameters_are_named(client, loan_market, query, names):
    error = error_of(client.get(f"{API}/needs/{loan_market['need'].id}/matches?{query}"), 400, "bad_parameter")
    assert sorted(error["fields"]) == names
    assert all(name in error["message"] for name in names)


def test_lead_parameters_are_checked(client, loan_market):
    headers = token_headers(loan_market["bank"])
    path = f"{API}/listings/{loan_market['loan'].id}/leads"
    assert sorted(error_of(client.get(f"{path}?limit=0&as_of=x", headers=headers), 400)["fields"]) == ["as_of", "limit"]
    # explain applies to matches only.
    assert list(error_of(client.get(f"{path}?explain=1", headers=headers), 400)["fields"]) == ["explain"]


def test_unknown_and_unseen_needs_are_not_found(client, loan_market, make_loan, make_user):
    sme = loan_market["sme"]
    draft = make_loan(sme, "need", status="draft", title="尚未发布的贷款需求")
    error_of(client.get(f"{API}/needs/0/matches"), 404, "not_found")
    error_of(client.get(f"{API}/needs/{draft.id}/matches"), 404, "not_found")
    error_of(client.get(f"{API}/needs/{draft.id}/matches", headers=token_headers(make_user())), 404)
    # A listing's id is not a need's.
    error_of(client.get(f"{API}/needs/{loan_market['loan'].id + 1000}/matches"), 404)
    # Its own organization (and an admin) may ask.
    assert _matches(client, draft.id, headers=token_headers(sme))["need"]["id"] == draft.id
    assert _matches(client, draft.id, headers=token_headers(make_user(admin=True)))["need"]["id"] == draft.id


def test_a_hidden_need_is_matched_for_members_only(client, loan_market, make_user):
    admin = make_user(admin=True)
    services.hide(db.session, loan_market["need"], admin, "spam")
    db.session.commit()
    error_of(client.get(f"{API}/needs/{loan_market['need'].id}/matches"), 404)
    assert _ids(_matches(client, loan_market["need"].id, headers=token_headers(loan_market["sme"]))) == [loan_market["loan"].id]


def test_the_listings_organization_sees_its_leads(client, loan_market, make_loan):
    bank, loan, need = loan_market["bank"], loan_market["loan"], loan_market["need"]
    make_loan(loan_market["sme"], "need", status="draft", title="草稿需求：信用贷款")
    response = client.get(f"{API}/listings/{loan.id}/leads", headers=token_headers(bank))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["listing"] == {"id": loan.id, "external_id": loan.external_id}
    # The draft need is no lead; the published one is, in the API's need representation.
    [item] = body["items"]
    assert item["need"]["id"] == need.id and item["need"]["type"] == "need"
    assert item["need"]["organization"] == org_of(loan_market["sme"]).external_id
    assert isinstance(item["score"], float)
    assert item["reasons"] and all(r["zh"] and r["en"] for r in item["reasons"])
    _schema_check(client, "ListingLeads", body)
    # A need whose deadline has passed on the day asked for is no lead.
    services.update(db.session, need, loan_market["sme"], {"needed_by": "2090-01-31"}, expected_version=None)
    db.session.commit()
    headers = token_headers(bank, "second")
    assert len(client.get(f"{API}/listings/{loan.id}/leads?as_of=2090-01-31", headers=headers).get_json()["items"]) == 1
    assert client.get(f"{API}/listings/{loan.id}/leads?as_of=2090-02-01", headers=headers).get_json()["items"] == []


def test_leads_are_for_the_listings_organization_only(client, loan_market, make_user, make_loan):
    loan = loan_market["loan"]
    path = f"{API}/listings/{loan.id}/leads"
    error_of(client.get(path), 401, "authentication_required")
    error_of(client.get(path, headers=token_headers(make_user(kind="bank"))), 403, "forbidden")
    # The enterprise whose need is the lead may not look either.
    error_of(client.get(path, headers=token_headers(loan_market["sme"])), 403)
    admin = client.get(path, headers=token_headers(make_user(admin=True)))
    assert admin.status_code == 200 and [i["need"]["id"] for i in admin.get_json()["items"]] == [loan_market["need"].id]
    # Another organization's draft stays secret; an unknown id is simply not found.
    draft = make_loan(loan_market["bank"], status="draft")
    error_of(client.get(f"{API}/listings/{draft.id}/leads", headers=token_headers(make_user(kind="bank"))), 404)
    error_of(client.get(f"{API}/listings/0/leads", headers=token_headers(loan_market["bank"])), 404)


def test_session_callers_see_leads_too(client, auth, loan_market):
    auth.login(loan_market["bank"].email)
    response = client.get(f"{API}/listings/{loan_market['loan'].id}/leads")
    assert response.status_code == 200 and len(response.get_json()["items"]) == 1
