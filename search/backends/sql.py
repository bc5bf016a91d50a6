"""The embedded backend: full-text search inside the application's own database.

- SQLite: an FTS5 table of index terms (``unicode61`` splits on the spaces between them) ranked
  by FTS5's BM25.
- PostgreSQL: a ``tsvector`` column (``simple`` configuration: the terms are already analysed)
  with a GIN index, ranked by ``ts_rank``.

Filters and facets use ``search_terms`` (one row per document, field and value) and the
columns of ``search_documents``; the meaning half uses an in-process vector index (the
matcher's FAISS index). The tables are created by the application's migrations. The backend
works on a DB-API connection it is given and never commits: the caller owns the transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

import numpy as np

from search import analysis
from search.backends.base import Stored
from search.fusion import Candidate
from search.model import PRICE_BUCKETS, PUBLISHED_BUCKETS, Document
from search.terms import Conditions, document_terms, published_since

_COLUMNS = {"until", "amount_min", "amount_max", "price", "published_on", "starts_on"}
_ORDER = {
    "newest": "d.published_on IS NULL, d.published_on DESC, d.id DESC",
    "deadline": "d.until IS NULL, d.until, d.id",
    "amount": "d.amount_max IS NULL, d.amount_max DESC, d.id",
}
_CHUNK = 500


class VectorSource(Protocol):
    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...

    def __len__(self) -> int: ...


class SqlBackend:
    """``connect`` returns the DB-API connection to work on (the current transaction's);
    ``dialect`` is ``sqlite`` or ``postgresql``; ``vectors`` gives the nearest ids to a vector
    (None: keyword search only)."""

    def __init__(self, connect: Callable[[], Any], dialect: str, vectors: Callable[[], VectorSource | None] | None = None) -> None:
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported dialect {dialect!r}")
        self._connect = connect
        self.dialect = dialect
        self.name = "sqlite-fts5" if dialect == "sqlite" else "postgresql-fts"
        self._vectors = vectors

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

    # --- writing ----------------------------------------------------------------------------

    def upsert(self, documents: Sequence[Document]) -> None:
        self.delete([d.id for d in documents])
        visible = [d for d in documents if d.visible]
        self._run(
            "INSERT INTO search_documents (id, title, body, category, subcategory, amount_min, amount_max, price, "
            "starts_on, until, published_on, verified, terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(d.id, d.title, d.body, d.category, d.subcategory, d.amount_min, d.amount_max, d.price, d.starts_on,
              d.until, d.published_on, d.verified, analysis.document_text(d.title, d.body)) for d in visible],
        )
        self._run(
            "INSERT INTO search_terms (doc_id, field, value) VALUES (?, ?, ?)",
            [(d.id, name, value) for d in visible for name, values in document_terms(d).items() for value in values],
        )
        if self.dialect == "sqlite":
            self._run(
                "INSERT INTO search_fts (rowid, terms) SELECT id, terms FROM search_documents WHERE id = ?",
                [(d.id,) for d in visible],
            )
        else:
            self._run(
                "UPDATE search_documents SET tsv = to_tsvector('simple', terms) WHERE id = ?",
                [(d.id,) for d in visible],
            )

    def delete(self, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            marks = ", ".join("?" * len(chunk))
            if self.dialect == "sqlite":
                self._rows(f"DELETE FROM search_fts WHERE rowid IN ({marks})", chunk)
            self._rows(f"DELETE FROM search_terms WHERE doc_id IN ({marks})", chunk)
            self._rows(f"DELETE FROM search_documents WHERE id IN ({marks})", chunk)

    def clear(self) -> None:
        if self.dialect == "sqlite":
            self._rows("DELETE FROM search_fts")
        self._rows("DELETE FROM search_terms")
        self._rows("DELETE FROM search_documents")

    def count(self) -> int:
        return int(self._rows("SELECT count(*) FROM search_documents")[0][0])

    # --- conditions -------------------------------------------------------------------------

    def _match(self, terms: list[str]) -> tuple[str, list[Any]]:
        """The full-text condition on ``d`` and its parameter (terms are letters and digits
        only, see :mod:`search.analysis`, so they can never be read as query syntax)."""
        if self.dialect == "sqlite":
            query = " OR ".join(f'"{t}"' for t in terms)
            return "d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)", [query]
        return "d.tsv @@ to_tsquery('simple', ?)", [" | ".join(terms)]

    def _where(self, conditions: Conditions) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for name, values in conditions.terms:
            marks = ", ".join("?" * len(values))
            clauses.append(f"EXISTS (SELECT 1 FROM search_terms t WHERE t.doc_id = d.id AND t.field = ? AND t.value IN ({marks}))")
            params += [name, *values]
        for r in conditions.ranges:
            if r.field not in _COLUMNS:
                raise ValueError(f"unknown range field {r.field!r}")
            parts, part_params = [], []
            if r.low is not None:
                parts.append(f"d.{r.field} >= ?")
                part_params.append(r.low)
            if r.high is not None:
                parts.append(f"d.{r.field} <= ?")
                part_params.append(r.high)
            clause = " AND ".join(parts) or "1 = 1"
            clauses.append(f"(d.{r.field} IS NULL OR ({clause}))" if r.missing else f"(d.{r.field} IS NOT NULL AND {clause})")
            params += part_params
        return clauses, params

    def _set(self, terms: list[str] | None, extra: Sequence[int]) -> tuple[list[str], list[Any]]:
        """The result-set condition: every document (terms None), or matches ∪ extra ids."""
        if terms is None:
            return [], []
        parts: list[str] = []
        params: list[Any] = []
        if terms:
            clause, params = self._match(terms)
            parts.append(clause)
        if extra:
            parts.append(f"d.id IN ({', '.join('?' * len(extra))})")
            params = [*params, *extra]
        return ([f"({' OR '.join(parts)})"] if parts else ["1 = 0"]), params

    def _select(self, columns: str, terms: list[str] | None, extra: Sequence[int], conditions: Conditions,
                tail: str = "", tail_params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        set_clauses, set_params = self._set(terms, extra)
        where, params = self._where(conditions)
        clauses = set_clauses + where
        sql = f"SELECT {columns} FROM search_documents d" + (f" WHERE {' AND '.join(clauses)}" if clauses else "")
        return self._rows(f"{sql} {tail}", [*set_params, *params, *tail_params])

    # --- reading ----------------------------------------------------------------------------

    def lexical(self, terms: list[str], conditions: Conditions, limit: int) -> list[Candidate]:
        if not terms:
            return []
        where, params = self._where(conditions)
        extra_where = "".join(f" AND {c}" for c in where)
        if self.dialect == "sqlite":
            rows = self._rows(
                "SELECT d.id, -bm25(search_fts) AS score, d.category, d.subcategory FROM search_fts "
                f"JOIN search_documents d ON d.id = search_fts.rowid WHERE search_fts MATCH ?{extra_where} "
                "ORDER BY bm25(search_fts), d.id LIMIT ?",
                [" OR ".join(f'"{t}"' for t in terms), *params, limit],
            )
        else:
            rows = self._rows(
                "SELECT d.id, ts_rank(d.tsv, q) AS score, d.category, d.subcategory "
                f"FROM search_documents d, to_tsquery('simple', ?) q WHERE d.tsv @@ q{extra_where} "
                "ORDER BY score DESC, d.id LIMIT ?",
                [" | ".join(terms), *params, limit],
            )
        return [Candidate(int(i), float(s), c, sub) for i, s, c, sub in rows]

    def semantic(self, vector: np.ndarray, conditions: Conditions, k: int) -> list[Candidate]:
        source = self._vectors() if self._vectors else None
        if source is None or len(source) == 0:
            return []
        fetch = min(k * 2, len(source))
        while True:
            ids, scores = source.search(vector, fetch)
            score_of = dict(zip(ids.tolist(), scores.tolist(), strict=True))
            rows = self._rows_for(list(score_of), conditions, "d.id, d.category, d.subcategory")
            found = sorted((Candidate(int(i), float(score_of[i]), c, s) for i, c, s in rows), key=lambda c: (-c.score, c.id))
            if len(found) >= k or fetch >= len(source):
                return found[:k]
            fetch = min(fetch * 4, len(source))

    def _rows_for(self, ids: Sequence[int], conditions: Conditions, columns: str) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            where, params = self._where(conditions)
            clauses = [f"d.id IN ({', '.join('?' * len(chunk))})", *where]
            out += self._rows(f"SELECT {columns} FROM search_documents d WHERE {' AND '.join(clauses)}", [*chunk, *params])
        return out

    def passing(self, ids: Sequence[int], conditions: Conditions) -> set[int]:
        return {int(r[0]) for r in self._rows_for(ids, conditions, "d.id")}

    def total(self, terms: list[str] | None, extra: Sequence[int], conditions: Conditions) -> int:
        return int(self._select("count(*)", terms, extra, conditions)[0][0])

    def ordered(self, terms: list[str] | None, extra: Sequence[int], conditions: Conditions, sort: str,
                offset: int, limit: int, exclude: Sequence[int] = ()) -> list[int]:
        if sort == "lexical":
            if not terms:
                return []
            where, params = self._where(conditions)
            if exclude:
                where.append(f"d.id NOT IN ({', '.join('?' * len(exclude))})")
                params += list(exclude)
            extra_where = "".join(f" AND {c}" for c in where)
            if self.dialect == "sqlite":
                sql = ("SELECT d.id FROM search_fts JOIN search_documents d ON d.id = search_fts.rowid "
                       f"WHERE search_fts MATCH ?{extra_where} ORDER BY bm25(search_fts), d.id LIMIT ? OFFSET ?")
                query = " OR ".join(f'"{t}"' for t in terms)
            else:
                sql = ("SELECT d.id FROM search_documents d, to_tsquery('simple', ?) q "
                       f"WHERE d.tsv @@ q{extra_where} ORDER BY ts_rank(d.tsv, q) DESC, d.id LIMIT ? OFFSET ?")
                query = " | ".join(terms)
            return [int(r[0]) for r in self._rows(sql, [query, *params, limit, offset])]
        if sort not in _ORDER:
            raise ValueError(f"unknown sort {sort!r}")
        rows = self._select("d.id", terms, extra, conditions, f"ORDER BY {_ORDER[sort]} LIMIT ? OFFSET ?", [limit, offset])
        return [int(r[0]) for r in rows]

    def facets(self, terms: list[str] | None, extra: Sequence[int], per_field: Mapping[str, Conditions]) -> dict[str, dict[str, int]]:
        # Fields under the same conditions (every field without an active filter) share a query.
        groups: dict[Conditions, list[str]] = defaultdict(list)
        for name, cond in per_field.items():
            groups[cond].append(name)
        out: dict[str, dict[str, int]] = {}
        for cond, names in groups.items():
            term_fields = [n for n in names if n not in ("price", "published")]
            if term_fields:
                set_clauses, set_params = self._set(terms, extra)
                where, params = self._where(cond)
                clauses = [f"t.field IN ({', '.join('?' * len(term_fields))})", *set_clauses, *where]
                rows = self._rows(
                    "SELECT t.field, t.value, count(*) FROM search_terms t JOIN search_documents d ON d.id = t.doc_id "
                    f"WHERE {' AND '.join(clauses)} GROUP BY t.field, t.value",
                    [*term_fields, *set_params, *params],
                )
                for name in term_fields:
                    out[name] = {}
                for name, value, count in rows:
                    out[name][value] = int(count)
            if "price" in names:
                cases = " ".join(
                    f"WHEN d.price < {high} THEN '{key}'" for key, _low, high in PRICE_BUCKETS if high is not None
                )
                set_clauses, set_params = self._set(terms, extra)
                where, params = self._where(cond)
                clauses = ["d.price IS NOT NULL", "d.price >= 0", *set_clauses, *where]
                rows = self._rows(
                    f"SELECT CASE {cases} ELSE '{PRICE_BUCKETS[-1][0]}' END AS bucket, count(*) "
                    f"FROM search_documents d WHERE {' AND '.join(clauses)} GROUP BY bucket",
                    [*set_params, *params],
                )
                out["price"] = {bucket: int(count) for bucket, count in rows}
            if "published" in names:
                sums = ", ".join(
                    "sum(CASE WHEN d.published_on >= ? THEN 1 ELSE 0 END)" for _key, _low, _days in PUBLISHED_BUCKETS
                )
                since = [published_since(key, cond.as_of) for key, _low, _days in PUBLISHED_BUCKETS]
                set_clauses, set_params = self._set(terms, extra)
                where, params = self._where(cond)
                clauses = set_clauses + where
                sql = f"SELECT {sums} FROM search_documents d" + (f" WHERE {' AND '.join(clauses)}" if clauses else "")
                row = self._rows(sql, [*since, *set_params, *params])[0]
                out["published"] = {key: int(n or 0) for (key, _l, _d), n in zip(PUBLISHED_BUCKETS, row, strict=True)}
        return out

    def stored(self, ids: Sequence[int]) -> dict[int, Stored]:
        out = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            rows = self._rows(f"SELECT id, title, body FROM search_documents WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
            out.update({int(i): Stored(int(i), t, b) for i, t, b in rows})
        return out
