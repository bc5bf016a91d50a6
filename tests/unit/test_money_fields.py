from decimal import Decimal

import pytest

from marketplace.organizations.forms import cny_to_wan, parse_tags, wan_to_cny


@pytest.mark.parametrize(
    ("cny", "wan"),
    [(46_000_000, "4600"), (125_000, "12.5"), (1, "0.0001"), (0, "0"), (None, None)],
)
def test_cny_and_wan_round_trip(cny, wan):
    shown = cny_to_wan(cny)
    assert (None if shown is None else str(shown)) == wan
    assert wan_to_cny(None if wan is None else Decimal(wan)) == cny


def test_tags_split_on_chinese_and_western_commas():
    assert parse_tags(" PCBA，SMT、汽车电子, SMT ,, ") == ["PCBA", "SMT", "汽车电子"]
