"""The embedded backend: search inside the application's own database, no server.

- Full text: the analysed terms are stored in the database's full-text index, SQLite FTS5
  (``search_fts``, the ``unicode61`` tokenizer splitting the terms on spaces) or PostgreSQL
  (``search_documents.tsv``, ``simple`` configuration, GIN index). By default each process
  also keeps them in an :class:`search.inverted.InvertedIndex` (BM25, kept in step like the
  columns) and ranks there: the database's ranking (FTS5 ``bm25()``, ``ts_rank``) scores every
  matching row, 100-900 ms for a broad query at 100k documents. ``memory_text=False`` ranks
  in the database instead (less memory per process; for small indexes or many workers).
- Filters, facet counts and field sorts: :class:`search.columns.Columns`, an in-memory copy of
  every document's keyword terms and numbers, loaded from ``search_documents`` and kept in step
  by its ``seq`` change counter (so changes made by other processes count at the next search).
- Meaning: an in-process vector index (the matcher's FAISS index).

Rows are never deleted, only hidden (``visible`` false, out of the full-text index), so every
process sees removals through ``seq``. The tables are made by the application's migrations.
The backend works on the DB-API connection it is given and never commits.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

import numpy as np

from search import analysis
from search.backends.base import Stored
from search.columns import Columns, Row, day_number
from search.fusion import Candidate
from search.inverted import InvertedIndex
from search.model import Document
from search.terms import Conditions, document_terms

_CHUNK = 500
_MATCH_CACHE = 32
_TEXT_BATCH = 5000


class VectorSource(Protocol):
    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...

    def __len__(self) -> int: ...


def _day(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return float(day_number(value))


class SqlBackend:
    """``connect`` returns the DB-API connection to work on (the current transaction's);
    ``dialect`` is ``sqlite`` or ``postgresql``; ``vectors`` gives the nearest ids to a vector
    (None: keyword search only)."""

    concurrent = False  # every call works on the calling thread's database connection

    def __init__(self, connect: Callable[[], Any], dialect: str, vectors: Callable[[], VectorSource | None] | None = None,
                 *, memory_text: bool = True) -> None:
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported dialect {dialect!r}")
        self._connect = connect
        self.dialect = dialect
        self.name = "sqlite-fts5" if dialect == "sqlite" else "postgresql-fts"
        self._vectors = vectors
        self._lock = threading.RLock()
        self._columns = Columns()
        self._memory_text = memory_text
        self._text = InvertedIndex()
        self._seq = 0
        self._matches: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}

    # --- plumbing ---------------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    def _value(self, value: Any) -> Any:
        if isinstance(value, date) and self.dialect == "sqlite":
            return value.isoformat()
        if isinstance(value, bool) and self.dialect == "sqlite":
            return int(value)
        return value

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self._connect().cursor()
        try:
            cursor.execute(self._sql(sql), [self._value(p) for p in params])
            return list(cursor.fetchall()) if cursor.description is not None else []
        finally:
            cursor.close()

    def _run(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        cursor = self._connect().cursor()
        try:
            cursor.executemany(self._sql(sql), [[self._value(v) for v in row] for row in rows])
        finally:
            cursor.close()

    def _next_seq(self) -> int:
        # Time-based, so a number is never handed out twice (not even after a rollback).
        stored = self._rows("SELECT max(seq) FROM search_documents")[0][0] or 0
        return max(int(stored) + 1, time.time_ns() // 1000)

    # --- writing ----------------------------------------------------------------------------

    def upsert(self, documents: Sequence[Document]) -> None:
        if not documents:
            return
        seq = self._next_seq()
        ids = [d.id for d in documents]
        self._unindex(ids)
        self._run("DELETE FROM search_documents WHERE id = ?", [(i,) for i in ids])
        self._run(
            "INSERT INTO search_documents (id, title, body, category, subcategory, amount_min, amount_max, price, "
            "starts_on, until, published_on, verified, terms, facets, visible, seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(d.id, d.title if d.visible else "", d.body if d.visible else "", d.category, d.subcategory,
              d.amount_min, d.amount_max, d.price, d.starts_on, d.until, d.published_on, d.verified,
              analysis.document_text(d) if d.visible else "",
              json.dumps(document_terms(d), ensure_ascii=False), d.visible, seq) for d in documents],
        )
        visible = [(d.id,) for d in documents if d.visible]
        if self.dialect == "sqlite":
            self._run("INSERT INTO search_fts (rowid, terms) SELECT id, terms FROM search_documents WHERE id = ?", visible)
        else:
            self._run("UPDATE search_documents SET tsv = to_tsvector('simple', terms) WHERE id = ?", visible)

    def _unindex(self, ids: Sequence[int]) -> None:
        if self.dialect != "sqlite":
            return
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            self._rows(f"DELETE FROM search_fts WHERE rowid IN ({', '.join('?' * len(chunk))})", chunk)

    def delete(self, ids: Sequence[int]) -> None:
        """Hide the documents (kept as rows so that every process sees the removal)."""
        if not ids:
            return
        seq = self._next_seq()
        self._unindex(ids)
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            self._rows(
                f"UPDATE search_documents SET visible = ?, terms = '', title = '', body = '', tsv = NULL, seq = ? "
                f"WHERE id IN ({', '.join('?' * len(chunk))})",
                [False, seq, *chunk],
            )

    def clear(self) -> None:
        if self.dialect == "sqlite":
            self._rows("DELETE FROM search_fts")
        self._rows("UPDATE search_documents SET visible = ?, terms = '', title = '', body = '', tsv = NULL, seq = ?",
                   [False, self._next_seq()])

    def count(self) -> int:
        return int(self._rows("SELECT count(*) FROM search_documents WHERE visible = ?", [True])[0][0])

    # --- the in-memory columns --------------------------------------------------------------

    def _sync(self) -> Columns:
        """Apply rows changed since the last look (by any process: ``seq`` only grows)."""
        with self._lock:
            newest = int(self._rows("SELECT max(seq) FROM search_documents")[0][0] or 0)
            if newest < self._seq:  # the table was rebuilt under us: start again
                self._columns, self._text, self._seq = Columns(), InvertedIndex(), 0
            if newest == self._seq:
                return self._columns
            text = ", terms" if self._memory_text else ", ''"
            rows = self._rows(
                "SELECT id, category, subcategory, facets, amount_min, amount_max, price, starts_on, until, "
                f"published_on, visible{text} FROM search_documents WHERE seq > ?",
                [self._seq],
            )
            columns = self._columns
            columns.apply(
                Row(int(i), cat, sub, json.loads(facets or "{}"),
                    {"amount_min": a_min, "amount_max": a_max, "price": price, "starts_on": _day(starts),
                     "until": _day(until), "published_on": _day(published)},
                    bool(visible))
                for i, cat, sub, facets, a_min, a_max, price, starts, until, published, visible, _terms in rows
            )
            if self._memory_text:
                for start in range(0, len(rows), _TEXT_BATCH):  # a batch's split terms at a time in memory
                    self._text.apply([(columns.row(int(r[0])), (r[11] or "").split() if r[10] else [])
                                      for r in rows[start : start + _TEXT_BATCH]], defer=True)
            self._seq = newest
            self._matches.clear()
            return self._columns

    def _fts(self, terms: list[str]) -> tuple[str, str]:
        """The full-text condition and its query (terms are letters and digits only, see
        :mod:`search.analysis`, so they can never be read as query syntax)."""
        if self.dialect == "sqlite":
            return "search_fts MATCH ?", " OR ".join(f'"{t}"' for t in terms)
        return "d.tsv @@ to_tsquery('simple', ?)", " | ".join(terms)

    def _scored(self, columns: Columns, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The rows of every document holding a term, with its text rank (higher is better),
        from one pass over the full-text index; cached per query until the next change."""
        key = tuple(terms)
        found = self._matches.get(key)
        if found is None:
            if self._memory_text:
                rows, scores = self._text.scores(terms, columns.rows)
            else:
                condition, query = self._fts(terms)
                if self.dialect == "sqlite":
                    sql = f"SELECT rowid, -bm25(search_fts) FROM search_fts WHERE {condition}"
                    result = self._rows(sql, [query])
                else:
                    sql = (f"SELECT d.id, ts_rank(d.tsv, to_tsquery('simple', ?)) FROM search_documents d "
                           f"WHERE {condition}")
                    result = self._rows(sql, [query, query])
                ids = np.fromiter((r[0] for r in result), np.int64, len(result))
                scores = np.fromiter((r[1] for r in result), np.float64, len(result))
                rows = columns.lookup(ids)
                rows, scores = rows[rows >= 0], scores[rows >= 0]
            if len(self._matches) >= _MATCH_CACHE:
                self._matches.pop(next(iter(self._matches)))
            found = self._matches[key] = (rows, scores)
        return found

    def _match_mask(self, columns: Columns, terms: list[str] | None, extra: Sequence[int]) -> np.ndarray:
        """Rows of the result set: every visible document (terms None), or those holding a
        term plus the ``extra`` ids."""
        if terms is None:
            return columns.visible[: columns.rows].copy()
        mask = np.zeros(columns.rows, bool)
        if terms:
            mask[self._scored(columns, terms)[0]] = True
        if extra:
            mask |= columns.mask_of(np.asarray(extra, np.int64))
        return mask & columns.visible[: columns.rows]

    def _ranked_passing(self, terms: list[str], allowed: np.ndarray, columns: Columns, wanted: int) -> list[tuple[int, float]]:
        """The best ``wanted`` text matches among allowed rows (ties by id)."""
        rows, scores = self._scored(columns, terms)
        if not len(rows):
            return []
        keep = allowed[rows]
        rows, scores = rows[keep], scores[keep]
        if len(rows) > wanted:
            top = np.argpartition(-scores, wanted - 1)[:wanted]
            rows, scores = rows[top], scores[top]
        ids = columns.ids[rows]
        order = np.lexsort((ids, -scores))
        return [(int(ids[i]), float(scores[i])) for i in order]

    # --- reading ----------------------------------------------------------------------------

    def lexical(self, terms: list[str], conditions: Conditions, limit: int) -> list[Candidate]:
        if not terms:
            return []
        columns = self._sync()
        allowed = columns.mask(conditions)
        return [Candidate(i, s, *columns.label(i)) for i, s in self._ranked_passing(terms, allowed, columns, limit)]

    def semantic(self, vector: np.ndarray, conditions: Conditions, k: int) -> list[Candidate]:
        source = self._vectors() if self._vectors else None
        if source is None or len(source) == 0:
            return []
        columns = self._sync()
        allowed = columns.mask(conditions)
        fetch = min(k * 2, len(source))
        while True:
            ids, scores = source.search(vector, fetch)
            rows = columns.lookup(np.asarray(ids, np.int64))
            keep = rows >= 0
            keep[keep] = allowed[rows[keep]]
            if keep.sum() >= k or fetch >= len(source):
                order = np.lexsort((ids[keep], -scores[keep]))[:k]
                return [Candidate(int(ids[keep][i]), float(scores[keep][i]), *columns.label(int(ids[keep][i]))) for i in order]
            fetch = min(fetch * 4, len(source))

    def passing(self, ids: Sequence[int], conditions: Conditions) -> set[int]:
        columns = self._sync()
        rows = columns.rows_of(ids)
        if not len(rows):
            return set()
        return {int(i) for i in columns.ids[rows[columns.mask(conditions)[rows]]]}

    def total(self, terms: list[str] | None, extra: Sequence[int], conditions: Conditions) -> int:
        columns = self._sync()
        return int((self._match_mask(columns, terms, extra) & columns.mask(conditions)).sum())

    def ordered(self, terms: list[str] | None, extra: Sequence[int], conditions: Conditions, sort: str,
                offset: int, limit: int, exclude: Sequence[int] = ()) -> list[int]:
        columns = self._sync()
        allowed = columns.mask(conditions)
        if sort == "lexical":
            if not terms:
                return []
            if exclude:
                allowed &= ~columns.mask_of(exclude)
            ranked = self._ranked_passing(terms, allowed, columns, offset + limit)
            return [i for i, _ in ranked[offset : offset + limit]]
        return columns.order(self._match_mask(columns, terms, extra) & allowed, sort, offset, limit)

    def facets(self, terms: list[str] | None, extra: Sequence[int], per_field: Mapping[str, Conditions]) -> dict[str, dict[str, int]]:
        columns = self._sync()
        found = self._match_mask(columns, terms, extra)
        masks: dict[Conditions, np.ndarray] = {}
        out = {}
        for name, cond in per_field.items():
            if cond not in masks:
                masks[cond] = found & columns.mask(cond)
            out[name] = columns.counts(masks[cond], name, cond.as_of)
        return out

    def summary(self, terms: list[str] | None, extra: Sequence[int], conditions: Conditions,
                per_field: Mapping[str, Conditions]) -> tuple[int, dict[str, dict[str, int]]]:
        return self.total(terms, extra, conditions), self.facets(terms, extra, per_field) if per_field else {}

    def stored(self, ids: Sequence[int]) -> dict[int, Stored]:
        out = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            rows = self._rows(
                f"SELECT id, title, body FROM search_documents WHERE visible = ? AND id IN ({', '.join('?' * len(chunk))})",
                [True, *chunk],
            )
            out.update({int(i): Stored(int(i), t, b) for i, t, b in rows})
        return out
