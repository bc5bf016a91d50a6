"""What recommendations were shown, to whom, by which ranking and at which rank, and whether
they were clicked. Engagements and wins are not copied here: they are joined from the
engagements table when asked (:func:`marketplace.recommendations.feedback.outcomes`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.columns import UTCDateTime
from marketplace.extensions import db
from marketplace.timeutil import utcnow

#: Where recommendations are shown to an organization: a need's page, the home page's "offers
#: that fit your enterprise" (from its profile), the API's matches of a need.
SURFACES = ("need", "organization", "api")
_SURFACES_SQL = "(" + ", ".join(f"'{s}'" for s in SURFACES) + ")"
WITH_NEED = text("need_id IS NOT NULL")
WITHOUT_NEED = text("need_id IS NULL")


class Impression(db.Model):  # type: ignore[name-defined,misc]
    """One recommendation shown. One row per viewer, need, listing and surface a day (the first
    showing that day; a unique index each for rows with and without a need, as NULLs never
    collide), so that reloading a page does not inflate the counts the rates are made of."""

    __tablename__ = "recommendation_impressions"
    __table_args__ = (
        CheckConstraint(f"surface IN {_SURFACES_SQL}", name="surface"),
        CheckConstraint("rank >= 1", name="rank_positive"),
        Index(
            "ix_recommendation_impressions_once_a_day",
            "viewer_org_id",
            "need_id",
            "listing_id",
            "surface",
            "shown_on",
            unique=True,
            sqlite_where=WITH_NEED,
            postgresql_where=WITH_NEED,
        ),
        Index(
            "ix_recommendation_impressions_once_a_day_no_need",
            "viewer_org_id",
            "listing_id",
            "surface",
            "shown_on",
            unique=True,
            sqlite_where=WITHOUT_NEED,
            postgresql_where=WITHOUT_NEED,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ranking: Mapped[str] = mapped_column(
        String(40)
    )  # e.g. "hybrid-1+outcomes" (Recommender.ranking)
    surface: Mapped[str] = mapped_column(String(16))
    viewer_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    need_id: Mapped[int | None] = mapped_column(
        ForeignKey("needs.id", ondelete="CASCADE"), index=True
    )
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listings.id", ondelete="CASCADE"), index=True
    )
    provider_org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(20))
    rank: Mapped[int] = mapped_column(SmallInteger)  # 1-based, in the ranking's order
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    shown_on: Mapped[date] = mapped_column(Date)  # the Chinese calendar day of shown_at
    clicked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
