"""Hostile input for the fuzz suites (this module holds no tests).

Bodies are Python values that may contain placeholders for things ``json.dumps`` cannot or
should not write: raw JSON text (``1e400``, ``"\\ud800"``, 100,000 nested brackets), and big
values whose repr stays short (a 1,000,000-character string is shown as ``Long('x', 1000000)``
in Hypothesis' falsifying examples). :func:`json_text` writes the request body text itself.

Checks: :func:`strict_json` parses an answer the way a strict client does (no NaN or Infinity,
UTF-8, no lone surrogates); :func:`error_of` checks the API's documented error shape.
"""

from __future__ import annotations

import json
import logging
import os
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

API = "/api/v1"
CI = os.environ.get("CI", "").lower() == "true"


def fuzz_settings(max_examples: int) -> settings:
    """Bounded settings for CI. With CI=true the run is derandomized (the same examples on
    every run, so a red build can be replayed exactly); locally each run explores new inputs and
    replays the failures it saved (.hypothesis/, which ignores itself in git)."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=CI,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


# --- placeholders with short reprs ------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """JSON text written into the body as it is."""

    text: str
    label: str = ""

    def __repr__(self) -> str:
        return f"Raw({self.label or self.text!r})"


@dataclass(frozen=True)
class Long:
    """A string of ``n`` times ``unit``."""

    unit: str
    n: int

    def __repr__(self) -> str:
        return f"Long({self.unit!r}, {self.n})"


@dataclass(frozen=True)
class Many:
    """A list of ``n`` times ``item``."""

    item: Any
    n: int

    def __repr__(self) -> str:
        return f"Many({self.item!r}, {self.n})"


@dataclass(frozen=True)
class Keys:
    """An object with ``n`` keys k0..k{n-1}, each holding ``value``."""

    n: int
    value: Any = 1

    def __repr__(self) -> str:
        return f"Keys({self.n}, {self.value!r})"


def deep(kind: str, depth: int) -> Raw:
    """``depth`` nested arrays (``[[[...]]]``) or objects (``{"a":{"a":...}}``) as raw text."""
    if kind == "[":
        return Raw("[" * depth + "]" * depth, f"[ * {depth}")
    return Raw('{"a":' * depth + "1" + "}" * depth, f"{{ * {depth}")


def json_text(value: Any) -> str:
    """The JSON text of ``value``; placeholders are expanded, strings are \\u-escaped (so a lone
    surrogate in a generated string is written as ``\\ud800``, as a hostile client would)."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def _write(value: Any, out: list[str]) -> None:
    if isinstance(value, Raw):
        out.append(value.text)
    elif isinstance(value, Long):
        out.append(json.dumps(value.unit * value.n))
    elif isinstance(value, Many):
        item: list[str] = []
        _write(value.item, item)
        out.append("[" + ",".join(["".join(item)] * value.n) + "]")
    elif isinstance(value, Keys):
        item = []
        _write(value.value, item)
        out.append("{" + ",".join(f'"k{i}":{"".join(item)}' for i in range(value.n)) + "}")
    elif isinstance(value, dict):
        out.append("{")
        for i, (key, item_value) in enumerate(value.items()):
            if i:
                out.append(",")
            _write(key, out)
            out.append(":")
            _write(item_value, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item_value in enumerate(value):
            if i:
                out.append(",")
            _write(item_value, out)
        out.append("]")
    elif isinstance(value, float):
        out.append(repr(value))  # 11.0 stays 11.0; non-finite floats are written through Raw
    else:
        out.append(json.dumps(value))


def body_bytes(value: Any) -> bytes:
    # surrogatepass: a Raw text may hold a raw surrogate on purpose (invalid UTF-8 on the wire).
    return json_text(value).encode("utf-8", "surrogatepass")


# --- the catalogue ----------------------------------------------------------------------------

HUGE_INTEGERS = [
    2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, -(2**64), -1, 10**30,
    int("9" * 400),
]
RAW_NUMBERS = [
    Raw("1e400"), Raw("-1e400"), Raw("1e999990"), Raw("1E+309"), Raw("-0"), Raw("-0.0"),
    Raw("1e-400"), Raw("11.0"), Raw("1.0e1"), Raw("3.0"), Raw("0.1"), Raw("1.5"), Raw("1e2"),
    Raw("NaN"), Raw("Infinity"), Raw("-Infinity"), Raw("9" * 400 + ".0", "400 nines .0"),
    Raw("1" + "0" * 5000, "5001-digit integer"), Raw("-" + "9" * 400, "-400 nines"),
]
FLOATS = [11.0, 0.5, 1e300, -0.0, 2.0**63, 1.7976931348623157e308]
LONG_STRINGS = [Long("x", 10_000), Long("贷", 10_000), Long("x", 1_000_000), Long("<b>", 5_000)]
CONTROL_STRINGS = [
    "\x00", "a\x00b", "\r\n", "行一\n行二", "\t", "\x1b[31mred", "\x7f", "\x85", "\x9b", "\x1f",
    "\u2028", "\u2029", "\ufeff", "\u200b", "\u200b\u200b", "\u200e\u202eevil", "\ufffe",
    " ", "   ", "\u3000", "\u00a0", "", "\n", "\x08\x0c",
]
LONE_SURROGATES = [Raw('"\\ud800"'), Raw('"x\\udfffy"'), Raw('"\\udc00\\ud800"'), Raw('"\\ud83d"')]
MARKUP = [
    "javascript:alert(1)", "JaVaScRiPt:alert(document.domain)", " javascript:alert(1)",
    "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{7*7}}", "%s%n%x",
    "../../etc/passwd", "' OR 1=1 --", "http://", "https://evil.example/\u202e",
]
EDGE_STRINGS = [
    "0001-01-01", "9999-12-31", "2026-02-29", "2026-13-01", "20260101", "2026-W01-1",
    "２０２６-０１-０１", "441900", "440000", "４４１９００", "441900\n", "000000", "C39", "Z99",
    "1", "１", "true", "null", "NaN", "1e400",
]
CONTAINERS = [
    deep("[", 50), deep("[", 2000), deep("[", 100_000), deep("{", 50), deep("{", 2000),
    deep("{", 100_000), Many("441900", 10_000), Many(1, 10_000), Many("x", 10_000),
    Keys(10_000), Keys(10_000, "v"), [], {}, [None], [[[[["x"]]]]], {"a": {"b": {"c": None}}},
]
WRONG_TYPES = [None, True, False, 0, 1, "", "1", [], {}, [1, "a"], {"a": 1}]

# One value of each kind, for a deterministic sweep of every field (Hypothesis samples the rest);
# big values only where the field's documented type could hold them, and deep nesting once.
SWEEP = [
    None, [], {}, "", "\u3000\u200b", "a\x00b", Raw('"\\ud800"'), Raw("1e400"), Raw("11.0"), 2**63, -1,
    int("9" * 400), "javascript:alert(1)", "0001-01-01",
]
SWEEP_BY_TYPE = {
    "string": [Long("x", 10_000)],
    "array": [Many("441900", 10_000), [deep("[", 50)], ["\ud800"]],
    "object": [Keys(10_000), {"venue": deep("[", 50)}, {"venue": Raw("1e400")}, {"venue": ["\ud800"]}],
    # date.fromisoformat() also reads these, as other days: a date field must refuse them.
    "format:date": ["2026-W01-1", "20260101", "2026-02-30"],
}
SWEEP_ONCE = [deep("[", 2000), deep("{", 100_000)]

CATALOGUE = (
    HUGE_INTEGERS + RAW_NUMBERS + FLOATS + LONG_STRINGS + CONTROL_STRINGS + LONE_SURROGATES
    + MARKUP + EDGE_STRINGS + CONTAINERS + WRONG_TYPES
)

# Characters that a bounded text parser must refuse or handle: controls (C0, C1), format
# characters (zero-width, bidi overrides), surrogates, separators, private use.
_NASTY_CHARACTERS = st.characters(codec=None, categories=["Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Co"])
generated_strings = st.one_of(
    st.text(_NASTY_CHARACTERS, max_size=12),
    st.text(max_size=40),
    st.builds(lambda a, b: a + b, st.sampled_from(["贷款", "441900", "javascript:", ""]), st.text(_NASTY_CHARACTERS, max_size=4)),
)
generated_numbers = st.one_of(
    st.integers(),
    st.integers(min_value=2**31 - 3, max_value=2**64 + 3),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["1e", "-1e", "9e", "1.5e"]).flatmap(
        lambda p: st.integers(300, 400).map(lambda e: Raw(f"{p}{e}"))
    ),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | generated_strings,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
hostile_values = st.one_of(st.sampled_from(CATALOGUE), generated_strings, generated_numbers, json_values)

UNKNOWN_KEYS = ["colour", "", "__proto__", "constructor", "id", "organization_id", "hidden", "hidden_reason",
                "archived", "published_at", "created_at", "url", "members", "verification_status", "is_admin",
                "\x00", "\ud800", Long("x", 10_000)]
WHOLE_BODIES = [
    Raw("[]"), Raw("null"), Raw("1"), Raw('"x"'), Raw("true"), deep("[", 100_000), deep("{", 100_000),
    deep("[", 2000), deep("{", 2000), Raw("{"), Raw('{"a":1}xyz'), Raw('\ufeff{}', "BOM {}"),
    Raw('{"title":"a","title":"b"}'), Raw('{"title":"\\ud800"}'), Raw('{"title":"\ud800"}', "raw surrogate bytes"),
    Raw("{\"title\":\"\x00\"}", "literal NUL in a string"), Raw("  "), Raw(""), Raw("{}" * 2),
    Raw('{"a":NaN}'), Raw('{"a":Infinity}'), Raw('{"a":-Infinity}'), Keys(10_000),
]


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any], fields: Iterable[str], attribute_keys: Iterable[str]) -> Any:
    """``base`` (a body the API accepts) with one to three hostile changes, or (rarely) a whole
    hostile body. ``fields`` are the documented properties of the operation's request body."""
    if draw(st.integers(0, 11)) == 0:
        return draw(st.sampled_from(WHOLE_BODIES))
    body = dict(base)
    fields = sorted(set(fields) | set(base))
    attribute_keys = sorted(attribute_keys)
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):  # mostly one: a lone bad value must not slip through
        action = draw(st.sampled_from(["set", "set", "set", "unknown", "list", "attributes", "delete"]))
        if action == "set" and fields:
            body[draw(st.sampled_from(fields))] = draw(hostile_values)
        elif action == "unknown":
            body[draw(st.sampled_from(UNKNOWN_KEYS) | st.text(max_size=8))] = draw(hostile_values)
        elif action == "list":
            name = draw(st.sampled_from(["regions", "industries", "size_classes", "tags"]))
            current = body.get(name) if isinstance(body.get(name), list) else []
            body[name] = [*current, draw(hostile_values)]
        elif action == "attributes":
            key = draw(st.sampled_from(attribute_keys) | st.text(max_size=8))
            body["attributes"] = draw(st.sampled_from([{key: draw(hostile_values)}, Keys(10_000), deep("[", 50), deep("[", 2000)]))
        elif action == "delete" and body:
            body.pop(draw(st.sampled_from(list(body))))
    return body


# --- answers ----------------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"non-finite number {name} in the answer")


def _lone_surrogates(value: Any, where: str = "$") -> list[str]:
    if isinstance(value, str):
        return [where] if any("\ud800" <= c <= "\udfff" for c in value) else []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _lone_surrogates(k, where) + _lone_surrogates(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _lone_surrogates(v, f"{where}[{i}]")]
    return []


def strict_json(response: Any, context: str = "") -> Any:
    """The body as JSON a strict client accepts: application/json, UTF-8, no NaN/Infinity, no lone
    surrogates (I-JSON, RFC 7493). Raises AssertionError naming what is wrong."""
    assert response.mimetype == "application/json", f"{context}: {response.mimetype} answer, not JSON"
    raw = response.get_data()
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except ValueError as exc:  # also UnicodeDecodeError
        raise AssertionError(f"{context}: not strict JSON ({exc}); starts {raw[:300]!r}") from None
    lone = _lone_surrogates(value)
    assert not lone, f"{context}: lone surrogates in the answer at {lone[:5]}"
    return value


def error_of(response: Any, context: str = "") -> dict[str, Any]:
    """The error object of a 4xx answer, after checking the documented shape
    ``{"error": {"code", "message", "fields"}}`` (fields: name -> list of messages)."""
    body = strict_json(response, context)
    assert isinstance(body, dict) and set(body) == {"error"}, f"{context}: not the error shape: {str(body)[:300]}"
    error = body["error"]
    assert isinstance(error, dict) and set(error) == {"code", "message", "fields"}, f"{context}: {str(error)[:300]}"
    assert isinstance(error["code"], str) and error["code"], context
    assert isinstance(error["message"], str) and error["message"], context
    fields = error["fields"]
    assert isinstance(fields, dict) and all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(m, str) for m in v) for k, v in fields.items()
    ), f"{context}: fields {str(fields)[:300]}"
    return error


# --- server-side errors -----------------------------------------------------------------------


def server_errors(records: Iterable[logging.LogRecord]) -> list[str]:
    """The last lines of each logged exception (the app logs every unexpected error, including
    the ones its after-request hooks swallow)."""
    found = []
    for record in records:
        if record.levelno >= logging.ERROR:
            lines = [f"[{record.name}] {record.getMessage()}"]
            if record.exc_info and record.exc_info[1] is not None:
                formatted = traceback.format_exception(*record.exc_info)
                lines += "".join(formatted).rstrip().splitlines()[-6:]
            found.append("\n    ".join(lines))
    return found


def short(value: Any, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"
