"""Organization rules: profiles and size classes, membership, invitations, verification.

Services flush but never commit; the caller commits once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.bounds import MAX_CNY, text_problem
from marketplace.errors import Conflict, InvalidToken, PermissionDenied, ValidationFailed
from marketplace.mail import services as mail
from marketplace.notifications.services import notify
from marketplace.organizations.kinds import MEMBER_ROLES, VERIFICATION_LABELS, VERIFICATION_STATUSES
from marketplace.organizations.models import (
    Invitation,
    Membership,
    Organization,
    VerificationDecision,
)
from marketplace.reference import (
    SIZE_GROUPS,
    Classification,
    InvalidCreditCode,
    classify,
    group_choices_for_industry,
    group_for_industry,
    is_industry,
    is_region,
    normalize_credit_code,
)
from marketplace.search import outbox as search_outbox
from marketplace.timeutil import aware, utcnow

IDENTITY_FIELDS = ("name", "credit_code")
# Texts of a profile: longest, multi-line.
TEXT_RULES = {
    "name": (200, False), "description": (5000, True), "website": (300, False),
    "contact_email": (254, False), "contact_phone": (40, False), "credit_code": (30, False),
}
EMPLOYEES_MAX = 10_000_000
PHONE = re.compile(r"[0-9+\-() ]{3,30}(?:(?:ext\.?|x|转|分机) ?[0-9]{1,6})?", re.IGNORECASE)
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?!\d)")  # a scheme, not a host:port
HOST = re.compile(r"[\w.-]+")  # letters (Chinese domain names too), digits, dots, hyphens
TAX_CREDIT_LEVELS = ("A", "B", "M", "C", "D")  # 纳税信用等级, as the tax authority grades it
PROFILE_FIELDS = (
    "name",
    "credit_code",
    "region",
    "industry",
    "size_group",
    "employees",
    "annual_revenue_cny",
    "total_assets_cny",
    "tax_credit_level",
    "founded_year",
    "description",
    "tags",
    "website",
    "contact_email",
    "contact_phone",
)


# --- access ---------------------------------------------------------------------------------


def require_member(organization: Organization, user: User) -> Membership:
    """The user's membership. Raises PermissionDenied if the user is not a member."""
    membership = organization.member(user)
    if membership is None:
        raise PermissionDenied(_("You are not a member of this organization."))
    return membership


def require_owner(organization: Organization, user: User) -> Membership:
    """The user's owner membership. Raises PermissionDenied otherwise."""
    membership = require_member(organization, user)
    if not membership.is_owner:
        raise PermissionDenied(_("Only an owner of this organization can do this."))
    return membership


# --- profile and size class -----------------------------------------------------------------


def credit_code_error(exc: InvalidCreditCode) -> str:
    """The user-facing message for a rejected credit code."""
    if exc.code == "length":
        return _("A credit code has 18 characters; this one has %(n)d.", n=exc.params["length"])
    if exc.code == "charset":
        return _(
            "Character %(pos)d ('%(char)s') is not allowed (the letters I, O, Z, S and V are never used).",
            pos=exc.params["position"],
            char=exc.params["char"],
        )
    if exc.code == "check":
        return _(
            "The check character (the last one) should be '%(expected)s', not '%(given)s': please check for a typo.",
            expected=exc.params["expected"],
            given=exc.params["given"],
        )
    return _("Characters 3 to 8 must be the 6-digit administrative division code.")


def _validate_profile(session: Session, organization: Organization, data: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not (data.get("name") or "").strip():
        add("name", _("Enter the organization's name."))
    for field, (longest, multiline) in TEXT_RULES.items():
        value = data.get(field)
        if isinstance(value, str):
            problem = text_problem(value, max_length=longest, multiline=multiline, required=field == "name")
            if problem:
                add(field, problem)
    for tag in data.get("tags") or ():
        problem = text_problem(str(tag), max_length=50, required=True)
        if problem:
            add("tags", f"{tag[:20]!r}: {problem}" if isinstance(tag, str) else problem)
            break
    website = data.get("website")
    if website and not text_problem(website) and normalize_website(website) is None:
        add("website", _("Enter an http:// or https:// address, e.g. https://www.example.cn"))
    email = data.get("contact_email")
    if email and not text_problem(email):
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            add("contact_email", _("Enter an e-mail address such as name@example.cn."))
    phone = data.get("contact_phone")
    if phone and not PHONE.fullmatch(phone):
        add("contact_phone", _("Digits, spaces, +, -, parentheses and an extension only."))
    code = data.get("credit_code")
    if code:
        try:
            code = normalize_credit_code(code)
        except InvalidCreditCode as exc:
            add("credit_code", credit_code_error(exc))
        else:
            taken = session.scalar(
                select(Organization.id).where(
                    Organization.credit_code == code, Organization.id != organization.id
                )
            )
            if taken is not None:
                add("credit_code", _("Another organization is already registered with this credit code."))
    region = data.get("region")
    if region and not is_region(region):
        add("region", _("Unknown region code %(code)s.", code=region))
    industry = data.get("industry")
    if industry and not is_industry(industry):
        add("industry", _("Unknown industry code %(code)s.", code=industry))
    size_group = data.get("size_group")
    if size_group and size_group not in SIZE_GROUPS:
        add("size_group", _("Unknown size-standard group."))
    elif size_group and industry and is_industry(industry):
        if size_group not in group_choices_for_industry(industry):
            add("size_group", _("This size-standard group does not apply to the chosen industry."))
    for field, highest in (("employees", EMPLOYEES_MAX), ("annual_revenue_cny", MAX_CNY), ("total_assets_cny", MAX_CNY)):
        value = data.get(field)
        if value is not None and value < 0:
            add(field, _("Must not be negative."))
        elif value is not None and value > highest:
            add(field, _("must be at most %(n)s", n=f"{highest:,}"))
    level = data.get("tax_credit_level")
    if level is not None and level not in TAX_CREDIT_LEVELS:
        add("tax_credit_level", _("Choose one of the tax credit levels %(levels)s.", levels="A, B, M, C, D"))
    year = data.get("founded_year")
    if year is not None and not 1900 <= year <= utcnow().year:
        add("founded_year", _("Enter a year between 1900 and %(year)d.", year=utcnow().year))
    if organization.is_sme:
        for field in ("region", "industry"):
            if not data.get(field):
                add(field, _("An enterprise profile needs this field."))
    return errors


def normalize_website(value: str) -> str | None:
    """An http(s) address with a host (``www.example.cn`` gets ``https://``), else None."""
    text = value.strip()
    if "://" not in text:
        if SCHEME.match(text):  # javascript:, mailto:, data: ... are no web sites
            return None
        text = "https://" + text
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or "." not in host.strip(".") or not HOST.fullmatch(host):
        return None
    if any(c.isspace() for c in text):
        return None
    return text


def identity_changes(organization: Organization, data: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The identity fields (name, credit code) that ``data`` changes: field → (old, new)."""
    changes = {}
    for field in IDENTITY_FIELDS:
        if field not in data:
            continue
        new = (data[field] or "").strip() or None
        if field == "credit_code" and new:
            try:
                new = normalize_credit_code(new)
            except InvalidCreditCode:
                pass
        if new != getattr(organization, field):
            changes[field] = (getattr(organization, field), new)
    return changes


def update_profile(
    session: Session, organization: Organization, data: Mapping[str, Any], *, actor: User | None
) -> None:
    """Validate and save the profile; recompute the size class of an SME.

    ``actor`` is the member saving it (None: the platform itself, e.g. the demo loader). The
    identity fields (name, credit code) are an owner's to change; changing them on a verified (or
    pending) organization sends it back to verification, recorded in its history, and its owners
    are told.

    Raises PermissionDenied when a member who is not an owner changes the identity, and
    ValidationFailed (with every field's messages); either way nothing changes.
    """
    identity = identity_changes(organization, data)
    membership = organization.member(actor) if actor is not None else None
    if identity and actor is not None and not (membership is not None and membership.is_owner):
        raise PermissionDenied(
            _("Only an owner can change the organization's name or credit code."),
            fields={field: [_("Only an owner can change this.")] for field in identity},
        )
    errors = _validate_profile(session, organization, data)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(organization, field, data[field])
    if organization.credit_code:
        organization.credit_code = normalize_credit_code(organization.credit_code)
    if organization.website:
        organization.website = normalize_website(organization.website)
    if identity and organization.verification_status in ("verified", "pending"):
        _identity_changed(session, organization, identity, actor)
    if organization.industry and organization.size_group not in group_choices_for_industry(organization.industry):
        organization.size_group = None
    classification = size_classification(organization)
    organization.size_class = classification.size_class if classification else None
    session.flush()
    search_outbox.enqueue_organization(session, organization.id)


def size_classification(organization: Organization) -> Classification | None:
    """The 2011-standard size class of an SME with an industry, or None for other kinds."""
    if not organization.is_sme or not organization.industry or not is_industry(organization.industry):
        return None
    group = group_for_industry(organization.industry, organization.size_group)
    return classify(
        group,
        employees=organization.employees,
        revenue_cny=organization.annual_revenue_cny,
        assets_cny=organization.total_assets_cny,
    )


def check_organization_name(name: str, field: str = "name") -> None:
    """Raises ValidationFailed naming ``field`` unless ``name`` is one line of at most 200
    characters that shows something."""
    problem = text_problem(name.strip(), max_length=200, required=True)
    if problem:
        raise ValidationFailed(_("Please correct the marked fields."), fields={field: [problem]})


def create_organization(session: Session, user: User, *, name: str, kind: str) -> Organization:
    """A new organization with ``user`` as its owner (at sign-up, or a further one).

    Raises ValidationFailed (field ``name``) for a name that is empty, too long, not one line or
    shows nothing.
    """
    check_organization_name(name)
    organization = Organization(name=name.strip(), kind=kind)
    session.add(organization)
    session.add(Membership(organization=organization, user=user, role="owner"))
    session.flush()
    return organization


# --- members and invitations ---------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(
    session: Session,
    organization: Organization,
    inviter: User,
    *,
    email: str,
    role: str,
    link_for: Callable[[str], str],
    max_age_days: int,
) -> Invitation:
    """Invite an e-mail address to join; an owner only. The link is sent through the outbox."""
    require_owner(organization, inviter)
    email = email.strip().lower()
    if role not in MEMBER_ROLES:
        raise ValidationFailed(_("Unknown role."), fields={"role": [_("Unknown role.")]})
    if any(m.user.email == email for m in organization.memberships):
        raise ValidationFailed(
            _("This person is already a member."),
            fields={"email": [_("This person is already a member.")]},
        )
    now = utcnow()
    for earlier in organization.invitations:
        if earlier.email == email and earlier.accepted_at is None and earlier.revoked_at is None:
            earlier.revoked_at = now
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        token_hash=_token_hash(token),
        invited_by=inviter,
        expires_at=now + timedelta(days=max_age_days),
    )
    session.add(invitation)
    body = _(
        "%(inviter)s invites you to join %(org)s on the SME service marketplace.\n\n"
        "Accept the invitation here (valid for %(days)d days):\n%(link)s",
        inviter=inviter.display_name,
        org=organization.name,
        days=max_age_days,
        link=link_for(token),
    )
    mail.enqueue(session, email, _("Invitation to join %(org)s", org=organization.name), body)
    session.flush()
    return invitation


def invitation_for_token(session: Session, token: str) -> Invitation:
    """The open invitation behind a token. Raises InvalidToken if unknown, used or expired."""
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(token)))
    if invitation is None or invitation.revoked_at is not None:
        raise InvalidToken(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise InvalidToken(_("This invitation has already been accepted."))
    if aware(invitation.expires_at) < utcnow():
        raise InvalidToken(_("This invitation has expired. Ask for a new one."))
    return invitation


def accept_invitation(session: Session, token: str, user: User) -> Membership:
    """Join the organization. The invitation must be for this user's e-mail address."""
    invitation = invitation_for_token(session, token)
    if invitation.email != user.email:
        raise PermissionDenied(
            _("This invitation was sent to another e-mail address. Log in with that address.")
        )
    organization = invitation.organization
    membership = organization.member(user)
    if membership is None:
        membership = Membership(organization=organization, user=user, role=invitation.role)
        session.add(membership)
    invitation.accepted_at = utcnow()
    session.flush()
    return membership


def revoke_invitation(session: Session, invitation: Invitation, actor: User) -> None:
    require_owner(invitation.organization, actor)
    invitation.revoked_at = utcnow()
    session.flush()


def _owner_count(organization: Organization) -> int:
    return sum(1 for m in organization.memberships if m.is_owner)


def remove_member(session: Session, membership: Membership, actor: User) -> None:
    """An owner removes a member, or a member leaves. The last owner cannot go."""
    organization = membership.organization
    if membership.user_id != actor.id:
        require_owner(organization, actor)
    if membership.is_owner and _owner_count(organization) == 1:
        raise Conflict(_("An organization needs at least one owner: make someone else owner first."))
    organization.memberships.remove(membership)
    session.flush()


def set_member_role(session: Session, membership: Membership, actor: User, role: str) -> None:
    """An owner changes a member's role; the last owner cannot step down."""
    require_owner(membership.organization, actor)
    if role not in MEMBER_ROLES:
        raise ValidationFailed(_("Unknown role."), fields={"role": [_("Unknown role.")]})
    if membership.is_owner and role != "owner" and _owner_count(membership.organization) == 1:
        raise Conflict(_("An organization needs at least one owner: make someone else owner first."))
    membership.role = role
    session.flush()


# --- verification ---------------------------------------------------------------------------


def _identity_changed(
    session: Session, organization: Organization, identity: Mapping[str, tuple[Any, Any]], actor: User | None
) -> None:
    """A verified (or pending) organization changed its name or credit code: the badge no longer
    vouches for it. Back to verification (pending), recorded with what changed; owners told."""
    was_verified = organization.is_verified
    labels = {"name": _("name"), "credit_code": _("credit code")}
    change = "; ".join(f"{labels[f]}: {old or '—'} → {new or '—'}" for f, (old, new) in identity.items())
    reason = _("Identity changed (%(change)s): to be verified again.", change=change)[:500]
    _record_decision(session, organization, "pending", reason, actor)
    if not was_verified:
        return
    owners = [m.user for m in organization.memberships if m.is_owner]
    name = organization.name
    notify(
        session, owners,
        lambda: _("%(org)s changed its name or credit code, so its verified badge is suspended until a "
                  "platform administrator checks it again.", org=name),
        link=f"/orgs/{organization.id}",
    )



def request_verification(session: Session, organization: Organization, user: User) -> None:
    """An owner asks the platform to verify the organization (needs a credit code and region)."""
    require_owner(organization, user)
    if organization.verification_status in ("pending", "verified"):
        raise Conflict(_("Verification has already been requested or granted."))
    missing = [f for f in ("credit_code", "region") if not getattr(organization, f)]
    if missing:
        raise ValidationFailed(
            _("Complete the profile first: a credit code and a region are needed for verification."),
            fields={f: [_("Needed for verification.")] for f in missing},
        )
    _record_decision(session, organization, "pending", None, user)


def decide_verification(
    session: Session, organization: Organization, admin: User, *, status: str, reason: str | None
) -> VerificationDecision:
    """A platform admin sets the verification status, with a reason (required to reject).

    The owners are told the decision and the reason, in-app and by e-mail, each in their own
    language, with a link to the organization's page.

    Raises PermissionDenied when ``admin`` is no platform admin, and ValidationFailed for an
    unknown status, or a reason that is missing for a rejection, too long (500 characters) or
    holds control characters; either way nothing changes.
    """
    if not admin.is_admin:
        raise PermissionDenied(_("Only a platform administrator can verify organizations."))
    if status not in VERIFICATION_STATUSES:
        raise ValidationFailed(_("Unknown status."), fields={"status": [_("Unknown status.")]})
    reason = (reason or "").strip() or None
    if status == "rejected" and not reason:
        raise ValidationFailed(
            _("Give the reason for the rejection."),
            fields={"reason": [_("Give the reason for the rejection.")]},
        )
    problem = text_problem(reason, max_length=500, multiline=True) if reason else None
    if problem:
        raise ValidationFailed(_("Please correct the marked fields."), fields={"reason": [problem]})
    decision = _record_decision(session, organization, status, reason, admin)
    _tell_owners_of_decision(session, organization, status, reason)
    return decision


def _tell_owners_of_decision(session: Session, organization: Organization, status: str, reason: str | None) -> None:
    owners = [m.user for m in organization.memberships if m.is_owner]
    name = organization.name
    label = VERIFICATION_LABELS[status]

    def message() -> str:
        if status == "verified":
            text = _("%(org)s is now verified: its profile and postings show the verified badge.", org=name)
        elif status == "rejected":
            text = _("The verification of %(org)s was rejected.", org=name)
        else:
            text = _("The verification status of %(org)s is now: %(status)s.", org=name, status=str(label))
        if reason and status == "rejected":
            text += "\n" + _("Reason: %(reason)s", reason=reason)
        elif reason:
            text += "\n" + _("Note from the platform administrator: %(note)s", note=reason)
        return text

    notify(
        session, owners, message, link=f"/orgs/{organization.id}/edit",
        subject=lambda: _("Verification of %(org)s: %(status)s", org=name, status=str(label)),
    )


def _record_decision(
    session: Session, organization: Organization, status: str, reason: str | None, user: User | None
) -> VerificationDecision:
    organization.verification_status = status
    organization.verification_reason = reason
    organization.verified_at = utcnow() if status == "verified" else None
    decision = VerificationDecision(
        organization=organization, status=status, reason=reason, decided_by=user
    )
    session.add(decision)
    session.flush()
    search_outbox.enqueue_organization(session, organization.id)
    return decision
