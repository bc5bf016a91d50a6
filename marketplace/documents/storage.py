"""Where document files live and what they are: a folder outside the web root (the instance's
``documents/`` by default), files named by a random key, and the type read from the content.

A file is accepted only when its content is one of the accepted types and its name, if it has an
extension, agrees (a page of HTML named ``licence.pdf`` is refused). Files written during a
database transaction are removed again if that transaction rolls back, and files of deleted
documents are removed once the deletion is committed (:func:`track`)."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import filetype
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

# Sniffed type -> (content type, the extensions a file name may carry for it, its label).
ACCEPTED: dict[str, tuple[str, tuple[str, ...], str]] = {
    "pdf": ("application/pdf", ("pdf",), "PDF"),
    "png": ("image/png", ("png",), "PNG"),
    "jpg": ("image/jpeg", ("jpg", "jpeg"), "JPEG"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "Word (.docx)"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "Excel (.xlsx)"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",), "PowerPoint (.pptx)"),
}
SNIFF_BYTES = 8192
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"\\/<>:|?*]")
_MARKUP = re.compile(rb"^\s*(<!doctype|<html|<head|<body|<script|<svg|<\?xml|<!--|<[a-z])", re.IGNORECASE)


class Refused(ValueError):
    """The file is not accepted; ``reason`` is one of ``empty``, ``too_large``, ``type``,
    ``mismatch``, with ``found`` (what the content is) and ``claimed`` (what the name says)."""

    def __init__(self, reason: str, *, found: str = "", claimed: str = "") -> None:
        super().__init__(reason)
        self.reason, self.found, self.claimed = reason, found, claimed


@dataclass(frozen=True)
class Stored:
    key: str
    filename: str
    content_type: str
    size: int
    sha256: str


def accepted_labels() -> str:
    return ", ".join(label for _, _, label in ACCEPTED.values())


def accepted_extensions() -> str:
    """For an ``accept`` attribute: ``.pdf,.png,...``."""
    return ",".join(f".{ext}" for _, exts, _ in ACCEPTED.values() for ext in exts)


def what_it_is(head: bytes) -> str:
    """A short name for content that is not accepted (for the error message)."""
    if _MARKUP.match(head):
        return "HTML"
    kind = filetype.guess(head)
    return kind.extension.upper() if kind is not None else ""


def clean_filename(name: str | None, extension: str) -> str:
    """The base name without path or control characters, at most 200 characters, ending in
    ``extension`` (added when missing)."""
    base = re.split(r"[\\/]", name or "")[-1]
    # No control, format (direction overrides: 「‮fdp.exe」) or line-separator characters.
    base = "".join(c for c in base if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Zl", "Zp"))
    base = _UNSAFE.sub("", base).strip().lstrip(".") or "document"
    stem, dot, ext = base.rpartition(".")
    if not dot or ext.lower() not in ACCEPTED[extension][1]:
        stem = base
        ext = ACCEPTED[extension][1][0]
    return f"{stem[:200 - len(ext) - 1]}.{ext}"


def sniff(head: bytes, filename: str | None) -> str:
    """The accepted type (a key of ACCEPTED) of content starting with ``head``. Raises Refused:
    ``mismatch`` when the name claims an accepted type the content is not (HTML named .pdf),
    ``type`` when the content is of no accepted type."""
    if not head:
        raise Refused("empty")
    kind = None if _MARKUP.match(head) else filetype.guess(head)
    found = kind.extension if kind is not None and kind.extension in ACCEPTED else ""
    claimed = (filename or "").rpartition(".")[2].lower() if "." in (filename or "") else ""
    claimed_type = next((key for key, (_, exts, _) in ACCEPTED.items() if claimed in exts), "")
    if claimed_type and found != claimed_type:
        raise Refused("mismatch", found=ACCEPTED[found][2] if found else (what_it_is(head) or "?"),
                      claimed=ACCEPTED[claimed_type][2])
    if not found:
        raise Refused("type", found=what_it_is(head))
    return found


def save(folder: Path, stream: IO[bytes], filename: str | None, max_bytes: int) -> Stored:
    """Read ``stream`` (at most ``max_bytes``), check it and write it under a new random key.
    Raises Refused; writes nothing then."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Refused("too_large")
    extension = sniff(data[:SNIFF_BYTES], filename)
    key = secrets.token_hex(16)
    target = path_of(folder, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with open(partial, "wb") as out:
        out.write(data)
    os.replace(partial, target)
    return Stored(key=key, filename=clean_filename(filename, extension), content_type=ACCEPTED[extension][0],
                  size=len(data), sha256=hashlib.sha256(data).hexdigest())


def path_of(folder: Path, key: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", key):
        raise ValueError("not a document key")
    return folder / key[:2] / key


def remove(folder: Path, key: str) -> None:
    try:
        path_of(folder, key).unlink()
    except FileNotFoundError:
        pass


# --- files follow the transaction -----------------------------------------------------------

_WRITTEN, _DELETED = "documents_written", "documents_deleted"


def track(session: Session, folder: Path, *, written: str | None = None, deleted: str | None = None) -> None:
    """Remember a file written (removed again unless the transaction commits) or one whose
    document was deleted (removed when the transaction commits)."""
    if written:
        session.info.setdefault(_WRITTEN, []).append((folder, written))
    if deleted:
        session.info.setdefault(_DELETED, []).append((folder, deleted))


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    for folder, key in session.info.pop(_DELETED, []):
        remove(folder, key)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended without a commit (rolled back, or closed at the end of a
    request that failed): its files go again."""
    if transaction.parent is not None:
        return
    session.info.pop(_DELETED, None)
    for folder, key in session.info.pop(_WRITTEN, []):
        remove(folder, key)
