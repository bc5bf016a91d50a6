"""Demonstration data: a living Guangdong marketplace.

:func:`load` puts in 86 organizations of every kind from all 21 cities (one login each, password
``demo-2026``), about 340 listings and 90 needs (``marketplace.demo_data``, generated for today
and written through the importer), two matchmaking events (one open for registration, one
next week whose schedule is published) and the first demo's engagements at every stage.

Loading is an upsert (organizations and postings by external id, logins by e-mail, events by
title), so running it twice changes nothing; a database holding the first demo (15
organizations, 23 postings) is brought up to date in place. Postings whose owner has since
archived them, or moved them to a state the demo's record may not return to, are left as the
owner left them.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from listings.importer import import_records
from listings.lifecycle import EXPIRY_FIELDS, on_offer_clause, transition_problem
from listings.models import Listing, Need
from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.demo_data import ORGANIZATIONS, Org, records
from marketplace.demo_data import events as texts
from marketplace.demo_data.organizations import LEGACY
from marketplace.errors import Conflict
from marketplace.events.models import Event, MeetingRequest, Participant
from marketplace.organizations import services as organizations
from marketplace.organizations.kinds import role_of_kind
from marketplace.organizations.models import Membership, Organization
from marketplace.reference import PROVINCE, SECTION_DIVISIONS
from marketplace.timeutil import today
from matching.coverage import industry_keys, open_to, region_keys, size_keys

DEMO_PASSWORD = "demo-2026"
WAN = 10_000
EMAIL_DOMAIN = "@demo.gd.cn"

# (login e-mail, person, organization fields, verification status): every demo organization.
DEMO: list[tuple[str, str, dict[str, Any], str]] = [
    (org.email, org.person, org.profile(), org.status) for org in ORGANIZATIONS
]
DEMO_EVENT = texts.REGISTRATION_EVENT["title"]
SCHEDULED_EVENT = texts.SCHEDULED_EVENT["title"]


# --- the postings file ------------------------------------------------------------------------


def write_postings(path: Path, day: date | None = None) -> int:
    """Write the demo's postings for ``day`` (today) as JSON Lines; returns how many."""
    rows = records(day or today())
    with path.open("w", encoding="utf-8") as f:
        for record in rows:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(rows)


_folder: tempfile.TemporaryDirectory[str] | None = None


def postings_file(day: date | None = None) -> Path:
    """The demo's postings for ``day`` (today) in a JSON Lines file (in a temporary folder that
    goes when the process ends), e.g. to look at or to import by hand."""
    global _folder
    day = day or today()
    if _folder is None:
        _folder = tempfile.TemporaryDirectory(prefix="marketplace-demo-")
    path = Path(_folder.name) / f"demo-postings-{day.isoformat()}.jsonl"
    if not path.exists():
        write_postings(path, day)
    return path


def __getattr__(name: str) -> Any:
    # DEMO_POSTINGS, the first demo's committed file, is now made for the day it is asked for.
    if name == "DEMO_POSTINGS":
        return postings_file()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- loading ----------------------------------------------------------------------------------


def load(session: Session) -> list[tuple[str, str, str]]:
    """Upsert the demo; returns the main logins as (e-mail, role, organization name): one per
    kind, the first demo's (every other organization has a login too: sme4@…, bank2@…)."""
    from marketplace.mail.models import OutboxMessage

    mail_before = session.scalar(select(func.max(OutboxMessage.id))) or 0
    day = today()
    password_hash: list[str] = []  # hashed once, when the first login is made
    for org in ORGANIZATIONS:
        _login(session, org, _organization(session, org), password_hash)
    _import_postings(session, day)
    _registration_event(session, day)
    _scheduled_event(session, day)
    _engagements(session, day)
    # The events' notifications stay in the app; their e-mails to made-up addresses go.
    session.execute(delete(OutboxMessage).where(OutboxMessage.id > mail_before,
                                                OutboxMessage.to_address.like(f"%{EMAIL_DOMAIN}")))
    logins = []
    for org in LEGACY:
        user = accounts.find_user_by_email(session, org.email)
        assert user is not None
        logins.append((org.email, "admin" if user.is_admin else role_of_kind(org.kind), org.name))
    return logins


def _organization(session: Session, org: Org) -> Organization:
    organization = session.scalar(select(Organization).where(Organization.external_id == org.key))
    if organization is None:
        organization = Organization(external_id=org.key, name=org.name, kind=org.kind)
        session.add(organization)
        session.flush()
    profile = {k: v for k, v in org.profile().items() if k not in ("external_id", "kind")}
    if any(getattr(organization, k) != v for k, v in profile.items()):
        organizations.update_profile(session, organization, profile, actor=None)
    if organization.verification_status != org.status:
        organization.verification_status = org.status
    return organization


def _login(session: Session, org: Org, organization: Organization, password_hash: list[str]) -> User:
    user = accounts.find_user_by_email(session, org.email)
    if user is None:
        if not password_hash:
            password_hash.append(accounts.hash_password(DEMO_PASSWORD))
        user = accounts.add_user(session, email=org.email, password_hash=password_hash[0], display_name=org.person,
                                 is_admin=org.kind == "platform")
    if organization.member(user) is None:
        session.add(Membership(organization=organization, user=user, role="owner"))
        session.flush()
    return user


def _import_postings(session: Session, day: date) -> None:
    """The postings through the importer (an upsert by external id)."""
    rows = _owners_changes_kept(session, records(day), day)
    with tempfile.TemporaryDirectory(prefix="marketplace-demo-") as folder:
        path = Path(folder) / "demo-postings.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        import_records(session, path)


def _owners_changes_kept(session: Session, rows: list[dict[str, Any]], day: date) -> list[dict[str, Any]]:
    """Leave out the records of postings whose state their owner changed in a way the record may
    not undo (archived, or e.g. published → draft): the import would refuse the whole file."""
    current: dict[str, tuple[str, bool]] = {}
    for model in (Listing, Need):
        rows_now = session.execute(select(model.external_id, model.status, model.archived_at)
                                   .where(model.external_id.like("demo-%")))
        current.update({ext: (status, archived is not None) for ext, status, archived in rows_now})
    kept = []
    for record in rows:
        if record["external_id"] in current:
            status, archived = current[record["external_id"]]
            until = next((record[f] for f in EXPIRY_FIELDS[record["type"]] if record.get(f)), None)
            expired = until is not None and until < day.isoformat()
            if transition_problem(status, record.get("status", "published"), archived=archived, expired=expired):
                continue
        kept.append(record)
    return kept


# --- events -----------------------------------------------------------------------------------


def _owner(session: Session, email: str) -> tuple[User, Organization]:
    user = accounts.find_user_by_email(session, email)
    assert user is not None
    membership = session.scalars(select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)).first()
    assert membership is not None
    return user, membership.organization


def _new_event(session: Session, spec: dict[str, Any], day: date) -> tuple[Event, User] | None:
    """The event, created by the demo organizer and open for registration; None if it exists."""
    from marketplace.events import services as events

    if session.scalar(select(Event.id).where(Event.title == spec["title"])) is not None:
        return None
    organizer, organization = _owner(session, "organizer@demo.gd.cn")
    event = events.save_event(session, organization, organizer,
                              {**spec, "plan": {**spec["plan"], "days": [day.isoformat()]}})
    events.set_phase(session, event, organizer, "registration", event.version)
    return event, organizer


def _on_offer(session: Session, model: Any, organization_id: int, day: date, category: str | None = None) -> list[Any]:
    query = select(model).where(model.organization_id == organization_id, on_offer_clause(model, day))
    if category:
        query = query.where(model.category == category)
    return list(session.scalars(query.order_by(model.id)))


def _brought_needs(session: Session, organization_id: int, day: date, category: str | None = None) -> list[Need]:
    """The needs an enterprise brings to an event: those on offer, but not its private ones
    (other participants would read their titles)."""
    return [n for n in _on_offer(session, Need, organization_id, day, category) if n.visibility != "private"]


def _registration_event(session: Session, day: date) -> None:
    """The first demo's event: open for registration two weeks ahead, with a few delegates."""
    from marketplace.events import participation

    created = _new_event(session, texts.REGISTRATION_EVENT, day + timedelta(days=texts.REGISTRATION_IN_DAYS))
    if created is None:
        return
    event, _organizer = created
    for org in LEGACY:
        if org.kind not in event.roles:
            continue
        user, organization = _owner(session, org.email)
        participation.register(session, event, user, organization, {
            "delegate_name": user.display_name,
            "listing_ids": [r.id for r in _on_offer(session, Listing, organization.id, day)][:3],
            "need_ids": [r.id for r in _brought_needs(session, organization.id, day)][:3],
        })


def _scheduled_event(session: Session, day: date) -> None:
    """Next week's financing day: every SME and financing institution registered, requests sent
    and answered, the schedule made and published."""
    from marketplace.events import participation, scheduling
    from marketplace.events import services as events

    created = _new_event(session, texts.SCHEDULED_EVENT, day + timedelta(days=texts.SCHEDULED_IN_DAYS))
    if created is None:
        return
    event, organizer = created
    last_slot = event.slots[-1].id
    people: list[Participant] = []
    for n, org in enumerate(o for o in ORGANIZATIONS if o.kind in event.roles):
        user, organization = _owner(session, org.email)
        titles = texts.DELEGATE_TITLES[org.kind]
        people.append(participation.register(session, event, user, organization, {
            "delegate_name": user.display_name, "delegate_title": titles[n % len(titles)],
            "listing_ids": [r.id for r in _on_offer(session, Listing, organization.id, day, "financing")][:3],
            "need_ids": [r.id for r in _brought_needs(session, organization.id, day, "financing")][:3],
            "unavailable_slot_ids": [last_slot] if n % 7 == 6 else [],
        }))
    events.set_phase(session, event, organizer, "requests", event.version)
    offers = {p.id: _on_offer(session, Listing, p.organization_id, day, "financing") for p in people if p.role == "provider"}
    _send_requests(session, event, people, offers, day)
    _answer_requests(session, event)
    _organizer_fills_gaps(session, event, organizer, people, offers)
    events.set_phase(session, event, organizer, "scheduling", event.version)  # unanswered requests expire
    scheduling.run(session, event, organizer, event.version)
    scheduling.publish(session, event, organizer, event.version)


def _fits(listing: Listing, organization: Organization, need: Need | None) -> bool:
    """The listing is open to the enterprise (region, industry, size) and to the need's amount."""
    region = need.region if need is not None and need.region else organization.region
    amount = need.amount_cny if need is not None else None
    low, high = listing.amount_min_cny, listing.amount_max_cny
    return (open_to(listing.regions or [], region_keys(region, PROVINCE))
            and open_to(listing.industries or [], industry_keys(organization.industry, SECTION_DIVISIONS))
            and open_to(listing.size_classes or [], size_keys(organization.size_class))
            and (amount is None or ((low is None or low <= amount) and (high is None or amount <= high))))


def _best_offer(listings: Iterable[Listing], organization: Organization,
                wants: Sequence[Need | None]) -> tuple[int, Listing, Need | None] | None:
    """The institution's listing that fits the enterprise best, with its score: 1 if it fits, 2 if
    it is also the kind of financing asked for (a loan, when the enterprise posted no financing
    need), one more if the institution names the enterprise's city."""
    best: tuple[int, Listing, Need | None] | None = None
    for listing in listings:
        for need in wants:
            if not _fits(listing, organization, need):
                continue
            asked_for = need.subcategory if need is not None else "loan"
            score = (2 if listing.subcategory == asked_for else 1) + (
                1 if organization.region in (listing.regions or []) else 0)
            if best is None or score > best[0]:
                best = (score, listing, need)
    return best


def _send_requests(session: Session, event: Event, people: list[Participant], offers: dict[int, list[Listing]],
                   day: date) -> None:
    """Each enterprise asks the two to four institutions that fit it best (ties go round, and an
    institution stops being asked once it has a request more than it can meet); then the
    institutions with time to spare invite the enterprise they fit that has asked least."""
    from marketplace.events import meeting_requests

    seekers = [p for p in people if p.role == "seeker"]
    providers = [p for p in people if p.role == "provider"]
    asked: set[tuple[int, int]] = set()
    received = dict.fromkeys((p.id for p in providers), 0)
    for n, seeker in enumerate(seekers):
        organization = seeker.organization
        wants: list[Need | None] = list(_brought_needs(session, organization.id, day, "financing")) or [None]
        ranked = []
        for order, provider in enumerate(providers):
            best = _best_offer(offers[provider.id], organization, wants)
            if best is not None and received[provider.id] <= event.max_meetings:
                ranked.append((-best[0], (order - 3 * n) % len(providers), provider, best[1], best[2]))
        ranked.sort(key=lambda row: row[:2])
        for _score, _turn, provider, listing, need in ranked[:2 + n % 3]:
            message = texts.ASK[n % len(texts.ASK)].format(
                org=organization.name, need=need.title if need is not None else "希望了解适合我们的融资方案",
                offer=listing.title)
            if _send(session, event, seeker, provider, message, asked, meeting_requests.send):
                received[provider.id] += 1
    # Institutions with time to spare invite the enterprise they fit that has asked least.
    sent = {s.id: sum(1 for a, _b in asked if a == s.id) for s in seekers}
    for n, provider in enumerate(providers):
        if received[provider.id] >= event.max_meetings - 1:
            continue
        fitting = [(sent[s.id], i, s, best[1]) for i, s in enumerate(seekers)
                   if (s.id, provider.id) not in asked
                   and (best := _best_offer(offers[provider.id], s.organization, [None])) is not None]
        if fitting:
            _count, _i, seeker, listing = min(fitting, key=lambda row: row[:2])
            message = texts.INVITE[n % len(texts.INVITE)].format(org=provider.organization.name, offer=listing.title)
            if _send(session, event, provider, seeker, message, asked, meeting_requests.send):
                sent[seeker.id] += 1


def _send(session: Session, event: Event, sender: Participant, recipient: Participant, message: str,
          asked: set[tuple[int, int]], send: Any) -> bool:
    try:
        send(session, event, sender, recipient, sender.user, message)
    except Conflict:
        return False  # the sender's requests are used up
    asked.update({(sender.id, recipient.id), (recipient.id, sender.id)})
    return True


def _answer_requests(session: Session, event: Event) -> None:
    """Most requests are accepted; one in eight is declined with a reason, one in ten is left
    unanswered (it expires when the request phase ends), and a full diary says no."""
    from marketplace.events import meeting_requests

    pending = session.scalars(select(MeetingRequest).where(MeetingRequest.event_id == event.id,
                                                           MeetingRequest.status == "pending")
                              .order_by(MeetingRequest.id)).all()
    for n, request in enumerate(pending):
        recipient = request.recipient.user
        if n % 8 == 3:
            meeting_requests.answer(session, request, recipient, False, texts.DECLINE[(n // 8) % len(texts.DECLINE)])
        elif n % 10 == 7:
            continue
        else:
            try:
                meeting_requests.answer(session, request, recipient, True)
            except Conflict:
                meeting_requests.answer(session, request, recipient, False, texts.FULL)


def _organizer_fills_gaps(session: Session, event: Event, organizer: User, people: list[Participant],
                          offers: dict[int, list[Listing]]) -> None:
    """An enterprise left without a meeting gets one from the organizer, with the fitting
    institution that has the most time to spare."""
    from marketplace.events import meeting_requests

    providers = [p for p in people if p.role == "provider"]
    for seeker in (p for p in people if p.role == "seeker"):
        if meeting_requests.meeting_count(session, seeker):
            continue
        fitting = []
        for order, provider in enumerate(providers):
            if _best_offer(offers[provider.id], seeker.organization, [None]) is None:
                continue
            taken = meeting_requests.meeting_count(session, provider)
            if taken < event.max_meetings:
                fitting.append((taken, order, provider))
        if fitting:
            provider = min(fitting, key=lambda row: row[:2])[2]
            meeting_requests.organizer_meeting(session, event, organizer, seeker.id, provider.id, pinned=False)


# --- engagements --------------------------------------------------------------------------------


def _demo_file(kind: str, provider: Organization, seeker: Organization, amount: int) -> tuple[io.BytesIO, str]:
    from marketplace.demo_data import documents as demo_documents

    if kind == "credit_offer":
        name, data = demo_documents.credit_offer(provider, seeker, amount)
    elif kind == "statements":
        name, data = demo_documents.statements(seeker)
    else:
        name, data = demo_documents.licence(seeker)
    return io.BytesIO(data), name


def _library_document(session: Session, organization: Organization, user: User, kind: str) -> Any:
    """The demo document ``kind`` (statements, licence) in the organization's library, added once."""
    from marketplace.documents import services as documents

    stream, name = _demo_file(kind, organization, organization, 0)
    found = next((d for d in documents.library(session, organization.id) if d.filename == name), None)
    return found or documents.store(session, organization, user, stream, name,
                                    kind="financial_statements" if kind == "statements" else "business_licence")


def _engagements(session: Session, day: date) -> None:
    """The first demo's conversations (``demo_data.engagements``), written through the services
    and dated back; skipped for a pair and listing that already have one (idempotent)."""
    from marketplace.demo_data.engagements import CONVERSATIONS
    from marketplace.engagements import reviews
    from marketplace.engagements import services as engagements
    from marketplace.engagements.models import Engagement, EngagementChange

    now = datetime.now(UTC)
    for spec in CONVERSATIONS:
        seeker_user, seeker = _owner(session, spec["seeker"])
        provider_user, provider = _owner(session, spec["provider"])
        offers = _on_offer(session, Listing, provider.id, day, spec["category"])
        if not offers or session.scalar(select(Engagement.id).where(
                Engagement.seeker_org_id == seeker.id, Engagement.provider_org_id == provider.id).limit(1)) is not None:
            continue
        listing = offers[0]
        needs = _on_offer(session, Need, seeker.id, day, spec.get("need_category")) if spec.get("need_category") else []
        need = needs[0] if needs else None
        users = {"seeker": seeker_user, "provider": provider_user}
        (first_side, first_text, first_days), *rest = spec["messages"]
        if spec["started_by"] == "seeker":
            share = [*spec.get("share", ()), *[_library_document(session, seeker, seeker_user, name).id
                                               for name in spec.get("share_documents", ())]]
            engagement = engagements.inquire(session, listing, seeker, seeker_user,
                                             {"message": first_text, "need_id": need.id if need else None, "share": share})
        else:
            assert need is not None
            engagement = engagements.propose(session, need, provider, provider_user,
                                             {"message": first_text, "listing_id": listing.id})
        for index, (side, text, _days) in enumerate(rest, start=1):
            made = spec.get("attachments", {}).get(index)
            files = [_demo_file(made, provider, seeker, spec.get("deal", (None, 0))[1])] if made else []
            engagements.post_message(session, engagement, users[side], text, files)
        for side, stage, _days in spec["stages"]:
            data: dict[str, Any] = {"stage": stage, "reason": spec.get("reason", "")}
            if stage == "won":
                data["deal_kind"], data["amount_cny"] = spec["deal"]
            engagements.move(session, engagement, users[side], data)
        # Date it back: the messages, the changes and the response time as the texts say.
        when = [now - timedelta(days=days, hours=len(spec["messages"]) - i) for i, (_s, _t, days) in enumerate(spec["messages"])]
        for message, moment in zip(engagement.messages, when, strict=True):
            message.created_at = moment
        engagement.created_at = when[0]
        replies = [m.created_at for m in engagement.messages if m.side != engagement.started_by]
        engagement.first_response_at = replies[0] if replies else None
        engagement.last_message_at = when[-1]
        stage_days = {stage: days for _side, stage, days in spec["stages"]}
        for change in session.scalars(select(EngagementChange).where(EngagementChange.engagement_id == engagement.id)):
            if change.to_stage == "new":
                change.at = when[0]
            elif change.to_stage == "in_discussion" and replies:
                change.at = replies[0]
            elif change.to_stage in stage_days:
                change.at = now - timedelta(days=stage_days[change.to_stage])
        if engagement.closed_at is not None:
            engagement.closed_at = now - timedelta(days=spec["stages"][-1][2])
        engagement.updated_at = max(when[-1], engagement.closed_at or when[-1])
        if spec.get("review"):
            rating, text = spec["review"]
            reviews.write(session, engagement, seeker_user, {"rating": rating, "text": text})
        session.flush()
