"""The application factory and its configuration."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from marketplace import config, create_app


def test_testing_flag_and_instance_folder(app):
    assert app.testing
    assert not create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).testing
    # conftest points MARKETPLACE_INSTANCE at a temporary folder: tests never touch instance/.
    assert Path(app.instance_path) == Path(os.environ["MARKETPLACE_INSTANCE"]).resolve()


def test_instance_folder_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKETPLACE_INSTANCE", str(tmp_path / "other"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    application = create_app()
    assert application.instance_path == str((tmp_path / "other").resolve())
    assert application.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{(tmp_path / 'other').resolve()}/marketplace.db"
    # The generated secret key is kept in the instance folder and reused by the next start.
    key = application.config["SECRET_KEY"]
    assert (tmp_path / "other" / "secret_key").read_text() == key
    assert create_app().config["SECRET_KEY"] == key


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_database_url_uses_psycopg3(given, expected, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", given)
    assert config.database_url(tmp_path) == expected


def test_console_script_lists_project_commands(runner):
    result = runner.invoke(args=["--help"])
    assert result.exit_code == 0
    for command in ("admin", "demo", "mail", "db"):
        assert command in result.output
