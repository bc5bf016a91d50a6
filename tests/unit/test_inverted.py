"""The in-memory inverted index: BM25 as defined, and the same scores after any sequence of
changes as an index built from scratch over the final content."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from search.inverted import K1, B, InvertedIndex


def bm25(docs: dict[int, list[str]], query: list[str]) -> dict[int, float]:
    """BM25 (Lucene's idf) computed from its definition."""
    live = {row: terms for row, terms in docs.items() if terms}
    n = len(live)
    avg = sum(len(t) for t in live.values()) / n
    out = {}
    for row, terms in live.items():
        score = 0.0
        for term in set(query):
            tf = terms.count(term)
            if not tf:
                continue
            df = sum(1 for t in live.values() if term in t)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * len(terms) / avg))
        if score:
            out[row] = score
    return out


def as_dict(result: tuple[np.ndarray, np.ndarray]) -> dict[int, float]:
    rows, scores = result
    assert list(rows) == sorted(rows)
    return {int(r): float(s) for r, s in zip(rows, scores, strict=True)}


def test_scores_follow_the_definition() -> None:
    docs = {0: ["资金", "贷款", "贷款"], 1: ["专利", "许可"], 2: ["贷款", "担保", "资金", "周转"], 3: []}
    index = InvertedIndex()
    index.apply(list(docs.items()))
    assert len(index) == 3
    for query in (["贷款"], ["资金", "专利"], ["周转", "周转"], ["unknown"], []):
        got = as_dict(index.scores(query, 4))
        want = bm25(docs, query)
        assert got.keys() == want.keys()
        for row in want:
            assert got[row] == pytest.approx(want[row])


def test_rows_beyond_the_limit_are_left_out() -> None:
    index = InvertedIndex()
    index.apply([(0, ["a"]), (1, ["a"]), (2, ["a", "b"])])
    assert list(index.scores(["a"], 2)[0]) == [0, 1]


@pytest.mark.parametrize("rebuild_after", [1000, 10])  # changes kept aside, or folded into the base often
@pytest.mark.parametrize("seed", range(5))
def test_random_changes_give_the_scores_of_a_fresh_index(seed: int, rebuild_after: int) -> None:
    rng = random.Random(seed)
    vocabulary = [f"t{i}" for i in range(40)]
    docs: dict[int, list[str]] = {}
    index = InvertedIndex(rebuild_after)
    for _round in range(60):
        batch = []
        for _ in range(rng.choice((1, 1, 3, 40))):  # single edits, and batches that force a rebuild
            row = rng.randrange(0, 300)
            terms = [] if rng.random() < 0.15 else rng.choices(vocabulary, k=rng.randint(1, 12))
            batch.append((row, terms))
            docs[row] = terms
        index.apply(batch, defer=rng.random() < 0.3)
        if _round % 10 == 9:
            query = rng.sample(vocabulary, 3)
            rows = max(docs) + 1
            fresh = InvertedIndex()
            fresh.apply(sorted(docs.items()))
            got, want = as_dict(index.scores(query, rows)), as_dict(fresh.scores(query, rows))
            assert got.keys() == want.keys() == bm25(docs, query).keys()
            for row in want:
                assert got[row] == pytest.approx(want[row])
    assert len(index) == sum(1 for t in docs.values() if t)
