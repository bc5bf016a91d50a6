"""Forms for listings and needs. The category decides which fieldsets show (``data-categories``
attributes, read by app.js) and which fields are kept and required on the server."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from listings.categories import (
    ATTRIBUTE_FIELDS,
    CATEGORY_LABELS,
    DEFAULT_NEED_VISIBILITY,
    LISTING_FIELDS,
    NEED_FIELDS,
    NEED_VISIBILITIES,
    REQUIRED_LISTING_FIELDS,
    SIZE_CLASS_KEYS,
    SUBCATEGORY_LABELS,
    VISIBILITY_HELP,
    VISIBILITY_LABELS,
    AttributeField,
)
from marketplace.bounds import MAX_CNY
from marketplace.forms import (
    BoundedDecimalField,
    BoundedForm,
    CheckboxesField,
    RadioButtonsField,
    TagsField,
    WanField,
    WholeNumberField,
    cny_to_wan,
    options,
    wan_to_cny,
)
from marketplace.organizations.forms import industry_choices, parse_tags, region_choices
from marketplace.reference import size_class_name

# Attribute keys shared by several categories (venue, documents_required) are one form field.
ATTRIBUTES: dict[str, AttributeField] = {}
ATTRIBUTE_CATEGORIES: dict[str, list[str]] = {}
for _category, _specs in ATTRIBUTE_FIELDS.items():
    for _spec in _specs:
        ATTRIBUTES.setdefault(_spec.key, _spec)
        ATTRIBUTE_CATEGORIES.setdefault(_spec.key, []).append(_category)

COMMON_LISTING_FIELDS = ("regions", "industries", "size_classes", "tags")
ATTRIBUTE_INT_MAX = 1_000_000_000  # seats, visitors, days, m²
# Form fields shown in 万元 and stored in whole CNY.
WAN_FIELDS = {"amount_min_wan": "amount_min_cny", "amount_max_wan": "amount_max_cny", "amount_wan": "amount_cny",
              "budget_wan": "budget_cny"}


def subcategory_choices() -> list[Any]:
    """Subcategories grouped by category; ``data-category`` lets app.js narrow the list."""
    choices = options([("", "—")])
    for category, subs in SUBCATEGORY_LABELS.items():
        group = str(CATEGORY_LABELS[category])
        choices += [
            SelectChoice(key, label, render_kw={"data-category": category}, optgroup=group)
            for key, label in subs.items()
        ]
    return choices


def categories_of(form_field: str, kind: str) -> list[str]:
    """The categories whose form shows this field (empty: every category)."""
    table = LISTING_FIELDS if kind == "listing" else NEED_FIELDS
    column = WAN_FIELDS.get(form_field, form_field)
    if form_field.startswith("attr_"):
        return ATTRIBUTE_CATEGORIES[form_field[5:]]
    shown = [c for c, columns in table.items() if column in columns]
    if kind == "listing" and column not in COMMON_LISTING_FIELDS and not shown:
        return []
    return shown


class _PostingForm(BoundedForm):
    kind = "listing"
    version = HiddenField()
    category = SelectField(_l("Category"), validators=[DataRequired()])
    subcategory = SelectField(_l("Subcategory"), validators=[Optional()], validate_choice=False)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=10000)])
    tags = TagsField(_l("Tags"), validators=[Optional(), Length(max=1500)], description=_l("Separated by commas."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = options([("", "—")] + [(k, v) for k, v in CATEGORY_LABELS.items()])
        self.subcategory.choices = subcategory_choices()

    # Attributes live in one JSON object; each known key has its own form field (attr_<key>).

    def attribute_fields(self) -> list[Any]:
        return [getattr(self, f"attr_{key}") for key in ATTRIBUTES]

    def load(self, posting: Any) -> None:
        """Fill the form from a posting (on GET)."""
        for name in self._fields:
            if name.startswith("attr_"):
                value = (posting.attributes or {}).get(name[5:])
                spec = ATTRIBUTES[name[5:]]
                if spec.kind == "list" and isinstance(value, list):
                    value = ", ".join(value)
                self[name].data = value
            elif name in WAN_FIELDS:
                self[name].data = cny_to_wan(getattr(posting, WAN_FIELDS[name]))
            elif name == "tags":
                self.tags.process_data(posting.tags or [])
            elif name == "version":
                self.version.data = str(posting.version)
            elif hasattr(posting, name) and name != "csrf_token":
                self[name].data = getattr(posting, name)

    def values(self, keep: tuple[str, ...]) -> dict[str, Any]:
        """Posting fields for the service; fields of other categories are cleared."""
        category = self.category.data or ""
        data: dict[str, Any] = {
            "category": category,
            "subcategory": self.subcategory.data or None,
            "title": (self.title.data or "").strip(),
            "description": (self.description.data or "").strip(),
            "tags": parse_tags(self.tags.data),
        }
        for name, column in WAN_FIELDS.items():
            if name in self._fields:
                data[column] = wan_to_cny(self[name].data) if column in keep else None
        for name in self._fields:
            if name in data or name in WAN_FIELDS or name.startswith("attr_") or name in ("csrf_token", "version"):
                continue
            value = self[name].data
            data[name] = value if (name in keep or name in COMMON_LISTING_FIELDS) else None
        attributes: dict[str, Any] = {}
        for key, spec in ATTRIBUTES.items():
            field = self[f"attr_{key}"]
            if category not in ATTRIBUTE_CATEGORIES[key] or field.data in (None, "", []):
                continue
            attributes[key] = parse_tags(field.data) if spec.kind == "list" else field.data
        data["attributes"] = attributes
        return data

    def expected_version(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None


def _attribute_field(spec: AttributeField) -> Any:
    label = spec.label
    if spec.kind == "int":
        return WholeNumberField(label, validators=[Optional()], high=ATTRIBUTE_INT_MAX)
    if spec.kind == "choice":
        return SelectField(label, choices=options([("", "—")] + list((spec.choices or {}).items())), validators=[Optional()])
    if spec.kind == "choices":
        return CheckboxesField(label, choices=options(list((spec.choices or {}).items())), validators=[Optional()])
    if spec.kind == "list":
        return StringField(label, validators=[Optional(), Length(max=2000)], description=_l("Separated by commas."))
    return StringField(label, validators=[Optional(), Length(max=500)])


class ListingForm(_PostingForm):
    kind = "listing"
    regions = SelectMultipleField(
        _l("Regions served"), validators=[Optional()], validate_choice=False,
        description=_l("None selected: the whole province."),
    )
    industries = SelectMultipleField(
        _l("Eligible industries"), validators=[Optional()], validate_choice=False,
        description=_l("None selected: every industry. A section covers all its divisions."),
    )
    size_classes = CheckboxesField(_l("Eligible enterprise sizes"), validators=[Optional()])
    amount_min_wan = WanField(_l("Smallest amount (10,000 CNY)"), validators=[Optional()])
    amount_max_wan = WanField(_l("Largest amount (10,000 CNY)"), validators=[Optional()])
    term_months_max = WholeNumberField(_l("Longest term (months)"), validators=[Optional()], low=1, high=600)
    annual_rate_pct = BoundedDecimalField(_l("Annual rate from (%)"), validators=[Optional()], high=100, digits=4)
    collateral_required = SelectField(_l("Collateral"), validators=[Optional()])
    price_cny = WholeNumberField(_l("Price or fee (CNY)"), validators=[Optional()], high=MAX_CNY,
                                 description=_l("In CNY: per person for courses, per booth for fairs, per m² and month for space."))
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    deadline = DateField(_l("Deadline to apply or register"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        locale = str(get_locale() or "zh")
        self.regions.choices = options(region_choices()[1:])
        self.industries.choices = industry_choices()[1:]
        self.size_classes.choices = options([(k, size_class_name(k, locale)) for k in SIZE_CLASS_KEYS])
        self.collateral_required.choices = options(
            [("", _l("Not stated")), ("no", _l("No collateral needed")), ("yes", _l("Collateral required"))]
        )

    def load(self, posting: Any) -> None:
        super().load(posting)
        self.collateral_required.data = {True: "yes", False: "no"}.get(posting.collateral_required, "")
        if posting.annual_rate_pct is not None:
            self.annual_rate_pct.data = Decimal(str(posting.annual_rate_pct))

    def posting_data(self) -> dict[str, Any]:
        keep = LISTING_FIELDS.get(self.category.data or "", ())
        data = self.values(keep)
        data["collateral_required"] = (
            {"yes": True, "no": False}.get(self.collateral_required.data or "") if "collateral_required" in keep else None
        )
        rate = data.get("annual_rate_pct")
        data["annual_rate_pct"] = float(rate) if rate is not None else None
        return data

    def required_missing(self) -> dict[str, list[str]]:
        """Category rules the form enforces (imports and the API may leave these out)."""
        missing: dict[str, list[str]] = {}
        columns = {v: k for k, v in WAN_FIELDS.items()}
        for column in REQUIRED_LISTING_FIELDS.get(self.category.data or "", ()):
            name = columns.get(column, column)
            if self[name].data in (None, ""):
                missing[name] = [str(_l("This category needs this field."))]
        return missing


class NeedForm(_PostingForm):
    kind = "need"
    amount_wan = WanField(_l("Amount sought (10,000 CNY)"), validators=[Optional()])
    budget_wan = WanField(_l("Budget (10,000 CNY)"), validators=[Optional()])
    region = SelectField(_l("Region"), validators=[Optional()], validate_choice=False,
                         description=_l("Empty: the organization's region."))
    needed_by = DateField(_l("Needed by"), validators=[Optional()])
    visibility = RadioButtonsField(
        _l("Who can see this need"), choices=options([(key, VISIBILITY_LABELS[key]) for key in NEED_VISIBILITIES]),
        default=DEFAULT_NEED_VISIBILITY, explanations=VISIBILITY_HELP,
        invalid_choice_message=_l("Choose one of the options."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region.choices = options(region_choices())

    def posting_data(self) -> dict[str, Any]:
        keep = NEED_FIELDS.get(self.category.data or "", ()) + ("budget_cny", "region", "needed_by", "visibility")
        data = self.values(keep)
        data["region"] = data.get("region") or None
        if not self.visibility.raw_data:
            # Not sent (a browser always sends the checked one): a new need gets the default,
            # an edited one keeps its visibility.
            del data["visibility"]
        return data

    def required_missing(self) -> dict[str, list[str]]:
        missing = {}
        if (self.category.data in NEED_FIELDS) and self.amount_wan.data is None:
            missing["amount_wan"] = [str(_l("This category needs this field."))]
        return missing


for _key, _spec in ATTRIBUTES.items():
    setattr(_PostingForm, f"attr_{_key}", _attribute_field(_spec))
