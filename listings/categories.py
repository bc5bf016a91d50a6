"""The eight service categories, their subcategories, and the fields each category asks for.

The records schema (``schemas/records.schema.json``) names the categories and recommends the
subcategories; this module adds the labels and which structured columns and ``attributes`` a
category's form shows. Imports and the API accept any subcategory string (the schema only
recommends values); the forms offer these.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

CATEGORY_LABELS = {
    "financing": _l("Financing"),
    "technology": _l("Technology"),
    "training": _l("Training"),
    "exhibition": _l("Exhibitions and events"),
    "service": _l("Professional services"),
    "policy": _l("Policy support"),
    "procurement": _l("Procurement"),
    "space": _l("Space"),
}
CATEGORIES = tuple(CATEGORY_LABELS)

SUBCATEGORY_LABELS = {
    "financing": {
        "loan": _l("Bank loan"),
        "guarantee": _l("Guarantee"),
        "equity": _l("Equity investment"),
        "leasing": _l("Financial leasing"),
        "bond": _l("Bonds"),
        "supply_chain": _l("Supply-chain finance"),
        "insurance": _l("Credit insurance"),
        "listing_support": _l("IPO and listing support"),
    },
    "technology": {
        "tech_transfer": _l("Technology transfer"),
        "patent_license": _l("Patent licensing"),
        "rnd_cooperation": _l("R&D cooperation"),
        "testing": _l("Testing and inspection"),
        "industrial_design": _l("Industrial design"),
    },
    "training": {
        "management": _l("Management training"),
        "skills": _l("Skills training"),
        "entrepreneurship": _l("Entrepreneurship training"),
        "executive": _l("Executive programme"),
    },
    "exhibition": {
        "trade_fair": _l("Trade fair"),
        "roadshow": _l("Roadshow"),
        "matchmaking_event": _l("Matchmaking event"),
    },
    "service": {
        "consulting": _l("Consulting"),
        "legal": _l("Legal services"),
        "ip": _l("Intellectual property"),
        "it": _l("IT and digitalisation"),
        "tax_accounting": _l("Tax and accounting"),
        "hr": _l("Human resources"),
        "certification": _l("Certification"),
    },
    "policy": {
        "subsidy": _l("Subsidy"),
        "tax": _l("Tax incentive"),
        "fee_reduction": _l("Fee reduction"),
    },
    "procurement": {
        "government": _l("Government procurement"),
        "supply": _l("Large-enterprise supply"),
    },
    "space": {
        "incubator": _l("Incubator"),
        "factory": _l("Standard factory building"),
        "coworking": _l("Co-working space"),
    },
}

SIZE_CLASS_KEYS = ("micro", "small", "medium", "large")
STATUSES = ("draft", "published", "closed")
STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "closed": _l("Closed")}

# Who sees a need besides its organization and the platform admins (the rule: listings.visibility).
NEED_VISIBILITIES = ("public", "providers", "private")
DEFAULT_NEED_VISIBILITY = "providers"
VISIBILITY_LABELS = {
    "public": _l("Public"),
    "providers": _l("Providers only"),
    "private": _l("Private"),
}
VISIBILITY_HELP = {
    "public": _l("Everyone can see it, including visitors who are not logged in."),
    "providers": _l("Only logged-in members of service providers (banks, investors, service firms, government programmes…) can see it."),
    "private": _l("Used only to find offers for you: providers see it only after you contact them about it."),
}
VISIBILITY_BADGES = {
    "public": _l("Visible to everyone"),
    "providers": _l("Visible to providers"),
    "private": _l("Private: for matching only"),
}

DEVELOPMENT_STAGES = {
    "concept": _l("Concept"),
    "lab": _l("Laboratory"),
    "prototype": _l("Prototype"),
    "pilot": _l("Pilot production"),
    "mass_production": _l("Mass production"),
}
PARTNERSHIP_TYPES = {
    "licence": _l("Licence"),
    "transfer": _l("Outright transfer"),
    "joint_development": _l("Joint development"),
    "equity": _l("Equity cooperation"),
    "commissioned_rnd": _l("Commissioned R&D"),
}


REPAYMENT_METHODS = {
    "equal_instalments": _l("Equal monthly instalments"),
    "equal_principal": _l("Equal principal repayments"),
    "interest_first": _l("Interest monthly, principal at maturity"),
    "bullet": _l("Principal and interest at maturity"),
    "revolving": _l("Draw and repay at any time"),
}
GUARANTEE_TYPES = {
    "credit": _l("None (credit only)"),
    "guarantee_company": _l("A guarantee company"),
    "personal": _l("Personal guarantee of the owners"),
    "collateral": _l("Property or equipment as collateral"),
    "pledge": _l("Pledge of receivables, patents or equity"),
}

# What a price is per, by category (a subcategory may say otherwise); the texts carry the amount.
PRICE_UNITS: dict[str, object] = {
    "training": _l("%(amount)s CNY per person"),
    "exhibition": _l("%(amount)s CNY per booth"),
    "space": _l("%(amount)s CNY per m² per month"),
}
SUBCATEGORY_PRICE_UNITS: dict[tuple[str, str], object] = {
    ("space", "coworking"): _l("%(amount)s CNY per desk per month"),
    ("exhibition", "matchmaking_event"): _l("%(amount)s CNY per person"),
    ("exhibition", "roadshow"): _l("%(amount)s CNY per project"),
}


def price_text(amount: int, category: str | None, subcategory: str | None) -> str:
    """A price with its unit, in the reader's language: 28 元/㎡/月, 1,200 元/人, 800 元."""
    unit = SUBCATEGORY_PRICE_UNITS.get((category or "", subcategory or "")) or PRICE_UNITS.get(category or "")
    return str(unit or _l("%(amount)s CNY")) % {"amount": f"{amount:,}"}


def price_unit_hint() -> str:
    """What the price field means, for the form."""
    return str(_l("In CNY: per person for courses, per booth for fairs, per m² and month for space."))


@dataclass(frozen=True)
class AttributeField:
    """A category-specific field kept in a posting's ``attributes`` object."""

    key: str
    label: object
    kind: str = "text"  # text | int | list | choice | choices
    choices: dict[str, object] | None = None


ATTRIBUTE_FIELDS: dict[str, tuple[AttributeField, ...]] = {
    "financing": (
        AttributeField("repayment_methods", _l("Repayment methods"), "choices", REPAYMENT_METHODS),
        AttributeField("guarantee_types", _l("Security accepted"), "choices", GUARANTEE_TYPES),
        AttributeField("processing_days", _l("Typical processing time (working days)"), "int"),
        AttributeField("fees", _l("Fees")),
        AttributeField("documents_required", _l("Documents required"), "list"),
    ),
    "technology": (
        AttributeField("patent_numbers", _l("Patent numbers"), "list"),
        AttributeField("development_stage", _l("Development stage"), "choice", DEVELOPMENT_STAGES),
        AttributeField("partnership_types", _l("Partnership types"), "choices", PARTNERSHIP_TYPES),
    ),
    "training": (
        AttributeField("schedule", _l("Schedule")),
        AttributeField("seats", _l("Seats"), "int"),
        AttributeField("venue", _l("Venue")),
    ),
    "exhibition": (
        AttributeField("venue", _l("Venue")),
        AttributeField("booth_size", _l("Booth size")),
        AttributeField("expected_visitors", _l("Expected visitors"), "int"),
    ),
    "service": (AttributeField("delivery_days", _l("Delivery time (days)"), "int"),),
    "policy": (
        AttributeField("issuing_authority", _l("Issuing authority")),
        AttributeField("documents_required", _l("Documents required"), "list"),
    ),
    "procurement": (AttributeField("purchaser", _l("Purchaser")),),
    "space": (
        AttributeField("address", _l("Address")),
        AttributeField("area_sqm", _l("Area (m²)"), "int"),
    ),
}

# Structured listing columns each category's form shows (the rest stay hidden and empty).
LISTING_FIELDS: dict[str, tuple[str, ...]] = {
    "financing": ("amount_min_cny", "amount_max_cny", "term_months_max", "annual_rate_pct", "collateral_required"),
    "technology": ("price_cny",),
    "training": ("starts_on", "ends_on", "deadline", "price_cny"),
    "exhibition": ("starts_on", "ends_on", "deadline", "price_cny"),
    "service": ("price_cny",),
    "policy": ("amount_min_cny", "amount_max_cny", "deadline"),
    "procurement": ("amount_min_cny", "amount_max_cny", "deadline"),
    "space": ("price_cny", "starts_on"),
}
# Fields the form requires for a category (imports and the API accept them absent).
REQUIRED_LISTING_FIELDS: dict[str, tuple[str, ...]] = {
    "financing": ("amount_max_cny",),
    "training": ("starts_on", "price_cny"),
    "exhibition": ("starts_on", "ends_on", "deadline"),
}
NEED_FIELDS: dict[str, tuple[str, ...]] = {
    "financing": ("amount_cny",),
    "policy": ("amount_cny",),
    "procurement": ("amount_cny",),
}


def category_label(key: str | None) -> str:
    return str(CATEGORY_LABELS.get(key or "", key or ""))


def subcategory_label(category: str | None, key: str | None) -> str:
    if not key:
        return ""
    return str(SUBCATEGORY_LABELS.get(category or "", {}).get(key, key))
