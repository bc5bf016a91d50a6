"""API authentication (personal tokens, the session with its CSRF header) and the error shape."""

from __future__ import annotations

import hashlib
import html
import re

from sqlalchemy import func, select

from listings.models import Listing
from marketplace.accounts.models import ApiToken
from marketplace.extensions import db
from tests.conftest import PASSWORD
from tests.web.test_api_support import API, LISTING, bearer, error_of, token_headers


def _new_token(page: str) -> str:
    match = re.search(r'<input[^>]*id="new-token"[^>]*value="([^"]+)"', page)
    assert match, "the new token is shown in a field"
    return html.unescape(match.group(1))


def test_token_created_on_the_account_page_is_shown_once_and_only_its_hash_is_stored(client, make_user, auth):
    user = make_user(kind="bank")
    auth.login(user.email)
    response = client.post("/account/tokens", data={"name": "ERP 对接"})
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    token = _new_token(response.get_data(as_text=True))
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.prefix == token[:12] and len(token) > 40
    assert token not in (stored.name, stored.prefix, stored.token_hash)
    assert stored.last_used_at is None

    account = client.get("/account").get_data(as_text=True)
    assert "ERP 对接" in account and stored.prefix in account and token not in account
    assert f"{API}/docs" in account  # the token section links to the API page

    client.post("/logout")
    me = client.get(f"{API}/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.get_json()["email"] == user.email and me.get_json()["auth"] == "token"
    assert "csrf_token" not in me.get_json()
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken)).last_used_at is not None


def test_a_token_needs_a_name(client, make_user, auth):
    user = make_user()
    auth.login(user.email)
    response = client.post("/account/tokens", data={"name": "  "}, follow_redirects=True)
    assert response.status_code == 200 and 'id="new-token"' not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_revoked_unknown_and_malformed_tokens_get_401(client, make_user, auth):
    user = make_user(kind="bank")
    auth.login(user.email)
    token = _new_token(client.post("/account/tokens", data={"name": "脚本"}).get_data(as_text=True))
    stored = db.session.scalar(select(ApiToken))
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 200

    # Another user cannot revoke it.
    other = make_user(email="other@example.cn")
    client.post("/logout")
    auth.login(other.email)
    assert client.post(f"/account/tokens/{stored.id}/revoke").status_code == 404
    assert client.get(f"{API}/me", headers=bearer(token)).get_json()["email"] == user.email
    client.post("/logout")

    auth.login(user.email)
    response = client.post(f"/account/tokens/{stored.id}/revoke")
    assert response.status_code == 302
    assert stored.prefix not in client.get("/account").get_data(as_text=True)
    client.post("/logout")
    for headers in (bearer(token), bearer("gdsm_unknown"), {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer"}):
        response = client.get(f"{API}/listings", headers=headers)
        error_of(response, 401, "invalid_token")
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    error_of(client.post(f"{API}/listings", json=LISTING, headers=bearer(token)), 401)
    assert db.session.scalar(select(func.count()).select_from(Listing)) == 0


def _login_with_csrf(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf})
    assert response.status_code == 302


def test_session_writes_need_the_csrf_header(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user(kind="bank")
        client = app.test_client()
        _login_with_csrf(client, user.email)
        me = client.get(f"{API}/me").get_json()
        assert me["auth"] == "session" and me["csrf_token"]

        error_of(client.post(f"{API}/listings", json=LISTING), 403, "csrf_failed")
        error_of(client.post(f"{API}/listings", json=LISTING, headers={"X-CSRFToken": "forged"}), 403, "csrf_failed")
        assert db.session.scalar(select(func.count()).select_from(Listing)) == 0

        created = client.post(f"{API}/listings", json=LISTING, headers={"X-CSRFToken": me["csrf_token"]})
        assert created.status_code == 201
        assert client.get(f"{API}/listings").status_code == 200  # reads need no header

        # A token request carries no ambient credentials: no CSRF header needed.
        token_client = app.test_client()
        assert token_client.post(f"{API}/listings", json=LISTING, headers=token_headers(user)).status_code == 201
        # The site's own forms are still protected.
        assert client.post("/account/tokens", data={"name": "x"}).status_code == 400
        assert db.session.scalar(select(func.count()).select_from(Listing)) == 2


def test_errors_have_one_shape_under_the_api_and_pages_keep_html(client, make_user):
    headers = token_headers(make_user(kind="bank"))
    error_of(client.get(f"{API}/no-such-thing"), 404, "not_found")
    error_of(client.get(f"{API}/listings/999"), 404, "not_found")
    error_of(client.get(f"{API}/organizations/999"), 404, "not_found")
    not_allowed = client.delete(f"{API}/listings")
    error_of(not_allowed, 405, "method_not_allowed")
    assert set(not_allowed.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    bad_json = client.post(f"{API}/listings", data="{title: 1", content_type="application/json", headers=headers)
    error_of(bad_json, 400, "malformed_json")
    error_of(client.post(f"{API}/listings", json=[LISTING], headers=headers), 400, "malformed_json")
    error_of(client.post(f"{API}/listings", data='{"price_cny": NaN}', content_type="application/json", headers=headers), 400)
    assert db.session.scalar(select(func.count()).select_from(Listing)) == 0
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert client.delete("/account").mimetype == "text/html"


def test_too_large_bodies_and_server_errors_use_the_shape(make_app, make_user, monkeypatch):
    app = make_app(MAX_CONTENT_LENGTH=2048)
    with app.app_context():
        client = app.test_client()
        headers = token_headers(make_user(kind="bank"))
        big = {**LISTING, "description": "长" * 4000}
        error_of(client.post(f"{API}/listings", json=big, headers=headers), 413, "payload_too_large")

        from marketplace.api import representations

        def broken(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr(representations, "organization", broken)
        response = client.get(f"{API}/organizations")
        error = error_of(response, 500, "server_error")
        assert "boom" not in error["message"]
