"""Bounded parsing of every value that enters the platform: numbers, texts and JSON.

Forms, the JSON API, query strings, URL ids and import files all go through these functions, so
that one rule decides what a whole number, an amount, a single-line text or a JSON body may be:

- a number is checked *as text* (digits, no exponent) before any arithmetic, so that a hostile
  value such as ``1e999990`` costs microseconds instead of a worker's minute;
- integers fit a 64-bit column, amounts a stated range, floats are finite;
- texts have no control characters (single-line texts no line breaks either), no unpaired
  surrogates, and a visible character where one is required;
- a JSON document has a bounded depth and size, and only finite numbers.

Errors are :class:`OutOfBounds` (a ``ValueError``) with a message for people; callers name the
field. Nothing here imports Flask; messages are translated with flask-babel's ``gettext`` at the
moment an error is raised (the error path only).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1
#: The largest row id: primary keys are INTEGER columns (32 bits on PostgreSQL).
MAX_ID = INT32_MAX
#: The largest amount of money (whole CNY) anything on the platform may hold: 1,000 万亿元, above
#: the total assets of the largest bank, far below what a 64-bit column holds.
MAX_CNY = 10**15
#: The largest number in a free-form JSON value (a listing's ``attributes``).
MAX_JSON_NUMBER = 10**15
#: JSON bodies: nesting and size beyond any real record (the schema then narrows each field).
MAX_JSON_DEPTH = 16
MAX_JSON_ITEMS = 1000  # members of one object or items of one array

# C0 controls except tab, LF and CR; DEL; C1 controls; unpaired surrogates (JSON "\ud800").
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# What a single-line text may not hold on top: line and paragraph breaks, tabs, and the bidi
# overrides that make a name read differently from what it is.
_LINE_OR_BIDI = re.compile("[\t\n\r\x85\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
# Letters that render as nothing (fillers, blank braille) and are used to fake an empty name.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,19}")
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]{1,18}(?:\.[0-9]*)?|\.[0-9]+)")


class OutOfBounds(ValueError):
    """A value outside what the platform accepts; ``str()`` is the message for people."""


# --- texts ----------------------------------------------------------------------------------


def control_character(text: str) -> str | None:
    """The first control character (or unpaired surrogate) in ``text`` as ``U+XXXX``, else None.

    Tab, line feed and carriage return are not counted here (multi-line texts keep them).
    """
    found = _CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def is_visible(text: str) -> bool:
    """Whether ``text`` holds at least one character that shows (not only spaces, zero-width
    characters, fillers or combining marks)."""
    return any(
        unicodedata.category(c) not in _INVISIBLE_CATEGORIES and c not in _INVISIBLE_LETTERS for c in text
    )


def text_problem(
    text: str, *, max_length: int | None = None, multiline: bool = False, required: bool = False
) -> str | None:
    """What is wrong with a text for a field, as a message, or None when it is acceptable.

    Args:
        max_length: the longest text allowed (in characters), if any.
        multiline: line breaks and tabs are allowed (descriptions, messages).
        required: the text must hold a visible character.
    """
    code = control_character(text)
    if code:
        return _("contains a control character (%(code)s)", code=code)
    if not multiline:
        found = _LINE_OR_BIDI.search(text)
        if found:
            return _("must be a single line without line breaks, tabs or direction marks (%(code)s)",
                     code=f"U+{ord(found.group()):04X}")
    if max_length is not None and len(text) > max_length:
        return _("at most %(n)d characters (this has %(length)d)", n=max_length, length=len(text))
    if required and not is_visible(text):
        return _("must contain visible characters")
    return None


def check_text(text: str, **rules: Any) -> str:
    """``text`` if :func:`text_problem` finds nothing; raises OutOfBounds otherwise."""
    problem = text_problem(text, **rules)
    if problem:
        raise OutOfBounds(problem)
    return text


def one_line(text: str) -> str:
    """``text`` with every run of control characters and line breaks replaced by one space:
    for values that must fit a single line where refusing is no option (e-mail headers, logs)."""
    cleaned = _LINE_OR_BIDI.sub(" ", _CONTROL.sub(" ", text))
    return re.sub(r"\s{2,}", " ", cleaned).strip()


# --- numbers given as text (forms, query strings, URL parts) ---------------------------------


def _ascii_number(text: str) -> str:
    # Full-width digits and signs (typed with a Chinese input method) count as ASCII ones.
    return unicodedata.normalize("NFKC", text).strip()


def _number(value: Decimal | int) -> str:
    """A limit as people read it: thousands separated from 10,000 up (but 1900 stays a year)."""
    return f"{value:,}" if abs(value) >= 10_000 else str(value)


def parse_int(text: str, *, low: int = 0, high: int = INT64_MAX) -> int:
    """A whole number written in decimal digits, within ``low``..``high``.

    Raises OutOfBounds for anything else (no exponent, no fraction, at most 19 digits).
    """
    value = _ascii_number(text)
    if not _INTEGER_TEXT.fullmatch(value):
        raise OutOfBounds(_("must be a whole number"))
    number = int(value)
    if not low <= number <= high:
        raise OutOfBounds(_("must be between %(low)s and %(high)s", low=_number(low), high=_number(high)))
    return number


def parse_decimal(text: str, *, low: Decimal | int = 0, high: Decimal | int, places: int = 6) -> Decimal:
    """A decimal number in plain notation (``12.5``, not ``1.25e1``), within ``low``..``high``,
    with at most ``places`` digits after the point.

    The text is checked before it becomes a Decimal, so no value can cost more than a few
    microseconds. Raises OutOfBounds otherwise.
    """
    value = _ascii_number(text)
    if not _DECIMAL_TEXT.fullmatch(value):
        raise OutOfBounds(_("must be a number such as 12.5"))
    if "." in value and len(value.split(".", 1)[1]) > places:
        raise OutOfBounds(_("at most %(n)d digits after the decimal point", n=places))
    try:
        number = Decimal(value)
    except InvalidOperation as exc:  # unreachable after the pattern; kept as a guard
        raise OutOfBounds(_("must be a number such as 12.5")) from exc
    if not Decimal(low) <= number <= Decimal(high):
        raise OutOfBounds(_("must be between %(low)s and %(high)s", low=_number(low), high=_number(high)))
    return number


_DAY_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> date:
    """A calendar day written YYYY-MM-DD (RFC 3339's full-date), and only that: Python's
    ``date.fromisoformat`` also reads 20260101 and the week date 2026-W01-1. Raises OutOfBounds."""
    text = str(text).strip()
    if not _DAY_TEXT.fullmatch(text):
        raise OutOfBounds(_("must be a date written YYYY-MM-DD"))
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise OutOfBounds(_("must be a date written YYYY-MM-DD")) from exc


def record_id(text: str) -> int:
    """The id of a row, from a form or query string: 1..MAX_ID. Raises OutOfBounds (a
    ValueError, so werkzeug's ``request.form.get(name, type=record_id)`` gives its default)."""
    return parse_int(text, low=1, high=MAX_ID)


def json_record_id(value: Any) -> int | None:
    """The id of a row given in a JSON body: an integer (not a boolean) within 1..MAX_ID, else None."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID:
        return value
    return None


def page_number(text: str) -> int:
    """A page of results, from a query string: 1..10,000; raises OutOfBounds."""
    return parse_int(text, low=1, high=10_000)


def record_ids(values: Any) -> list[int]:
    """Several ids (a form's multi-select), each as :func:`record_id`; raises OutOfBounds."""
    return [record_id(str(value)) for value in values]


# --- numbers already parsed (JSON) -----------------------------------------------------------


def number_problem(value: Any, *, low: float = -MAX_JSON_NUMBER, high: float = MAX_JSON_NUMBER) -> str | None:
    """What is wrong with a JSON number (non-finite, or outside ``low``..``high``), or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return _("must be a finite number")
    if not low <= value <= high:
        return _("must be between %(low)s and %(high)s", low=_number(low), high=_number(high))
    return None


# --- JSON documents --------------------------------------------------------------------------


class _LongNumber(str):
    """A JSON number literal too long to be converted (kept as text and reported by the walk)."""


def _parse_int(literal: str) -> int | _LongNumber:
    return int(literal) if len(literal) <= 20 else _LongNumber(literal)


def _parse_float(literal: str) -> float | int | _LongNumber:
    if len(literal) > 40:
        return _LongNumber(literal)
    number = float(literal)
    # 11.0 is the integer 11 in JSON (and in JSON Schema): keep integers integers.
    if number.is_integer() and abs(number) <= 2**53:
        return int(number)
    return number


def _no_constant(name: str) -> Any:
    raise ValueError(_("%(name)s is not allowed in JSON", name=name))


def _member_path(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def json_problems(document: Any, *, max_depth: int = MAX_JSON_DEPTH, max_items: int = MAX_JSON_ITEMS) -> dict[str, str]:
    """Every value of a parsed JSON document that the platform refuses, by path (``a.b[2]``):
    nesting deeper than ``max_depth``, objects or arrays with more than ``max_items`` members,
    numbers that are not finite or do not fit 64 bits, texts (and keys) with control characters.

    Iterative, so a document nested as deeply as the parser allows cannot exhaust the stack.
    """
    problems: dict[str, str] = {}
    stack: list[tuple[str, Any, int]] = [("", document, 0)]
    while stack and len(problems) < 20:
        path, value, depth = stack.pop()
        where = path or "(body)"
        if isinstance(value, _LongNumber):
            problems[where] = _("the number is too long")
        elif isinstance(value, str):
            code = control_character(value)
            if code:
                problems[where] = _("contains a control character (%(code)s)", code=code)
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int | float):
            if isinstance(value, float) and not math.isfinite(value):
                problems[where] = _("must be a finite number")
            elif not -INT64_MAX - 1 <= value <= INT64_MAX:
                problems[where] = _("the number is too large")
        elif isinstance(value, dict | list):
            if depth >= max_depth:
                problems[where] = _("nested more than %(n)d levels deep", n=max_depth)
                continue
            if len(value) > max_items:
                problems[where] = _("more than %(n)d members", n=max_items)
                continue
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and control_character(key):
                    problems[_member_path(path, repr(key)[1:-1])] = _("the name contains a control character")
                    continue
                stack.append((_member_path(path, key), item, depth + 1))
    return problems


class MalformedJson(ValueError):
    """Text that is not a JSON document (or nests deeper than the parser can follow)."""


def loads(text: str | bytes) -> Any:
    """Parse JSON without NaN/Infinity constants, with integral floats as integers and overlong
    number literals kept for :func:`json_problems` to report. Raises MalformedJson."""
    try:
        return json.loads(text, parse_constant=_no_constant, parse_int=_parse_int, parse_float=_parse_float)
    except RecursionError as exc:
        raise MalformedJson(_("nested too deeply")) from exc
    except ValueError as exc:  # JSONDecodeError, bad UTF-8, a constant
        raise MalformedJson(str(exc)) from exc


_LONG_DIGITS = re.compile(r"[0-9]{20}")


def _too_wide(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool) and not -INT64_MAX - 1 <= item <= INT64_MAX:
            return True
    return False


def dumps_strict(value: Any) -> str:
    """JSON for a database column. Raises ValueError for what a strict reader would refuse or
    misread (NaN, Infinity, integers beyond 64 bits), so such a value can never be stored.

    The C encoder refuses non-finite floats; the walk for wide integers runs only when the text
    holds a run of 20 digits (rare), so ordinary writes cost no more than ``json.dumps``.
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    if _LONG_DIGITS.search(text) and _too_wide(value):
        raise ValueError("refusing to store JSON with an integer beyond 64 bits")
    return text
