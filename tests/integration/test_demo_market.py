"""The demo marketplace (``marketplace demo load``): a province's market a newcomer can click
through for an hour: organizations of every kind in most cities, hundreds of listings in every
subcategory, the SMEs' needs, a matchmaking day with a published schedule and an event open for
registration. Loading it twice changes nothing; loading it over the first demo updates it.

The demo is loaded once for the module (it takes several seconds) into the shared test database;
the module's own ``app`` fixture replaces the per-test one, and the tables are emptied at the
end. The last test empties them itself to load the demo over the first demo's data.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from listings.categories import SUBCATEGORY_LABELS
from listings.importer import import_records
from listings.lifecycle import on_offer_clause
from listings.models import Listing, Need
from listings.validation import record_errors
from marketplace import create_app, demo
from marketplace.accounts.models import User
from marketplace.demo_data import ORGANIZATIONS, records
from marketplace.demo_data.organizations import LEGACY
from marketplace.engagements.models import Engagement, EngagementMessage, Review
from marketplace.events import participation, scheduling
from marketplace.events.models import (
    Event,
    EventSlot,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    Participant,
)
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.notifications.models import Notification
from marketplace.organizations.kinds import KINDS
from marketplace.organizations.models import Membership, Organization
from marketplace.recommendations.service import matches_for_need
from marketplace.reference import PROVINCE, is_industry, is_region, normalize_credit_code
from marketplace.timeutil import today, utcnow
from tests.conftest import IsolatedClient, _empty_tables, base_config

MODELS = (Organization, User, Membership, Listing, Need, Event, EventSlot, Participant, MeetingRequest, Meeting,
          MeetingSeat, Notification, OutboxMessage, Engagement, EngagementMessage, Review)


def _count(model: Any, *where: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _state() -> dict[str, Any]:
    """Row counts, and what would move if anything were rewritten: versions and update times."""
    db.session.expire_all()
    state: dict[str, Any] = {model.__name__: _count(model) for model in MODELS}
    for model in (Listing, Need):
        state[f"{model.__name__} versions"] = sorted(db.session.execute(
            select(model.external_id, model.version, model.updated_at)).all())
    state["Organization updates"] = sorted(db.session.execute(
        select(Organization.external_id, Organization.updated_at, Organization.size_class)).all())
    state["Event versions"] = sorted(db.session.execute(select(Event.title, Event.version, Event.phase)).all())
    return state


@pytest.fixture(scope="module")
def demo_app(database_url: str) -> Iterator[Flask]:
    application = create_app(base_config(database_url))
    application.test_client_class = IsolatedClient
    with application.app_context():
        result = application.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        application.extensions["demo_loaded"] = {"output": result.output, "state": _state()}
        yield application
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def app(demo_app: Flask) -> Flask:
    return demo_app


@pytest.fixture
def loaded(demo_app: Flask) -> dict[str, Any]:
    """What the first load printed and left (the module's demo)."""
    return demo_app.extensions["demo_loaded"]  # type: ignore[no-any-return]


def _by_external_id(model: Any, external_id: str) -> Any:
    return db.session.scalar(select(model).where(model.external_id == external_id))


# --- the market -------------------------------------------------------------------------------


def test_organizations_of_every_kind_across_the_province(loaded):
    orgs = db.session.scalars(select(Organization)).all()
    assert len(orgs) >= 40 and len(orgs) == len(ORGANIZATIONS)
    assert Counter(o.kind for o in orgs).keys() == set(KINDS)
    cities = {o.region for o in orgs} - {PROVINCE}
    assert len(cities) >= 15
    for org in orgs:
        assert normalize_credit_code(org.credit_code) == org.credit_code
        assert is_region(org.region) and is_industry(org.industry) and org.description and org.tags
        assert org.memberships, org.name  # every organization has a login
    smes = [o for o in orgs if o.kind == "sme"]
    assert {o.size_class for o in smes} == {"micro", "small", "medium"}
    assert all(o.employees and o.annual_revenue_cny and o.total_assets_cny for o in smes)
    # Several competing institutions of each financing kind.
    kinds = Counter(o.kind for o in orgs)
    assert kinds["bank"] >= 5 and all(kinds[k] >= 3 for k in ("guarantor", "microfinance", "leasing_company", "investor"))
    # Every login works with the demo password; the CLI prints only the main ones.
    assert _count(User) == len(orgs)
    printed = [line for line in loaded["output"].splitlines() if "@demo.gd.cn" in line]
    assert len(printed) <= 15 and any("sme@demo.gd.cn" in line for line in printed)


def test_hundreds_of_listings_in_every_subcategory(loaded):
    day = today()
    on_offer = db.session.scalars(select(Listing).where(on_offer_clause(Listing, day))).all()
    assert _count(Listing, Listing.status == "published") >= 300 and len(on_offer) >= 300
    present = {(r.category, r.subcategory) for r in on_offer}
    missing = {(c, s) for c, subs in SUBCATEGORY_LABELS.items() for s in subs} - present
    assert not missing
    # The structured fields each category uses.
    for row in on_offer:
        if row.category == "financing":
            assert row.amount_max_cny, row.title
        if row.category in ("training", "exhibition"):
            assert row.starts_on and row.deadline and row.deadline <= row.starts_on and row.deadline >= day, row.title
        if row.category == "space":
            assert row.price_cny is not None and row.attributes.get("address"), row.title
        if row.category == "procurement":
            assert row.deadline and row.attributes.get("purchaser"), row.title
    # Competition: several banks lend working capital in Foshan.
    foshan_banks = {r.organization_id for r in on_offer if r.subcategory == "loan" and r.organization.kind == "bank"
                    and ("440600" in r.regions or PROVINCE in r.regions) and (r.amount_max_cny or 0) >= 5_000_000}
    assert len(foshan_banks) >= 3
    # Some English listings among the Chinese ones.
    assert sum(not any("\u4e00" <= ch <= "\u9fff" for ch in r.title) for r in on_offer) >= 5
    # Titles are distinct within an organization.
    titles = Counter((r.organization_id, r.title) for r in db.session.scalars(select(Listing)))
    assert max(titles.values()) == 1


def test_needs_and_the_other_states_of_a_posting(loaded):
    day = today()
    assert _count(Need, on_offer_clause(Need, day)) >= 60
    financing = db.session.scalars(select(Need).where(Need.category == "financing", on_offer_clause(Need, day))).all()
    pearl_river = [n for n in financing if n.region in ("440600", "441900", "442000")
                   and 1_000_000 <= (n.amount_cny or 0) <= 10_000_000]
    assert len(pearl_river) >= 5
    for model in (Listing, Need):
        assert _count(model, model.status == "closed") >= 2
        assert _count(model, model.status == "draft") >= 2
        expired = _count(model, model.status == "published") - _count(model, on_offer_clause(model, day))
        assert expired >= 2  # published, but their date has passed


def test_needs_have_a_realistic_mix_of_visibilities(loaded, client):
    """Most needs are for providers, some public, a few private; a visitor sees only the public
    ones, a bank the public and providers ones; no event participant brings a private need."""
    day = today()
    on_offer = db.session.scalars(select(Need).where(on_offer_clause(Need, day))).all()
    mix = Counter(n.visibility for n in on_offer)
    assert mix["providers"] > mix["public"] + mix["private"] and mix["public"] >= 10 and 3 <= mix["private"] <= 8
    shown = lambda: int(re.search(r'data-number="needs">(\d+)<', client.get("/").get_data(as_text=True)).group(1))  # noqa: E731
    assert shown() == mix["public"]
    client.post("/login", data={"email": "bank@demo.gd.cn", "password": demo.DEMO_PASSWORD})
    assert shown() == mix["public"] + mix["providers"]
    client.post("/logout")
    private = {n.id for n in db.session.scalars(select(Need).where(Need.visibility == "private"))}
    assert not any(set(p.need_ids or []) & private for p in db.session.scalars(select(Participant)))


def test_every_posting_passes_the_records_schema_and_is_made_the_same_way_each_time():
    day = today()
    rows = records(day)
    assert rows == records(day)
    assert [(r["external_id"], record_errors(dict(r))) for r in rows if record_errors(dict(r))] == []
    assert all(r["organization"].startswith("demo-") for r in rows)
    # No placeholder texts ("测试服务", "Listing 17") and no template field left unfilled.
    placeholder = re.compile(r"^(测试|test)|(Listing|Need) \d|lorem|TODO|[{}]", re.IGNORECASE)
    assert not [r["title"] for r in rows if placeholder.search(r["title"]) or placeholder.search(r["description"])]
    # Dates move with the day of loading: next month the same postings are a month later.
    later = {r["external_id"]: r for r in records(day + timedelta(days=30))}
    course = next(r for r in rows if r["category"] == "training" and r.get("status", "published") == "published")
    moved = date.fromisoformat(later[course["external_id"]]["starts_on"]) - date.fromisoformat(course["starts_on"])
    assert moved == timedelta(days=30)


def test_loading_again_changes_nothing(runner, loaded):
    before = _state()
    assert before == loaded["state"]
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert result.output == loaded["output"]
    assert _state() == before


# --- events -----------------------------------------------------------------------------------


def test_the_financing_day_has_requests_answers_and_a_published_schedule(loaded):
    event = db.session.scalar(select(Event).where(Event.title == demo.SCHEDULED_EVENT))
    assert event.phase == "published" and event.published_at is not None
    assert event.slots and event.slots[0].starts_at > utcnow()  # in the near future
    assert event.slots[0].starts_at < utcnow() + timedelta(days=10)
    approved = db.session.scalars(select(Participant).where(Participant.event_id == event.id,
                                                            Participant.status == "approved")).all()
    assert len(approved) >= 40
    assert Counter(p.role for p in approved).keys() == {"seeker", "provider"}
    assert {p.organization.kind for p in approved if p.role == "provider"} >= {"bank", "guarantor", "investor"}
    statuses = Counter(db.session.scalars(select(MeetingRequest.status).where(MeetingRequest.event_id == event.id)))
    assert statuses["accepted"] >= 30 and statuses["declined"] >= 1 and statuses["expired"] >= 1
    assert statuses["accepted"] > statuses["declined"] + statuses["expired"]
    meetings = db.session.scalars(select(Meeting).where(Meeting.event_id == event.id, Meeting.status == "planned")).all()
    assert len(meetings) >= 40
    assert all(m.slot_id and m.published_slot_id == m.slot_id and 1 <= m.published_table <= event.tables for m in meetings)
    assert len({(m.slot_id, m.table) for m in meetings}) == len(meetings)
    # Every enterprise has at least one meeting; the demo SME's agenda is filled.
    met = Counter(pid for m in meetings for pid in (m.low_id, m.high_id))
    assert all(met[p.id] for p in approved if p.role == "seeker")
    sme = db.session.scalar(select(User).where(User.email == "sme@demo.gd.cn"))
    delegate = db.session.scalar(select(Participant).where(Participant.event_id == event.id, Participant.user_id == sme.id))
    assert scheduling.agenda(db.session, delegate)


def test_the_first_demo_event_is_open_for_registration(loaded):
    event = db.session.scalar(select(Event).where(Event.title == demo.DEMO_EVENT))
    assert event.phase == "registration" and len(event.slots) == 5 and event.slots[0].starts_at > utcnow()
    delegates = db.session.scalars(select(Participant).where(Participant.event_id == event.id)).all()
    assert 6 <= len(delegates) <= 10 and all(p.status == "approved" for p in delegates)
    newcomer = db.session.scalar(select(Organization).where(Organization.external_id == "demo-sme-hengli"))
    assert participation.registration_problem(event, newcomer) is None


def test_pages_for_the_demo_logins(client):
    event = db.session.scalar(select(Event).where(Event.title == demo.SCHEDULED_EVENT))
    for email in ("sme@demo.gd.cn", "sme10@demo.gd.cn", "bank6@demo.gd.cn", "organizer@demo.gd.cn", "admin@demo.gd.cn"):
        assert client.post("/login", data={"email": email, "password": demo.DEMO_PASSWORD}).status_code == 302, email
        assert client.get("/listings").status_code == 200
        assert client.get(f"/events/{event.id}").status_code == 200
        client.post("/logout")
    client.post("/login", data={"email": "sme@demo.gd.cn", "password": demo.DEMO_PASSWORD})
    agenda = client.get(f"/events/{event.id}/agenda")
    assert agenda.status_code == 200 and "银行" in agenda.get_data(as_text=True)


# --- engagements -----------------------------------------------------------------------------


def test_the_demo_logins_find_engagements_at_every_stage(loaded, client):
    from marketplace.engagements import reviews, services

    sme = db.session.scalar(select(User).where(User.email == "sme@demo.gd.cn"))
    bank = db.session.scalar(select(User).where(User.email == "bank@demo.gd.cn"))
    stages = Counter(e.stage for e in db.session.scalars(select(Engagement)))
    assert stages["won"] >= 1 and stages["lost"] >= 1 and stages["in_discussion"] >= 1 and stages["new"] >= 2
    won = db.session.scalar(select(Engagement).where(Engagement.stage == "won"))
    assert won.amount_cny and won.deal_kind == "loan" and won.first_response_at > won.created_at
    assert [m.created_at for m in won.messages] == sorted(m.created_at for m in won.messages)
    standing = reviews.standing(db.session, won.provider_org_id)
    assert standing.review_count == 1 and standing.rating == 5.0
    assert services.pipeline(db.session, sme, "seeker").counts["won"] == 1
    sme2 = db.session.scalar(select(User).where(User.email == "sme2@demo.gd.cn"))
    assert services.pipeline(db.session, sme2, "seeker").waiting >= 1  # the bank's proposal, unanswered for days
    assert services.pipeline(db.session, bank, "provider").counts["new"] >= 1
    # The loan was applied for with consent: profile fields and two library documents (real PDFs);
    # the bank's offer came as a file in the conversation.
    from marketplace.engagements.consent import in_force

    shared = in_force(db.session, won)
    assert shared is not None and "annual_revenue_cny" in shared.fields and len(shared.documents) == 2
    assert won.seeker.tax_credit_level in ("A", "B", "M")
    offer = next(d for m in won.messages for d in m.attachments)
    client.post("/login", data={"email": "bank@demo.gd.cn", "password": demo.DEMO_PASSWORD})
    assert all(client.get(f"/documents/{d.id}/download").data.startswith(b"%PDF-") for d in [*shared.documents, offer])
    client.post("/logout")
    client.post("/login", data={"email": "sme@demo.gd.cn", "password": demo.DEMO_PASSWORD})
    page = client.get("/engagements").get_data(as_text=True)
    assert client.get(f"/engagements/{won.id}").status_code == 200 and "engagement-" in page
    client.post("/logout")


# --- recommendations --------------------------------------------------------------------------


def test_a_foshan_working_capital_need_of_5_million_finds_bank_loans():
    need = _by_external_id(Need, "demo-N-sme-meichu-working-capital")
    assert need.amount_cny == 5_000_000 and need.region == "440600" and need.organization.size_class == "medium"
    found = matches_for_need(db.session, need, limit=10, explain=True)
    assert found.eligible >= 10
    loans = [r.item for r in found.items if r.item.organization.kind == "bank" and r.item.subcategory == "loan"]
    assert len(loans) >= 3 and len({loan.organization_id for loan in loans}) >= 2
    for item in (r.item for r in found.items):  # every match is open to this firm and this amount
        assert not item.regions or {"440600", PROVINCE} & set(item.regions), item.title
        assert (item.amount_min_cny or 0) <= 5_000_000 <= (item.amount_max_cny or 5_000_000), item.title
        assert not item.size_classes or "medium" in item.size_classes, item.title
    # A loan for another city is left out, and the page says why.
    assert any(e.rules == ["region"] for e in found.excluded)


# --- over the first demo (last: it empties the tables and loads again) -------------------------

# Postings of the first demo as its committed file had them (absolute dates, older texts).
FIRST_DEMO_LINES = [
    {"type": "listing", "external_id": "demo-L-fair", "organization": "demo-org-baichang", "category": "exhibition",
     "subcategory": "matchmaking_event", "title": "2027 年“百场千企”银企融资对接会（佛山站）",
     "description": "邀请 20 家银行、担保和租赁机构现场对接，企业可提前提交融资需求，组委会安排一对一洽谈。",
     "regions": ["440600"], "starts_on": "2027-04-22", "ends_on": "2027-04-22", "deadline": "2027-04-10",
     "price_cny": 0, "tags": ["银企对接", "融资"],
     "attributes": {"venue": "佛山市南海区千灯湖会展中心", "expected_visitors": 400}},
    {"type": "listing", "external_id": "demo-L-closed", "organization": "demo-bank-zhujiang", "category": "financing",
     "subcategory": "loan", "title": "2026 年春季复工复产专项贷（已结束）", "description": "阶段性专项产品，已停止受理。",
     "amount_min_cny": 100000, "amount_max_cny": 2000000, "status": "closed"},
    {"type": "need", "external_id": "demo-N-office", "organization": "demo-sme-yunfan", "category": "space",
     "subcategory": "coworking", "title": "寻找广州天河区低成本孵化器工位",
     "description": "团队 8 人，需要 6 个月以上的孵化器工位，希望有创业辅导。", "budget_cny": 5000, "region": "440100",
     "tags": ["孵化器", "工位"]},
]


def test_loading_over_the_first_demo_updates_it_in_place(runner, loaded, tmp_path):
    db.session.remove()
    _empty_tables()
    # The first demo: its fifteen organizations and logins, some of its postings, its event.
    for org in LEGACY:
        demo._login(db.session, org, demo._organization(db.session, org), [])
    old = tmp_path / "first-demo.jsonl"
    old.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in FIRST_DEMO_LINES), encoding="utf-8")
    import_records(db.session, old)
    demo._registration_event(db.session, today())
    db.session.commit()
    delegates = _count(Participant)

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    state, fresh = _state(), loaded["state"]
    for model in (Organization, User, Membership, Listing, Need, Event, Participant):
        assert state[model.__name__] == fresh[model.__name__], model.__name__
    assert state["Meeting"] >= 40
    fair = _by_external_id(Listing, "demo-L-fair")
    assert fair.version == 2 and "2027" not in fair.title and fair.deadline >= today()
    assert _by_external_id(Listing, "demo-L-closed").status == "closed"
    first_event = db.session.scalar(select(Event).where(Event.title == demo.DEMO_EVENT))
    assert _count(Participant, Participant.event_id == first_event.id) == delegates
