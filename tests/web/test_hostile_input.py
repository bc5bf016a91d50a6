"""No input breaks the platform: each class of hostile value is refused at the edge with the
field named, nothing is written, and everything the database holds still serializes and renders.

Classes (the security issue's numbering): 1 stored poison, 2 CPU stalls, 3 500s instead of 4xx,
5 open redirects, 8 unbounded sizes, 10 life-cycle bypasses, 12 data hygiene. Runs on SQLite and
PostgreSQL like every test.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from listings.models import Listing, Need
from marketplace.extensions import db
from marketplace.organizations.models import Organization
from marketplace.timeutil import today
from tests.web.test_api_support import API, LISTING, create_posting, error_of, org_of, token_headers

STRICT = {"parse_constant": lambda name: (_ for _ in ()).throw(ValueError(f"{name} in JSON"))}


def strict_json(response):
    """The body as JSON, refusing NaN/Infinity (what a strict client does)."""
    return json.loads(response.get_data(as_text=True), **STRICT)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _post_raw(client, path, text, headers, method="POST"):
    return client.open(path, method=method, data=text, headers={**headers, "Content-Type": "application/json"})


def _with(body: dict, extra: str) -> str:
    """A JSON body with raw JSON text for one more member (for values json.dumps cannot write)."""
    return json.dumps(body, ensure_ascii=False)[:-1] + ", " + extra + "}"


def _everything_still_answers(client, headers, need_id=None, listing_id=None):
    for path in (f"{API}/listings", f"{API}/needs", f"{API}/organizations", f"{API}/search?q=贷款",
                 f"{API}/listings?mine=1"):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        strict_json(response)
    if need_id:
        strict_json(client.get(f"{API}/needs/{need_id}/matches", headers=headers))
    if listing_id:
        strict_json(client.get(f"{API}/listings/{listing_id}/leads", headers=headers))
    for path in ("/listings", "/needs", "/search?q=贷款", "/orgs"):
        assert client.get(path).status_code == 200, path


# --- 1. stored poison ---------------------------------------------------------------------------


POISON = [
    ('"attributes": {"x": 1e400}', "attributes.x"),
    ('"attributes": {"x": -1e400}', "attributes.x"),
    ('"attributes": {"x": ' + "9" * 400 + "}", "attributes.x"),
    ('"attributes": {"x": [' + "9" * 30 + "]}", "attributes.x[0]"),
    ('"attributes": {"x": 1e300}', "attributes.x"),  # finite but beyond any amount
    ('"annual_rate_pct": 1e400', "annual_rate_pct"),
    ('"annual_rate_pct": 1e300', "annual_rate_pct"),
    ('"amount_max_cny": ' + "9" * 400, "amount_max_cny"),
    ('"amount_max_cny": 9223372036854775808', "amount_max_cny"),
    ('"price_cny": 18446744073709551616', "price_cny"),
    ('"term_months_max": 1e10', "term_months_max"),
]


@pytest.mark.parametrize(("member", "field"), POISON)
def test_non_finite_and_out_of_range_numbers_are_refused_before_anything_is_written(client, make_user, member, field):
    bank = make_user(kind="bank")
    headers = token_headers(bank)
    listing = create_posting(client, headers)
    response = _post_raw(client, f"{API}/listings", _with(LISTING, member), headers)
    error = error_of(response, 422, "validation_failed")
    assert field in error["fields"], error
    assert _count(Listing) == 1
    # The same value in a PATCH of the existing listing changes nothing either.
    patched = _post_raw(client, f"{API}/listings/{listing['id']}", "{" + member + "}", headers, method="PATCH")
    assert field in error_of(patched, 422)["fields"]
    assert db.session.get(Listing, listing["id"]).version == 1
    _everything_still_answers(client, headers, listing_id=listing["id"])


def test_the_database_refuses_to_store_json_a_strict_reader_cannot_read(app, make_user):
    from sqlalchemy.exc import StatementError

    from listings import services

    bank = make_user(kind="bank")
    listing = services.create(db.session, "listing", org_of(bank), bank,
                              {"category": "service", "title": "测试", "description": "描述"})
    db.session.commit()
    for value in (float("inf"), float("nan"), 2**64):
        listing.attributes = {"x": value}  # past every edge check: the column itself refuses it
        with pytest.raises((StatementError, ValueError)):  # wrapped on SQLite, raised by psycopg's adapter
            db.session.flush()
        db.session.rollback()
    assert db.session.get(Listing, listing.id).attributes == {}


# --- 2. no stalls: numbers are checked as text before arithmetic ------------------------------


@pytest.mark.parametrize("value", ["1e999990", "1E999999999", "9" * 5000, "1" + "0" * 40, "0.00000000001", "NaN", "inf",
                                   "-1", "1,000", "12.5.3", "0x10", "１２", "abc"])
def test_hostile_numbers_in_wan_fields_are_refused_next_to_the_field(client, make_user, auth, value):
    user = make_user()
    auth.login(user.email)
    org = org_of(user)
    response = client.post(f"/orgs/{org.id}/edit", data={
        "name": org.name, "region": "441900", "industry": "C39", "employees": "25",
        "annual_revenue_wan": value, "total_assets_wan": "500",
    })
    if value == "１２":  # full-width digits typed with a Chinese input method are digits
        assert response.status_code == 302
        db.session.refresh(org)
        assert org.annual_revenue_cny == 120_000
        return
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="annual_revenue_wan"' in page and "invalid-feedback" in page
    db.session.refresh(org)
    assert org.annual_revenue_cny is None


def test_hostile_numbers_in_the_listing_form(client, make_user, auth):
    bank = make_user(kind="bank")
    auth.login(bank.email)
    form = {"category": "financing", "subcategory": "loan", "title": "贷款", "description": "描述", "action": "publish",
            "amount_max_wan": "1e999990", "annual_rate_pct": "1e400", "term_months_max": "9" * 30,
            "price_cny": str(2**64), "attr_documents_required": "营业执照"}
    response = client.post("/listings/new", data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for field in ("amount_max_wan", "annual_rate_pct", "term_months_max"):
        assert f'name="{field}"' in page
    assert page.count("invalid-feedback d-block") >= 3
    assert _count(Listing) == 0


# --- 3. 4xx, never 500 ------------------------------------------------------------------------


@pytest.mark.parametrize("query", [f"amount={2**63}", f"max_price={2**64}", f"page={2**63}", f"per_page={2**63}",
                                   "amount=1e5", "page=-1", f"amount={'9' * 5000}", "q=" + "长" * 201, "region=",
                                   "verified=", "sort="])
def test_bad_query_parameters_are_400_naming_them(client, query):
    name = query.split("=")[0]
    for collection in ("listings", "needs"):
        error = error_of(client.get(f"{API}/{collection}?{query}"), 400, "bad_parameter")
        assert name in error["fields"]
    # The pages keep working and say which filter they ignored.
    assert client.get(f"/listings?{query}").status_code == 200


@pytest.mark.parametrize("query", [f"amount={2**64}", f"page={2**63}", f"per_page={'9' * 30}", "q=" + "x" * 2001])
def test_bad_search_parameters_are_400(client, query):
    assert query.split("=")[0] in error_of(client.get(f"{API}/search?{query}"), 400)["fields"]
    assert client.get(f"/search?{query}").status_code == 200


@pytest.mark.parametrize("path", [f"{API}/listings/{2**63}", f"{API}/listings/{2**64}", f"{API}/needs/{10**30}/matches",
                                  f"{API}/organizations/{2**64}", f"/listings/{2**64}", f"/orgs/{2**64}",
                                  f"/events/{2**64}", f"{API}/listings/{2**63 - 1}", f"{API}/needs/{2**31}",
                                  f"{API}/listings/{2**31 - 1}"])
def test_ids_beyond_64_bits_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_other_list_endpoints_bound_their_numbers(client, make_user):
    bank = make_user(kind="bank")
    headers = token_headers(bank)
    listing = create_posting(client, headers)
    assert "page" in error_of(client.get(f"{API}/organizations?page={2**64}"), 400)["fields"]
    assert "limit" in error_of(client.get(f"{API}/listings/{listing['id']}/leads?limit={2**64}", headers=headers), 400)["fields"]
    assert client.get(f"/orgs?page={2**64}").status_code == 200


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a":' * 5000 + "1" + "}" * 5000,
                                  '{"title": NaN}', '{"title": Infinity}', '{"title": "\\ud800"}', "\xff\xfe"])
def test_malformed_or_deeply_nested_json_is_refused(client, make_user, text):
    headers = token_headers(make_user(kind="bank"))
    response = _post_raw(client, f"{API}/listings", text, headers)
    assert response.status_code in (400, 422)
    error_of(response, response.status_code)
    assert _count(Listing) == 0


def test_nesting_within_the_parser_limit_is_still_refused_by_depth(client, make_user):
    headers = token_headers(make_user(kind="bank"))
    body = _with(LISTING, '"attributes": {"x": ' + "[" * 40 + "]" * 40 + "}")
    error = error_of(_post_raw(client, f"{API}/listings", body, headers), 422)
    assert any(path.startswith("attributes.x") for path in error["fields"])


def test_an_oversized_body_is_413(client, make_user):
    headers = token_headers(make_user(kind="bank"))
    body = json.dumps({**LISTING, "attributes": {"notes": "x" * (2 * 1024 * 1024)}})
    error_of(_post_raw(client, f"{API}/listings", body, headers), 413, "payload_too_large")
    assert _count(Listing) == 0


def test_integral_floats_are_integers_as_json_schema_says(client, make_user):
    headers = token_headers(make_user(kind="bank"))
    created = create_posting(client, headers, amount_max_cny=3_000_000.0, term_months_max=36.0)
    assert created["amount_max_cny"] == 3_000_000 and created["term_months_max"] == 36
    changed = client.patch(f"{API}/listings/{created['id']}", json={"title": "新", "version": 1.0}, headers=headers)
    assert changed.status_code == 200, changed.get_json()
    assert "version" in error_of(client.patch(f"{API}/listings/{created['id']}", json={"version": 1.5},
                                              headers=headers), 422)["fields"]


# --- 5. redirects stay on the site ---------------------------------------------------------------


@pytest.mark.parametrize("target", ["/%09/evil.example", "/%0a/x", "/%0d%0a/evil.example", "%5C%5Cevil.example",
                                    "/%5Cevil.example", "//evil.example", "https://evil.example", "/%20/evil.example"])
def test_language_switch_and_login_never_leave_the_site(client, make_user, target):
    response = client.get(f"/lang/en?next={target}")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    user = make_user()
    response = client.post(f"/login?next={target}", data={"email": user.email, "password": "correct-horse-42"})
    assert response.status_code == 302 and response.headers["Location"] == "/"


# --- 8. every field has a bound -----------------------------------------------------------------


@pytest.mark.parametrize(("changes", "field"), [
    ({"subcategory": "x" * 10_000}, "subcategory"),
    ({"subcategory": "Loan!"}, "subcategory"),
    ({"regions": ["440100"] * 10_000}, "regions"),
    ({"regions": ["440100", "440100"]}, "regions"),
    ({"industries": ["C"] * 200}, "industries"),
    ({"tags": ["t"] * 31}, "tags"),
    ({"tags": ["x" * 51]}, "tags[0]"),
    ({"attributes": {f"k{i}": i for i in range(31)}}, "attributes"),
    ({"attributes": {"venue": "x" * 2001}}, "attributes.venue"),
    ({"attributes": {"Bad Key": 1}}, "attributes"),
    ({"attributes": {"list": ["x"] * 51}}, "attributes.list"),
    ({"attributes": {"nested": [["x"]]}}, "attributes.nested"),
    ({"attributes": {"o": {"a": 1}}}, "attributes.o"),
    ({"title": "x" * 201}, "title"),
    ({"description": "x" * 10_001}, "description"),
])
def test_oversized_values_are_refused_with_the_field_named(client, make_user, changes, field):
    headers = token_headers(make_user(kind="bank"))
    error = error_of(client.post(f"{API}/listings", json={**LISTING, **changes}, headers=headers), 422)
    assert field in error["fields"], error
    # Messages name the limit and never echo the (possibly huge) value back.
    assert all(len(message) < 300 for messages in error["fields"].values() for message in messages)
    assert _count(Listing) == 0


def test_the_openapi_document_states_the_limits(client):
    document = client.get(f"{API}/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    create = schemas["ListingCreate"]["properties"]
    assert schemas["subcategory"]["maxLength"] == 40
    assert create["regions"]["maxItems"] == 30 and create["regions"]["uniqueItems"] is True
    assert schemas["attributes"]["maxProperties"] == 30
    assert schemas["amount_cny"]["maximum"] == 10**15
    assert create["annual_rate_pct"]["maximum"] == 100
    parameters = {p.get("name"): p for p in document["paths"]["/search"]["get"]["parameters"]}
    assert parameters["q"]["schema"]["maxLength"] == 2000
    assert parameters["amount"]["schema"]["maximum"] == 10**15
    item = document["paths"]["/listings/{posting_id}"]["get"]["parameters"][0]
    assert item["schema"]["maximum"] == 2**31 - 1


# --- 10. one life cycle on every path -----------------------------------------------------------


def test_patch_cannot_revive_an_archived_or_expired_listing(client, make_user, auth):
    from listings import services

    bank = make_user(kind="bank")
    headers = token_headers(bank)
    archived = create_posting(client, headers)
    listing = db.session.get(Listing, archived["id"])
    services.archive(db.session, listing, bank)
    db.session.commit()
    item = f"{API}/listings/{archived['id']}"
    assert "status" in error_of(client.patch(item, json={"status": "published"}, headers=headers), 409)["fields"]
    assert db.session.get(Listing, archived["id"]).status == "closed"

    past = (today() - timedelta(days=2)).isoformat()
    closed = create_posting(client, headers, status="closed", deadline=past)
    item = f"{API}/listings/{closed['id']}"
    assert "deadline" in error_of(client.patch(item, json={"status": "published"}, headers=headers), 422)["fields"]
    assert "deadline" in error_of(client.post(f"{item}/reopen", headers=headers), 422)["fields"]
    # Moving the deadline and publishing in one request is fine.
    future = (today() + timedelta(days=30)).isoformat()
    revived = client.patch(item, json={"status": "published", "deadline": future}, headers=headers)
    assert revived.status_code == 200 and revived.get_json()["status"] == "published"
    # A published posting never goes back to draft.
    assert "status" in error_of(client.patch(item, json={"status": "draft"}, headers=headers), 409)["fields"]


def test_publishing_a_draft_whose_date_has_passed_is_refused(client, make_user):
    sme = make_user()
    headers = token_headers(sme)
    past = (today() - timedelta(days=1)).isoformat()
    need = create_posting(client, headers, "need", status="draft", needed_by=past)
    error = error_of(client.post(f"{API}/needs/{need['id']}/publish", headers=headers), 422)
    assert "needed_by" in error["fields"]
    assert db.session.get(Need, need["id"]).status == "draft"


def test_a_hidden_listing_cannot_be_copied_back_onto_the_marketplace(client, make_user, auth):
    from listings import services

    bank, admin = make_user(kind="bank"), make_user(admin=True, kind="platform")
    headers = token_headers(bank)
    created = create_posting(client, headers, title="违规广告")
    services.hide(db.session, db.session.get(Listing, created["id"]), admin, "虚假宣传")
    db.session.commit()
    auth.login(bank.email)
    client.post(f"/listings/{created['id']}/duplicate")
    assert _count(Listing) == 1
    assert client.get(f"{API}/search?q=违规广告").get_json()["total"] == 0


# --- 12. data hygiene ---------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": "\u200b"}, "title"), ({"title": "   "}, "title"), ({"title": "\u3164\u200d"}, "title"),
    ({"title": "贷款\n第二行"}, "title"), ({"title": "贷款\u202e款贷"}, "title"), ({"title": "a\tb"}, "title"),
    ({"description": "\u200b\u200b"}, "description"), ({"tags": ["\u200b"]}, "tags[0]"),
    ({"tags": ["a\nb"]}, "tags[0]"), ({"attributes": {"venue": "广州\r\n琶洲"}}, "attributes.venue"),
    ({"title": "贷\u0000款"}, "title"), ({"description": "\u001b[31m红色"}, "description"),
])
def test_texts_that_show_nothing_or_hold_control_characters_are_refused(client, make_user, changes, field):
    headers = token_headers(make_user(kind="bank"))
    error = error_of(client.post(f"{API}/listings", json={**LISTING, **changes}, headers=headers), 422)
    assert field in error["fields"], error
    assert _count(Listing) == 0


def test_multi_line_texts_keep_their_line_breaks(client, make_user):
    headers = token_headers(make_user(kind="bank"))
    created = create_posting(client, headers, description="第一行\n第二行\t制表")
    assert created["description"] == "第一行\n第二行\t制表"


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": "\u0000"}, "name"), ({"name": "  "}, "name"), ({"name": "\u200b"}, "name"),
    ({"name": "甲公司\r\nBcc: x@evil.example"}, "name"), ({"contact_email": "not an email"}, "contact_email"),
    ({"website": "javascript:alert(1)"}, "website"), ({"website": "ftp://example.cn"}, "website"),
    ({"contact_phone": "call me\u0007"}, "contact_phone"), ({"employees": 10**12}, "employees"),
    ({"annual_revenue_cny": 2**63}, "annual_revenue_cny"), ({"tags": ["\u200b"]}, "tags"),
])
def test_organization_profile_hygiene(client, make_user, changes, field):
    owner = make_user()
    org = org_of(owner)
    response = client.patch(f"{API}/organizations/{org.id}", json=changes, headers=token_headers(owner))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    db.session.refresh(org)
    assert org.name.startswith("测试机构")


def test_a_bare_host_name_becomes_an_https_address(client, make_user):
    owner = make_user(kind="bank")
    org = org_of(owner)
    response = client.patch(f"{API}/organizations/{org.id}", json={"website": "www.example.cn"},
                            headers=token_headers(owner))
    assert response.status_code == 200 and response.get_json()["website"] == "https://www.example.cn"


@pytest.mark.parametrize("value", ["甲\u0000", "甲\x1b", "\x7f"])
def test_control_characters_in_any_form_field_are_a_clear_400(client, make_user, auth, value):
    user = make_user()
    auth.login(user.email)
    org = org_of(user)
    response = client.post(f"/orgs/{org.id}/edit", data={"name": value, "region": "441900", "industry": "C39"})
    assert response.status_code == 400
    assert "name" in response.get_data(as_text=True)
    db.session.refresh(org)
    assert org.name.startswith("测试机构")
    # The same through a query string.
    assert client.get("/listings", query_string={"q": value}).status_code == 400


def test_single_line_form_fields_refuse_line_breaks(client, make_user, auth):
    user = make_user()
    auth.login(user.email)
    org = org_of(user)
    response = client.post(f"/orgs/{org.id}/edit", data={
        "name": "甲公司\r\nBcc: x@evil.example", "region": "441900", "industry": "C39",
        "description": "第一行\r\n第二行",
    })
    assert response.status_code == 200 and "invalid-feedback" in response.get_data(as_text=True)
    db.session.refresh(org)
    assert org.name.startswith("测试机构")


def test_the_directory_and_profile_render_whatever_is_stored(client, make_user):
    """Even rows written before these rules (directly, bypassing every check) render."""
    owner = make_user()
    org = org_of(owner)
    org.name, org.description, org.website = "乙\u202e公司", "\u200b", "javascript:alert(1)"
    db.session.commit()
    assert client.get(f"/orgs/{org.id}").status_code == 200
    assert client.get("/orgs").status_code == 200
    strict_json(client.get(f"{API}/organizations/{org.id}"))
    assert _count(Organization) == 1


# --- 3. headers -------------------------------------------------------------------------------


HEADERS = ["HTTP_IF_MATCH", "HTTP_AUTHORIZATION", "HTTP_X_CSRFTOKEN", "HTTP_COOKIE", "HTTP_ACCEPT_LANGUAGE",
           "HTTP_IF_NONE_MATCH", "HTTP_USER_AGENT", "HTTP_REFERER", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO",
           "CONTENT_TYPE"]
HEADER_VALUES = ["a\nb", "a\r\nSet-Cookie: x=1", "\x00", "x" * 20_000, '"' + "9" * 5000 + '"', "Bearer \u200b",
                 "W/\"1\"\n"]


def test_hostile_header_values_never_cause_a_server_error(client, make_user):
    owner = make_user(kind="bank")
    headers = token_headers(owner)
    listing = create_posting(client, headers)
    item = f"{API}/listings/{listing['id']}"
    failures = []
    for header in HEADERS:
        for value in HEADER_VALUES:
            base = {} if header == "HTTP_AUTHORIZATION" else headers
            requests = [("GET", item, {}), ("GET", "/", {})]
            if header in ("HTTP_IF_MATCH", "HTTP_AUTHORIZATION", "HTTP_X_CSRFTOKEN", "CONTENT_TYPE", "HTTP_COOKIE"):
                requests.append(("PATCH", item, {"json": {"title": "新"}}))
            if header in ("HTTP_COOKIE", "HTTP_USER_AGENT", "HTTP_X_FORWARDED_FOR", "CONTENT_TYPE"):
                requests.append(("POST", "/login", {"data": {"email": owner.email, "password": "x"}}))
            for method, path, kwargs in requests:
                response = client.open(path, method=method, headers=base, environ_overrides={header: value}, **kwargs)
                if response.status_code >= 500 or any("\n" in v or "\r" in v for _k, v in response.headers.items()):
                    failures.append((header, value[:20], method, path, response.status_code))
    assert failures == []
