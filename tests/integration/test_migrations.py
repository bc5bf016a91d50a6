"""Migrations are the only way the schema is made: upgrade, downgrade and upgrade again, and the
result matches the models exactly. Runs on SQLite and (in the PostgreSQL pass) on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from marketplace.extensions import db
from marketplace.search.models import is_modelled


def _tables() -> set[str]:
    return {t for t in inspect(db.engine).get_table_names() if is_modelled(t)} - {"alembic_version"}


def _differences() -> list:
    with db.engine.connect() as connection:
        include = lambda name, type_, parent: type_ != "table" or is_modelled(name)  # noqa: E731
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include})
        return compare_metadata(context, db.metadata)


def test_upgrade_downgrade_upgrade_matches_models(make_app, tmp_path, is_postgres):
    # SQLite gets a database of its own; PostgreSQL reuses the test database and leaves it at head.
    overrides = {} if is_postgres else {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"}
    app = make_app(**overrides)
    with app.app_context():
        upgrade()
        assert _tables() == set(db.metadata.tables)
        assert _differences() == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}  # FTS5 table too
        upgrade()
        assert _tables() == set(db.metadata.tables)
        assert _differences() == []


def test_file_names_sort_in_chain_order():
    """Dated file names (YYYYMMDD_HHMM_rev_slug) list the revisions in the order they apply."""
    import re
    from pathlib import Path

    versions = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    files = sorted(versions.glob("*.py"))
    revisions, parents = [], {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        revision = re.search(r"^revision = '([0-9a-f]+)'", text, re.M).group(1)
        parent = re.search(r"^down_revision = (None|'[0-9a-f]+')", text, re.M).group(1).strip("'")
        assert re.fullmatch(rf"\d{{8}}_\d{{4}}_{revision}_\w+\.py", path.name), path.name
        revisions.append(revision)
        parents[revision] = None if parent == "None" else parent
    assert [parents[r] for r in revisions] == [None, *revisions[:-1]]


def test_existing_needs_become_visible_to_providers(make_app, tmp_path, is_postgres):
    """Before visibility every published need was public; the migration gives each existing need
    the new default, providers (a need names its company and its financing)."""
    from sqlalchemy import text

    overrides = {} if is_postgres else {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'v.db'}"}
    app = make_app(**overrides)
    with app.app_context():
        upgrade()
        downgrade(revision="8c3f1a6e2b47")  # the revision before visibility
        now = "2026-12-01 08:00:00"
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO organizations (id, external_id, name, kind, description, tags, verification_status, created_at, updated_at) "
                "VALUES (1, 'org-1', '企业', 'sme', '', '[]', 'unverified', :now, :now)"), {"now": now})
            connection.execute(text(
                "INSERT INTO needs (id, external_id, organization_id, category, title, description, tags, attributes, status, "
                "created_at, updated_at, version) VALUES (1, 'need-1', 1, 'service', '需求', '描述', '[]', '{}', 'published', "
                ":now, :now, 1)"), {"now": now})
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT visibility FROM needs")).scalars().all() == ["providers"]
