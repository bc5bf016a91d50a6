"""The hard eligibility rules of ``matching.eligibility.ListingTable``, one by one."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest

from matching.eligibility import RULES, ListingFacts, ListingTable, Seeker, Vocabulary
from matching.rules import violated_rules

TODAY = date(2026, 12, 1)
VOCABULARY = Vocabulary(
    province="440000",
    cities=["440100", "440300", "440600", "441900"],
    sections={
        "C": [f"C{n}" for n in range(13, 44)],
        "F": ["F51", "F52"],
        "I": ["I63", "I64", "I65"],
        "M": ["M73", "M74", "M75"],
    },
)


@pytest.fixture
def table():
    return ListingTable(VOCABULARY)


def listing(listing_id=1, **fields):
    return ListingFacts(id=listing_id, offered=fields.pop("offered", True), **fields)


def seeker(**fields):
    values = {"region": "440300", "industry": "C39", "size_class": "small", "amount": None, "as_of": TODAY}
    return Seeker(**{**values, **fields})


def broken(table, facts, who):
    table.upsert([facts])
    return table.violations([facts.id], who)[facts.id]


def test_an_unrestricted_listing_is_eligible_for_everyone(table):
    table.upsert([listing(7)])
    for who in (seeker(), seeker(region=None, industry=None, size_class=None, amount=10**9)):
        assert table.eligible_ids(who).tolist() == [7]
        assert table.violations([7], who) == {7: []}


def test_status(table):
    assert broken(table, listing(offered=False), seeker()) == ["status"]
    assert table.eligible_ids(seeker()).size == 0
    assert broken(table, listing(offered=True), seeker()) == []


@pytest.mark.parametrize(
    ("regions", "region", "ok"),
    [
        ((), "440300", True),
        ((), None, True),
        (("440000",), "440300", True),
        (("440000",), None, True),
        (("440300",), "440300", True),
        (("440100", "440300"), "440300", True),
        (("440100",), "440300", False),
        (("440100",), None, False),
        (("440100", "440300", "440600", "441900"), None, False),  # every city listed is not "everywhere"
        (("440100",), "450100", False),  # a region outside the vocabulary
    ],
)
def test_region(table, regions, region, ok):
    assert broken(table, listing(regions=regions), seeker(region=region)) == ([] if ok else ["region"])


@pytest.mark.parametrize(
    ("industries", "industry", "ok"),
    [
        ((), "C39", True),
        ((), None, True),
        (("C39",), "C39", True),
        (("C26", "C39"), "C39", True),
        (("C26",), "C39", False),
        (("C",), "C39", True),  # a section covers its divisions
        (("C",), "C13", True),
        (("F",), "C39", False),
        (("C",), "C", True),  # an SME recorded by section only ...
        (("C39",), "C", True),  # ... is covered by any of its divisions (matching.coverage)
        (("C39",), None, False),
        (("I65",), "I65", True),
    ],
)
def test_industry(table, industries, industry, ok):
    assert broken(table, listing(industries=industries), seeker(industry=industry)) == ([] if ok else ["industry"])


@pytest.mark.parametrize(
    ("classes", "size_class", "ok"),
    [
        ((), "medium", True),
        ((), None, True),
        (("micro", "small"), "small", True),
        (("micro", "small"), "medium", False),
        (("micro", "small", "medium", "large"), None, False),
    ],
)
def test_size(table, classes, size_class, ok):
    assert broken(table, listing(size_classes=classes), seeker(size_class=size_class)) == ([] if ok else ["size"])


@pytest.mark.parametrize(
    ("amount_min", "amount_max", "amount", "ok"),
    [
        (100_000, 500_000, 100_000, True),  # bounds are inclusive
        (100_000, 500_000, 500_000, True),
        (100_000, 500_000, 99_999, False),
        (100_000, 500_000, 500_001, False),
        (100_000, 500_000, None, True),  # nothing sought, nothing to check
        (100_000, None, 10**12, True),
        (None, 500_000, 0, True),
        (None, 500_000, 500_001, False),
    ],
)
def test_amount(table, amount_min, amount_max, amount, ok):
    facts = listing(amount_min=amount_min, amount_max=amount_max)
    assert broken(table, facts, seeker(amount=amount)) == ([] if ok else ["amount"])


@pytest.mark.parametrize(("until", "ok"), [(TODAY, True), (TODAY - timedelta(days=1), False), (None, True)])
def test_deadline_counts_the_whole_day(table, until, ok):
    assert broken(table, listing(until=until), seeker()) == ([] if ok else ["deadline"])


def test_violations_name_every_broken_rule_in_order(table):
    facts = listing(3, offered=False, regions=("440100",), industries=("F51",), size_classes=("micro",),
                    amount_min=1_000_000, until=TODAY - timedelta(days=30))
    table.upsert([facts, listing(4)])
    result = table.violations([3, 4, 99], seeker(amount=10))
    assert result == {3: list(RULES), 4: [], 99: ["status"]}


def test_replace_and_remove_update_cached_answers(table):
    table.upsert([listing(i, regions=("440100",)) for i in range(1, 6)])
    who = seeker(region="440100", amount=50)
    assert table.eligible_ids(who).tolist() == [1, 2, 3, 4, 5]  # bitsets now cached
    table.upsert([listing(2, regions=("440300",)), listing(9, amount_max=10)])
    table.remove([4])
    assert table.eligible_ids(who).tolist() == [1, 3, 5]
    assert table.row_of(2) == 1 and table.row_of(4) is None
    assert table.violations([2, 9], who) == {2: ["region"], 9: ["amount"]}
    table.upsert([listing(4, regions=("440100",))])  # comes back in a new row
    assert sorted(table.eligible_ids(who).tolist()) == [1, 3, 4, 5]
    assert len(table) == 6 and table.rows == 7


def test_mask_and_eligible_set_agree(table):
    table.upsert([listing(i, offered=i % 3 != 0) for i in range(10, 210)])
    eligible = table.eligible(seeker())
    mask = table.mask(seeker())
    assert mask.dtype == bool and mask.shape == (table.rows,)
    assert len(eligible) == mask.sum() == len(eligible.ids())
    assert eligible.ids().tolist() == table.ids[: table.rows][mask].tolist()
    assert eligible.contains(np.array([10, 11, 12, 5000])).tolist() == [True, True, False, False]
    fewer = eligible.without([10, 12, 13])
    assert len(fewer) == len(eligible) - 2 and not fewer.contains(np.array([10, 13])).any()


def test_vocabulary_limits():
    with pytest.raises(ValueError, match="63"):
        Vocabulary(province="440000", cities=[str(i) for i in range(64)], sections={})
    with pytest.raises(ValueError, match="division"):
        Vocabulary(province="440000", cities=[], sections={"C": ["C999"]})
    with pytest.raises(ValueError, match="non-negative"):
        ListingTable(VOCABULARY).upsert([listing(-1)])


def random_facts(rng, listing_id):
    def some(options, empty=0.4):
        return () if rng.random() < empty else tuple(rng.sample(options, rng.randint(1, 2)))

    low = rng.choice([None, 0, 100, 1000])
    return ListingFacts(
        id=listing_id,
        offered=rng.random() < 0.9,
        regions=some(["440000", *VOCABULARY.cities]),
        industries=some(["C", "C13", "C39", "F", "F51", "I65", "M"]),
        size_classes=some(["micro", "small", "medium", "large"]),
        amount_min=low,
        amount_max=rng.choice([None, 1000, 5000]),
        until=rng.choice([None, TODAY, TODAY - timedelta(days=1), TODAY + timedelta(days=9)]),
    )


def random_seeker(rng):
    return Seeker(
        region=rng.choice([None, "440000", *VOCABULARY.cities]),
        industry=rng.choice([None, "C", "C13", "C39", "F51", "I65", "M74"]),
        size_class=rng.choice([None, "micro", "small", "medium", "large"]),
        amount=rng.choice([None, 0, 100, 999, 1000, 5000, 5001]),
        as_of=rng.choice([TODAY, TODAY + timedelta(days=1)]),
    )


def test_the_table_agrees_with_the_plain_rules_through_changes():
    rng = random.Random(4)
    table = ListingTable(VOCABULARY, capacity=64, cache_size=4)
    facts = {i: random_facts(rng, i) for i in range(1, 1500)}
    table.upsert(facts.values())
    for step in range(12):
        for _ in range(15):
            who = random_seeker(rng)
            expected = {i for i, f in facts.items() if not violated_rules(f, who, VOCABULARY)}
            assert set(table.eligible_ids(who).tolist()) == expected
            sample = rng.sample(sorted(facts), 20)
            assert table.violations(sample, who) == {i: violated_rules(facts[i], who, VOCABULARY) for i in sample}
        # small changes patch the cached bitsets; every fourth step is a bulk change
        changed = rng.sample(sorted(facts), 400 if step % 4 == 3 else 7)
        new = {i: random_facts(rng, i) for i in changed[: len(changed) // 2]}
        new.update({i: random_facts(rng, i) for i in range(2000 + 100 * step, 2000 + 100 * step + 60)})
        gone = changed[len(changed) // 2 :]
        table.upsert(new.values())
        table.remove(gone)
        facts.update(new)
        for i in gone:
            del facts[i]
    assert len(table) == len(facts)


def test_repeated_ids_in_one_batch_keep_the_last(table):
    table.upsert([listing(5, offered=False), listing(5, offered=True)])
    assert table.eligible_ids(seeker()).tolist() == [5]
    assert table.violations([5], seeker()) == {5: []} and table.rows == 1


def test_an_eligible_set_forgets_listings_removed_after_it_was_made(table):
    table.upsert([listing(1), listing(2)])
    eligible = table.eligible(seeker())
    table.remove([1])
    assert eligible.ids().tolist() == [2] and not eligible.contains(np.array([1])).any()
    assert table.rows_of([2, 1, 77]).tolist() == [1, -1, -1]
