"""Hard eligibility rules over compact numpy columns, one row per listing.

The rules (the same as the evaluation set's): a listing is excluded for a seeker (an SME with a
need) when it is not on offer (closed, draft, hidden, archived), its regions do not cover the
seeker's region (empty or the province code cover everywhere), its industries do not cover the
seeker's industry (a section letter covers its divisions), its size classes do not include the
seeker's size class, the amount sought is outside its range, or its deadline (else end date) is
before the day of the request. Filtering a million rows is a few vectorised comparisons.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

RULES = ("status", "region", "industry", "size", "amount", "deadline")
SIZE_CLASSES = ("micro", "small", "medium", "large")
_EPOCH = date(1970, 1, 1)
_NO_DATE = np.iinfo(np.int32).max
_NO_MAX = np.iinfo(np.int64).max
_ALL32 = 0xFFFFFFFF
_ALL64 = 0xFFFFFFFFFFFFFFFF


def day_number(day: date) -> int:
    return (day - _EPOCH).days


@dataclass(frozen=True)
class ListingFacts:
    """What the rules need to know about one listing."""

    id: int
    offered: bool
    regions: Sequence[str] = ()
    industries: Sequence[str] = ()
    size_classes: Sequence[str] = ()
    amount_min: int | None = None
    amount_max: int | None = None
    until: date | None = None  # the deadline, else the end date


@dataclass(frozen=True)
class Seeker:
    """The enterprise side of a request: where it is, its industry and size, what it seeks."""

    region: str | None
    industry: str | None
    size_class: str | None
    amount: int | None
    as_of: date


@dataclass(frozen=True)
class Vocabulary:
    """Region and industry codes, passed in by the application (GB/T 2260 and GB/T 4754)."""

    province: str
    cities: Sequence[str]
    sections: Mapping[str, Sequence[str]]  # section letter -> its division codes ("C" -> "C13"...)

    def __post_init__(self) -> None:
        if len(self.cities) > 63:
            raise ValueError("at most 63 regions fit the region bitmask")


class ListingTable:
    """Columns of listing facts, aligned by row; rows are addressed through listing ids."""

    def __init__(self, vocabulary: Vocabulary, capacity: int = 1024) -> None:
        self.vocabulary = vocabulary
        self._region_bit = {code: np.uint64(1) << np.uint64(i) for i, code in enumerate(vocabulary.cities)}
        self._all_regions = np.uint64((1 << len(vocabulary.cities)) - 1)
        self._sections = sorted(vocabulary.sections)
        self._section_bit = {s: np.uint32(1) << np.uint32(i) for i, s in enumerate(self._sections)}
        self._row_of: dict[int, int] = {}
        self._n = 0
        self._allocate(capacity)

    def _allocate(self, capacity: int) -> None:
        def grow(name: str, dtype: type, fill: object, width: int = 0) -> None:
            shape = (capacity, width) if width else (capacity,)
            new = np.full(shape, fill, dtype=dtype)
            old = getattr(self, name, None)
            if old is not None:
                new[: self._n] = old[: self._n]
            setattr(self, name, new)

        grow("ids", np.int64, -1)
        grow("offered", np.bool_, False)
        grow("regions", np.uint64, 0)
        grow("sections", np.uint32, 0)
        grow("divisions", np.uint64, 0, width=2)
        grow("sizes", np.uint8, 0)
        grow("amount_min", np.int64, -1)
        grow("amount_max", np.int64, _NO_MAX)
        grow("until", np.int32, _NO_DATE)
        self._capacity = capacity

    def __len__(self) -> int:
        return len(self._row_of)

    @property
    def rows(self) -> int:
        """Rows in use, including removed ones (never offered)."""
        return self._n

    def row_of(self, listing_id: int) -> int | None:
        return self._row_of.get(listing_id)

    # --- encoding -------------------------------------------------------------------------

    def _region_mask(self, codes: Sequence[str]) -> np.uint64:
        if not codes or self.vocabulary.province in codes:
            return self._all_regions
        mask = np.uint64(0)
        for code in codes:
            mask |= self._region_bit.get(code, np.uint64(0))
        return mask

    def _industry_masks(self, codes: Sequence[str]) -> tuple[int, int, int]:
        """(section bits, division bits 0-63, division bits 64-127); empty codes: all set."""
        if not codes:
            return _ALL32, _ALL64, _ALL64
        sections = low = high = 0
        for code in codes:
            if len(code) == 1:
                sections |= int(self._section_bit.get(code, 0))
                divisions: Sequence[str] = self.vocabulary.sections.get(code, ())
            else:
                divisions = (code,)
            for division in divisions:
                number = int(division[1:])
                if number < 64:
                    low |= 1 << number
                else:
                    high |= 1 << (number - 64)
        return sections, low, high

    def _size_mask(self, classes: Sequence[str]) -> int:
        if not classes:
            return 0xF
        return sum(1 << SIZE_CLASSES.index(c) for c in classes if c in SIZE_CLASSES)

    def upsert(self, facts: Iterable[ListingFacts]) -> None:
        """Add or replace listings (by id)."""
        for fact in facts:
            row = self._row_of.get(fact.id)
            if row is None:
                if self._n == self._capacity:
                    self._allocate(max(self._capacity * 2, 1024))
                row = self._n
                self._n += 1
                self._row_of[fact.id] = row
            sections, low, high = self._industry_masks(fact.industries)
            self.ids[row] = fact.id
            self.offered[row] = fact.offered
            self.regions[row] = self._region_mask(fact.regions)
            self.sections[row] = sections
            self.divisions[row, 0] = np.uint64(low)
            self.divisions[row, 1] = np.uint64(high)
            self.sizes[row] = self._size_mask(fact.size_classes)
            self.amount_min[row] = -1 if fact.amount_min is None else fact.amount_min
            self.amount_max[row] = _NO_MAX if fact.amount_max is None else fact.amount_max
            self.until[row] = _NO_DATE if fact.until is None else day_number(fact.until)

    def remove(self, listing_ids: Iterable[int]) -> None:
        """Forget listings; their rows stay allocated but are never eligible."""
        for listing_id in listing_ids:
            row = self._row_of.pop(listing_id, None)
            if row is not None:
                self.offered[row] = False
                self.ids[row] = -1

    # --- rules ----------------------------------------------------------------------------

    def _rule_masks(self, seeker: Seeker) -> dict[str, np.ndarray]:
        n = self._n
        regions = self.regions[:n]
        if seeker.region in self._region_bit:
            region_ok = (regions & self._region_bit[seeker.region]) != 0
        else:  # unknown or missing region: only offers for everywhere
            region_ok = regions == self._all_regions
        industry = seeker.industry or ""
        if len(industry) == 3 and industry[1:].isdigit():
            number = int(industry[1:])
            word, bit = (0, number) if number < 64 else (1, number - 64)
            industry_ok = (self.divisions[:n, word] & (np.uint64(1) << np.uint64(bit))) != 0
        elif industry in self._section_bit:
            industry_ok = (self.sections[:n] & self._section_bit[industry]) != 0
        else:
            industry_ok = self.sections[:n] == np.uint32(_ALL32)
        if seeker.size_class in SIZE_CLASSES:
            size_ok = (self.sizes[:n] & (1 << SIZE_CLASSES.index(seeker.size_class))) != 0
        else:
            size_ok = self.sizes[:n] == 0xF
        if seeker.amount is None:
            amount_ok = np.ones(n, dtype=bool)
        else:
            amount_ok = (self.amount_min[:n] <= seeker.amount) & (self.amount_max[:n] >= seeker.amount)
        deadline_ok = self.until[:n] >= day_number(seeker.as_of)
        return {
            "status": self.offered[:n],
            "region": region_ok,
            "industry": industry_ok,
            "size": size_ok,
            "amount": amount_ok,
            "deadline": deadline_ok,
        }

    def mask(self, seeker: Seeker) -> np.ndarray:
        """Boolean per row: eligible under every rule."""
        masks = self._rule_masks(seeker)
        result = masks["status"].copy()
        for rule in RULES[1:]:
            result &= masks[rule]
        return result

    def eligible_ids(self, seeker: Seeker) -> np.ndarray:
        return self.ids[: self._n][self.mask(seeker)]

    def violations(self, listing_ids: Sequence[int], seeker: Seeker) -> dict[int, list[str]]:
        """For each listing id, the rules it breaks for this seeker (empty list: eligible)."""
        masks = self._rule_masks(seeker)
        result: dict[int, list[str]] = {}
        for listing_id in listing_ids:
            row = self._row_of.get(listing_id)
            if row is None:
                result[listing_id] = ["status"]
                continue
            result[listing_id] = [rule for rule in RULES if not masks[rule][row]]
        return result
