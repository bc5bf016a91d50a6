"""Outcomes fed back into matching: which recommendations were shown and clicked, what came of
them, and each provider's record of answering and winning engagements.

- :func:`record_impressions` writes what a page (or the API) showed, in one statement;
  :func:`show` does that for a page view and commits, and never lets a failure reach the page.
- :func:`record_click` notes a click on a recommendation, only for the organization it was shown
  to; :func:`click` does that for the listing page's ``rec`` parameter.
- :func:`impression_outcomes` is the one definition of an impression's outcome (the SQL join
  with engagements); the report (:mod:`marketplace.recommendations.report`) reads it.
- :func:`provider_history` counts each provider's engagements for the ranking's outcome term.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, and_, case, exists, func, insert, literal, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement, FunctionElement, Select
from sqlalchemy.types import Float

from marketplace.engagements.models import Engagement
from marketplace.recommendations.models import Impression
from marketplace.timeutil import CHINA, utcnow
from matching import ProviderHistory

log = logging.getLogger(__name__)

#: An engagement started this many days after an impression still counts for it.
ATTRIBUTION_DAYS = 30
#: Provider history covers the engagements of the last year (as the response rate on profiles).
HISTORY_DAYS = 365
#: An unanswered inquiry counts against a provider only once it has had this long to answer
#: (the pipeline flags an engagement waiting this long).
ANSWER_GRACE = timedelta(days=3)


# --- impressions and clicks ---------------------------------------------------------------------


def record_impressions(
    session: Session,
    items: Sequence[Any],
    *,
    ranking: str,
    surface: str,
    viewer_org_id: int | None,
    need_id: int | None = None,
    now: datetime | None = None,
) -> dict[int, int]:
    """Record that ``items`` (Recommendations of listings, best first) were shown; sets each
    one's ``impression`` and returns {listing id: impression id}.

    One INSERT statement for the page view (a parameter set per row); a listing already shown today to the same viewer, for the same
    need, on the same surface keeps its first row (and that row's id). Runs in a savepoint and
    flushes, does not commit. Raises SQLAlchemyError when the database refuses (the savepoint is
    rolled back; the caller's transaction stays usable).
    """
    if not items:
        return {}
    now = now or utcnow()
    day = now.astimezone(CHINA).date()
    rows = [
        {
            "ranking": ranking,
            "surface": surface,
            "viewer_org_id": viewer_org_id,
            "need_id": need_id,
            "listing_id": item.item.id,
            "provider_org_id": item.item.organization_id,
            "category": item.item.category,
            "rank": rank,
            "shown_at": now,
            "shown_on": day,
        }
        for rank, item in enumerate(items, start=1)
    ]
    table = Impression.__table__
    with session.begin_nested():
        # One statement, compiled once and cached, with a parameter set per row.
        session.connection().execute(_insert_new(session), rows)
    found = session.connection().execute(
        select(table.c.listing_id, table.c.id).where(
            table.c.viewer_org_id.is_(None)
            if viewer_org_id is None
            else table.c.viewer_org_id == viewer_org_id,
            table.c.need_id.is_(None) if need_id is None else table.c.need_id == need_id,
            table.c.surface == surface,
            table.c.shown_on == day,
            table.c.listing_id.in_([row["listing_id"] for row in rows]),
        )
    )
    ids = {listing_id: impression_id for listing_id, impression_id in found}
    for item in items:
        item.impression = ids.get(item.item.id)
    return ids


def _insert_new(session: Session) -> Any:
    """INSERT that skips rows the once-a-day unique indexes already hold."""
    table = Impression.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing()
    return insert(table)


def show(session: Session, result: Any, *, surface: str, viewer: Any, need: Any = None) -> None:
    """For a page view (or API answer) showing ``result`` (Recommendations of listings): record
    them and commit, when ``viewer`` (the organization the signed-in member acts for) is the one
    they were made for — the need's organization, or the organization itself from its profile.
    Others (admins, a provider reading a public need's matches, visitors) are not counted.
    Never raises: a failure is logged and the page is shown without impression ids.
    """
    if result is None or not result.items or viewer is None:
        return
    if need is not None and need.organization_id != viewer.id:
        return
    try:
        record_impressions(
            session,
            result.items,
            ranking=result.ranking or "unknown",
            surface=surface,
            viewer_org_id=viewer.id,
            need_id=need.id if need is not None else None,
        )
    except Exception:  # noqa: BLE001 - counting views must never take the page down
        log.exception("recording recommendation impressions failed (surface %s)", surface)
        for item in result.items:
            item.impression = None
        return
    _commit_keeping_loaded(session)


def record_click(
    session: Session,
    impression_id: int,
    *,
    listing_id: int,
    viewer_org_id: int | None,
    now: datetime | None = None,
) -> bool:
    """Note the first click on an impression of ``listing_id`` shown to ``viewer_org_id`` (the
    viewer's current organization). Any other impression — another organization's, another
    listing's, none — changes nothing. Returns whether a row was updated; flushes, no commit."""
    if viewer_org_id is None:
        return False
    result = session.execute(
        update(Impression)
        .where(
            Impression.id == impression_id,
            Impression.listing_id == listing_id,
            Impression.viewer_org_id == viewer_org_id,
            Impression.clicked_at.is_(None),
        )
        .values(clicked_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def click(session: Session, raw: str | None, *, listing_id: int, viewer_org_id: int | None) -> None:
    """For the listing page: the ``rec`` parameter of a link from a recommendation. A missing,
    malformed, foreign or already-clicked value is ignored silently; never raises."""
    from marketplace.bounds import OutOfBounds, record_id

    if not raw or viewer_org_id is None:
        return
    try:
        impression_id = record_id(raw.strip()[:20])
    except OutOfBounds:
        return
    try:
        with session.begin_nested():
            updated = record_click(
                session, impression_id, listing_id=listing_id, viewer_org_id=viewer_org_id
            )
    except Exception:  # noqa: BLE001 - counting clicks must never take the page down
        log.exception("recording a recommendation click failed")
        return
    if updated:
        _commit_keeping_loaded(session)


def _commit_keeping_loaded(session: Session) -> None:
    """Commit without expiring what the request loaded (the template reads it next; expiring
    would reload every row one by one). On failure: log and roll back."""
    target = session() if callable(session) else session  # the scoped session's current Session
    keep = target.expire_on_commit
    target.expire_on_commit = False
    try:
        target.commit()
    except Exception:  # noqa: BLE001
        log.exception("committing recommendation feedback failed")
        target.rollback()
    finally:
        target.expire_on_commit = keep


# --- outcomes ----------------------------------------------------------------------------------


class days_between(FunctionElement[float]):  # noqa: N801 - reads as a SQL function
    """Days from the second timestamp to the first (fractional), on SQLite and PostgreSQL."""

    type = Float()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"


@compiles(days_between)
def _days_default(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"


def _after(impression: Any, *, won: bool) -> ColumnElement[bool]:
    """An engagement of the impression's viewer (as the enterprise) about its listing, started
    after it was shown and within ATTRIBUTION_DAYS (``won``: and won)."""
    conditions = [
        Engagement.seeker_org_id == impression.viewer_org_id,
        Engagement.listing_id == impression.listing_id,
        Engagement.created_at >= impression.shown_at,
        days_between(Engagement.created_at, impression.shown_at) <= ATTRIBUTION_DAYS,
    ]
    if won:
        conditions.append(Engagement.stage == "won")
    return exists().where(and_(*conditions))


def impression_outcomes(since: datetime | None = None) -> Select[Any]:
    """One row per impression shown since ``since``: id, ranking, surface, category, rank,
    clicked, engaged, won (0 or 1 each). The one definition of what came of a recommendation:
    an engagement the viewing organization started about the listing within ATTRIBUTION_DAYS
    after it was shown (by either side) counts as engaged; if that engagement was won, as won."""
    flag = lambda condition: case((condition, 1), else_=0).cast(Integer)  # noqa: E731
    query = select(
        Impression.id,
        Impression.ranking,
        Impression.surface,
        Impression.category,
        Impression.rank,
        flag(Impression.clicked_at.is_not(None)).label("clicked"),
        flag(_after(Impression, won=False)).label("engaged"),
        flag(_after(Impression, won=True)).label("won"),
    )
    if since is not None:
        query = query.where(Impression.shown_at >= since)
    return query


# --- provider history --------------------------------------------------------------------------


def provider_history(session: Session, now: datetime | None = None) -> dict[int, ProviderHistory]:
    """Per provider organization, its engagements of the last HISTORY_DAYS (one grouped query):
    inquiries enterprises started with it (answered, or older than ANSWER_GRACE), those it
    answered (the response rate of profiles), engagements closed (won or lost) and won."""
    now = now or utcnow()
    asked = Engagement.started_by == "seeker"
    answered = Engagement.first_response_at.is_not(None)
    count = lambda condition: func.coalesce(func.sum(case((condition, 1), else_=0)), literal(0))  # noqa: E731
    rows = session.execute(
        select(
            Engagement.provider_org_id,
            count(and_(asked, answered | (Engagement.created_at < now - ANSWER_GRACE))),
            count(and_(asked, answered)),
            count(Engagement.stage.in_(("won", "lost"))),
            count(Engagement.stage == "won"),
        )
        .where(Engagement.created_at >= now - timedelta(days=HISTORY_DAYS))
        .group_by(Engagement.provider_org_id)
    ).all()
    return {
        int(org): ProviderHistory(int(received), int(answered_), int(closed), int(won))
        for org, received, answered_, closed, won in rows
    }
