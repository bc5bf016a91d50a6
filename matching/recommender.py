"""The matcher: eligible, explained recommendations in both directions.

need → listings: filter by the hard rules (numpy columns), take candidates from the vector
index (semantic, among eligible listings only) and from BM25 (lexical, same filter), score the
union with :mod:`matching.scoring`, return the best with their reasons — and on request the
well-matching listings the rules excluded, with the rules.
listing → needs (leads), organization profile → listings, and similar listings use the same
parts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date

import numpy as np

from matching.eligibility import ListingTable, Vocabulary
from matching.encoders import Encoder
from matching.index import VectorIndex
from matching.lexical import LexicalIndex
from matching.model import Exclusion, ListingProfile, Match, NeedProfile, Query, Reason, Result
from matching.outcomes import STRENGTH, WEIGHT, ProviderHistory, ProviderOutcomes
from matching.rules import violated_rules
from matching.scoring import VERSION, score_candidates
from matching.taxonomy import SUBCATEGORY_DESCRIPTIONS
from matching.text import expanded_tokens

SEMANTIC_CANDIDATES = 200
LEXICAL_SMALL = 20_000
LEXICAL_REBUILD_SECONDS = 30.0
LEXICAL_CANDIDATES = 100
EXPLAIN_CANDIDATES = 20


class Recommender:
    """In-memory matching state for one set of listings and needs."""

    def __init__(
        self,
        encoder: Encoder,
        vocabulary: Vocabulary,
        *,
        tokenize_many: Callable[[list[str]], list[list[str]]] | None = None,
        **index_options: int,
    ) -> None:
        self.encoder = encoder
        # Texts -> BM25 tokens; the app passes one backed by a persistent cache.
        self.tokenize_many = tokenize_many or (lambda texts: [expanded_tokens(t) for t in texts])
        self._tokens: dict[int, list[str]] = {}
        self._lexical_built_at = float("-inf")
        self.vocabulary = vocabulary
        self.table = ListingTable(vocabulary)
        self.listing_vectors = VectorIndex(encoder.dim, **index_options)
        self.need_vectors = VectorIndex(encoder.dim, **index_options)
        self.lexical = LexicalIndex()
        self.listings: dict[int, ListingProfile] = {}
        self.needs: dict[int, NeedProfile] = {}
        self._lexical_dirty = False
        self._subcategory_vectors: tuple[list[tuple[str, str]], np.ndarray] | None = None
        self.outcomes = ProviderOutcomes()  # no history yet: every outcome term is 0

    # --- contents ---------------------------------------------------------------------------

    def upsert_listings(self, listings: Sequence[ListingProfile], vectors: np.ndarray | None) -> None:
        """Add or replace listings; ``vectors`` are their passage embeddings (row per listing),
        or None to keep (or lack) the stored ones."""
        self.table.upsert(listing.facts for listing in listings)
        changed = [listing for listing in listings if self.listings.get(listing.id, None) is None
                   or self.listings[listing.id].text != listing.text or listing.id not in self._tokens]
        for listing, tokens in zip(changed, self.tokenize_many([c.text for c in changed]), strict=True):
            self._tokens[listing.id] = tokens
        for listing in listings:
            self.listings[listing.id] = listing
        if vectors is not None and len(listings):
            self.listing_vectors.add(np.array([listing.id for listing in listings]), vectors)
        self._lexical_dirty = True

    def remove_listings(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        self.table.remove(ids)
        self.listing_vectors.remove(ids)
        for listing_id in ids:
            self.listings.pop(listing_id, None)
            self._tokens.pop(listing_id, None)
        self._lexical_dirty = True

    def upsert_needs(self, needs: Sequence[NeedProfile], vectors: np.ndarray | None) -> None:
        for need in needs:
            self.needs[need.id] = need
        if vectors is not None and len(needs):
            self.need_vectors.add(np.array([need.id for need in needs]), vectors)

    def remove_needs(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        self.need_vectors.remove(ids)
        for need_id in ids:
            self.needs.pop(need_id, None)

    def _lexical_index(self) -> LexicalIndex:
        """BM25 over the current listings. Rebuilding costs about a second per 50,000 listings,
        so a large index is rebuilt at most every LEXICAL_REBUILD_SECONDS (semantic search is
        always current; eligibility always comes from the table)."""
        large = len(self.listings) > LEXICAL_SMALL
        due = time.monotonic() - self._lexical_built_at >= LEXICAL_REBUILD_SECONDS
        if self._lexical_dirty and (not large or due or not len(self.lexical)):
            ids = list(self.listings)
            self.lexical.build(ids, [self._tokens[i] for i in ids])
            self._lexical_dirty = False
            self._lexical_built_at = time.monotonic()
        return self.lexical

    def set_provider_history(
        self, history: Mapping[int, ProviderHistory], *, weight: float = WEIGHT, strength: float = STRENGTH,
    ) -> None:
        """Providers' outcome histories, by provider organization id (``ListingProfile.provider``);
        the priors are pooled from them. ``weight`` 0 turns the term off. Raises ValueError for a
        negative weight or a strength that is not positive."""
        self.outcomes = ProviderOutcomes.pooled(history, weight=weight, strength=strength)

    @property
    def ranking(self) -> str:
        """The name of the ranking ``match`` produces: the scoring version, and whether the
        outcome term is on."""
        return f"{VERSION}+outcomes" if self.outcomes.on else VERSION

    # --- need → listings --------------------------------------------------------------------

    def match(
        self,
        query: Query,
        k: int = 10,
        *,
        explain: bool = False,
        exclude: Sequence[int] = (),
        query_vector: np.ndarray | None = None,
    ) -> Result:
        """The ``k`` best eligible listings for a query (a need or an enterprise profile).

        ``query_vector`` spares encoding the query when its embedding is already known.
        """
        eligible = self.table.eligible(query.seeker)  # a bitset: the fast path of the index
        if len(exclude):
            eligible = eligible.without(exclude)
        result = Result(matches=[], eligible=len(eligible), ranking=self.ranking)
        if query_vector is None:
            query_vector = self.encoder.encode_queries([query.text])[0]
        if query.category and not query.subcategory:
            query = replace(query, subcategory=self.guess_subcategory(query.category, query_vector))
        if len(eligible):
            tokens = expanded_tokens(query.text)
            semantic_ids, _ = self.listing_vectors.search(query_vector, SEMANTIC_CANDIDATES, eligible)
            lexical = self._lexical_index()
            every = lexical.all_scores(tokens)
            lexical_ids, _ = lexical.top(tokens, LEXICAL_CANDIDATES, eligible.ids(), every)
            candidates = list(dict.fromkeys([*semantic_ids.tolist(), *lexical_ids.tolist()]))
            result.matches = self._rank(query, query_vector, tokens, candidates, k, every)
        if explain:
            result.excluded = self._exclusions(query, query_vector)
        return result

    def guess_subcategory(self, category: str, query_vector: np.ndarray) -> str | None:
        """The subcategory of ``category`` whose description is closest to the query: needs
        that do not name one still get matched to the right kind of service."""
        if self._subcategory_vectors is None:
            keys = list(SUBCATEGORY_DESCRIPTIONS)
            vectors = self.encoder.encode_passages([SUBCATEGORY_DESCRIPTIONS[k] for k in keys])
            self._subcategory_vectors = (keys, vectors)
        keys, vectors = self._subcategory_vectors
        candidates = [i for i, key in enumerate(keys) if key[0] == category]
        if not candidates:
            return None
        best = max(candidates, key=lambda i: float(vectors[i] @ query_vector))
        return keys[best][1]

    def _semantic_scores(self, query_vector: np.ndarray, ids: Sequence[int]) -> np.ndarray:
        scores = np.zeros(len(ids), np.float32)
        known = [i for i, listing_id in enumerate(ids) if listing_id in self.listing_vectors]
        if known:
            scores[known] = self.listing_vectors.vectors_of([ids[i] for i in known]) @ query_vector
        return scores

    def _rank(
        self, query: Query, query_vector: np.ndarray, tokens: list[str], candidates: list[int], k: int,
        every: np.ndarray | None = None,
    ) -> list[Match]:
        if not candidates:
            return []
        profiles = [self.listings[i] for i in candidates]
        semantic = self._semantic_scores(query_vector, candidates)
        lexical = self.lexical.scores(tokens, candidates, every)
        query_terms = {t for t in tokens if not t.startswith("§") and len(t) > 1}
        shared = [[t for t in dict.fromkeys(self._tokens.get(i, ())) if t in query_terms] for i in candidates]
        scored = score_candidates(query, profiles, semantic, lexical, shared, self.outcomes)
        order = sorted(range(len(candidates)), key=lambda i: (-scored[i][0], candidates[i]))[:k]
        return [
            Match(id=candidates[i], score=round(scored[i][0], 4), reasons=scored[i][1],
                  semantic=float(semantic[i]), lexical=float(lexical[i]))
            for i in order
        ]

    def _exclusions(self, query: Query, query_vector: np.ndarray) -> list[Exclusion]:
        """Listings that match well in meaning but break a hard rule."""
        ids, scores = self.listing_vectors.search(query_vector, EXPLAIN_CANDIDATES)
        broken = self.table.violations(ids.tolist(), query.seeker)
        return [
            Exclusion(id=int(i), rules=tuple(broken[int(i)]), semantic=float(s))
            for i, s in zip(ids.tolist(), scores.tolist(), strict=True)
            if broken[int(i)]
        ]

    # --- listing → needs, similar listings --------------------------------------------------

    def leads(self, listing_id: int, k: int = 10, as_of: date | None = None) -> list[Match]:
        """Needs this listing can serve (every hard rule checked for each need's enterprise)."""
        listing = self.listings.get(listing_id)
        if listing is None or listing_id not in self.listing_vectors or not len(self.need_vectors):
            return []
        vector = self.listing_vectors.vectors_of([listing_id])[0]
        ids, scores = self.need_vectors.search(vector, max(SEMANTIC_CANDIDATES, k))
        matches = []
        for need_id, similarity in zip(ids.tolist(), scores.tolist(), strict=True):
            need = self.needs.get(need_id)
            if need is not None and as_of is not None:
                need = replace(need, seeker=replace(need.seeker, as_of=as_of))
            if need is None or not need.offered or not need.lead or violated_rules(listing.facts, need.seeker, self.vocabulary):
                continue
            if need.needed_by is not None and need.needed_by < need.seeker.as_of:
                continue
            query = Query(text=need.text, seeker=need.seeker, category=need.category,
                          subcategory=need.subcategory, budget=need.budget)
            score, reasons, _, _ = score_candidates(query, [listing], np.array([similarity]), np.zeros(1), [[]])[0]
            score += float(similarity)  # one candidate: normalisation says nothing, keep the raw similarity
            reasons = (*reasons, Reason("semantic", {"similarity": round(float(similarity), 3)}))
            matches.append(Match(id=need_id, score=round(score, 4), reasons=reasons, semantic=float(similarity)))
        matches.sort(key=lambda m: (-m.score, m.id))
        return matches[:k]

    def similar(self, listing_id: int, k: int = 5) -> list[Match]:
        """Listings on offer that are closest in meaning to this one."""
        if listing_id not in self.listing_vectors:
            return []
        vector = self.listing_vectors.vectors_of([listing_id])[0]
        offered = self.table.ids[: self.table.rows][self.table.offered[: self.table.rows]]
        offered = offered[offered != listing_id]
        ids, scores = self.listing_vectors.search(vector, k, offered)
        return [Match(id=int(i), score=round(float(s), 4), reasons=(Reason("semantic", {"similarity": round(float(s), 3)}),), semantic=float(s))
                for i, s in zip(ids.tolist(), scores.tolist(), strict=True)]
