"""Unified social credit code (统一社会信用代码, GB 32100-2015).

An 18-character code: registration authority (1), organisation type (1),
administrative division code (6 digits, GB/T 2260), organisation body
code (9) and a check character (1). The alphabet has 31 characters; the
letters I, O, Z, S and V are never used.
"""

from __future__ import annotations

import re
from typing import Any, Final, Literal

__all__ = [
    "CHARSET",
    "WEIGHTS",
    "InvalidCreditCode",
    "check_character",
    "mask_credit_code",
    "normalize_credit_code",
]

CHARSET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CODE_LENGTH: Final = 18

_VALUES: Final = {char: value for value, char in enumerate(CHARSET)}
_FORMAT: Final = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")

ErrorKind = Literal["length", "charset", "format", "check"]

_MESSAGES: Final[dict[str, str]] = {
    "length": "Unified social credit code must be 18 characters long, got {length}.",
    "charset": (
        "Unified social credit code contains an invalid character {char!r} at "
        "position {position} (allowed: digits and letters except I, O, S, V, Z)."
    ),
    "format": (
        "Unified social credit code is malformed: characters 3-8 must be the "
        "6-digit administrative division code."
    ),
    "check": (
        "Unified social credit code check character is wrong: expected {expected!r}, got {given!r}."
    ),
}


class InvalidCreditCode(ValueError):
    """A unified social credit code failed validation.

    ``code`` is the error kind ("length", "charset", "format" or "check") and
    ``params`` holds the details used to build a translated message.
    """

    def __init__(
        self, code: ErrorKind, params: dict[str, Any] | None = None, message: str | None = None
    ) -> None:
        self.code: ErrorKind = code
        self.params: dict[str, Any] = dict(params or {})
        self.message = message or _MESSAGES[code].format(**self.params)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def _charset_error(text: str) -> InvalidCreditCode | None:
    for position, char in enumerate(text, start=1):
        if char not in _VALUES:
            return InvalidCreditCode("charset", {"position": position, "char": char})
    return None


def check_character(first17: str) -> str:
    """Return the check character for the first 17 characters of a code.

    Raises InvalidCreditCode ("length") if ``first17`` is not 17 characters
    long, or ("charset") if it contains a character outside CHARSET.
    """
    if len(first17) != len(WEIGHTS):
        raise InvalidCreditCode(
            "length",
            {"length": len(first17)},
            f"check_character() needs exactly 17 characters, got {len(first17)}.",
        )
    error = _charset_error(first17)
    if error is not None:
        raise error
    total = sum(_VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    value = 31 - total % 31
    return CHARSET[0 if value == 31 else value]


def normalize_credit_code(raw: str) -> str:
    """Strip whitespace, upper-case and validate a unified social credit code.

    Returns the normalised 18-character code. Raises InvalidCreditCode with
    kind "length", "charset", "format" or "check" (checked in that order).
    """
    code = "".join(raw.split()).upper()
    if len(code) != CODE_LENGTH:
        raise InvalidCreditCode("length", {"length": len(code)})
    error = _charset_error(code)
    if error is not None:
        raise error
    if not _FORMAT.match(code):
        raise InvalidCreditCode("format", {})
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InvalidCreditCode("check", {"expected": expected, "given": code[17]})
    return code


def mask_credit_code(code: str) -> str:
    """Mask a credit code for logs: keep the first 4 and last 2 characters.

    Strings of 6 characters or fewer are masked entirely. Never raises.
    """
    if len(code) <= 6:
        return "*" * len(code)
    return code[:4] + "*" * (len(code) - 6) + code[-2:]
