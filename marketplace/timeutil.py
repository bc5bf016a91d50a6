"""Timestamps: always timezone-aware UTC in Python, stored as UTC."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
