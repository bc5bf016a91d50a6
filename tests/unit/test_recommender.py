"""The recommender with a deterministic fake encoder: hard rules first, then the hybrid score."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pytest

from matching import (
    HashingEncoder,
    ListingFacts,
    ListingProfile,
    ListingTable,
    NeedProfile,
    Query,
    Recommender,
    Seeker,
    Vocabulary,
    violated_rules,
)
from matching.text import expanded_tokens, glossary_groups

VOCAB = Vocabulary(
    province="440000",
    cities=["440100", "440300", "440600", "441900"],
    sections={"C": ["C13", "C26", "C39"], "I": ["I63", "I64", "I65"]},
)
TODAY = date(2026, 12, 1)
SME = Seeker(region="440600", industry="C39", size_class="small", amount=2_000_000, as_of=TODAY)


def listing(id_, text, category="financing", subcategory="loan", **facts):
    fields = {"offered": True, **facts}
    return ListingProfile(ListingFacts(id=id_, **fields), category, subcategory, text)


@pytest.fixture
def recommender():
    encoder = HashingEncoder(64)
    r = Recommender(encoder, VOCAB)
    items = [
        listing(1, "流动资金贷款 小微企业 信用贷 working capital loan"),
        listing(2, "流动资金贷款 仅限深圳", regions=("440300",)),
        listing(3, "设备融资租赁 售后回租", subcategory="leasing"),
        listing(4, "流动资金贷款 已关闭", offered=False),
        listing(5, "流动资金贷款 额度 500 万起", amount_min=5_000_000),
        listing(6, "流动资金贷款 过期", until=date(2026, 11, 30)),
        listing(7, "企业管理培训课程", category="training", subcategory="management"),
    ]
    r.upsert_listings(items, encoder.encode_passages([i.text for i in items]))
    return r


def test_only_eligible_listings_are_recommended(recommender):
    query = Query("需要流动资金贷款 200 万元", SME, "financing", "loan")
    result = recommender.match(query, 10, explain=True)
    ids = [m.id for m in result.matches]
    assert set(ids) <= {1, 3, 7}
    assert ids[0] == 1  # same subcategory and closest text
    assert result.eligible == 3
    excluded = {e.id: e.rules for e in result.excluded}
    assert excluded[2] == ("region",) and excluded[4] == ("status",)
    assert excluded[5] == ("amount",) and excluded[6] == ("deadline",)


def test_reasons_are_data(recommender):
    query = Query("需要流动资金贷款 200 万元", SME, "financing", "loan")
    top = recommender.match(query, 1).matches[0]
    codes = [r.code for r in top.reasons]
    assert "subcategory" in codes and "keywords" in codes and "province_wide" in codes


def test_over_budget_lowers_but_does_not_exclude():
    encoder = HashingEncoder(64)
    r = Recommender(encoder, VOCAB)
    cheap = ListingProfile(ListingFacts(1, True), "training", "management", "管理培训课程", price=1000)
    dear = ListingProfile(ListingFacts(2, True), "training", "management", "管理培训课程", price=9000)
    r.upsert_listings([cheap, dear], encoder.encode_passages([cheap.text, dear.text]))
    matches = r.match(Query("管理培训课程", SME, "training", "management", budget=5000), 5).matches
    assert [m.id for m in matches] == [1, 2]
    assert any(reason.code == "over_budget" and reason.negative for reason in matches[1].reasons)


def test_removed_listing_is_never_returned(recommender):
    recommender.remove_listings([1])
    query = Query("需要流动资金贷款", SME, "financing", "loan")
    assert 1 not in [m.id for m in recommender.match(query, 10).matches]


def test_leads_check_every_rule_for_each_need(recommender):
    encoder = recommender.encoder
    needs = [
        NeedProfile(10, SME, "financing", "loan", "需要流动资金贷款 200 万元"),
        NeedProfile(11, Seeker("440100", "C39", "small", 2_000_000, TODAY), "financing", "loan", "需要流动资金贷款"),
        NeedProfile(12, SME, "financing", "loan", "需要流动资金贷款", offered=False),
    ]
    recommender.upsert_needs(needs, encoder.encode_queries([n.text for n in needs]))
    assert [m.id for m in recommender.leads(2)] == []  # Shenzhen only: neither Foshan nor Guangzhou
    assert {m.id for m in recommender.leads(1)} == {10, 11}


def test_similar_excludes_itself_and_closed(recommender):
    ids = [m.id for m in recommender.similar(1, 10)]
    assert 1 not in ids and 4 not in ids and ids


@pytest.mark.parametrize("seed", range(20))
def test_scalar_rules_agree_with_the_table(seed):
    rnd = random.Random(seed)
    table = ListingTable(VOCAB)
    facts = []
    for i in range(60):
        low = rnd.choice([None, 100, 1_000_000])
        facts.append(ListingFacts(
            id=i + 1,
            offered=rnd.random() > 0.2,
            regions=tuple(rnd.sample(["440000", "440100", "440300", "440600", "441900"], rnd.randint(0, 2))),
            industries=tuple(rnd.sample(["C", "C39", "C26", "I", "I65"], rnd.randint(0, 2))),
            size_classes=tuple(rnd.sample(["micro", "small", "medium", "large"], rnd.randint(0, 2))),
            amount_min=low,
            amount_max=rnd.choice([None, 3_000_000, 10_000_000]),
            until=rnd.choice([None, date(2026, 11, 30), TODAY, date(2027, 1, 1)]),
        ))
    table.upsert(facts)
    for _ in range(10):
        seeker = Seeker(
            rnd.choice(["440100", "440600", None]), rnd.choice(["C39", "C", "I65", None]),
            rnd.choice(["micro", "small", "medium", None]), rnd.choice([None, 500, 2_000_000, 50_000_000]), TODAY,
        )
        from_table = table.violations([f.id for f in facts], seeker)
        for fact in facts:
            assert violated_rules(fact, seeker, VOCAB) == from_table[fact.id], (fact, seeker)
        mask_ids = set(table.eligible_ids(seeker).tolist())
        assert mask_ids == {f.id for f in facts if not violated_rules(f, seeker, VOCAB)}


def test_glossary_links_languages_and_problems():
    assert glossary_groups("下游回款慢") & glossary_groups("accounts receivable factoring")
    assert glossary_groups("working capital loan") & glossary_groups("流动资金贷款")
    tokens = expanded_tokens("We need a trade fair booth")
    assert any(t.startswith("§") for t in tokens) and "booth" in tokens


def test_hashing_encoder_is_deterministic_and_normalised():
    encoder = HashingEncoder(32)
    a, b = encoder.encode_queries(["流动资金"]), encoder.encode_queries(["流动资金"])
    assert np.array_equal(a, b) and abs(float(np.linalg.norm(a[0])) - 1) < 1e-6
    with pytest.raises(TypeError):
        encoder.encode_queries("not a list")


def test_a_need_without_subcategory_gets_one_guessed(recommender):
    vector = recommender.encoder.encode_queries(["设备融资租赁 售后回租"])[0]
    assert recommender.guess_subcategory("financing", vector) == "leasing"
    query = Query("设备融资租赁 售后回租", SME, "financing", None)
    top = recommender.match(query, 3).matches
    assert top and top[0].id == 3
    assert recommender.guess_subcategory("no-such-category", vector) is None
