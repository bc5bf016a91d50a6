"""Bootstrap Icons inline, taken from the sprite that Bootstrap-Flask ships.

Referencing the sprite (``<use href=".../bootstrap-icons.svg#bell">``) would make every phone
download all 2,000 icons (1.1 MB) for the few a page shows; instead the template global
``icon('bell')`` writes the one symbol's paths into the page. The sprite is read once, on the
first use.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import flask_bootstrap
from markupsafe import Markup, escape

SPRITE = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "icons" / "bootstrap-icons.svg"
_SYMBOL = re.compile(r'<symbol\b[^>]*\bid="(?P<name>[a-z0-9-]+)"[^>]*>(?P<body>.*?)</symbol>', re.S)


@cache
def _symbols() -> dict[str, str]:
    text = SPRITE.read_text(encoding="utf-8")
    return {m["name"]: m["body"] for m in _SYMBOL.finditer(text)}


def icon(name: str, classes: str = "") -> Markup:
    """An inline ``<svg>`` of the Bootstrap icon ``name``, hidden from screen readers (the text
    next to it, or the link's label, says what it means).

    Raises:
        KeyError: no icon of that name in the sprite (a typo in a template).
    """
    body = _symbols()[name]
    css = f"bi bi-{name} {classes}".strip()
    return Markup(
        f'<svg class="{escape(css)}" width="1em" height="1em" viewBox="0 0 16 16" fill="currentColor" '
        f'aria-hidden="true" focusable="false">{body}</svg>'
    )
