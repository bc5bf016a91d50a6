"""Template globals and filters: reference names in the reader's language, the current role."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from listings.categories import (
    CATEGORY_LABELS,
    STATUS_LABELS,
    VISIBILITY_BADGES,
    VISIBILITY_HELP,
    category_label,
    price_text,
    subcategory_label,
)
from marketplace.forms import cny_to_wan
from marketplace.money import amount_text
from marketplace.organizations.current import current_organization, current_role
from marketplace.organizations.kinds import KIND_LABELS, MEMBER_ROLE_LABELS, VERIFICATION_LABELS
from marketplace.reference import (
    Classification,
    describe,
    get_industry,
    get_region,
    is_industry,
    is_region,
    size_class_name,
)


def locale_code() -> str:
    return str(get_locale() or "zh")


def region_name(code: str | None) -> str:
    if not code:
        return ""
    return get_region(code).name(locale_code()) if is_region(code) else code


def industry_label(code: str | None) -> str:
    if not code:
        return ""
    return get_industry(code).label(locale_code()) if is_industry(code) else code


def size_label(key: str | None) -> str:
    return size_class_name(key, locale_code()) if key else ""


def describe_size(classification: Classification) -> str:
    """The rule that decided the size class, in the reader's language."""
    return describe(classification, locale_code())


def money(value: int | None) -> str:
    """An amount of whole CNY for people: 万元 in Chinese (any size), CNY in English."""
    if value is None:
        return ""
    return amount_text(value, locale_code())


def parens(text: Any) -> str:
    """A remark in brackets as the reader's language writes it: 「（需求方）」, " (seeker)"."""
    return f"（{text}）" if locale_code() == "zh" else f" ({text})"


def list_separator() -> str:
    """What separates the items of a list in a sentence: 「中山市、佛山市」, "Zhongshan, Foshan"."""
    return "、" if locale_code() == "zh" else ", "


def wan_value(value: int | None) -> str:
    """Whole CNY as the number a 万元 input shows (no separators): 5000000 → "500"."""
    return "" if value is None else str(cny_to_wan(value))


def price(posting: Any) -> str:
    """A posting's price with its unit (元/人, 元/展位, 元/㎡/月), or "Free"."""
    if posting.price_cny is None:
        return ""
    if not posting.price_cny:
        return str(_l("Free"))
    return price_text(posting.price_cny, posting.category, posting.subcategory)


def filesize(size: int) -> str:
    """A file's size as people read it: 830 KB, 2.4 MB."""
    from flask_babel import format_decimal

    if size < 1024 * 1024:
        return f"{format_decimal(max(1, round(size / 1024)))} KB"
    return f"{format_decimal(round(size / (1024 * 1024), 1))} MB"


def register(app: Flask) -> None:
    from marketplace.documents.services import kind_label as document_kind_label
    from marketplace.engagements.consent import field_label as share_field_label

    app.jinja_env.globals.update(
        current_organization=current_organization,
        current_role=current_role,
        locale_code=locale_code,
        list_separator=list_separator,
        describe_size=describe_size,
        kind_labels=KIND_LABELS,
        verification_labels=VERIFICATION_LABELS,
        member_role_labels=MEMBER_ROLE_LABELS,
    )
    app.jinja_env.filters.update(
        region_name=region_name,
        industry_label=industry_label,
        size_label=size_label,
        money=money,
        price=price,
        wan_value=wan_value,
        parens=parens,
        category_label=category_label,
        filesize=filesize,
    )
    app.jinja_env.globals.update(
        subcategory_label=subcategory_label,
        status_labels=STATUS_LABELS,
        category_labels=CATEGORY_LABELS,
        visibility_badges=VISIBILITY_BADGES,
        visibility_help=VISIBILITY_HELP,
        document_kind_label=document_kind_label,
        share_field_label=share_field_label,
    )
