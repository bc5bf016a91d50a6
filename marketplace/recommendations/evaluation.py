"""Offline evaluation: load labelled records into a fresh database, recommend for every need,
score the rankings against relevance judgments — the full matcher and, in the same run,
lexical-only and semantic-only baselines (the same hard rules applied first)."""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from matching import mrr, ndcg_at, recall_at, violated_rules
from matching.text import expanded_tokens

_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Scores:
    ndcg: float
    recall: float
    mrr: float
    violations: int
    ndcg_english: float
    needs: int


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """``need<TAB>listing<TAB>grade`` with a header line. Raises ValueError on a bad line."""
    grades: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8") as f:
        rows = csv.reader(f, delimiter="\t")
        header = next(rows, None)
        if header != ["need", "listing", "grade"]:
            raise ValueError(f"{path}: the first line must be 'need<TAB>listing<TAB>grade'")
        for number, row in enumerate(rows, start=2):
            if len(row) != 3 or not row[2].lstrip("-").isdigit():
                raise ValueError(f"{path}, line {number}: expected need, listing and a whole-number grade")
            grades.setdefault(row[0], {})[row[1]] = int(row[2])
    return grades


def _is_english(text: str) -> bool:
    return len(_CJK.findall(text)) < 5


@contextmanager
def labelled_app(records: Path, cache_instance: Path, model: str | None, **config: Any) -> Iterator[Any]:
    """An app on a fresh temporary SQLite database holding ``records``, inside its app context;
    yields its matching store, which reuses the embedding cache of the real instance (vectors
    are keyed by model and text). Raises ImportFailed for bad records."""
    from flask_migrate import upgrade

    from listings.importer import import_records
    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.recommendations import service
    from marketplace.recommendations.store import MatchingStore

    with tempfile.TemporaryDirectory(prefix="marketplace-eval-") as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/eval.db", "MATCHING_MODEL": model, **config})
        with app.app_context():
            try:
                upgrade()
                import_records(db.session, records)
                db.session.commit()
                store = MatchingStore(cache_instance, model)
                app.extensions[service.EXTENSION] = store
                yield store
            finally:
                db.session.remove()
                db.engine.dispose()


def evaluate(records: Path, qrels: Path, as_of: date, cache_instance: Path, model: str | None, k: int = 10) -> dict[str, Scores]:
    """Metrics per method (``matcher``, ``lexical``, ``semantic``). Raises ImportFailed for bad records."""
    from listings.models import Listing, Need
    from marketplace.extensions import db
    from marketplace.recommendations import service
    from marketplace.recommendations.profiles import listing_profile, vocabulary

    grades = read_qrels(qrels)
    with labelled_app(records, cache_instance, model) as store:
        store.rebuild(db.session)
        needs = list(db.session.scalars(select(Need).options(joinedload(Need.organization)).where(Need.status == "published")).unique())
        external = dict(db.session.execute(select(Listing.id, Listing.external_id)).all())
        listings = {row.id: row for row in db.session.scalars(select(Listing).options(joinedload(Listing.organization))).unique()}
        vocab = vocabulary()
        recommender = store.recommender

        def matcher(query: Any) -> list[int]:
            return [m.id for m in recommender.match(query, k).matches]

        def semantic(query: Any) -> list[int]:
            eligible = recommender.table.eligible_ids(query.seeker)
            vector = recommender.encoder.encode_queries([query.text])[0]
            return recommender.listing_vectors.search(vector, k, eligible)[0].tolist()

        def lexical(query: Any) -> list[int]:
            eligible = recommender.table.eligible_ids(query.seeker)
            recommender._lexical_index()
            return recommender.lexical.top(expanded_tokens(query.text), k, eligible)[0].tolist()

        methods: dict[str, Callable[[Any], list[int]]] = {"matcher": matcher, "lexical": lexical, "semantic": semantic}
        results: dict[str, Scores] = {}
        for name, method in methods.items():
            values: list[tuple[float, float, float, bool]] = []
            violations = 0
            for need in needs:
                query = service._query_for_need(need, as_of)
                ranked_ids = method(query)
                violations += sum(
                    1 for i in ranked_ids if violated_rules(listing_profile(listings[i]).facts, query.seeker, vocab)
                )
                ranked = [external[i] for i in ranked_ids]
                judged = grades.get(need.external_id, {})
                values.append((
                    ndcg_at(ranked, judged, k), recall_at(ranked, judged, k), mrr(ranked, judged),
                    _is_english(f"{need.title} {need.description}"),
                ))
            english = [v[0] for v in values if v[3]]
            results[name] = Scores(
                ndcg=float(np.mean([v[0] for v in values])) if values else 0.0,
                recall=float(np.mean([v[1] for v in values])) if values else 0.0,
                mrr=float(np.mean([v[2] for v in values])) if values else 0.0,
                violations=violations,
                ndcg_english=float(np.mean(english)) if english else 0.0,
                needs=len(values),
            )
    return results
