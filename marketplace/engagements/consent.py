"""Consent-based sharing (as 粤信融 shares credit information): the SME chooses which of its
profile fields and library documents the provider of an engagement may see; each consent is kept
with its scope, who gave it and when, and when it was withdrawn. The provider sees only the scope
of the consent in force. Flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.documents import services as documents
from marketplace.documents.models import Document
from marketplace.engagements.models import SHARE_FIELDS, Consent, Engagement
from marketplace.engagements.services import members_of, side_of
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.notifications.services import notify
from marketplace.organizations.models import Organization
from marketplace.templating import list_separator
from marketplace.timeutil import utcnow

FIELD_LABELS = {
    "credit_code": _l("Unified social credit code"),
    "annual_revenue_cny": _l("Annual operating revenue"),
    "total_assets_cny": _l("Total assets"),
    "employees": _l("Employees"),
    "tax_credit_level": _l("Tax credit level"),
}
SHARE_MAX = 30


@dataclass(frozen=True)
class Scope:
    fields: tuple[str, ...]
    documents: tuple[Document, ...]

    def __bool__(self) -> bool:
        return bool(self.fields or self.documents)

    def ids(self) -> tuple[tuple[str, ...], tuple[int, ...]]:
        return tuple(sorted(self.fields)), tuple(sorted(d.id for d in self.documents))


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def parse_share(session: Session, seeker: Organization, value: Any, field: str = "share") -> Scope:
    """The scope a ``share`` value names: a list of field names (``credit_code``,
    ``annual_revenue_cny``, ``total_assets_cny``, ``employees``, ``tax_credit_level``) and ids of
    documents in the SME's library. Raises ValidationFailed naming the item that is wrong."""
    if value is None:
        return Scope((), ())
    if not isinstance(value, list) or len(value) > SHARE_MAX:
        raise ValidationFailed(_("Please correct the marked fields."), fields={field: [
            _("A list of at most %(n)d profile field names and document ids.", n=SHARE_MAX)]})
    fields: list[str] = []
    chosen: list[Document] = []
    problems: list[str] = []
    for position, item in enumerate(value):
        if isinstance(item, str) and item in SHARE_FIELDS:
            if item not in fields:
                fields.append(item)
            continue
        document = documents.by_id(session, item)
        if document is not None and document.organization_id == seeker.id and document.message_id is None:
            if document not in chosen:
                chosen.append(document)
            continue
        if isinstance(item, str):
            problems.append(_("Item %(n)d: “%(value)s” is not a field you can share: choose from %(choices)s.",
                              n=position + 1, value=item[:40], choices=", ".join(SHARE_FIELDS)))
        else:
            problems.append(_("Item %(n)d: not a document in your organization's library.", n=position + 1))
    if problems:
        raise ValidationFailed(_("Please correct the marked fields."), fields={field: problems})
    return Scope(tuple(fields), tuple(chosen))


def in_force(session: Session, engagement: Engagement) -> Consent | None:
    return session.scalar(select(Consent).where(Consent.engagement_id == engagement.id, Consent.withdrawn_at.is_(None))
                          .order_by(Consent.id.desc()).limit(1))


def history(session: Session, engagement: Engagement) -> list[Consent]:
    return list(session.scalars(select(Consent).where(Consent.engagement_id == engagement.id).order_by(Consent.id.desc())))


def _seeker_side(engagement: Engagement, user: User) -> None:
    side = side_of(engagement, user)
    if side is None:
        raise NotFound(_("No such engagement."))
    if side != "seeker":
        raise PermissionDenied(_("Only the enterprise decides what it shares."))


def _describe(scope: Scope) -> str:
    parts = [field_label(f) for f in scope.fields]
    if scope.documents:
        parts.append(_("%(n)d documents", n=len(scope.documents)))
    return list_separator().join(parts)


def grant(session: Session, engagement: Engagement, user: User, scope: Scope) -> Consent | None:
    """The SME shares ``scope`` with the provider from now on (replacing the consent in force,
    which is withdrawn at this moment; an empty scope withdraws it). Returns the consent in force.
    Raises NotFound (not a side), PermissionDenied (the provider's side), Conflict (the engagement
    was lost or withdrawn: nothing new is shared then)."""
    _seeker_side(engagement, user)
    current = in_force(session, engagement)
    if current is not None and Scope(tuple(current.fields), tuple(current.documents)).ids() == scope.ids():
        return current
    if scope and engagement.stage in ("lost", "withdrawn"):
        raise Conflict(_("This engagement is closed: nothing new is shared in it."))
    now = utcnow()
    if current is not None:
        current.withdrawn_at, current.withdrawn_by_id = now, user.id
    made = None
    if scope:
        made = Consent(engagement_id=engagement.id, fields=list(scope.fields), documents=list(scope.documents),
                       granted_by_id=user.id, granted_at=now)
        session.add(made)
    session.flush()
    name, title = engagement.seeker.name, engagement.listing.title
    if made is not None:
        notify(session, members_of(engagement.provider),
               lambda: _("%(org)s shares with you for “%(title)s”: %(what)s.", org=name, title=title, what=_describe(scope)),
               link=f"/engagements/{engagement.id}#shared")
    elif current is not None:
        notify(session, members_of(engagement.provider),
               lambda: _("%(org)s withdrew what it shared with you for “%(title)s”.", org=name, title=title),
               link=f"/engagements/{engagement.id}#shared")
    return made


def withdraw(session: Session, engagement: Engagement, user: User) -> None:
    """The SME withdraws the consent in force. Raises NotFound, PermissionDenied, Conflict
    (nothing is shared)."""
    _seeker_side(engagement, user)
    if in_force(session, engagement) is None:
        raise Conflict(_("Nothing is shared in this engagement."))
    grant(session, engagement, user, Scope((), ()))


def shared_values(engagement: Engagement, consent: Consent | None) -> list[tuple[str, Any]]:
    """(field name, the SME's current value) for each field in the consent, in the fixed order."""
    if consent is None:
        return []
    seeker = engagement.seeker
    return [(name, getattr(seeker, name)) for name in SHARE_FIELDS if name in consent.fields]


def display_value(name: str, value: Any, locale: str) -> str:
    """A shared field's value as the reader's language writes it."""
    from flask_babel import format_decimal

    from marketplace.money import amount_text

    if value is None or value == "":
        return _("not filled in")
    if name in ("annual_revenue_cny", "total_assets_cny"):
        return amount_text(int(value), locale)
    if name == "employees":
        return str(format_decimal(int(value)))
    if name == "tax_credit_level":
        return _("Level %(level)s", level=value)
    return str(value)


def field_choices(organization: Organization, locale: str) -> list[tuple[str, str]]:
    """The fields an SME can share, each labelled with the value the provider would see; fields
    it has not filled in are left out."""
    colon = "：" if locale == "zh" else ": "
    return [(name, f"{field_label(name)}{colon}{display_value(name, getattr(organization, name), locale)}")
            for name in SHARE_FIELDS if getattr(organization, name) not in (None, "")]
