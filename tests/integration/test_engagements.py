"""Engagements through the services, on the real database: starting them from both sides, the
stage rules (order and side, each refusal naming its rule), the conversation with unread counts
and notifications, the pipeline and response times, and that a third organization finds nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from marketplace.engagements import services
from marketplace.engagements.models import Engagement, EngagementChange, EngagementMessage
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests.factories import gen_posting, org_of


@pytest.fixture
def cast(make_user: Any) -> dict[str, Any]:
    people = {
        "sme": make_user("sme@example.cn", kind="sme", org_name="佛山精密制造有限公司"),
        "bank": make_user("bank@example.cn", kind="bank", org_name="广东某银行"),
        "other_sme": make_user("other@example.cn", kind="sme", org_name="东莞某公司"),
        "other_bank": make_user("bank2@example.cn", kind="bank", org_name="珠江某银行"),
    }
    people["loan"] = gen_posting(people["bank"], "listing", category="financing", title="小微企业信用贷款")
    people["need"] = gen_posting(people["sme"], "need", category="financing", title="流动资金贷款 500 万元")
    return people


def count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_an_sme_asks_and_the_deal_is_recorded_step_by_step(app: Any, cast: dict[str, Any]) -> None:
    sme, bank = cast["sme"], cast["bank"]
    engagement = services.inquire(db.session, cast["loan"], org_of(sme), sme,
                                  {"message": "想申请 300 万元，一年期", "need_id": cast["need"].id})
    assert (engagement.stage, engagement.started_by, engagement.need_id) == ("new", "seeker", cast["need"].id)
    assert [m.body for m in engagement.messages] == ["想申请 300 万元，一年期"]
    assert db.session.scalar(select(Notification).where(Notification.user_id == bank.id,
                                                        Notification.link == f"/engagements/{engagement.id}"))
    # A second inquiry about the same listing is refused and points at the open one.
    with pytest.raises(services.AlreadyOpen) as again:
        services.inquire(db.session, cast["loan"], org_of(sme), sme, {"message": "再问一次"})
    assert again.value.existing.id == engagement.id
    # The bank answers: the engagement is in discussion, the response time is known.
    assert services.unread_counts(db.session, bank) == {engagement.id: 1}
    services.post_message(db.session, engagement, bank, "请提供近两年财务报表")
    assert engagement.stage == "in_discussion" and engagement.first_response_at is not None
    assert services.unread_counts(db.session, bank) == {}
    assert services.unread_counts(db.session, sme) == {engagement.id: 1}
    services.mark_read(db.session, engagement, sme)
    assert services.unread_total(db.session, sme) == 0
    # Out of order, or by the wrong side: refused with the rule named.
    with pytest.raises(Conflict, match="cannot go from"):
        services.move(db.session, engagement, bank, {"stage": "won", "deal_kind": "loan"})
    with pytest.raises(Conflict, match="Only Provider"):
        services.move(db.session, engagement, sme, {"stage": "proposal"})
    with pytest.raises(Conflict, match="the side that started it"):
        services.move(db.session, engagement, bank, {"stage": "withdrawn"})
    services.move(db.session, engagement, bank, {"stage": "proposal"})
    with pytest.raises(ValidationFailed) as missing:
        services.move(db.session, engagement, bank, {"stage": "won", "amount_cny": -5})
    assert set(missing.value.fields) == {"deal_kind", "amount_cny"} and engagement.stage == "proposal"
    with pytest.raises(ValidationFailed):
        services.move(db.session, engagement, bank, {"stage": "nonsense"})
    services.move(db.session, engagement, bank, {"stage": "won", "deal_kind": "loan", "amount_cny": 3_000_000})
    assert (engagement.stage, engagement.deal_kind, engagement.amount_cny) == ("won", "loan", 3_000_000)
    assert engagement.closed_at is not None and not engagement.is_open
    history = [(c.side, c.from_stage, c.to_stage) for c in engagement.changes]
    assert history == [("seeker", None, "new"), ("provider", "new", "in_discussion"),
                       ("provider", "in_discussion", "proposal"), ("provider", "proposal", "won")]
    assert db.session.scalar(select(Notification).where(Notification.user_id == sme.id,
                                                        Notification.message.contains("“Won”")
                                                        | Notification.message.contains("“已成交”")))
    # A won engagement still takes messages (documents after the deal); the pipeline counts it.
    services.post_message(db.session, engagement, sme, "合同已签")
    pipeline = services.pipeline(db.session, bank, "provider")
    assert pipeline.counts["won"] == 1 and pipeline.response_rate == 1.0 and pipeline.median_response_hours is not None
    assert services.responsiveness(db.session, org_of(bank).id).rate == 1.0
    # Once won, no move is left.
    assert services.allowed_moves(engagement, "provider") == [] and services.allowed_moves(engagement, "seeker") == []
    # After a deal, the same SME may start again about the same listing (a new loan next year).
    services.inquire(db.session, cast["loan"], org_of(sme), sme, {"message": "续贷"})


def test_a_provider_proposes_for_a_need_and_the_sme_can_withdraw_or_lose(app: Any, cast: dict[str, Any]) -> None:
    sme, bank = cast["sme"], cast["bank"]
    with pytest.raises(ValidationFailed) as wrong:  # someone else's listing
        services.propose(db.session, cast["need"], org_of(cast["other_bank"]), cast["other_bank"],
                         {"message": "x", "listing_id": cast["loan"].id})
    assert "listing_id" in wrong.value.fields
    with pytest.raises(PermissionDenied):  # an SME does not propose
        services.propose(db.session, cast["need"], org_of(cast["other_sme"]), cast["other_sme"],
                         {"message": "x", "listing_id": cast["loan"].id})
    engagement = services.propose(db.session, cast["need"], org_of(bank), bank,
                                  {"message": "我行信用贷款可满足", "listing_id": cast["loan"].id})
    assert (engagement.started_by, engagement.seeker_org_id) == ("provider", org_of(sme).id)
    assert services.allowed_moves(engagement, "provider") == ["in_discussion", "proposal", "lost", "withdrawn"]
    assert services.allowed_moves(engagement, "seeker") == ["in_discussion", "lost"]
    with pytest.raises(ValidationFailed) as no_reason:
        services.move(db.session, engagement, sme, {"stage": "lost", "reason": "  "})
    assert "reason" in no_reason.value.fields
    services.move(db.session, engagement, sme, {"stage": "lost", "reason": "利率偏高"})
    assert engagement.lost_reason == "利率偏高" and engagement.stage == "lost"
    with pytest.raises(Conflict, match="closed"):
        services.post_message(db.session, engagement, bank, "还可以再谈")
    # Withdrawn: only by the side that started.
    second = services.inquire(db.session, cast["loan"], org_of(sme), sme, {"message": "再问问"})
    services.move(db.session, second, sme, {"stage": "withdrawn"})
    assert second.stage == "withdrawn"


def test_bad_input_is_refused_with_the_field_and_nothing_is_written(app: Any, cast: dict[str, Any]) -> None:
    sme = cast["sme"]
    before = (count(Engagement), count(EngagementMessage), count(EngagementChange))
    other_need = gen_posting(cast["other_sme"], "need")
    for data, name in (({"message": ""}, "message"), ({"message": "x" * 5001}, "message"),
                       ({"message": "hi\x00"}, "message"), ({"message": 7}, "message"),
                       ({"message": "ok", "need_id": other_need.id}, "need_id"),
                       ({"message": "ok", "need_id": "1"}, "need_id"), ({"message": "ok", "need_id": True}, "need_id")):
        with pytest.raises(ValidationFailed) as caught:
            services.inquire(db.session, cast["loan"], org_of(sme), sme, data)
        assert name in caught.value.fields, data
        db.session.rollback()
    with pytest.raises(PermissionDenied):  # a bank does not ask about a listing as an enterprise
        services.inquire(db.session, cast["loan"], org_of(cast["bank"]), cast["bank"], {"message": "x"})
    with pytest.raises(PermissionDenied):  # not a member of the organization it claims
        services.inquire(db.session, cast["loan"], org_of(cast["other_sme"]), sme, {"message": "x"})
    db.session.rollback()
    assert (count(Engagement), count(EngagementMessage), count(EngagementChange)) == before


def test_a_third_organization_finds_nothing(app: Any, cast: dict[str, Any]) -> None:
    engagement = services.inquire(db.session, cast["loan"], org_of(cast["sme"]), cast["sme"], {"message": "你好"})
    db.session.commit()
    for outsider in (cast["other_sme"], cast["other_bank"]):
        with pytest.raises(NotFound):
            services.get_for(db.session, engagement.id, outsider)
        with pytest.raises(NotFound):
            services.post_message(db.session, engagement, outsider, "我也想聊")
        with pytest.raises(NotFound):
            services.move(db.session, engagement, outsider, {"stage": "lost", "reason": "x"})
        assert services.for_user(db.session, outsider) == [] and services.unread_counts(db.session, outsider) == {}
    assert [e.id for e in services.for_user(db.session, cast["bank"])] == [engagement.id]


def test_an_unanswered_engagement_is_flagged_after_the_reply_days(app: Any, cast: dict[str, Any]) -> None:
    engagement = services.inquire(db.session, cast["loan"], org_of(cast["sme"]), cast["sme"], {"message": "你好"})
    assert services.waiting_on(engagement, "provider") is None  # not yet
    engagement.last_message_at -= timedelta(days=services.REPLY_DAYS)
    assert services.waiting_on(engagement, "provider") == services.REPLY_DAYS
    assert services.waiting_on(engagement, "seeker") is None  # the SME wrote last
    assert services.pipeline(db.session, cast["bank"], "provider").waiting == 1


def test_the_sme_reviews_a_finished_engagement_once_and_the_provider_replies_or_reports(app: Any, cast: dict[str, Any],
                                                                                         make_user: Any) -> None:
    from marketplace.engagements import reviews
    from marketplace.engagements.models import Review

    sme, bank = cast["sme"], cast["bank"]
    engagement = services.inquire(db.session, cast["loan"], org_of(sme), sme, {"message": "你好"})
    with pytest.raises(Conflict, match="finished"):  # not finished yet
        reviews.write(db.session, engagement, sme, {"rating": 5, "text": "很好"})
    services.move(db.session, engagement, sme, {"stage": "lost", "reason": "不需要了"})
    with pytest.raises(Conflict, match="finished"):  # lost without any discussion
        reviews.write(db.session, engagement, sme, {"rating": 1, "text": "没回复"})
    engagement = services.inquire(db.session, cast["loan"], org_of(sme), sme, {"message": "再申请"})
    services.post_message(db.session, engagement, bank, "好的")
    services.move(db.session, engagement, bank, {"stage": "proposal"})
    services.move(db.session, engagement, bank, {"stage": "won", "deal_kind": "loan", "amount_cny": 1_000_000})
    with pytest.raises(PermissionDenied):  # the provider does not rate itself
        reviews.write(db.session, engagement, bank, {"rating": 5, "text": "好"})
    with pytest.raises(NotFound):
        reviews.write(db.session, engagement, cast["other_sme"], {"rating": 1, "text": "差"})
    with pytest.raises(ValidationFailed) as bad:
        reviews.write(db.session, engagement, sme, {"rating": 6, "text": ""})
    assert set(bad.value.fields) == {"rating", "text"}
    review = reviews.write(db.session, engagement, sme, {"rating": "4", "text": "放款快，<b>利率</b>合理"})
    assert review.rating == 4
    with pytest.raises(Conflict, match="already"):
        reviews.write(db.session, engagement, sme, {"rating": 5, "text": "再评"})
    assert reviews.standing(db.session, org_of(bank).id) == reviews.Standing(4.0, 1, 0.5, 0.0)  # one of two answered
    with pytest.raises(PermissionDenied):
        reviews.reply(db.session, review, sme, "我自己回复")
    reviews.reply(db.session, review, bank, "感谢认可")
    with pytest.raises(Conflict):
        reviews.reply(db.session, review, bank, "再回复")
    admin = make_user("admin@example.cn", admin=True)
    reviews.report(db.session, review, bank, "与事实不符")
    assert [r.id for r in reviews.reported(db.session)] == [review.id]
    assert db.session.scalar(select(Notification).where(Notification.user_id == admin.id))
    with pytest.raises(PermissionDenied):
        reviews.decide(db.session, review, bank, True, "x")
    reviews.decide(db.session, review, admin, False)  # kept: the report is dismissed
    assert review.reported_at is None and reviews.standing(db.session, org_of(bank).id).review_count == 1
    reviews.report(db.session, review, bank, "仍然不符")
    with pytest.raises(ValidationFailed):  # hiding needs a reason
        reviews.decide(db.session, review, admin, True, " ")
    reviews.decide(db.session, review, admin, True, "含不实内容")
    assert review.hidden_at is not None and reviews.visible(db.session, org_of(bank).id) == []
    assert reviews.standing(db.session, org_of(bank).id).review_count == 0
    assert count(Review) == 1


def test_an_id_beyond_the_column_is_no_row(app: Any, cast: dict[str, Any]) -> None:
    for huge in (2**31, 2**63, -1, 0):
        with pytest.raises(ValidationFailed) as caught:
            services.propose(db.session, cast["need"], org_of(cast["bank"]), cast["bank"], {"message": "x", "listing_id": huge})
        assert "listing_id" in caught.value.fields
        with pytest.raises(ValidationFailed) as caught:
            services.inquire(db.session, cast["loan"], org_of(cast["sme"]), cast["sme"], {"message": "x", "need_id": huge})
        assert "need_id" in caught.value.fields
