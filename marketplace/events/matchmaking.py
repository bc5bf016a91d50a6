"""Who to meet: each participant's needs against the others' offers (both ways), with the
matcher's embeddings, and the reason (which need meets which offer)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from listings.models import Listing, Need
from marketplace.events.meeting_requests import LIVE_MEETINGS
from marketplace.events.models import Event, Exclusion, Meeting, MeetingRequest, Participant
from marketplace.recommendations.profiles import listing_text, need_text
from marketplace.recommendations.service import get_store
from matching.pairing import NEED, OFFER, Item, Partner, recommend


@dataclass(frozen=True)
class Suggestion:
    participant: Participant
    score: float
    mine: str  # what of mine the pair rests on (a title)
    theirs: str
    they_offer: bool

    @property
    def reason(self) -> str:
        if self.they_offer:
            return _("Their “%(theirs)s” fits your “%(mine)s”.", theirs=self.theirs, mine=self.mine)
        return _("Your “%(mine)s” fits their “%(theirs)s”.", mine=self.mine, theirs=self.theirs)


def _profile(participant: Participant) -> str:
    org = participant.organization
    return f"{org.name} {org.description or ''} {' '.join(org.tags or [])}".strip()


def _items(session: Session, participants: list[Participant]) -> tuple[list[Item], dict[str, str]]:
    """Every participant's needs and offers as items, and a title per item key. A participant
    who brings nothing stands for what their organization profile says (as a need when
    seeking, as an offer when providing)."""
    store = get_store()
    encoder = store.encoder
    listing_ids = sorted({i for p in participants for i in p.listing_ids or []})
    need_ids = sorted({i for p in participants for i in p.need_ids or []})
    listings = {r.id: r for r in session.scalars(select(Listing).where(Listing.id.in_(listing_ids)))} if listing_ids else {}
    needs = {r.id: r for r in session.scalars(select(Need).where(Need.id.in_(need_ids)))} if need_ids else {}
    specs: list[tuple[int, str, str, str, str]] = []  # owner, kind, key, text, title
    for p in participants:
        before = len(specs)
        for i in p.listing_ids or []:
            if i in listings:
                specs.append((p.id, OFFER, f"listing:{i}", listing_text(listings[i]), listings[i].title))
        for i in p.need_ids or []:
            if i in needs:
                specs.append((p.id, NEED, f"need:{i}", need_text(needs[i]), needs[i].title))
        if p.offer_text:
            specs.append((p.id, OFFER, f"offer:{p.id}", p.offer_text, p.offer_text[:40]))
        if p.request_text:
            specs.append((p.id, NEED, f"request:{p.id}", p.request_text, p.request_text[:40]))
        if len(specs) == before:
            kind = NEED if p.role == "seeker" else OFFER
            specs.append((p.id, kind, f"profile:{p.id}", _profile(p), _("your profile") if kind == NEED else p.organization.name))
    vectors: list[np.ndarray | None] = [None] * len(specs)
    for kind, encode, prefix in ((NEED, encoder.encode_queries, "query"), (OFFER, encoder.encode_passages, "passage")):
        at = [n for n, s in enumerate(specs) if s[1] == kind]
        found = store.cache.embed(prefix, [specs[n][3] for n in at], encode, None)
        for n, vector in zip(at, found, strict=True):
            vectors[n] = vector
    items = [Item(owner, kind, key, np.asarray(v, np.float32)) for (owner, kind, key, _t, _ti), v in zip(specs, vectors, strict=True)
             if v is not None]
    return items, {key: title for _o, _k, key, _t, title in specs}


def _closed_pairs(session: Session, event: Event) -> set[tuple[int, int]]:
    """Pairs not to recommend: excluded by the organizer, already meeting (or cancelled), or
    where one side declined or withdrew a request."""
    pairs = {(e.low_id, e.high_id) for e in session.scalars(select(Exclusion).where(Exclusion.event_id == event.id))}
    pairs |= {(m.low_id, m.high_id) for m in session.scalars(select(Meeting).where(
        Meeting.event_id == event.id, Meeting.status.in_((*LIVE_MEETINGS, "cancelled"))))}
    # Someone said no (or took the request back): never propose the pair again.
    pairs |= {(min(a, b), max(a, b)) for a, b in session.execute(select(MeetingRequest.sender_id, MeetingRequest.recipient_id)
                                                                 .where(MeetingRequest.event_id == event.id,
                                                                        MeetingRequest.status.in_(("declined", "withdrawn"))))}
    return pairs


def _approved(session: Session, event: Event) -> list[Participant]:
    return list(session.scalars(select(Participant).where(Participant.event_id == event.id, Participant.status == "approved")
                                .order_by(Participant.id)))


def _same_org(participants: list[Participant]) -> set[tuple[int, int]]:
    by_org: dict[int, list[int]] = {}
    for p in participants:
        by_org.setdefault(p.organization_id, []).append(p.id)
    return {(a, b) for ids in by_org.values() for a in ids for b in ids if a < b}


def suggestions(session: Session, event: Event, participant: Participant, k: int = 10) -> list[Suggestion]:
    """The ``k`` partners who fit ``participant`` best (not their own organization, not those
    they already meet, not pairs the organizer excluded), with the reason."""
    people = _approved(session, event)
    by_id = {p.id: p for p in people}
    if participant.id not in by_id:
        return []
    items, titles = _items(session, people)
    banned = _closed_pairs(session, event) | _same_org(people)
    found = recommend(items, k, exclude=banned, only=[participant.id]).get(participant.id, [])
    return [_suggestion(by_id, titles, s) for s in found if s.participant in by_id]


def _suggestion(by_id: dict[int, Participant], titles: dict[str, str], partner: Partner) -> Suggestion:
    return Suggestion(by_id[partner.participant], partner.score, titles.get(partner.mine, partner.mine),
                      titles.get(partner.theirs, partner.theirs), partner.they_offer)


def why(session: Session, event: Event, participant: Participant, partners: list[Participant]) -> dict[int, Suggestion]:
    """For meetings already agreed: which of the participant's items fits which of each
    partner's (shown on the agenda)."""
    people = {p.id: p for p in [participant, *partners]}
    items, titles = _items(session, list(people.values()))
    found = recommend(items, len(people), only=[participant.id]).get(participant.id, [])
    return {s.participant: _suggestion(people, titles, s) for s in found if s.participant in people}


def recommended_pairs(session: Session, event: Event, per_participant: int = 3) -> list[tuple[int, int, float]]:
    """Pairs to fill empty slots with: each participant's best few partners (seekers with
    providers only), as (low, high, score), best first."""
    people = _approved(session, event)
    role = {p.id: p.role for p in people}
    items, _titles = _items(session, people)
    banned = _closed_pairs(session, event) | _same_org(people)
    banned |= {(a, b) for a in role for b in role if a < b and role[a] == role[b]}
    pairs: dict[tuple[int, int], float] = {}
    for owner, partners in recommend(items, per_participant, exclude=banned).items():
        for partner in partners:
            key = (min(owner, partner.participant), max(owner, partner.participant))
            pairs[key] = max(pairs.get(key, -1.0), partner.score)
    return sorted(((a, b, s) for (a, b), s in pairs.items()), key=lambda t: (-t[2], t[0], t[1]))


def meetings_of(session: Session, participant: Participant) -> list[Meeting]:
    return list(session.scalars(select(Meeting).where(
        or_(Meeting.low_id == participant.id, Meeting.high_id == participant.id)).order_by(Meeting.id)))
