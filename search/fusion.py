"""Fusing the keyword and the meaning rankings.

Plain reciprocal-rank fusion of BM25 and e5 lands *between* the two on the development sample
(it throws away how sure each side is). Here each side's scores are min-max normalised over the
candidates and mixed (meaning weighs more: short queries share few words with good answers),
then two priors move the ranking towards the kind of service asked for:

- *feedback*: the categories and subcategories of the best few fused candidates (pseudo
  relevance feedback on structure, not on words);
- *description*: the subcategory whose short bilingual description is closest in meaning to
  the query.

The weights are few and round; they were checked on the development sample, not fitted to it
(``marketplace search evaluate`` prints what each step adds).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

LEXICAL_WEIGHT = 0.2
FEEDBACK_TOP = 5
FEEDBACK_WEIGHT = 0.2
DESCRIPTION_WEIGHT = 0.2


@dataclass(frozen=True)
class Candidate:
    id: int
    score: float
    category: str
    subcategory: str | None


@dataclass(frozen=True)
class Fused:
    id: int
    score: float
    lexical: bool  # the text holds a query term


def _normalised(values: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-12:
        return np.ones_like(values) if high > 0 else np.zeros_like(values)
    return (values - low) / (high - low)


def fuse(
    lexical: Sequence[Candidate],
    semantic: Sequence[Candidate],
    members: set[int] | None = None,
    description_prior: Mapping[tuple[str, str | None], float] | None = None,
    *,
    lexical_weight: float = LEXICAL_WEIGHT,
    feedback_weight: float = FEEDBACK_WEIGHT,
    description_weight: float = DESCRIPTION_WEIGHT,
) -> list[Fused]:
    """One ranking of the union of both candidate lists (or of ``members`` only, when given),
    best first, ties broken by id. A candidate missing from one side gets that side's lowest
    score (zero for keywords: it holds none of them)."""
    info: dict[int, Candidate] = {}
    for c in (*lexical, *semantic):
        info.setdefault(c.id, c)
    ids = [i for i in info if members is None or i in members]
    if not ids:
        return []
    lex = {c.id: c.score for c in lexical}
    sem = {c.id: c.score for c in semantic}
    sem_floor = min(sem.values()) if sem else 0.0
    lex_values = _normalised(np.array([lex.get(i, 0.0) for i in ids], dtype=np.float64))
    if sem:
        sem_values = _normalised(np.array([sem.get(i, sem_floor) for i in ids], dtype=np.float64))
        base = lexical_weight * lex_values + (1.0 - lexical_weight) * sem_values
    else:
        base = lex_values
    scores = base.copy()
    order = np.lexsort((np.array(ids), -base))[:FEEDBACK_TOP]
    if feedback_weight and len(order):
        by_sub: dict[tuple[str, str | None], float] = defaultdict(float)
        by_cat: dict[str, float] = defaultdict(float)
        for row in order:
            c = info[ids[row]]
            by_sub[(c.category, c.subcategory)] += base[row]
            by_cat[c.category] += base[row]
        total = float(sum(base[order])) or 1.0
        scores += feedback_weight * np.array(
            [(by_sub.get((info[i].category, info[i].subcategory), 0.0) + by_cat.get(info[i].category, 0.0)) / total for i in ids]
        )
    if description_prior and description_weight:
        scores += description_weight * np.array(
            [description_prior.get((info[i].category, info[i].subcategory), 0.0) for i in ids]
        )
    ranked = np.lexsort((np.array(ids), -scores))
    return [Fused(ids[r], float(scores[r]), ids[r] in lex) for r in ranked]
