"""Search quality on a labelled sample: each need's title is typed as a query, over every
listing (no eligibility filter; closed and expired listings are never shown), and the ranking
is scored against the relevance judgments. Keyword-only, meaning-only and naive reciprocal-rank
fusion are scored in the same run, on the same backend, for comparison."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from sqlalchemy import select

from marketplace.recommendations.evaluation import labelled_app, read_qrels
from matching import ndcg_at, recall_at
from search import Filters, SearchRequest
from search.analysis import query_terms
from search.terms import conditions


@dataclass
class SearchScores:
    ndcg: float
    recall: float
    queries: int


def _rrf(lists: list[list[int]], k: int = 60) -> list[int]:
    scores: dict[int, float] = {}
    for ranked in lists:
        for rank, item in enumerate(ranked):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank + 1)
    return [i for i, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))]


def evaluate(records: Path, qrels: Path, as_of: date, cache_instance: Path, model: str | None,
             elasticsearch_url: str = "", k: int = 10) -> dict[str, SearchScores]:
    """nDCG@k and recall@k per method. Raises ImportFailed for bad records, ValueError for bad
    judgments, BackendUnavailable when Elasticsearch is asked for and unreachable."""
    from listings.models import Listing, Need
    from marketplace.extensions import db
    from marketplace.search import indexing

    grades = read_qrels(qrels)
    index = f"marketplace-evaluate-{uuid.uuid4().hex[:8]}"
    with labelled_app(records, cache_instance, model, ELASTICSEARCH_URL=elasticsearch_url, ELASTICSEARCH_INDEX=index) as store:
        engine = indexing.get_engine()
        backend = engine.backend
        try:
            indexing.reindex(db.session)
            db.session.commit()
            external = dict(db.session.execute(select(Listing.id, Listing.external_id)).all())
            needs = list(db.session.scalars(select(Need).where(Need.status == "published").order_by(Need.id)))
            cond = conditions(Filters(), as_of)
            store.sync(db.session)

            def hybrid(text: str) -> list[int]:
                return engine.search(SearchRequest(text=text, as_of=as_of, per_page=k, facets=())).ids

            def lexical(text: str) -> list[int]:
                return [c.id for c in backend.lexical(query_terms(text), cond, k)]

            def semantic(text: str) -> list[int]:
                vector = engine.query_vector(text)
                return [c.id for c in backend.semantic(vector, cond, k)] if vector is not None else []

            def rrf(text: str) -> list[int]:
                vector = engine.query_vector(text)
                lex = [c.id for c in backend.lexical(query_terms(text), cond, 100)]
                sem = [c.id for c in backend.semantic(vector, cond, 100)] if vector is not None else []
                return _rrf([lex, sem])[:k]

            methods: dict[str, Callable[[str], list[int]]] = {
                "search": hybrid, "lexical": lexical, "semantic": semantic, "rrf": rrf}
            results: dict[str, SearchScores] = {}
            for name, method in methods.items():
                values: list[tuple[float, float]] = []
                for need in needs:
                    ranked = [external[i] for i in method(need.title)]
                    judged = grades.get(need.external_id, {})
                    values.append((ndcg_at(ranked, judged, k), recall_at(ranked, judged, k)))
                results[name] = SearchScores(
                    ndcg=float(np.mean([v[0] for v in values])) if values else 0.0,
                    recall=float(np.mean([v[1] for v in values])) if values else 0.0,
                    queries=len(values),
                )
        finally:
            drop = getattr(backend, "drop", None)  # a temporary Elasticsearch index
            if drop is not None:
                drop()
    return results

