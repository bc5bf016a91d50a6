"""Need visibility (``listings.visibility``): who sees a need, by every path that shows needs.

One table: each visibility × each viewer × each path says seen or not. Then the rule's two forms
(the predicate and the SQL condition) agree for every kind of viewer, the engagements hook lets
the other side see a private need (and only that side), and the form and the API write the
visibility and refuse bad values without writing anything.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from listings import services, visibility
from listings.models import Need
from marketplace.extensions import db
from tests.factories import gen_posting, org_of
from tests.web.test_api_support import API, error_of, token_headers

LOAN = {
    "category": "financing", "subcategory": "loan", "title": "东莞科技型中小企业信用贷款",
    "description": "无需抵押的信用贷款，支持研发投入和设备采购，最快三天放款。", "regions": ["441900"],
    "amount_min_cny": 100_000, "amount_max_cny": 3_000_000,
}
NEED = {
    "category": "financing", "subcategory": "loan", "title": "研发设备采购需要信用贷款",
    "description": "计划采购研发设备，希望获得无抵押信用贷款，金额一百万元。", "amount_cny": 1_000_000, "region": "441900",
}
VIEWERS = ("anonymous", "other_sme", "bank", "owner", "admin")
VISIBILITIES = ("public", "providers", "private")
PATHS = ("detail", "browse", "search_page", "api_list", "api_get", "api_search", "home", "organization", "leads")
# Who sees the need where needs are shown, and who gets it as a lead of the bank's loan (the
# bank's members, and admins looking at the bank's listing: a private need is never a lead).
SEES = {"public": set(VIEWERS), "providers": {"bank", "owner", "admin"}, "private": {"owner", "admin"}}
LEADS = {"public": {"bank", "admin"}, "providers": {"bank", "admin"}, "private": set()}


def expected(visibility_: str, viewer: str) -> dict[str, bool]:
    seen = viewer in SEES[visibility_]
    return {
        "detail": seen, "browse": seen, "api_list": seen, "api_get": seen, "home": seen,
        # Search covers listings only and profiles list no postings: a need never shows there.
        "search_page": False, "api_search": False, "organization": False,
        "leads": viewer in LEADS[visibility_],
    }


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """The deterministic fake encoder (leads come from the matcher)."""
    application = make_app(MATCHING_MODEL="hashing-64")
    with application.app_context():
        yield application


@pytest.fixture
def market(make_user: Callable[..., Any]) -> Callable[[str], dict[str, Any]]:
    """An SME (the owner) with a published loan need of the given visibility, another SME, a bank
    with a loan the need fits, and a platform admin (whose own organization is an SME: admins
    see needs as admins, not as providers)."""

    def make(visibility_: str) -> dict[str, Any]:
        users = {"owner": make_user(kind="sme"), "other_sme": make_user(kind="sme"), "bank": make_user(kind="bank"),
                 "admin": make_user(kind="sme", admin=True)}
        loan = gen_posting(users["bank"], "listing", **LOAN)
        need = gen_posting(users["owner"], "need", **NEED, visibility=visibility_)
        return {"users": users, "loan": loan, "need": need}

    return make


def _paths_seen(client: Any, market: dict[str, Any], viewer: str) -> dict[str, bool]:
    need, loan, title = market["need"], market["loan"], NEED["title"]
    owner_org = org_of(market["users"]["owner"])

    def page(url: str) -> str:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True)

    detail = client.get(f"/needs/{need.id}")
    assert detail.status_code in (200, 404)
    api_get = client.get(f"{API}/needs/{need.id}")
    assert api_get.status_code in (200, 404)
    search_page = page("/search?q=信用贷款")
    assert f"/listings/{loan.id}" in search_page  # the search works: it finds the loan, not the need
    api_search = client.get(f"{API}/search?q=信用贷款").get_json()
    assert [item["listing"]["id"] for item in api_search["items"]] == [loan.id]
    home = re.search(r'data-number="needs">(\d+)<', page("/"))
    assert home is not None
    leads = client.get(f"{API}/listings/{loan.id}/leads")
    lead_ids = [item["need"]["id"] for item in leads.get_json()["items"]] if leads.status_code == 200 else []
    if viewer == "bank":  # the listing's page and /my/listings show its organization the same leads
        panels = [client.get(url).get_data(as_text=True) for url in (f"/listings/{loan.id}", "/my/listings")]
        assert (need.id in lead_ids) == (f"/needs/{need.id}" in panels[0].partition('id="leads"')[2])
        assert (need.id in lead_ids) == (f"/needs/{need.id}" in panels[1])
    return {
        "detail": detail.status_code == 200 and title in detail.get_data(as_text=True),
        "browse": title in page("/needs"),
        "search_page": title in search_page,
        "api_list": need.id in [item["id"] for item in client.get(f"{API}/needs").get_json()["items"]],
        "api_get": api_get.status_code == 200 and api_get.get_json()["title"] == title,
        "api_search": title in str(api_search),
        "home": int(home.group(1)) == 1,
        "organization": title in page(f"/orgs/{owner_org.id}") or title in str(client.get(f"{API}/organizations/{owner_org.id}").get_json()),
        "leads": need.id in lead_ids,
    }


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("visibility_", VISIBILITIES)
def test_who_sees_a_need_by_every_path(client, auth, market, visibility_, viewer):
    made = market(visibility_)
    if viewer != "anonymous":
        auth.login(made["users"][viewer].email)
    assert _paths_seen(client, made, viewer) == expected(visibility_, viewer)


def test_a_need_unseen_is_a_404_like_a_draft(client, make_user, make_posting):
    need = make_posting(make_user(), "need", visibility="private")
    response = client.get(f"{API}/needs/{need.id}")
    error_of(response, 404, "not_found")
    assert client.get(f"{API}/needs/{need.id}/matches").status_code == 404
    assert client.get(f"/needs/{need.id}").status_code == 404


# --- one rule, two forms --------------------------------------------------------------------


def test_writing_to_a_need_one_may_not_see_is_a_404_and_changes_nothing(client, make_user, make_posting):
    need = make_posting(make_user(), "need")  # for providers
    headers = token_headers(make_user(kind="sme"))
    error_of(client.patch(f"{API}/needs/{need.id}", json={"title": "改掉"}, headers=headers), 404, "not_found")
    error_of(client.post(f"{API}/needs/{need.id}/close", headers=headers), 404, "not_found")
    db.session.expire_all()
    assert (need.title, need.status, need.version) == ("测试需求", "published", 1)


def test_the_predicate_and_the_sql_condition_agree_for_every_kind_of_viewer(app, make_user, make_posting):
    owner = make_user(kind="sme")
    needs = {v: make_posting(owner, "need", title=f"需求 {v}", visibility=v) for v in VISIBILITIES}
    viewers = {kind: make_user(kind=kind) for kind in ("sme", "bank", "government", "association", "organizer", "university")}
    both = make_user(kind="sme")  # a member of an SME and of a bank sees what the bank's members see
    from marketplace.organizations.models import Membership

    db.session.add(Membership(organization=org_of(viewers["bank"]), user=both, role="member"))
    db.session.commit()
    people = {"anonymous": None, "owner": owner, "admin": make_user(admin=True), "sme+bank": both, **viewers}
    seen_by = {}
    for name, user in people.items():
        viewer = visibility.Viewer.of(user)
        in_sql = set(db.session.scalars(select(Need.id).where(visibility.visible_clause(viewer))))
        by_predicate = {n.id for n in needs.values() if visibility.can_see(viewer, n)}
        assert in_sql == by_predicate, name
        assert by_predicate == {n.id for n in needs.values() if services.can_view(n, user)}, name
        seen_by[name] = {v for v, n in needs.items() if n.id in by_predicate}
    providers = {"bank", "government", "association", "organizer", "university", "sme+bank"}
    for name, seen in seen_by.items():
        if name in ("owner", "admin"):
            assert seen == set(VISIBILITIES), name
        elif name in providers:
            assert seen == {"public", "providers"}, name
        else:
            assert seen == {"public"}, name


def test_the_matchers_lead_filter_follows_the_rule(app):
    """The store's fast filter (NeedProfile.lead) lets through exactly the visibilities that are
    open to some provider."""
    assert visibility.LEAD_VISIBILITIES == ("public", "providers")
    assert all(visibility.open_to(v, visibility.Viewer(signed_in=True, provider=True)) == (v in visibility.LEAD_VISIBILITIES)
               for v in VISIBILITIES)


# --- engagements ----------------------------------------------------------------------------


def test_an_engagement_shows_a_private_need_to_the_other_side_only(client, auth, make_user, make_posting):
    from marketplace.engagements import services as engagements

    owner, bank, other_bank = make_user(), make_user(kind="bank"), make_user(kind="bank")
    loan = make_posting(bank, "listing", **LOAN)
    need = make_posting(owner, "need", **NEED, visibility="private")
    auth.login(bank.email)
    assert client.get(f"/needs/{need.id}").status_code == 404  # before the SME asks
    engagements.inquire(db.session, loan, org_of(owner), owner, {"message": "您好", "need_id": need.id})
    db.session.commit()
    assert client.get(f"/needs/{need.id}").status_code == 200
    assert NEED["title"] in client.get("/needs").get_data(as_text=True)
    assert [i["id"] for i in client.get(f"{API}/needs").get_json()["items"]] == [need.id]
    # Still no lead: a private need is never one, engaged or not.
    assert client.get(f"{API}/listings/{loan.id}/leads").get_json()["items"] == []
    auth.logout()
    auth.login(other_bank.email)
    assert client.get(f"/needs/{need.id}").status_code == 404
    assert client.get(f"{API}/needs").get_json()["items"] == []


# --- writing it -----------------------------------------------------------------------------

NEED_FORM = {"category": "training", "title": "车间班组长管理培训", "description": "20 名班组长，周末两天。", "action": "publish"}


def test_the_form_offers_the_three_choices_with_providers_first_chosen(client, auth, make_user):
    auth.login(make_user().email)
    page = client.get("/needs/new").get_data(as_text=True)
    radios = re.findall(r'<input[^>]*name="visibility"[^>]*>', page)
    assert [re.search(r'value="(\w+)"', r).group(1) for r in radios] == list(VISIBILITIES)
    assert ["checked" in r for r in radios] == [False, True, False]
    assert page.count('class="form-text mt-0"') >= 3  # a line of explanation under each


def test_the_form_writes_the_visibility_and_keeps_it_when_not_sent(client, auth, make_user):
    owner = make_user()
    auth.login(owner.email)
    assert client.post("/needs/new", data={**NEED_FORM, "visibility": "private"}).status_code == 302
    need = db.session.scalars(select(Need)).one()
    assert need.visibility == "private"
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert 'id="visibility-badge"' in page
    # An edit that does not send the field (not a browser) leaves it as it was.
    edit = {k: v for k, v in NEED_FORM.items() if k != "action"} | {"version": str(need.version), "action": "save"}
    assert client.post(f"/needs/{need.id}/edit", data={**edit, "title": "车间班组长培训"}).status_code == 302
    db.session.expire_all()
    assert (need.title, need.visibility) == ("车间班组长培训", "private")
    assert client.post(f"/needs/{need.id}/edit", data={**edit, "version": str(need.version), "visibility": "public"}).status_code == 302
    db.session.expire_all()
    assert need.visibility == "public"
    # Without the field a new need gets the default.
    assert client.post("/needs/new", data={**NEED_FORM, "title": "另一条需求"}).status_code == 302
    assert db.session.scalar(select(Need.visibility).where(Need.title == "另一条需求")) == "providers"


def test_the_badge_is_for_the_owner(client, auth, make_user, make_posting):
    need = make_posting(make_user(), "need", visibility="public")
    auth.login(make_user(kind="bank").email)
    assert 'id="visibility-badge"' not in client.get(f"/needs/{need.id}").get_data(as_text=True)


@pytest.mark.parametrize("value", ["everyone", "", "PUBLIC", "private "])
def test_the_form_refuses_a_bad_value_next_to_the_field(client, auth, make_user, value):
    auth.login(make_user().email)
    response = client.post("/needs/new", data={**NEED_FORM, "visibility": value})
    assert response.status_code == 200
    assert re.search(r'name="visibility".*?invalid-feedback d-block', response.get_data(as_text=True), re.S)
    assert db.session.scalar(select(func.count()).select_from(Need)) == 0


def test_the_api_reads_and_writes_the_visibility(client, make_user):
    owner = make_user()
    headers = token_headers(owner)
    body = {"category": "training", "title": "班组长培训", "description": "两天"}
    created = client.post(f"{API}/needs", json=body, headers=headers)
    assert created.status_code == 201 and created.get_json()["visibility"] == "providers"
    need_id = created.get_json()["id"]
    changed = client.patch(f"{API}/needs/{need_id}", json={"visibility": "public"}, headers=headers)
    assert changed.status_code == 200 and changed.get_json()["visibility"] == "public"
    assert client.get(f"{API}/needs/{need_id}").get_json()["visibility"] == "public"  # anonymous now
    private = client.post(f"{API}/needs", json={**body, "title": "股权融资", "visibility": "private"}, headers=headers)
    assert private.status_code == 201 and private.get_json()["visibility"] == "private"


@pytest.mark.parametrize("value", ["everyone", None, 1, ["public"], ""])
def test_the_api_refuses_a_bad_value_naming_the_field(client, make_user, make_posting, value):
    owner = make_user()
    headers = token_headers(owner)
    need = make_posting(owner, "need", visibility="private")
    body = {"category": "training", "title": "班组长培训", "description": "两天", "visibility": value}
    error = error_of(client.post(f"{API}/needs", json=body, headers=headers), 422, "validation_failed")
    assert list(error["fields"]) == ["visibility"]
    error = error_of(client.patch(f"{API}/needs/{need.id}", json={"visibility": value}, headers=headers), 422)
    assert list(error["fields"]) == ["visibility"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Need)) == 1 and need.visibility == "private"
    assert need.version == 1


def test_listings_have_no_visibility(client, make_user):
    headers = token_headers(make_user(kind="bank"))
    body = {"category": "service", "title": "法律服务", "description": "合同审查", "visibility": "public"}
    error = error_of(client.post(f"{API}/listings", json=body, headers=headers), 422)
    assert list(error["fields"]) == ["visibility"]


def test_the_openapi_document_carries_the_visibility(client):
    schemas = client.get(f"{API}/openapi.json").get_json()["components"]["schemas"]
    enum = ["public", "providers", "private"]
    assert schemas["NeedCreate"]["properties"]["visibility"]["enum"] == enum
    assert schemas["NeedPatch"]["properties"]["visibility"]["enum"] == enum
    assert schemas["Need"]["properties"]["visibility"]["anyOf"][0]["enum"] == enum
    assert "visibility" in schemas["Need"]["required"] and "visibility" not in schemas["Listing"]["properties"]


# --- search on every backend ------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["embedded", "elasticsearch"])
def test_search_never_returns_needs_on_any_backend(request, make_app, make_user, backend):
    """Search indexes listings only: a need (even a public one whose words match best) is in no
    result, count or facet of the search page or API, on the embedded backend and on
    Elasticsearch."""
    overrides: dict[str, Any] = {"MATCHING_MODEL": "hashing-64"}
    if backend == "elasticsearch":
        overrides.update(ELASTICSEARCH_URL=request.getfixturevalue("elasticsearch_url"),
                         ELASTICSEARCH_INDEX=f"test-visibility-{uuid.uuid4().hex[:8]}")
    app = make_app(**overrides)
    with app.app_context():
        try:
            bank, sme = make_user(kind="bank"), make_user(kind="sme", admin=True)
            loan = gen_posting(bank, "listing", **LOAN)
            for v in VISIBILITIES:
                gen_posting(sme, "need", **{**NEED, "title": f"{NEED['title']} {v}"}, visibility=v)
            assert app.test_cli_runner().invoke(args=["search", "sync"]).exit_code == 0
            client = app.test_client()
            client.post("/login", data={"email": sme.email, "password": "correct-horse-42"})  # an admin sees everything
            body = client.get(f"{API}/search?q=信用贷款&facets=category,region").get_json()
            assert [item["listing"]["id"] for item in body["items"]] == [loan.id] and body["total"] == 1
            assert sum(v["count"] for v in body["facets"]["category"]) == 1
            assert NEED["title"] not in client.get("/search?q=信用贷款").get_data(as_text=True)
        finally:
            from marketplace.search.indexing import get_engine

            drop = getattr(get_engine().backend, "drop", None)
            if backend == "elasticsearch" and drop:
                drop()
