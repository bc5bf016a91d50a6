"""Amounts of whole CNY as Chinese readers write them."""

from __future__ import annotations


def zh_amount(value: int) -> str:
    """万元 from 10,000 up (trailing zeros dropped), else 元: 5000000 → "500 万元", 800 → "800 元"."""
    if value >= 10_000:
        return f"{value / 10_000:,.4f}".rstrip("0").rstrip(".") + " 万元"
    return f"{value:,} 元"
