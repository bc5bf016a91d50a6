"""Export to the public interchange format (``schemas/records.schema.json``), as JSON Lines.

Organizations, then listings, then needs, each in id order, one record per line with the
schema's properties only (in the schema's order) and without empty values, so that an export
imported into an empty database exports again byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from listings.importer import FIELDS, MODELS
from listings.validation import RECORD_TYPES

CHUNK = 2000


def _rows(session: Session, kind: str) -> Iterator[dict[str, Any]]:
    """The rows of one type in id order, with the owner's external_id as ``organization``."""
    table = MODELS[kind].__table__
    columns = [table.c.external_id, *(table.c[name] for name in FIELDS[kind])]
    if kind == "organization":
        statement = select(*columns)
    else:
        owners = MODELS["organization"].__table__
        statement = select(*columns, owners.c.external_id.label("organization")).join(
            owners, owners.c.id == table.c.organization_id
        )
    result = session.execute(statement.order_by(table.c.id).execution_options(yield_per=CHUNK))
    for row in result.mappings():
        yield dict(row)


def as_record(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    """A database row (column values) as a record: ISO dates, no empty values."""
    record: dict[str, Any] = {"type": kind, "external_id": row["external_id"]}
    if kind != "organization":
        record["organization"] = row["organization"]
    for name in FIELDS[kind]:
        value = row[name]
        if value is None or value == "" or value == [] or value == {}:
            continue
        record[name] = value.isoformat() if isinstance(value, date) else value
    return record


def export_records(session: Session, out: TextIO, kinds: Iterable[str] = RECORD_TYPES) -> dict[str, int]:
    """Write the records of ``kinds`` to ``out``, one JSON object per line; returns the counts.

    Raises ValueError for an unknown record type, before writing anything.
    """
    wanted = set(kinds)
    unknown = wanted - set(RECORD_TYPES)
    if unknown:
        raise ValueError(f"unknown record type(s): {', '.join(sorted(unknown))}")
    counts = {}
    for kind in RECORD_TYPES:  # the fixed order, whatever order ``kinds`` has
        if kind not in wanted:
            continue
        counts[kind] = 0
        for row in _rows(session, kind):
            out.write(json.dumps(as_record(kind, row), ensure_ascii=False))
            out.write("\n")
            counts[kind] += 1
    return counts
