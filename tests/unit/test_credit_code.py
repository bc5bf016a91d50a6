"""Unified social credit code (GB 32100-2015) validation."""

from __future__ import annotations

import pytest

from marketplace.reference.credit_code import (
    CHARSET,
    WEIGHTS,
    InvalidCreditCode,
    check_character,
    mask_credit_code,
    normalize_credit_code,
)

VALID = [
    "914419008568201E72",
    "9144060088J3P6892T",
    "914406001ET8E66T76",
    "914401001DT88P3H56",
    "9144010004D21A8C22",
    "9144200018B3E01D9T",
    "91350100M000100Y43",
]


def test_constants() -> None:
    assert len(CHARSET) == 31
    assert not set("IOZSV") & set(CHARSET)
    assert len(WEIGHTS) == 17


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_accepted(code: str) -> None:
    assert check_character(code[:17]) == code[17]
    assert normalize_credit_code(code) == code


def test_check_value_31_maps_to_zero() -> None:
    assert check_character("0" * 17) == "0"
    assert normalize_credit_code("0" * 18) == "0" * 18


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9144060088j3p6892t", "9144060088J3P6892T"),
        ("  914419008568201E72\n", "914419008568201E72"),
        ("\t91350100m000100y43 ", "91350100M000100Y43"),
    ],
)
def test_normalises_case_and_whitespace(raw: str, expected: str) -> None:
    assert normalize_credit_code(raw) == expected


def test_wrong_check_character_names_expected() -> None:
    with pytest.raises(InvalidCreditCode) as info:
        normalize_credit_code("914419008568201E73")
    assert info.value.code == "check"
    assert info.value.params == {"expected": "2", "given": "3"}
    assert "'2'" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_forbidden_letters(letter: str) -> None:
    raw = "91350100" + letter + "000100Y43"  # letter at position 9
    assert len(raw) == 18
    with pytest.raises(InvalidCreditCode) as info:
        normalize_credit_code(raw)
    assert info.value.code == "charset"
    assert info.value.params == {"position": 9, "char": letter}
    assert "position 9" in str(info.value)


def test_lower_case_forbidden_letter_reported_upper_case() -> None:
    with pytest.raises(InvalidCreditCode) as info:
        normalize_credit_code("91350100o000100Y43")
    assert info.value.params == {"position": 9, "char": "O"}


@pytest.mark.parametrize("raw", ["91350100M000100Y4", "91350100M000100Y433", "", "   "])
def test_wrong_length(raw: str) -> None:
    with pytest.raises(InvalidCreditCode) as info:
        normalize_credit_code(raw)
    assert info.value.code == "length"
    assert info.value.params == {"length": len(raw.strip())}
    assert "18" in str(info.value)


@pytest.mark.parametrize("raw", ["91A50100M000100Y43", "913501X0M000100Y43", "9135010AM000100Y43"])
def test_letters_in_division_code(raw: str) -> None:
    with pytest.raises(InvalidCreditCode) as info:
        normalize_credit_code(raw)
    assert info.value.code == "format"
    assert str(info.value)


def test_errors_checked_in_order() -> None:
    # 17 characters including a forbidden letter: length wins.
    with pytest.raises(InvalidCreditCode) as info:
        normalize_credit_code("91350100I000100Y4")
    assert info.value.code == "length"
    # Bad charset and bad format: charset wins.
    with pytest.raises(InvalidCreditCode) as info:
        normalize_credit_code("91A50100I000100Y43")
    assert info.value.code == "charset"
    # Bad format and bad check character: format wins.
    with pytest.raises(InvalidCreditCode) as info:
        normalize_credit_code("91A50100M000100Y40")
    assert info.value.code == "format"


def test_check_character_rejects_bad_input() -> None:
    with pytest.raises(InvalidCreditCode) as info:
        check_character("9135")
    assert info.value.code == "length"
    with pytest.raises(InvalidCreditCode) as info:
        check_character("91350100I000100Y4")
    assert info.value.code == "charset"


@pytest.mark.parametrize(
    ("code", "masked"),
    [
        ("914419008568201E72", "9144************72"),
        ("1234567", "1234*67"),
        ("123456", "******"),
        ("", ""),
    ],
)
def test_mask(code: str, masked: str) -> None:
    assert mask_credit_code(code) == masked
