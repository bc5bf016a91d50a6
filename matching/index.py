"""A vector index with stable ids and eligibility-filtered search.

Vectors are unit length; similarity is the inner product. The index keeps one float32 matrix
(a row per vector; a replaced or removed id leaves a dead row until the next compaction) and,
from ``approximate_from`` vectors on, an HNSW graph over the same rows (FAISS ``IndexHNSWSQ``
with float16 storage: half the memory of a float32 copy, the same ranking).

Filtered search (``allowed``: ids, or an eligible set such as
:class:`matching.eligibility.EligibleSet`) picks its method by how many ids are allowed:

- few (≤ ``exact_limit``) or a small index: exact — dot products on just the allowed rows
  (``faiss.knn_inner_products_by_idx``: no copy of the rows), always right;
- many: HNSW without a filter, over-fetching about ``2·k / (allowed fraction)`` candidates
  (``efSearch`` at least that many), keeping the allowed ones, fetching more if too few survived;
  the survivors are re-scored exactly in float32.

Exact search on the eligible subset costs time in proportion to its size, HNSW post-filtering in
proportion to the inverse of its fraction: each is used where it is cheap.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from typing import Any, Protocol

import numpy as np

DEFAULT_APPROXIMATE_FROM = 50_000
DEFAULT_EXACT_LIMIT = 20_000
_MAX_FETCH = 16_384  # beyond this many HNSW candidates an exact scan is cheaper
_SPARSE_SLACK = 1 << 20


def _faiss() -> Any:
    import faiss  # heavy: imported on first use

    return faiss


class AllowedSet(Protocol):
    """What :meth:`VectorIndex.search` needs from an eligible set (see ``EligibleSet``)."""

    def __len__(self) -> int: ...

    def ids(self) -> np.ndarray: ...

    def contains(self, ids: np.ndarray) -> np.ndarray: ...


class IdRows:
    """Id → row number, for one id or a whole array at once.

    Database ids are dense, so a flat array indexed by id answers a million lookups in a few
    milliseconds; ids far sparser than that fall back to a dict (and a sorted copy for arrays).
    Ids must be non-negative; -1 means "no row".
    """

    def __init__(self) -> None:
        self._count = 0
        self._dense: np.ndarray | None = np.full(1024, -1, np.int64)
        self._sparse: dict[int, int] = {}
        self._sorted: tuple[np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return self._count

    def __contains__(self, item: object) -> bool:
        try:
            return self.get(int(item)) is not None  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return False

    def get(self, listing_id: int) -> int | None:
        if self._dense is None:
            return self._sparse.get(listing_id)
        if 0 <= listing_id < len(self._dense):
            row = int(self._dense[listing_id])
            return row if row >= 0 else None
        return None

    def assign(self, ids: np.ndarray, rows: np.ndarray) -> None:
        """Map distinct non-negative ``ids`` to ``rows`` (replacing earlier rows)."""
        if len(ids) == 0:
            return
        if self._dense is not None:
            top = int(ids.max())
            if top >= len(self._dense):
                if top > 4 * (self._count + len(ids)) + _SPARSE_SLACK:
                    self._to_sparse()
                else:
                    grown = np.full(max(top + 1, 2 * len(self._dense)), -1, np.int64)
                    grown[: len(self._dense)] = self._dense
                    self._dense = grown
        if self._dense is not None:
            self._count += int((self._dense[ids] < 0).sum())
            self._dense[ids] = rows
        else:
            self._sparse.update(zip(ids.tolist(), rows.tolist(), strict=True))
            self._count = len(self._sparse)
            self._sorted = None

    def discard(self, ids: np.ndarray) -> np.ndarray:
        """Forget ``ids``; the rows they had (unknown ids are skipped)."""
        rows = self.lookup(ids)
        found = rows >= 0
        gone = np.unique(ids[found])
        if self._dense is not None:
            self._dense[gone] = -1
        else:
            for listing_id in gone.tolist():
                del self._sparse[listing_id]
            self._sorted = None
        self._count -= len(gone)
        return np.unique(rows[found])

    def lookup(self, ids: np.ndarray) -> np.ndarray:
        """The row of each id, -1 for unknown ids."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        out = np.full(len(ids), -1, np.int64)
        if self._dense is not None:
            inside = (ids >= 0) & (ids < len(self._dense))
            out[inside] = self._dense[ids[inside]]
            return out
        if self._sorted is None:
            keys = np.fromiter(self._sparse.keys(), np.int64, len(self._sparse))
            values = np.fromiter(self._sparse.values(), np.int64, len(self._sparse))
            order = np.argsort(keys)
            self._sorted = keys[order], values[order]
        keys, values = self._sorted
        if len(keys):
            at = np.minimum(np.searchsorted(keys, ids), len(keys) - 1)
            hit = keys[at] == ids
            out[hit] = values[at[hit]]
        return out

    def _to_sparse(self) -> None:
        assert self._dense is not None
        ids = np.flatnonzero(self._dense >= 0)
        self._sparse = dict(zip(ids.tolist(), self._dense[ids].tolist(), strict=True))
        self._dense = None
        self._sorted = None

    @property
    def nbytes(self) -> int:
        if self._dense is not None:
            return int(self._dense.nbytes)
        return 100 * len(self._sparse)  # a rough figure for a dict of ints


class VectorIndex:
    """Unit vectors by id, searched by inner product, optionally among allowed ids only."""

    def __init__(
        self,
        dim: int,
        *,
        approximate_from: int = DEFAULT_APPROXIMATE_FROM,
        exact_limit: int = DEFAULT_EXACT_LIMIT,
        hnsw_m: int = 32,
        ef_construction: int = 80,
        ef_search: int = 64,
    ) -> None:
        if dim <= 0:
            raise ValueError("dim must be positive")
        self.dim = dim
        self.approximate_from = approximate_from
        self.exact_limit = exact_limit
        self.hnsw_m = hnsw_m
        self.ef_construction = ef_construction
        self.ef_search = ef_search
        self._vectors = np.zeros((0, dim), np.float32)  # capacity rows; the first _n are used
        self._row_ids = np.zeros(0, np.int64)  # id of each row, -1 for a dead row
        self._n = 0
        self._dead = 0
        self._rows = IdRows()
        self._hnsw: Any = None  # faiss IndexHNSWSQ over rows [0, ntotal), kept in step by add

    # --- contents ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, item: object) -> bool:
        return item in self._rows

    @property
    def ids(self) -> np.ndarray:
        """The ids in the index, in insertion order."""
        ids = self._row_ids[: self._n]
        return ids[ids >= 0]

    @property
    def approximate(self) -> bool:
        return len(self) >= self.approximate_from

    @property
    def nbytes(self) -> int:
        """Bytes held: vectors (with spare capacity), row ids, the id map and the HNSW graph."""
        total = self._vectors.nbytes + self._row_ids.nbytes + self._rows.nbytes
        if self._hnsw is not None:
            total += self._hnsw.ntotal * self.dim * 2  # float16 storage
            total += self._hnsw.hnsw.neighbors.size() * 4 + self._hnsw.hnsw.offsets.size() * 8
            total += self._hnsw.hnsw.levels.size() * 4
        return int(total)

    def _check(self, ids: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"vectors must have shape (n, {self.dim}), got {vectors.shape}")
        if len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} ids for {len(vectors)} vectors")
        if (ids < 0).any() or len(np.unique(ids)) != len(ids):
            raise ValueError("ids must be distinct and non-negative")
        return ids, vectors

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors (a row per id); an id that is already present is replaced.

        Raises ValueError for a shape that is not ``(len(ids), dim)`` or repeated/negative ids.
        """
        ids, vectors = self._check(ids, vectors)
        if len(ids) == 0:
            return
        self._forget(ids)
        start, end = self._n, self._n + len(ids)
        if end > len(self._vectors):
            self._grow(max(end, len(self._vectors) * 3 // 2))
        self._vectors[start:end] = vectors
        self._row_ids[start:end] = ids
        self._n = end
        self._rows.assign(ids, np.arange(start, end, dtype=np.int64))
        if self._hnsw is not None:
            if self._hnsw.ntotal != start:  # cannot happen: rows and graph grow together
                self._hnsw = None
            else:
                self._hnsw.add(vectors)
        self._maybe_compact()

    def remove(self, ids: list[int] | np.ndarray) -> None:
        """Forget these ids (unknown ids are ignored)."""
        self._forget(np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, np.int64))
        self._maybe_compact()

    def _forget(self, ids: np.ndarray) -> None:
        rows = self._rows.discard(ids.reshape(-1))
        self._row_ids[rows] = -1
        self._dead += len(rows)

    def _grow(self, capacity: int) -> None:
        vectors = np.zeros((capacity, self.dim), np.float32)
        vectors[: self._n] = self._vectors[: self._n]
        row_ids = np.full(capacity, -1, np.int64)
        row_ids[: self._n] = self._row_ids[: self._n]
        self._vectors, self._row_ids = vectors, row_ids

    def _maybe_compact(self) -> None:
        # Dead rows cost memory and, in the graph, search effort; renumbering rows means
        # rebuilding the graph, so it waits until half the rows are dead.
        if self._dead > max(len(self), 1024):
            self._compact()

    def _compact(self) -> None:
        live = np.flatnonzero(self._row_ids[: self._n] >= 0)
        self._vectors = np.ascontiguousarray(self._vectors[live])
        self._row_ids = self._row_ids[live]
        self._n, self._dead = len(live), 0
        self._rows = IdRows()
        self._rows.assign(self._row_ids, np.arange(self._n, dtype=np.int64))
        self._hnsw = None

    def vectors_of(self, ids: np.ndarray | list[int]) -> np.ndarray:
        """The stored vectors of these ids (KeyError for an unknown id)."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        rows = self._rows.lookup(ids)
        if (rows < 0).any():
            raise KeyError(int(ids[np.argmax(rows < 0)]))
        vectors: np.ndarray = self._vectors[rows]
        return vectors

    # --- HNSW -------------------------------------------------------------------------------

    def build(self) -> None:
        """Build the HNSW graph now if the index is large enough to use it (else do nothing).

        Search builds it on first use; call this at start-up to keep that cost off a request.
        """
        if self.approximate and self._hnsw is None:
            faiss = _faiss()
            if self._dead:
                self._compact()
            graph = faiss.IndexHNSWSQ(self.dim, faiss.ScalarQuantizer.QT_fp16, self.hnsw_m,
                                      faiss.METRIC_INNER_PRODUCT)
            graph.hnsw.efConstruction = self.ef_construction
            graph.train(self._vectors[: min(self._n, 1000)])
            graph.add(self._vectors[: self._n])
            self._hnsw = graph

    # --- search -----------------------------------------------------------------------------

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | list[int] | AllowedSet | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` most similar ids and their scores, best first.

        ``allowed`` limits the answer to some ids: an array of ids, or (much faster for large
        sets) an eligible set with ``len``, ``ids()`` and ``contains(ids)`` such as
        ``ListingTable.eligible(seeker)``. Raises ValueError for a query of the wrong size.
        """
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if query.shape[0] != self.dim:
            raise ValueError(f"query must have {self.dim} dimensions, got {query.shape[0]}")
        if k <= 0 or len(self) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        selection = _Selection.of(self, allowed)
        if selection.count == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if self.approximate and selection.count > self.exact_limit:
            found = self._approximate(query, k, selection)
            if found is not None:
                return found
        return self._exact(query, k, selection.rows())

    def _exact(self, query: np.ndarray, k: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        faiss = _faiss()
        k = min(k, len(rows))
        if k == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if len(rows) > self._n // 4:  # most rows: one matrix-vector product beats gathering
            scores = (self._vectors[: self._n] @ query)[rows]
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.argsort(-scores[top], kind="stable")]
            return self._row_ids[rows[top]], scores[top]
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        scores = np.empty(k, np.float32)
        best = np.empty(k, np.int64)
        faiss.knn_inner_products_by_idx(
            faiss.swig_ptr(query), faiss.swig_ptr(self._vectors), faiss.swig_ptr(rows),
            self.dim, 1, self._n, len(rows), k, faiss.swig_ptr(scores), faiss.swig_ptr(best),
        )
        return self._row_ids[best], scores

    def _approximate(self, query: np.ndarray, k: int, selection: _Selection) -> tuple[np.ndarray, np.ndarray] | None:
        """Post-filtered HNSW search; None when too few allowed candidates turn up."""
        faiss = _faiss()
        self.build()
        total = self._hnsw.ntotal
        fetch = min(total, max(2 * k, math.ceil(2 * k * total / selection.count)))
        while True:
            params = faiss.SearchParametersHNSW(efSearch=max(self.ef_search, fetch))
            _, labels = self._hnsw.search(query.reshape(1, -1), fetch, params=params)
            rows = labels[0][labels[0] >= 0]
            rows = rows[selection.accepts(rows)]
            if len(rows) >= k or fetch >= min(total, _MAX_FETCH):
                break
            fetch = min(total, _MAX_FETCH, fetch * 4)
        if len(rows) < k and fetch < total:
            return None
        scores = self._vectors[rows] @ query
        top = np.argsort(-scores, kind="stable")[:k]
        return self._row_ids[rows[top]], scores[top]

    # --- persistence ------------------------------------------------------------------------

    def save(self, path: str | Path, *, graph: bool = True) -> None:
        """Write ids and vectors (an .npz), with the HNSW graph if built and ``graph``.

        The write is atomic: a crash never leaves half a file.
        """
        live = self._row_ids[: self._n] >= 0
        arrays: dict[str, np.ndarray] = {
            "ids": self._row_ids[: self._n][live],
            "vectors": self._vectors[: self._n][live],
            "dim": np.int64(self.dim),  # type: ignore[dict-item]
        }
        if graph and self._hnsw is not None and not self._dead:
            faiss = _faiss()
            arrays["hnsw"] = faiss.serialize_index(self._hnsw)
        path = Path(path)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, **arrays)  # type: ignore[arg-type]
        tmp.replace(path)

    @classmethod
    def load(cls, path: str | Path, **options: int) -> VectorIndex:
        """Read an index written by :meth:`save`. Raises ValueError if the file is unreadable."""
        try:
            with open(path, "rb") as file:  # ours to close, even when numpy fails half-way
                data = np.load(file, allow_pickle=False)
                if not isinstance(data, np.lib.npyio.NpzFile):
                    raise ValueError("not an .npz archive")
                with data:
                    index = cls(int(data["dim"]), **options)
                    index.add(data["ids"], data["vectors"])
                    if "hnsw" in data.files:
                        index._attach(data["hnsw"])
        except (OSError, KeyError, ValueError, EOFError, RuntimeError, zipfile.BadZipFile) as exc:
            raise ValueError(f"cannot read vector index {path}: {exc}") from exc
        return index

    def _attach(self, serialized: np.ndarray) -> None:
        graph = _faiss().deserialize_index(np.ascontiguousarray(serialized, dtype=np.uint8))
        if not hasattr(graph, "hnsw") or graph.d != self.dim or graph.ntotal != self._n:
            raise ValueError("the stored HNSW graph does not match the stored vectors")
        self._hnsw = graph


class _Selection:
    """The allowed rows of one search, in the index's own row numbers."""

    def __init__(self, index: VectorIndex, count: int) -> None:
        self.index = index
        self.count = count  # an upper bound: allowed ids may lack a vector

    @staticmethod
    def of(index: VectorIndex, allowed: np.ndarray | list[int] | AllowedSet | None) -> _Selection:
        if allowed is None:
            return _Live(index, len(index))
        if hasattr(allowed, "contains") and hasattr(allowed, "ids"):
            return _FromSet(index, allowed)
        return _FromIds(index, np.asarray(allowed, dtype=np.int64).reshape(-1))

    def rows(self) -> np.ndarray:
        raise NotImplementedError

    def accepts(self, rows: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class _Live(_Selection):
    def rows(self) -> np.ndarray:
        return np.flatnonzero(self.index._row_ids[: self.index._n] >= 0)

    def accepts(self, rows: np.ndarray) -> np.ndarray:
        live: np.ndarray = self.index._row_ids[rows] >= 0
        return live


class _FromSet(_Selection):
    def __init__(self, index: VectorIndex, allowed: AllowedSet) -> None:
        super().__init__(index, len(allowed))
        self.allowed = allowed

    def rows(self) -> np.ndarray:
        rows = self.index._rows.lookup(self.allowed.ids())
        return rows[rows >= 0]

    def accepts(self, rows: np.ndarray) -> np.ndarray:
        ids = self.index._row_ids[rows]
        accepted: np.ndarray = (ids >= 0) & self.allowed.contains(ids)
        return accepted


class _FromIds(_Selection):
    """Allowed ids given as an array: costs time in proportion to their number."""

    def __init__(self, index: VectorIndex, ids: np.ndarray) -> None:
        rows = index._rows.lookup(ids)
        rows = rows[rows >= 0]
        self._mask: np.ndarray | None = None
        if len(rows) * 16 < index._n:  # few: sorting them is cheap
            self._rows = np.unique(rows)
        else:  # many: a row mask drops repeats without sorting
            self._mask = np.zeros(index._n, dtype=bool)
            self._mask[rows] = True
            self._rows = np.flatnonzero(self._mask)
        super().__init__(index, len(self._rows))

    def rows(self) -> np.ndarray:
        return self._rows

    def accepts(self, rows: np.ndarray) -> np.ndarray:
        if self._mask is None:
            self._mask = np.zeros(self.index._n, dtype=bool)
            self._mask[self._rows] = True
        accepted: np.ndarray = self._mask[rows]
        return accepted
