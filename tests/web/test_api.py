"""The postings API: create/read/update/life cycle, validation, optimistic locking, browsing."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from listings.models import Listing, Need
from listings.services import FIELDS
from marketplace.extensions import db
from marketplace.organizations import services as organizations
from marketplace.timeutil import today
from tests.web.test_api_support import (
    API,
    LISTING,
    NEED,
    create_posting,
    error_of,
    org_of,
    token_headers,
)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_listing_round_trip_create_read_update_close_reopen(client, make_user):
    bank = make_user(kind="bank")
    headers = token_headers(bank)
    response = client.post(f"{API}/listings", json=LISTING, headers=headers)
    assert response.status_code == 201
    created = response.get_json()
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Location"].endswith(f"{API}/listings/{created['id']}")
    org = org_of(bank)
    assert created["organization"] == org.external_id and created["organization_id"] == org.id
    assert created["type"] == "listing" and created["external_id"].startswith("listing-")
    assert created["status"] == "published" and created["published_at"] is not None  # the schema's default
    assert created["version"] == 1 and created["expired"] is False and created["hidden"] is False
    assert created["url"].endswith(f"/listings/{created['id']}")
    # Every field of the records schema is there; unset ones are null.
    assert set(FIELDS["listing"]) <= set(created)
    assert created["price_cny"] is None and created["deadline"] is None
    assert created["regions"] == ["441900"] and created["amount_max_cny"] == 3_000_000

    item = f"{API}/listings/{created['id']}"
    read = client.get(item)  # anonymous: published postings are public
    assert read.status_code == 200 and read.headers["ETag"] == '"1"'
    assert read.get_json()["title"] == LISTING["title"] and "hidden_reason" not in read.get_json()
    page = client.get(urlsplit(created["url"]).path)  # the link leads to the posting's page
    assert page.status_code == 200 and LISTING["title"] in page.get_data(as_text=True)

    changed = client.patch(item, json={"title": "新标题", "deadline": "2099-12-31"}, headers={**headers, "If-Match": '"1"'})
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["title"] == "新标题" and body["deadline"] == "2099-12-31" and body["version"] == 2
    assert body["description"] == LISTING["description"]  # partial update: the rest is kept
    assert changed.headers["ETag"] == '"2"'

    closed = client.post(f"{item}/close", json={"version": 2}, headers=headers)
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    assert closed.get_json()["closed_at"] is not None
    listing = db.session.get(Listing, created["id"])
    assert listing.status == "closed" and listing.title == "新标题"
    reopened = client.post(f"{item}/reopen", headers=headers)
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "published"
    assert client.get(f"{API}/listings").get_json()["total"] == 1


def test_need_round_trip_and_only_smes_post_needs(client, make_user):
    sme = make_user()
    headers = token_headers(sme)
    need = create_posting(client, headers, "need", status="draft", external_id="need-crm-2025")
    assert need["external_id"] == "need-crm-2025" and need["status"] == "draft" and need["published_at"] is None
    assert need["region"] == "441900" and need["budget_cny"] == 20_000 and need["needed_by"] is None
    assert need["url"].endswith(f"/needs/{need['id']}")
    assert client.get(f"{API}/needs/{need['id']}").status_code == 404  # a draft: anonymous sees nothing
    published = client.post(f"{API}/needs/{need['id']}/publish", headers=headers)
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    assert published.get_json()["visibility"] == "providers"  # the default: still not for anonymous callers
    assert client.get(f"{API}/needs/{need['id']}").status_code == 404

    bank = make_user(kind="bank")
    assert client.get(f"{API}/needs/{need['id']}", headers=token_headers(bank)).status_code == 200
    refused = client.post(f"{API}/needs", json=NEED, headers=token_headers(bank))
    error_of(refused, 403, "forbidden")
    assert _count(Need) == 1


def test_drafts_and_hidden_postings_are_visible_to_members_only(client, make_user):
    owner, other = make_user(kind="bank"), make_user(kind="bank")
    owner_headers, other_headers = token_headers(owner), token_headers(other)
    draft = create_posting(client, owner_headers, status="draft")
    item = f"{API}/listings/{draft['id']}"
    assert client.get(item, headers=owner_headers).status_code == 200
    error_of(client.get(item, headers=other_headers), 404, "not_found")
    error_of(client.get(item), 404, "not_found")
    # Writes on an invisible draft answer 404 too: its existence is not revealed.
    error_of(client.patch(item, json={"title": "x"}, headers=other_headers), 404)
    error_of(client.post(f"{item}/publish", headers=other_headers), 404)
    assert client.get(f"{API}/listings").get_json()["total"] == 0

    public = create_posting(client, owner_headers)
    listing = db.session.get(Listing, public["id"])
    listing.hidden_at, listing.hidden_reason = listing.created_at, "虚假宣传"
    db.session.commit()
    error_of(client.get(f"{API}/listings/{public['id']}", headers=other_headers), 404)
    mine = client.get(f"{API}/listings/{public['id']}", headers=owner_headers).get_json()
    assert mine["hidden"] is True and mine["hidden_reason"] == "虚假宣传"


def test_bad_payload_is_422_with_messages_per_field_and_writes_nothing(client, make_user):
    headers = token_headers(make_user(kind="bank"))
    bad = {**LISTING, "regions": ["999999"], "amount_min_cny": 5_000_000, "amount_max_cny": 1_000, "colour": "red"}
    error = error_of(client.post(f"{API}/listings", json=bad, headers=headers), 422, "validation_failed")
    assert set(error["fields"]) >= {"regions[0]", "amount_max_cny", "colour"}
    assert "999999" in error["fields"]["regions[0]"][0]
    assert all(isinstance(m, str) for messages in error["fields"].values() for m in messages)
    missing = error_of(client.post(f"{API}/listings", json={"category": "financing"}, headers=headers), 422)
    assert {"title", "description"} <= set(missing["fields"])
    wrong_type = error_of(client.post(f"{API}/listings", json={**LISTING, "type": "need"}, headers=headers), 422)
    assert set(wrong_type["fields"]) == {"type"}
    assert _count(Listing) == 0

    created = create_posting(client, headers)
    item = f"{API}/listings/{created['id']}"
    error = error_of(client.patch(item, json={"price_cny": -5, "external_id": "other"}, headers=headers), 422)
    assert set(error["fields"]) == {"external_id"}
    error = error_of(client.patch(item, json={"price_cny": -5}, headers=headers), 422)
    assert "price_cny" in error["fields"]
    listing = db.session.get(Listing, created["id"])
    assert listing.price_cny is None and listing.version == 1


def test_stale_version_is_409_and_changes_nothing(client, make_user):
    headers = token_headers(make_user(kind="bank"))
    created = create_posting(client, headers)
    item = f"{API}/listings/{created['id']}"
    first = client.patch(item, json={"title": "第一次"}, headers={**headers, "If-Match": '"1"'})
    assert first.status_code == 200
    error_of(client.patch(item, json={"title": "第二次"}, headers={**headers, "If-Match": '"1"'}), 409, "conflict")
    error_of(client.patch(item, json={"title": "第三次", "version": 1}, headers=headers), 409, "conflict")
    error_of(client.post(f"{item}/close", json={"version": 1}, headers=headers), 409, "conflict")
    error_of(client.patch(item, json={"title": "x"}, headers={**headers, "If-Match": "soon"}), 400)
    listing = db.session.get(Listing, created["id"])
    assert listing.title == "第一次" and listing.version == 2 and listing.status == "published"


def test_duplicate_external_id_is_409(client, make_user):
    headers = token_headers(make_user(kind="bank"))
    create_posting(client, headers, external_id="gd-loan-001")
    error = error_of(client.post(f"{API}/listings", json={**LISTING, "external_id": "gd-loan-001"}, headers=headers), 409)
    assert "external_id" in error["fields"]
    bad = error_of(client.post(f"{API}/listings", json={**LISTING, "external_id": "有空格 id"}, headers=headers), 422)
    assert "external_id" in bad["fields"]
    assert _count(Listing) == 1


def test_filters_and_pagination(client, make_user):
    headers = token_headers(make_user(kind="bank"))
    for i in range(5):
        create_posting(client, headers, title=f"贷款 {i}", regions=["440300"] if i % 2 else ["441900"])
    create_posting(client, headers, category="training", subcategory="skills", title="技能培训",
                   amount_min_cny=None, amount_max_cny=None, price_cny=800, regions=[])
    create_posting(client, headers, title="已过期", deadline=(today() - timedelta(days=1)).isoformat())
    everything = client.get(f"{API}/listings?per_page=100").get_json()
    assert everything["total"] == 6  # the expired one is not on offer
    page = client.get(f"{API}/listings?category=financing&per_page=2&page=3").get_json()
    assert (page["total"], page["pages"], page["page"], page["per_page"]) == (5, 3, 3, 2)
    assert len(page["items"]) == 1
    shenzhen = client.get(f"{API}/listings?region=440300").get_json()
    assert shenzhen["total"] == 3 and all("440300" in item["regions"] or not item["regions"] for item in shenzhen["items"])
    assert client.get(f"{API}/listings?max_price=1000").get_json()["total"] == 1
    titles = [i["title"] for i in client.get(f"{API}/listings?sort=title&category=financing").get_json()["items"]]
    assert titles == sorted(titles)

    error = error_of(client.get(f"{API}/listings?region=abc&per_page=500"), 400, "bad_parameter")
    assert set(error["fields"]) == {"region", "per_page"}
    assert "colour" in error_of(client.get(f"{API}/listings?colour=red"), 400)["fields"]
    assert "starts_after" in error_of(client.get(f"{API}/needs?starts_after=2025-01-01"), 400)["fields"]
    assert client.get(f"{API}/needs?sort=budget").status_code == 200


def test_mine_lists_every_status_of_the_callers_organizations(client, make_user):
    owner, other = make_user(kind="bank"), make_user(kind="bank")
    owner_headers, other_headers = token_headers(owner), token_headers(other)
    draft = create_posting(client, owner_headers, status="draft", title="草稿")
    create_posting(client, owner_headers, title="已发布")
    create_posting(client, other_headers, title="别人的")
    mine = client.get(f"{API}/listings?mine=1", headers=owner_headers).get_json()
    assert {i["title"] for i in mine["items"]} == {"草稿", "已发布"} and mine["total"] == 2
    drafts = client.get(f"{API}/listings?mine=1&status=draft", headers=owner_headers).get_json()
    assert [i["id"] for i in drafts["items"]] == [draft["id"]]
    assert client.get(f"{API}/listings?mine=1&q=发布", headers=owner_headers).get_json()["total"] == 1
    error_of(client.get(f"{API}/listings?mine=1"), 401)
    assert "region" in error_of(client.get(f"{API}/listings?mine=1&region=441900", headers=owner_headers), 400)["fields"]
    assert "status" in error_of(client.get(f"{API}/listings?status=draft"), 400)["fields"]


def test_token_user_with_several_organizations_names_one(client, make_user):
    user = make_user(kind="bank")
    second = organizations.create_organization(db.session, user, name="第二家机构", kind="service_provider")
    db.session.commit()
    headers = token_headers(user)
    error = error_of(client.post(f"{API}/listings", json=LISTING, headers=headers), 422)
    assert set(error["fields"]) == {"organization"}
    unknown = error_of(client.post(f"{API}/listings", json={**LISTING, "organization": "nope"}, headers=headers), 422)
    assert set(unknown["fields"]) == {"organization"}
    created = create_posting(client, headers, organization=second.external_id)
    assert created["organization_id"] == second.id


def test_a_concurrent_save_detected_at_flush_is_409(client, make_user, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from listings import services

    headers = token_headers(make_user(kind="bank"))
    created = create_posting(client, headers)

    def raced(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'listings' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(services, "update", raced)
    error = error_of(client.patch(f"{API}/listings/{created['id']}", json={"title": "x"}, headers=headers), 409, "conflict")
    assert "0 were matched" not in error["message"]
