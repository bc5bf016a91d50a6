"""Hard eligibility rules over compact numpy columns, one row per listing.

The rules (the same as the evaluation set's and :mod:`matching.rules`): a listing is excluded for
a seeker (an SME with a need) when it is not on offer (closed, draft, hidden, archived), its
regions, industries or size classes are not open to the seeker (:mod:`matching.coverage` says
when they are: empty lists and the province code cover everyone, a section letter covers its
divisions, an enterprise known only by its section is covered by any of its divisions), the
amount sought is outside its range, or its deadline (else end date) is before the day of the
request.

Every rule but two reads one bit of a column: "covers region 440300" is bit 3 of ``regions``,
"open to everyone" is a reserved top bit (63 for regions, 31 for sections, 7 for sizes) that only
unrestricted listings carry. For each bit a seeker asks about, the table keeps the rows that have
it as a packed bitset (one bit per row: 125 kB for a million rows), made on first use; the
amount and deadline rules get a bitset per amount and per day, in a small LRU. A seeker's eligible
set is then the AND of six bitsets — some 15,000 words for a million rows, well under a
millisecond — and changes to the table patch only the words of the rows that changed.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from matching.index import IdRows, bits_at, rows_of_bits

RULES = ("status", "region", "industry", "size", "amount", "deadline")
SIZE_CLASSES = ("micro", "small", "medium", "large")
_EPOCH = date(1970, 1, 1)
_NO_DATE = np.iinfo(np.int32).max
_NO_MIN = np.iinfo(np.int64).min
_NO_MAX = np.iinfo(np.int64).max
_ALL8, _ALL32, _ALL64 = 0xFF, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF
_EVERYWHERE, _ALL_SECTIONS, _ALL_SIZES = 63, 31, 7  # bits only unrestricted listings carry
_RANGE_RULES = ("amount", "deadline")

Key = tuple[str, int, int]  # (column, word, bit) or (range rule, value, 0)


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
    """Region and industry codes, passed in by the application (GB/T 2260 and GB/T 4754).

    Raises ValueError for more than 63 cities, more than 31 sections or a division number
    above 127 (they would not fit the bitmasks).
    """

    province: str
    cities: Sequence[str]
    sections: Mapping[str, Sequence[str]]  # section letter -> its division codes ("C" -> "C13"...)

    def __post_init__(self) -> None:
        if len(self.cities) > 63:
            raise ValueError("at most 63 regions fit the region bitmask")
        if len(self.sections) > 31:
            raise ValueError("at most 31 sections fit the section bitmask")
        for divisions in self.sections.values():
            if any(_division_number(code) is None for code in divisions):
                raise ValueError(f"division codes must be a letter and a number below 128: {divisions}")


def _division_number(code: str) -> int | None:
    number = code[1:]
    return int(number) if len(code) >= 2 and number.isdigit() and int(number) < 128 else None


class EligibleSet:
    """The rows of a :class:`ListingTable` eligible for one seeker, as a packed bitset.

    Hand it to ``VectorIndex.search(query, k, allowed=...)``. It reads the table when asked for
    ids, so use it before the table changes again.
    """

    __slots__ = ("_rows", "_table", "count", "words")

    def __init__(self, table: ListingTable, words: np.ndarray, count: int) -> None:
        self._table = table
        self.words = words  # uint64; bit r % 64 of word r // 64 is row r
        self.count = count
        self._rows: np.ndarray | None = None

    def __len__(self) -> int:
        return self.count

    @property
    def table(self) -> ListingTable:
        return self._table

    def rows(self) -> np.ndarray:
        """The eligible rows, ascending."""
        if self._rows is None:
            self._rows = rows_of_bits(self.words, self.count)
        return self._rows

    def ids(self) -> np.ndarray:
        """The eligible listing ids, in row order (less any removed from the table since)."""
        ids: np.ndarray = self._table.ids[self.rows()]
        return ids[ids >= 0]

    def contains(self, ids: np.ndarray) -> np.ndarray:
        """For each id, whether it is eligible (False for unknown ids)."""
        return bits_at(self.words, self._table.rows_of(ids))

    def mask(self) -> np.ndarray:
        """Boolean per table row."""
        bits = np.unpackbits(self.words.view(np.uint8), bitorder="little", count=self._table.rows)
        return bits.view(bool)

    def without(self, ids: Iterable[int]) -> EligibleSet:
        """The same set less some listings (e.g. ones already shown)."""
        rows = self._table.rows_of(np.fromiter(ids, np.int64))
        rows = rows[(rows >= 0) & (rows < 64 * len(self.words))]
        words = self.words.copy()
        np.bitwise_and.at(words, rows >> 6, ~(np.uint64(1) << (rows & 63).astype(np.uint64)))
        return EligibleSet(self._table, words, int(np.bitwise_count(words).sum()))


class ListingTable:
    """Columns of listing facts, aligned by row; rows are addressed through listing ids.

    ``cache_size`` bounds the number of amount and day bitsets kept (each ``rows / 8`` bytes).
    """

    ids: np.ndarray  # listing id per row, -1 for a removed listing
    offered: np.ndarray
    regions: np.ndarray  # city bits; everywhere: all 64 bits
    sections: np.ndarray  # section bits; every industry: all 32 bits
    divisions: np.ndarray  # (rows, 2) division-number bits
    sizes: np.ndarray  # size-class bits; every size: all 8 bits
    amount_min: np.ndarray
    amount_max: np.ndarray
    until: np.ndarray  # day number

    def __init__(self, vocabulary: Vocabulary, capacity: int = 1024, *, cache_size: int = 64) -> None:
        self.vocabulary = vocabulary
        self.cache_size = cache_size
        self.version = 0  # bumped by every change
        self._region_bit = {code: i for i, code in enumerate(vocabulary.cities)}
        self._section_bit = {s: i for i, s in enumerate(sorted(vocabulary.sections))}
        self._rows = IdRows()
        self._n = 0
        self._capacity = 0
        self._allocate(max(capacity, 64))
        self._bitsets: dict[Key, np.ndarray] = {}  # one per column bit asked about
        self._ranges: OrderedDict[Key, np.ndarray] = OrderedDict()  # per amount / day, LRU
        self._dirty: list[np.ndarray] = []  # rows changed since the bitsets were patched
        self._lock = threading.Lock()  # requests may read while a worker writes
        self._amounts: tuple[int, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._encoded: dict[tuple[str, tuple[str, ...]], Any] = {}

    def _allocate(self, capacity: int) -> None:
        capacity = -(-capacity // 64) * 64  # whole bitset words

        def grow(name: str, dtype: type, fill: object, width: int = 0) -> None:
            shape = (capacity, width) if width else (capacity,)
            new: np.ndarray = np.full(shape, fill, dtype=dtype)
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
        grow("amount_min", np.int64, _NO_MIN)
        grow("amount_max", np.int64, _NO_MAX)
        grow("until", np.int32, _NO_DATE)
        self._capacity = capacity

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def rows(self) -> int:
        """Rows in use, including removed ones (never offered)."""
        return self._n

    def row_of(self, listing_id: int) -> int | None:
        return self._rows.get(listing_id)

    def rows_of(self, listing_ids: np.ndarray | Sequence[int]) -> np.ndarray:
        """The row of each listing id, -1 for an unknown id (vectorised :meth:`row_of`)."""
        return self._rows.lookup(np.asarray(listing_ids, dtype=np.int64))

    @property
    def nbytes(self) -> int:
        """Bytes held by the columns, the id map and the cached bitsets."""
        columns = ("ids", "offered", "regions", "sections", "divisions", "sizes", "amount_min", "amount_max", "until")
        total = sum(getattr(self, name).nbytes for name in columns) + self._rows.nbytes
        return int(total + sum(b.nbytes for b in self._bitsets.values()) + sum(b.nbytes for b in self._ranges.values()))

    # --- encoding -------------------------------------------------------------------------

    def _region_mask(self, codes: Sequence[str]) -> int:
        if not codes or self.vocabulary.province in codes:
            return _ALL64
        return sum({1 << self._region_bit[c] for c in codes if c in self._region_bit})

    def _industry_masks(self, codes: Sequence[str]) -> tuple[int, int, int]:
        """(section bits, division bits 0-63, division bits 64-127); empty codes: all set."""
        if not codes:
            return _ALL32, _ALL64, _ALL64
        sections = divisions = 0
        for code in codes:
            # A section bit opens the listing to enterprises known only by that section: set by
            # the section itself and by any of its divisions (matching.coverage).
            sections |= 1 << self._section_bit[code[0]] if code[0] in self._section_bit else 0
            if len(code) == 1:
                members: Sequence[str] = self.vocabulary.sections.get(code, ())
            else:
                members = (code,)
            for member in members:
                number = _division_number(member)
                divisions |= 1 << number if number is not None else 0
        return sections, divisions & _ALL64, divisions >> 64

    def _size_mask(self, classes: Sequence[str]) -> int:
        if not classes:
            return _ALL8
        return sum({1 << SIZE_CLASSES.index(c) for c in classes if c in SIZE_CLASSES})

    def _encode(self, kind: str, codes: Sequence[str]) -> Any:
        """The bitmask(s) of some codes, remembered: listings repeat the same few lists."""
        key = (kind, tuple(codes))
        found = self._encoded.get(key)
        if found is None:
            encode: Callable[[Sequence[str]], Any] = {
                "regions": self._region_mask, "industries": self._industry_masks, "sizes": self._size_mask
            }[kind]
            found = self._encoded[key] = encode(codes)
        return found

    def upsert(self, facts: Iterable[ListingFacts]) -> None:
        """Add or replace listings (by id; the last of repeated ids wins).

        Raises ValueError for a negative id.
        """
        batch = list(facts)
        if not batch:
            return
        ids = np.fromiter((f.id for f in batch), np.int64, len(batch))
        if (ids < 0).any():
            raise ValueError("listing ids must be non-negative")
        _, last = np.unique(ids[::-1], return_index=True)
        if len(last) < len(batch):
            keep = np.sort(len(batch) - 1 - last)
            batch, ids = [batch[i] for i in keep.tolist()], ids[keep]
        rows = self._rows.lookup(ids)
        new = rows < 0
        if new.any():
            if self._n + int(new.sum()) > self._capacity:
                self._allocate(max(self._n + int(new.sum()), self._capacity * 2))
            rows[new] = np.arange(self._n, self._n + int(new.sum()))
            self._n += int(new.sum())
            self._rows.assign(ids[new], rows[new])
        industries = [self._encode("industries", f.industries) for f in batch]
        self.ids[rows] = ids
        self.offered[rows] = [f.offered for f in batch]
        self.regions[rows] = np.array([self._encode("regions", f.regions) for f in batch], np.uint64)
        self.sections[rows] = np.array([i[0] for i in industries], np.uint32)
        self.divisions[rows] = np.array([i[1:] for i in industries], np.uint64)
        self.sizes[rows] = np.array([self._encode("sizes", f.size_classes) for f in batch], np.uint8)
        self.amount_min[rows] = [_NO_MIN if f.amount_min is None else f.amount_min for f in batch]
        self.amount_max[rows] = [_NO_MAX if f.amount_max is None else f.amount_max for f in batch]
        self.until[rows] = [_NO_DATE if f.until is None else day_number(f.until) for f in batch]
        self._changed(rows)

    def remove(self, listing_ids: Iterable[int]) -> None:
        """Forget listings; their rows stay allocated but are never eligible."""
        rows = self._rows.discard(np.fromiter(listing_ids, np.int64))
        self.offered[rows] = False
        self.ids[rows] = -1
        self._changed(rows)

    def _changed(self, rows: np.ndarray) -> None:
        if len(rows):  # after the columns are written: a refresh then sees the new values
            with self._lock:
                self._dirty.append(rows)
                self.version += 1

    # --- bitsets --------------------------------------------------------------------------

    def clear_cache(self) -> None:
        """Drop every cached bitset (they are rebuilt on demand)."""
        with self._lock:
            self._bitsets.clear()
            self._ranges.clear()
            self._dirty.clear()

    def _holds(self, key: Key, rows: np.ndarray | slice) -> np.ndarray:
        """Whether each of these rows has the column bit (or passes the range rule) of ``key``."""
        name, a, b = key
        if name == "amount":
            return (self.amount_min[rows] <= a) & (self.amount_max[rows] >= a)
        if name == "deadline":
            return self.until[rows] >= a
        if name == "offered":
            return self.offered[rows]
        column: np.ndarray = getattr(self, name)
        width = column.dtype.itemsize
        byte = b >> 3 if sys.byteorder == "little" else width - 1 - (b >> 3)
        # one byte of each value: an eighth of the work of testing the whole word
        octets = column.view(np.uint8).reshape(len(column), -1)[:, a * width + byte]
        held: np.ndarray = (octets[rows] & np.uint8(1 << (b & 7))) != 0
        return held

    def _pack(self, key: Key, words: np.ndarray | None = None) -> np.ndarray:
        """The bitset of ``key`` over all rows, or just over the rows of some words."""
        if words is None:  # rows in use only; the spare capacity stays zero until rows arrive
            if key[0] == "amount":  # only listings with a range can fail: test just those
                rows, low, high = self._ranged()
                held = np.ones(self._n, dtype=bool)
                held[rows[(low > key[1]) | (high < key[1])]] = False
            else:
                held = self._holds(key, slice(0, self._n))
            packed = np.packbits(held, bitorder="little")
            bits = np.zeros(self._capacity // 64, np.uint64)
            bits.view(np.uint8)[: len(packed)] = packed
            return bits
        rows = (words[:, None] * 64 + np.arange(64)).reshape(-1)
        held = self._holds(key, rows)
        held[rows >= self._n] = False
        return np.packbits(held, bitorder="little").view(np.uint64)

    def _ranged(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows with an amount range and their bounds, compact (kept until the next change)."""
        if self._amounts is None or self._amounts[0] != self.version:
            low, high = self.amount_min[: self._n], self.amount_max[: self._n]
            rows = np.flatnonzero((low != _NO_MIN) | (high != _NO_MAX))
            self._amounts = (self.version, rows, low[rows], high[rows])
        return self._amounts[1:]

    def _refresh(self) -> None:
        """Patch the cached bitsets for the rows that changed."""
        if not self._dirty:
            return
        rows = np.concatenate(self._dirty)
        self._dirty.clear()
        if len(rows) * 8 > self._n:  # a bulk change: rebuild each bitset when next asked for
            self._bitsets.clear()
            self._ranges.clear()
            return
        words = np.unique(rows >> 6)
        for cache in (self._bitsets, self._ranges):
            for key, bits in list(cache.items()):
                if len(bits) * 64 < self._capacity:
                    bits = cache[key] = np.concatenate([bits, np.zeros(self._capacity // 64 - len(bits), np.uint64)])
                bits[words] = self._pack(key, words)

    def _bitset(self, key: Key) -> np.ndarray:
        if key[0] in _RANGE_RULES:
            bits = self._ranges.get(key)
            if bits is None:
                bits = self._ranges[key] = self._pack(key)
                while len(self._ranges) > self.cache_size:
                    self._ranges.popitem(last=False)
            else:
                self._ranges.move_to_end(key)
            return bits
        bits = self._bitsets.get(key)
        if bits is None:
            bits = self._bitsets[key] = self._pack(key)
        return bits

    # --- rules ----------------------------------------------------------------------------

    def _keys(self, seeker: Seeker) -> dict[str, Key | None]:
        """The bitset each rule needs for this seeker (None: the rule passes every listing)."""
        if seeker.region in self._region_bit:
            region: Key = ("regions", 0, self._region_bit[seeker.region])
        else:  # unknown or missing region: only offers for everywhere
            region = ("regions", 0, _EVERYWHERE)
        industry_code = seeker.industry or ""
        number = _division_number(industry_code) if len(industry_code) == 3 else None
        if number is not None:
            industry: Key = ("divisions", number >> 6, number & 63)
        elif industry_code in self._section_bit:
            industry = ("sections", 0, self._section_bit[industry_code])
        else:
            industry = ("sections", 0, _ALL_SECTIONS)
        if seeker.size_class in SIZE_CLASSES:
            size: Key = ("sizes", 0, SIZE_CLASSES.index(seeker.size_class))
        else:
            size = ("sizes", 0, _ALL_SIZES)
        return {
            "status": ("offered", 0, 0),
            "region": region,
            "industry": industry,
            "size": size,
            "amount": None if seeker.amount is None else ("amount", int(seeker.amount), 0),
            "deadline": ("deadline", day_number(seeker.as_of), 0),
        }

    def eligible(self, seeker: Seeker) -> EligibleSet:
        """The listings eligible for ``seeker`` under every rule."""
        keys = [key for key in self._keys(seeker).values() if key is not None]
        words: np.ndarray | None = None
        with self._lock:
            self._refresh()
            used = -(-self._n // 64)
            for key in keys:
                bits = self._bitset(key)[:used]
                words = bits.copy() if words is None else np.bitwise_and(words, bits, out=words)
        assert words is not None
        return EligibleSet(self, words, int(np.bitwise_count(words).sum()))

    def mask(self, seeker: Seeker) -> np.ndarray:
        """Boolean per row: eligible under every rule."""
        return self.eligible(seeker).mask()

    def eligible_ids(self, seeker: Seeker) -> np.ndarray:
        """The ids of the eligible listings, in row order."""
        return self.eligible(seeker).ids()

    def violations(self, listing_ids: Sequence[int], seeker: Seeker) -> dict[int, list[str]]:
        """For each listing id, the rules it breaks for this seeker (empty list: eligible);
        an unknown id breaks "status"."""
        ids = np.asarray(list(listing_ids), dtype=np.int64)
        rows = self._rows.lookup(ids)
        known = rows[rows >= 0]
        held = {rule: self._holds(key, known) for rule, key in self._keys(seeker).items() if key is not None}
        result: dict[int, list[str]] = {}
        position = np.cumsum(rows >= 0) - 1
        for i, listing_id in enumerate(ids.tolist()):
            if rows[i] < 0:
                result[listing_id] = ["status"]
            else:
                result[listing_id] = [rule for rule in RULES if rule in held and not held[rule][position[i]]]
        return result
