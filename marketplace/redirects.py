"""Where to send someone back to after an action: only paths on this site, never an open
redirect.

A browser reads a URL leniently (the WHATWG URL standard): it drops tabs and line breaks
anywhere, strips leading and trailing spaces and control characters, and reads a backslash as a
slash. So ``/\\t/evil.example`` and ``/\\\\evil.example`` both lead to ``//evil.example``, another
site. Rather than guess what a browser will make of such a target, any target holding a control
character, a space at either end or a backslash is refused; what remains must be a path that
starts with exactly one slash and names no scheme or host.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def local_target(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default``."""
    value = target or ""
    if not value.startswith("/") or value.startswith("//"):
        return default
    if _UNSAFE.search(value.strip(" ")) or value != value.strip(" "):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value
