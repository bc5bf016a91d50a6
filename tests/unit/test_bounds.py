"""The bounded parsers every input goes through (marketplace.bounds) and CSV neutralisation."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from marketplace import bounds
from marketplace.spreadsheet import cell, csv_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", ["1e999990", "1E5", "9" * 20, "1.5", "0x1F", "", " ", "+-1", "1_000", "٣"])
def test_parse_int_refuses_anything_but_bounded_digits(text):
    with pytest.raises(bounds.OutOfBounds):
        bounds.parse_int(text, high=bounds.INT64_MAX)


def test_parse_int_reads_full_width_digits_and_checks_the_range():
    assert bounds.parse_int(" １２３ ") == 123
    assert bounds.parse_int(str(2**63 - 1)) == 2**63 - 1
    with pytest.raises(bounds.OutOfBounds, match="between 1900 and 2100"):
        bounds.parse_int("1800", low=1900, high=2100)


@pytest.mark.parametrize("text", ["1e999990", "1E-999990", "NaN", "inf", "-Infinity", "1" * 19, "0." + "1" * 7, "1,5"])
def test_parse_decimal_never_builds_a_huge_number(text):
    # No timing here: the text is rejected by its form before Decimal() sees it, which is what
    # keeps a 9-character input from costing half a minute of CPU.
    with pytest.raises(bounds.OutOfBounds):
        bounds.parse_decimal(text, high=10**11, places=6)


def test_parse_decimal_keeps_plain_numbers_exact():
    assert bounds.parse_decimal("12.5", high=100) == Decimal("12.5")
    assert bounds.parse_decimal(".25", high=1) == Decimal("0.25")


@pytest.mark.parametrize("text", ["20260101", "2026-W01-1", "2026-001", "2026-02-30", "２０２６-01-01", "2026-1-1", "", "2026-01-01T00:00"])
def test_parse_date_reads_only_year_month_day(text):
    with pytest.raises(bounds.OutOfBounds):
        bounds.parse_date(text)


def test_parse_date_reads_a_calendar_day():
    assert str(bounds.parse_date(" 2026-12-02 ")) == "2026-12-02"


def test_loads_keeps_long_numbers_as_text_for_the_walk_to_report():
    document = bounds.loads('{"a": ' + "9" * 400 + ', "b": 1e400, "c": 11.0, "d": [1.5]}')
    assert document["c"] == 11 and isinstance(document["c"], int)
    problems = bounds.json_problems(document)
    assert set(problems) == {"a", "b"}


@pytest.mark.parametrize("text", ["[" * 200_000 + "]" * 200_000, '{"a": NaN}', '{"a": Infinity}', "{"])
def test_loads_refuses_what_is_not_bounded_json(text):
    with pytest.raises(bounds.MalformedJson):
        bounds.loads(text)


def test_json_problems_walks_iteratively_and_names_paths():
    deep: list = []
    node = deep
    for _ in range(500):
        node.append([])
        node = node[0]
    problems = bounds.json_problems({"x": deep, "y": "a\u0000b", "z": {"\u0001": 1}, "w": list(range(2000))})
    assert "x" + "[0]" * (bounds.MAX_JSON_DEPTH - 1) in problems
    assert set(k.split("[")[0].split(".")[0] for k in problems) == {"x", "y", "z", "w"}


@pytest.mark.parametrize(("text", "multiline", "ok"), [
    ("正常名称", False, True), ("a\nb", True, True), ("a\tb", True, True), ("a\nb", False, False),
    ("a\u202eb", False, False), ("a\u0000b", True, False), ("\u200b", False, False), ("\u3164", False, False),
    ("👍🏽", False, True), ("\ud800", True, False), ("a\x85b", False, False),
])
def test_text_rules(text, multiline, ok):
    assert (bounds.text_problem(text, multiline=multiline, required=True) is None) == ok


@pytest.mark.parametrize(("value", "shown"), [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("  =1", "'  =1"), ("\t=1", "'\t=1"), ("＝1", "'＝1"), ("正常", "正常"), (-5, -5), (3.5, 3.5),
])
def test_cells_that_would_start_a_formula_are_neutralised(value, shown):
    assert cell(value) == shown


def test_csv_text_has_a_bom_and_quotes():
    text = csv_text(["name"], [["=1+1"], ['a,"b"']])
    assert text == "\ufeffname\r\n'=1+1\r\n\"a,\"\"b\"\"\"\r\n"


def test_no_module_parses_request_numbers_or_json_bodies_by_hand():
    """One bounded parser for each kind of input: no ``type=int``/``float`` on request values, no
    plain WTForms number fields, no ``date.fromisoformat`` (it reads 20260101 and week dates), no json.loads of request bodies outside marketplace.bounds."""
    offenders = []
    for path in [*ROOT.joinpath("marketplace").rglob("*.py"), *ROOT.joinpath("listings").rglob("*.py")]:
        if path.name in ("bounds.py", "forms.py") and path.parent.name == "marketplace":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"type=(int|float)\b", r"\b(IntegerField|DecimalField|FloatField)\(", r"request\.get_json",
                        r"json\.loads\(\s*(raw|request|text)", r"\(FlaskForm\)", r"\bdate\.fromisoformat\("):
            if re.search(pattern, text) and not path.name == "cli.py":
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert offenders == []
