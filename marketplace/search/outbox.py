"""The index outbox: a row per changed listing, written in the same transaction as the change.

Services call :func:`enqueue` explicitly (no ORM hooks). After the request commits, the rows
are applied to the index and deleted (:func:`marketplace.search.indexing.apply_pending`); when
the index cannot take them (Elasticsearch down) they stay, with the error, until
``marketplace search sync`` or the next request applies them. Nothing is lost.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from marketplace.search.models import SearchOutboxEntry
from marketplace.timeutil import utcnow

PENDING = "search_pending"


def enqueue_organization(session: Session, organization_id: int) -> None:
    """Every listing of an organization (its name and verification are in the documents)."""
    from listings.models import Listing

    session.flush()
    enqueue(session, session.scalars(select(Listing.id).where(Listing.organization_id == organization_id)))


def enqueue(session: Session, listing_ids: Iterable[int]) -> None:
    """Mark listings for re-indexing (flushes; the caller commits)."""
    ids = sorted({int(i) for i in listing_ids})
    if not ids:
        return
    session.flush()
    session.execute(insert(SearchOutboxEntry), [{"listing_id": i, "created_at": utcnow(), "attempts": 0} for i in ids])
    session.info[PENDING] = True


def pending_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(SearchOutboxEntry)) or 0)


def has_pending(session: Session) -> bool:
    return session.scalar(select(SearchOutboxEntry.id).limit(1)) is not None
