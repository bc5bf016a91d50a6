"""What every form of the site shares: bounded fields and text rules, error helpers, options.

Every form derives from :class:`BoundedForm`. Its text fields refuse control characters (and,
unless multi-line, line breaks and tabs) whatever validators a form lists, and its number fields
read digits through :mod:`marketplace.bounds` before any arithmetic: an amount in 万元 typed as
``1e999990`` is refused in microseconds instead of costing a worker half a minute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.bounds import (
    INT32_MAX,
    MAX_CNY,
    OutOfBounds,
    parse_decimal,
    parse_int,
    text_problem,
)
from marketplace.money import (
    WAN,  # 1 万元 = 10,000 CNY: forms ask in 万元, the database keeps whole CNY
)

MAX_WAN = MAX_CNY // WAN


class WholeNumberField(IntegerField):
    """A whole number typed in digits (full-width digits too), within ``low``..``high``.

    No exponent, no fraction, no value beyond its column: the text is checked before it becomes
    an int.
    """

    def __init__(self, label: Any = None, validators: Any = None, *, low: int = 0, high: int = INT32_MAX,
                 **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.low, self.high = low, high

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = parse_int(str(valuelist[0]), low=self.low, high=self.high)
        except OutOfBounds as exc:
            self.data = None
            raise ValueError(str(exc)) from exc


class BoundedDecimalField(DecimalField):
    """A decimal number in plain notation (``12.5``), within ``low``..``high``, with at most
    ``digits`` places after the point; checked as text before it becomes a Decimal."""

    def __init__(self, label: Any = None, validators: Any = None, *, low: Decimal | int = 0,
                 high: Decimal | int, digits: int = 4, **kwargs: Any) -> None:
        super().__init__(label, validators, places=None, **kwargs)
        self.low, self.high, self.digits = low, high, digits

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = parse_decimal(str(valuelist[0]), low=self.low, high=self.high, places=self.digits)
        except OutOfBounds as exc:
            self.data = None
            raise ValueError(str(exc)) from exc


class WanField(BoundedDecimalField):
    """An amount in 万元 (up to four decimal places: whole yuan), at most MAX_WAN."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, low=0, high=MAX_WAN, digits=4, **kwargs)


class TagsField(StringField):
    """Keywords typed as one text, separated by commas (，or 、 too). Filled from an object, it
    shows the object's list as that text, also when a submitted form leaves the field out."""

    def process_data(self, value: Any) -> None:
        self.data = ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else value


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RadioButtonsField(RadioField):
    """A single choice shown as radio buttons, each with an optional line of explanation
    (``explanations``: value -> text) under its label."""

    def __init__(self, label: Any = None, validators: Any = None, *, explanations: Mapping[str, Any] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.explanations = dict(explanations or {})


def wan_to_cny(value: Decimal | None) -> int | None:
    """万元 from a WanField as whole CNY (bounded, so the product is small)."""
    return None if value is None else int((value * WAN).to_integral_value())


def cny_to_wan(value: int | None) -> Decimal | None:
    """Whole CNY as 万元 without trailing zeros or exponent (46000000 → 4600, 125000 → 12.5)."""
    if value is None:
        return None
    wan = Decimal(value) / WAN
    return wan.quantize(Decimal(1)) if wan == wan.to_integral_value() else wan.normalize()


def _text_rule(form: Any, field: Field) -> None:
    if isinstance(field.data, str):
        problem = text_problem(field.data, multiline=isinstance(field, TextAreaField))
        if problem:
            raise ValidationError(problem)


class BoundedForm(FlaskForm):
    """The base of every form: texts without control characters (single-line ones without line
    breaks or tabs either), on top of each form's own validators."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField):
                field.validators = [*field.validators, _text_rule]
            return field


def attach_errors(form: FlaskForm, fields: Mapping[str, Sequence[Any]]) -> None:
    """Show a service's field errors next to the form's fields (unknown names go to the form)."""
    for name, messages in fields.items():
        field = getattr(form, name, None)
        target = field.errors if field is not None else form.form_errors
        if isinstance(target, tuple):  # WTForms keeps an empty tuple until validation ran
            target = list(target)
            if field is not None:
                field.errors = target
        target.extend(str(m) for m in messages)


def options(pairs: Sequence[tuple[str, Any]], optgroup: str | None = None) -> list[SelectChoice]:
    """``(value, label)`` pairs as WTForms select choices."""
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]
