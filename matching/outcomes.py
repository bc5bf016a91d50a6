"""How providers answer and close what enterprises bring them, as a small ranking term.

Per provider organization the app passes plain counts (:class:`ProviderHistory`). Two rates are
estimated with empirical-Bayes (Beta) shrinkage towards the pooled rate of all providers, the
prior, with strength ``m`` (pseudo-observations):

    shrunk = (successes + m·prior) / (n + m),   lift = shrunk − prior = (successes − n·prior) / (n + m)

responsiveness = answered / received, success = won / closed. The term is
``weight × (lift_response + lift_success) / 2``. A provider with no history has a lift of exactly
0 (the second form has no rounding), so newcomers rank exactly as without the term; one
answered inquiry or one win moves a provider little, a long record moves it as far as it goes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: Pseudo-observations of the prior: a provider needs about this many inquiries (or closed
#: engagements) before its own rate counts as much as the market's.
STRENGTH = 10.0
#: Weight of the term in the score (semantic similarity is normalised to 0..1; a same-city
#: listing gets 0.05). The largest possible term is about weight / 2.
WEIGHT = 0.1
#: A reason is given when a shrunk rate is at least this far above the prior.
CLEAR_LIFT = 0.1


@dataclass(frozen=True)
class ProviderHistory:
    """What happened to the engagements of one provider organization.

    received: inquiries enterprises started with it (that it has had time to answer);
    answered: those it answered; closed: engagements won or lost; won: those won.
    """

    received: int = 0
    answered: int = 0
    closed: int = 0
    won: int = 0

    def __post_init__(self) -> None:
        if min(self.received, self.answered, self.closed, self.won) < 0:
            raise ValueError("history counts must not be negative")
        if self.answered > self.received or self.won > self.closed:
            raise ValueError("answered must not exceed received, nor won closed")


def lift(successes: int, trials: int, prior: float, strength: float = STRENGTH) -> float:
    """The shrunk rate minus the prior: (successes − trials·prior) / (trials + strength);
    exactly 0.0 for no trials. Raises ValueError for a strength that is not positive."""
    if strength <= 0:
        raise ValueError("strength must be positive")
    if trials == 0:
        return 0.0
    return (successes - trials * prior) / (trials + strength)


def shrunk_rate(successes: int, trials: int, prior: float, strength: float = STRENGTH) -> float:
    """(successes + strength·prior) / (trials + strength): the rate estimate, pulled towards the prior."""
    return prior + lift(successes, trials, prior, strength)


@dataclass(frozen=True)
class Standing:
    """One provider's term and what a reason may say about it."""

    term: float
    response_lift: float
    success_lift: float
    history: ProviderHistory


@dataclass
class ProviderOutcomes:
    """Histories of providers and the pooled priors; :meth:`of` gives a provider's term.

    ``weight`` 0 turns the term off (every term 0, the ranking as without it).
    """

    history: Mapping[int, ProviderHistory] = field(default_factory=dict)
    weight: float = WEIGHT
    strength: float = STRENGTH
    response_prior: float = 0.0
    success_prior: float = 0.0
    _cache: dict[int, Standing] = field(default_factory=dict, repr=False)

    @classmethod
    def pooled(
        cls,
        history: Mapping[int, ProviderHistory],
        weight: float = WEIGHT,
        strength: float = STRENGTH,
    ) -> ProviderOutcomes:
        """Priors from the pooled counts of every provider (empirical Bayes). Raises ValueError
        for a negative weight or a strength that is not positive."""
        if weight < 0 or strength <= 0:
            raise ValueError("weight must not be negative and strength must be positive")
        received = sum(h.received for h in history.values())
        closed = sum(h.closed for h in history.values())
        return cls(
            history=dict(history),
            weight=weight,
            strength=strength,
            response_prior=sum(h.answered for h in history.values()) / received
            if received
            else 0.0,
            success_prior=sum(h.won for h in history.values()) / closed if closed else 0.0,
        )

    @property
    def on(self) -> bool:
        return self.weight > 0

    def of(self, provider: int | None) -> Standing | None:
        """The provider's standing, or None when it has no history (its term is 0)."""
        if provider is None or not self.on:
            return None
        history = self.history.get(provider)
        if history is None:
            return None
        standing = self._cache.get(provider)
        if standing is None:
            response = lift(history.answered, history.received, self.response_prior, self.strength)
            success = lift(history.won, history.closed, self.success_prior, self.strength)
            standing = Standing(self.weight * (response + success) / 2, response, success, history)
            self._cache[provider] = standing
        return standing

    def term(self, provider: int | None) -> float:
        standing = self.of(provider)
        return standing.term if standing is not None else 0.0
