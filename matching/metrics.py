"""Ranking metrics for the evaluation command."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def ndcg_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with exponential gain (2^grade − 1); 0 when nothing is relevant."""
    dcg = sum((2 ** grades.get(item, 0) - 1) / math.log2(i + 2) for i, item in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10, min_grade: int = 1) -> float:
    relevant = {item for item, grade in grades.items() if grade >= min_grade}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def mrr(ranked: Sequence[str], grades: Mapping[str, int], min_grade: int = 1) -> float:
    """Reciprocal rank of the first relevant item (grade ≥ ``min_grade``)."""
    for position, item in enumerate(ranked, start=1):
        if grades.get(item, 0) >= min_grade:
            return 1.0 / position
    return 0.0
