"""Browsing: the filters of the browse pages and the API, as SQL, and dashboard counts.

Array fields (regions, industries, size classes) follow the eligibility convention: an empty
list means "any". Filters work on SQLite (``json_each``) and PostgreSQL (``jsonb`` operators).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal, or_, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from listings.categories import CATEGORIES, SIZE_CLASS_KEYS, SUBCATEGORY_LABELS
from listings.lifecycle import on_offer_clause
from listings.models import Listing, Need
from listings.visibility import Viewer, visible_clause
from marketplace.bounds import MAX_CNY, OutOfBounds, parse_date, parse_decimal, parse_int
from marketplace.forms import MAX_WAN, cny_to_wan, wan_to_cny
from marketplace.organizations.models import Organization
from marketplace.reference import PROVINCE, SECTION_DIVISIONS, is_industry, is_region
from matching.coverage import industry_keys, region_keys, size_keys

LISTING_SORTS = ("newest", "deadline", "amount", "price", "title")
NEED_SORTS = ("newest", "needed_by", "amount", "budget")
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_QUERY_LENGTH = 200


@dataclass
class Filters:
    """Browse filters. Unknown values are dropped by :meth:`parse` and reported in ``ignored``."""

    q: str = ""
    category: str = ""
    subcategory: str = ""
    region: str = ""
    industry: str = ""
    size_class: str = ""
    amount: int | None = None  # financing sought: within the listing's range
    max_price: int | None = None
    starts_after: date | None = None
    starts_before: date | None = None
    verified: bool = False
    sort: str = "newest"
    page: int = 1
    per_page: int = 20
    ignored: list[str] = field(default_factory=list)
    in_wan: tuple[str, ...] = ()  # arguments written in 万元 (the pages'); the API's are whole CNY

    @classmethod
    def parse(cls, args: Mapping[str, str], sorts: Sequence[str] = LISTING_SORTS, in_wan: tuple[str, ...] = ()) -> Filters:
        """Filters from query-string arguments; bad values are ignored (and named in ``ignored``).
        The arguments named in ``in_wan`` are amounts in 万元 (the filters hold whole CNY)."""
        f = cls(in_wan=in_wan)

        def text(name: str, allowed: Any) -> str:
            value = (args.get(name) or "").strip()
            if value and not allowed(value):
                f.ignored.append(name)
                return ""
            return value

        def number(name: str, low: int = 0, high: int = MAX_CNY) -> int | None:
            raw = (args.get(name) or "").strip()
            if not raw:
                return None
            try:
                if name in in_wan:
                    return wan_to_cny(parse_decimal(raw, high=MAX_WAN, places=4))
                return parse_int(raw, low=low, high=high)
            except OutOfBounds:
                f.ignored.append(name)
                return None

        def day(name: str) -> date | None:
            raw = (args.get(name) or "").strip()
            if not raw:
                return None
            try:
                return parse_date(raw)
            except OutOfBounds:
                f.ignored.append(name)
                return None

        f.q = (args.get("q") or "").strip()
        if len(f.q) > MAX_QUERY_LENGTH:
            f.ignored.append("q")
            f.q = f.q[:MAX_QUERY_LENGTH]
        f.category = text("category", lambda v: v in CATEGORIES)
        f.subcategory = text(
            "subcategory", lambda v: any(v in subs for subs in SUBCATEGORY_LABELS.values())
        )
        f.region = text("region", is_region)
        f.industry = text("industry", is_industry)
        f.size_class = text("size_class", lambda v: v in SIZE_CLASS_KEYS)
        f.amount = number("amount")
        f.max_price = number("max_price")
        f.starts_after = day("starts_after")
        f.starts_before = day("starts_before")
        f.verified = (args.get("verified") or "") in ("1", "true", "on")
        f.sort = text("sort", lambda v: v in sorts) or "newest"
        f.page = number("page", low=1, high=MAX_PAGE) or 1
        f.per_page = number("per_page", low=1, high=MAX_PER_PAGE) or 20
        return f

    def as_args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for a link (unset filters left out): shareable URLs."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("ignored", "in_wan")}
        values.update(changes)
        defaults = Filters()
        args = {}
        for key, value in values.items():
            if value in (None, "", False) or (key in ("sort", "page", "per_page") and value == getattr(defaults, key)):
                continue
            if key in self.in_wan:
                value = str(cny_to_wan(value))
            args[key] = "1" if value is True else (value.isoformat() if isinstance(value, date) else value)
        return args


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


# --- array filters on JSON columns ------------------------------------------------------------


def _contains_any(session: Session, col: Any, values: Sequence[str]) -> ColumnElement[bool]:
    """The JSON array column holds at least one of ``values``."""
    if session.get_bind().dialect.name == "postgresql":
        return col.op("?|")(postgresql.array(list(values)))
    each = func.json_each(col).table_valued("value").alias()
    return exists(select(literal(1)).select_from(each).where(each.c.value.in_(list(values))))


def _empty(session: Session, col: Any) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        return func.jsonb_array_length(col) == 0
    return func.json_array_length(col) == 0


def _any_or(session: Session, col: Any, values: Sequence[str]) -> ColumnElement[bool]:
    return or_(_empty(session, col), _contains_any(session, col, values))


def _text_match(columns: Sequence[Any], q: str) -> ColumnElement[bool]:
    # A plain substring filter on the browse page; ranked full-text search is the search page's.
    terms = [t for t in q.split() if t][:5]
    return and_(*(or_(*(c.ilike(f"%{_escape_like(t)}%", escape="\\") for c in columns)) for t in terms))


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- listings ---------------------------------------------------------------------------------


def listing_query(session: Session, f: Filters, as_of: date) -> Select[tuple[Listing]]:
    query = select(Listing).where(on_offer_clause(Listing, as_of))
    if f.q:
        query = query.where(_text_match((Listing.title, Listing.description), f.q))
    if f.category:
        query = query.where(Listing.category == f.category)
    if f.subcategory:
        query = query.where(Listing.subcategory == f.subcategory)
    # Who a listing is open to (matching.coverage): an empty list, or one naming a key.
    if f.region:
        query = query.where(_any_or(session, Listing.regions, region_keys(f.region, PROVINCE)))
    if f.industry:
        query = query.where(_any_or(session, Listing.industries, industry_keys(f.industry, SECTION_DIVISIONS)))
    if f.size_class:
        query = query.where(_any_or(session, Listing.size_classes, size_keys(f.size_class)))
    if f.amount is not None:
        query = query.where(
            or_(Listing.amount_min_cny.is_(None), Listing.amount_min_cny <= f.amount),
            or_(Listing.amount_max_cny.is_(None), Listing.amount_max_cny >= f.amount),
        )
    if f.max_price is not None:
        query = query.where(Listing.price_cny.is_not(None), Listing.price_cny <= f.max_price)
    if f.starts_after:
        query = query.where(Listing.starts_on >= f.starts_after)
    if f.starts_before:
        query = query.where(Listing.starts_on <= f.starts_before)
    if f.verified:
        query = query.join(Organization, Listing.organization_id == Organization.id).where(
            Organization.verification_status == "verified"
        )
    order = {
        "newest": (Listing.published_at.desc(), Listing.id.desc()),
        "deadline": (Listing.available_until.is_(None), Listing.available_until, Listing.id),
        "amount": (Listing.amount_max_cny.is_(None), Listing.amount_max_cny.desc(), Listing.id),
        "price": (Listing.price_cny.is_(None), Listing.price_cny, Listing.id),
        "title": (Listing.title, Listing.id),
    }[f.sort]
    return query.order_by(*order)


def need_query(session: Session, f: Filters, as_of: date, viewer: Viewer) -> Select[tuple[Need]]:
    """Needs on offer that ``viewer`` may see (:mod:`listings.visibility`), filtered and sorted."""
    query = select(Need).where(on_offer_clause(Need, as_of), visible_clause(viewer))
    if f.q:
        query = query.where(_text_match((Need.title, Need.description), f.q))
    if f.category:
        query = query.where(Need.category == f.category)
    if f.subcategory:
        query = query.where(Need.subcategory == f.subcategory)
    if f.region or f.industry or f.size_class or f.verified:
        query = query.join(Organization, Need.organization_id == Organization.id)
    if f.region:
        query = query.where(func.coalesce(Need.region, Organization.region) == f.region)
    if f.industry:
        if len(f.industry) == 1:
            query = query.where(func.substr(Organization.industry, 1, 1) == f.industry)
        else:
            query = query.where(Organization.industry == f.industry)
    if f.size_class:
        query = query.where(Organization.size_class == f.size_class)
    if f.verified:
        query = query.where(Organization.verification_status == "verified")
    if f.amount is not None:
        query = query.where(Need.amount_cny >= f.amount)
    if f.max_price is not None:
        query = query.where(Need.budget_cny <= f.max_price)
    order = {
        "newest": (Need.published_at.desc(), Need.id.desc()),
        "needed_by": (Need.needed_by.is_(None), Need.needed_by, Need.id),
        "amount": (Need.amount_cny.is_(None), Need.amount_cny.desc(), Need.id),
        "budget": (Need.budget_cny.is_(None), Need.budget_cny.desc(), Need.id),
    }[f.sort]
    return query.order_by(*order)


def paginate(session: Session, query: Select[Any], page: int, per_page: int) -> Page:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(session.scalars(query.offset((page - 1) * per_page).limit(per_page)))
    return Page(items=items, total=total, page=page, per_page=per_page)


def status_counts(rows: Sequence[Listing | Need], as_of: date) -> dict[str, int]:
    """Counts for a dashboard: draft, published (offered), expired, closed, hidden, archived."""
    counts = dict.fromkeys(("draft", "published", "expired", "closed", "hidden", "archived"), 0)
    for row in rows:
        counts[dashboard_state(row, as_of)] += 1
    return counts


def dashboard_state(posting: Listing | Need, as_of: date) -> str:
    if posting.is_archived:
        return "archived"
    if posting.is_hidden:
        return "hidden"
    if posting.status == "published" and posting.is_expired(as_of):
        return "expired"
    return posting.status


