"""An in-memory inverted index with BM25 ranking, addressed by row number, updated in place.

Why not the database's own ranking: SQLite FTS5 computes ``bm25()`` for *every* matching
row and PostgreSQL's ``ts_rank`` reads every matching ``tsvector``; a broad or long query
matches most of 100k documents, so either takes 100-900 ms. Here a query costs one vectorised
pass over the postings of its terms (a few milliseconds at 100k), and the set of documents that
hold a term (for the total and the facet counts) comes out of the same pass.

Why not ``bm25s`` (which the matcher uses): its index is static, and search documents change
one at a time. This index keeps the term statistics (document frequencies, lengths) exact after
every change: postings are a compact by-term base (CSC: ``indptr``, ``rows``, ``tf``) plus the
rows changed since it was built, which are scored from their own small postings; the base is
rebuilt when the changed rows pass a tenth of it. BM25 as in Lucene: ``k1`` 1.2, ``b`` 0.75,
``idf = ln(1 + (N - df + 0.5) / (df + 0.5))`` (never negative, so every document holding a
query term scores above zero).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence

import numpy as np

K1 = 1.2
B = 0.75
_EMPTY_I = np.zeros(0, np.int32)
_EMPTY_F = np.zeros(0, np.float32)


class InvertedIndex:
    """``rebuild_after``: changed rows (at least; or a tenth of the base) that trigger a rebuild."""

    def __init__(self, rebuild_after: int = 1000) -> None:
        self._rebuild_after = rebuild_after
        self._lock = threading.RLock()
        self._vocab: dict[str, int] = {}
        self._df = np.zeros(0, np.int64)  # per term: documents holding it
        self._length = np.zeros(0, np.float32)  # per row: number of terms (0: not indexed)
        self._docs = 0
        self._total_length = 0.0
        # Current content of every row: its distinct term ids and their counts.
        self._row_terms: list[np.ndarray] = []
        self._row_tf: list[np.ndarray] = []
        # The base: postings by term as of the last build, for rows not changed since.
        self._indptr = np.zeros(1, np.int64)
        self._rows = _EMPTY_I
        self._tf = _EMPTY_F
        self._base_rows = 0  # rows 0.._base_rows-1 are covered by the base
        self._stale = np.zeros(0, bool)  # per row: changed since the base was built
        self._changed: set[int] = set()
        self._delta: dict[int, dict[int, int]] = {}  # term -> {changed row: count}
        self._stale_base = False  # a bulk change is waiting for the base to be rebuilt

    def __len__(self) -> int:
        return self._docs

    # --- writing ----------------------------------------------------------------------------

    def _grow_rows(self, needed: int) -> None:
        if needed <= len(self._length):
            return
        new = max(needed, 2 * len(self._length), 1024)
        self._length = np.concatenate([self._length, np.zeros(new - len(self._length), np.float32)])
        self._stale = np.concatenate([self._stale, np.zeros(new - len(self._stale), bool)])

    def _term_ids(self, terms: Iterable[str]) -> list[int]:
        vocab = self._vocab
        out = []
        for term in terms:
            tid = vocab.get(term)
            if tid is None:
                tid = vocab[term] = len(vocab)
            out.append(tid)
        return out

    def apply(self, changes: Sequence[tuple[int, Sequence[str]]], *, defer: bool = False) -> None:
        """Set the terms of rows (an empty sequence takes a row out of the index). Many changes
        at once rebuild the base (``defer``: at the next search, so that a load in batches
        builds it once)."""
        if not changes:
            return
        with self._lock:
            latest = {row: terms for row, terms in changes}  # the last change of a row wins
            self._grow_rows(max(latest) + 1)
            while len(self._row_terms) < len(self._length):
                self._row_terms.append(_EMPTY_I)
                self._row_tf.append(_EMPTY_F)
            # Flatten every row's terms into (row, term) pairs and count them at once.
            rows_list = sorted(latest)
            flat_terms: list[int] = []
            lengths = []
            for row in rows_list:
                ids = self._term_ids(latest[row])
                flat_terms.extend(ids)
                lengths.append(len(ids))
            vocab_size = len(self._vocab)
            if len(self._df) < vocab_size:
                self._df = np.concatenate([self._df, np.zeros(vocab_size - len(self._df), np.int64)])
            # Take the old content out of the statistics.
            for row in rows_list:
                old = self._row_terms[row]
                if len(old):
                    self._df[old] -= 1
                    self._docs -= 1
                    self._total_length -= float(self._length[row])
                    self._forget_delta(row)
            row_array = np.repeat(np.asarray(rows_list, np.int64), lengths)
            term_array = np.asarray(flat_terms, np.int64)
            keys, counts = np.unique(row_array * vocab_size + term_array, return_counts=True)
            pair_rows, pair_terms = keys // vocab_size, (keys % vocab_size).astype(np.int32)
            np.add.at(self._df, pair_terms, 1)
            bounds = np.searchsorted(pair_rows, rows_list + [rows_list[-1] + 1])
            if len(self._changed) + len(rows_list) > max(self._rebuild_after, self._base_rows // 10):
                self._stale_base = True  # rebuilt below or before the next search: no delta needed
                self._delta.clear()
            for n, row in enumerate(rows_list):
                start, end = bounds[n], bounds[n + 1]
                terms, tf = pair_terms[start:end], counts[start:end].astype(np.float32)
                self._row_terms[row], self._row_tf[row] = terms, tf
                self._length[row] = lengths[n]
                if lengths[n]:
                    self._docs += 1
                    self._total_length += lengths[n]
                self._changed.add(row)
                if row < self._base_rows:
                    self._stale[row] = True
                if not self._stale_base:
                    for t, f in zip(terms.tolist(), tf.tolist(), strict=True):
                        self._delta.setdefault(t, {})[row] = int(f)
            if self._stale_base and not defer:
                self._rebuild()

    def _forget_delta(self, row: int) -> None:
        if row not in self._changed or self._stale_base:
            return
        for t in self._row_terms[row].tolist():
            postings = self._delta.get(t)
            if postings is not None:
                postings.pop(row, None)
                if not postings:
                    del self._delta[t]

    def _rebuild(self) -> None:
        """Fold every row into a fresh by-term base."""
        rows = len(self._row_terms)
        sizes = np.fromiter((len(t) for t in self._row_terms), np.int64, rows)
        terms = np.concatenate(self._row_terms) if rows else _EMPTY_I
        tf = np.concatenate(self._row_tf) if rows else _EMPTY_F
        row_of = np.repeat(np.arange(rows, dtype=np.int32), sizes)
        order = np.argsort(terms, kind="stable")  # rows stay ascending within a term
        self._rows, self._tf = row_of[order], tf[order]
        self._indptr = np.zeros(len(self._vocab) + 1, np.int64)
        np.cumsum(np.bincount(terms, minlength=len(self._vocab)), out=self._indptr[1:])
        self._base_rows = rows
        self._stale[:] = False
        self._changed.clear()
        self._delta.clear()
        self._stale_base = False

    # --- reading ----------------------------------------------------------------------------

    def scores(self, terms: Sequence[str], rows: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows (< ``rows``) holding at least one of the terms, ascending, and their BM25
        scores (repeated query terms count once)."""
        with self._lock:
            if self._stale_base:
                self._rebuild()
            ids = sorted({self._vocab[t] for t in terms if t in self._vocab})
            if not ids or not self._docs:
                return _EMPTY_I.astype(np.int64), np.zeros(0, np.float64)
            acc = np.zeros(max(rows, 1), np.float64)
            n, avg = self._docs, self._total_length / self._docs
            norm = K1 * (1 - B + B * self._length[: len(acc)] / avg)
            any_stale = bool(self._changed)
            for t in ids:
                df = int(self._df[t])
                if df <= 0:
                    continue
                idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                if t + 1 < len(self._indptr):
                    start, end = self._indptr[t], self._indptr[t + 1]
                    r, f = self._rows[start:end], self._tf[start:end]
                    if any_stale:
                        keep = ~self._stale[r]
                        r, f = r[keep], f[keep]
                    if rows < self._base_rows:
                        keep = r < rows
                        r, f = r[keep], f[keep]
                    acc[r] += idf * f * (K1 + 1) / (f + norm[r])
                postings = self._delta.get(t)
                if postings:
                    r = np.fromiter((x for x in postings if x < rows), np.int64)
                    if len(r):
                        f = np.fromiter((postings[x] for x in r.tolist()), np.float64, len(r))
                        acc[r] += idf * f * (K1 + 1) / (f + norm[r])
            hit = np.flatnonzero(acc[:rows] > 0)
            return hit, acc[hit]
