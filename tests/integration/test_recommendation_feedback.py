"""Outcomes fed back into matching: impressions recorded once a day where recommendations are
shown, clicks only for the organization they were shown to, engagements and wins attributed by
the join, the report's numbers, providers' histories and their effect on the matches."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.recommendations import feedback
from marketplace.recommendations.models import Impression
from marketplace.recommendations.report import build_report
from marketplace.recommendations.service import Recommendation, get_store, matches_for_need
from marketplace.timeutil import utcnow
from matching import ProviderHistory
from tests.factories import gen_engagement, gen_organization, gen_posting, org_of
from tests.web.test_api_support import API, token_headers

CONSULTING = {
    "category": "service",
    "subcategory": "consulting",
    "description": "企业管理咨询 战略 流程优化",
}


@pytest.fixture
def market(app, make_user):
    """An SME (Foshan, C39) with a consulting need and a home page of suggestions; two
    consultancies with two offers each."""
    sme, firm, other = (
        make_user(kind="sme"),
        make_user(kind="service_provider"),
        make_user(kind="service_provider"),
    )
    sme_org = org_of(sme)
    sme_org.region, sme_org.industry, sme_org.size_class = "440600", "C39", "small"
    db.session.commit()
    listings = [
        gen_posting(user, title=f"管理咨询服务 {n}", **CONSULTING)
        for n, user in enumerate((firm, firm, other, other), start=1)
    ]
    need = gen_posting(sme, "need", title="需要企业管理咨询", **CONSULTING)
    return {
        "sme": sme,
        "sme_org": sme_org,
        "firm": firm,
        "other": other,
        "listings": listings,
        "need": need,
    }


def _impressions(**where):
    query = select(Impression).order_by(Impression.rank)
    for key, value in where.items():
        query = query.where(getattr(Impression, key) == value)
    db.session.expire_all()
    return list(db.session.scalars(query))


def _rec_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r"/listings/\d+\?rec=(\d+)", page)]


def test_the_need_page_records_what_it_shows_once_a_day(client, auth, market):
    auth.login(market["sme"].email)
    first = client.get(f"/needs/{market['need'].id}")
    assert first.status_code == 200
    rows = _impressions(surface="need")
    assert len(rows) == 4 and [r.rank for r in rows] == [1, 2, 3, 4]
    assert {r.listing_id for r in rows} == {p.id for p in market["listings"]}
    assert all(
        r.viewer_org_id == market["sme_org"].id and r.need_id == market["need"].id for r in rows
    )
    assert all(
        r.ranking == "hybrid-1+outcomes" and r.category == "service" and r.clicked_at is None
        for r in rows
    )
    assert {r.provider_org_id for r in rows} == {
        org_of(market["firm"]).id,
        org_of(market["other"]).id,
    }
    assert sorted(_rec_ids(first.get_data(as_text=True))) == sorted(r.id for r in rows)
    # Shown again the same day: no new row, the links name the first showing.
    again = client.get(f"/needs/{market['need'].id}")
    assert _impressions() == rows and sorted(_rec_ids(again.get_data(as_text=True))) == sorted(
        r.id for r in rows
    )


def test_another_day_is_another_impression(market):
    result = matches_for_need(db.session, market["need"])
    now = utcnow()
    kwargs = {
        "ranking": result.ranking,
        "surface": "need",
        "viewer_org_id": market["sme_org"].id,
        "need_id": market["need"].id,
    }
    today = feedback.record_impressions(db.session, result.items, now=now, **kwargs)
    assert (
        feedback.record_impressions(
            db.session, result.items, now=now + timedelta(minutes=5), **kwargs
        )
        == today
    )
    tomorrow = feedback.record_impressions(
        db.session, result.items, now=now + timedelta(days=1), **kwargs
    )
    db.session.commit()
    assert len(today) == len(tomorrow) == 4 and not set(today.values()) & set(tomorrow.values())
    assert db.session.scalar(select(func.count()).select_from(Impression)) == 8


def test_the_home_page_records_suggestions_without_a_need(client, auth, market):
    auth.login(market["sme"].email)
    for _ in range(2):
        assert client.get("/").status_code == 200
    rows = _impressions(surface="organization")
    assert rows and len(rows) == len(
        {r.listing_id for r in rows}
    )  # once a day, also without a need
    assert all(r.need_id is None and r.viewer_org_id == market["sme_org"].id for r in rows)


def test_the_matches_api_records_for_the_needs_organization_only(client, market):
    need = market["need"]
    bank_headers, sme_headers = token_headers(market["firm"]), token_headers(market["sme"])
    need.visibility = "public"
    db.session.commit()
    anonymous = client.get(f"{API}/needs/{need.id}/matches").get_json()
    provider = client.get(f"{API}/needs/{need.id}/matches", headers=bank_headers).get_json()
    assert len(anonymous["items"]) == 4 and all(
        item["impression"] is None for item in anonymous["items"] + provider["items"]
    )
    assert _impressions() == []
    own = client.get(f"{API}/needs/{need.id}/matches?limit=3", headers=sme_headers)
    assert own.status_code == 200
    body = own.get_json()
    rows = _impressions(surface="api")
    assert [item["impression"] for item in body["items"]] == [r.id for r in rows] and len(rows) == 3
    assert [item["listing"]["id"] for item in body["items"]] == [r.listing_id for r in rows]
    components = client.get(f"{API}/openapi.json").get_json()["components"]
    from jsonschema import Draft202012Validator, FormatChecker

    Draft202012Validator(
        {"$ref": "#/components/schemas/NeedMatches", "components": components},
        format_checker=FormatChecker(),
    ).validate(body)


def test_a_failure_to_record_never_fails_the_page_or_the_api(
    client, auth, market, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("database refused")

    monkeypatch.setattr(feedback, "record_impressions", broken)
    auth.login(market["sme"].email)
    page = client.get(f"/needs/{market['need'].id}")
    assert page.status_code == 200 and "管理咨询服务 1" in page.get_data(as_text=True)
    assert _rec_ids(page.get_data(as_text=True)) == []
    answer = client.get(
        f"{API}/needs/{market['need'].id}/matches", headers=token_headers(market["sme"])
    )
    assert (
        answer.status_code == 200
        and [i["impression"] for i in answer.get_json()["items"]] == [None] * 4
    )
    assert "recording recommendation impressions failed" in caplog.text


def _shown(market, *, now=None, surface="need"):
    result = matches_for_need(db.session, market["need"])
    ids = feedback.record_impressions(
        db.session,
        result.items,
        ranking=result.ranking,
        surface=surface,
        viewer_org_id=market["sme_org"].id,
        need_id=market["need"].id,
        now=now,
    )
    db.session.commit()
    return ids


@pytest.mark.parametrize(
    "rec",
    [
        "abc",
        "-1",
        "0",
        "99999999999999999999",
        "2147483648",
        "1 OR 1=1",
        "1e3",
        "",
        "１２３４５６７８９０１２",
        "1%00",
    ],
)
def test_a_hostile_rec_is_ignored(client, auth, market, rec):
    ids = _shown(market)
    listing = market["listings"][0]
    auth.login(market["sme"].email)
    response = client.get(f"/listings/{listing.id}?rec={rec}")
    # The page as usual (a NUL is refused at the edge for any URL: a 400, never a 500).
    assert response.status_code == (400 if "%00" in rec else 200)
    assert all(r.clicked_at is None for r in _impressions()) and ids


def test_a_click_counts_once_and_only_for_the_organization_it_was_shown_to(
    client, auth, market, make_user
):
    ids = _shown(market)
    first, second = market["listings"][0], market["listings"][1]
    impression = ids[first.id]
    # Anonymous, a provider, another SME: no write.
    assert client.get(f"/listings/{first.id}?rec={impression}").status_code == 200
    auth.login(market["firm"].email)
    assert client.get(f"/listings/{first.id}?rec={impression}").status_code == 200
    auth.logout()
    auth.login(make_user(kind="sme").email)
    assert client.get(f"/listings/{first.id}?rec={impression}").status_code == 200
    auth.logout()
    assert all(r.clicked_at is None for r in _impressions())
    # The right organization, but the impression of another listing: no write either.
    auth.login(market["sme"].email)
    assert client.get(f"/listings/{second.id}?rec={impression}").status_code == 200
    assert all(r.clicked_at is None for r in _impressions())
    assert client.get(f"/listings/{first.id}?rec={impression}").status_code == 200
    [clicked] = [r for r in _impressions() if r.clicked_at is not None]
    assert clicked.id == impression
    at = clicked.clicked_at
    assert client.get(f"/listings/{first.id}?rec={impression}").status_code == 200
    assert db.session.get(Impression, impression).clicked_at == at  # the first click only


def _outcomes(since=None):
    return {
        row.id: (row.clicked, row.engaged, row.won)
        for row in db.session.execute(feedback.impression_outcomes(since))
    }


def test_engagements_and_wins_are_attributed_by_the_join(market, make_user):
    t0 = utcnow() - timedelta(days=60)
    a, b, c, d = market["listings"]
    ids = _shown(market, now=t0)
    sme = market["sme_org"]
    gen_engagement(sme, a, stage="won", created_at=t0 + timedelta(days=2))  # engaged and won
    gen_engagement(
        sme, b, stage="in_discussion", created_at=t0 + timedelta(days=29)
    )  # engaged, open
    gen_engagement(sme, c, stage="won", created_at=t0 + timedelta(days=31))  # too late to count
    gen_engagement(sme, d, stage="won", created_at=t0 - timedelta(hours=1))  # before it was shown
    gen_engagement(
        org_of(make_user(kind="sme")), d, stage="won", created_at=t0 + timedelta(days=1)
    )  # someone else
    outcomes = _outcomes()
    assert outcomes[ids[a.id]] == (0, 1, 1)
    assert outcomes[ids[b.id]] == (0, 1, 0)
    assert outcomes[ids[c.id]] == (0, 0, 0)
    assert outcomes[ids[d.id]] == (0, 0, 0)
    assert _outcomes(since=utcnow() - timedelta(days=30)) == {}  # shown before the period


def test_the_report_counts_by_category_rank_and_ranking(app, market, make_user):
    now = utcnow()
    sme = market["sme_org"]
    a, b, c, d = market["listings"]
    training = gen_posting(
        market["other"], category="training", title="管理培训课程", description="企业管理 培训"
    )
    items = [Recommendation(listing, 1.0, []) for listing in (a, b, c, d, training)]
    shown = feedback.record_impressions(
        db.session,
        items,
        ranking="hybrid-1+outcomes",
        surface="need",
        viewer_org_id=sme.id,
        need_id=market["need"].id,
        now=now - timedelta(days=3),
    )
    old = feedback.record_impressions(
        db.session,
        items[:2],
        ranking="hybrid-1",
        surface="organization",
        viewer_org_id=sme.id,
        now=now - timedelta(days=3),
    )
    db.session.commit()
    assert feedback.record_click(db.session, shown[a.id], listing_id=a.id, viewer_org_id=sme.id)
    assert feedback.record_click(
        db.session, shown[training.id], listing_id=training.id, viewer_org_id=sme.id
    )
    assert feedback.record_click(db.session, old[b.id], listing_id=b.id, viewer_org_id=sme.id)
    db.session.commit()
    gen_engagement(
        sme, a, stage="won", created_at=now - timedelta(days=2)
    )  # counts for both showings of a
    gen_engagement(sme, training, stage="lost", created_at=now - timedelta(days=1))

    report = build_report(db.session, since_days=7)
    assert (
        report.total.impressions,
        report.total.clicks,
        report.total.engaged,
        report.total.won,
    ) == (7, 3, 3, 2)
    assert report.by_category["service"].as_dict() == {
        "impressions": 6,
        "clicks": 2,
        "engaged": 2,
        "won": 2,
        "click_through_rate": 0.3333,
        "engagement_rate": 0.3333,
        "win_rate": 0.3333,
    }
    assert report.by_category["training"].as_dict()["engagement_rate"] == 1.0
    ranks = {
        label: (r.impressions, r.clicks, r.engaged, r.won) for label, r in report.by_rank.items()
    }
    assert ranks == {
        "1": (2, 1, 2, 2),
        "2": (2, 1, 0, 0),
        "3": (1, 0, 0, 0),
        "4-5": (2, 1, 1, 0),
        "6-10": (0, 0, 0, 0),
        "11+": (0, 0, 0, 0),
    }
    assert {k: r.impressions for k, r in report.by_ranking.items()} == {
        "hybrid-1": 2,
        "hybrid-1+outcomes": 5,
    }
    assert (
        report.by_ranking["hybrid-1"].click_through == 0.5
        and report.by_ranking["hybrid-1"].win == 0.5
    )
    assert {k: r.impressions for k, r in report.by_surface.items()} == {
        "need": 5,
        "organization": 2,
    }
    assert build_report(db.session, since_days=2).total.impressions == 0

    runner = app.test_cli_runner()
    result = runner.invoke(args=["matching", "report", "--since", "7", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["by_rank"]["4-5"] == report.by_rank["4-5"].as_dict()
    text = runner.invoke(args=["matching", "report", "--since", "7"])
    assert text.exit_code == 0, text.output
    assert re.search(r"^4-5\s+2\s+1\s+50\.0%\s+1\s+50\.0%\s+0\s+0\.0%$", text.output, re.M), (
        text.output
    )
    assert re.search(r"^hybrid-1\s+2\s+1\s+50\.0%", text.output, re.M)
    assert runner.invoke(args=["matching", "report", "--since", "0"]).exit_code != 0


def test_provider_history_counts_answers_and_outcomes(market, make_user):
    now = utcnow()
    firm_listing = market["listings"][0]
    seekers = [gen_organization() for _ in range(6)]
    gen_engagement(
        seekers[0],
        firm_listing,
        created_at=now - timedelta(days=10),
        answered_at=now - timedelta(days=9),
    )
    gen_engagement(
        seekers[1], firm_listing, created_at=now - timedelta(days=10)
    )  # unanswered for 10 days
    gen_engagement(seekers[2], firm_listing, created_at=now - timedelta(hours=5))  # not due yet
    gen_engagement(
        seekers[3],
        firm_listing,
        stage="won",
        started_by="provider",
        created_at=now - timedelta(days=20),
    )
    gen_engagement(
        seekers[4],
        firm_listing,
        stage="lost",
        started_by="provider",
        created_at=now - timedelta(days=20),
    )
    gen_engagement(
        seekers[5],
        firm_listing,
        stage="withdrawn",
        started_by="provider",
        created_at=now - timedelta(days=20),
    )
    gen_engagement(
        seekers[0], market["listings"][1], stage="won", created_at=now - timedelta(days=400)
    )  # too old
    history = feedback.provider_history(db.session)
    assert history == {
        org_of(market["firm"]).id: ProviderHistory(received=2, answered=1, closed=2, won=1)
    }


def test_a_provider_with_a_record_is_recommended_first_once_counted(market):
    firm_a, firm_b = market["listings"][0], market["listings"][2]  # same text: a tie
    store = get_store()
    before = [r.item.id for r in matches_for_need(db.session, market["need"]).items]
    assert before.index(firm_a.id) < before.index(firm_b.id)
    for n in range(30):
        seeker = gen_organization()
        won = n < 25
        gen_engagement(
            seeker,
            firm_b,
            stage="won" if won else "lost",
            created_at=utcnow() - timedelta(days=30),
            answered_at=utcnow() - timedelta(days=29),
        )
        gen_engagement(seeker, firm_a, stage="lost", created_at=utcnow() - timedelta(days=30))
    matches_for_need(db.session, market["need"])
    assert not store.refresh_history(db.session)  # counted a moment ago: cached
    assert store.refresh_history(db.session, force=True)
    result = matches_for_need(db.session, market["need"])
    after = [r.item.id for r in result.items]
    assert after.index(firm_b.id) < after.index(firm_a.id)
    codes = {r.item.id: {reason["code"] for reason in r.reasons} for r in result.items}
    assert {"responsive_provider", "successful_provider"} <= codes[firm_b.id]
    reason = next(
        x
        for r in result.items
        if r.item.id == firm_b.id
        for x in r.reasons
        if x["code"] == "responsive_provider"
    )
    assert (
        reason["zh"] == "服务机构回复及时：30 次咨询中已回复 30 次" and "30 of 30" in reason["en"]
    )
