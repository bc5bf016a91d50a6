"""A whole matchmaking event through the pages (Flask test client): an organizer, two SMEs
and two banks, from set-up to the dashboard; and who may open what."""

from __future__ import annotations

import re
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import select

from marketplace.events import services
from marketplace.events.models import Event, MeetingRequest, Participant
from marketplace.extensions import db

FORM = {
    "title": "2030年佛山银企对接会", "description": "一对一洽谈", "venue": "佛山市民服务中心", "days": "2030-06-10",
    "start": "09:00", "end": "10:30", "meeting_minutes": "20", "gap_minutes": "10", "breaks": "", "tables": "2",
    "approval": "open", "max_requests": "5", "max_meetings": "3", "role_sme": "seeker", "role_bank": "provider",
}


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "organizer": make_user("org@example.cn", kind="organizer", org_name="省中小企业服务中心"),
        "sme1": make_user("sme1@example.cn", kind="sme", org_name="佛山精密制造有限公司"),
        "sme2": make_user("sme2@example.cn", kind="sme", org_name="江门新能源科技有限公司"),
        "bank1": make_user("bank1@example.cn", kind="bank", org_name="广东某银行"),
        "bank2": make_user("bank2@example.cn", kind="bank", org_name="珠江某银行"),
        "outsider": make_user("other@example.cn", kind="sme", org_name="东莞某公司"),
    }


def as_user(client: Any, auth: Any, email: str) -> None:
    auth.logout()
    auth.login(email)
    client.get("/lang/en")  # the assertions read the English texts


def ok(response: Any) -> str:
    assert response.status_code in (200, 302), response.status_code
    return response.get_data(as_text=True)


def version(event_id: int) -> int:
    db.session.expire_all()
    event = db.session.get(Event, event_id)
    assert event is not None
    return event.version


def test_a_whole_event_in_the_browser(client: Any, auth: Any, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    as_user(client, auth, "org@example.cn")
    bad = client.post("/events/new", data={**FORM, "tables": "0", "end": "08:00"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "Give a whole number from 1 to 1000." in page and "The day must end after it starts." in page
    assert db.session.scalar(select(Event.id)) is None
    created = client.post("/events/new", data=FORM)
    assert created.status_code == 302
    event_id = int(re.search(r"/events/(\d+)", created.headers["Location"]).group(1))
    # A draft is the organizers' own.
    as_user(client, auth, "sme1@example.cn")
    assert client.get(f"/events/{event_id}").status_code == 404
    as_user(client, auth, "org@example.cn")
    ok(client.post(f"/events/{event_id}/phase", data={"phase": "registration", "version": version(event_id)}))
    for name in ("sme1", "sme2", "bank1", "bank2"):
        as_user(client, auth, f"{name}@example.cn")
        assert "Register" in ok(client.get(f"/events/{event_id}/register"))
        ok(client.post(f"/events/{event_id}/register", data={"delegate_name": f"{name} 代表", "request_text": "流动资金贷款"
                                                             if name.startswith("sme") else "", "offer_text": "小微企业信用贷款"
                                                             if name.startswith("bank") else ""}))
    assert len(db.session.scalars(select(Participant)).all()) == 4
    as_user(client, auth, "org@example.cn")
    ok(client.post(f"/events/{event_id}/phase", data={"phase": "requests", "version": version(event_id)}))
    as_user(client, auth, "sme1@example.cn")
    recommendations = ok(client.get(f"/events/{event_id}/recommendations"))
    assert "广东某银行" in recommendations and "珠江某银行" in recommendations and "江门新能源" not in recommendations
    directory = ok(client.get(f"/events/{event_id}/participants?role=provider"))
    assert "广东某银行" in directory and "江门新能源" not in directory
    ids = {p.organization.name: p.id for p in db.session.scalars(select(Participant))}
    for seeker in ("sme1", "sme2"):
        as_user(client, auth, f"{seeker}@example.cn")
        for bank in ("广东某银行", "珠江某银行"):
            ok(client.post(f"/events/{event_id}/requests", data={"recipient_id": ids[bank], "message": "希望洽谈"}))
    for bank in ("bank1", "bank2"):
        as_user(client, auth, f"{bank}@example.cn")
        page = ok(client.get(f"/events/{event_id}/requests"))
        assert "希望洽谈" in page
        for request in db.session.scalars(select(MeetingRequest).where(MeetingRequest.recipient_id.in_(
                [p.id for p in db.session.scalars(select(Participant).where(Participant.user_id == people[bank].id))]))):
            ok(client.post(f"/events/{event_id}/requests/{request.id}/answer", data={"answer": "accept"}))
    as_user(client, auth, "org@example.cn")
    ok(client.post(f"/events/{event_id}/phase", data={"phase": "scheduling", "version": version(event_id)}))
    ran = client.post(f"/events/{event_id}/schedule/run", data={"version": version(event_id), "time_limit": "5",
                                                               "keep_published": "on"}, follow_redirects=True)
    assert "4 of 4 meetings scheduled" in ran.get_data(as_text=True)
    # A second organizer working from the old page is told to reload, and nothing changes.
    stale = client.post(f"/events/{event_id}/schedule/publish", data={"version": version(event_id) - 1}, follow_redirects=True)
    assert "reload" in stale.get_data(as_text=True)
    ok(client.post(f"/events/{event_id}/schedule/publish", data={"version": version(event_id)}))
    grid = ok(client.get(f"/events/{event_id}/schedule"))
    assert grid.count("↔") >= 4
    csv_text = ok(client.get(f"/events/{event_id}/schedule.csv"))
    assert csv_text.count("\n") == 5
    as_user(client, auth, "sme1@example.cn")
    agenda = ok(client.get(f"/events/{event_id}/agenda"))
    assert "广东某银行" in agenda and "珠江某银行" in agenda
    assert "fits your “流动资金贷款”" in agenda  # why this partner: their offer meets the SME's request
    code = db.session.scalar(select(Participant.code).where(Participant.user_id == people["sme1"].id))
    assert code in agenda
    assert "Check-in code:" in agenda and "Offers: 小微企业信用贷款" in agenda
    client.get("/lang/zh")  # Chinese labels take a full-width colon, with no space after it
    chinese = ok(client.get(f"/events/{event_id}/agenda"))
    assert "签到码：" in chinese and "可提供：小微企业信用贷款" in chinese and "可提供:" not in chinese
    client.get("/lang/en")
    ics = client.get(f"/events/{event_id}/agenda.ics")
    assert ics.mimetype == "text/calendar" and len(Calendar.from_ical(ics.data).walk("VEVENT")) == 2
    assert client.get(f"/events/{event_id}/agenda.pdf").data.startswith(b"%PDF")
    assert "Notifications" in agenda and "text-bg-danger" in agenda  # unread notices in the bar
    assert "发布" in ok(client.get("/notifications"))  # written in the user's own language (Chinese by default)
    as_user(client, auth, "org@example.cn")
    # The organizer's phone camera reads the agenda's QR code: the page shows whose code it is.
    scanned = ok(client.get(f"/events/{event_id}/checkin?code={code.lower()}"))
    assert 'id="scanned"' in scanned and "sme1 代表" in scanned and f'name="code" value="{code}"' in scanned
    assert "No participant of this event has the code ZZ1." in ok(client.get(f"/events/{event_id}/checkin?code=zz1"))
    checked = client.post(f"/events/{event_id}/checkin", data={"code": code}, follow_redirects=True)
    assert "is checked in" in checked.get_data(as_text=True)
    again = client.post(f"/events/{event_id}/checkin", data={"code": code}, follow_redirects=True)
    assert "was already checked in at" in again.get_data(as_text=True)
    unknown = client.post(f"/events/{event_id}/checkin", data={"code": "ZZZZ9999"}, follow_redirects=True)
    assert unknown.status_code == 200 and "No participant of this event has the code ZZZZ9999." in unknown.get_data(as_text=True)
    too_early = client.post(f"/events/{event_id}/phase", data={"phase": "live", "version": version(event_id)}, follow_redirects=True)
    assert "The event day starts on 2030-06-10" in too_early.get_data(as_text=True)
    event = db.session.get(Event, event_id)
    first = min(s.starts_at for s in event.slots)
    db.session.rollback()  # end the test's read before the app writes
    monkeypatch.setattr(services, "utcnow", lambda: first)  # the morning of the event
    ok(client.post(f"/events/{event_id}/phase", data={"phase": "live", "version": version(event_id)}))
    early = client.post(f"/events/{event_id}/phase", data={"phase": "closed", "version": version(event_id)}, follow_redirects=True)
    assert "has not ended yet" in early.get_data(as_text=True) and version(event_id) and db.session.get(Event, event_id).phase == "live"
    db.session.rollback()
    as_user(client, auth, "sme1@example.cn")
    meeting_id = int(re.search(r'id="meeting-(\d+)"', ok(client.get(f"/events/{event_id}/agenda"))).group(1))
    ok(client.post(f"/events/{event_id}/meetings/{meeting_id}/outcome",
                   data={"result": "financing_granted", "amount_wan": "200", "rating": "5", "note": "已授信"}))
    as_user(client, auth, "org@example.cn")
    dashboard = ok(client.get(f"/events/{event_id}/dashboard"))
    assert "Deals" in dashboard and ">1<" in dashboard.replace(" ", "")
    numbers = ok(client.get(f"/events/{event_id}/dashboard.csv"))
    assert "totals,financing_cny,2000000" in numbers


def test_who_may_open_what(client: Any, auth: Any, people: dict[str, Any]) -> None:
    as_user(client, auth, "org@example.cn")
    event_id = int(re.search(r"/events/(\d+)", client.post("/events/new", data=FORM).headers["Location"]).group(1))
    ok(client.post(f"/events/{event_id}/phase", data={"phase": "registration", "version": version(event_id)}))
    as_user(client, auth, "sme1@example.cn")
    ok(client.post(f"/events/{event_id}/register", data={"delegate_name": "甲"}))
    assert client.get("/events/new").status_code == 403  # an SME organizes nothing
    for path in ("schedule", "checkin", "dashboard", "edit", "schedule.csv", "dashboard.csv"):
        assert client.get(f"/events/{event_id}/{path}").status_code == 403, path
    assert client.post(f"/events/{event_id}/phase", data={"phase": "requests", "version": version(event_id)}).status_code == 403
    as_user(client, auth, "other@example.cn")  # not registered
    for path in ("participants", "recommendations", "requests", "agenda", "agenda.ics", "agenda.pdf"):
        assert client.get(f"/events/{event_id}/{path}").status_code == 403, path
    sme1 = db.session.scalar(select(Participant).where(Participant.user_id == people["sme1"].id))
    assert client.post(f"/events/{event_id}/participants/{sme1.id}/decision", data={"decision": "decline"}).status_code == 403
    auth.logout()
    assert client.get(f"/events/{event_id}/agenda").status_code == 302  # to the login page
    assert client.get(f"/events/{event_id}").status_code == 200  # the event itself is public
    assert client.get("/events/999999").status_code == 404
    client.get("/lang/zh")
    assert "对接会" in client.get("/events").get_data(as_text=True)  # Chinese first


def test_after_a_request_only_local_pages_are_followed(client: Any, auth: Any, people: dict[str, Any]) -> None:
    as_user(client, auth, "org@example.cn")
    event_id = int(re.search(r"/events/(\d+)", client.post("/events/new", data=FORM).headers["Location"]).group(1))
    ok(client.post(f"/events/{event_id}/phase", data={"phase": "registration", "version": version(event_id)}))
    for name in ("sme1", "bank1"):
        as_user(client, auth, f"{name}@example.cn")
        ok(client.post(f"/events/{event_id}/register", data={"delegate_name": name}))
    as_user(client, auth, "org@example.cn")
    ok(client.post(f"/events/{event_id}/phase", data={"phase": "requests", "version": version(event_id)}))
    as_user(client, auth, "sme1@example.cn")
    bank = db.session.scalar(select(Participant).where(Participant.user_id == people["bank1"].id))
    sent = client.post(f"/events/{event_id}/requests", data={"recipient_id": bank.id, "next": "https://evil.example/"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/events/{event_id}/requests")


def test_proposed_meetings_are_answered_on_the_requests_page(client: Any, auth: Any, people: dict[str, Any]) -> None:
    from marketplace.events.models import Meeting

    as_user(client, auth, "org@example.cn")
    created = client.post("/events/new", data={**FORM, "fill_recommended": "y"})
    event_id = int(re.search(r"/events/(\d+)", created.headers["Location"]).group(1))
    ok(client.post(f"/events/{event_id}/phase", data={"phase": "registration", "version": version(event_id)}))
    for name in ("sme1", "bank1"):
        as_user(client, auth, f"{name}@example.cn")
        ok(client.post(f"/events/{event_id}/register", data={"delegate_name": f"{name} 代表"}))
    as_user(client, auth, "org@example.cn")
    for phase in ("requests", "scheduling"):
        ok(client.post(f"/events/{event_id}/phase", data={"phase": phase, "version": version(event_id)}))
    ran = client.post(f"/events/{event_id}/schedule/run", data={"version": version(event_id), "time_limit": "5"},
                      follow_redirects=True).get_data(as_text=True)
    assert "1 recommended meetings proposed in free slots" in ran and "Proposal: 0 of 2 accepted" in ran
    meeting_id = db.session.scalar(select(Meeting.id))
    db.session.rollback()
    as_user(client, auth, "sme1@example.cn")
    page = ok(client.get(f"/events/{event_id}/requests"))
    assert "Meetings proposed for you" in page and "广东某银行" in page and "Waiting for your answer" in page
    assert "Requests sent: 0 of 5" in page
    accepted = client.post(f"/events/{event_id}/proposals/{meeting_id}/answer", data={"answer": "accept"}, follow_redirects=True)
    assert "You accepted: waiting for them" in accepted.get_data(as_text=True)
    as_user(client, auth, "other@example.cn")  # not one of the two: nothing changes
    refused = client.post(f"/events/{event_id}/proposals/{meeting_id}/answer", data={"answer": "decline"})
    assert refused.status_code in (302, 403, 404)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting_id).status == "planned"
    db.session.rollback()
    as_user(client, auth, "bank1@example.cn")
    page = ok(client.get(f"/events/{event_id}/requests"))
    assert "They accepted: your answer?" in page
    ok(client.post(f"/events/{event_id}/proposals/{meeting_id}/answer", data={"answer": "accept"}))
    assert "Agreed" in ok(client.get(f"/events/{event_id}/requests"))
    as_user(client, auth, "org@example.cn")
    ok(client.post(f"/events/{event_id}/schedule/publish", data={"version": version(event_id)}))
    as_user(client, auth, "sme1@example.cn")
    assert "广东某银行" in ok(client.get(f"/events/{event_id}/agenda"))


def test_a_meeting_left_out_says_why_in_the_readers_language(client: Any, auth: Any, people: dict[str, Any]) -> None:
    from marketplace.events import meeting_requests as asks
    from marketplace.events import participation, scheduling

    def org(user: Any) -> Any:
        return user.memberships[0].organization

    event = services.save_event(db.session, org(people["organizer"]), people["organizer"],
                                {"title": "银企对接会", "plan": {"days": ["2030-06-10"], "start": "09:00", "end": "10:00",
                                                             "meeting_minutes": 20, "gap_minutes": 10, "breaks": []},
                                 "tables": 1, "approval": "open", "max_requests": 5, "max_meetings": 3,
                                 "roles": {"sme": "seeker", "bank": "provider"}})
    services.set_phase(db.session, event, people["organizer"], "registration", event.version)
    sme = participation.register(db.session, event, people["sme1"], org(people["sme1"]), {"delegate_name": "甲"})
    bank = participation.register(db.session, event, people["bank1"], org(people["bank1"]), {"delegate_name": "乙"})
    services.set_phase(db.session, event, people["organizer"], "requests", event.version)
    asks.answer(db.session, asks.send(db.session, event, sme, bank, people["sme1"], ""), people["bank1"], True)
    participation.update_details(db.session, sme, people["sme1"], {"delegate_name": "甲",
                                                                   "unavailable_slot_ids": [s.id for s in event.slots]})
    services.set_phase(db.session, event, people["organizer"], "scheduling", event.version)
    scheduling.run(db.session, event, people["organizer"], event.version, time_limit=5)
    db.session.commit()
    as_user(client, auth, "org@example.cn")
    page = ok(client.get(f"/events/{event.id}/schedule"))
    assert "the two have no time slot in common" in page and f"'p{sme.id}'" not in page
    client.get("/lang/zh")
    assert "（参会者申请）：两方没有共同的空闲时段" in ok(client.get(f"/events/{event.id}/schedule"))
