"""Sign-up, log-in, log-out, password reset and change, sessions and security headers."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from marketplace.accounts.models import SignupRequest, User
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.organizations.models import Membership, Organization
from marketplace.timeutil import utcnow
from tests.conftest import PASSWORD

SIGNUP = {
    "email": "Chen@Example.cn",
    "display_name": "陈经理",
    "password": PASSWORD,
    "confirm": PASSWORD,
    "organization_name": "东莞市测试电子有限公司",
    "kind": "sme",
}


def _last_mail(to: str) -> OutboxMessage:
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == to).order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no e-mail to {to}"
    return message


def _confirm_path(email: str) -> str:
    link = re.search(r"http://\S+/signup/confirm/\S+", _last_mail(email).body).group(0)
    return link.split("localhost", 1)[1]


def _count(model) -> int:
    return db.session.scalar(select(db.func.count()).select_from(model))


def test_signup_creates_nothing_until_the_emailed_link_is_confirmed(app, client):
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 200
    assert "chen@example.cn" in response.get_data(as_text=True)
    assert _count(User) == 0 and _count(Organization) == 0
    pending = db.session.scalar(select(SignupRequest))
    assert pending.email == "chen@example.cn" and pending.password_hash.startswith("scrypt:")
    path = _confirm_path("chen@example.cn")
    assert pending.token_hash == hashlib.sha256(path.rsplit("/", 1)[1].encode()).hexdigest()
    password_hash = pending.password_hash
    assert client.get("/account").status_code == 302  # not signed in yet

    # Opening the link (as a mail scanner would) creates nothing: it shows a button.
    page = client.get(path)
    assert page.status_code == 200 and 'method="post"' in page.get_data(as_text=True)
    assert _count(User) == 0

    response = client.post(path)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "chen@example.cn"))
    assert user is not None and user.password_hash == password_hash
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert membership.role == "owner"
    assert membership.organization.kind == "sme" and membership.organization.name == SIGNUP["organization_name"]
    assert response.headers["Location"].endswith(f"/orgs/{membership.organization_id}/edit")
    assert _count(SignupRequest) == 0
    assert client.get("/account").status_code == 200  # signed in straight away
    assert app.test_client().post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302

    # The link works once.
    client.post("/logout")
    again = client.post(path)
    assert again.status_code == 400 and 'href="/signup"' in again.get_data(as_text=True)
    assert _count(User) == 1


def test_signup_of_a_taken_address_answers_the_same_and_mails_its_owner(client, make_user):
    new_address = client.post("/signup", data=SIGNUP)
    owner = make_user("chen@example.cn")
    users, organizations, mails = _count(User), _count(Organization), _count(OutboxMessage)
    taken_address = client.post("/signup", data=SIGNUP)
    assert taken_address.status_code == new_address.status_code == 200
    assert taken_address.get_data(as_text=True) == new_address.get_data(as_text=True)
    assert (_count(User), _count(Organization)) == (users, organizations)
    assert _count(SignupRequest) == 0  # the earlier request for the address is gone too
    assert _count(OutboxMessage) == mails + 1
    message = _last_mail(owner.email)
    assert "/login" in message.body and "/password/forgot" in message.body
    assert "/signup/confirm/" not in message.body


def test_a_new_signup_replaces_the_earlier_request_for_the_address(client):
    client.post("/signup", data=SIGNUP)
    first = _confirm_path("chen@example.cn")
    client.post("/signup", data={**SIGNUP, "organization_name": "第二次"})
    second = _confirm_path("chen@example.cn")
    assert first != second and _count(SignupRequest) == 1
    assert client.post(first).status_code == 400
    assert client.post(second).status_code == 302
    assert db.session.scalar(select(Organization.name)) == "第二次"


def test_expired_and_unknown_signup_links(client):
    client.post("/signup", data=SIGNUP)
    path = _confirm_path("chen@example.cn")
    pending = db.session.scalar(select(SignupRequest))
    pending.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    for response in (client.get(path), client.post(path), client.get("/signup/confirm/not-a-token")):
        assert response.status_code == 400
        assert 'href="/signup"' in response.get_data(as_text=True)
    assert _count(User) == 0


def test_confirming_after_the_address_got_an_account_creates_nothing(client, make_user):
    client.post("/signup", data=SIGNUP)
    path = _confirm_path("chen@example.cn")
    make_user("chen@example.cn")
    response = client.post(path)
    assert response.status_code == 409
    assert 'href="/login"' in response.get_data(as_text=True)
    assert (_count(User), _count(Organization)) == (1, 1)
    assert client.get("/account").status_code == 302


def test_signup_rejects_platform_kind_and_short_password_next_to_the_fields(client):
    response = client.post("/signup", data={**SIGNUP, "kind": "platform"})
    assert response.status_code == 200
    assert re.search(r'name="kind"[^>]*is-invalid|is-invalid[^>]*name="kind"', response.get_data(as_text=True))
    response = client.post("/signup", data={**SIGNUP, "password": "short", "confirm": "short"})
    assert response.status_code == 200
    assert re.search(r'is-invalid[^>]*name="password"|name="password"[^>]*is-invalid', response.get_data(as_text=True))
    assert (_count(User), _count(SignupRequest), _count(OutboxMessage)) == (0, 0, 0)


def test_signup_page_says_where_the_mail_went_without_smtp(client, make_app):
    assert "SMTP_HOST" in client.post("/signup", data=SIGNUP).get_data(as_text=True)
    with_smtp = make_app(SMTP_HOST="smtp.invalid").test_client()
    page = with_smtp.post("/signup", data={**SIGNUP, "email": "li@example.cn"})
    assert page.status_code == 200 and "SMTP_HOST" not in page.get_data(as_text=True)


def test_signup_rate_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    for i in range(3):
        assert client.post("/signup", data={**SIGNUP, "email": f"a{i}@example.cn"}).status_code == 200
    assert client.post("/signup", data={**SIGNUP, "email": "a9@example.cn"}).status_code == 429
    assert client.get("/signup").status_code == 200  # only attempts are limited
    assert client.post("/signup?invitation=whatever", data=SIGNUP).status_code == 429


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
    user = make_user()
    before = user.password_hash
    for token in ("not-a-token", "eyJ1aWQiOjF9.forged.signature"):
        response = client.get(f"/password/reset/{token}")
        assert response.status_code == 302 and response.headers["Location"].endswith("/password/forgot")
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "alert-danger" in page  # says the link is not valid
        posted = client.post(f"/password/reset/{token}", data={"password": "new-password-1", "confirm": "new-password-1"})
        assert posted.status_code == 302 and posted.headers["Location"].endswith("/password/forgot")
    db.session.refresh(user)
    assert user.password_hash == before


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
