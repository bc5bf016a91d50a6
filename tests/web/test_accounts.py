"""Sign-up, log-in, log-out, password reset and change, sessions and security headers."""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.organizations.models import Membership, Organization
from tests.conftest import PASSWORD

SIGNUP = {
    "email": "Chen@Example.cn",
    "display_name": "陈经理",
    "password": PASSWORD,
    "confirm": PASSWORD,
    "organization_name": "东莞市测试电子有限公司",
    "kind": "sme",
}


def test_signup_creates_account_organization_and_owner(client):
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "chen@example.cn"))
    assert user is not None and user.password_hash.startswith("scrypt:")
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert membership.role == "owner"
    assert membership.organization.kind == "sme"
    assert response.headers["Location"].endswith(f"/orgs/{membership.organization_id}/edit")
    # Signed in straight away.
    assert client.get("/account").status_code == 200


def test_signup_rejects_duplicate_email_next_to_the_field(client, make_user):
    make_user("chen@example.cn")
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "invalid-feedback" in page
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1
    assert db.session.scalar(select(db.func.count()).select_from(Organization)) == 1


def test_signup_rejects_platform_kind_and_short_password(client):
    response = client.post("/signup", data={**SIGNUP, "kind": "platform"})
    assert response.status_code == 200
    response = client.post("/signup", data={**SIGNUP, "password": "short", "confirm": "short"})
    assert response.status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 0


def test_login_logout(client, make_user, auth):
    user = make_user()
    assert auth.login(user.email, "wrong-password").status_code == 200
    assert client.get("/account").status_code == 302
    response = auth.login(user.email.upper())
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert auth.logout().status_code == 302
    assert client.get("/account").status_code == 302


def test_wrong_password_message_does_not_reveal_which_part_is_wrong(client, make_user, auth):
    user = make_user()
    wrong_password = auth.login(user.email, "wrong-password").get_data(as_text=True)
    unknown_email = auth.login("nobody@example.cn").get_data(as_text=True)
    message = re.compile(r'<div class="alert alert-danger" role="alert">(.*?)</div>')
    assert message.findall(wrong_password) == message.findall(unknown_email) != []


def test_login_is_a_fresh_session(client, make_user, auth):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["lang"] = "en"
    auth.login(user.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "en"  # the language choice survives


def test_login_rate_limit(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    for _ in range(3):
        assert client.post("/login", data={"email": "a@example.cn", "password": "x" * 8}).status_code == 200
    response = client.post("/login", data={"email": "a@example.cn", "password": "x" * 8})
    assert response.status_code == 429
    assert client.get("/login").status_code == 200  # only attempts are limited


def _reset_link(email: str) -> str:
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == email).order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None and message.sent_at is not None and message.transport == "log"
    return re.search(r"http://\S+/password/reset/\S+", message.body).group(0)


def test_password_reset_by_emailed_token(client, make_user, auth, caplog):
    user = make_user()
    with caplog.at_level("INFO", logger="marketplace.mail.services"):
        response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    link = _reset_link(user.email)
    assert link in caplog.text  # no SMTP configured: the link is logged
    path = link.split("localhost", 1)[1]
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "a-new-password-1", "confirm": "a-new-password-1"})
    assert response.status_code == 302
    assert auth.login(user.email, PASSWORD).status_code == 200  # old one no longer works
    assert auth.login(user.email, "a-new-password-1").status_code == 302
    # The token works once only.
    auth.logout()
    response = client.post(path, data={"password": "third-password-1", "confirm": "third-password-1"})
    assert response.status_code == 302 and "/password/forgot" in response.headers["Location"]


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post("/password/forgot", data={"email": "nobody@example.cn"}, follow_redirects=True)
    assert response.status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 0


def test_forged_reset_token_is_refused(client, make_user):
    make_user()
    response = client.get("/password/reset/not-a-token")
    assert response.status_code == 302


def test_change_password_ends_other_sessions(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    for c in (laptop, phone):
        c.post("/login", data={"email": user.email, "password": PASSWORD})
        assert c.get("/account").status_code == 200
    response = laptop.post(
        "/account",
        data={
            "password-current_password": PASSWORD,
            "password-new_password": "brand-new-pass-9",
            "password-confirm": "brand-new-pass-9",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200  # this session continues
    assert phone.get("/account").status_code == 302  # the other one is logged out


def test_change_password_with_wrong_current_password(client, make_user, auth):
    user = make_user()
    auth.login(user.email)
    response = client.post(
        "/account",
        data={
            "password-current_password": "not-my-password",
            "password-new_password": "brand-new-pass-9",
            "password-confirm": "brand-new-pass-9",
        },
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.get_data(as_text=True)
    assert auth.logout().status_code == 302
    assert auth.login(user.email).status_code == 302


def test_csrf_is_enforced(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"email": "a@example.cn", "password": "whatever1"})
    assert response.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": "a@example.cn", "password": "whatever1", "csrf_token": token})
    assert response.status_code == 200  # reached the form: wrong credentials, not a CSRF error


def test_security_headers_and_cookie_flags(client, make_user, auth):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    user = make_user()
    response = auth.login(user.email)
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = client.post(
        "/login", data={"email": user.email, "password": PASSWORD}, base_url="https://localhost"
    )
    assert "Secure" in https.headers.get("Set-Cookie")


def test_pages_have_no_inline_script(client):
    for path in ("/", "/login", "/signup", "/orgs"):
        page = client.get(path).get_data(as_text=True)
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None, path


def test_error_pages_leak_nothing(client, app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)

    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body


def test_upload_limit(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413
