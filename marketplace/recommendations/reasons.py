"""Reasons as sentences, in Chinese and English, with names instead of codes."""

from __future__ import annotations

from functools import cache
from typing import Any

from listings.categories import CATEGORY_LABELS, SUBCATEGORY_LABELS
from marketplace.money import zh_amount
from marketplace.reference import get_industry, get_region, is_industry, is_region, size_class_name
from matching import Reason

RULE_TEXT = {
    "status": ("已关闭或未发布", "closed or not published"),
    "region": ("不在服务地区内", "your region is not served"),
    "industry": ("不适用于您的行业", "not for your industry"),
    "size": ("不适用于您的企业规模", "not for your enterprise size"),
    "amount": ("金额不在产品范围内", "the amount is outside its range"),
    "deadline": ("已过申请截止日期", "the deadline has passed"),
}


def _money(value: int | None, locale: str) -> str:
    if value is None:
        return "—"
    if locale == "zh":
        return zh_amount(value)
    return f"CNY {value / 1_000_000:,.2f} M" if value >= 1_000_000 else f"CNY {value:,}"


def _region(code: str, locale: str) -> str:
    return get_region(code).name(locale) if is_region(code) else code


def _industry(code: str, locale: str) -> str:
    return get_industry(code).label(locale) if is_industry(code) else code


@cache
def _category(key: str, locale: str) -> str:
    # Labels are lazy gettext strings; force each language explicitly (once: they never change).
    from flask_babel import force_locale

    with force_locale(locale):
        return str(CATEGORY_LABELS.get(key, key))


@cache
def _subcategory(category: str, key: str, locale: str) -> str:
    from flask_babel import force_locale

    with force_locale(locale):
        return str(SUBCATEGORY_LABELS.get(category, {}).get(key, key))


def sentence(reason: Reason, locale: str) -> str:
    p: dict[str, Any] = reason.params
    zh = locale == "zh"
    code = reason.code
    if code == "subcategory":
        label = f"{_category(p['category'], locale)} · {_subcategory(p['category'], p['subcategory'], locale)}"
        return f"与需求同属：{label}" if zh else f"Same kind of service as the need: {label}"
    if code == "category":
        label = _category(p["category"], locale)
        return f"与需求同类：{label}" if zh else f"Same category as the need: {label}"
    if code == "semantic":
        return "与需求描述语义相近" if zh else "Close in meaning to what you described"
    if code == "keywords":
        terms = "、".join(p["terms"]) if zh else ", ".join(p["terms"])
        return f"关键词匹配：{terms}" if zh else f"Shared keywords: {terms}"
    if code == "amount_in_range":
        amount, low, high = (_money(p[k], locale) for k in ("amount", "min", "max"))
        return f"金额 {amount}在 {low}–{high}范围内" if zh else f"The amount {amount} is within {low}–{high}"
    if code == "same_city":
        name = _region(p["region"], locale)
        return f"同城：{name}" if zh else f"Same city: {name}"
    if code == "province_wide":
        return "全省可办理" if zh else "Available across Guangdong"
    if code == "industry":
        name = _industry(p["industry"], locale)
        return f"面向您的行业：{name}" if zh else f"Meant for your industry: {name}"
    if code == "size":
        name = size_class_name(p["size_class"], locale)
        return f"面向{name}企业" if zh else f"Meant for {name} enterprises"
    if code == "verified":
        return "服务机构已通过平台认证" if zh else "The provider is verified by the platform"
    if code == "deadline_soon":
        return f"申请截止 {p['date']}（还有 {p['days']} 天）" if zh else f"Apply by {p['date']} ({p['days']} days left)"
    if code == "over_budget":
        price, budget = _money(p["price"], locale), _money(p["budget"], locale)
        return f"价格 {price}高于预算 {budget}" if zh else f"The price {price} is above the budget {budget}"
    if code == "within_budget":
        price, budget = _money(p["price"], locale), _money(p["budget"], locale)
        return f"价格 {price}在预算 {budget}以内" if zh else f"The price {price} is within the budget {budget}"
    return code


def as_data(reason: Reason) -> dict[str, Any]:
    """A reason for JSON: its code and parameters, and the sentence in both languages."""
    return {
        "code": reason.code,
        "params": reason.params,
        "negative": reason.negative,
        "zh": sentence(reason, "zh"),
        "en": sentence(reason, "en"),
    }


def rule_sentence(rule: str, locale: str) -> str:
    zh, en = RULE_TEXT.get(rule, (rule, rule))
    return zh if locale == "zh" else en
