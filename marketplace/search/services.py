"""Searching listings for pages and the API: parse the arguments, run the engine, load the rows.

Every hit is checked against its database row before it is shown (published, not hidden, not
archived, not past its last day), so a stale index can never show a closed or hidden listing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from listings.categories import (
    CATEGORIES,
    CATEGORY_LABELS,
    SIZE_CLASS_KEYS,
    SUBCATEGORY_LABELS,
    price_text,
    subcategory_label,
)
from listings.lifecycle import is_on_offer
from listings.models import Listing
from listings.queries import MAX_PAGE, MAX_PER_PAGE
from marketplace.bounds import MAX_CNY, OutOfBounds, parse_date, parse_int, text_problem
from marketplace.errors import Conflict, NotFound, ValidationFailed
from marketplace.money import amount_text
from marketplace.reference import (
    PROVINCE,
    SECTIONS,
    SIZE_CLASS_NAMES,
    get_region,
    is_industry,
    is_region,
)
from marketplace.search.indexing import get_engine, listing_body, load_listings
from marketplace.search.models import SavedSearch
from search import (
    MAX_QUERY_CHARS,
    PRICE_BUCKETS,
    PUBLISHED_BUCKETS,
    SORTS,
    Filters,
    Hit,
    SearchRequest,
    SearchResult,
    Stored,
)
from search.model import ANY

MULTI = ("category", "subcategory", "region", "industry", "size_class")
ARGUMENTS = ("q", *MULTI, "verified", "amount", "max_price", "price", "published", "starts_after", "starts_before",
             "sort", "page", "per_page")
MAX_SAVED = 50
PRICE_LABELS = {"free": _l("Free"), "lt1k": _l("Under ¥1,000"), "1k-5k": _l("¥1,000–5,000"),
                "5k-20k": _l("¥5,000–20,000"), "20k+": _l("¥20,000 and more")}
PUBLISHED_LABELS = {"7d": _l("Last 7 days"), "30d": _l("Last 30 days"), "90d": _l("Last 90 days"), "365d": _l("Last year")}
SORT_LABELS = {"relevance": _l("Best match"), "newest": _l("Newest"), "deadline": _l("Deadline soonest"),
               "amount": _l("Largest amount")}

# The longest q read at all (a longer one is refused by the API); the first MAX_QUERY_CHARS count.
MAX_QUERY_INPUT = 2000

@dataclass
class Parsed:
    request: SearchRequest
    args: dict[str, Any]  # the arguments kept, for links
    ignored: list[str] = field(default_factory=list)  # names of arguments with unusable values
    truncated: bool = False


def _getlist(args: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(args, "getlist", None)
    values = getlist(name) if getlist else ([args[name]] if name in args else [])
    out = []
    for value in values:
        out += [v.strip() for v in str(value).split(",") if v.strip()]
    return out


def _known_subcategory(value: str) -> bool:
    return any(value in subs for subs in SUBCATEGORY_LABELS.values())


VALID = {
    "category": lambda v: v in CATEGORIES,
    "subcategory": _known_subcategory,
    "region": is_region,
    "industry": is_industry,
    "size_class": lambda v: v in SIZE_CLASS_KEYS,
}


def parse(args: Mapping[str, Any], as_of: date, *, strict: bool = False) -> Parsed:
    """A search request from query-string arguments. Unusable values are left out and named in
    ``ignored``; with ``strict`` (the API) they raise ValidationFailed naming each argument."""
    ignored: list[str] = []
    errors: dict[str, list[str]] = {}

    def bad(name: str, message: str) -> None:
        ignored.append(name)
        errors.setdefault(name, []).append(message)

    def number(name: str, low: int = 0, high: int = MAX_CNY) -> int | None:
        raw = str(args.get(name) or "").strip()
        if not raw:
            return None
        try:
            return parse_int(raw, low=low, high=high)
        except OutOfBounds as exc:
            bad(name, str(exc))
            return None

    def day(name: str) -> date | None:
        raw = str(args.get(name) or "").strip()
        if not raw:
            return None
        try:
            return parse_date(raw)
        except OutOfBounds:
            bad(name, _("Not a date (YYYY-MM-DD)."))
            return None

    def choice(name: str, allowed: tuple[str, ...]) -> str | None:
        raw = str(args.get(name) or "").strip()
        if raw and raw not in allowed:
            bad(name, _("Unknown value %(value)s.", value=raw[:40]))
            return None
        return raw or None

    raw_q = str(args.get("q") or "")
    if len(raw_q) > MAX_QUERY_INPUT:
        bad("q", _("At most %(n)d characters.", n=MAX_QUERY_INPUT))
        raw_q = raw_q[:MAX_QUERY_INPUT]
    text = " ".join(raw_q.split())
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    multi: dict[str, tuple[str, ...]] = {}
    for name in MULTI:
        values = []
        for value in _getlist(args, name)[:20]:
            if VALID[name](value):
                values.append(value)
            else:
                bad(name, _("Unknown value %(value)s.", value=value[:40]))
        multi[name] = tuple(dict.fromkeys(values))
    verified_raw = str(args.get("verified") or "").strip().lower()
    verified = True if verified_raw in ("1", "true", "on") else (False if verified_raw in ("0", "false") else None)
    if verified_raw and verified is None:
        bad("verified", _("Use 1 or 0."))
    filters = Filters(
        **multi,
        verified=verified,
        amount=number("amount"),
        max_price=number("max_price"),
        price=choice("price", tuple(k for k, _low, _high in PRICE_BUCKETS)),
        published=choice("published", tuple(k for k, _low, _high in PUBLISHED_BUCKETS)),
        starts_after=day("starts_after"),
        starts_before=day("starts_before"),
    )
    sort = choice("sort", SORTS) or "relevance"
    page = number("page", low=1, high=MAX_PAGE) or 1
    per_page = number("per_page", low=1, high=MAX_PER_PAGE) or 20
    if strict and errors:
        raise ValidationFailed(_("Some search arguments are not valid."), fields=errors)
    kept: dict[str, Any] = {"q": text} if text else {}
    for name, values in multi.items():
        if values:
            kept[name] = list(values)
    for name in ("amount", "max_price", "price", "published", "starts_after", "starts_before"):
        value = getattr(filters, name)
        if value is not None:
            kept[name] = value.isoformat() if isinstance(value, date) else value
    if verified is not None:
        kept["verified"] = "1" if verified else "0"
    if sort != "relevance":
        kept["sort"] = sort
    if per_page != 20:
        kept["per_page"] = per_page
    request = SearchRequest(text=text, filters=filters, as_of=as_of, sort=sort, page=page, per_page=per_page)
    return Parsed(request, kept, ignored, truncated)


@dataclass
class ListingHit:
    listing: Listing
    hit: Hit


@dataclass
class SearchPage:
    parsed: Parsed
    result: SearchResult
    items: list[ListingHit]


def run(session: Session, parsed: Parsed) -> SearchPage:
    """Search and load the listings shown. Raises search.BackendUnavailable when the index
    cannot be reached."""
    engine = get_engine()
    from marketplace.recommendations.service import get_store

    if engine.backend.name != "elasticsearch":
        get_store().ensure_current(session)  # the embedded meaning half reads the matcher's vectors
    rows: dict[int, Listing] = {}

    def texts(ids: Sequence[int]) -> dict[int, Stored]:
        """The rows shown give the snippets' texts (no second read from the index)."""
        wanted = [i for i in ids if i not in rows]
        if wanted:
            rows.update(load_listings(session, wanted))
        return {i: Stored(i, rows[i].title, listing_body(rows[i])) for i in ids if i in rows}

    result = engine.search(parsed.request, texts)
    items = []
    as_of = parsed.request.as_of
    for hit in result.hits:
        row = rows.get(hit.id)
        # The database has the last word: a listing closed or hidden since it was indexed is left out.
        if row is None or not is_on_offer(row, as_of):
            continue
        items.append(ListingHit(row, hit))
    return SearchPage(parsed, result, items)


# --- labels for facets ----------------------------------------------------------------------


def facet_label(name: str, value: str, locale: str) -> str:
    if name == "category":
        return str(CATEGORY_LABELS.get(value, value))
    if name == "subcategory":
        for category, subs in SUBCATEGORY_LABELS.items():
            if value in subs:
                return subcategory_label(category, value)
        return value
    if name == "region":
        if value == PROVINCE:
            return _("Province-wide")
        return get_region(value).name(locale) if is_region(value) else value
    if name == "industry":
        if value == ANY:
            return _("Open to every industry")
        section = next((s for s in SECTIONS if s.code == value), None)
        return (section.name_en if locale.startswith("en") else section.name_zh) if section else value
    if name == "size_class":
        if value == ANY:
            return _("Open to every size")
        names = SIZE_CLASS_NAMES.get(value)
        return (names[1] if locale.startswith("en") else names[0]) if names else value
    if name == "verified":
        return _("Verified organizations") if value == "1" else _("Not verified")
    if name == "price":
        return str(PRICE_LABELS.get(value, value))
    if name == "published":
        return str(PUBLISHED_LABELS.get(value, value))
    if name == "sort":
        return str(SORT_LABELS.get(value, value))
    return value


# What each argument of the search and browse pages is called on a page (never its raw name).
ARGUMENT_LABELS = {
    "q": _l("Words"), "category": _l("Category"), "subcategory": _l("Type"), "region": _l("Region"),
    "industry": _l("Industry"), "size_class": _l("Enterprise size"), "verified": _l("Verified organizations"),
    "amount": _l("Amount"), "max_price": _l("Price at most"), "price": _l("Price"), "published": _l("Published"),
    "starts_after": _l("Starting from"), "starts_before": _l("Starting until"), "sort": _l("Sort"),
    "page": _l("Page"), "per_page": _l("Results per page"), "name": _l("Name"),
}


def argument_label(name: str) -> str:
    return str(ARGUMENT_LABELS.get(name, name))


def describe_search(query: Mapping[str, Any], locale: str) -> str:
    """A saved search's filters as a reader says them: 「资金周转 · 融资 · 佛山市 · 金额 500 万元」."""
    parts = [str(query["q"])] if query.get("q") else []
    for name, value in query.items():
        if name in ("q", "page", "per_page"):
            continue
        values = value if isinstance(value, list | tuple) else [value]
        if name == "amount":
            shown = [amount_text(int(v), locale) for v in values if str(v).isdigit()]
        elif name == "max_price":
            shown = ["≤ " + price_text(int(v), None, None) for v in values if str(v).isdigit()]
        elif name in ("starts_after", "starts_before"):
            shown = [f"{argument_label(name)} {v}" for v in values]
        else:
            shown = [facet_label(name, str(v), locale) for v in values]
        if name in ("amount", "max_price"):
            shown = [f"{argument_label(name)} {text}" for text in shown]
        parts.append("、".join(shown) if locale == "zh" else ", ".join(shown))
    return " · ".join(part for part in parts if part)


FACET_TITLES = {"category": _l("Category"), "subcategory": _l("Subcategory"), "region": _l("Region"),
                "industry": _l("Industry"), "size_class": _l("Enterprise size"), "verified": _l("Provider"),
                "price": _l("Price"), "published": _l("Published")}


def facet_argument(name: str, value: str) -> tuple[str, str] | None:
    """The argument a click on a facet value adds (None: the value is not a filter)."""
    if value == ANY or (name == "region" and value == PROVINCE):
        return None
    return name, value


# --- saved searches -------------------------------------------------------------------------


def saved_searches(session: Session, user_id: int) -> list[SavedSearch]:
    return list(session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id).order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())))


def save_search(session: Session, user_id: int, name: str, args: Mapping[str, Any]) -> SavedSearch:
    """Store the arguments of a search under a name. Raises ValidationFailed for a missing or
    over-long name or too many saved searches, Conflict for a name already used."""
    name = " ".join((name or "").split())
    problem = text_problem(name, max_length=100, required=True)
    if problem:
        raise ValidationFailed(_("Give the search a name of 1–100 characters."), fields={"name": [problem]})
    query = {k: v for k, v in args.items() if k in ARGUMENTS and k not in ("page",)}
    existing = saved_searches(session, user_id)
    if any(s.name == name for s in existing):
        raise Conflict(_("You already have a saved search called %(name)s.", name=name), fields={"name": [_("already taken")]})
    if len(existing) >= MAX_SAVED:
        raise ValidationFailed(_("You can keep up to %(n)d saved searches: delete one first.", n=MAX_SAVED))
    saved = SavedSearch(user_id=user_id, name=name, query=query)
    session.add(saved)
    session.flush()
    return saved


def get_saved(session: Session, user_id: int, saved_id: int) -> SavedSearch:
    """Raises NotFound for another user's saved search as for a missing one."""
    saved = session.get(SavedSearch, saved_id)
    if saved is None or saved.user_id != user_id:
        raise NotFound(_("No such saved search."))
    return saved


def delete_saved(session: Session, user_id: int, saved_id: int) -> None:
    session.delete(get_saved(session, user_id, saved_id))
    session.flush()
