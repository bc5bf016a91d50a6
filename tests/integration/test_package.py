"""A built wheel is the whole app: every template, static file, migration, schema and compiled
catalog is inside it, and the app it holds migrates a database and renders pages."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: the venv's setuptools and babel build it (no download during tests).
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True)
    (built,) = out.glob("*.whl")
    return built


def _files(folder: str, pattern: str = "*") -> set[str]:
    return {p.relative_to(ROOT / folder).as_posix() for p in (ROOT / folder).rglob(pattern)
            if p.is_file() and "__pycache__" not in p.parts}


def test_the_wheel_holds_every_file_the_app_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"marketplace/templates/{name}" for name in _files("templates")}
    expected |= {f"marketplace/static/{name}" for name in _files("marketplace/static")}
    expected |= {f"marketplace/migrations/{name}" for name in _files("migrations")}
    expected |= {f"listings/schemas/{name}" for name in _files("listings/schemas")}
    expected |= {f"matching/schemas/{name}" for name in _files("matching/schemas")}
    expected |= {"marketplace/translations/zh/LC_MESSAGES/messages.mo", "marketplace/demo_data/__init__.py"}
    assert len(expected) > 50
    assert expected - names == set()


def test_the_app_in_the_wheel_migrates_and_renders(wheel: Path, tmp_path: Path) -> None:
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    script = textwrap.dedent("""
        import marketplace, sys
        from pathlib import Path
        assert Path(marketplace.__file__).is_relative_to(sys.argv[1]), marketplace.__file__
        from flask_migrate import upgrade
        from marketplace import create_app
        app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[2], "MATCHING_MODEL": "hashing-64"})
        with app.app_context():
            upgrade()
        client = app.test_client()
        for path in ("/", "/login", "/signup", "/listings", "/search?q=贷款", "/api/v1/openapi.json"):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        assert "登录" in client.get("/login").get_data(as_text=True)  # the compiled Chinese catalog
        print("ok")
    """)
    env = {**os.environ, "PYTHONPATH": str(unpacked), "MARKETPLACE_INSTANCE": str(tmp_path / "instance")}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", script, str(unpacked), str(tmp_path / "app.db")],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]
