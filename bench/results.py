"""Writing a benchmark's section of ``bench/RESULTS.md``: one heading per benchmark."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def replace_section(heading: str, section: str, path: Path = RESULTS) -> None:
    """Replace the section under ``heading`` (up to the next ``## ``), or append it, keeping every
    other section. The file is read right before writing: other benchmarks may have changed it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    section = section.rstrip("\n") + "\n\n"  # a blank line before the next section
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _m: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")
