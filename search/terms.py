"""Keyword terms of a document and the conditions a :class:`Filters` puts on them.

Every backend stores the same terms (SQL rows, Elasticsearch keyword arrays) and applies the
same conditions, so filters and facet counts agree between backends by construction.

- ``region``: the listing's regions; :data:`PROVINCE_WIDE` when it names none or the province.
  A region filter matches the city or a province-wide listing.
- ``industry``: each code named, plus ``sec:<letter>`` for its section; :data:`ANY` when it
  names none. A section filter matches any code in the section; a division filter matches the
  division or the whole section; both match listings open to every industry. (These terms are
  the keyword form of :mod:`matching.coverage`; a property test keeps them in agreement with
  the matcher and the browse pages.)
- ``size_class``: the classes named, :data:`ANY` when none.
- ``category``, ``subcategory``, ``verified`` (``"1"``/``"0"``): one value each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from search.model import ANY, PRICE_BUCKETS, PROVINCE_WIDE, PUBLISHED_BUCKETS, Document, Filters

TERM_FIELDS = ("category", "subcategory", "region", "industry", "size_class", "verified")


def document_terms(doc: Document) -> dict[str, list[str]]:
    # Naming the province makes the listing province-wide, whatever cities it also names.
    regions = [PROVINCE_WIDE] if not doc.regions or PROVINCE_WIDE in doc.regions else sorted(set(doc.regions))
    industries: set[str] = set()
    for code in doc.industries:
        industries.add(code)
        industries.add(f"sec:{code[0]}")
    return {
        "category": [doc.category],
        "subcategory": [doc.subcategory] if doc.subcategory else [],
        "region": regions,
        "industry": sorted(industries) or [ANY],
        "size_class": sorted(set(doc.size_classes)) or [ANY],
        "verified": ["1" if doc.verified else "0"],
    }


@dataclass(frozen=True)
class Range:
    """``field`` between ``low`` and ``high`` (inclusive; None = open). ``missing`` says
    whether a document without a value passes."""

    field: str
    low: int | date | None
    high: int | date | None
    missing: bool


@dataclass(frozen=True)
class Conditions:
    """All must hold: each ``terms`` entry is (field, any of these values); each range holds."""

    terms: tuple[tuple[str, tuple[str, ...]], ...]
    ranges: tuple[Range, ...]
    as_of: date  # the day asked about (range facets count back from it)


def _industry_terms(codes: tuple[str, ...]) -> tuple[str, ...]:
    wanted = {ANY}
    for code in codes:
        if len(code) == 1:
            wanted.add(f"sec:{code}")
        else:
            wanted.update((code, code[0]))
    return tuple(sorted(wanted))


def price_range(key: str) -> tuple[int, int | None]:
    for name, low, high in PRICE_BUCKETS:
        if name == key:
            return low, (high - 1 if high is not None else None)
    raise ValueError(f"unknown price bucket {key!r}")


def price_bucket(price: int | None) -> str | None:
    """The key of the price band holding ``price`` (None: no price, or none holds it)."""
    if price is None:
        return None
    for name, low, high in PRICE_BUCKETS:
        if price >= low and (high is None or price < high):
            return name
    return None


def published_since(key: str, as_of: date) -> date:
    for name, _low, days in PUBLISHED_BUCKETS:
        if name == key:
            return as_of - timedelta(days=days)
    raise ValueError(f"unknown published bucket {key!r}")


def conditions(filters: Filters, as_of: date) -> Conditions:
    """What ``filters`` ask of a document, on the day ``as_of`` (listings past their last day
    never pass). Raises ValueError for an unknown bucket key."""
    terms: list[tuple[str, tuple[str, ...]]] = []
    for name in ("category", "subcategory"):
        values = getattr(filters, name)
        if values:
            terms.append((name, tuple(sorted(set(values)))))
    if filters.region:
        terms.append(("region", tuple(sorted(set(filters.region) | {PROVINCE_WIDE}))))
    if filters.industry:
        terms.append(("industry", _industry_terms(filters.industry)))
    if filters.size_class:
        terms.append(("size_class", tuple(sorted(set(filters.size_class) | {ANY}))))
    if filters.verified is not None:
        terms.append(("verified", ("1" if filters.verified else "0",)))
    ranges = [Range("until", as_of, None, True)]
    if filters.amount is not None:
        ranges.append(Range("amount_min", None, filters.amount, True))
        ranges.append(Range("amount_max", filters.amount, None, True))
    if filters.max_price is not None:
        ranges.append(Range("price", None, filters.max_price, False))
    if filters.price:
        low, high = price_range(filters.price)
        ranges.append(Range("price", low, high, False))
    if filters.published:
        ranges.append(Range("published_on", published_since(filters.published, as_of), None, False))
    if filters.starts_after:
        ranges.append(Range("starts_on", filters.starts_after, None, False))
    if filters.starts_before:
        ranges.append(Range("starts_on", None, filters.starts_before, False))
    return Conditions(tuple(terms), tuple(ranges), as_of)


def merge_wide(field: str, counts: dict[str, int]) -> dict[str, int]:
    """Facet counts as a filter on that value would return them: a city's count includes the
    province-wide listings, a section's the listings open to every industry, and so on."""
    if field == "region":
        wide = counts.pop(PROVINCE_WIDE, 0)
        merged = {value: n + wide for value, n in counts.items()}
        if wide:
            merged[PROVINCE_WIDE] = wide
        return merged
    if field == "industry":
        anyone = counts.pop(ANY, 0)
        merged = {value[4:]: n + anyone for value, n in counts.items() if value.startswith("sec:")}
        if anyone:
            merged[ANY] = anyone
        return merged
    if field == "size_class":
        anyone = counts.pop(ANY, 0)
        merged = {value: n + anyone for value, n in counts.items()}
        if anyone:
            merged[ANY] = anyone
        return merged
    return counts
