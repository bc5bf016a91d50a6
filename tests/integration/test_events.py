"""Matchmaking events through the services, on the real database: set-up and its bad input,
registration rules, requests and caps, the schedule from the database (valid, published,
re-scheduled with what moved), double booking refused by the database, check-in, outcomes,
the numbers, and who may see what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask_babel import force_locale
from icalendar import Calendar
from sqlalchemy import select

from marketplace.errors import Conflict, PermissionDenied, ValidationFailed
from marketplace.events import eventday, exports, participation, proposals, scheduling, services
from marketplace.events import meeting_requests as asks
from marketplace.events.models import Event, Meeting, MeetingRequest, MeetingSeat
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.notifications.models import Notification
from marketplace.timeutil import utcnow
from matching import scheduling as solver

PLAN = {"days": ["2030-06-10"], "start": "09:00", "end": "10:30", "meeting_minutes": 20, "gap_minutes": 10, "breaks": []}


def event_data(**changes: Any) -> dict[str, Any]:
    data = {"title": "银企对接会", "plan": PLAN, "tables": 2, "approval": "open", "max_requests": 5, "max_meetings": 3,
            "roles": {"sme": "seeker", "bank": "provider"}}
    data.update(changes)
    return data


@pytest.fixture
def cast(make_user: Any) -> dict[str, Any]:
    """An organizer, two SMEs and two banks (users; each owns an organization). They read
    English, except sme2, who keeps the default language (Chinese)."""
    people = {
        "organizer": make_user("org@example.cn", kind="organizer", org_name="省中小企业服务中心"),
        "sme1": make_user("sme1@example.cn", kind="sme", org_name="佛山精密制造有限公司"),
        "sme2": make_user("sme2@example.cn", kind="sme", org_name="江门新能源科技有限公司"),
        "bank1": make_user("bank1@example.cn", kind="bank", org_name="广东某银行"),
        "bank2": make_user("bank2@example.cn", kind="bank", org_name="珠江某银行"),
    }
    for name, user in people.items():
        user.locale = None if name == "sme2" else "en"
    db.session.commit()
    return people


def org(user: Any) -> Any:
    return user.memberships[0].organization


def open_event(cast: dict[str, Any], **changes: Any) -> Event:
    event = services.save_event(db.session, org(cast["organizer"]), cast["organizer"], event_data(**changes))
    services.set_phase(db.session, event, cast["organizer"], "registration", event.version)
    db.session.commit()
    return event


def register_all(event: Event, cast: dict[str, Any]) -> dict[str, Any]:
    people = {}
    for name in ("sme1", "sme2", "bank1", "bank2"):
        people[name] = participation.register(db.session, event, cast[name], org(cast[name]), {"delegate_name": name})
    db.session.commit()
    return people


def test_slots_follow_the_plan(app: Any, cast: dict[str, Any]) -> None:
    plan = {**PLAN, "end": "12:00", "breaks": [["10:15", "10:45"]]}
    event = services.save_event(db.session, org(cast["organizer"]), cast["organizer"], event_data(plan=plan))
    db.session.commit()
    starts = [s.starts_at.astimezone(services_zone(event)).strftime("%H:%M") for s in event.slots]
    # 20-minute meetings with 10-minute gaps; the one at 10:00 would run into the break.
    assert starts == ["09:00", "09:30", "10:45", "11:15"]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=20) for s in event.slots)


def services_zone(event: Event) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(event.timezone)


@pytest.mark.parametrize(("changes", "field"), [
    ({"tables": 0}, "tables"),
    ({"title": " "}, "title"),
    ({"plan": {**PLAN, "end": "09:00"}}, "plan.end"),
    ({"plan": {**PLAN, "meeting_minutes": 0}}, "plan.meeting_minutes"),
    ({"plan": {**PLAN, "breaks": [["09:30", "09:30"]]}}, "plan.breaks"),
    ({"plan": {**PLAN, "breaks": [["09:00", "09:40"], ["09:30", "10:00"]]}}, "plan.breaks"),
    ({"plan": {**PLAN, "days": ["2030-13-01"]}}, "plan.days"),
    ({"roles": {}}, "roles"),
    ({"roles": {"sme": "boss"}}, "roles"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
    ({"plan": {**PLAN, "days": ["2020-01-01"]}}, "plan.days"),
    ({"registration_closes_at": datetime(2030, 6, 5, tzinfo=UTC), "requests_close_at": datetime(2030, 6, 1, tzinfo=UTC)},
     "requests_close_at"),
])
def test_bad_set_up_is_refused_with_the_field_and_nothing_saved(app: Any, cast: dict[str, Any], changes: dict[str, Any],
                                                                 field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.save_event(db.session, org(cast["organizer"]), cast["organizer"], event_data(**changes))
    db.session.rollback()
    assert field in caught.value.fields
    assert db.session.scalar(select(Event.id)) is None


def test_every_mistake_is_reported_at_once(app: Any, cast: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.save_event(db.session, org(cast["organizer"]), cast["organizer"],
                            event_data(online_url="javascript:alert(1)", plan={**PLAN, "days": ["2020-01-01"]}))
    assert {"online_url", "plan.days"} <= set(caught.value.fields)


def test_only_organizers_create_and_change_events(app: Any, cast: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.save_event(db.session, org(cast["sme1"]), cast["sme1"], event_data())
    event = open_event(cast)
    with pytest.raises(PermissionDenied):
        services.save_event(db.session, org(cast["organizer"]), cast["bank1"], event_data(version=event.version), event)
    with pytest.raises(Conflict, match="reload"):  # a stale form
        services.save_event(db.session, org(cast["organizer"]), cast["organizer"], event_data(version=event.version - 1), event)


def test_registration_rules(app: Any, cast: dict[str, Any], make_user: Any) -> None:
    draft = services.save_event(db.session, org(cast["organizer"]), cast["organizer"], event_data(capacity=3))
    db.session.commit()
    with pytest.raises(Conflict, match="not open"):
        participation.register(db.session, draft, cast["sme1"], org(cast["sme1"]), {"delegate_name": "a"})
    services.set_phase(db.session, draft, cast["organizer"], "registration", draft.version)
    provider = make_user(kind="service_provider")
    with pytest.raises(Conflict, match="kind"):
        participation.register(db.session, draft, provider, org(provider), {"delegate_name": "x"})
    with pytest.raises(ValidationFailed) as caught:
        participation.register(db.session, draft, cast["sme1"], org(cast["sme1"]), {"delegate_name": ""})
    assert "delegate_name" in caught.value.fields
    db.session.rollback()
    with pytest.raises(PermissionDenied):  # acting for someone else's organization
        participation.register(db.session, draft, cast["sme1"], org(cast["sme2"]), {"delegate_name": "a"})
    for name in ("sme1", "sme2", "bank1"):
        participation.register(db.session, draft, cast[name], org(cast[name]), {"delegate_name": name})
    with pytest.raises(Conflict, match="already registered"):
        participation.register(db.session, draft, cast["sme1"], org(cast["sme1"]), {"delegate_name": "again"})
    with pytest.raises(Conflict, match="full"):
        participation.register(db.session, draft, cast["bank2"], org(cast["bank2"]), {"delegate_name": "b"})
    draft.registration_closes_at = utcnow() - timedelta(minutes=1)
    assert participation.registration_problem(draft, org(cast["bank2"])) == "Registration has closed."


def test_approval_and_the_directory_is_for_participants(app: Any, cast: dict[str, Any], make_user: Any) -> None:
    event = open_event(cast, approval="approval")
    pending = participation.register(db.session, event, cast["sme1"], org(cast["sme1"]), {"delegate_name": "s"})
    assert pending.status == "pending"
    assert db.session.scalar(select(Notification).where(Notification.user_id == cast["organizer"].id)) is not None
    with pytest.raises(PermissionDenied):
        participation.directory(db.session, event, cast["sme1"])
    with pytest.raises(PermissionDenied):
        participation.decide(db.session, pending, cast["sme1"], True)
    participation.decide(db.session, pending, cast["organizer"], True)
    assert [p.id for p in participation.directory(db.session, event, cast["sme1"])] == [pending.id]
    outsider = make_user()
    with pytest.raises(PermissionDenied):
        participation.directory(db.session, event, outsider)


def test_requests_caps_mutual_and_expiry(app: Any, cast: dict[str, Any]) -> None:
    event = open_event(cast, max_requests=1)
    people = register_all(event, cast)
    sme1, sme2, bank1, bank2 = (people[n] for n in ("sme1", "sme2", "bank1", "bank2"))
    with pytest.raises(Conflict, match="not open"):
        asks.send(db.session, event, sme1, bank1, cast["sme1"], "hi")
    services.set_phase(db.session, event, cast["organizer"], "requests", event.version)
    with pytest.raises(PermissionDenied):  # sending as someone else
        asks.send(db.session, event, sme1, bank1, cast["sme2"], "hi")
    first = asks.send(db.session, event, sme1, bank1, cast["sme1"], "想了解流动资金贷款")
    with pytest.raises(Conflict, match="most this event allows"):
        asks.send(db.session, event, sme1, bank2, cast["sme1"], "")
    # bank1 asks sme1 too: a mutual request, agreed at once, with the highest priority.
    asks.send(db.session, event, bank1, sme1, cast["bank1"], "")
    assert first.status == "accepted"
    meeting = asks.meeting_between(db.session, event, sme1, bank1)
    assert meeting is not None and meeting.priority == asks.PRIORITY_MUTUAL
    pending = asks.send(db.session, event, sme2, bank2, cast["sme2"], "")
    with pytest.raises(PermissionDenied):  # only the recipient answers
        asks.answer(db.session, pending, cast["sme2"], True)
    event.requests_close_at = utcnow() - timedelta(seconds=1)  # the closing time has passed
    with pytest.raises(Conflict, match="not open"):
        asks.answer(db.session, pending, cast["bank2"], True)
    with pytest.raises(Conflict, match="not open"):
        asks.send(db.session, event, sme2, bank1, cast["sme2"], "")
    event.requests_close_at = None
    expired = services.set_phase(db.session, event, cast["organizer"], "scheduling", event.version)
    assert expired == [pending.id] and pending.status == "expired"
    with pytest.raises(Conflict):
        asks.answer(db.session, pending, cast["bank2"], True)


def test_meeting_cap_stops_accepting(app: Any, cast: dict[str, Any]) -> None:
    event = open_event(cast, max_meetings=1)
    people = register_all(event, cast)
    services.set_phase(db.session, event, cast["organizer"], "requests", event.version)
    a = asks.send(db.session, event, people["sme1"], people["bank1"], cast["sme1"], "")
    b = asks.send(db.session, event, people["sme2"], people["bank1"], cast["sme2"], "")
    asks.answer(db.session, a, cast["bank1"], True)
    with pytest.raises(Conflict, match="most this event allows"):
        asks.answer(db.session, b, cast["bank1"], True)
    asks.answer(db.session, b, cast["bank1"], False, "本期额度已满")
    assert b.status == "declined" and b.reason == "本期额度已满"
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "sme2@example.cn")).all()
    assert any("原因：本期额度已满" in m.body for m in sent)  # in the recipient's language (Chinese by default)


def scheduled_event(cast: dict[str, Any], **changes: Any) -> tuple[Event, dict[str, Any]]:
    event = open_event(cast, **changes)
    people = register_all(event, cast)
    services.set_phase(db.session, event, cast["organizer"], "requests", event.version)
    for seeker in ("sme1", "sme2"):
        for bank in ("bank1", "bank2"):
            request = asks.send(db.session, event, people[seeker], people[bank], cast[seeker], "")
            asks.answer(db.session, request, cast[bank], True)
    services.set_phase(db.session, event, cast["organizer"], "scheduling", event.version)
    db.session.commit()
    return event, people


def test_schedule_from_the_database_is_valid_and_published(app: Any, cast: dict[str, Any]) -> None:
    event, people = scheduled_event(cast)
    # sme1 cannot come to the first slot.
    first = event.slots[0]
    participation.update_details(db.session, people["sme1"], cast["sme1"],
                                 {"delegate_name": "sme1", "unavailable_slot_ids": [first.id]})
    outcome = scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    db.session.commit()
    assert outcome.scheduled == outcome.asked == 4 and outcome.gap == 0
    problem, _by_key = scheduling.problem_of(db.session, event)
    placed = scheduling.master(db.session, event)
    solution = solver.Solution(tuple(solver.Assignment(f"m{m.id}", f"s{m.slot_id}", m.table) for m in placed), (),
                               outcome.objective, outcome.upper_bound, outcome.gap, 0.0)
    assert solver.validate_solution(problem, solution) == []
    assert all(m.slot_id != first.id for m in placed if people["sme1"].id in (m.low_id, m.high_id))
    assert len(db.session.scalars(select(MeetingSeat)).all()) == 8
    # Participants see nothing before publication.
    assert scheduling.agenda(db.session, people["sme1"]) == []
    scheduling.publish(db.session, event, cast["organizer"], event.version)
    db.session.commit()
    agenda = scheduling.agenda(db.session, people["sme1"])
    assert len(agenda) == 2
    told = {n.user_id: n.message for n in db.session.scalars(select(Notification).where(Notification.link.endswith("/agenda")))}
    assert {cast[n].id for n in ("sme1", "sme2", "bank1", "bank2")} <= set(told)
    assert "is published" in told[cast["sme1"].id] and "发布" in told[cast["sme2"].id]  # each in their own language
    calendar = Calendar.from_ical(exports.agenda_ics(event, people["sme1"], agenda, "example.cn"))
    entries = [c for c in calendar.walk("VEVENT")]
    assert len(entries) == 2 and calendar["VERSION"] == "2.0" and calendar.get("PRODID")
    assert all(e["UID"] and e["DTSTAMP"] and e.decoded("DTSTART") < e.decoded("DTEND") for e in entries)
    assert exports.agenda_pdf(event, people["sme1"], agenda).startswith(b"%PDF")
    with force_locale("zh"):
        csv_text = exports.master_csv(event, scheduling.master(db.session, event))
    assert csv_text.count("\n") == 5 and "佛山精密制造有限公司" in csv_text
    assert csv_text.splitlines()[0].lstrip("\ufeff").startswith("洽谈编号,开始时间")  # headers in the reader's language
    assert ",参会者申请," in csv_text  # and labels, not keys such as "request"
    # Names a spreadsheet would run as formulas are written as text (CSV injection).
    people["sme1"].delegate_name = '=HYPERLINK("http://evil.example","点此")'
    people["sme1"].organization.name = "@SUM(1+1)"
    csv_text = exports.master_csv(event, scheduling.master(db.session, event))
    assert "'=HYPERLINK" in csv_text and "'@SUM(1+1)" in csv_text
    assert not any(cell.startswith(("=", "@", "\"=", "\"@")) for line in csv_text.splitlines() for cell in line.split(","))
    db.session.rollback()


def test_rescheduling_keeps_published_meetings_and_tells_who_moved(app: Any, cast: dict[str, Any]) -> None:
    event, people = scheduled_event(cast)
    scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    scheduling.publish(db.session, event, cast["organizer"], event.version)
    db.session.commit()
    before = {m.id: (m.slot_id, m.table) for m in scheduling.master(db.session, event)}
    services.set_phase(db.session, event, cast["organizer"], "scheduling", event.version)
    scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    assert {m.id: (m.slot_id, m.table) for m in scheduling.master(db.session, event)} == before
    # A late cancellation: sme2 leaves; its meetings drop out, and only the affected are told.
    services.set_phase(db.session, event, cast["organizer"], "scheduling", event.version) if event.phase != "scheduling" else None
    db.session.query(Notification).delete()
    participation.cancel(db.session, people["sme2"], cast["sme2"])  # its meetings are called off at once
    told = {n.user_id for n in db.session.scalars(select(Notification))}
    assert told == {cast["sme2"].id, cast["bank1"].id, cast["bank2"].id}
    scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    db.session.query(Notification).delete()
    assert scheduling.publish(db.session, event, cast["organizer"], event.version) == []  # nothing else moved
    assert not db.session.scalars(select(Notification)).all()  # and nobody is told twice


def test_double_booking_is_refused_by_the_database(app: Any, cast: dict[str, Any]) -> None:
    event, people = scheduled_event(cast)
    slot = event.slots[0]
    m1 = asks.meeting_between(db.session, event, people["sme1"], people["bank1"])
    m2 = asks.meeting_between(db.session, event, people["sme1"], people["bank2"])
    asks.place(db.session, m1, slot, 1)
    with pytest.raises(Conflict, match="already taken"):
        asks.place(db.session, m2, slot, 2)  # sme1 is busy then
    # Even written straight to the table, a second seat for sme1 in that slot is refused.
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(MeetingSeat(meeting_id=m2.id, participant_id=people["sme1"].id, slot_id=slot.id))
            db.session.flush()


def test_organizer_pins_and_exclusions(app: Any, cast: dict[str, Any]) -> None:
    event, people = scheduled_event(cast)
    last = event.slots[-1]
    pinned = asks.organizer_meeting(db.session, event, cast["organizer"], people["sme1"].id, people["bank1"].id,
                                    slot_id=last.id, table=2)
    scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    assert (pinned.slot_id, pinned.table) == (last.id, 2)
    with pytest.raises(Conflict, match="meeting"):
        asks.exclude(db.session, event, cast["organizer"], people["sme1"].id, people["bank1"].id)
    with pytest.raises(PermissionDenied):
        asks.organizer_meeting(db.session, event, cast["sme1"], people["sme1"].id, people["bank2"].id)


def on_the_day(monkeypatch: pytest.MonkeyPatch, event: Event) -> None:
    """The clock of the event services at the event's first slot (the event day may start)."""
    monkeypatch.setattr(services, "utcnow", lambda: min(s.starts_at for s in event.slots))


def test_event_day_check_in_outcomes_and_numbers(app: Any, cast: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    event, people = scheduled_event(cast)
    scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    scheduling.publish(db.session, event, cast["organizer"], event.version)
    with pytest.raises(ValidationFailed) as caught:
        eventday.check_in(db.session, event, cast["organizer"], "NOPE")
    assert "code" in caught.value.fields
    eventday.check_in(db.session, event, cast["organizer"], people["sme1"].code.lower())
    assert people["sme1"].checked_in_at is not None
    with pytest.raises(PermissionDenied):
        eventday.check_in(db.session, event, cast["sme1"], people["sme2"].code)
    on_the_day(monkeypatch, event)
    services.set_phase(db.session, event, cast["organizer"], "live", event.version)
    meeting = asks.meeting_between(db.session, event, people["sme1"], people["bank1"])
    with pytest.raises(PermissionDenied):
        eventday.record_outcome(db.session, meeting, cast["sme2"], {"result": "follow_up"})
    with pytest.raises(ValidationFailed) as caught:
        eventday.record_outcome(db.session, meeting, cast["sme1"], {"result": "follow_up", "amount_cny": "5", "rating": "9"})
    assert set(caught.value.fields) == {"amount_cny", "rating"}
    eventday.record_outcome(db.session, meeting, cast["sme1"], {"result": "financing_granted", "amount_cny": "3000000", "rating": "5"})
    eventday.record_outcome(db.session, meeting, cast["bank1"], {"result": "financing_granted", "amount_cny": "3000000", "rating": "4"})
    missed = asks.meeting_between(db.session, event, people["sme2"], people["bank2"])
    with pytest.raises(Conflict, match="checked in"):  # nobody of this pair came
        eventday.mark_meeting(db.session, event, cast["organizer"], missed, "held")
    eventday.mark_meeting(db.session, event, cast["organizer"], missed, "no_show")
    figures = eventday.numbers(db.session, event)
    assert figures.deals == 1 and figures.financing_cny == 3_000_000  # both sides reported one deal
    assert figures.meetings["held"] == 1 and figures.meetings["no_show"] == 1 and figures.checked_in == 1
    assert figures.by_kind == {"sme": 2, "bank": 2} and figures.requests == {"accepted": 4}
    assert figures.rating == 4.5
    with pytest.raises(Conflict, match="missed"):  # a no-show has no outcome
        eventday.record_outcome(db.session, missed, cast["sme2"], {"result": "follow_up"})
    sent = eventday.send_survey(db.session, event, cast["organizer"])
    assert sent == 4  # everyone has a meeting without their own outcome (sme1 and bank1 have one more)
    with pytest.raises(Conflict, match="less than a day"):
        eventday.send_survey(db.session, event, cast["organizer"])
    assert "financing_cny,3000000" in eventday.numbers_csv(event, figures).replace("totals,", "")


def test_requests_after_a_race_leave_one_row(app: Any, cast: dict[str, Any]) -> None:
    event = open_event(cast)
    people = register_all(event, cast)
    services.set_phase(db.session, event, cast["organizer"], "requests", event.version)
    asks.send(db.session, event, people["sme1"], people["bank1"], cast["sme1"], "")
    with pytest.raises(Conflict, match="already asked"):
        asks.send(db.session, event, people["sme1"], people["bank1"], cast["sme1"], "")
    assert len(db.session.scalars(select(MeetingRequest)).all()) == 1
    assert len(db.session.scalars(select(Meeting)).all()) == 0


def test_an_event_exports_as_files_that_check_out_and_solve(app: Any, cast: dict[str, Any], tmp_path: Any) -> None:
    import json

    from matching.scheduling import load_problem, validate_solution
    from matching.scheduling.io import schema_errors

    event, _people = scheduled_event(cast)
    scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    db.session.commit()
    runner = app.test_cli_runner()
    problem_file, solution_file = tmp_path / "problem.json", tmp_path / "solution.json"
    result = runner.invoke(args=["events", "export", str(event.id), "--problem", str(problem_file),
                                 "--solution", str(solution_file)])
    assert result.exit_code == 0, result.output
    assert "4 meetings, 4 placed" in result.output
    problem_doc, solution_doc = json.loads(problem_file.read_text()), json.loads(solution_file.read_text())
    assert schema_errors(problem_doc, "problem") == [] and schema_errors(solution_doc, "solution") == []
    assert validate_solution(load_problem(problem_doc), solution_doc) == []
    again = runner.invoke(args=["events", "solve", str(problem_file), "--out", str(tmp_path / "again.json")])
    assert again.exit_code == 0 and again.output.startswith("scheduled 4/4 meetings")
    assert runner.invoke(args=["events", "export", "999", "--problem", str(problem_file)]).exit_code == 1


def test_a_late_meeting_on_the_day_reaches_both_agendas(app: Any, cast: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    event, people = scheduled_event(cast, max_meetings=3)
    scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    scheduling.publish(db.session, event, cast["organizer"], event.version)
    on_the_day(monkeypatch, event)
    services.set_phase(db.session, event, cast["organizer"], "live", event.version)
    # sme1 and sme2 (both seekers) meet in a slot where both are free, at a free table.
    busy = {(s.participant_id, s.slot_id) for s in db.session.scalars(select(MeetingSeat))}
    taken = {(m.slot_id, m.table) for m in scheduling.master(db.session, event)}
    slot = next(s for s in event.slots if (people["sme1"].id, s.id) not in busy and (people["sme2"].id, s.id) not in busy)
    table = next(t for t in (1, 2) if (slot.id, t) not in taken)
    before = len(scheduling.agenda(db.session, people["sme2"]))
    asks.organizer_meeting(db.session, event, cast["organizer"], people["sme1"].id, people["sme2"].id, slot_id=slot.id,
                           table=table)
    assert len(scheduling.agenda(db.session, people["sme2"])) == before + 1
    assert db.session.scalar(select(Notification).where(Notification.user_id == cast["sme1"].id,
                                                        Notification.message.contains("added a meeting")))
    assert db.session.scalar(select(Notification).where(Notification.user_id == cast["sme2"].id,
                                                        Notification.message.contains("新增了一场洽谈")))


def test_declined_pairs_are_never_filled_in_and_the_organizer_can_call_a_meeting_off(app: Any, cast: dict[str, Any]) -> None:
    event = open_event(cast, fill_recommended=True)
    people = register_all(event, cast)
    services.set_phase(db.session, event, cast["organizer"], "requests", event.version)
    no = asks.send(db.session, event, people["sme2"], people["bank2"], cast["sme2"], "")
    asks.answer(db.session, no, cast["bank2"], False, "不合适")
    services.set_phase(db.session, event, cast["organizer"], "scheduling", event.version)
    scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    pairs = {(m.low_id, m.high_id): m for m in scheduling.master(db.session, event)}
    assert pairs and all(m.source == "recommended" for m in pairs.values())
    assert asks.pair(people["sme2"].id, people["bank2"].id) not in pairs  # bank2 said no
    meeting = next(iter(pairs.values()))
    for side in (meeting.low, meeting.high):  # a proposal reaches the agendas once both accept it
        proposals.answer(db.session, meeting, side.user, True)
    scheduling.publish(db.session, event, cast["organizer"], event.version)
    with pytest.raises(PermissionDenied):
        asks.organizer_cancel(db.session, event, cast["sme1"], meeting)
    asks.organizer_cancel(db.session, event, cast["organizer"], meeting)
    assert meeting.status == "cancelled" and meeting.slot_id is None
    someone = meeting.low
    assert meeting.id not in {m.id for m in scheduling.agenda(db.session, someone)}
    calendar = Calendar.from_ical(exports.agenda_ics(event, someone, scheduling.calendar_entries(db.session, someone), "x.cn"))
    entry = next(e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith(f"meeting-{meeting.id}@"))
    assert str(entry["STATUS"]) == "CANCELLED"  # the same UID: calendar apps take it off
    assert not db.session.scalars(select(MeetingSeat).where(MeetingSeat.meeting_id == meeting.id)).all()
    services.set_phase(db.session, event, cast["organizer"], "scheduling", event.version)
    scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    placed = {(m.low_id, m.high_id) for m in scheduling.master(db.session, event)}
    assert (meeting.low_id, meeting.high_id) not in placed  # called off stays off, also for the fill
    with pytest.raises(ValidationFailed):  # a table without a slot means nothing
        asks.organizer_meeting(db.session, event, cast["organizer"], people["sme1"].id, people["bank2"].id, table=1)


def test_recommended_meetings_are_proposals_both_sides_answer(app: Any, cast: dict[str, Any]) -> None:
    event = open_event(cast, fill_recommended=True, max_requests=1)
    people = register_all(event, cast)
    services.set_phase(db.session, event, cast["organizer"], "requests", event.version)
    services.set_phase(db.session, event, cast["organizer"], "scheduling", event.version)
    outcome = scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    placed = scheduling.master(db.session, event)
    assert len(placed) == 4 and all(m.proposal for m in placed)  # every seeker-bank pair proposed
    assert (outcome.scheduled, outcome.asked, outcome.recommended) == (0, 0, 4)  # proposals are counted apart
    told = db.session.scalars(select(Notification).where(Notification.user_id == cast["sme1"].id)).all()
    assert any("Meetings proposed for you" in n.message and ": 2." in n.message for n in told)
    sme1 = people["sme1"]
    # Proposals neither use the request cap nor count as agreed meetings.
    assert asks.requests_sent(db.session, sme1) == 0 and asks.meeting_count(db.session, sme1) == 0
    by_pair = {(m.low_id, m.high_id): m for m in placed}
    agreed = by_pair[asks.pair(sme1.id, people["bank1"].id)]
    refused = by_pair[asks.pair(sme1.id, people["bank2"].id)]
    half = by_pair[asks.pair(people["sme2"].id, people["bank1"].id)]
    with pytest.raises(PermissionDenied):  # only the two sides answer
        proposals.answer(db.session, agreed, cast["sme2"], True)
    proposals.answer(db.session, agreed, cast["sme1"], True)
    assert agreed.proposal and not agreed.agreed
    proposals.answer(db.session, agreed, cast["bank1"], True)
    assert agreed.agreed and agreed.priority == asks.PRIORITY_ACCEPTED and asks.meeting_count(db.session, sme1) == 1
    assert db.session.scalar(select(Notification).where(Notification.user_id == cast["bank1"].id,
                                                        Notification.message.contains("is agreed")))
    proposals.answer(db.session, refused, cast["bank2"], False)
    assert refused.status == "cancelled" and refused.slot_id is None
    assert not db.session.scalars(select(MeetingSeat).where(MeetingSeat.meeting_id == refused.id)).all()
    with pytest.raises(Conflict, match="declined"):
        proposals.answer(db.session, refused, cast["sme1"], True)
    proposals.answer(db.session, half, cast["sme2"], True)
    assert {m.id for m in proposals.for_participant(db.session, sme1)} == {agreed.id, refused.id}
    # Running again keeps the answers: the agreed meeting is an agreed one, the "no" stays off.
    outcome = scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    again = {(m.low_id, m.high_id): m for m in scheduling.master(db.session, event)}
    assert (refused.low_id, refused.high_id) not in again
    assert again[(agreed.low_id, agreed.high_id)].id == agreed.id and again[(half.low_id, half.high_id)].id == half.id
    assert (outcome.scheduled, outcome.asked) == (1, 1)
    assert proposals.waiting(db.session, event) == 2  # half (one yes) and the pair nobody answered
    scheduling.publish(db.session, event, cast["organizer"], event.version)
    assert proposals.waiting(db.session, event) == 0
    assert [m.id for m in scheduling.agenda(db.session, sme1)] == [agreed.id]
    assert scheduling.agenda(db.session, people["sme2"]) == []  # half-accepted proposals are left out
    assert db.session.get(Meeting, half.id) is None
    with pytest.raises(Conflict):  # after publishing, proposals are over
        proposals.answer(db.session, agreed, cast["sme1"], False)


@pytest.mark.parametrize("by_default", [False, True])
def test_unanswered_requests_expire_or_count_as_accepted(app: Any, cast: dict[str, Any], by_default: bool) -> None:
    event = open_event(cast, include_unanswered=by_default, max_meetings=1)
    people = register_all(event, cast)
    sme1, sme2, bank1, bank2 = (people[n] for n in ("sme1", "sme2", "bank1", "bank2"))
    services.set_phase(db.session, event, cast["organizer"], "requests", event.version)
    asks.answer(db.session, asks.send(db.session, event, sme2, bank1, cast["sme2"], ""), cast["bank1"], True)  # bank1 is full
    no_room = asks.send(db.session, event, sme1, bank1, cast["sme1"], "")
    unanswered = asks.send(db.session, event, sme1, bank2, cast["sme1"], "")
    expired = services.set_phase(db.session, event, cast["organizer"], "scheduling", event.version)
    scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    scheduled = {(m.low_id, m.high_id) for m in scheduling.master(db.session, event)}
    assert no_room.status == "expired" and asks.pair(sme1.id, bank1.id) not in scheduled  # expired: never scheduled
    if by_default:
        assert expired == [no_room.id]
        assert unanswered.status == "accepted" and unanswered.reason == asks.BY_DEFAULT
        meeting = asks.meeting_between(db.session, event, sme1, bank2)
        assert meeting is not None and meeting.priority == asks.PRIORITY_UNANSWERED
        assert (meeting.low_id, meeting.high_id) in scheduled
        for user in (cast["sme1"], cast["bank2"]):  # both sides are told (in English here)
            assert db.session.scalar(select(Notification).where(Notification.user_id == user.id,
                                                                Notification.message.contains("count as accepted")))
    else:
        assert sorted(expired) == sorted([no_room.id, unanswered.id]) and unanswered.status == "expired"
        assert asks.pair(sme1.id, bank2.id) not in scheduled


def test_a_firm_registers_several_delegates(app: Any, cast: dict[str, Any], make_user: Any) -> None:
    from marketplace.organizations.models import Membership

    event = open_event(cast)
    colleague = make_user("colleague@example.cn")
    db.session.add(Membership(organization=org(cast["sme1"]), user=colleague, role="member"))
    db.session.commit()
    mine = participation.register(db.session, event, cast["sme1"], org(cast["sme1"]), {"delegate_name": "甲"})
    theirs = participation.register(db.session, event, cast["sme1"], org(cast["sme1"]),
                                    {"delegate_name": "乙", "delegate_user_id": str(colleague.id)})
    assert (mine.user_id, theirs.user_id) == (cast["sme1"].id, colleague.id)
    assert {p.id for p in participation.delegates(db.session, event, org(cast["sme1"]))} == {mine.id, theirs.id}
    assert db.session.scalar(select(Notification).where(Notification.user_id == colleague.id))
    with pytest.raises(Conflict, match="already registered"):
        participation.register(db.session, event, cast["sme1"], org(cast["sme1"]),
                               {"delegate_name": "乙", "delegate_user_id": colleague.id})
    with pytest.raises(ValidationFailed) as caught:  # someone from another firm
        participation.register(db.session, event, cast["sme1"], org(cast["sme1"]),
                               {"delegate_name": "丙", "delegate_user_id": cast["sme2"].id})
    assert "delegate_user_id" in caught.value.fields
    participation.update_details(db.session, theirs, cast["sme1"], {"delegate_name": "乙（改）"})  # a colleague may
    with pytest.raises(PermissionDenied):
        participation.update_details(db.session, theirs, cast["sme2"], {"delegate_name": "x"})


def test_two_organizers_booking_one_person_at_once_get_one_booking(app: Any, cast: dict[str, Any]) -> None:
    """Two requests race to put sme1 into the same slot (different meetings, different tables):
    the seat's unique constraint lets exactly one through, the other is told."""
    import threading

    event, people = scheduled_event(cast)
    slot_id = event.slots[0].id
    ids = [asks.meeting_between(db.session, event, people["sme1"], people[bank]).id for bank in ("bank1", "bank2")]
    # PostgreSQL: both transactions have read and are about to write when they meet at the
    # barrier. SQLite takes its write lock at a transaction's first statement (BEGIN IMMEDIATE), so
    # there the second simply waits for the first: no barrier (it would wait forever).
    barrier = threading.Barrier(2 if db.engine.dialect.name == "postgresql" else 1)
    db.session.remove()
    outcomes: list[str] = []

    def book(meeting_id: int, table: int) -> None:
        with app.app_context():
            try:
                meeting = db.session.get(Meeting, meeting_id)
                slot = db.session.get(type(event.slots[0]), slot_id)
                barrier.wait(timeout=10)
                asks.place(db.session, meeting, slot, table)
                db.session.commit()
                outcomes.append("booked")
            except Conflict:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
                outcomes.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=book, args=(mid, table)) for mid, table in zip(ids, (1, 2), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["booked", "refused"]
    seats = db.session.scalars(select(MeetingSeat).where(MeetingSeat.slot_id == slot_id,
                                                         MeetingSeat.participant_id == people["sme1"].id)).all()
    assert len(seats) == 1


def test_the_agenda_pdf_carries_the_date_and_a_qr_code_of_the_check_in_code(app: Any, cast: dict[str, Any]) -> None:
    from reportlab.graphics.barcode.qr import QrCodeWidget

    event, people = scheduled_event(cast)
    scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    scheduling.publish(db.session, event, cast["organizer"], event.version)
    me = people["sme1"]
    pdf = exports.agenda_pdf(event, me, scheduling.agenda(db.session, me))
    assert pdf.startswith(b"%PDF")
    drawing = exports._qr_drawing(me.code, 100)
    widget = next(item for item in drawing.contents if isinstance(item, QrCodeWidget))
    assert widget.value == me.code
    # What a scanner types at the door is the code itself: check-in takes it as typed.
    assert eventday.check_in(db.session, event, cast["organizer"], f" {me.code.lower()}\n").id == me.id
    # The agenda's QR code carries the check-in page's address with the code: taken too.
    address = f"https://sme.gd.cn/events/{event.id}/checkin?code={me.code}"
    drawing = exports._qr_drawing(address, 100)
    assert next(item for item in drawing.contents if isinstance(item, QrCodeWidget)).value == address
    assert eventday.check_in(db.session, event, cast["organizer"], address).id == me.id
    assert eventday.scanned_code("https://x.cn/events/1/checkin?lang=zh") == ""


def test_the_agenda_pdf_embeds_every_font_it_uses_and_its_chinese_can_be_read(app: Any, cast: dict[str, Any]) -> None:
    import io

    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    event, people = scheduled_event(cast)
    scheduling.run(db.session, event, cast["organizer"], event.version, time_limit=5)
    scheduling.publish(db.session, event, cast["organizer"], event.version)
    me = people["sme1"]
    reader = PdfReader(io.BytesIO(exports.agenda_pdf(event, me, scheduling.agenda(db.session, me))))
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        # A composite font describes itself in its descendant; a reader shows only what is in the file.
        described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = described.get("/FontDescriptor")
        assert descriptor is not None, f"{font['/BaseFont']} is not embedded"
        files = {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object())
        assert files, f"{font['/BaseFont']} is not embedded"
        # The variable font's default instance is Thin: what is embedded is the Regular cut.
        embedded = TTFont(io.BytesIO(descriptor.get_object()[files.pop()].get_object().get_data()))
        assert "fvar" not in embedded and embedded["OS/2"].usWeightClass == 400
    text = "".join(page.extract_text() for page in reader.pages)
    assert "银企对接会" in text and "佛山精密制造有限公司" in text and me.code in text
    assert "广东某银行" in text and "珠江某银行" in text  # the other side of each meeting
