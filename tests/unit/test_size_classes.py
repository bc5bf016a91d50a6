"""SME size classification (工信部联企业〔2011〕300号)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from marketplace.reference.size_classes import (
    SIZE_CLASS_NAMES,
    SIZE_GROUPS,
    Condition,
    SizeGroup,
    classify,
    describe,
    group_choices_for_industry,
    group_for_industry,
    size_class_name,
)

# Written out independently of the implementation's table.
# group -> (SME-if limits, medium thresholds, small thresholds);
# employees in persons, revenue/assets in 万元.
E, R, A = "employees", "revenue", "assets"
STANDARD: dict[str, tuple[dict[str, int], dict[str, int], dict[str, int]]] = {
    "agriculture": ({R: 20000}, {R: 500}, {R: 50}),
    "industry": ({E: 1000, R: 40000}, {E: 300, R: 2000}, {E: 20, R: 300}),
    "construction": ({R: 80000, A: 80000}, {R: 6000, A: 5000}, {R: 300, A: 300}),
    "wholesale": ({E: 200, R: 40000}, {E: 20, R: 5000}, {E: 5, R: 1000}),
    "retail": ({E: 300, R: 20000}, {E: 50, R: 500}, {E: 10, R: 100}),
    "transport": ({E: 1000, R: 30000}, {E: 300, R: 3000}, {E: 20, R: 200}),
    "warehousing": ({E: 200, R: 30000}, {E: 100, R: 1000}, {E: 20, R: 100}),
    "postal": ({E: 1000, R: 30000}, {E: 300, R: 2000}, {E: 20, R: 100}),
    "accommodation": ({E: 300, R: 10000}, {E: 100, R: 2000}, {E: 10, R: 100}),
    "catering": ({E: 300, R: 10000}, {E: 100, R: 2000}, {E: 10, R: 100}),
    "information_transmission": ({E: 2000, R: 100000}, {E: 100, R: 1000}, {E: 10, R: 100}),
    "software_it": ({E: 300, R: 10000}, {E: 100, R: 1000}, {E: 10, R: 50}),
    "real_estate_development": ({R: 200000, A: 10000}, {R: 1000, A: 5000}, {R: 100, A: 2000}),
    "property_management": ({E: 1000, R: 5000}, {E: 300, R: 1000}, {E: 100, R: 500}),
    "leasing_business": ({E: 300, A: 120000}, {E: 100, A: 8000}, {E: 10, A: 100}),
    "other": ({E: 300}, {E: 100}, {E: 10}),
}


def to_kwargs(values: dict[str, int]) -> dict[str, int | None]:
    """Turn {metric: persons or 万元} into classify() keyword arguments in persons / CNY."""
    return {
        "employees": values.get(E),
        "revenue_cny": values[R] * 10_000 if R in values else None,
        "assets_cny": values[A] * 10_000 if A in values else None,
    }


def minus_one(values: dict[str, int], metric: str) -> dict[str, int | None]:
    """kwargs for ``values`` with ``metric`` one unit (1 person or 1 CNY) lower."""
    kwargs = to_kwargs(values)
    field = {E: "employees", R: "revenue_cny", A: "assets_cny"}[metric]
    value = kwargs[field]
    assert value is not None
    kwargs[field] = value - 1
    return kwargs


def boundary_cases() -> list[Any]:
    cases: list[Any] = []
    for key, (sme_if, medium, small) in STANDARD.items():
        cases.append(pytest.param(key, to_kwargs(medium), "medium", id=f"{key}-at-medium"))
        for metric in medium:
            cases.append(
                pytest.param(
                    key, minus_one(medium, metric), "small", id=f"{key}-below-medium-{metric}"
                )
            )
        cases.append(pytest.param(key, to_kwargs(small), "small", id=f"{key}-at-small"))
        for metric in small:
            cases.append(
                pytest.param(
                    key, minus_one(small, metric), "micro", id=f"{key}-below-small-{metric}"
                )
            )
        cases.append(pytest.param(key, to_kwargs(sme_if), "large", id=f"{key}-at-sme-limits"))
        for metric in sme_if:
            # Just inside one SME limit: an SME, and above every medium threshold.
            cases.append(
                pytest.param(
                    key, minus_one(sme_if, metric), "medium", id=f"{key}-below-sme-limit-{metric}"
                )
            )
    return cases


def test_groups_match_standard() -> None:
    assert list(SIZE_GROUPS) == list(STANDARD)
    for key, (sme_if, medium, small) in STANDARD.items():
        group = SIZE_GROUPS[key]
        assert group.key == key
        assert {(c.metric, c.op, c.value_wan) for c in group.sme_if} == {
            (m, "<", v) for m, v in sme_if.items()
        }
        assert {(c.metric, c.op, c.value_wan) for c in group.medium} == {
            (m, ">=", v) for m, v in medium.items()
        }
        assert {(c.metric, c.op, c.value_wan) for c in group.small} == {
            (m, ">=", v) for m, v in small.items()
        }
        assert set(group.metrics) == set(sme_if)


@pytest.mark.parametrize(("key", "kwargs", "expected"), boundary_cases())
def test_boundaries(key: str, kwargs: dict[str, int | None], expected: str) -> None:
    result = classify(key, **kwargs)
    assert result.size_class == expected
    assert result.missing == ()
    assert result.is_sme is (expected != "large")
    # Passing the SizeGroup object gives the same answer.
    assert classify(SIZE_GROUPS[key], **kwargs) == result


def test_literal_sme_if_reading() -> None:
    # 1,500 employees but revenue below 40,000万: still an SME, and medium.
    result = classify("industry", employees=1500, revenue_cny=300_000_000, assets_cny=None)
    assert result.size_class == "medium"


@pytest.mark.parametrize(
    ("kwargs", "size", "decided_by"),
    [
        (
            {"employees": 25, "revenue_cny": 8_000_000},
            "small",
            (Condition("employees", ">=", 20), Condition("revenue", ">=", 300)),
        ),
        (
            {"employees": 12, "revenue_cny": 2_400_000},
            "micro",
            (Condition("employees", ">=", 20), Condition("revenue", ">=", 300)),
        ),
        ({"employees": 12, "revenue_cny": 8_000_000}, "micro", (Condition("employees", ">=", 20),)),
        (
            {"employees": 300, "revenue_cny": 20_000_000},
            "medium",
            (Condition("employees", ">=", 300), Condition("revenue", ">=", 2000)),
        ),
        (
            {"employees": 1000, "revenue_cny": 400_000_000},
            "large",
            (Condition("employees", "<", 1000), Condition("revenue", "<", 40000)),
        ),
    ],
)
def test_decided_by(kwargs: dict[str, int], size: str, decided_by: tuple[Condition, ...]) -> None:
    result = classify("industry", assets_cny=None, **kwargs)
    assert result.size_class == size
    assert result.decided_by == decided_by
    assert result.employees == kwargs["employees"]
    assert result.revenue_cny == kwargs["revenue_cny"]


def test_unused_metrics_are_ignored() -> None:
    result = classify("other", employees=50, revenue_cny=None, assets_cny=None)
    assert result.size_class == "small"
    result = classify("other", employees=50, revenue_cny=10**12, assets_cny=10**12)
    assert result.size_class == "small"
    result = classify("agriculture", employees=None, revenue_cny=100_000, assets_cny=None)
    assert result.size_class == "micro"


@pytest.mark.parametrize(
    ("key", "kwargs", "missing"),
    [
        ("industry", {"employees": 25, "revenue_cny": None, "assets_cny": None}, ("revenue",)),
        (
            "industry",
            {"employees": None, "revenue_cny": None, "assets_cny": 5},
            ("employees", "revenue"),
        ),
        ("construction", {"employees": 5, "revenue_cny": 10**9, "assets_cny": None}, ("assets",)),
        ("leasing_business", {"employees": 5, "revenue_cny": 1, "assets_cny": None}, ("assets",)),
        ("agriculture", {"employees": 5, "revenue_cny": None, "assets_cny": 1}, ("revenue",)),
    ],
)
def test_missing_metrics(key: str, kwargs: dict[str, int | None], missing: tuple[str, ...]) -> None:
    result = classify(key, **kwargs)
    assert result.size_class is None
    assert result.missing == missing
    assert result.decided_by == ()
    assert not result.is_sme


@pytest.mark.parametrize("field", ["employees", "revenue_cny", "assets_cny"])
def test_negative_input_rejected(field: str) -> None:
    kwargs: dict[str, int | None] = {"employees": 1, "revenue_cny": 1, "assets_cny": 1}
    kwargs[field] = -1
    with pytest.raises(ValueError, match=field):
        classify("construction", **kwargs)


def test_decimal_money_accepted() -> None:
    result = classify("industry", employees=25, revenue_cny=Decimal("8000000.00"), assets_cny=None)  # type: ignore[arg-type]
    assert result.size_class == "small"
    assert "营业收入 800 万元" in describe(result)


def test_bad_inputs() -> None:
    with pytest.raises(KeyError, match="Unknown size group"):
        classify("mining", employees=1, revenue_cny=1, assets_cny=1)
    with pytest.raises(TypeError, match="employees"):
        classify("other", employees="12", revenue_cny=None, assets_cny=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        classify("other", employees=True, revenue_cny=None, assets_cny=None)


# --- industry -> group mapping -------------------------------------------------


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("A01", "agriculture"),
        ("A", "agriculture"),
        ("B06", "industry"),
        ("C39", "industry"),
        ("C", "industry"),
        ("D44", "industry"),
        ("E48", "construction"),
        ("F51", "wholesale"),
        ("F52", "retail"),
        ("G53", "transport"),
        ("G58", "transport"),
        ("G59", "warehousing"),
        ("G60", "postal"),
        ("H61", "accommodation"),
        ("H62", "catering"),
        ("I63", "information_transmission"),
        ("I64", "information_transmission"),
        ("I65", "software_it"),
        ("K70", "real_estate_development"),
        ("L71", "leasing_business"),
        ("L72", "leasing_business"),
        ("L", "leasing_business"),
        ("J66", "other"),
        ("M73", "other"),
        ("N77", "other"),
        ("O80", "other"),
        ("P83", "other"),
        ("Q84", "other"),
        ("R88", "other"),
        ("S95", "other"),
        ("T", "other"),
        ("c39", "industry"),
    ],
)
def test_default_group(code: str, group: str) -> None:
    assert group_for_industry(code).key == group
    assert group_choices_for_industry(code)[0] == group


@pytest.mark.parametrize(
    ("code", "choices"),
    [
        ("K70", ("real_estate_development", "property_management", "other")),
        ("K", ("real_estate_development", "property_management", "other")),
        ("F", ("wholesale", "retail")),
        ("G", ("transport", "warehousing", "postal")),
        ("H", ("accommodation", "catering")),
        ("I", ("information_transmission", "software_it")),
        ("C39", ("industry",)),
        ("I65", ("software_it",)),
        ("G59", ("warehousing",)),
    ],
)
def test_group_choices(code: str, choices: tuple[str, ...]) -> None:
    assert group_choices_for_industry(code) == choices


def test_chosen_group() -> None:
    assert group_for_industry("K70", "property_management").key == "property_management"
    assert group_for_industry("K70", "other").key == "other"
    assert group_for_industry("K70", None).key == "real_estate_development"
    assert group_for_industry("F", "retail").key == "retail"
    assert group_for_industry("I65", "software_it").key == "software_it"
    with pytest.raises(ValueError, match="retail"):
        group_for_industry("C39", "retail")
    with pytest.raises(ValueError):
        group_for_industry("F51", "retail")


@pytest.mark.parametrize("code", ["C99", "Z", "", "39"])
def test_unknown_industry(code: str) -> None:
    with pytest.raises(KeyError):
        group_for_industry(code)
    with pytest.raises(KeyError):
        group_choices_for_industry(code)


# --- text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        (
            {"employees": 25, "revenue_cny": 8_000_000},
            "工业：从业人员 25 人、营业收入 800 万元 → 小型（从业人员 ≥ 20 人且营业收入 ≥ 300 万元）",
        ),
        (
            {"employees": 12, "revenue_cny": 2_400_000},
            "工业：从业人员 12 人、营业收入 240 万元 → 微型（从业人员 < 20 人或营业收入 < 300 万元）",
        ),
        (
            {"employees": 5, "revenue_cny": 125_000},
            "工业：从业人员 5 人、营业收入 12.5 万元 → 微型（从业人员 < 20 人或营业收入 < 300 万元）",
        ),
        (
            {"employees": 500, "revenue_cny": 30_000_000},
            "工业：从业人员 500 人、营业收入 3000 万元 → 中型（从业人员 ≥ 300 人且营业收入 ≥ 2000 万元）",
        ),
        (
            {"employees": 1000, "revenue_cny": 400_000_000},
            "工业：从业人员 1000 人、营业收入 40000 万元 → 大型（不满足：从业人员 < 1000 人或营业收入 < 40000 万元）",
        ),
        ({"employees": 25, "revenue_cny": None}, "工业：缺少营业收入，无法划型"),
    ],
)
def test_describe_zh(kwargs: dict[str, int | None], text: str) -> None:
    assert describe(classify("industry", assets_cny=None, **kwargs)) == text
    assert describe(classify("industry", assets_cny=None, **kwargs), "zh_CN") == text


def test_describe_shows_only_used_metrics() -> None:
    result = classify("leasing_business", employees=50, revenue_cny=10**9, assets_cny=2_000_000)
    assert describe(result) == (
        "租赁和商务服务业：从业人员 50 人、资产总额 200 万元 → 小型（从业人员 ≥ 10 人且资产总额 ≥ 100 万元）"
    )
    assert "营业收入" not in describe(result)


def test_describe_en() -> None:
    small = describe(
        classify("industry", employees=25, revenue_cny=8_000_000, assets_cny=None), "en"
    )
    assert small == (
        "Industry: 25 employees, revenue 8.00 M CNY → small (employees ≥ 20 and revenue ≥ 3.00 M CNY)"
    )
    large = describe(
        classify("industry", employees=1000, revenue_cny=400_000_000, assets_cny=None), "en_US"
    )
    assert large.startswith("Industry: 1,000 employees")
    assert "→ large" in large and "employees < 1,000 or revenue < 400.00 M CNY" in large
    odd = describe(classify("retail", employees=1, revenue_cny=999_999, assets_cny=None), "en")
    assert "1 employee," in odd and "0.999999 M CNY" in odd and "→ micro" in odd
    missing = describe(
        classify("construction", employees=None, revenue_cny=None, assets_cny=None), "en"
    )
    assert "Construction" in missing and "revenue" in missing and "total assets" in missing


def test_size_class_names() -> None:
    assert set(SIZE_CLASS_NAMES) == {"micro", "small", "medium", "large"}
    assert size_class_name("micro", "zh") == "微型"
    assert size_class_name("medium", "en_GB") == "Medium"  # a label; sentences lower-case it
    assert size_class_name("large", "zh_Hans") == "大型"
    with pytest.raises(KeyError):
        size_class_name("tiny", "zh")


def test_group_is_frozen_data() -> None:
    group = SIZE_GROUPS["industry"]
    assert isinstance(group, SizeGroup)
    assert group.name("zh") == "工业" and group.name("en") == "Industry"
    with pytest.raises(AttributeError):
        group.key = "x"  # type: ignore[misc]
