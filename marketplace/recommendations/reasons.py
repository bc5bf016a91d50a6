"""Reasons as sentences, in Chinese and English, with names instead of codes."""

from __future__ import annotations

from functools import cache
from typing import Any

from listings.categories import CATEGORY_LABELS, SUBCATEGORY_LABELS
from marketplace.money import amount_text
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
    return amount_text(value, locale)


def region_name(code: str, locale: str) -> str:
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


def _for_provider(reason: Reason, locale: str) -> str | None:
    """The sentence for a provider reading its leads (the need is the other side), or None when
    the enterprise's sentence reads right for both."""
    p: dict[str, Any] = reason.params
    zh = locale == "zh"
    code = reason.code
    if code == "subcategory":
        label = f"{_category(p['category'], locale)} · {_subcategory(p['category'], p['subcategory'], locale)}"
        return f"需求与您的服务同属：{label}" if zh else f"Asks for the kind of service you offer: {label}"
    if code == "category":
        label = _category(p["category"], locale)
        return f"需求与您的服务同类：{label}" if zh else f"In the category of your offer: {label}"
    if code == "semantic":
        return "需求描述与您的服务语义相近" if zh else "Close in meaning to your offer"
    if code == "amount_in_range":
        amount, low, high = (_money(p[k], locale) for k in ("amount", "min", "max"))
        return f"所需金额 {amount}在您的 {low}–{high}范围内" if zh else f"The amount sought, {amount}, is within your {low}–{high}"
    if code == "province_wide":
        return "您的服务覆盖全省" if zh else "Your offer covers all of Guangdong"
    if code == "industry":
        name = _industry(p["industry"], locale)
        return f"企业所属行业在您的服务范围内：{name}" if zh else f"The enterprise's industry is one you serve: {name}"
    if code == "size":
        name = size_class_name(p["size_class"], locale)
        return f"{name}企业，在您的服务对象内" if zh else f"A {name.lower()} enterprise, among the sizes you serve"
    if code == "verified":
        return None
    if code == "deadline_soon":
        return f"您的申请截止 {p['date']}（还有 {p['days']} 天）" if zh else f"Your offer closes on {p['date']} ({p['days']} days left)"
    if code == "within_budget":
        price, budget = _money(p["price"], locale), _money(p["budget"], locale)
        return f"您的价格 {price}在对方预算 {budget}以内" if zh else f"Your price {price} is within their budget {budget}"
    if code == "over_budget":
        price, budget = _money(p["price"], locale), _money(p["budget"], locale)
        return f"您的价格 {price}高于对方预算 {budget}" if zh else f"Your price {price} is above their budget {budget}"
    return None


def sentence(reason: Reason, locale: str, reader: str = "seeker") -> str:
    """The reason in ``locale``, phrased for its ``reader``: the enterprise ("seeker", the
    default) or the provider looking at its leads ("provider")."""
    if reader == "provider":
        text = _for_provider(reason, locale)
        if text is not None:
            return text
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
        name = region_name(p["region"], locale)
        return f"同城：{name}" if zh else f"Same city: {name}"
    if code == "province_wide":
        return "全省可办理" if zh else "Available across Guangdong"
    if code == "industry":
        name = _industry(p["industry"], locale)
        return f"面向您的行业：{name}" if zh else f"Meant for your industry: {name}"
    if code == "size":
        name = size_class_name(p["size_class"], locale)
        return f"面向{name}企业" if zh else f"Meant for {name.lower()} enterprises"
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
    if code == "responsive_provider":
        asked, answered = p["received"], p["answered"]
        return (f"服务机构回复及时：{asked} 次咨询中已回复 {answered} 次" if zh
                else f"The provider answers inquiries: {answered} of {asked} answered")
    if code == "successful_provider":
        closed, won = p["closed"], p["won"]
        return (f"服务机构成交记录良好：{closed} 次洽谈中成交 {won} 次" if zh
                else f"The provider's engagements often end in a deal: {won} of {closed} won")
    return code


def as_data(reason: Reason, reader: str = "seeker") -> dict[str, Any]:
    """A reason for JSON: its code and parameters, and the sentence in both languages (phrased
    for ``reader``, see :func:`sentence`)."""
    return {
        "code": reason.code,
        "params": reason.params,
        "negative": reason.negative,
        "zh": sentence(reason, "zh", reader),
        "en": sentence(reason, "en", reader),
    }


def rule_sentence(rule: str, locale: str) -> str:
    zh, en = RULE_TEXT.get(rule, (rule, rule))
    return zh if locale == "zh" else en
