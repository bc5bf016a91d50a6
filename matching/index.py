"""A vector index with stable ids and eligibility-filtered search.

Vectors are unit length; similarity is the inner product. The index keeps one float32 matrix
(a row per vector; a replaced or removed id leaves a dead row until the next compaction) and,
from ``approximate_from`` vectors on, approximate structures over the same rows (:class:`_Graph`):
an HNSW graph (FAISS ``IndexHNSWSQ``, float16 storage: half the memory of a float32 copy) and
about √n *cells* (spherical k-means centroids and the rows most similar to each).

Search (among ``allowed`` ids: an id array, or an eligible set such as
:class:`matching.eligibility.EligibleSet`) uses one of three methods:

- ``exact``: dot products on just the allowed rows (``faiss.knn_inner_products_by_idx``, no copy
  of the rows); always right; time in proportion to the number allowed — best for few;
- ``cells``: the rows of the cells whose centroids are most similar to the query, kept if
  allowed, scored exactly — about 40·k allowed candidates, at least 16 cells; best for a few %;
- ``hnsw``: the graph without a filter, over-fetching ``2·k / (allowed fraction)`` candidates
  (``efSearch`` at least that many), kept if allowed, re-scored exactly — best for many.

:func:`_costs` estimates each (constants measured on the benchmark machine, bench/RESULTS.md)
and the cheapest is used; never ``exact`` above ``exact_limit`` allowed ids, nothing approximate
below ``approximate_from`` vectors. Both approximate methods fetch more when too few allowed
candidates turn up. HNSW's greedy descent through the upper layers can stop in the wrong cluster
of clustered data (real embeddings are clustered), so the level-0 search starts instead from the
most central rows of the 16 cells nearest the query (``IndexHNSW.search_level_0``).
"""

from __future__ import annotations

import math
import weakref
import zipfile
from pathlib import Path
from typing import Any, Protocol

import numpy as np

DEFAULT_APPROXIMATE_FROM = 50_000
DEFAULT_EXACT_LIMIT = 100_000
METHODS = ("exact", "cells", "hnsw")
_MAX_FETCH = 16_384  # more HNSW candidates than this: another method is cheaper
_ENTRY_POINTS = 16  # cells whose central rows a graph search starts from
_MIN_CELLS = 16
_CANDIDATES_PER_RESULT = 40  # allowed candidates wanted per result, in cells
_SPARSE_SLACK = 1 << 20


def _costs(k: int, allowed: int, rows: int, cells: int, ef_search: int) -> dict[str, float]:
    """Estimated milliseconds of each method, from the benchmark machine with cold caches.

    Exact: 0.2 µs per allowed row, plus listing them (0.5 ns per row). Cells: 15 ns per row of the
    probed cells to test, 0.2 µs per allowed one to score. HNSW: 0.3 ms + 3.5 µs per candidate.
    """
    fraction = allowed / max(rows, 1)
    probed = min(rows, max(_MIN_CELLS, _cells_to_probe(k, allowed, rows, cells)) * rows / max(cells, 1))
    return {
        "exact": 2e-4 * allowed + 5e-7 * rows,
        "cells": 0.1 + 1.5e-5 * probed + 2e-4 * fraction * probed,
        "hnsw": 0.3 + 3.5e-3 * max(ef_search, _fetch(k, allowed, rows)),
    }


def _cells_to_probe(k: int, allowed: int, rows: int, cells: int) -> int:
    """Cells holding about ``40·k`` allowed rows (if allowed rows are spread evenly)."""
    return math.ceil(_CANDIDATES_PER_RESULT * k * cells / max(allowed, 1))


def _fetch(k: int, allowed: int, rows: int) -> int:
    """HNSW candidates to fetch for ``k`` allowed ones: twice the expected need."""
    return min(rows, max(2 * k, math.ceil(2 * k * rows / max(allowed, 1))))


def _faiss() -> Any:
    import faiss  # heavy: imported on first use

    return faiss


def rows_of_bits(words: np.ndarray, count: int | None = None) -> np.ndarray:
    """The positions of the set bits of packed ``uint64`` words (bit r % 64 of word r // 64),
    ascending; ``count``, if known, picks the faster way for very few."""
    if count is not None and count * 256 < 64 * len(words):  # unpack only non-zero words
        nonzero = np.flatnonzero(words)
        at = np.flatnonzero(np.unpackbits(words[nonzero].view(np.uint8), bitorder="little"))
        rows: np.ndarray = nonzero[at >> 6] * 64 + (at & 63)
        return rows
    bits = np.unpackbits(words.view(np.uint8), bitorder="little")
    return np.flatnonzero(bits.view(bool))  # a bool view takes numpy's fast path


def bits_at(words: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Whether bit ``row`` of ``words`` is set, for each row (False outside the words)."""
    inside = (rows >= 0) & (rows < 64 * len(words))
    result = np.zeros(len(rows), dtype=bool)
    rows = rows[inside]
    result[inside] = (words[rows >> 6] >> (rows & 63).astype(np.uint64)) & np.uint64(1) != 0
    return result


class AllowedSet(Protocol):
    """What :meth:`VectorIndex.search` needs from an eligible set (see ``EligibleSet``).

    A set that also has ``words`` (a packed ``uint64`` bitset over the rows of a table) and
    ``table`` (with ``version`` and ``rows_of(ids)``) is read through a cached map of rows, or
    directly when the table and the index hold the same ids in the same rows.
    """

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
        self._graph: _Graph | None = None  # over rows [0, ntotal), kept in step by add
        self._version = 0  # bumped by every change of rows
        self._table_map: tuple[Any, int, int, np.ndarray, np.ndarray | None] | None = None

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
        """Bytes held: vectors (with spare capacity), row ids, the id map, graph and cells."""
        total = self._vectors.nbytes + self._row_ids.nbytes + self._rows.nbytes
        return int(total + (self._graph.nbytes if self._graph is not None else 0))

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
        self._version += 1
        if self._graph is not None:
            self._graph.add(self._vectors[:end], start)
        self._maybe_compact()

    def remove(self, ids: list[int] | np.ndarray) -> None:
        """Forget these ids (unknown ids are ignored).

        Their rows stay in the graph, skipped by search, until more than half the rows are dead;
        then the index compacts and the graph is rebuilt (by :meth:`build` or the next search).
        """
        self._forget(np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, np.int64))
        self._maybe_compact()

    def _forget(self, ids: np.ndarray) -> None:
        rows = self._rows.discard(ids.reshape(-1))
        self._row_ids[rows] = -1
        self._dead += len(rows)
        self._version += 1

    def _grow(self, capacity: int) -> None:
        vectors = np.zeros((capacity, self.dim), np.float32)
        vectors[: self._n] = self._vectors[: self._n]
        row_ids = np.full(capacity, -1, np.int64)
        row_ids[: self._n] = self._row_ids[: self._n]
        self._vectors, self._row_ids = vectors, row_ids

    def _maybe_compact(self) -> None:
        # Dead rows cost memory and search effort; renumbering rows means rebuilding the graph,
        # so it waits until half the rows are dead.
        if self._dead > max(len(self), 1024):
            self._compact()

    def _compact(self) -> None:
        live = np.flatnonzero(self._row_ids[: self._n] >= 0)
        self._vectors = np.ascontiguousarray(self._vectors[live])
        self._row_ids = self._row_ids[live]
        self._n, self._dead = len(live), 0
        self._rows = IdRows()
        self._rows.assign(self._row_ids, np.arange(self._n, dtype=np.int64))
        self._graph = None
        self._version += 1

    def vectors_of(self, ids: np.ndarray | list[int]) -> np.ndarray:
        """The stored vectors of these ids (KeyError for an unknown id)."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        rows = self._rows.lookup(ids)
        if (rows < 0).any():
            raise KeyError(int(ids[np.argmax(rows < 0)]))
        vectors: np.ndarray = self._vectors[rows]
        return vectors

    def build(self) -> None:
        """Build the approximate structures now if the index is large enough to use them.

        Search builds them on first use; call this at start-up to keep that cost off a request.
        """
        if self.approximate and self._graph is None:
            self._build_graph()

    def _build_graph(self) -> _Graph:
        if self._graph is None:
            if self._dead:
                self._compact()
            self._graph = _Graph.build(self._vectors[: self._n], self.hnsw_m, self.ef_construction)
        return self._graph

    def _rows_in(self, table: Any) -> tuple[np.ndarray, np.ndarray | None]:
        """For each row here, the row of its id in ``table`` (-1: none or dead), and — when that
        is the same row wherever there is one — the rows here that are live, as packed words.

        Kept until either side changes: tables filled in the same order as the index share rows,
        and then an eligible set's bitset can be read directly.
        """
        key = (table.version, self._version)
        cached = self._table_map
        if cached is None or cached[0]() is not table or cached[1:3] != key:
            mapped = np.asarray(table.rows_of(self._row_ids[: self._n]), dtype=np.int64)
            mapped[self._row_ids[: self._n] < 0] = -1
            same = bool(np.all((mapped < 0) | (mapped == np.arange(self._n))))
            live = np.packbits(mapped >= 0, bitorder="little") if same else None
            if live is not None:
                live = np.concatenate([live, np.zeros(-len(live) % 8, np.uint8)]).view(np.uint64)
            cached = self._table_map = (weakref.ref(table), *key, mapped, live)
        return cached[3], cached[4]

    # --- search -----------------------------------------------------------------------------

    def search(
        self,
        query: np.ndarray,
        k: int,
        allowed: np.ndarray | list[int] | AllowedSet | None = None,
        *,
        method: str | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` most similar ids and their scores, best first.

        ``allowed`` limits the answer to some ids: an array of ids, or (much faster for large
        sets) an eligible set with ``len``, ``ids()`` and ``contains(ids)`` such as
        ``ListingTable.eligible(seeker)``. ``method`` forces one of :data:`METHODS` (default: the
        cheapest, see :meth:`method`). Raises ValueError for a query of the wrong size or an
        unknown method.
        """
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if query.shape[0] != self.dim:
            raise ValueError(f"query must have {self.dim} dimensions, got {query.shape[0]}")
        if method is not None and method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        if k <= 0 or len(self) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        selection = _Selection.of(self, allowed)
        if selection.count == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        method = method or self.method(k, selection.count)
        found = None
        if method != "exact":  # (a forced method builds the graph even for a small index)
            graph = self._build_graph()
            scores = graph.centroid_scores(query)
            found = (self._cells if method == "cells" else self._hnsw)(query, k, selection, scores)
        return found if found is not None else self._exact(query, k, selection.rows())

    def method(self, k: int, allowed: int) -> str:
        """The method :meth:`search` uses for ``k`` among ``allowed`` ids: the cheapest."""
        if not self.approximate:
            return "exact"
        cells = self._graph.cells if self._graph is not None else max(64, math.isqrt(self._n))
        costs = _costs(k, allowed, self._n, cells, self.ef_search)
        if allowed > self.exact_limit:
            del costs["exact"]
        return min(costs, key=costs.__getitem__)

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

    def _cells(self, query: np.ndarray, k: int, selection: _Selection, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The allowed rows of the cells nearest the query, scored exactly."""
        assert self._graph is not None
        cells = self._graph.cells
        probe = min(cells, max(_MIN_CELLS, _cells_to_probe(k, selection.count, self._n, cells)))
        while True:
            rows = self._graph.cell_rows(scores, probe)
            rows = np.sort(rows[selection.accepts(rows)])  # ascending: kinder to the memory
            if len(rows) >= k or probe == cells:
                return self._exact(query, k, rows)
            probe = min(cells, probe * 4)

    def _hnsw(self, query: np.ndarray, k: int, selection: _Selection, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Post-filtered graph search; None when too few allowed candidates turn up."""
        assert self._graph is not None
        total = self._graph.rows
        fetch = _fetch(k, selection.count, total)
        while True:
            rows = self._graph.search(query, fetch, max(self.ef_search, fetch), scores)
            rows = rows[selection.accepts(rows)]
            if len(rows) >= k or fetch >= min(total, _MAX_FETCH):
                break
            fetch = min(total, _MAX_FETCH, fetch * 4)
        if len(rows) < k and fetch < total:
            return None
        exact = self._vectors[rows] @ query
        top = np.argsort(-exact, kind="stable")[:k]
        return self._row_ids[rows[top]], exact[top]

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
        if graph and self._graph is not None and not self._dead:
            arrays["hnsw"] = _faiss().serialize_index(self._graph.hnsw)
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
                        hnsw = _faiss().deserialize_index(np.ascontiguousarray(data["hnsw"], dtype=np.uint8))
                        if not hasattr(hnsw, "hnsw") or hnsw.d != index.dim or hnsw.ntotal != index._n:
                            raise ValueError("the stored HNSW graph does not match the stored vectors")
                        index._graph = _Graph(hnsw, index._vectors[: index._n])
        except (OSError, KeyError, ValueError, EOFError, RuntimeError, zipfile.BadZipFile) as exc:
            raise ValueError(f"cannot read vector index {path}: {exc}") from exc
        return index


class _Graph:
    """The approximate structures over the first rows of a vector matrix: an HNSW graph, and
    about √n cells — k-means centroids, the rows most similar to each (inverted lists), and the
    most central row of each, where graph searches start."""

    def __init__(self, hnsw: Any, vectors: np.ndarray) -> None:
        self.hnsw = hnsw
        self.rows = len(vectors)
        count = min(self.rows, max(64, math.isqrt(self.rows)))
        rng = np.random.default_rng(self.rows)
        if self.rows >= 40 * count:
            kmeans = _faiss().Kmeans(vectors.shape[1], count, niter=10, seed=1, spherical=True,
                                     max_points_per_centroid=64)
            kmeans.train(vectors[np.sort(rng.choice(self.rows, min(self.rows, 64 * count), replace=False))])
            self.centroids = np.ascontiguousarray(kmeans.centroids, dtype=np.float32)
        else:  # too few rows to train on: random rows
            self.centroids = np.ascontiguousarray(vectors[rng.choice(self.rows, count, replace=False)])
        self._index_cells(vectors)

    @classmethod
    def build(cls, vectors: np.ndarray, m: int, ef_construction: int) -> _Graph:
        faiss = _faiss()
        hnsw = faiss.IndexHNSWSQ(vectors.shape[1], faiss.ScalarQuantizer.QT_fp16, m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = ef_construction
        hnsw.train(vectors[:1000])
        hnsw.add(vectors)
        return cls(hnsw, vectors)

    @property
    def cells(self) -> int:
        return len(self.centroids)

    @property
    def nbytes(self) -> int:
        graph = self.hnsw.hnsw
        storage = self.hnsw.ntotal * self.hnsw.d * 2  # float16
        links = graph.neighbors.size() * 4 + graph.offsets.size() * 8 + graph.levels.size() * 4
        cells = sum(a.nbytes for a in (self.centroids, self.entry_vectors, self.cell_order, self.cell_start))
        return int(storage + links + cells)

    def _index_cells(self, vectors: np.ndarray) -> None:
        cell = np.empty(len(vectors), np.int32)
        similarity = np.empty(len(vectors), np.float32)
        for start in range(0, len(vectors), 65_536):
            scores = vectors[start : start + 65_536] @ self.centroids.T
            cell[start : start + 65_536] = np.argmax(scores, axis=1)
            similarity[start : start + 65_536] = scores[np.arange(len(scores)), cell[start : start + 65_536]]
        self.cell_order = np.lexsort((-similarity, cell)).astype(np.int32)  # by cell, central first
        self.cell_start = np.searchsorted(cell[self.cell_order], np.arange(self.cells + 1))
        empty = self.cell_start[:-1] == self.cell_start[1:]
        self.entries = np.where(empty, -1, self.cell_order[np.minimum(self.cell_start[:-1], len(vectors) - 1)])
        self.entry_vectors = np.where(empty[:, None], 0.0, vectors[np.maximum(self.entries, 0)]).astype(np.float32)
        self.indexed = len(vectors)  # later rows are in no cell yet: always probed

    def add(self, vectors: np.ndarray, start: int) -> None:
        """Add rows ``start:`` of ``vectors`` (all rows so far) to the graph."""
        if self.hnsw.ntotal != start:  # cannot happen: rows and graph grow together
            raise RuntimeError("graph and rows out of step")
        self.hnsw.add(vectors[start:])
        self.rows = len(vectors)
        if self.rows - self.indexed > self.rows // 16:
            self._index_cells(vectors)

    def centroid_scores(self, query: np.ndarray) -> np.ndarray:
        """The query's similarity to each cell's centroid."""
        scores: np.ndarray = self.centroids @ query
        return scores

    def cell_rows(self, scores: np.ndarray, probe: int) -> np.ndarray:
        """The rows of the ``probe`` cells with the best centroids, and every row in no cell."""
        best = np.argpartition(-scores, probe - 1)[:probe] if probe < self.cells else np.arange(self.cells)
        parts = [self.cell_order[self.cell_start[c] : self.cell_start[c + 1]] for c in best.tolist()]
        parts.append(np.arange(self.indexed, self.rows, dtype=np.int32))
        return np.concatenate(parts).astype(np.int64)

    def search(self, query: np.ndarray, fetch: int, ef: int, scores: np.ndarray) -> np.ndarray:
        """Rows of (about) the ``fetch`` nearest vectors, starting from the central rows of the
        16 cells with the best centroids."""
        faiss = _faiss()
        params = faiss.SearchParametersHNSW(efSearch=ef)
        probe = min(_ENTRY_POINTS, self.cells)
        best = np.argpartition(-np.where(self.entries >= 0, scores, -np.inf), probe - 1)[:probe]
        best = best[self.entries[best] >= 0]
        entries = np.ascontiguousarray(self.entries[best].astype(np.int32).reshape(1, -1))
        entry_scores = np.ascontiguousarray((self.entry_vectors[best] @ query).reshape(1, -1))
        found = np.empty((1, fetch), np.float32)
        labels = np.full((1, fetch), -1, np.int64)
        try:  # faiss ≥ 1.12 searches inner-product graphs in similarity space, as given here
            self.hnsw.search_level_0(1, faiss.swig_ptr(query), fetch, faiss.swig_ptr(entries),
                                     faiss.swig_ptr(entry_scores), faiss.swig_ptr(found),
                                     faiss.swig_ptr(labels), len(best), 2, params)
        except (AttributeError, TypeError):  # an older or newer faiss: the plain search
            _, labels = self.hnsw.search(query.reshape(1, -1), fetch, params=params)
        rows: np.ndarray = labels[0][labels[0] >= 0]
        return rows


class _Selection:
    """The allowed rows of one search, in the index's own row numbers."""

    def __init__(self, index: VectorIndex, count: int) -> None:
        self.index = index
        self.count = count  # an upper bound: allowed ids may lack a vector

    @staticmethod
    def of(index: VectorIndex, allowed: np.ndarray | list[int] | AllowedSet | None) -> _Selection:
        if allowed is None:
            return _Live(index, len(index))
        if hasattr(allowed, "words") and hasattr(allowed, "table"):
            return _FromBits(index, allowed)
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


class _FromBits(_Selection):
    """An eligible set as a bitset over the rows of a table: read through the index → table row
    map, or directly when the rows are the same."""

    def __init__(self, index: VectorIndex, allowed: Any) -> None:
        super().__init__(index, len(allowed))
        self.allowed = allowed
        self.mapped, live = index._rows_in(allowed.table)
        self.words: np.ndarray | None = None
        if live is not None:  # the same rows: the eligible set's own bits, less dead rows here
            words = allowed.words[: len(live)]
            self.words = words & live[: len(words)]

    def rows(self) -> np.ndarray:
        if self.words is not None:
            return rows_of_bits(self.words, self.count)
        rows = self.index._rows.lookup(self.allowed.ids())
        return rows[rows >= 0]

    def accepts(self, rows: np.ndarray) -> np.ndarray:
        if self.words is not None:
            return bits_at(self.words, rows)
        return bits_at(self.allowed.words, self.mapped[rows])


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
