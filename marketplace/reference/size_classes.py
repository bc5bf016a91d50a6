"""SME size classification (工信部联企业〔2011〕300号《中小企业划型标准规定》).

The standard is kept as data: each ``SizeGroup`` lists the conditions that
make an enterprise an SME at all (any one suffices), and the thresholds for
medium and small (all must be met). Whatever is an SME but not small is
micro. Money thresholds are in 万元 (10,000 CNY); employee thresholds are in
persons. ``classify`` takes money in whole CNY.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from numbers import Real
from typing import Final, Literal

from marketplace.reference.industries import get_industry

__all__ = [
    "SIZE_CLASS_NAMES",
    "SIZE_GROUPS",
    "Classification",
    "Condition",
    "SizeGroup",
    "classify",
    "describe",
    "group_choices_for_industry",
    "group_for_industry",
    "size_class_name",
]

Metric = Literal["employees", "revenue", "assets"]
Op = Literal["<", ">="]
SizeClass = Literal["micro", "small", "medium", "large"]

WAN: Final = 10_000


@dataclass(frozen=True)
class Condition:
    """``metric op value_wan``; value_wan is in 万元, or persons for employees."""

    metric: Metric
    op: Op
    value_wan: int

    @property
    def threshold(self) -> int:
        """The threshold in the unit ``classify`` takes (persons or whole CNY)."""
        return self.value_wan if self.metric == "employees" else self.value_wan * WAN

    def holds(self, value: int) -> bool:
        """Return True if ``value`` (persons or CNY) satisfies the condition."""
        return value < self.threshold if self.op == "<" else value >= self.threshold


@dataclass(frozen=True)
class SizeGroup:
    """One industry group of the 2011 standard with its thresholds."""

    key: str
    name_zh: str
    name_en: str
    sme_if: tuple[Condition, ...]
    medium: tuple[Condition, ...]
    small: tuple[Condition, ...]

    @property
    def metrics(self) -> tuple[Metric, ...]:
        """The metrics this group's rules use, in order of first appearance."""
        seen: dict[Metric, None] = {}
        for cond in self.sme_if + self.medium + self.small:
            seen.setdefault(cond.metric)
        return tuple(seen)

    def name(self, locale: str) -> str:
        """Return the English name for locales starting with "en", else Chinese."""
        return self.name_en if locale.lower().startswith("en") else self.name_zh


def _conds(op: Op, values: dict[Metric, int]) -> tuple[Condition, ...]:
    return tuple(Condition(metric, op, value) for metric, value in values.items())


# key, zh name, en name, SME if (any "<"), medium (all ">="), small (all ">=").
# fmt: off
_Row = tuple[str, str, str, dict[Metric, int], dict[Metric, int], dict[Metric, int]]
_TABLE: Final[tuple[_Row, ...]] = (
    ("agriculture", "农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery",
     {"revenue": 20000}, {"revenue": 500}, {"revenue": 50}),
    ("industry", "工业", "Industry",
     {"employees": 1000, "revenue": 40000}, {"employees": 300, "revenue": 2000},
     {"employees": 20, "revenue": 300}),
    ("construction", "建筑业", "Construction",
     {"revenue": 80000, "assets": 80000}, {"revenue": 6000, "assets": 5000},
     {"revenue": 300, "assets": 300}),
    ("wholesale", "批发业", "Wholesale",
     {"employees": 200, "revenue": 40000}, {"employees": 20, "revenue": 5000},
     {"employees": 5, "revenue": 1000}),
    ("retail", "零售业", "Retail",
     {"employees": 300, "revenue": 20000}, {"employees": 50, "revenue": 500},
     {"employees": 10, "revenue": 100}),
    ("transport", "交通运输业", "Transport",
     {"employees": 1000, "revenue": 30000}, {"employees": 300, "revenue": 3000},
     {"employees": 20, "revenue": 200}),
    ("warehousing", "仓储业", "Warehousing",
     {"employees": 200, "revenue": 30000}, {"employees": 100, "revenue": 1000},
     {"employees": 20, "revenue": 100}),
    ("postal", "邮政业", "Postal services",
     {"employees": 1000, "revenue": 30000}, {"employees": 300, "revenue": 2000},
     {"employees": 20, "revenue": 100}),
    ("accommodation", "住宿业", "Accommodation",
     {"employees": 300, "revenue": 10000}, {"employees": 100, "revenue": 2000},
     {"employees": 10, "revenue": 100}),
    ("catering", "餐饮业", "Catering",
     {"employees": 300, "revenue": 10000}, {"employees": 100, "revenue": 2000},
     {"employees": 10, "revenue": 100}),
    ("information_transmission", "信息传输业", "Information transmission",
     {"employees": 2000, "revenue": 100000}, {"employees": 100, "revenue": 1000},
     {"employees": 10, "revenue": 100}),
    ("software_it", "软件和信息技术服务业", "Software and IT services",
     {"employees": 300, "revenue": 10000}, {"employees": 100, "revenue": 1000},
     {"employees": 10, "revenue": 50}),
    ("real_estate_development", "房地产开发经营", "Real estate development",
     {"revenue": 200000, "assets": 10000}, {"revenue": 1000, "assets": 5000},
     {"revenue": 100, "assets": 2000}),
    ("property_management", "物业管理", "Property management",
     {"employees": 1000, "revenue": 5000}, {"employees": 300, "revenue": 1000},
     {"employees": 100, "revenue": 500}),
    ("leasing_business", "租赁和商务服务业", "Leasing and business services",
     {"employees": 300, "assets": 120000}, {"employees": 100, "assets": 8000},
     {"employees": 10, "assets": 100}),
    ("other", "其他未列明行业", "Other industries",
     {"employees": 300}, {"employees": 100}, {"employees": 10}),
)
# fmt: on

SIZE_GROUPS: Final[dict[str, SizeGroup]] = {
    key: SizeGroup(key, zh, en, _conds("<", sme), _conds(">=", med), _conds(">=", small))
    for key, zh, en, sme, med, small in _TABLE
}

# GB/T 4754-2017 code -> possible group keys (first is the default).
# Divisions fall back to their section; sections not listed map to "other".
_REAL_ESTATE: Final = ("real_estate_development", "property_management", "other")
_SECTION_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "A": ("agriculture",),
    "B": ("industry",),
    "C": ("industry",),
    "D": ("industry",),
    "E": ("construction",),
    "F": ("wholesale", "retail"),
    "G": ("transport", "warehousing", "postal"),
    "H": ("accommodation", "catering"),
    "I": ("information_transmission", "software_it"),
    "K": _REAL_ESTATE,
    "L": ("leasing_business",),
}
_DIVISION_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "F51": ("wholesale",),
    "F52": ("retail",),
    **{f"G{n}": ("transport",) for n in range(53, 59)},
    "G59": ("warehousing",),
    "G60": ("postal",),
    "H61": ("accommodation",),
    "H62": ("catering",),
    "I63": ("information_transmission",),
    "I64": ("information_transmission",),
    "I65": ("software_it",),
    "K70": _REAL_ESTATE,
}

# (zh, en) names, as labels; English sentences use them in lower case ("→ small", "a small enterprise").
SIZE_CLASS_NAMES: Final[dict[str, tuple[str, str]]] = {
    "micro": ("微型", "Micro"),
    "small": ("小型", "Small"),
    "medium": ("中型", "Medium"),
    "large": ("大型", "Large"),
}

# metric -> (zh name, zh unit, en name); money is shown in 万元 / M CNY.
_METRIC_TEXT: Final[dict[str, tuple[str, str, str]]] = {
    "employees": ("从业人员", "人", "employees"),
    "revenue": ("营业收入", "万元", "revenue"),
    "assets": ("资产总额", "万元", "total assets"),
}
_INPUT_FIELDS: Final[dict[str, str]] = {
    "employees": "employees",
    "revenue": "revenue_cny",
    "assets": "assets_cny",
}


@dataclass(frozen=True)
class Classification:
    """Result of ``classify``; size_class is None when a needed metric is missing."""

    size_class: SizeClass | None
    group: SizeGroup
    decided_by: tuple[Condition, ...]
    missing: tuple[str, ...]
    employees: int | None
    revenue_cny: int | None
    assets_cny: int | None

    @property
    def is_sme(self) -> bool:
        """True for micro, small and medium enterprises."""
        return self.size_class in ("micro", "small", "medium")

    def value(self, metric: str) -> int | None:
        """Return the input for ``metric`` ("employees", "revenue" or "assets")."""
        value: int | None = getattr(self, _INPUT_FIELDS[metric])
        return value


def group_choices_for_industry(code: str) -> tuple[str, ...]:
    """Return the size-group keys possible for a GB/T 4754-2017 code; first is the default.

    More than one key means the user may (or should) pick one.
    Raises KeyError for an unknown industry code.
    """
    industry = get_industry(code)
    if industry.code in _DIVISION_GROUPS:
        return _DIVISION_GROUPS[industry.code]
    return _SECTION_GROUPS.get(industry.section, ("other",))


def group_for_industry(code: str, chosen: str | None = None) -> SizeGroup:
    """Return the size group for an industry code, honouring the user's ``chosen`` key.

    ``chosen`` None (or empty) selects the default group. Raises KeyError for
    an unknown industry code and ValueError if ``chosen`` is not one of
    ``group_choices_for_industry(code)``.
    """
    choices = group_choices_for_industry(code)
    if not chosen:
        return SIZE_GROUPS[choices[0]]
    if chosen not in choices:
        raise ValueError(
            f"Size group {chosen!r} does not apply to industry {code!r}; "
            f"allowed: {', '.join(choices)}"
        )
    return SIZE_GROUPS[chosen]


def _resolve_group(group: SizeGroup | str) -> SizeGroup:
    if isinstance(group, SizeGroup):
        return group
    try:
        return SIZE_GROUPS[group]
    except KeyError:
        raise KeyError(f"Unknown size group: {group!r}") from None


def classify(
    group: SizeGroup | str,
    *,
    employees: int | None,
    revenue_cny: int | None,
    assets_cny: int | None,
) -> Classification:
    """Classify an enterprise as micro, small, medium or large.

    Money is in whole CNY (int; Decimal is accepted too). Metrics the group does not use are ignored; if a
    metric it uses is None, size_class is None and ``missing`` names it.
    Raises KeyError for an unknown group key, TypeError for a non-numeric
    input and ValueError (naming the field) for a negative input.
    """
    grp = _resolve_group(group)
    inputs: dict[Metric, int | None] = {
        "employees": employees,
        "revenue": revenue_cny,
        "assets": assets_cny,
    }
    for metric, value in inputs.items():
        field = _INPUT_FIELDS[metric]
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (Real, Decimal)):
            raise TypeError(f"{field} must be a number, got {value!r}")
        if value < 0:
            raise ValueError(f"{field} must not be negative, got {value}")

    def result(
        size: SizeClass | None, by: tuple[Condition, ...], missing: tuple[str, ...] = ()
    ) -> Classification:
        return Classification(size, grp, by, missing, employees, revenue_cny, assets_cny)

    missing = tuple(m for m in grp.metrics if inputs[m] is None)
    if missing:
        return result(None, (), missing)

    def met(cond: Condition) -> bool:
        value = inputs[cond.metric]
        assert value is not None
        return cond.holds(value)

    if not any(met(c) for c in grp.sme_if):
        return result("large", grp.sme_if)
    if all(met(c) for c in grp.medium):
        return result("medium", grp.medium)
    if all(met(c) for c in grp.small):
        return result("small", grp.small)
    return result("micro", tuple(c for c in grp.small if not met(c)))


def size_class_name(key: str, locale: str) -> str:
    """Return the display name of a size class, as a label ("小型", "Small"); lower-case it
    inside an English sentence. Raises KeyError for an unknown key."""
    zh, en = SIZE_CLASS_NAMES[key]
    return en if locale.lower().startswith("en") else zh


def _plain(number: Decimal) -> str:
    """Format without exponent or trailing zeros: 800, 12.5."""
    return format(number.normalize(), "f")


def _money_en(cny: int | Decimal) -> str:
    """Format CNY as millions with at least two decimals, exact: "8.00 M CNY"."""
    millions = Decimal(str(cny)) / Decimal(1_000_000)
    exponent = millions.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{millions:,.{places}f} M CNY"


def _value_text(metric: str, value: int, en: bool) -> str:
    zh_name, unit, en_name = _METRIC_TEXT[metric]
    if metric == "employees":
        if en:
            return f"{value:,} {'employee' if value == 1 else 'employees'}"
        return f"{zh_name} {value} {unit}"
    if en:
        return f"{en_name} {_money_en(value)}"
    return f"{zh_name} {_plain(Decimal(str(value)) / WAN)} {unit}"


_NEGATE: Final[dict[str, Op]] = {"<": ">=", ">=": "<"}


def _condition_text(cond: Condition, en: bool, negate: bool = False) -> str:
    zh_name, unit, en_name = _METRIC_TEXT[cond.metric]
    op = _NEGATE[cond.op] if negate else cond.op
    symbol = "≥" if op == ">=" else "<"
    if not en:
        return f"{zh_name} {symbol} {cond.value_wan} {unit}"
    if cond.metric == "employees":
        return f"{en_name} {symbol} {cond.value_wan:,}"
    return f"{en_name} {symbol} {_money_en(cond.threshold)}"


# size class -> (negate conditions?, zh joiner, en joiner, zh prefix, en prefix)
_RULE_STYLE: Final[dict[str, tuple[bool, str, str, str, str]]] = {
    "medium": (False, "且", " and ", "", ""),
    "small": (False, "且", " and ", "", ""),
    "micro": (True, "或", " or ", "", ""),
    "large": (False, "或", " or ", "不满足：", "not met: "),
}


def describe(c: Classification, locale: str = "zh") -> str:
    """Explain a classification as one sentence naming the deciding rule.

    e.g. "工业：从业人员 25 人、营业收入 800 万元 → 小型（从业人员 ≥ 20 人且营业收入 ≥ 300 万元）".
    Only the metrics the group uses are shown. Never raises for a
    Classification produced by ``classify``.
    """
    en = locale.lower().startswith("en")
    group_name = c.group.name(locale)
    if c.size_class is None:
        if en:
            names = ", ".join(_METRIC_TEXT[m][2] for m in c.missing)
            return f"{group_name}: cannot classify, missing {names}"
        names = "、".join(_METRIC_TEXT[m][0] for m in c.missing)
        return f"{group_name}：缺少{names}，无法划型"
    values = []
    for metric in c.group.metrics:
        value = c.value(metric)
        if value is not None:
            values.append(_value_text(metric, value, en))
    negate, zh_join, en_join, zh_prefix, en_prefix = _RULE_STYLE[c.size_class]
    rule = (en_join if en else zh_join).join(
        _condition_text(cond, en, negate) for cond in c.decided_by
    )
    size = size_class_name(c.size_class, locale)
    if en:
        return f"{group_name}: {', '.join(values)} → {size.lower()} ({en_prefix}{rule})"
    return f"{group_name}：{'、'.join(values)} → {size}（{zh_prefix}{rule}）"
