"""The hybrid score and its reasons.

score = semantic + LEXICAL·bm25 + CATEGORY·same category + SUBCATEGORY·same subcategory
        + small structured-fit terms − BUDGET·(price above budget)
        + the provider's outcome term (:mod:`matching.outcomes`: 0 without history)

Semantic and BM25 scores are min-max normalised over the candidate set, so the weights mean
the same for every query. The weights are few and round on purpose: they were checked on the
development sample, not fitted to it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matching.model import ListingProfile, Query, Reason
from matching.outcomes import CLEAR_LIFT, ProviderOutcomes

#: Names the ranking in recorded impressions; change it when the score changes meaning.
VERSION = "hybrid-1"
LEXICAL = 0.15
CATEGORY = 0.25
SUBCATEGORY = 0.4
SAME_CITY = 0.05
TARGETED = 0.05  # the listing names the enterprise's industry or size explicitly
AMOUNT_FIT = 0.05
VERIFIED = 0.03
BUDGET = 0.3
SEMANTIC_REASON = 0.8  # normalised semantic score above which "close in meaning" is said
DEADLINE_SOON_DAYS = 30


def normalised(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.ones_like(values) if high > 0 else np.zeros_like(values)
    return np.asarray((values - low) / (high - low), dtype=np.float64)


def _amount_fit(listing: ListingProfile, amount: int | None) -> float:
    """1 when the amount sits comfortably inside the range, less near its ends."""
    low, high = listing.facts.amount_min, listing.facts.amount_max
    if amount is None or (low is None and high is None):
        return 0.0
    low = low or 0
    if high is None or high <= low:
        return 0.5
    position = (amount - low) / (high - low)
    return float(max(0.0, 1.0 - abs(position - 0.5) * 2) * 0.5 + 0.5)


def score_candidates(
    query: Query,
    listings: Sequence[ListingProfile],
    semantic: np.ndarray,
    lexical: np.ndarray,
    shared_terms: Sequence[list[str]],
    outcomes: ProviderOutcomes | None = None,
) -> list[tuple[float, tuple[Reason, ...], float, float]]:
    """(score, reasons, normalised semantic, normalised lexical) per candidate, in order;
    ``outcomes`` adds each provider's outcome term (none: as if no provider had a history)."""
    sem, lex = normalised(semantic), normalised(lexical)
    results = []
    seeker = query.seeker
    for i, listing in enumerate(listings):
        facts = listing.facts
        reasons: list[Reason] = []
        score = sem[i] + LEXICAL * lex[i]
        if query.subcategory and listing.subcategory == query.subcategory:
            score += SUBCATEGORY + CATEGORY
            reasons.append(Reason("subcategory", {"category": listing.category, "subcategory": listing.subcategory}))
        elif query.category and listing.category == query.category:
            score += CATEGORY
            reasons.append(Reason("category", {"category": listing.category}))
        if sem[i] >= SEMANTIC_REASON:
            reasons.append(Reason("semantic", {"similarity": round(float(semantic[i]), 3)}))
        if shared_terms[i]:
            reasons.append(Reason("keywords", {"terms": shared_terms[i][:4]}))
        fit = _amount_fit(listing, seeker.amount)
        if fit:
            score += AMOUNT_FIT * fit
            reasons.append(Reason("amount_in_range", {"amount": seeker.amount, "min": facts.amount_min, "max": facts.amount_max}))
        if seeker.region and seeker.region in facts.regions:
            score += SAME_CITY
            reasons.append(Reason("same_city", {"region": seeker.region}))
        elif not facts.regions or any(len(r) == 6 and r.endswith("0000") for r in facts.regions):
            reasons.append(Reason("province_wide", {}))
        if facts.industries and seeker.industry:
            score += TARGETED
            reasons.append(Reason("industry", {"industry": seeker.industry}))
        if facts.size_classes and seeker.size_class:
            score += TARGETED
            reasons.append(Reason("size", {"size_class": seeker.size_class}))
        if listing.verified:
            score += VERIFIED
            reasons.append(Reason("verified", {}))
        if facts.until is not None and 0 <= (facts.until - seeker.as_of).days <= DEADLINE_SOON_DAYS:
            reasons.append(Reason("deadline_soon", {"date": facts.until.isoformat(), "days": (facts.until - seeker.as_of).days}))
        if query.budget is not None and listing.price is not None:
            if listing.price > query.budget:
                score -= BUDGET
                reasons.append(Reason("over_budget", {"price": listing.price, "budget": query.budget}, negative=True))
            else:
                reasons.append(Reason("within_budget", {"price": listing.price, "budget": query.budget}))
        standing = outcomes.of(listing.provider) if outcomes is not None else None
        if standing is not None:
            score += standing.term
            history = standing.history
            if standing.response_lift >= CLEAR_LIFT:
                reasons.append(Reason("responsive_provider", {"answered": history.answered, "received": history.received}))
            if standing.success_lift >= CLEAR_LIFT:
                reasons.append(Reason("successful_provider", {"won": history.won, "closed": history.closed}))
        results.append((float(score), tuple(reasons), float(sem[i]), float(lex[i])))
    return results


