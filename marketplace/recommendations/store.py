"""The matcher's state for this process, kept in step with the database.

The database is the truth. The store holds a :class:`matching.Recommender` built from it and a
watermark (the newest ``updated_at`` it has applied). Before every use, :meth:`MatchingStore.sync`
applies what changed since — in this process or any other — so edits, closes and moderation
reach recommendations at once, without hooks in the ORM. A new process starts from the rows
and the embedding cache in the instance folder (vectors keyed by model and text, so nothing is
encoded twice and a model change never mixes vector spaces); the index therefore never
disagrees with the database.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from listings.models import Listing, Need
from marketplace.organizations.models import Organization
from marketplace.recommendations.cache import EmbeddingCache
from marketplace.reference import PROVINCE, REGIONS, SECTIONS, divisions_of
from matching import (
    ListingFacts,
    ListingProfile,
    NeedProfile,
    Recommender,
    Seeker,
    Vocabulary,
    load_encoder,
)
from matching import text as matching_text

log = logging.getLogger(__name__)
INLINE_EMBEDDING_LIMIT = 256  # per sync; more waits for `marketplace matching rebuild`


def vocabulary() -> Vocabulary:
    return Vocabulary(
        province=PROVINCE,
        cities=[code for code in REGIONS if code != PROVINCE],
        sections={s.code: [d.code for d in divisions_of(s.code)] for s in SECTIONS},
    )


def listing_text(listing: Listing) -> str:
    return f"{listing.title}。{listing.description} {' '.join(listing.tags or [])}".strip()


def need_text(need: Need) -> str:
    organization = need.organization
    return f"{need.title}。{need.description} {' '.join(need.tags or [])} {organization.description or ''}".strip()


def seeker_of(organization: Organization, *, region: str | None, amount: int | None, as_of: date) -> Seeker:
    return Seeker(
        region=region or organization.region,
        industry=organization.industry,
        size_class=organization.size_class,
        amount=amount,
        as_of=as_of,
    )


def listing_profile(listing: Listing) -> ListingProfile:
    offered = listing.status == "published" and listing.hidden_at is None and listing.archived_at is None
    facts = ListingFacts(
        id=listing.id,
        offered=offered,
        regions=tuple(listing.regions or ()),
        industries=tuple(listing.industries or ()),
        size_classes=tuple(listing.size_classes or ()),
        amount_min=listing.amount_min_cny,
        amount_max=listing.amount_max_cny,
        until=listing.deadline or listing.ends_on,
    )
    published = listing.published_at
    return ListingProfile(
        facts=facts,
        category=listing.category,
        subcategory=listing.subcategory,
        text=listing_text(listing),
        price=listing.price_cny,
        verified=listing.organization.verification_status == "verified",
        published_on=published.date() if isinstance(published, datetime) else None,
    )


def need_profile(need: Need, as_of: date) -> NeedProfile:
    return NeedProfile(
        id=need.id,
        seeker=seeker_of(need.organization, region=need.region, amount=need.amount_cny, as_of=as_of),
        category=need.category,
        subcategory=need.subcategory,
        text=need_text(need),
        budget=need.budget_cny,
        offered=need.status == "published" and need.hidden_at is None and need.archived_at is None,
        needed_by=need.needed_by,
    )


class MatchingStore:
    def __init__(self, instance: Path, model: str | None, inline_limit: int = INLINE_EMBEDDING_LIMIT) -> None:
        self.folder = instance / "matching"
        self.folder.mkdir(parents=True, exist_ok=True)
        matching_text.configure(self.folder / "jieba")
        self.model_spec = model
        self.inline_limit = inline_limit
        self.lock = threading.RLock()
        self._encoder: Any = None
        self._recommender: Recommender | None = None
        self._cache: EmbeddingCache | None = None
        self.watermark: Any = None
        self.pending = 0  # postings still without a vector

    # --- parts -------------------------------------------------------------------------------

    @property
    def encoder(self) -> Any:
        if self._encoder is None:
            self._encoder = load_encoder(self.model_spec)
        return self._encoder

    @property
    def cache(self) -> EmbeddingCache:
        if self._cache is None:
            path = self.folder / "embeddings.sqlite"
            try:
                self._cache = EmbeddingCache(path, self.encoder.name, self.encoder.dim)
                self._cache.get_many(["probe"])
            except sqlite3.DatabaseError as exc:
                # A damaged cache is only lost work: set it aside and encode again.
                log.warning("embedding cache %s is unreadable (%s): starting a new one", path, exc)
                path.replace(path.with_suffix(".corrupt"))
                self._cache = EmbeddingCache(path, self.encoder.name, self.encoder.dim)
        return self._cache

    @property
    def recommender(self) -> Recommender:
        if self._recommender is None:
            self._recommender = Recommender(self.encoder, vocabulary())
        return self._recommender

    # --- keeping in step ---------------------------------------------------------------------

    def _apply(self, session: Session, listings: list[Listing], needs: list[Need], limit: int | None) -> None:
        from listings.services import today

        recommender = self.recommender
        as_of = today()
        if listings:
            profiles = [listing_profile(row) for row in listings]
            vectors = self.cache.embed("passage", [p.text for p in profiles], self.encoder.encode_passages, limit)
            with_vectors = [(p, v) for p, v in zip(profiles, vectors, strict=True) if v is not None]
            without = [p for p, v in zip(profiles, vectors, strict=True) if v is None]
            if with_vectors:
                recommender.upsert_listings([p for p, _ in with_vectors], np.stack([v for _, v in with_vectors]))
            if without:
                recommender.listing_vectors.remove([p.id for p in without])
                recommender.upsert_listings(without, None)
            self.pending = len(without)
        if needs:
            profiles_n = [need_profile(row, as_of) for row in needs]
            vectors = self.cache.embed("query", [p.text for p in profiles_n], self.encoder.encode_queries, limit)
            pairs = [(p, v) for p, v in zip(profiles_n, vectors, strict=True) if v is not None]
            if pairs:
                recommender.upsert_needs([p for p, _ in pairs], np.stack([v for _, v in pairs]))

    def _newest(self, session: Session) -> Any:
        stamps = [
            session.scalar(select(func.max(model.updated_at)))
            for model in (Listing, Need, Organization)
        ]
        stamps = [s for s in stamps if s is not None]
        return max(stamps) if stamps else None

    def sync(self, session: Session) -> int:
        """Apply every change since the watermark. Returns the number of postings applied."""
        with self.lock:
            newest = self._newest(session)
            if newest is None or (self.watermark is not None and newest <= self.watermark):
                return 0
            listings_q = select(Listing).options(joinedload(Listing.organization))
            needs_q = select(Need).options(joinedload(Need.organization))
            if self.watermark is not None:
                changed_orgs = select(Organization.id).where(Organization.updated_at > self.watermark)
                listings_q = listings_q.where(or_(Listing.updated_at > self.watermark, Listing.organization_id.in_(changed_orgs)))
                needs_q = needs_q.where(or_(Need.updated_at > self.watermark, Need.organization_id.in_(changed_orgs)))
            listings = list(session.scalars(listings_q).unique())
            needs = list(session.scalars(needs_q).unique())
            self._apply(session, listings, needs, self.inline_limit)
            self.watermark = newest
            return len(listings) + len(needs)

    def rebuild(self, session: Session, progress: Any = None) -> dict[str, int]:
        """Everything from the database, every missing vector encoded now; then saved."""
        with self.lock:
            self._recommender = Recommender(self.encoder, vocabulary())
            self.watermark = self._newest(session)
            listings = list(session.scalars(select(Listing).options(joinedload(Listing.organization))).unique())
            needs = list(session.scalars(select(Need).options(joinedload(Need.organization))).unique())
            for start in range(0, max(len(listings), 1), 2000):
                self._apply(session, listings[start : start + 2000], [], None)
                if progress:
                    progress(min(start + 2000, len(listings)), len(listings))
            self._apply(session, [], needs, None)
            return {"listings": len(listings), "needs": len(needs), "vectors": len(self.recommender.listing_vectors)}
