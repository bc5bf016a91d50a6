"""The providers' outcome term: Beta shrinkage towards the pooled prior, exactly nothing for
newcomers, and what it does to a ranking (with the deterministic fake encoder)."""

from __future__ import annotations

from datetime import date

import pytest

from matching import (
    HashingEncoder,
    ListingFacts,
    ListingProfile,
    ProviderHistory,
    ProviderOutcomes,
    Query,
    Recommender,
    Seeker,
    Vocabulary,
)
from matching.outcomes import lift, shrunk_rate

VOCAB = Vocabulary(
    province="440000", cities=["440100", "440300", "440600"], sections={"C": ["C39"]}
)
SME = Seeker(
    region="440600", industry="C39", size_class="small", amount=None, as_of=date(2026, 12, 1)
)
QUERY = Query("企业管理咨询服务", SME, "service", "consulting")
AVERAGE = ProviderHistory(received=60, answered=36, closed=50, won=10)  # 60 % answered, 20 % won
PROVEN = ProviderHistory(received=50, answered=48, closed=50, won=40)


def outcomes(history: dict[int, ProviderHistory], **options: float) -> ProviderOutcomes:
    return ProviderOutcomes.pooled(history, **options)


def test_a_newcomer_gets_exactly_nothing():
    pool = outcomes({2: AVERAGE, 3: PROVEN, 4: ProviderHistory()})
    assert pool.term(1) == 0.0 and pool.of(1) is None  # no history at all
    assert pool.term(4) == 0.0  # a row of zeros
    assert pool.term(None) == 0.0  # a listing without a known provider
    assert lift(0, 0, 0.3) == 0.0 and shrunk_rate(0, 0, 0.3) == 0.3


def test_shrinkage_pulls_a_short_record_to_the_prior():
    prior = 0.3
    assert shrunk_rate(40, 50, prior, 10) == pytest.approx((40 + 10 * prior) / (50 + 10))
    one_of_one, forty_of_fifty = lift(1, 1, prior, 10), lift(40, 50, prior, 10)
    assert 0 < one_of_one < 0.07  # a single win says little
    assert forty_of_fifty > 0.4 and forty_of_fifty > 6 * one_of_one
    pool = ProviderOutcomes(
        history={1: ProviderHistory(1, 1, 1, 1), 2: PROVEN}, response_prior=0.6, success_prior=0.2
    )
    assert 0 < pool.term(1) < pool.term(2) / 4
    assert lift(0, 20, prior, 10) < 0  # a record of losses lowers the score


def test_priors_are_pooled_from_every_provider():
    pool = outcomes({2: AVERAGE, 3: PROVEN})
    assert pool.response_prior == pytest.approx((36 + 48) / 110)
    assert pool.success_prior == pytest.approx((10 + 40) / 100)
    assert pool.term(3) > 0 > pool.term(2)


@pytest.mark.parametrize("counts", [(1, 2, 0, 0), (0, 0, 1, 2), (-1, 0, 0, 0)])
def test_impossible_counts_are_refused(counts):
    with pytest.raises(ValueError):
        ProviderHistory(*counts)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        outcomes({}, weight=-0.1)
    with pytest.raises(ValueError):
        outcomes({}, strength=0)


def _profile(
    id_: int, provider: int, text: str = "企业管理咨询服务 战略 流程优化"
) -> ListingProfile:
    return ListingProfile(
        ListingFacts(id=id_, offered=True), "service", "consulting", text, provider=provider
    )


@pytest.fixture
def recommender() -> Recommender:
    encoder = HashingEncoder(64)
    r = Recommender(encoder, VOCAB)
    items = [
        _profile(1, 101),
        _profile(2, 102),
        _profile(3, 103, "管理咨询 企业 服务 培训"),
        _profile(4, 104, "财务咨询 税务筹划 服务"),
    ]
    r.upsert_listings(items, encoder.encode_passages([i.text for i in items]))
    return r


def _ranked(r: Recommender) -> list[tuple[int, float, tuple]]:
    return [(m.id, m.score, m.reasons) for m in r.match(QUERY, 10).matches]


def test_without_history_the_ranking_is_unchanged(recommender):
    before = _ranked(recommender)
    assert recommender.ranking == "hybrid-1+outcomes"
    recommender.set_provider_history({})
    assert _ranked(recommender) == before
    # Histories of providers that offer none of these listings change nothing either.
    recommender.set_provider_history({900: PROVEN, 901: AVERAGE})
    assert _ranked(recommender) == before
    recommender.set_provider_history({101: AVERAGE, 102: PROVEN}, weight=0.0)
    assert _ranked(recommender) == before and recommender.ranking == "hybrid-1"


def test_a_proven_provider_moves_up_and_says_why(recommender):
    # Listings 1 and 2 are the same text: without history they tie and the lower id goes first.
    before = {i: (rank, score) for rank, (i, score, _r) in enumerate(_ranked(recommender))}
    assert before[1][1] == before[2][1] and before[1][0] + 1 == before[2][0]
    recommender.set_provider_history({101: AVERAGE, 102: PROVEN, 103: AVERAGE})
    ranked = _ranked(recommender)
    after = {i: (rank, score) for rank, (i, score, _r) in enumerate(ranked)}
    assert after[2][0] < after[1][0] and after[2][1] > before[2][1] and after[1][1] < before[1][1]
    assert after[4][1] == before[4][1]  # the newcomer's score is untouched
    reasons = {i: {r.code: r.params for r in rs} for i, _s, rs in ranked}
    assert reasons[2]["responsive_provider"] == {"answered": 48, "received": 50}
    assert reasons[2]["successful_provider"] == {"won": 40, "closed": 50}
    assert not {"responsive_provider", "successful_provider"} & set(
        reasons[1]
    )  # average: nothing to say
    assert not {"responsive_provider", "successful_provider"} & set(
        reasons[4]
    )  # newcomer: nothing either


def test_a_single_win_is_no_reason(recommender):
    recommender.set_provider_history({101: AVERAGE, 102: ProviderHistory(1, 1, 1, 1), 103: AVERAGE})
    reasons = {m.id: {r.code for r in m.reasons} for m in recommender.match(QUERY, 10).matches}
    assert not {"responsive_provider", "successful_provider"} & reasons[2]
