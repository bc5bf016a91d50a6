"""Where to send someone back to after an action: only paths on this site, never an open
redirect (``//evil.example`` and ``https://…`` are refused; so is a backslash, which some
browsers read as a slash)."""

from __future__ import annotations


def local_target(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default``."""
    value = (target or "").strip()
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default
