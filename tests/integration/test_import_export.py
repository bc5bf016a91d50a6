"""``marketplace import`` and ``marketplace export``: the JSON Lines interchange format."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sqlalchemy import delete, func, select

from listings.models import Listing, Need
from listings.validation import record_errors
from marketplace.extensions import db
from marketplace.organizations.models import Organization
from marketplace.reference import CHARSET, check_character

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "records.jsonl"
SAMPLE_SUMMARY = (
    "organizations: 32 created, 0 updated, 0 unchanged; "
    "listings: 126 created, 0 updated, 0 unchanged; "
    "needs: 25 created, 0 updated, 0 unchanged"
)


def sample_records() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_records(path: Path, records: list[dict]) -> Path:
    return write_lines(path, [json.dumps(r, ensure_ascii=False) for r in records])


def row_counts() -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model)) for model in (Organization, Listing, Need)
    )


def import_file(runner, path: Path, *options: str):
    return runner.invoke(args=["import", str(path), *options])


def import_sample(runner) -> None:
    result = import_file(runner, SAMPLE)
    assert result.exit_code == 0, result.output


def posting_state() -> dict[str, tuple]:
    """external_id -> (version, updated_at) of every listing and need."""
    return {
        ext: (version, updated_at)
        for model in (Listing, Need)
        for ext, version, updated_at in db.session.execute(select(model.external_id, model.version, model.updated_at))
    }


def test_sample_imports_with_counts_size_classes_and_life_cycle(runner):
    result = import_file(runner, SAMPLE)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == SAMPLE_SUMMARY
    assert row_counts() == (32, 126, 25)
    smes = db.session.execute(select(Organization.external_id, Organization.size_class).where(Organization.kind == "sme")).all()
    assert Counter(size for _ext, size in smes) == {"micro": 2, "small": 8, "medium": 4}
    assert dict(smes)["D-ORG-002"] == "medium"  # C39, 420 employees, CNY 260M revenue
    assert db.session.scalars(select(Organization.size_class).where(Organization.kind != "sme")).all() == [None] * 18
    listings = db.session.scalars(select(Listing)).all()
    assert {listing.version for listing in listings} == {1}
    closed = [listing for listing in listings if listing.status == "closed"]
    assert len(closed) == 2 and all(listing.closed_at is not None for listing in closed)
    assert all(listing.published_at is not None for listing in listings if listing.status == "published")
    need = db.session.scalars(select(Need).where(Need.external_id == "D-N001")).one()
    assert (need.organization.external_id, need.budget_cny, need.needed_by.isoformat(), need.attributes) == (
        "D-ORG-005", 50000, "2027-02-28", {}
    )


def test_importing_twice_changes_nothing(runner):
    import_sample(runner)
    before = posting_state()
    org_times = {ext: at for ext, at in db.session.execute(select(Organization.external_id, Organization.updated_at))}
    result = import_file(runner, SAMPLE)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "organizations: 0 created, 0 updated, 32 unchanged; "
        "listings: 0 created, 0 updated, 126 unchanged; "
        "needs: 0 created, 0 updated, 25 unchanged"
    )
    assert row_counts() == (32, 126, 25)
    assert posting_state() == before
    assert {ext: at for ext, at in db.session.execute(select(Organization.external_id, Organization.updated_at))} == org_times


def _credit_code(first17: str, *, valid: bool) -> str:
    right = check_character(first17)
    return first17 + (right if valid else next(c for c in CHARSET if c != right))


def test_bad_file_reports_every_error_and_writes_nothing(runner, tmp_path):
    import_sample(runner)
    before = (row_counts(), posting_state())
    taken_code = db.session.scalar(select(Organization.credit_code).where(Organization.external_id == "D-ORG-002"))
    listing = {"type": "listing", "organization": "T-ORG-1", "category": "service", "description": "法律咨询服务"}
    need = {"type": "need", "category": "financing", "title": "流动资金贷款", "description": "需要流动资金贷款"}
    sme5 = next(r for r in sample_records() if r["external_id"] == "D-ORG-005")
    lines = [
        {"type": "organization", "external_id": "T-ORG-1", "name": "新律所", "kind": "service_provider"},  # 1 valid
        {**listing, "external_id": "T-L-1", "title": "合同审查"},  # 2 valid
        {**next(r for r in sample_records() if r["external_id"] == "D-L0001"), "title": "改了的标题"},  # 3 valid update
        '{"type": "listing", "external_id": "T-L-2" "organization": "T-ORG-1"}',  # 4 bad JSON
        {"type": "organization", "external_id": "T-ORG-2", "name": "甲", "kind": "sme", "region": "449999"},  # 5
        {"type": "organization", "external_id": "T-ORG-3", "name": "乙", "kind": "bank",
         "credit_code": _credit_code("91440300MA5ABCDE1", valid=False)},  # 6 wrong check character
        {**listing, "external_id": "T-L-3", "title": "知识产权", "colour": "red"},  # 7 unknown field
        {**listing, "external_id": "T-L-4"},  # 8 no title
        {**listing, "external_id": "T-L-5", "title": "税务", "organization": "NOWHERE"},  # 9 dangling reference
        {**listing, "external_id": "T-L-1", "title": "合同审查（重复）"},  # 10 duplicate external_id
        {**need, "external_id": "T-N-1", "organization": "D-ORG-004"},  # 11 a bank cannot post a need
        {"type": "organization", "external_id": "T-ORG-4", "name": "丙", "kind": "sme", "credit_code": taken_code},  # 12
        "",  # 13 blank: skipped
        {**sme5, "kind": "service_provider"},  # 14 an SME with needs in the database stops being one
    ]
    path = write_lines(tmp_path / "bad.jsonl", [x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines])

    result = import_file(runner, path)

    assert result.exit_code == 1
    errors = result.stderr
    assert "line 4: invalid JSON: Expecting ',' delimiter (column 44)" in errors
    for expected in (
        "line 5: region: unknown region code 449999",
        "line 6: credit_code: ",
        "line 7: colour: unknown field",
        "line 8: title: is required",
        "line 9: organization: unknown organization NOWHERE",
        "line 10: external_id: T-L-1 is already the external_id of the listing on line 2",
        "line 11: organization: needs belong to SMEs",
        "line 12: credit_code: already used by organization D-ORG-002",
        "line 14: kind: D-ORG-005 has needs in the database",
    ):
        assert expected in errors, expected
    assert not any(f"line {n}:" in errors for n in (1, 2, 3, 13))
    assert "10 error(s) on 10 of 13 line(s); nothing was imported." in errors
    assert result.stdout == ""
    assert (row_counts(), posting_state()) == before
    assert db.session.scalar(select(Organization.id).where(Organization.external_id == "T-ORG-1")) is None
    assert db.session.scalar(select(Listing.title).where(Listing.external_id == "D-L0001")) != "改了的标题"


def test_dry_run_writes_nothing(runner, tmp_path):
    result = import_file(runner, SAMPLE, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.stdout and "organizations: 32 to create, 0 to update, 0 unchanged" in result.stdout
    assert "listings: 126 to create" in result.stdout and "needs: 25 to create" in result.stdout
    assert row_counts() == (0, 0, 0)

    import_sample(runner)
    records = sample_records()
    changed = next(r for r in records if r["type"] == "listing")
    changed["title"] = "新标题"
    result = import_file(runner, write_records(tmp_path / "changed.jsonl", records), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "listings: 0 to create, 1 to update, 125 unchanged" in result.stdout
    listing = db.session.scalars(select(Listing).where(Listing.external_id == changed["external_id"])).one()
    assert listing.title != "新标题" and listing.version == 1


def test_changed_title_updates_one_listing_and_bumps_its_version(runner, tmp_path):
    import_sample(runner)
    before = posting_state()
    records = sample_records()
    changed = records[40]
    assert changed["type"] == "listing"
    changed["title"] = "更新后的标题"
    result = import_file(runner, write_records(tmp_path / "changed.jsonl", records))
    assert result.exit_code == 0, result.output
    assert "listings: 0 created, 1 updated, 125 unchanged" in result.stdout
    assert "organizations: 0 created, 0 updated, 32 unchanged" in result.stdout
    after = posting_state()
    ext = changed["external_id"]
    assert after[ext][0] == before[ext][0] + 1 and after[ext][1] != before[ext][1]
    assert {k: v for k, v in after.items() if k != ext} == {k: v for k, v in before.items() if k != ext}
    assert db.session.scalar(select(Listing.title).where(Listing.external_id == ext)) == "更新后的标题"


def test_update_resets_absent_fields_and_follows_status(runner, tmp_path):
    import_sample(runner)
    records = sample_records()
    listing = next(r for r in records if r["type"] == "listing" and r.get("tags") and r["status"] == "published")
    del listing["tags"]
    listing["status"] = "closed"
    sme = next(r for r in records if r["external_id"] == "D-ORG-002")
    sme["employees"] = 50  # still CNY 260M revenue: small under the industry rule
    result = import_file(runner, write_records(tmp_path / "changed.jsonl", records))
    assert result.exit_code == 0, result.output
    assert "organizations: 0 created, 1 updated, 31 unchanged" in result.stdout
    row = db.session.scalars(select(Listing).where(Listing.external_id == listing["external_id"])).one()
    assert (row.tags, row.status, row.version) == ([], "closed", 2)
    assert row.closed_at is not None and row.published_at is not None
    assert db.session.scalar(select(Organization.size_class).where(Organization.external_id == "D-ORG-002")) == "small"


def test_round_trip_export_import_export_is_identical(runner, tmp_path):
    import_sample(runner)
    first = tmp_path / "first.jsonl"
    result = runner.invoke(args=["export", str(first)])
    assert result.exit_code == 0, result.output
    exported = [json.loads(line) for line in first.read_text(encoding="utf-8").splitlines()]
    assert [r["type"] for r in exported] == ["organization"] * 32 + ["listing"] * 126 + ["need"] * 25
    assert all(record_errors(r) == [] for r in exported)
    # The sample has no empty values, so its records come back exactly, its needs with the
    # visibility they got by default.
    key = lambda r: (r["type"], r["external_id"])  # noqa: E731
    sample = [{**r, "visibility": "providers"} if r["type"] == "need" else r for r in sample_records()]
    assert sorted(exported, key=key) == sorted(sample, key=key)

    for model in (Need, Listing, Organization):
        db.session.execute(delete(model))
    db.session.commit()
    assert import_file(runner, first).stdout.strip() == SAMPLE_SUMMARY
    second = tmp_path / "second.jsonl"
    assert runner.invoke(args=["export", str(second)]).exit_code == 0
    assert second.read_bytes() == first.read_bytes()


def test_export_of_one_type(runner, tmp_path):
    import_sample(runner)
    out = tmp_path / "listings.jsonl"
    result = runner.invoke(args=["export", str(out), "--type", "listing"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 126 and {r["type"] for r in records} == {"listing"}
    ids = db.session.scalars(select(Listing.external_id).order_by(Listing.id)).all()
    assert [r["external_id"] for r in records] == ids
    assert "中" in out.read_text(encoding="utf-8")  # ensure_ascii=False: Chinese stays readable

    both = runner.invoke(args=["export", "-", "--type", "need", "--type", "organization"])
    assert both.exit_code == 0
    kinds = [json.loads(line)["type"] for line in both.stdout.splitlines()]
    assert kinds == ["organization"] * 32 + ["need"] * 25


def test_import_from_stdin(runner):
    result = runner.invoke(args=["import", "-"], input=SAMPLE.read_bytes())
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == SAMPLE_SUMMARY
    assert row_counts() == (32, 126, 25)


def test_row_changed_during_import_rolls_everything_back(runner, tmp_path, monkeypatch):
    from listings import importer

    import_sample(runner)
    records = sample_records()
    for record in records:
        if record["type"] == "listing":
            record["title"] += "（新）"
    load_old_rows = importer._Writer._old_rows

    def old_rows_then_someone_saves(writer, batch):
        rows = load_old_rows(writer, batch)
        if writer.kind == "listing":  # another user saves one listing after the importer read it
            db.session.execute(Listing.__table__.update().where(Listing.external_id == "D-L0005").values(version=7))
        return rows

    monkeypatch.setattr(importer._Writer, "_old_rows", old_rows_then_someone_saves)
    result = import_file(runner, write_records(tmp_path / "changed.jsonl", records))
    assert result.exit_code == 1
    assert "changed while importing" in result.stderr
    assert not db.session.scalars(select(Listing.title).where(Listing.title.like("%（新）"))).all()
    assert set(db.session.scalars(select(Listing.version))) == {1}
