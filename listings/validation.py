"""Validation of records in the public interchange format (``schemas/records.schema.json``).

Two layers, used by the importer, the API and (the second one) the forms:

1. the JSON Schema, per record type: types, required fields, patterns, enums. A compiled
   validator (fastjsonschema) accepts good records quickly; only a rejected record is run
   through ``jsonschema`` to name every problem;
2. domain rules the schema cannot say: known region and industry codes, the credit code's
   check character, amount and date ranges, category-specific attribute values.

Every problem is a :class:`FieldError` that names the field (``regions[1]``) and the rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jsonschema import Draft202012Validator, FormatChecker

from listings.categories import ATTRIBUTE_FIELDS
from marketplace.bounds import OutOfBounds, parse_date, text_problem
from marketplace.money import amount_text
from marketplace.reference import (
    InvalidCreditCode,
    is_industry,
    is_region,
    normalize_credit_code,
)
from matching.schema_refs import inline_refs

SCHEMA_PATH = Path(__file__).parent / "schemas" / "records.schema.json"
RECORD_TYPES = ("organization", "listing", "need")


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


@cache
def records_schema() -> dict[str, Any]:
    with SCHEMA_PATH.open(encoding="utf-8") as f:
        return json.load(f)  # type: ignore[no-any-return]



@cache
def type_schema(record_type: str) -> dict[str, Any]:
    """The self-contained JSON Schema of one record type (organization, listing or need)."""
    defs = records_schema()["$defs"]
    return inline_refs(defs[record_type], defs)  # type: ignore[no-any-return]


@cache
def _fast_validator(record_type: str) -> Callable[[Any], Any]:
    return fastjsonschema.compile(type_schema(record_type), formats={"date": _is_date})  # type: ignore[no-any-return]


@cache
def _detailed_validator(record_type: str) -> Draft202012Validator:
    return Draft202012Validator(type_schema(record_type), format_checker=FormatChecker())


def _is_date(value: str) -> bool:
    try:
        parse_date(value)
    except OutOfBounds:
        return False
    return True


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def schema_errors(record: Any, record_type: str | None = None) -> list[FieldError]:
    """Problems with a record against the JSON Schema (an empty list when it is valid).

    ``record_type`` defaults to the record's own ``type`` field.
    """
    if not isinstance(record, dict):
        return [FieldError("", "a record must be a JSON object")]
    record_type = record_type or record.get("type")
    if record_type not in RECORD_TYPES:
        return [FieldError("type", f"must be one of {', '.join(RECORD_TYPES)}")]
    try:
        _fast_validator(record_type)(record)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    errors = []
    for error in sorted(_detailed_validator(record_type).iter_errors(record), key=lambda e: list(e.absolute_path)):
        field = _path(error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1]
            field, message = (f"{field}.{missing}" if field else missing), "is required"
        elif error.validator == "additionalProperties":
            for name in re.findall(r"'([^']+)'", error.message.split("(", 1)[-1]):
                errors.append(FieldError(f"{field}.{name}" if field else name, "unknown field"))
            continue
        elif error.validator == "format":
            message = f"{_shown(error.instance)} is not a valid {error.validator_value} (YYYY-MM-DD)"
        else:
            message = _schema_message(error)
        errors.append(FieldError(field, message))
    return errors or [FieldError("", "does not match the records schema")]


def _shown(value: Any) -> str:
    """A value quoted in a message, cut short: messages never echo a whole (hostile) input."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


_TYPE_NAMES = {"string": _l("a text"), "integer": _l("a whole number"), "number": _l("a number"),
               "boolean": _l("true or false"), "array": _l("a list"), "object": _l("an object"), "null": "null"}


def _pattern_message(pattern: str) -> str:
    if pattern == "^[a-z][a-z0-9_]*$":
        return _("must be snake_case: lower-case letters, digits and _, starting with a letter")
    if pattern.startswith("^https?://"):
        return _("must be an http:// or https:// address")
    if pattern == "^[0-9]{6}$":
        return _("must be a six-digit GB/T 2260 region code")
    if pattern.startswith("^[A-T]"):
        return _("must be a GB/T 4754 section letter, optionally with a two-digit division (C39)")
    return _("is not in the expected form")


def _schema_message(error: Any) -> str:
    """A message for one JSON Schema error that names the limit and never repeats the value."""
    rule, limit = error.validator, error.validator_value
    if rule == "maxLength":
        return _("at most %(n)d characters (this has %(length)d)", n=limit, length=len(error.instance))
    if rule == "minLength":
        return _("must not be empty")
    if rule == "maxItems":
        return _("at most %(n)d items (this has %(count)d)", n=limit, count=len(error.instance))
    if rule == "maxProperties":
        return _("at most %(n)d fields (this has %(count)d)", n=limit, count=len(error.instance))
    if rule == "uniqueItems":
        return _("holds the same value more than once")
    if rule in ("maximum", "exclusiveMaximum"):
        return _("must be at most %(n)s", n=f"{limit:,}")
    if rule in ("minimum", "exclusiveMinimum"):
        return _("must be at least %(n)s", n=f"{limit:,}")
    if rule == "type":
        kinds = limit if isinstance(limit, list) else [limit]
        return _("must be %(kind)s", kind=" / ".join(str(_TYPE_NAMES.get(k, k)) for k in kinds))
    if rule in ("enum", "const"):
        values = limit if rule == "enum" else [limit]
        return _("must be one of %(values)s", values=", ".join(str(v) for v in values))
    if rule == "pattern":
        return _pattern_message(limit)
    if rule == "propertyNames":
        return _("the field name %(name)s is not allowed: snake_case, at most 40 characters", name=_shown(error.instance))
    if rule == "anyOf":
        return _("must be a text (at most 2,000 characters), a finite number, true/false, or a list of at most 50 of them")
    return error.message if len(error.message) <= 200 else error.message[:200] + "…"


def _codes(errors: list[FieldError], field: str, values: Any, known: Callable[[str], bool], what: str) -> None:
    for i, code in enumerate(values or ()):
        if not known(code):
            # gettext only on error: this runs for every imported record.
            message = _("unknown region code %(code)s", code=code) if what == "region" else _(
                "unknown industry code %(code)s", code=code
            )
            errors.append(FieldError(f"{field}[{i}]", message))


def _attribute_errors(category: str, attributes: Mapping[str, Any]) -> list[FieldError]:
    errors = []
    for spec in ATTRIBUTE_FIELDS.get(category, ()):
        if spec.key not in attributes:
            continue
        value, field = attributes[spec.key], f"attributes.{spec.key}"
        if spec.kind == "int" and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            errors.append(FieldError(field, _("must be a whole number ≥ 0")))
        elif spec.kind in ("list", "choices") and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            errors.append(FieldError(field, _("must be a list of strings")))
        elif spec.kind == "choice" and spec.choices and value not in spec.choices:
            errors.append(FieldError(field, _("must be one of %(values)s", values=", ".join(spec.choices))))
        if spec.kind == "choices" and spec.choices and isinstance(value, list):
            unknown = [v for v in value if v not in spec.choices]
            if unknown:
                errors.append(FieldError(field, _("unknown values %(values)s; allowed: %(allowed)s", values=", ".join(unknown), allowed=", ".join(spec.choices))))
    return errors


# Texts of each record type: (field, longest, multi-line, must show something). Lists of texts
# (tags) and the texts inside ``attributes`` are single lines.
TEXT_FIELDS: dict[str, tuple[tuple[str, int, bool, bool], ...]] = {
    "organization": (("name", 200, False, True), ("description", 5000, True, False), ("website", 300, False, False)),
    "listing": (("title", 200, False, True), ("description", 10000, True, True)),
    "need": (("title", 200, False, True), ("description", 10000, True, True)),
}


def text_errors(record_type: str, data: Mapping[str, Any]) -> list[FieldError]:
    """Control characters, line breaks in single-line texts, texts that show nothing, in every
    text of a record (tags and attribute texts included)."""
    errors: list[FieldError] = []
    for name, longest, multiline, required in TEXT_FIELDS[record_type]:
        value = data.get(name)
        if isinstance(value, str):
            problem = text_problem(value, max_length=longest, multiline=multiline, required=required)
            if problem:
                errors.append(FieldError(name, problem))
    for i, tag in enumerate(data.get("tags") or ()):
        problem = isinstance(tag, str) and text_problem(tag, max_length=50, required=True)
        if problem:
            errors.append(FieldError(f"tags[{i}]", problem))
    for key, value in (data.get("attributes") or {}).items():
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            problem = isinstance(item, str) and text_problem(item)
            if problem:
                errors.append(FieldError(f"attributes.{key}" + (f"[{i}]" if i is not None else ""), problem))
    return errors


def domain_errors(record_type: str, data: Mapping[str, Any]) -> list[FieldError]:
    """Rules beyond the schema, for a record (or form data) that already has the right types."""
    errors: list[FieldError] = text_errors(record_type, data)
    if record_type == "organization":
        if data.get("credit_code"):
            try:
                normalize_credit_code(data["credit_code"])
            except InvalidCreditCode as exc:
                errors.append(FieldError("credit_code", str(exc)))
        if data.get("region") and not is_region(data["region"]):
            errors.append(FieldError("region", _("unknown region code %(code)s", code=data["region"])))
        if data.get("industry") and not is_industry(data["industry"]):
            errors.append(FieldError("industry", _("unknown industry code %(code)s", code=data["industry"])))
        return errors
    if record_type == "listing":
        _codes(errors, "regions", data.get("regions"), is_region, "region")
        _codes(errors, "industries", data.get("industries"), is_industry, "industry")
        low, high = data.get("amount_min_cny"), data.get("amount_max_cny")
        if low is not None and high is not None and low > high:
            errors.append(FieldError("amount_max_cny", _("must not be below the minimum amount (%(low)s)",
                                                         low=amount_text(low, str(get_locale() or "zh")))))
        starts, ends, deadline = data.get("starts_on"), data.get("ends_on"), data.get("deadline")
        if starts and ends and str(starts) > str(ends):
            errors.append(FieldError("ends_on", _("must not be before the start date (%(start)s)", start=starts)))
        if deadline and ends and str(deadline) > str(ends):
            errors.append(FieldError("deadline", _("must not be after the end date (%(end)s)", end=ends)))
    if record_type == "need" and data.get("region") and not is_region(data["region"]):
        errors.append(FieldError("region", _("unknown region code %(code)s", code=data["region"])))
    errors += _attribute_errors(str(data.get("category", "")), data.get("attributes") or {})
    return errors


def record_errors(record: Any) -> list[FieldError]:
    """Every problem with one record: the schema first, then (if it passes) the domain rules."""
    errors = schema_errors(record)
    if errors:
        return errors
    return domain_errors(record["type"], record)
