"""Offline evaluation: load labelled records into a fresh database, recommend for every need,
score the rankings against relevance judgments — the full matcher and, in the same run,
lexical-only and semantic-only baselines (the same hard rules applied first).

:func:`evaluate_outcomes` measures the providers' outcome term (:mod:`matching.outcomes`) on the
same sample under simulated histories (the sample has no engagements)."""

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


# --- the outcome term under simulated histories ------------------------------------------------


@dataclass
class OutcomeScores:
    """nDCG@k of the matcher with the outcome term off and on, per scenario."""

    weight: float
    strength: float
    off: float
    no_history: float
    identical_rankings: int  # needs whose ranking is unchanged with the term on and no history
    needs: int
    random: list[float]  # one nDCG per seed: histories independent of relevance
    correlated: list[float]  # one per seed: providers of relevant listings answer and win more


def simulated_history(providers: list[int], quality: dict[int, float] | None, rng: np.random.Generator) -> dict[int, Any]:
    """A history per provider: a fifth are newcomers (none); the others received 1–60 inquiries
    and closed 1–40 engagements. Rates are drawn at random (``quality`` None) or rise with the
    provider's ``quality`` (0..1): answered ~ 0.4 + 0.5·q, won ~ 0.1 + 0.5·q, binomial noise."""
    from matching import ProviderHistory

    history = {}
    for provider in providers:
        if rng.random() < 0.2:
            continue
        received, closed = int(rng.integers(1, 61)), int(rng.integers(1, 41))
        if quality is None:
            answer_rate, win_rate = rng.uniform(0.3, 1.0), rng.uniform(0.05, 0.6)
        else:
            answer_rate, win_rate = 0.4 + 0.5 * quality[provider], 0.1 + 0.5 * quality[provider]
        history[provider] = ProviderHistory(received, int(rng.binomial(received, answer_rate)),
                                            closed, int(rng.binomial(closed, win_rate)))
    return history


def provider_quality(listings: dict[int, Any], provider_of: dict[int, int], grades: dict[str, dict[str, int]]) -> dict[int, float]:
    """Per provider: the share of its listings judged good (grade ≥ 2) for some need — what a
    market in which good offers lead to deals would reward. Uses the judgments as a whole, no
    rule for any record."""
    best: dict[str, int] = {}
    for judged in grades.values():
        for listing, grade in judged.items():
            best[listing] = max(best.get(listing, 0), grade)
    good: dict[int, list[bool]] = {}
    for listing_id, row in listings.items():
        good.setdefault(provider_of[listing_id], []).append(best.get(row.external_id, 0) >= 2)
    return {provider: float(np.mean(flags)) for provider, flags in good.items()}


def evaluate_outcomes(records: Path, qrels: Path, as_of: date, cache_instance: Path, model: str | None, *,
                      weight: float, strength: float, seeds: int = 5, k: int = 10) -> OutcomeScores:
    """nDCG@k with the outcome term off; on without history; on with random histories (one run
    per seed); on with histories correlated with relevance. Raises ImportFailed for bad records."""
    from listings.models import Listing, Need
    from marketplace.extensions import db
    from marketplace.recommendations import service

    grades = read_qrels(qrels)
    with labelled_app(records, cache_instance, model) as store:
        store.rebuild(db.session)
        needs = list(db.session.scalars(select(Need).options(joinedload(Need.organization)).where(Need.status == "published")).unique())
        listings = {row.id: row for row in db.session.scalars(select(Listing)).unique()}
        recommender = store.recommender
        queries = [service._query_for_need(need, as_of) for need in needs]
        vectors = recommender.encoder.encode_queries([q.text for q in queries])
        provider_of = {i: recommender.listings[i].provider for i in listings if i in recommender.listings}
        providers = sorted({p for p in provider_of.values() if p is not None})
        quality = provider_quality({i: listings[i] for i in provider_of}, provider_of, grades)

        def run(history: dict[int, Any], term_weight: float) -> tuple[float, list[list[int]]]:
            recommender.set_provider_history(history, weight=term_weight, strength=strength)
            rankings = [[m.id for m in recommender.match(q, k, query_vector=v).matches] for q, v in zip(queries, vectors, strict=True)]
            scores = [ndcg_at([listings[i].external_id for i in ranked], grades.get(need.external_id, {}), k)
                      for need, ranked in zip(needs, rankings, strict=True)]
            return float(np.mean(scores)) if scores else 0.0, rankings

        off, off_rankings = run({}, 0.0)
        empty, empty_rankings = run({}, weight)
        random_runs = [run(simulated_history(providers, None, np.random.default_rng(seed)), weight)[0] for seed in range(seeds)]
        correlated = [run(simulated_history(providers, quality, np.random.default_rng(seed)), weight)[0] for seed in range(seeds)]
        recommender.set_provider_history({}, weight=0.0)
    return OutcomeScores(weight, strength, off, empty, sum(a == b for a, b in zip(off_rankings, empty_rankings, strict=True)),
                         len(needs), random_runs, correlated)
