"""Reviews: after an engagement is won, or lost after a discussion, the SME rates the provider
(1–5, with a text), once per engagement; the provider may reply once and may report a review to
the platform, whose administrators hide it (with a reason) or keep it. What profiles and listing
pages show: the rating of the visible reviews, their number, and how the provider answers
engagements (response rate and median response time). Flushes, never commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from marketplace.accounts.models import User
from marketplace.engagements.models import Engagement, EngagementChange, Review
from marketplace.engagements.services import (
    clean_text,
    collect_text,
    members_of,
    responsiveness_of,
    side_of,
)
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.notifications.services import notify
from marketplace.timeutil import utcnow

TEXT_MAX = 2000
REASON_MAX = 500


def reviewable(session: Session, engagement: Engagement) -> bool:
    """Won, or lost after the two sides discussed it (it reached "in discussion" or a proposal)."""
    if engagement.stage == "won":
        return True
    if engagement.stage != "lost":
        return False
    return session.scalar(select(EngagementChange.id).where(
        EngagementChange.engagement_id == engagement.id,
        EngagementChange.to_stage.in_(("in_discussion", "proposal"))).limit(1)) is not None


def of_engagement(session: Session, engagement: Engagement) -> Review | None:
    return session.scalar(select(Review).where(Review.engagement_id == engagement.id))


def write(session: Session, engagement: Engagement, user: User, data: dict[str, Any]) -> Review:
    """The SME's review. Raises NotFound (not a side), PermissionDenied (the provider's side),
    Conflict (not finished yet, or reviewed already), ValidationFailed (rating, text)."""
    side = side_of(engagement, user)
    if side is None:
        raise NotFound(_("No such engagement."))
    if side != "seeker":
        raise PermissionDenied(_("Only the enterprise rates the provider."))
    if not reviewable(session, engagement):
        raise Conflict(_("A review follows a finished engagement: won, or lost after a discussion."))
    if of_engagement(session, engagement) is not None:
        raise Conflict(_("This engagement has been reviewed already."))
    errors: dict[str, list[str]] = {}
    rating = data.get("rating")
    if isinstance(rating, str) and rating.strip().isdigit():
        rating = int(rating.strip())
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = [_("Give a rating from 1 to 5.")]
    text = collect_text(errors, "text", data.get("text"), TEXT_MAX)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    review = Review(engagement_id=engagement.id, provider_org_id=engagement.provider_org_id,
                    seeker_org_id=engagement.seeker_org_id, listing_id=engagement.listing_id, author_id=user.id,
                    rating=rating, text=text, created_at=utcnow())
    try:
        with session.begin_nested():
            session.add(review)
            session.flush()
    except IntegrityError as exc:  # two reviews at once: the other one is kept
        raise Conflict(_("This engagement has been reviewed already.")) from exc
    name = engagement.seeker.name
    notify(session, members_of(engagement.provider), lambda: _("%(org)s reviewed your service: %(rating)d of 5.",
                                                             org=name, rating=rating),
           link=f"/engagements/{engagement.id}#review")
    return review


def _provider_side(session: Session, review: Review, user: User) -> Engagement:
    engagement = session.get(Engagement, review.engagement_id)
    assert engagement is not None
    side = side_of(engagement, user)
    if side is None:
        raise NotFound(_("No such engagement."))
    if side != "provider":
        raise PermissionDenied(_("Only the provider can do this."))
    return engagement


def reply(session: Session, review: Review, user: User, text: Any) -> None:
    """The provider's one public reply."""
    engagement = _provider_side(session, review, user)
    if review.reply_at is not None:
        raise Conflict(_("You have replied to this review already."))
    review.reply = clean_text("reply", text, TEXT_MAX, required=True)
    review.reply_at, review.reply_by_id = utcnow(), user.id
    name = engagement.provider.name
    notify(session, members_of(engagement.seeker), lambda: _("%(org)s replied to your review.", org=name),
           link=f"/engagements/{engagement.id}#review")
    session.flush()


def report(session: Session, review: Review, user: User, reason: Any) -> None:
    """The provider asks the platform to look at a review (abusive, false, not about the
    service); platform administrators are told."""
    _provider_side(session, review, user)
    if review.hidden_at is not None or review.reported_at is not None:
        raise Conflict(_("This review is already with the platform's moderators."))
    review.report_reason = clean_text("reason", reason, REASON_MAX, required=True)
    review.reported_at = utcnow()
    admins = session.scalars(select(User).where(User.is_admin.is_(True))).all()
    notify(session, admins, lambda: _("A review was reported: see the moderation queue."), link="/admin/reported-reviews")
    session.flush()


def reported(session: Session) -> list[Review]:
    """Reviews reported and not yet decided, the longest waiting first."""
    return list(session.scalars(select(Review).where(Review.reported_at.is_not(None), Review.hidden_at.is_(None))
                                .options(selectinload(Review.provider), selectinload(Review.seeker))
                                .order_by(Review.reported_at, Review.id)))


def decide(session: Session, review: Review, admin: User, hide: bool, reason: Any = "") -> None:
    """A platform administrator hides a review (with the reason; both sides are told) or keeps
    it (the report is dismissed; the provider is told)."""
    if not admin.is_admin:
        raise PermissionDenied(_("Only a platform administrator can moderate reviews."))
    if review.reported_at is None and not hide:
        raise Conflict(_("This review has not been reported."))
    engagement = session.get(Engagement, review.engagement_id)
    assert engagement is not None
    if hide:
        review.hidden_reason = clean_text("reason", reason, REASON_MAX, required=True)
        review.hidden_at = utcnow()
        why = review.hidden_reason
        notify(session, members_of(engagement.seeker) + members_of(engagement.provider),
               lambda: _("A review was hidden by the platform. Reason: %(reason)s", reason=why),
               link=f"/engagements/{engagement.id}#review")
    else:
        review.reported_at, review.report_reason = None, ""
        notify(session, members_of(engagement.provider), lambda: _("The platform kept the review you reported."),
               link=f"/engagements/{engagement.id}#review")
    session.flush()


def visible(session: Session, provider_org_id: int, limit: int = 50) -> list[Review]:
    return list(session.scalars(select(Review).where(Review.provider_org_id == provider_org_id, Review.hidden_at.is_(None))
                                .options(selectinload(Review.seeker)).order_by(Review.created_at.desc()).limit(limit)))


@dataclass(frozen=True)
class Standing:
    """A provider's public standing: its rating, the number of reviews, and how it answers."""

    rating: float | None
    review_count: int
    response_rate: float | None
    median_response_hours: float | None


def standing(session: Session, organization_id: int) -> Standing:
    return standings(session, [organization_id])[organization_id]


def standings(session: Session, organization_ids: Sequence[int]) -> dict[int, Standing]:
    """Each provider's rating of its visible reviews, their number, and how it answers
    engagements (two queries for all of them)."""
    ids = sorted(set(organization_ids))
    rated = {org: (average, count) for org, average, count in session.execute(
        select(Review.provider_org_id, func.avg(Review.rating), func.count(Review.id))
        .where(Review.provider_org_id.in_(ids), Review.hidden_at.is_(None)).group_by(Review.provider_org_id))} if ids else {}
    answers = responsiveness_of(session, ids)
    found = {}
    for org in ids:
        average, count = rated.get(org, (None, 0))
        rate = answers[org].rate
        found[org] = Standing(round(float(average), 1) if average is not None else None, int(count or 0),
                              round(rate, 3) if rate is not None else None, answers[org].median_hours)
    return found
