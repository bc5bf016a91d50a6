"""Template globals and filters: reference names in the reader's language, the current role."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from listings.categories import CATEGORY_LABELS, STATUS_LABELS, category_label, subcategory_label
from marketplace.money import zh_amount
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
    """Whole CNY for people: 万元 in Chinese from 10,000 up, thousands separators in English."""
    if value is None:
        return ""
    return zh_amount(value) if locale_code() == "zh" else f"CNY {value:,}"


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        current_organization=current_organization,
        current_role=current_role,
        locale_code=locale_code,
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
        category_label=category_label,
    )
    app.jinja_env.globals.update(
        subcategory_label=subcategory_label,
        status_labels=STATUS_LABELS,
        category_labels=CATEGORY_LABELS,
    )
