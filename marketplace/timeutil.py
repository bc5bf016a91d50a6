"""Timestamps: always timezone-aware UTC in Python, stored as UTC."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored timestamp as aware UTC (SQLite gives naive UTC back; PostgreSQL aware)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
