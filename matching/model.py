"""Plain data the matcher works with: listings and needs as facts, queries, results, reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from matching.eligibility import ListingFacts, Seeker


@dataclass(frozen=True)
class ListingProfile:
    """A listing: eligibility facts plus what scoring and reasons use."""

    facts: ListingFacts
    category: str
    subcategory: str | None
    text: str
    price: int | None = None
    verified: bool = False
    published_on: date | None = None
    provider: int | None = None  # the offering organization: its outcome history (matching.outcomes)

    @property
    def id(self) -> int:
        return self.facts.id


@dataclass(frozen=True)
class NeedProfile:
    """A need with its enterprise's facts (the seeker), for leads."""

    id: int
    seeker: Seeker
    category: str
    subcategory: str | None
    text: str
    budget: int | None = None
    offered: bool = True  # published, not hidden, not archived
    needed_by: date | None = None
    lead: bool = True  # its SME lets providers see it (not private): it may be shown as a lead


@dataclass(frozen=True)
class Query:
    """What an enterprise is looking for (a need, or its profile when it has posted no need)."""

    text: str
    seeker: Seeker
    category: str | None = None
    subcategory: str | None = None
    budget: int | None = None


@dataclass(frozen=True)
class Reason:
    """Why a result fits (or does not): a code and its parameters; the app words it."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    negative: bool = False


@dataclass(frozen=True)
class Match:
    id: int
    score: float
    reasons: tuple[Reason, ...]
    semantic: float = 0.0
    lexical: float = 0.0


@dataclass(frozen=True)
class Exclusion:
    """A well-matching listing left out by hard rules (shown on request)."""

    id: int
    rules: tuple[str, ...]
    semantic: float


@dataclass
class Result:
    matches: list[Match]
    excluded: list[Exclusion] = field(default_factory=list)
    eligible: int = 0
    ranking: str = ""  # the ranking that produced the matches (Recommender.ranking)
