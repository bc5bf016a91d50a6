"""The search index of this application: which backend, what a listing's document is, and
applying the outbox.

The backend is Elasticsearch when ``ELASTICSEARCH_URL`` is set, else the embedded one in the
application's database (SQLite FTS5 or PostgreSQL full-text search). The meaning half uses
the matcher's encoder and, embedded, its in-process FAISS index.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from flask import current_app
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, joinedload

from listings.lifecycle import is_listed
from listings.models import Listing
from marketplace.extensions import db
from marketplace.organizations.models import Organization
from marketplace.recommendations.profiles import listing_text
from marketplace.recommendations.service import get_store
from marketplace.recommendations.store import MatchingStore
from marketplace.search.models import SearchOutboxEntry
from marketplace.search.outbox import PENDING, enqueue
from marketplace.timeutil import utcnow
from matching.taxonomy import SUBCATEGORY_DESCRIPTIONS
from search import (
    BackendUnavailable,
    Document,
    SearchBackend,
    SearchEngine,
    SearchRequest,
    analysis,
)
from search.backends.sql import SqlBackend

log = logging.getLogger(__name__)
EXTENSION = "search_engine"
BATCH = 1000
DEFAULT_FLOOR = 0.5


@dataclass(frozen=True)
class Owner:
    name: str
    verification_status: str


@dataclass(frozen=True)
class ListingRow:
    """The columns of a listing (and its organization) a document needs, read as plain rows:
    a full reindex reads every listing, and building ORM objects was a third of its time."""

    id: int
    title: str
    description: str
    tags: list[str] | None
    category: str
    subcategory: str | None
    regions: list[str] | None
    industries: list[str] | None
    size_classes: list[str] | None
    amount_min_cny: int | None
    amount_max_cny: int | None
    price_cny: int | None
    starts_on: date | None
    ends_on: date | None
    deadline: date | None
    published_at: datetime | None
    status: str
    hidden_at: datetime | None
    archived_at: datetime | None
    organization: Owner

    available_until = Listing.available_until  # the same rule as the model (deadline, else end date)


_ROW_COLUMNS = [getattr(Listing, name) for name in ListingRow.__dataclass_fields__ if name != "organization"]


def listing_body(listing: Listing | ListingRow) -> str:
    """The text searched and cut into snippets besides the title: description, tags, provider."""
    return " ".join(p for p in (listing.description, " ".join(listing.tags or []), listing.organization.name) if p)


def document_of(listing: Listing | ListingRow, vector: np.ndarray | None = None, terms: tuple[str, ...] | None = None) -> Document:
    organization = listing.organization
    published = listing.published_at
    return Document(
        id=listing.id,
        title=listing.title,
        body=listing_body(listing),
        category=listing.category,
        subcategory=listing.subcategory,
        organization=organization.name,
        regions=tuple(listing.regions or ()),
        industries=tuple(listing.industries or ()),
        size_classes=tuple(listing.size_classes or ()),
        amount_min=listing.amount_min_cny,
        amount_max=listing.amount_max_cny,
        price=listing.price_cny,
        starts_on=listing.starts_on,
        until=listing.available_until,
        published_on=published.date() if isinstance(published, datetime) else None,
        verified=organization.verification_status == "verified",
        visible=is_listed(listing),
        vector=vector,
        terms=terms,
    )


def _vectors() -> Any:
    return get_store().listing_index


def make_backend(app: Any) -> SearchBackend:
    url = app.config.get("ELASTICSEARCH_URL")
    if url:
        from search.backends.elastic import ElasticBackend

        store = get_store()
        return ElasticBackend(url, index=app.config["ELASTICSEARCH_INDEX"], dim=store.encoder.dim,
                              timeout=app.config["ELASTICSEARCH_TIMEOUT"])
    dialect = db.engine.dialect.name
    return SqlBackend(lambda: db.session.connection().connection.driver_connection, dialect, vectors=_vectors,
                      memory_text=app.config["SEARCH_MEMORY_TEXT"])


def get_engine() -> SearchEngine:
    """The process-wide engine of this app (created on first use)."""
    engine = current_app.extensions.get(EXTENSION)
    if engine is None:
        store = get_store()
        encoder = store.encoder

        def encode_query(text: str) -> np.ndarray:
            return np.asarray(encoder.encode_queries([text])[0])

        engine = SearchEngine(
            make_backend(current_app),
            encode_query,
            semantic_floor=getattr(encoder, "relevance_floor", DEFAULT_FLOOR),
            descriptions={key: text for key, text in SUBCATEGORY_DESCRIPTIONS.items()},
            encode_passages=lambda texts: store.cache.embed("passage", texts, encoder.encode_passages, None),
        )
        current_app.extensions[EXTENSION] = engine
    return engine  # type: ignore[no-any-return]


def load_listings(session: Session, ids: Sequence[int]) -> dict[int, Listing]:
    """Listings (with their organizations) by id; missing ids are left out."""
    rows = session.scalars(select(Listing).options(joinedload(Listing.organization)).where(Listing.id.in_(ids))).unique()
    return {row.id: row for row in rows}


def _terms(store: MatchingStore, listings: list[Listing] | list[ListingRow]) -> list[tuple[str, ...]]:
    """Index terms of each listing from the matcher's token cache: the listing's own text is
    analysed once for matching and search alike (jieba is the slow part of indexing), plus its
    organization's name."""
    own = store.tokenize_many([listing_text(row) for row in listings])
    names = sorted({row.organization.name for row in listings})
    by_name = dict(zip(names, store.tokenize_many(names), strict=True))
    return [tuple(analysis.index_terms([*tokens, *by_name[row.organization.name]]))
            for row, tokens in zip(listings, own, strict=True)]


def _documents(session: Session, listings: list[Listing] | list[ListingRow], with_vectors: bool) -> list[Document]:
    vectors: dict[int, np.ndarray] = {}
    store = get_store()
    if with_vectors and listings:
        vectors = store.listing_vectors_of(session, [row.id for row in listings])
    visible = [row for row in listings if is_listed(row)]
    terms = dict(zip((row.id for row in visible), _terms(store, visible), strict=True)) if visible else {}
    return [document_of(row, vectors.get(row.id), terms.get(row.id)) for row in listings]


def _needs_vectors(backend: SearchBackend) -> bool:
    return not isinstance(backend, SqlBackend)  # the embedded backend reads the matcher's index


def apply_pending(session: Session, limit: int = BATCH) -> tuple[int, str | None]:
    """Apply up to ``limit`` outbox rows to the index, oldest first, in the session's
    transaction (the caller commits). Returns (rows applied, error). When the backend is
    unreachable, the rows stay with their attempt count and error, and nothing is lost."""
    session.info.pop(PENDING, None)
    entries = list(session.scalars(select(SearchOutboxEntry).order_by(SearchOutboxEntry.id).limit(limit)))
    if not entries:
        return 0, None
    backend = get_engine().backend
    ids = sorted({e.listing_id for e in entries})
    rows = load_listings(session, ids)
    try:
        documents = _documents(session, [rows[i] for i in ids if i in rows], _needs_vectors(backend))
        if documents:
            backend.upsert(documents)
        gone = [i for i in ids if i not in rows]
        if gone:
            backend.delete(gone)
    except BackendUnavailable as exc:
        message = str(exc)[:500]
        for entry in entries:
            entry.attempts += 1
            entry.last_error = message
        session.flush()
        log.warning("search index unavailable; %d changes wait in the outbox: %s", len(entries), message)
        return 0, message
    session.execute(delete(SearchOutboxEntry).where(SearchOutboxEntry.id.in_([e.id for e in entries])))
    session.flush()
    return len(entries), None


def sync(session: Session, commit: Callable[[], None], progress: Callable[[int], None] | None = None) -> tuple[int, str | None]:
    """Apply the whole outbox, committing after each batch. Returns (applied, error)."""
    total = 0
    while True:
        applied, error = apply_pending(session)
        commit()
        total += applied
        if progress and applied:
            progress(total)
        if error or not applied:
            return total, error


def all_documents(session: Session, with_vectors: bool) -> Iterator[Document]:
    last = 0
    while True:
        rows = session.execute(
            select(*_ROW_COLUMNS, Organization.name, Organization.verification_status)
            .join(Organization, Listing.organization_id == Organization.id)
            .where(Listing.id > last).order_by(Listing.id).limit(BATCH)
        ).all()
        if not rows:
            return
        batch = [ListingRow(*row[:-2], organization=Owner(row[-2], row[-1])) for row in rows]
        yield from (d for d in _documents(session, batch, with_vectors) if d.visible)
        last = batch[-1].id


def reindex(session: Session) -> dict[str, Any]:
    """Build the index anew from the database (the caller commits). On Elasticsearch a new
    versioned index is built and the alias swapped when it is complete; embedded, the tables
    are rewritten in this transaction. Outbox rows older than the start are done with."""
    started = time.perf_counter()
    started_at = utcnow()
    high = session.scalar(select(func.max(SearchOutboxEntry.id))) or 0
    backend = get_engine().backend
    with_vectors = _needs_vectors(backend)
    if with_vectors:
        get_store().sync(session)
    if hasattr(backend, "reindex"):
        result = dict(backend.reindex(all_documents(session, with_vectors)))
    else:
        backend.clear()
        count = 0
        batch: list[Document] = []
        for document in all_documents(session, with_vectors):
            batch.append(document)
            if len(batch) == BATCH:
                backend.upsert(batch)
                count += len(batch)
                batch = []
        backend.upsert(batch)
        result = {"documents": count + len(batch)}
    session.execute(delete(SearchOutboxEntry).where(SearchOutboxEntry.id <= high))
    if with_vectors:
        # Changes made while the new index was loading went to the old one: apply them again.
        changed = select(Listing.id).where(or_(
            Listing.updated_at >= started_at,
            Listing.organization_id.in_(select(Organization.id).where(Organization.updated_at >= started_at)),
        ))
        enqueue(session, session.scalars(changed))
        while apply_pending(session) == (BATCH, None):
            pass
    session.flush()
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["backend"] = backend.name
    return result


def catch_up() -> None:
    """Before an embedded search: apply what the outbox still holds (changes made outside a
    request, e.g. by a CLI import) and commit. Cheap when it is empty; on Elasticsearch a
    search never waits for writes (the after-request hook and ``search sync`` do them)."""
    from marketplace.search.outbox import has_pending

    session = db.session
    if get_engine().backend.name == "elasticsearch" or not has_pending(session):
        return
    try:
        apply_pending(session)
        session.commit()
    except Exception:  # the search still runs on the index as it is; the rows stay
        session.rollback()
        log.exception("applying the search outbox before a search failed")


def warm_up(app: Any) -> threading.Thread:
    """Load, in a background thread, what the first search of a process would otherwise wait
    for: the in-memory index of the embedded backend, the matcher's postings, vectors and graph,
    the query encoder and jieba (6-9 s at 100,000 listings). Failures are only logged: the first
    search then loads what it needs itself.

    What is loaded then lives as long as the process: it is moved out of the cyclic garbage
    collector's generations (``gc.freeze``), whose full passes would otherwise walk it again and
    again (at 100k listings ~0.5 s each, stalling whichever request set one off)."""
    from marketplace.timeutil import today

    def run() -> None:
        started = time.perf_counter()
        with app.app_context():
            try:
                catch_up()
                get_store().sync(db.session)
                get_engine().search(SearchRequest(text="贷款 loan", as_of=today()))
                log.info("search warmed up in %.1f s", time.perf_counter() - started)
            except Exception as exc:  # noqa: BLE001 - an optimisation only; searches load lazily
                log.warning("search warm-up skipped: %s", exc)
                return
            finally:
                db.session.remove()
        gc.collect()  # what the loading left behind goes first
        gc.freeze()

    thread = threading.Thread(target=run, name="search-warm-up", daemon=True)
    app.extensions["search_warm_up"] = thread
    thread.start()
    return thread


def index_after_request(response: Any) -> Any:
    """After a request that changed listings (and committed), apply the outbox at once. Any
    failure leaves the rows for later; the response is never affected."""
    session = db.session
    if not session.info.get(PENDING):
        return response
    try:
        session.rollback()  # nothing uncommitted of the view's may be applied or kept
        apply_pending(session)
        session.commit()
    except Exception:  # the outbox keeps every change; the user's request already succeeded
        session.rollback()
        log.exception("applying the search outbox after a request failed")
    return response
