"""Recommendations for pages, the API and the CLI.

Every result is checked against the database rows it returns (status, moderation, archive and
every hard rule on the day asked for), so a stale index can never show a closed, hidden or
ineligible listing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from listings.lifecycle import is_on_offer
from listings.models import Listing, Need
from listings.visibility import is_lead_for
from marketplace.money import amount_text
from marketplace.organizations.models import Organization
from marketplace.recommendations.profiles import listing_profile, need_text, seeker_of, vocabulary
from marketplace.recommendations.reasons import as_data, region_name, rule_sentence
from marketplace.recommendations.store import MatchingStore
from matching import Match, Query, violated_rules
from matching.outcomes import WEIGHT as OUTCOME_WEIGHT

EXTENSION = "matching_store"


def get_store() -> MatchingStore:
    """The process-wide store of this app (created on first use; the model loads lazily)."""
    store = current_app.extensions.get(EXTENSION)
    if store is None:
        config = current_app.config
        store = MatchingStore(Path(current_app.instance_path), config.get("MATCHING_MODEL"),
                              outcome_weight=_weight(config.get("MATCHING_OUTCOME_WEIGHT")))
        current_app.extensions[EXTENSION] = store
    return store  # type: ignore[no-any-return]


def _weight(configured: Any) -> float:
    """MATCHING_OUTCOME_WEIGHT: unset is the matcher's default. Raises ValueError outside 0..10."""
    weight = OUTCOME_WEIGHT if configured is None else float(configured)
    if not 0 <= weight <= 10:  # NaN fails too
        raise ValueError(f"MATCHING_OUTCOME_WEIGHT must be a number from 0 to 10, not {configured!r}")
    return weight


@dataclass
class Recommendation:
    item: Any  # a Listing or a Need
    score: float
    reasons: list[dict[str, Any]]
    impression: int | None = None  # its recorded showing (feedback.record_impressions), for ?rec=


@dataclass
class Excluded:
    listing: Listing
    rules: list[str]
    amount: int | None = None  # what the need asks for, to say the numbers

    def sentences(self, locale: str) -> list[str]:
        return [self.sentence(rule, locale) for rule in self.rules]

    def sentence(self, rule: str, locale: str) -> str:
        """The rule with the numbers that broke it (「金额 800 万元 超出 10–300 万元」)."""
        zh, listing = locale == "zh", self.listing
        if rule == "amount" and self.amount is not None:
            low, high = listing.amount_min_cny, listing.amount_max_cny
            asked = amount_text(self.amount, locale)
            if low is not None and high is not None:
                span = f"{amount_text(low, locale)}–{amount_text(high, locale)}"
            elif high is not None:
                span = ("至多 " if zh else "at most ") + amount_text(high, locale)
            else:
                span = ("至少 " if zh else "at least ") + amount_text(low, locale)
            return f"金额 {asked} 超出 {span}" if zh else f"The amount {asked} is outside {span}"
        if rule == "deadline" and listing.available_until is not None:
            day = listing.available_until.isoformat()
            return f"已于 {day} 截止" if zh else f"Closed on {day}"
        if rule == "region" and listing.regions:
            names = [region_name(code, locale) for code in listing.regions[:4]]
            more = "等" if zh and len(listing.regions) > 4 else ("…" if len(listing.regions) > 4 else "")
            served = ("、" if zh else ", ").join(names) + more
            return f"不在服务地区内（服务：{served}）" if zh else f"Your region is not served (serves {served})"
        return rule_sentence(rule, locale)


@dataclass
class Recommendations:
    items: list[Recommendation]
    excluded: list[Excluded] = field(default_factory=list)
    eligible: int = 0
    ranking: str = ""  # the ranking that produced the items (matching.Recommender.ranking)

    def split(self, category: str | None) -> tuple[list[Recommendation], list[Recommendation]]:
        """The items of the asked ``category``, and those of other kinds (shown under their own
        heading, not mixed into the ranked list)."""
        same = [r for r in self.items if category is None or r.item.category == category]
        return same, [r for r in self.items if r not in same]


def _today(as_of: date | None) -> date:
    from marketplace.timeutil import today

    return as_of or today()


def _load(session: Session, model: type, ids: list[int]) -> dict[int, Any]:
    if not ids:
        return {}
    rows = session.scalars(select(model).options(joinedload(model.organization)).where(model.id.in_(ids))).unique()
    return {row.id: row for row in rows}


def _query_for_need(need: Need, as_of: date) -> Query:
    return Query(
        text=need_text(need),
        seeker=seeker_of(need.organization, region=need.region, amount=need.amount_cny, as_of=as_of),
        category=need.category,
        subcategory=need.subcategory,
        budget=need.budget_cny,
    )


def _reasons(match: Match, reader: str = "seeker") -> list[dict[str, Any]]:
    """The match's reasons as data, phrased for ``reader``, each sentence once."""
    seen: set[str] = set()
    reasons = []
    for reason in match.reasons:
        data = as_data(reason, reader)
        key = str(data.get("zh") or data.get("code") or data)
        if key not in seen:
            seen.add(key)
            reasons.append(data)
    return reasons


def _listing_results(session: Session, matches: list[Match], query: Query, limit: int,
                     own: int | None = None) -> list[Recommendation]:
    rows = _load(session, Listing, [m.id for m in matches])
    vocab = vocabulary()
    items = []
    for match in matches:
        row = rows.get(match.id)
        # The database has the last word: anything no longer eligible is dropped, and an
        # organization is never offered its own listings.
        if row is None or row.organization_id == own or violated_rules(listing_profile(row).facts, query.seeker, vocab):
            continue
        items.append(Recommendation(row, match.score, _reasons(match)))
        if len(items) == limit:
            break
    return items


def _match(session: Session, query: Query, limit: int, explain: bool, need_id: int | None = None,
           own: int | None = None) -> Recommendations:
    result = get_store().match(session, query, limit + 5, explain=explain, need_id=need_id)
    items = _listing_results(session, result.matches, query, limit, own)
    excluded: list[Excluded] = []
    if explain:
        rows = _load(session, Listing, [e.id for e in result.excluded])
        vocab = vocabulary()
        for exclusion in result.excluded:
            row = rows.get(exclusion.id)
            if row is not None and row.organization_id != own:
                rules = violated_rules(listing_profile(row).facts, query.seeker, vocab)
                # Only listings on offer: closed, draft, hidden or archived ones are not news.
                if rules and "status" not in rules:
                    excluded.append(Excluded(row, rules, query.seeker.amount))
    return Recommendations(items=items, excluded=excluded, eligible=result.eligible, ranking=result.ranking)


def matches_for_need(session: Session, need: Need, *, limit: int = 10, explain: bool = False, as_of: date | None = None) -> Recommendations:
    """The best eligible listings for a need, with reasons (and, with ``explain``, exclusions)."""
    return _match(session, _query_for_need(need, _today(as_of)), limit, explain, need_id=need.id, own=need.organization_id)


def listings_for_organization(session: Session, organization: Organization, *, limit: int = 10, as_of: date | None = None) -> Recommendations:
    """For an enterprise that has posted no need: listings that fit its profile."""
    text = f"{organization.name} {organization.description or ''} {' '.join(organization.tags or [])}".strip()
    query = Query(text=text, seeker=seeker_of(organization, region=None, amount=None, as_of=_today(as_of)))
    return _match(session, query, limit, explain=False, own=organization.id)


def leads_for_listing(session: Session, listing: Listing, *, limit: int = 10, as_of: date | None = None) -> list[Recommendation]:
    """Published needs of the listing's category that it can serve and that the listing's
    organization may see as leads (:func:`listings.visibility.is_lead_for`), best first."""
    day = _today(as_of)
    facts = listing_profile(listing).facts
    if not facts.offered or (facts.until is not None and facts.until < day):
        return []  # a listing that is not on offer has no leads
    matches = get_store().leads(session, listing.id, 3 * limit + 10, day)
    rows = _load(session, Need, [m.id for m in matches])
    vocab = vocabulary()
    items = []
    for match in matches:
        need = rows.get(match.id)
        # A lead asks for what the listing offers: a need of another category is not one, however
        # close its words (a loan is no lead for a need of MES software).
        # Nor is a need its SME keeps from the listing's organization (a private one never is).
        if (need is None or need.organization_id == listing.organization_id or need.category != listing.category
                or not is_on_offer(need, day) or not is_lead_for(need, listing.organization)):
            continue
        seeker = seeker_of(need.organization, region=need.region, amount=need.amount_cny, as_of=day)
        if violated_rules(facts, seeker, vocab):
            continue
        items.append(Recommendation(need, match.score, _reasons(match, reader="provider")))
        if len(items) == limit:
            break
    return items


def similar_listings(session: Session, listing: Listing, *, limit: int = 5) -> list[Recommendation]:
    matches = get_store().similar(session, listing.id, limit + 3)
    rows = _load(session, Listing, [m.id for m in matches])
    day = _today(None)
    items = []
    for match in matches:
        row = rows.get(match.id)
        if row is None or not is_on_offer(row, day):
            continue
        items.append(Recommendation(row, match.score, _reasons(match)))
        if len(items) == limit:
            break
    return items


def safely(compute: Any, default: Any) -> Any:
    """Run a recommendation for a page; a failure (e.g. the model cannot load) is logged and the
    page shows its other content instead of an error."""
    import logging

    try:
        return compute()
    except Exception:  # noqa: BLE001 - a panel must never take the page down
        logging.getLogger(__name__).exception("recommendations unavailable")
        return default
