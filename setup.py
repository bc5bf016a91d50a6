"""What pyproject.toml cannot say about the package: the top-level ``templates/`` and
``migrations/`` folders (the project's layout keeps them there) ship inside the ``marketplace``
package, and the translation catalogs are compiled into it, so that a wheel holds everything the
app reads. ``marketplace.config.shipped`` finds the folders in either place.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import find_namespace_packages, find_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = {"templates": ["*.html"], "migrations": ["alembic.ini", "script.py.mako", "README", "*.py"]}


def _shipped_packages() -> tuple[list[str], dict[str, str], dict[str, list[str]]]:
    """``marketplace.templates``, ``marketplace.templates.accounts``... mapped to the folders."""
    packages, directories, data = [], {}, {}
    for folder, patterns in SHIPPED.items():
        for sub in ["", *find_namespace_packages(where=str(ROOT / folder))]:
            name = f"marketplace.{folder}" + (f".{sub}" if sub else "")
            packages.append(name)
            data[name] = patterns
        directories[f"marketplace.{folder}"] = folder
    return packages, directories, data


class BuildWithCatalogs(build_py):
    """Compile the .po catalogs to .mo before the build copies the package's files."""

    def run(self) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in ROOT.glob("marketplace/translations/*/LC_MESSAGES/messages.po"):
            with po.open("rb") as source:
                catalog = read_po(source)
            with po.with_suffix(".mo").open("wb") as target:
                write_mo(target, catalog)
        super().run()


shipped_packages, shipped_directories, shipped_data = _shipped_packages()
setup(
    packages=[*find_packages(include=["marketplace*", "listings*", "matching*", "search*"]), *shipped_packages],
    package_dir=shipped_directories,
    package_data={
        "marketplace": ["translations/*/LC_MESSAGES/*", "static/**/*"],
        "listings": ["schemas/*.json"],
        "matching": ["schemas/*.json"],
        **shipped_data,
    },
    cmdclass={"build_py": BuildWithCatalogs},
)
