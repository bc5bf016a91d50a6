"""Every demo posting as a records-schema dict (:func:`records`), for one day.

Deterministic: the same day gives the same records. Dates are offsets from that day, so the
demo never expires (reloading refreshes them); the expired examples stay in the past.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from copy import deepcopy
from datetime import date, timedelta
from typing import Any

from marketplace.demo_data import financing, needs, offers, showcase
from marketplace.demo_data.financing import CATALOGUES, OFFERINGS, Product
from marketplace.demo_data.offers import CATEGORY_OF, Offer
from marketplace.demo_data.organizations import BY_KEY, WAN, Org
from marketplace.reference import PROVINCE, REGIONS

DATE_FIELDS = ("starts_on", "ends_on", "deadline", "needed_by")
# Round amounts (万元) an institution's scale is rounded to.
NICE_WAN = (3, 5, 10, 20, 30, 50, 80, 100, 150, 200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000, 8000,
            10000, 15000, 20000, 30000, 50000, 100000)


# --- wording ----------------------------------------------------------------------------------


def wan_text(wan: int) -> str:
    """500 万元, 1 亿元, 1.5 亿元."""
    if wan >= 10000:
        return f"{wan / 10000:g} 亿元"
    return f"{wan} 万元"


def yuan_text(yuan: int) -> str:
    """8000 元, 6 万元, 12.5 万元."""
    return f"{yuan / WAN:g} 万元" if yuan >= WAN else f"{yuan} 元"


def span_text(low: int, high: int) -> str:
    """50–2000 万元, 3000 万元–3 亿元, 1–3 亿元."""
    if high < 10000:
        return f"{low}–{high} 万元"
    if low >= 10000:
        return f"{low / 10000:g}–{high / 10000:g} 亿元"
    return f"{wan_text(low)}–{wan_text(high)}"


def span_en(low: int, high: int) -> str:
    return f"CNY {low / 100:g}–{high / 100:g} million"


def area_text(regions: Iterable[str]) -> str:
    """佛山、肇庆 (the cities' short names), or 全省."""
    codes = list(regions)
    if PROVINCE in codes:
        return "全省"
    return "、".join(REGIONS[c].name_zh.removesuffix("市") for c in codes)


def area_en(regions: Iterable[str]) -> str:
    names = [REGIONS[c].name_en for c in regions]
    if "Guangdong Province" in names:
        return "Guangdong"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def rate_text(rate: float) -> str:
    return f"{rate:.2f}".rstrip("0").rstrip(".")


def nice(wan: float) -> int:
    """The round amount nearest to ``wan`` (by ratio)."""
    return min(NICE_WAN, key=lambda n: max(n, wan) / min(n, wan))


_CJK = "\u4e00-\u9fff"
_GLUED = re.compile(rf"(?<=[{_CJK}])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[{_CJK}])")


def spaced(text: str) -> str:
    """A space between Chinese and Latin letters or digits where a template glued them
    (申请IATF → 申请 IATF), as the hand-written texts have it."""
    return _GLUED.sub(" ", text)


def is_english(text: str) -> bool:
    return not any("\u4e00" <= ch <= "\u9fff" for ch in text)


def external_id(prefix: str, org: str, key: str) -> str:
    """demo-L-bank-lingnan-foshan-working-capital (at most 64 characters)."""
    ident = f"{prefix}-{org.removeprefix('demo-')}-{key.replace('_', '-')}"
    assert len(ident) <= 64, ident
    return ident


def _day(today: date, offset: int) -> str:
    return (today + timedelta(days=offset)).isoformat()


def _dated(record: dict[str, Any], today: date) -> dict[str, Any]:
    """A copy of the record with its day offsets turned into dates."""
    return {k: _day(today, v) if k in DATE_FIELDS and isinstance(v, int) else v for k, v in deepcopy(record).items()}


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    """Without empty optional fields (the importer treats absent and empty alike)."""
    return {k: v for k, v in record.items() if v not in (None, [], {}, "")}


# --- financing --------------------------------------------------------------------------------


def _amounts(product: Product, scale: float) -> tuple[int, int]:
    low, high = product.amount_wan
    if not product.scales or scale == 1:
        return low, high
    high = nice(high * scale)
    if scale < 1:
        low = nice(low * scale)
    return (low if low < high else nice(high / 10)), high


def financing_records() -> Iterator[dict[str, Any]]:
    for org_key, offering in OFFERINGS.items():
        org = BY_KEY[org_key]
        catalogue = CATALOGUES[org.kind]
        for key in offering.products:
            yield _financing(org, key, catalogue[key], offering)


def _financing(org: Org, key: str, product: Product, offering: financing.Offering) -> dict[str, Any]:
    low, high = _amounts(product, offering.scale)
    rate = round(product.rate + offering.margin, 2) if product.rate else product.rate
    fill = {"brand": org.brand, "area": area_text(offering.regions), "area_en": area_en(offering.regions),
            "span": span_text(low, high), "span_en": span_en(low, high), "term": product.term,
            "rate": rate_text(rate) if rate is not None else ""}
    return _compact({
        "type": "listing", "external_id": external_id("demo-L", org.key, key), "organization": org.key,
        "category": "financing", "subcategory": product.subcategory,
        "title": product.title.format(**fill), "description": product.description.format(**fill),
        "regions": list(offering.regions), "industries": list(product.industries), "size_classes": list(product.sizes),
        "amount_min_cny": low * WAN, "amount_max_cny": high * WAN, "term_months_max": product.term,
        "annual_rate_pct": rate, "collateral_required": product.collateral, "tags": list(product.tags),
        "attributes": {"documents_required": list(product.documents)} if product.documents else {},
    })


# --- the other categories ---------------------------------------------------------------------


def _schedule(start: date, end: date, english: bool) -> str:
    if english:
        days = start.strftime("%d %b %Y") if start == end else f"{start:%d %b} – {end:%d %b %Y}"
        return f"{days}, 9:00–17:00"
    if start == end:
        return f"{start.month} 月 {start.day} 日 9:00–17:00"
    return f"{start.month} 月 {start.day} 日至 {end.month} 月 {end.day} 日，每天 9:00–17:00"


def offer_record(offer: Offer, today: date) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "listing", "external_id": external_id("demo-L", offer.org, offer.key), "organization": offer.org,
        "category": offer.category, "subcategory": offer.subcategory, "title": offer.title,
        "description": offer.description, **offer.fields, "tags": list(offer.tags),
    }
    for name, offset in offer.dates.items():
        record[name] = _day(today, offset)
    attributes = dict(offer.attributes)
    if offer.category == "training" and "schedule" not in attributes:
        attributes["schedule"] = _schedule(today + timedelta(days=offer.dates["starts_on"]),
                                           today + timedelta(days=offer.dates["ends_on"]), is_english(offer.title))
    record["attributes"] = attributes
    return _compact(record)


def tour() -> Iterator[Offer]:
    for city, region, start, venue in offers.TOUR:
        yield Offer("demo-gov-promotion", "management", f"specialized-tour-{region}",
                    f"专精特新中小企业培育专题培训（{city}站）",
                    "省中小企业发展促进中心的巡回公益培训：解读专精特新评价指标、申报流程和各级奖补政策，"
                    f"邀请已认定企业分享经验，现场提供一对一诊断。{city}及周边地市企业可报名，免费参加。",
                    ("专精特新", "公益培训", "政策解读"), {"price_cny": 0, "regions": [region]},
                    {"starts_on": start, "ends_on": start, "deadline": start - 5}, {"seats": 150, "venue": venue})


def roadshows() -> Iterator[Offer]:
    for key, theme, start in offers.ROADSHOW_THEMES:
        yield Offer("demo-org-roadshow", "roadshow", f"hardtech-{key}", f"硬科技项目投融资路演·{theme}专场",
                    f"每期 8 个{theme}项目上台路演，30 余家投资机构和产业方到场点评并约谈；有融资需求的企业可提交"
                    "商业计划书报名上台，观众免费参加。", ("路演", "投融资对接", theme),
                    {"price_cny": 0, "regions": [PROVINCE]}, {"starts_on": start, "ends_on": start, "deadline": start - 10},
                    {"venue": "深圳市南山区湾区创投路演中心", "expected_visitors": 300})


def government_purchases() -> Iterator[Offer]:
    """The set-asides for small and micro enterprises: what each city's government buys."""
    for org_key, picks in offers.GOVERNMENT_BUYERS.items():
        org = BY_KEY[org_key]
        city = REGIONS[org.region].name_zh
        for index, closes_in in picks:
            key, item, description, budget, purchaser = offers.GOVERNMENT_PURCHASES[index]
            yield Offer(org_key, "government", f"set-aside-{key}", f"政府采购预留份额：{item}", description,
                        ("政府采购", "中小企业预留份额"),
                        {"regions": [org.region], "size_classes": list(offers.SME_SIZES), "amount_min_cny": 0,
                         "amount_max_cny": budget * WAN},
                        {"deadline": closes_in}, {"purchaser": purchaser.format(city=city)})


def supply_calls() -> Iterator[Offer]:
    for org_key, key, title, description, purchaser, volume, days, regions, industries in offers.SUPPLY_CALLS:
        tags = ("supplier search", "large-enterprise supply") if is_english(title) else ("大中小企业融通", "供应商招募")
        yield Offer(org_key, "supply", key, title, description, tags,
                    {"regions": list(regions), "industries": list(industries), "size_classes": ["small", "medium"],
                     "amount_min_cny": 0, "amount_max_cny": volume * WAN},
                    {"deadline": days}, {"purchaser": purchaser})


def all_offers() -> Iterator[Offer]:
    yield from offers.TECHNOLOGY
    yield from offers.TRAINING
    yield from tour()
    yield from offers.EXHIBITIONS
    yield from roadshows()
    yield from offers.SERVICES
    yield from offers.POLICIES
    yield from government_purchases()
    yield from supply_calls()
    yield from offers.SPACES


# --- needs ------------------------------------------------------------------------------------


def need_records(today: date) -> Iterator[dict[str, Any]]:
    for org_key, wants in needs.WANTS.items():
        org = BY_KEY[org_key]
        for template_key, amount, by in wants:
            template = needs.TEMPLATES[template_key]
            in_wan = template.money == "amount_cny"
            fill = {**org.traits, "name": org.name, "city": org.city,
                    "amount": wan_text(amount) if in_wan else yuan_text(amount)}
            yield _compact({
                "type": "need", "external_id": external_id("demo-N", org_key, template_key), "organization": org_key,
                "category": CATEGORY_OF[template.subcategory], "subcategory": template.subcategory,
                "title": spaced(template.title.format(**fill)), "description": spaced(template.description.format(**fill)),
                template.money: amount * WAN if in_wan else amount, "region": org.region,
                "needed_by": _day(today, by) if by is not None else None, "tags": list(template.tags),
                "visibility": needs.visibility_of(org_key, template_key),
            })


# --- all --------------------------------------------------------------------------------------


def records(today: date) -> list[dict[str, Any]]:
    """Every demo listing and need for ``today``: the hand-written ones, the financing products,
    the other offers, the SMEs' needs. External ids are unique; titles are unique per organization."""
    out = [_dated(r, today) for r in (*showcase.FIRST_DEMO, *showcase.OTHER_STATES)]
    out += financing_records()
    out += (offer_record(offer, today) for offer in all_offers())
    out += need_records(today)
    ids = [r["external_id"] for r in out]
    assert len(ids) == len(set(ids)), "duplicate external ids"
    titles = [(r["type"], r["organization"], r["title"]) for r in out]
    assert len(titles) == len(set(titles)), "a title repeats within an organization"
    return out
