"""Organization forms. Reference-code and uniqueness rules live in ``services``."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from marketplace.forms import (
    BoundedForm,
    TagsField,
    WanField,
    WholeNumberField,
    cny_to_wan,
    options,
    wan_to_cny,
)
from marketplace.organizations.kinds import KIND_LABELS, MEMBER_ROLE_LABELS, SIGNUP_KINDS
from marketplace.reference import REGIONS, SECTIONS, SIZE_GROUPS, divisions_of

EMPLOYEES_MAX = 10_000_000


def _locale() -> str:
    return str(get_locale() or "zh")


def region_choices() -> list[tuple[str, str]]:
    locale = _locale()
    return [("", "—")] + [(code, region.name(locale)) for code, region in REGIONS.items()]


def industry_choices() -> list[SelectChoice]:
    """Optgroups per GB/T 4754 section: the section itself, then its divisions."""
    locale = _locale()
    choices = [SelectChoice("", "—")]
    for section in SECTIONS:
        group = section.label(locale)
        pairs = [(section.code, group)] + [(d.code, d.label(locale)) for d in divisions_of(section.code)]
        choices += options(pairs, optgroup=group)
    return choices


def size_group_choices() -> list[SelectChoice]:
    locale = _locale()
    return options(
        [("", _l("Decided by the industry"))]
        + [(key, group.name(locale)) for key, group in SIZE_GROUPS.items()]
    )


def parse_tags(raw: str | list[str] | None) -> list[str]:
    """Comma- (or 、，-) separated tags, trimmed, without duplicates (a list is read as its items)."""
    text = ",".join(raw) if isinstance(raw, list) else (raw or "")
    text = text.replace("，", ",").replace("、", ",")
    tags: list[str] = []
    for tag in (t.strip() for t in text.split(",")):
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _check_tags(form: FlaskForm, field: Any) -> None:
    tags = parse_tags(field.data)
    if len(tags) > 30:
        raise ValidationError(_l("At most 30 tags."))
    if any(len(t) > 50 for t in tags):
        raise ValidationError(_l("A tag has at most 50 characters."))


class ProfileForm(BoundedForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    credit_code = StringField(
        _l("Unified social credit code"),
        validators=[Optional(), Length(max=30)],
        description=_l("18 characters, as on the business licence."),
    )
    # Codes are checked by the service, whose messages name the unknown code.
    region = SelectField(_l("Region"), validators=[Optional()], validate_choice=False)
    industry = SelectField(
        _l("Industry (GB/T 4754-2017)"), validators=[Optional()], validate_choice=False
    )
    size_group = SelectField(
        _l("Size-standard group"),
        validators=[Optional()],
        validate_choice=False,
        description=_l("Only needed where the industry spans several groups, e.g. real estate (K70)."),
    )
    employees = WholeNumberField(_l("Employees"), validators=[Optional()], high=EMPLOYEES_MAX)
    annual_revenue_wan = WanField(_l("Annual operating revenue (10,000 CNY)"), validators=[Optional()])
    total_assets_wan = WanField(_l("Total assets (10,000 CNY)"), validators=[Optional()])
    tax_credit_level = SelectField(
        _l("Tax credit level (纳税信用等级)"), validators=[Optional()], validate_choice=False,
        choices=lambda: options([("", "—"), *[(level, level) for level in ("A", "B", "M", "C", "D")]]),
        description=_l("Shown to no one but your members, unless you share it with a bank or guarantor."),
    )
    founded_year = WholeNumberField(_l("Year founded"), validators=[Optional()], low=1900, high=2100)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    tags = TagsField(_l("Tags"), validators=[Optional(), _check_tags], description=_l("Separated by commas."))
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Email(), Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region.choices = options(region_choices())
        self.industry.choices = industry_choices()
        self.size_group.choices = size_group_choices()

    @classmethod
    def for_organization(cls, organization: Any, **kwargs: Any) -> ProfileForm:
        form = cls(obj=organization, **kwargs)
        if not form.is_submitted():
            form.annual_revenue_wan.data = cny_to_wan(organization.annual_revenue_cny)
            form.total_assets_wan.data = cny_to_wan(organization.total_assets_cny)
        return form

    def profile_data(self) -> dict[str, Any]:
        """The cleaned values, named as the Organization's columns."""
        return {
            "name": (self.name.data or "").strip(),
            "credit_code": (self.credit_code.data or "").strip().upper() or None,
            "region": self.region.data or None,
            "industry": self.industry.data or None,
            "size_group": self.size_group.data or None,
            "employees": self.employees.data,
            "annual_revenue_cny": wan_to_cny(self.annual_revenue_wan.data),
            "total_assets_cny": wan_to_cny(self.total_assets_wan.data),
            "tax_credit_level": self.tax_credit_level.data or None,
            "founded_year": self.founded_year.data,
            "description": (self.description.data or "").strip(),
            "tags": parse_tags(self.tags.data),
            "website": (self.website.data or "").strip() or None,
            "contact_email": (self.contact_email.data or "").strip().lower() or None,
            "contact_phone": (self.contact_phone.data or "").strip() or None,
        }


class NewOrganizationForm(BoundedForm):
    name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        _l("Organization kind"), choices=options([(k, KIND_LABELS[k]) for k in SIGNUP_KINDS])
    )


class InviteForm(BoundedForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=options(list(MEMBER_ROLE_LABELS.items())))


class RoleForm(BoundedForm):
    role = SelectField(_l("Role"), choices=options(list(MEMBER_ROLE_LABELS.items())))


class ConfirmForm(BoundedForm):
    """A POST button with nothing but its CSRF token."""


