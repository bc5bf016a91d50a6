"""Money as people read it, one unit per context.

Amounts that enterprises and banks talk about in 万元 (loans, guarantees, investments, amounts
sought, budgets, revenue, deals) are shown in 万元 in Chinese, whatever their size
(0.5 万元, 500 万元); prices carry their unit (元/人, 元/展位, 元/㎡/月). English shows CNY. The
database and the API keep whole CNY.
"""

from __future__ import annotations

from decimal import Decimal

WAN = 10_000


def wan_number(value: int) -> str:
    """Whole CNY as a number of 万元, without trailing zeros: 5000000 → "500", 125000 → "12.5"."""
    text = f"{Decimal(value) / WAN:,.4f}".rstrip("0").rstrip(".")
    return text


def zh_amount(value: int) -> str:
    """An amount in 万元: 5000000 → "500 万元", 5000 → "0.5 万元"."""
    return f"{wan_number(value)} 万元"


def en_amount(value: int) -> str:
    """An amount in English: CNY with thousands separators, millions shortened (CNY 5.00 M)."""
    return f"CNY {value / 1_000_000:,.2f} M" if value >= 1_000_000 else f"CNY {value:,}"


def amount_text(value: int | None, locale: str) -> str:
    if value is None:
        return "—"
    return zh_amount(value) if locale == "zh" else en_amount(value)
