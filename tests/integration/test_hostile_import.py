"""``marketplace import`` refuses hostile lines as the API does: each named by line and field,
and a file with any of them writes nothing."""

from __future__ import annotations

import json

from sqlalchemy import select

from listings.models import Listing
from marketplace.extensions import db
from tests.integration.test_import_export import import_file, row_counts, write_lines

ORG = {"type": "organization", "external_id": "H-ORG-1", "name": "恶意测试银行", "kind": "bank"}
LISTING = {"type": "listing", "organization": "H-ORG-1", "category": "financing", "title": "信用贷",
           "description": "无抵押信用贷款"}


def _line(external_id: str, raw_member: str = "", **changes) -> str:
    text = json.dumps({**LISTING, "external_id": external_id, **changes}, ensure_ascii=False)
    return text[:-1] + ", " + raw_member + "}" if raw_member else text


def test_every_hostile_line_is_named_and_nothing_is_written(runner, tmp_path):
    lines = [
        json.dumps(ORG, ensure_ascii=False),  # 1 valid
        _line("H-1"),  # 2 valid
        _line("H-2", '"attributes": {"x": 1e400}'),  # 3 infinity
        _line("H-3", '"amount_max_cny": ' + "9" * 400),  # 4 a 400-digit integer
        _line("H-4", '"annual_rate_pct": NaN'),  # 5 a constant JSON does not have
        _line("H-5", title="贷\u0000款"),  # 6 a control character
        _line("H-6", title="\u200b"),  # 7 shows nothing
        _line("H-7", '"attributes": {"x": ' + "[" * 40 + "]" * 40 + "}"),  # 8 nested too deeply
        _line("H-8", description="x" * (1024 * 1024 + 10)),  # 9 a line longer than the limit
        _line("H-9", subcategory="x" * 10_000),  # 10 beyond the column
        _line("H-10", regions=["440100"] * 10_000),  # 11 too many items
        _line("H-11", title="贷款\r\nBcc: evil"),  # 12 a line break in a single-line text
        _line("H-12", '"title": "\\ud800"'),  # 13 an unpaired surrogate
    ]
    path = write_lines(tmp_path / "hostile.jsonl", lines)
    before = row_counts()
    result = import_file(runner, path)
    assert result.exit_code == 1
    errors = result.stderr
    for expected in ("line 3: attributes.x: ", "line 4: amount_max_cny: ", "line 5: invalid JSON", "line 6: title: ",
                     "line 7: title: ", "line 8: attributes.x", "line 9: the line is longer", "line 10: subcategory: ",
                     "line 11: regions: ", "line 12: title: ", "line 13: title: "):
        assert expected in errors, (expected, errors)
    assert not any(f"line {n}:" in errors for n in (1, 2))
    assert "11 error(s)" in errors and "nothing was imported" in errors
    assert row_counts() == before
    # Messages never echo the (possibly huge) values.
    assert len(errors) < 5000


def test_an_import_follows_the_life_cycle_of_existing_postings(runner, tmp_path):
    path = write_lines(tmp_path / "first.jsonl", [json.dumps(ORG, ensure_ascii=False), _line("H-1"), _line("H-2")])
    assert import_file(runner, path).exit_code == 0
    archived = db.session.scalar(select(Listing).where(Listing.external_id == "H-1"))
    archived.archived_at = archived.created_at
    archived.status = "closed"
    db.session.commit()
    again = write_lines(tmp_path / "again.jsonl", [
        json.dumps(ORG, ensure_ascii=False),
        _line("H-1"),  # 2: would publish an archived listing
        _line("H-2", status="draft"),  # 3: a published listing does not go back to draft
    ])
    result = import_file(runner, again)
    assert result.exit_code == 1
    assert "line 2: status: " in result.stderr and "line 3: status: " in result.stderr
    assert db.session.scalar(select(Listing.status).where(Listing.external_id == "H-1")) == "closed"
