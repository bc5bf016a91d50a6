"""Object-level authorization: every write route, as a member of another organization and anonymously."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from listings.models import Listing, Need
from marketplace.extensions import db
from marketplace.organizations.models import Organization
from tests.web.test_api_support import (
    API,
    LISTING,
    NEED,
    create_posting,
    error_of,
    org_of,
    token_headers,
)

UNSAFE = {"POST", "PATCH", "PUT", "DELETE"}
# Engagement writes: starting one is every organization's right (on a posting it may see); the
# others act on an engagement, which does not exist for anyone but its two sides (404 to a third
# organization, 401 anonymously): tests/web/test_api_engagements.py tries each one.
ENGAGEMENT_WRITES = {
    ("POST", "/api/v1/listings/<id>/inquiries"), ("POST", "/api/v1/needs/<id>/proposals"),
    ("PATCH", "/api/v1/engagements/<id>"), ("POST", "/api/v1/engagements/<id>/messages"),
    ("POST", "/api/v1/engagements/<id>/review"),
    # Documents and consents: tests/web/test_documents.py tries each one as a third organization,
    # as the wrong side and anonymously.
    ("POST", "/api/v1/organizations/<id>/documents"), ("DELETE", "/api/v1/documents/<id>"),
    ("PUT", "/api/v1/engagements/<id>/consent"), ("DELETE", "/api/v1/engagements/<id>/consent"),
}


def _write_requests(org: Organization, listing_id: int, need_id: int) -> list[tuple[str, str, dict]]:
    requests = [
        ("PATCH", f"{API}/organizations/{org.id}", {"description": "被改了"}),
        ("POST", f"{API}/listings", {**LISTING, "organization": org.external_id}),
        ("POST", f"{API}/needs", {**NEED, "organization": org.external_id}),
    ]
    for collection, item_id in (("listings", listing_id), ("needs", need_id)):
        requests.append(("PATCH", f"{API}/{collection}/{item_id}", {"title": "被改了"}))
        for action in ("publish", "close", "reopen"):
            requests.append(("POST", f"{API}/{collection}/{item_id}/{action}", {}))
    return requests


def _state() -> tuple:
    db.session.expire_all()
    postings = [
        (p.id, p.organization_id, p.title, p.status, p.version)
        for model in (Listing, Need)
        for p in db.session.scalars(select(model).order_by(model.id))
    ]
    orgs = [(o.id, o.name, o.description, o.updated_at) for o in db.session.scalars(select(Organization).order_by(Organization.id))]
    return postings, orgs


@pytest.fixture
def victim(client, make_user):
    """An SME with a published listing and a published need (public: others see it, so their
    writes are refused as writes; a need they may not see is a 404, see test_need_visibility)."""
    owner = make_user(org_name="受保护的企业")
    headers = token_headers(owner)
    listing = create_posting(client, headers, "listing")
    need = create_posting(client, headers, "need", visibility="public")
    return org_of(owner), listing["id"], need["id"]


def test_the_matrix_covers_every_write_route(app, victim):
    org, listing_id, need_id = victim
    tried = {(method, re.sub(r"/\d+", "/<id>", path)) for method, path, _body in _write_requests(org, listing_id, need_id)}
    routes = {
        (method, re.sub(r"<[^>]+>", "<id>", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods & UNSAFE
    }
    assert tried | ENGAGEMENT_WRITES == routes


@pytest.mark.parametrize("auth_mode", ["token", "session"])
def test_members_of_another_organization_get_403_and_change_nothing(client, make_user, auth, victim, auth_mode):
    intruder = make_user(email="intruder@example.cn")
    headers = token_headers(intruder) if auth_mode == "token" else {}
    if auth_mode == "session":
        auth.login(intruder.email)
    before = _state()
    for method, path, body in _write_requests(*victim):
        response = client.open(path, method=method, json=body, headers=headers)
        error_of(response, 403, "forbidden")
    assert _state() == before


def test_anonymous_writes_get_401_and_change_nothing(client, victim):
    before = _state()
    for method, path, body in _write_requests(*victim):
        response = client.open(path, method=method, json=body)
        error_of(response, 401, "authentication_required")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert _state() == before


def test_the_owner_may_do_all_of_it(client, make_user):
    owner = make_user()
    headers = token_headers(owner)
    listing = create_posting(client, headers, "listing", status="draft")
    need = create_posting(client, headers, "need")
    for method, path, body in _write_requests(org_of(owner), listing["id"], need["id"]):
        if path.endswith("/reopen"):
            client.post(path.replace("/reopen", "/close"), headers=headers)
        if path.startswith(f"{API}/organizations"):
            body = {**body, "region": "441900", "industry": "C39"}  # an SME profile needs both
        response = client.open(path, method=method, json=body, headers=headers)
        assert response.status_code in (200, 201), (path, response.get_json())
