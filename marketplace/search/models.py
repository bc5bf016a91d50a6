"""Search tables: the embedded backend's documents and terms, the index outbox, saved searches.

``search_documents`` belongs to :class:`search.backends.sql.SqlBackend` (it reads and writes
it with plain SQL); it is declared here so that migrations and the models agree. On SQLite an FTS5 table ``search_fts`` (made by the migration, not a model) holds
the index terms; on PostgreSQL ``search_documents.tsv`` does, with a GIN index.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from marketplace.extensions import db
from marketplace.timeutil import utcnow

FTS_TABLE = "search_fts"


def is_modelled(table: str) -> bool:
    """False for the FTS5 table and its shadow tables (made by the migration, not a model)."""
    return not table.startswith(FTS_TABLE)


TsVector = Text().with_variant(TSVECTOR(), "postgresql")
JSONDict = JSON().with_variant(JSONB(), "postgresql")


class SearchDocument(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "search_documents"
    __table_args__ = (Index("ix_search_documents_tsv", "tsv", postgresql_using="gin"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    subcategory: Mapped[str | None] = mapped_column(String(40))
    amount_min: Mapped[int | None] = mapped_column(BigInteger)
    amount_max: Mapped[int | None] = mapped_column(BigInteger)
    price: Mapped[int | None] = mapped_column(BigInteger)
    starts_on: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date, index=True)
    verified: Mapped[bool] = mapped_column(Boolean)
    terms: Mapped[str] = mapped_column(Text)  # analysed, space-separated
    facets: Mapped[str] = mapped_column(Text)  # JSON: keyword terms per facet field
    visible: Mapped[bool] = mapped_column(Boolean)  # False: removed (kept so every process sees it)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)  # change counter (time-based)
    tsv: Mapped[Any] = mapped_column(TsVector, nullable=True)  # PostgreSQL only


class SearchOutboxEntry(db.Model):  # type: ignore[name-defined,misc]
    """A listing whose index document must be rewritten (or removed). Written in the same
    transaction as the change; deleted once the index has taken it."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(Integer, index=True)  # no FK: deletions must be indexed too
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))


class SavedSearch(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "saved_searches"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_searches_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[dict[str, Any]] = mapped_column(JSONDict)  # the search page's arguments
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
