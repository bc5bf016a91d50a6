"""The matcher's state for this process, kept in step with the database.

The database is the truth. The store holds a :class:`matching.Recommender` built from it and a
watermark (the newest ``updated_at`` it has applied). Before every use, :meth:`MatchingStore.sync`
applies what changed since — in this process or any other — so edits, closes and moderation
reach recommendations at once, without hooks in the ORM. Vectors are saved to the instance
folder with the watermark they are valid for; a new process takes them only for rows unchanged
since, and everything else from the embedding cache (keyed by model and text, so nothing is
encoded twice and a model change never mixes vector spaces). A missing, corrupt or other-model
file only means more cache reads: the index can never disagree with the database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from flask import g, has_request_context
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from listings.models import Listing, Need
from marketplace.organizations.models import Organization
from marketplace.recommendations.cache import EmbeddingCache
from marketplace.recommendations.profiles import listing_profile, need_profile, vocabulary
from matching import Match, Query, Recommender, Result, VectorIndex, load_encoder
from matching import text as matching_text
from matching.outcomes import WEIGHT as OUTCOME_WEIGHT

log = logging.getLogger(__name__)
_CURRENT_FLAG = "_matching_store_current"  # on flask.g: the store already synced in this request
INLINE_EMBEDDING_LIMIT = 256  # per sync; more waits for `marketplace matching rebuild`
SAVE_AFTER = 1000  # a sync that applied more postings than this saves the vectors
HISTORY_SECONDS = 300.0  # providers' outcome histories are counted again at most this often


def text_hash(text: str) -> int:
    """A 63-bit fingerprint of an embedded text (saved vectors are reused only for the same text)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little") >> 1


class MatchingStore:
    def __init__(self, instance: Path, model: str | None, inline_limit: int = INLINE_EMBEDDING_LIMIT, *,
                 outcome_weight: float = OUTCOME_WEIGHT, history_seconds: float = HISTORY_SECONDS) -> None:
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
        self._saved: dict[str, dict[int, tuple[int, np.ndarray]]] = {}
        self.outcome_weight = outcome_weight
        self.history_seconds = history_seconds
        self._history_at = float("-inf")  # when providers' histories were last counted (monotonic)

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

    def tokenize_many(self, texts: list[str]) -> list[list[str]]:
        """Expanded tokens of texts, from the token cache (computed and cached when new)."""
        return self.cache.tokens(texts, matching_text.expanded_tokens, matching_text.tokenizer_version())

    def _new_recommender(self) -> Recommender:
        self._history_at = float("-inf")  # a new recommender starts without histories
        return Recommender(self.encoder, vocabulary(), tokenize_many=self.tokenize_many)

    @property
    def recommender(self) -> Recommender:
        if self._recommender is None:
            self._recommender = self._new_recommender()
        return self._recommender

    # --- what the app asks (each call brings the store in step and holds the lock) --------------

    def ensure_current(self, session: Session) -> None:
        """Apply what changed since the last look: once per request (a page that asks several
        questions syncs for the first only), at every call outside a request (CLI, jobs)."""
        if not has_request_context():
            self.sync(session)
        elif g.get(_CURRENT_FLAG) is not self:
            self.sync(session)
            setattr(g, _CURRENT_FLAG, self)

    def match(self, session: Session, query: Query, limit: int, *, explain: bool = False,
              need_id: int | None = None) -> Result:
        """The best listings for ``query`` (a need, or an enterprise's profile), and with
        ``explain`` the close ones that hard rules exclude. ``need_id`` names the need the query
        was made from: its embedding is known, so the query is not encoded again."""
        self.ensure_current(session)
        self.refresh_history(session)
        with self.lock:
            recommender = self.recommender
            vectors = recommender.need_vectors
            known = need_id is not None and need_id in vectors and recommender.needs[need_id].text == query.text
            vector = vectors.vectors_of([need_id])[0] if known else None
            return recommender.match(query, limit, explain=explain, query_vector=vector)

    def refresh_history(self, session: Session, *, force: bool = False) -> bool:
        """Count providers' outcome histories again (one grouped query) when the last count is
        older than ``history_seconds`` (or with ``force``) and hand them to the recommender.
        Returns whether it counted."""
        if not force and time.monotonic() - self._history_at < self.history_seconds:
            return False
        from marketplace.recommendations.feedback import provider_history

        history = provider_history(session)  # outside the lock: other requests keep matching
        with self.lock:
            self.recommender.set_provider_history(history, weight=self.outcome_weight)
            self._history_at = time.monotonic()
        return True

    def leads(self, session: Session, listing_id: int, limit: int, as_of: date) -> list[Match]:
        """Needs the listing can serve, best first."""
        self.ensure_current(session)
        with self.lock:
            return self.recommender.leads(listing_id, limit, as_of=as_of)

    def similar(self, session: Session, listing_id: int, limit: int) -> list[Match]:
        """Listings like this one."""
        self.ensure_current(session)
        with self.lock:
            return self.recommender.similar(listing_id, limit)

    def listing_vectors_of(self, session: Session, ids: list[int]) -> dict[int, np.ndarray]:
        """The embeddings of these listings (those that have one)."""
        self.ensure_current(session)
        with self.lock:
            index = self.recommender.listing_vectors
            known = [i for i in ids if i in index]
            return dict(zip(known, index.vectors_of(known), strict=True)) if known else {}

    @property
    def listing_index(self) -> VectorIndex:
        """The listings' vector index (the embedded search backend's meaning half reads it)."""
        return self.recommender.listing_vectors

    def counts(self) -> dict[str, int]:
        """Postings held and how many have a vector."""
        with self.lock:
            recommender = self.recommender
            return {"listings": len(recommender.listings), "listing_vectors": len(recommender.listing_vectors),
                    "needs": len(recommender.needs), "need_vectors": len(recommender.need_vectors)}

    # --- keeping in step ---------------------------------------------------------------------

    def _apply(self, session: Session, listings: list[Listing], needs: list[Need], limit: int | None) -> None:
        from marketplace.timeutil import today

        recommender = self.recommender
        as_of = today()
        if listings:
            profiles = [listing_profile(row) for row in listings]
            vectors = self._vectors("listings", listings, [p.text for p in profiles], limit)
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
            vectors = self._vectors("needs", needs, [p.text for p in profiles_n], limit)
            pairs = [(p, v) for p, v in zip(profiles_n, vectors, strict=True) if v is not None]
            if pairs:
                recommender.upsert_needs([p for p, _ in pairs], np.stack([v for _, v in pairs]))

    def _vectors(self, name: str, rows: list[Any], texts: list[str], limit: int | None) -> list[np.ndarray | None]:
        """Vectors for rows: from the saved index when the row has not changed since it was
        saved, else from the embedding cache (encoding what is missing, up to ``limit``)."""
        saved = self._saved.get(name, {})
        result: list[np.ndarray | None] = [None] * len(rows)
        todo = []
        for i, (row, text) in enumerate(zip(rows, texts, strict=True)):
            entry = saved.get(row.id)
            if entry is not None and entry[0] == text_hash(text):
                result[i] = entry[1]
            else:
                todo.append(i)
        if todo:
            kind, encode = (("passage", self.encoder.encode_passages) if name == "listings"
                            else (self.query_kind, self.encoder.encode_queries))
            fresh = self.cache.embed(kind, [texts[i] for i in todo], encode, limit)
            for i, vector in zip(todo, fresh, strict=True):
                result[i] = vector
        return result

    def _newest(self, session: Session) -> Any:
        """The latest change to listings, needs or organizations (one statement: it runs before
        every search and recommendation)."""
        row = session.execute(select(*(select(func.max(model.updated_at)).scalar_subquery()
                                       for model in (Listing, Need, Organization)))).one()
        stamps = [s for s in row if s is not None]
        return max(stamps) if stamps else None

    def sync(self, session: Session) -> int:
        """Apply every change since the watermark. Returns the number of postings applied."""
        with self.lock:
            first = self._recommender is None
            if first:
                self._load_saved()
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
            self._saved = {}
            if first or len(listings) + len(needs) > SAVE_AFTER:
                self.save()
            return len(listings) + len(needs)

    def rebuild(self, session: Session, progress: Any = None) -> dict[str, int]:
        """Everything from the database, every missing vector encoded now; then saved."""
        with self.lock:
            self._recommender = self._new_recommender()
            self.watermark = self._newest(session)
            listings = list(session.scalars(select(Listing).options(joinedload(Listing.organization))).unique())
            needs = list(session.scalars(select(Need).options(joinedload(Need.organization))).unique())
            for start in range(0, max(len(listings), 1), 2000):
                self._apply(session, listings[start : start + 2000], [], None)
                if progress:
                    progress(min(start + 2000, len(listings)), len(listings))
            self._apply(session, [], needs, None)
            self.save()
            return {"listings": len(listings), "needs": len(needs), "vectors": len(self.recommender.listing_vectors)}

    # --- files -------------------------------------------------------------------------------

    @property
    def _query_name(self) -> str:
        return getattr(self.encoder, "query_name", self.encoder.name)  # type: ignore[no-any-return]

    @property
    def query_kind(self) -> str:
        """Cache kind of query vectors: they may come from another runtime than passages."""
        return "query" if self._query_name == self.encoder.name else f"query@{self._query_name}"

    @property
    def _manifest(self) -> Path:
        return self.folder / "manifest.json"

    def save(self) -> None:
        """Write the vectors (``listings.npz``, ``needs.npz``) and a manifest: the model and the
        watermark they are valid for. Each file is replaced atomically."""
        recommender = self.recommender
        recommender.listing_vectors.save(self.folder / "listings.npz")
        recommender.need_vectors.save(self.folder / "needs.npz")
        texts = {"listings": recommender.listings, "needs": recommender.needs}
        hashes = {}
        for name, profiles in texts.items():
            ids = [i for i in profiles if i in getattr(recommender, f"{name[:-1]}_vectors")]
            hashes[f"{name}_ids"] = np.asarray(ids, dtype=np.int64)
            hashes[f"{name}_hashes"] = np.asarray([text_hash(profiles[i].text) for i in ids], dtype=np.int64)
        tmp = self.folder / "texts.tmp.npz"
        np.savez(tmp, **hashes)
        tmp.replace(self.folder / "texts.npz")
        manifest = {"model": self.encoder.name, "queries": self._query_name, "watermark": self.watermark.isoformat() if self.watermark else None}
        tmp = self._manifest.with_suffix(".tmp")
        tmp.write_text(json.dumps(manifest))
        tmp.replace(self._manifest)

    def _load_saved(self) -> None:
        """At start-up: take the saved vectors of this model; the first sync checks every one
        against the database (a row whose text changed since, or that is gone, is not used)."""
        self._saved = {}
        try:
            manifest = json.loads(self._manifest.read_text())
        except (OSError, ValueError):
            return
        if manifest.get("model") != self.encoder.name:
            log.info("matching: no saved vectors for %s; building from the database", self.encoder.name)
            return
        try:
            saved = {name: VectorIndex.load(self.folder / f"{name}.npz") for name in ("listings", "needs")}
            with np.load(self.folder / "texts.npz") as data:
                hashes = {name: dict(zip(data[f"{name}_ids"].tolist(), data[f"{name}_hashes"].tolist(), strict=True))
                          for name in ("listings", "needs")}
        except (ValueError, OSError, KeyError) as exc:
            log.warning("matching: saved index unreadable, rebuilding from the database: %s", exc)
            return
        if manifest.get("queries", manifest["model"]) != self._query_name:
            saved.pop("needs")  # the needs' vectors came from another query runtime
        for name, index in saved.items():
            known = [i for i in index.ids.tolist() if i in hashes[name]]
            vectors = index.vectors_of(known) if known else []
            self._saved[name] = {i: (hashes[name][i], vectors[n]) for n, i in enumerate(known)}
