"""Engagements from first contact to outcome, as plain service functions (flush, never commit).

An SME starts one on a provider's listing (an inquiry or application, optionally for one of its
needs); a provider starts one on an SME's need, proposing one of its listings. The stages and
who may move them:

    new ──► in_discussion ──► proposal ──► won (deal: kind and amount)
      └──────────────────────►┘   ◄──┘ (back to discussion)
    any open stage ──► lost (either side, with the reason) / withdrawn (the side that started)

``new`` becomes ``in_discussion`` by itself when the side that did not start writes its first
message (that moment is the response time). A proposal is the provider's; the deal is recorded by
the provider (it grants the loan, signs the licence, enrols). Closed engagements keep their
conversation readable; a won one can still be written in (documents after the deal).

Only the two organizations' members see an engagement: for anyone else it does not exist
(:func:`get_for` raises NotFound, so pages and API answer 404).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import IO, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from listings import lifecycle
from listings.models import Listing, Need
from marketplace.accounts.models import User
from marketplace.bounds import MAX_CNY, json_record_id, text_problem
from marketplace.documents import services as documents
from marketplace.engagements.models import (
    DEAL_KINDS,
    OPEN_STAGES,
    STAGES,
    Engagement,
    EngagementChange,
    EngagementMessage,
    EngagementRead,
)
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.notifications.services import notify
from marketplace.organizations.models import Organization
from marketplace.timeutil import today, utcnow

MESSAGE_MAX = 5000
REASON_MAX = 500
REPLY_DAYS = 3  # an open engagement waiting this long for a side's reply is flagged

STAGE_LABELS = {
    "new": _l("New"),
    "in_discussion": _l("In discussion"),
    "proposal": _l("Proposal"),
    "won": _l("Won"),
    "lost": _l("Lost"),
    "withdrawn": _l("Withdrawn"),
}
DEAL_LABELS = {
    "loan": _l("Loan granted"),
    "guarantee": _l("Guarantee issued"),
    "lease": _l("Lease signed"),
    "investment": _l("Investment made"),
    "licence": _l("Licence agreed"),
    "contract": _l("Contract signed"),
    "enrolment": _l("Enrolment"),
    "booth": _l("Booth booked"),
}
SIDE_LABELS = {"seeker": _l("Enterprise"), "provider": _l("Provider")}

# (from, to) -> the sides that may make the change ("starter": the side that started it).
MOVES: dict[tuple[str, str], tuple[str, ...]] = {
    ("new", "in_discussion"): ("provider", "seeker"),
    ("new", "proposal"): ("provider",),
    ("in_discussion", "proposal"): ("provider",),
    ("proposal", "in_discussion"): ("provider", "seeker"),
    ("proposal", "won"): ("provider",),
    **{(stage, "lost"): ("provider", "seeker") for stage in OPEN_STAGES},
    **{(stage, "withdrawn"): ("starter",) for stage in OPEN_STAGES},
}


def stage_label(stage: str) -> str:
    return str(STAGE_LABELS.get(stage, stage))


def deal_label(kind: str | None) -> str:
    return str(DEAL_LABELS.get(kind or "", kind or ""))


# --- who is asking --------------------------------------------------------------------------


def side_of(engagement: Engagement, user: Any) -> str | None:
    """``seeker`` or ``provider`` when ``user`` is a member of that side's organization (the
    seeker's side first, should one person belong to both), else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    for side in ("seeker", "provider"):
        if engagement.org_of(side).member(user) is not None:
            return side
    return None


def get_for(session: Session, engagement_id: int, user: Any) -> tuple[Engagement, str]:
    """The engagement and the user's side; NotFound for anyone who is not a member of either
    organization (it does not exist for them)."""
    engagement = session.get(Engagement, engagement_id)
    side = side_of(engagement, user) if engagement is not None else None
    if engagement is None or side is None:
        raise NotFound(_("No such engagement."))
    return engagement, side


def _org_ids(user: Any) -> list[int]:
    return [m.organization_id for m in getattr(user, "memberships", [])]


def user_query(user: Any, *, stage: str | None = None, side: str | None = None) -> Select[tuple[Engagement]]:
    """The engagements of the user's organizations (either side, or ``side``), latest activity first."""
    orgs = _org_ids(user)
    query = select(Engagement).where(or_(Engagement.seeker_org_id.in_(orgs), Engagement.provider_org_id.in_(orgs)))
    if stage:
        query = query.where(Engagement.stage == stage)
    if side == "seeker":
        query = query.where(Engagement.seeker_org_id.in_(orgs))
    elif side == "provider":
        query = query.where(Engagement.provider_org_id.in_(orgs))
    activity = func.coalesce(Engagement.last_message_at, Engagement.updated_at)
    return query.options(selectinload(Engagement.listing), selectinload(Engagement.seeker),
                         selectinload(Engagement.provider)).order_by(activity.desc(), Engagement.id.desc())


def for_user(session: Session, user: Any, *, stage: str | None = None, side: str | None = None,
             limit: int = 500) -> list[Engagement]:
    """:func:`user_query`'s first ``limit`` engagements."""
    if not _org_ids(user):
        return []
    return list(session.scalars(user_query(user, stage=stage, side=side).limit(limit)))


def shared_with(session: Session, organization_id: int) -> set[int]:
    """The organizations that have an engagement with ``organization_id`` (either side): they
    see each other's contact details (and the need it concerns)."""
    rows = session.execute(select(Engagement.seeker_org_id, Engagement.provider_org_id).where(
        or_(Engagement.seeker_org_id == organization_id, Engagement.provider_org_id == organization_id))).all()
    return {x for row in rows for x in row} - {organization_id}


# --- starting -------------------------------------------------------------------------------


def clean_text(name: str, value: Any, max_length: int, *, required: bool) -> str:
    text = value if isinstance(value, str) else "" if value is None else None
    if text is None:
        raise ValidationFailed(_("Please correct the marked fields."), fields={name: [_("Give a text.")]})
    text = text.strip()
    problem = text_problem(text, max_length=max_length, multiline=True, required=required)
    if problem:
        raise ValidationFailed(_("Please correct the marked fields."), fields={name: [problem]})
    return text


def collect_text(errors: dict[str, list[str]], name: str, value: Any, max_length: int) -> str:
    """:func:`clean_text` of a required field, its problem added to ``errors`` (then "")."""
    try:
        return clean_text(name, value, max_length, required=True)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        return ""


def _by_id(session: Session, model: Any, value: Any) -> Any:
    """The row whose id ``value`` is (a JSON integer within the id column, not a boolean or a
    text), else None."""
    row_id = json_record_id(value)
    return session.get(model, row_id) if row_id is not None else None


def _member(organization: Organization | None, user: User) -> Organization:
    if organization is None or organization.member(user) is None:
        raise PermissionDenied(_("You are not a member of this organization."))
    return organization


def open_between(session: Session, seeker_id: int, provider_id: int, listing_id: int) -> Engagement | None:
    return session.scalar(select(Engagement).where(
        Engagement.seeker_org_id == seeker_id, Engagement.provider_org_id == provider_id,
        Engagement.listing_id == listing_id, Engagement.stage.in_(OPEN_STAGES)))


class AlreadyOpen(Conflict):
    """An open engagement for the same SME, provider and listing exists: ``existing`` is it."""

    def __init__(self, existing: Engagement) -> None:
        super().__init__(_("You already have an open engagement about this listing: engagement %(id)d.", id=existing.id))
        self.existing = existing


def _create(session: Session, *, listing: Listing, need: Need | None, seeker: Organization, provider: Organization,
            started_by: str, user: User, message: str) -> Engagement:
    existing = open_between(session, seeker.id, provider.id, listing.id)
    if existing is not None:
        raise AlreadyOpen(existing)
    now = utcnow()
    engagement = Engagement(listing_id=listing.id, need_id=need.id if need else None, seeker_org_id=seeker.id,
                            provider_org_id=provider.id, started_by=started_by, started_by_user_id=user.id,
                            stage="new", created_at=now, updated_at=now)
    try:
        with session.begin_nested():
            session.add(engagement)
            session.flush()
    except IntegrityError as exc:  # the same request twice at once: the other one won
        existing = open_between(session, seeker.id, provider.id, listing.id)
        if existing is not None:
            raise AlreadyOpen(existing) from exc
        raise
    session.add(EngagementChange(engagement_id=engagement.id, user_id=user.id, side=started_by, from_stage=None,
                                 to_stage="new", at=now))
    _post(session, engagement, started_by, user, message, now)
    other = provider if started_by == "seeker" else seeker
    title, name = listing.title, (seeker if started_by == "seeker" else provider).name
    if started_by == "seeker":
        notify(session, members_of(other), lambda: _("%(org)s asks about your listing “%(title)s”.", org=name, title=title),
               link=f"/engagements/{engagement.id}")
    else:
        notify(session, members_of(other), lambda: _("%(org)s proposes “%(title)s” for your need.", org=name, title=title),
               link=f"/engagements/{engagement.id}")
    session.flush()
    return engagement


def members_of(organization: Organization) -> list[User]:
    return [m.user for m in organization.memberships]


def inquire(session: Session, listing: Listing, seeker: Organization | None, user: User, data: Mapping[str, Any]) -> Engagement:
    """An SME asks about (or applies for) a provider's listing. ``data``: message (required),
    need_id (optional: one of the SME's own needs), share (optional: what the provider may see,
    see :func:`consent.parse_share`). Raises PermissionDenied (not a member, not
    an SME), NotFound (listing not on offer), ValidationFailed (per field), AlreadyOpen."""
    seeker = _member(seeker, user)
    if seeker.kind != "sme":
        raise PermissionDenied(_("Only an enterprise (SME) can ask about a listing."))
    if not lifecycle.is_on_offer(listing, today()):
        raise NotFound(_("This listing is not on offer."))
    if listing.organization_id == seeker.id:
        raise Conflict(_("This is your own listing."))
    errors: dict[str, list[str]] = {}
    message = collect_text(errors, "message", data.get("message"), MESSAGE_MAX)
    need = None
    need_id = data.get("need_id")
    if need_id not in (None, ""):
        need = _by_id(session, Need, need_id)
        if need is None or need.organization_id != seeker.id or need.status not in ("draft", "published"):
            errors["need_id"] = [_("Choose one of your organization's open needs.")]
    from marketplace.engagements import consent  # it builds on this module

    scope = consent.Scope((), ())
    try:
        scope = consent.parse_share(session, seeker, data.get("share"))
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    engagement = _create(session, listing=listing, need=need, seeker=seeker, provider=listing.organization,
                         started_by="seeker", user=user, message=message)
    if scope:
        consent.grant(session, engagement, user, scope)
    return engagement


def propose(session: Session, need: Need, provider: Organization | None, user: User, data: Mapping[str, Any]) -> Engagement:
    """A provider proposes one of its listings for an SME's need. ``data``: message (required),
    listing_id (required: one of the provider's listings on offer). The caller has checked that
    the user may see the need. Raises PermissionDenied, NotFound (need not open), ValidationFailed,
    AlreadyOpen."""
    provider = _member(provider, user)
    if provider.kind == "sme":
        raise PermissionDenied(_("Only a provider can propose a listing for a need."))
    if not lifecycle.is_on_offer(need, today()):
        raise NotFound(_("This need is no longer open."))
    if need.organization_id == provider.id:
        raise Conflict(_("This is your own need."))
    errors: dict[str, list[str]] = {}
    message = collect_text(errors, "message", data.get("message"), MESSAGE_MAX)
    listing_id = data.get("listing_id")
    listing = _by_id(session, Listing, listing_id)
    if listing is None or listing.organization_id != provider.id or not lifecycle.is_on_offer(listing, today()):
        errors["listing_id"] = [_("Choose one of your organization's listings on offer.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    assert listing is not None
    return _create(session, listing=listing, need=need, seeker=need.organization, provider=provider,
                   started_by="provider", user=user, message=message)


# --- talking --------------------------------------------------------------------------------


def _post(session: Session, engagement: Engagement, side: str, user: User, body: str, now: datetime) -> EngagementMessage:
    message = EngagementMessage(engagement_id=engagement.id, user_id=user.id, side=side, body=body, created_at=now)
    session.add(message)
    if side != engagement.started_by and engagement.first_response_at is None:
        engagement.first_response_at = now
    engagement.last_message_at, engagement.last_message_side = now, side
    session.flush()
    mark_read(session, engagement, user, message.id)
    return message


def post_message(session: Session, engagement: Engagement, user: User, body: Any,
                 files: Sequence[tuple[IO[bytes], str | None]] = ()) -> EngagementMessage:
    """A member of either side writes, with up to five documents (``files``: stream and name);
    the other side's members are told. The first message of the side that did not start a
    ``new`` engagement moves it to ``in_discussion``. Raises NotFound (not a side), Conflict (lost
    or withdrawn), ValidationFailed (``body``, or ``files`` naming the file that is refused)."""
    side = side_of(engagement, user)
    if side is None:
        raise NotFound(_("No such engagement."))
    if engagement.stage in ("lost", "withdrawn"):
        raise Conflict(_("This engagement is closed: start a new one to talk again."))
    if len(files) > documents.FILES_PER_MESSAGE:
        raise ValidationFailed(_("Please correct the marked fields."), fields={"files": [
            _("At most %(n)d documents per message.", n=documents.FILES_PER_MESSAGE)]})
    text = clean_text("body", body, MESSAGE_MAX, required=not files)
    now = utcnow()
    message = _post(session, engagement, side, user, text, now)
    for stream, filename in files:
        documents.store(session, engagement.org_of(side), user, stream, filename, message_id=message.id, field="files")
    if engagement.stage == "new" and side != engagement.started_by:
        _record(session, engagement, side, user, "in_discussion", "", now)
    author = engagement.org_of(side).name
    notify(session, members_of(engagement.org_of(engagement.other_side(side))),
           lambda: _("New message from %(org)s about “%(title)s”.", org=author, title=engagement.listing.title),
           link=f"/engagements/{engagement.id}#message-{message.id}")
    session.flush()
    return message


def mark_read(session: Session, engagement: Engagement, user: User, message_id: int | None = None) -> None:
    """The user has read the engagement up to ``message_id`` (default: its latest message)."""
    upto = message_id if message_id is not None else session.scalar(
        select(func.max(EngagementMessage.id)).where(EngagementMessage.engagement_id == engagement.id)) or 0
    mark = session.get(EngagementRead, (engagement.id, user.id))
    if mark is None:
        session.add(EngagementRead(engagement_id=engagement.id, user_id=user.id, last_message_id=upto))
    elif upto > mark.last_message_id:
        mark.last_message_id = upto
    session.flush()


def unread_counts(session: Session, user: Any, engagement_ids: list[int] | None = None) -> dict[int, int]:
    """Messages of the other side the user has not read, per engagement (only those with some)."""
    orgs = _org_ids(user)
    if not orgs:
        return {}
    read = select(EngagementRead.last_message_id).where(EngagementRead.engagement_id == EngagementMessage.engagement_id,
                                                        EngagementRead.user_id == user.id).scalar_subquery()
    mine_as = or_(and_(Engagement.seeker_org_id.in_(orgs), EngagementMessage.side == "provider"),
                  and_(Engagement.provider_org_id.in_(orgs), EngagementMessage.side == "seeker"))
    query = (select(EngagementMessage.engagement_id, func.count())
             .join(Engagement, Engagement.id == EngagementMessage.engagement_id)
             .where(mine_as, EngagementMessage.id > func.coalesce(read, 0))
             .group_by(EngagementMessage.engagement_id))
    if engagement_ids is not None:
        query = query.where(EngagementMessage.engagement_id.in_(engagement_ids))
    return {row[0]: int(row[1]) for row in session.execute(query)}


def unread_total(session: Session, user: Any) -> int:
    return sum(unread_counts(session, user).values())


# --- stages ---------------------------------------------------------------------------------


def _record(session: Session, engagement: Engagement, side: str, user: User, stage: str, note: str, now: datetime) -> None:
    session.add(EngagementChange(engagement_id=engagement.id, user_id=user.id, side=side, from_stage=engagement.stage,
                                 to_stage=stage, note=note, at=now))
    engagement.stage = stage
    engagement.updated_at = now
    if stage not in OPEN_STAGES:
        engagement.closed_at = now


def allowed_moves(engagement: Engagement, side: str) -> list[str]:
    """The stages ``side`` may move the engagement to now."""
    out = []
    for (start, target), sides in MOVES.items():
        if start != engagement.stage:
            continue
        if side in sides or ("starter" in sides and side == engagement.started_by):
            out.append(target)
    return out


def move(session: Session, engagement: Engagement, user: User, data: Mapping[str, Any], version: int | None = None) -> None:
    """Move the engagement to ``data["stage"]``. ``won`` needs ``deal_kind`` (and takes
    ``amount_cny``, whole CNY), ``lost`` a ``reason``. Raises NotFound (not a side), Conflict
    (the rule named: out of order, or the wrong side; a stale ``version``), ValidationFailed."""
    side = side_of(engagement, user)
    if side is None:
        raise NotFound(_("No such engagement."))
    if version is not None and version != engagement.version:
        raise Conflict(_("Someone else changed this engagement in the meantime: reload the page."))
    stage = data.get("stage")
    if not isinstance(stage, str) or stage not in STAGES:
        raise ValidationFailed(_("Please correct the marked fields."),
                               fields={"stage": [_("Choose one of: %(values)s.", values=", ".join(STAGES))]})
    rule = MOVES.get((engagement.stage, stage))
    if rule is None:
        raise Conflict(_("An engagement cannot go from “%(a)s” to “%(b)s”.", a=stage_label(engagement.stage),
                         b=stage_label(stage)))
    if not (side in rule or ("starter" in rule and side == engagement.started_by)):
        who = (_("the side that started it") if "starter" in rule else
               " / ".join(str(SIDE_LABELS[s]) for s in rule))
        raise Conflict(_("Only %(who)s can move an engagement to “%(b)s”.", who=who, b=stage_label(stage)))
    errors: dict[str, list[str]] = {}
    note = ""
    if stage == "won":
        kind = data.get("deal_kind")
        if not isinstance(kind, str) or kind not in DEAL_KINDS:
            errors["deal_kind"] = [_("Choose what was agreed.")]
        amount = data.get("amount_cny")
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_CNY):
            errors["amount_cny"] = [_("Give a whole number of yuan from 0 to %(max)s.", max=f"{MAX_CNY:,}")]
    if stage == "lost":
        note = collect_text(errors, "reason", data.get("reason"), REASON_MAX)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    now = utcnow()
    if stage == "won":
        engagement.deal_kind, engagement.amount_cny = data["deal_kind"], data.get("amount_cny")
    if stage == "lost":
        engagement.lost_reason = note
    _record(session, engagement, side, user, stage, note, now)
    title, name = engagement.listing.title, engagement.org_of(side).name
    notify(session, members_of(engagement.org_of(engagement.other_side(side))),
           lambda: _("%(org)s moved the engagement about “%(title)s” to “%(stage)s”.", org=name, title=title,
                     stage=stage_label(stage)), link=f"/engagements/{engagement.id}")
    session.flush()


# --- the pipeline ---------------------------------------------------------------------------


def waiting_on(engagement: Engagement, side: str, now: datetime | None = None) -> int | None:
    """Days ``side`` has left the other side's last message unanswered (open engagements whose
    last message is the other side's, at least :data:`REPLY_DAYS` old), else None."""
    if not engagement.is_open or engagement.last_message_at is None or engagement.last_message_side == side:
        return None
    days = ((now or utcnow()) - engagement.last_message_at).days
    return days if days >= REPLY_DAYS else None


@dataclass(frozen=True)
class Pipeline:
    by_stage: dict[str, list[Engagement]]
    counts: dict[str, int]
    waiting: int  # open engagements waiting for this side's reply for REPLY_DAYS or more
    median_response_hours: float | None  # how fast this side first answers engagements the other started
    response_rate: float | None  # share of those it answered at all


def pipeline(session: Session, user: Any, side: str) -> Pipeline:
    """The user's engagements on one side (``seeker``: as an enterprise, ``provider``), by stage."""
    rows = for_user(session, user, side=side)
    by_stage: dict[str, list[Engagement]] = {stage: [] for stage in STAGES}
    for row in rows:
        by_stage[row.stage].append(row)
    now = utcnow()
    answered = [r for r in rows if r.started_by != side]
    times = [(r.first_response_at - r.created_at).total_seconds() / 3600 for r in answered if r.first_response_at]
    return Pipeline(by_stage, {stage: len(items) for stage, items in by_stage.items()},
                    sum(1 for r in rows if waiting_on(r, side, now) is not None),
                    round(median(times), 1) if times else None,
                    round(len(times) / len(answered), 3) if answered else None)


@dataclass(frozen=True)
class Responsiveness:
    """How an organization answers the engagements others start with it (shown on profiles)."""

    asked: int
    answered: int
    median_hours: float | None

    @property
    def rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


def responsiveness(session: Session, organization_id: int, since_days: int = 365) -> Responsiveness:
    return responsiveness_of(session, [organization_id], since_days)[organization_id]


def responsiveness_of(session: Session, organization_ids: Sequence[int], since_days: int = 365) -> dict[int, Responsiveness]:
    """How each organization answered the engagements others started with it in the last
    ``since_days`` (one query for all of them)."""
    ids = sorted(set(organization_ids))
    since = utcnow() - timedelta(days=since_days)
    rows = session.execute(select(Engagement.provider_org_id, Engagement.seeker_org_id, Engagement.started_by,
                                  Engagement.created_at, Engagement.first_response_at).where(
        or_(and_(Engagement.provider_org_id.in_(ids), Engagement.started_by == "seeker"),
            and_(Engagement.seeker_org_id.in_(ids), Engagement.started_by == "provider")),
        Engagement.created_at >= since)).all() if ids else []
    asked: dict[int, int] = dict.fromkeys(ids, 0)
    hours: dict[int, list[float]] = {i: [] for i in ids}
    for provider_id, seeker_id, started_by, created, answered in rows:
        answerer = provider_id if started_by == "seeker" else seeker_id
        if answerer not in asked:
            continue
        asked[answerer] += 1
        if answered is not None:
            hours[answerer].append((answered - created).total_seconds() / 3600)
    return {i: Responsiveness(asked[i], len(hours[i]), round(median(hours[i]), 1) if hours[i] else None) for i in ids}
