"""Every user-facing string has a Chinese translation, with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "marketplace" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_every_message_in_the_code_is_translated(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-o", str(template), "--no-location", "--omit-header", "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with template.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    # A plural message (ngettext) is a tuple of forms: each form keeps the placeholders.
    translated = {m.id: m.string for m in catalog if m.id and m.string and all(m.string if isinstance(m.string, tuple) else [1])
                  and not m.fuzzy}
    missing = sorted(wanted - set(translated), key=str)
    assert missing == [], f"untranslated (run `make extract-messages` and translate): {missing[:10]}"
    wrong = [i for i, s in translated.items()
             for source, form in ([(i[-1], f) for f in s] if isinstance(i, tuple) else [(i, s)])
             if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(form))]
    assert wrong == []
