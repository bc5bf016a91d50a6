"""The search contract shared by every backend: documents in; requests in, results out.

Plain dataclasses: no Flask, no SQLAlchemy. A :class:`Document` is what a backend stores about
one listing; a :class:`SearchRequest` is what a user asked; a :class:`SearchResult` is the
answer (ids in rank order, the total, facet counts and highlight snippets).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

PROVINCE_WIDE = "440000"  # region term of a listing offered everywhere in the province
ANY = "*"  # term of a listing that names no industry or size class (open to all)

SORTS = ("relevance", "newest", "deadline", "amount")
TERM_FACETS = ("category", "subcategory", "region", "industry", "size_class", "verified")
RANGE_FACETS = ("price", "published")
FACETS = TERM_FACETS + RANGE_FACETS
# Range facets: (key, low inclusive, high exclusive); prices in CNY, ages in days.
PRICE_BUCKETS = (("free", 0, 1), ("lt1k", 1, 1_000), ("1k-5k", 1_000, 5_000),
                 ("5k-20k", 5_000, 20_000), ("20k+", 20_000, None))
PUBLISHED_BUCKETS = (("7d", 0, 7), ("30d", 0, 30), ("90d", 0, 90), ("365d", 0, 365))
MAX_QUERY_CHARS = 200
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Document:
    """One listing as the index sees it. ``visible`` is False for anything not on offer
    (draft, closed, hidden, archived): such documents are never returned."""

    id: int
    title: str
    body: str
    category: str
    subcategory: str | None = None
    organization: str = ""
    regions: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    size_classes: tuple[str, ...] = ()
    amount_min: int | None = None
    amount_max: int | None = None
    price: int | None = None
    starts_on: date | None = None
    until: date | None = None  # deadline, else end date: not shown after this day
    published_on: date | None = None
    verified: bool = False
    visible: bool = True
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    # The analysed terms of title and body when already known (a cache); else computed.
    terms: tuple[str, ...] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Filters:
    """What the results must satisfy. Several values of one field mean "any of them".

    Regions, industries and size classes follow the eligibility convention: a listing that
    names none is open to all, and a province-wide listing is offered in every city.
    ``amount`` is the sum sought: it must fall inside the listing's range.
    """

    category: tuple[str, ...] = ()
    subcategory: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    industry: tuple[str, ...] = ()
    size_class: tuple[str, ...] = ()
    verified: bool | None = None
    amount: int | None = None
    max_price: int | None = None
    price: str | None = None  # price bucket key
    published: str | None = None  # published bucket key
    starts_after: date | None = None
    starts_before: date | None = None

    def without(self, facet: str) -> Filters:
        """The same filters less one facet's own (facet counts respect only the others)."""
        from dataclasses import replace
        from typing import Any

        empty: dict[str, Any] = {facet: getattr(Filters(), facet)}
        return replace(self, **empty)


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    filters: Filters = Filters()
    as_of: date = date(1970, 1, 1)  # listings whose ``until`` is before this are not shown
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: tuple[str, ...] = FACETS


@dataclass(frozen=True)
class Segment:
    text: str
    hit: bool


@dataclass(frozen=True)
class Hit:
    id: int
    score: float
    title: tuple[Segment, ...]
    snippet: tuple[Segment, ...]
    semantic_only: bool = False  # found by meaning, no query word in the text


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    tokens: tuple[str, ...] = ()

    @property
    def ids(self) -> list[int]:
        return [h.id for h in self.hits]

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)
