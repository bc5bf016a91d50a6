"""Time: timestamps are timezone-aware UTC in Python and stored as UTC; calendar days (deadlines,
"needed by" dates) are days in China."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored timestamp as aware UTC (SQLite gives naive UTC back; PostgreSQL aware)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def today() -> date:
    """Today in China: deadlines are Chinese calendar days."""
    return datetime.now(CHINA).date()
