"""BM25 over glossary-expanded jieba tokens (the ``bm25s`` library), addressed by ids."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class LexicalIndex:
    """A static BM25 index; :meth:`build` replaces it (cheap next to embedding)."""

    def __init__(self) -> None:
        self._ids = np.zeros(0, np.int64)
        self._position = np.zeros(0, np.int64)
        self._tokens: dict[int, list[str]] = {}
        self._bm25 = None

    def __len__(self) -> int:
        return len(self._ids)

    def build(self, ids: Sequence[int], tokens: Sequence[list[str]]) -> None:
        import bm25s

        if len(ids) != len(tokens):
            raise ValueError("one token list per id")
        self._ids = np.asarray(ids, dtype=np.int64)
        # id -> position, as an array: mapping thousands of ids per query stays vectorised.
        self._position = np.full(int(self._ids.max()) + 1 if len(self._ids) else 0, -1, dtype=np.int64)
        self._position[self._ids] = np.arange(len(self._ids))
        self._tokens = {int(i): list(t) for i, t in zip(ids, tokens, strict=True)}
        if len(ids):
            bm25 = bm25s.BM25()
            bm25.index([t or ["\u2205"] for t in tokens], show_progress=False)
            self._bm25 = bm25
        else:
            self._bm25 = None

    def _positions(self, ids: np.ndarray) -> np.ndarray:
        """Positions of ids in the index (-1 for ids it does not hold)."""
        ids = np.asarray(ids, dtype=np.int64)
        inside = (ids >= 0) & (ids < len(self._position))
        positions = np.full(len(ids), -1, dtype=np.int64)
        positions[inside] = self._position[ids[inside]]
        return positions

    def tokens_of(self, item: int) -> list[str]:
        return self._tokens.get(int(item), [])

    def all_scores(self, query_tokens: list[str]) -> np.ndarray:
        """The BM25 score of every indexed document, in index order (compute once per query)."""
        if self._bm25 is None or not query_tokens:
            return np.zeros(len(self._ids), np.float32)
        return np.asarray(self._bm25.get_scores(query_tokens))

    def scores(self, query_tokens: list[str], ids: np.ndarray | Sequence[int], every: np.ndarray | None = None) -> np.ndarray:
        """BM25 scores of the given ids (0 for ids not in the index)."""
        ids = np.asarray(ids, dtype=np.int64)
        result = np.zeros(len(ids), np.float32)
        if self._bm25 is None or not query_tokens or len(ids) == 0:
            return result
        every = self.all_scores(query_tokens) if every is None else every
        positions = self._positions(ids)
        known = positions >= 0
        result[known] = every[positions[known]]
        return result

    def top(
        self, query_tokens: list[str], k: int, allowed: np.ndarray | None = None, every: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best-scoring ids with a score above zero (only ``allowed`` ids if given)."""
        if self._bm25 is None or not query_tokens or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        every = self.all_scores(query_tokens) if every is None else every
        if allowed is not None:
            mask = np.zeros(len(every), dtype=bool)
            positions = self._positions(allowed)
            mask[positions[positions >= 0]] = True
            every = np.where(mask, every, 0.0)
        positive = np.flatnonzero(every > 0)
        if len(positive) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        k = min(k, len(positive))
        best = positive[np.argpartition(-every[positive], k - 1)[:k]]
        best = best[np.argsort(-every[best], kind="stable")]
        return self._ids[best], every[best].astype(np.float32)
