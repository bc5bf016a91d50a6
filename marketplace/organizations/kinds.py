"""Organization kinds (the list of the public records schema) and the role each one plays."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# kind -> label; the order is the order of the sign-up form.
KIND_LABELS = {
    "sme": _l("SME (small, medium or micro enterprise)"),
    "service_provider": _l("Service provider"),
    "tech_intermediary": _l("Technology transfer intermediary"),
    "university": _l("University or research institute"),
    "investor": _l("Investor"),
    "bank": _l("Bank"),
    "guarantor": _l("Guarantee company"),
    "microfinance": _l("Microfinance company"),
    "leasing_company": _l("Leasing company"),
    "government": _l("Government programme"),
    "association": _l("Industry association"),
    "organizer": _l("Event organizer"),
    "platform": _l("Platform operator"),
}
KINDS = tuple(KIND_LABELS)

# Kinds a person may choose when signing up (the platform's own organization is made by an admin).
SIGNUP_KINDS = tuple(kind for kind in KINDS if kind != "platform")


def role_of_kind(kind: str) -> str:
    """The navigation role of a member: ``sme``, ``organizer`` or ``provider``."""
    if kind == "sme":
        return "sme"
    if kind == "organizer":
        return "organizer"
    return "provider"


#: The kinds on the offering side: every kind but SMEs (banks and other providers, government
#: programmes, associations, event organizers, the platform's own organization). Their members
#: are the ones offered "Publish a listing", and they see the needs SMEs post for providers
#: (:mod:`listings.visibility`).
PROVIDER_KINDS = tuple(kind for kind in KINDS if role_of_kind(kind) != "sme")


VERIFICATION_STATUSES = ("unverified", "pending", "verified", "rejected")
VERIFICATION_LABELS = {
    "unverified": _l("Unverified"),
    "pending": _l("Verification pending"),
    "verified": _l("Verified"),
    "rejected": _l("Verification rejected"),
}
MEMBER_ROLES = ("owner", "member")
MEMBER_ROLE_LABELS = {"owner": _l("Owner"), "member": _l("Member")}
