"""Server-side sessions: log-out ends copies of the cookies, password change and reset end
sessions (and revoke API tokens), the sessions list, Secure cookies and no-store caching."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from marketplace.accounts import sessions
from marketplace.accounts.models import ApiToken, UserSession
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.timeutil import aware, utcnow
from tests.conftest import PASSWORD
from tests.web.test_api_support import API, token_headers

REMEMBER_COOKIE = "remember_token"
NEW_PASSWORD = "brand-new-pass-9"


def _login(client, email: str, remember: bool = False):
    client.get("/lang/en")  # messages checked in English
    data = {"email": email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return response


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def _with_cookie(app, name: str, value: str):
    fresh = app.test_client()
    fresh.set_cookie(name, value)
    return fresh


def _rows(user) -> list[UserSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)))


def _set_cookie_headers(response, name: str) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]


def test_cookies_copied_before_logout_are_refused_after_it(app, make_user):
    user = make_user()
    browser = app.test_client()
    _login(browser, user.email, remember=True)
    session_cookie = browser.get_cookie("session").value
    remember_cookie = browser.get_cookie(REMEMBER_COOKIE).value
    # Before log-out each copy works on its own, on another machine.
    assert _signed_in(_with_cookie(app, "session", session_cookie))
    assert _signed_in(_with_cookie(app, REMEMBER_COOKIE, remember_cookie))

    assert browser.post("/logout").status_code == 302
    assert not _signed_in(browser)
    assert _rows(user) == []
    assert not _signed_in(_with_cookie(app, "session", session_cookie))
    assert not _signed_in(_with_cookie(app, REMEMBER_COOKIE, remember_cookie))


def test_the_session_id_names_a_row_by_the_hash_of_its_key(app, make_user):
    user = make_user()
    browser = app.test_client()
    _login(browser, user.email)
    with browser.session_transaction() as cookie_session:
        user_id, key = cookie_session["_user_id"].split(":")
    (row,) = _rows(user)
    assert int(user_id) == user.id and row.key_hash == sessions.key_hash(key) and key not in row.key_hash
    # The key of another user's session, or a forged one, is refused.
    other = make_user()
    for forged in (f"{other.id}:{key}", f"{user.id}:not-the-key", f"{user.id}", "garbage"):
        intruder = app.test_client()
        with intruder.session_transaction() as cookie_session:
            cookie_session["_user_id"] = forged
        assert not _signed_in(intruder), forged


def test_idle_and_absolute_expiry(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    _login(laptop, user.email)
    _login(phone, user.email, remember=True)
    laptop_row, phone_row = sorted(_rows(user), key=lambda r: r.id)
    assert not laptop_row.remember and phone_row.remember
    now = utcnow()
    assert abs(aware(laptop_row.expires_at) - (now + timedelta(hours=12))) < timedelta(minutes=1)
    assert abs(aware(phone_row.expires_at) - (now + timedelta(days=30))) < timedelta(minutes=1)

    # A used session stays alive, but never past 30 days after its log-in.
    laptop_row.created_at = now - timedelta(days=30) + timedelta(hours=1)
    laptop_row.last_seen_at = now - timedelta(minutes=10)
    db.session.commit()
    assert _signed_in(laptop)
    (laptop_row,) = [r for r in _rows(user) if r.id == laptop_row.id]
    assert aware(laptop_row.expires_at) == aware(laptop_row.created_at) + timedelta(days=30)

    # 13 hours without a request: the plain session is over, the remembered one is not.
    laptop_row, phone_row = db.session.get(UserSession, laptop_row.id), db.session.get(UserSession, phone_row.id)
    laptop_row.last_seen_at = phone_row.last_seen_at = now - timedelta(hours=13)
    laptop_row.expires_at = laptop_row.last_seen_at + timedelta(hours=12)  # as the last touch left it
    db.session.commit()
    assert not _signed_in(laptop)
    assert _signed_in(phone)

    # 30 days after log-in a remembered session is over too.
    phone_row = db.session.get(UserSession, phone_row.id)
    phone_row.created_at = now - timedelta(days=30, minutes=1)
    phone_row.expires_at = phone_row.created_at + timedelta(days=30)
    db.session.commit()
    assert not _signed_in(phone)


def test_last_seen_is_written_at_most_every_five_minutes(app, make_user):
    user = make_user()
    browser = app.test_client()
    _login(browser, user.email)
    (row,) = _rows(user)
    two_minutes_ago, ten_minutes_ago = utcnow() - timedelta(minutes=2), utcnow() - timedelta(minutes=10)
    row.last_seen_at = two_minutes_ago
    db.session.commit()
    assert _signed_in(browser)
    (row,) = _rows(user)
    assert aware(row.last_seen_at) == two_minutes_ago  # no write for this request
    row.last_seen_at = ten_minutes_ago
    db.session.commit()
    assert _signed_in(browser)
    (row,) = _rows(user)
    assert aware(row.last_seen_at) > utcnow() - timedelta(minutes=1)
    assert aware(row.expires_at) > utcnow() + timedelta(hours=11)


def _change_password(client, **extra):
    return client.post(
        "/account",
        data={
            "password-current_password": PASSWORD,
            "password-new_password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
            **extra,
        },
        follow_redirects=True,
    )


def test_password_change_ends_the_other_sessions_and_renews_this_one(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    _login(laptop, user.email, remember=True)
    _login(phone, user.email)
    old_laptop_cookie = laptop.get_cookie("session").value
    headers = token_headers(user)
    page = _change_password(laptop)
    assert page.status_code == 200
    assert _signed_in(laptop)
    assert not _signed_in(phone)
    (row,) = _rows(user)
    assert row.remember  # this session keeps "stay logged in", under a new key
    assert not _signed_in(_with_cookie(app, "session", old_laptop_cookie))
    # Without the box ticked the API tokens keep working, and the page says so.
    assert app.test_client().get(f"{API}/me", headers=headers).status_code == 200
    assert "Your API tokens still work." in page.get_data(as_text=True)


def test_password_change_revokes_the_api_tokens_when_asked(app, client, make_user):
    user = make_user()
    _login(client, user.email)
    headers = token_headers(user)
    page = _change_password(client, **{"password-revoke_tokens": "y"}).get_data(as_text=True)
    assert app.test_client().get(f"{API}/me", headers=headers).status_code == 401
    assert db.session.scalar(select(func.count()).where(ApiToken.revoked_at.is_(None))) == 0
    assert "Your API token has been revoked." in page


def test_the_revoke_box_is_ticked_by_default(client, make_user):
    _login(client, make_user().email)
    page = client.get("/account").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*name="password-revoke_tokens"|name="password-revoke_tokens"[^>]*checked', page)


def _reset_path(email: str) -> str:
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == email).order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"http://localhost(/password/reset/\S+)", message.body).group(1)


def test_password_reset_ends_every_session_and_revokes_every_token(app, make_user):
    user = make_user()
    phone, attacker = app.test_client(), app.test_client()
    _login(phone, user.email, remember=True)
    _login(attacker, user.email)
    remember_cookie = phone.get_cookie(REMEMBER_COOKIE).value
    first, second = token_headers(user, "ERP"), token_headers(user, "脚本")
    assert app.test_client().get(f"{API}/me", headers=first).status_code == 200

    anonymous = app.test_client()
    anonymous.get("/lang/en")
    anonymous.post("/password/forgot", data={"email": user.email})
    response = anonymous.post(
        _reset_path(user.email), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Your 2 API tokens have been revoked." in page

    assert _rows(user) == []
    for client in (phone, attacker, _with_cookie(app, REMEMBER_COOKIE, remember_cookie)):
        assert not _signed_in(client)
    for headers in (first, second):
        assert app.test_client().get(f"{API}/me", headers=headers).status_code == 401
    notice = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == user.email).order_by(OutboxMessage.id.desc())
    ).first()
    assert "/password/reset/" not in notice.body and "/password/forgot" in notice.body
    assert "Your 2 API tokens have been revoked." in notice.body


def test_sessions_list_end_one_and_end_the_others(app, make_user):
    user, other = make_user(), make_user()
    laptop, phone, tablet = app.test_client(), app.test_client(), app.test_client()
    for client, agent in ((laptop, "Laptop/1.0"), (phone, "Phone/2.0"), (tablet, "Tablet/3.0")):
        client.environ_base["HTTP_USER_AGENT"] = agent
        _login(client, user.email)
    stranger = app.test_client()
    _login(stranger, other.email)

    page = laptop.get("/account").get_data(as_text=True)
    assert all(agent in page for agent in ("Laptop/1.0", "Phone/2.0", "Tablet/3.0"))
    assert page.count("This device") == 1
    rows = {row.user_agent: row for row in _rows(user)}
    (stranger_row,) = _rows(other)

    # Someone else's session: 404, and it goes on.
    assert laptop.post(f"/account/sessions/{stranger_row.id}/end").status_code == 404
    assert stranger.post(f"/account/sessions/{rows['Phone/2.0'].id}/end").status_code == 404
    assert laptop.post("/account/sessions/999999/end").status_code == 404
    assert _signed_in(stranger) and _signed_in(phone)

    assert laptop.post(f"/account/sessions/{rows['Phone/2.0'].id}/end").status_code == 302
    assert not _signed_in(phone)
    assert _signed_in(laptop) and _signed_in(tablet)

    assert laptop.post("/account/sessions/end-others").status_code == 302
    assert _signed_in(laptop)
    assert not _signed_in(tablet)
    assert _signed_in(stranger)  # another user's sessions are not touched
    assert [row.user_agent for row in _rows(user)] == ["Laptop/1.0"]


def test_ending_this_session_from_the_list_logs_out(app, make_user):
    user = make_user()
    browser = app.test_client()
    _login(browser, user.email)
    (row,) = _rows(user)
    assert browser.post(f"/account/sessions/{row.id}/end").status_code == 302
    assert not _signed_in(browser) and _rows(user) == []


def test_remember_cookie_is_secure_when_sessions_are(make_app, make_user):
    user = make_user()
    plain = make_app().test_client()
    (cookie,) = _set_cookie_headers(_login(plain, user.email, remember=True), REMEMBER_COOKIE)
    assert "Secure" not in cookie  # plain HTTP in development

    forced = make_app(SESSION_COOKIE_SECURE=True).test_client()
    response = _login(forced, user.email, remember=True)
    (cookie,) = _set_cookie_headers(response, REMEMBER_COOKIE)
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert all("Secure" in h for h in response.headers.getlist("Set-Cookie"))

    https = make_app().test_client()
    response = https.post(
        "/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}, base_url="https://localhost"
    )
    (cookie,) = _set_cookie_headers(response, REMEMBER_COOKIE)
    assert "Secure" in cookie
    assert all("Secure" in h for h in response.headers.getlist("Set-Cookie"))
    # Clearing the cookie at log-out is marked Secure as well.
    response = https.post("/logout", base_url="https://localhost")
    assert all("Secure" in h for h in response.headers.getlist("Set-Cookie"))
    assert _set_cookie_headers(response, REMEMBER_COOKIE)


def test_pages_for_signed_in_users_are_not_stored(app, client, make_user):
    public = client.get("/orgs")
    assert public.status_code == 200 and "no-store" not in public.headers.get("Cache-Control", "")
    user = make_user()
    _login(client, user.email)
    for path in ("/account", "/orgs", "/"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert "Cookie" in response.headers["Vary"], path
    static = client.get("/static/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    static.close()
    api = app.test_client().get(f"{API}/me", headers=token_headers(user))
    assert api.status_code == 200 and api.headers["Cache-Control"] == "no-store"
