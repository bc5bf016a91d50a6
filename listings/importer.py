"""Bulk import of records in the public interchange format (``schemas/records.schema.json``).

:func:`import_records` reads a JSON Lines file twice. The first pass checks every line (JSON,
schema and domain rules, duplicate ids, references, credit codes) and keeps only ids; only if
the whole file is valid does the second pass upsert by ``external_id``, organizations first,
in batches of bulk INSERTs and executemany UPDATEs. A record is the whole truth for its row (a
field it leaves out is reset to its empty value); identical rows are left alone, so importing
a file twice changes nothing. Like the services, it flushes but never commits.
"""

from __future__ import annotations

import codecs
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from listings import lifecycle
from listings.categories import DEFAULT_NEED_VISIBILITY
from listings.lifecycle import transition_problem
from listings.models import Listing, Need
from listings.validation import RECORD_TYPES, record_errors, type_schema
from marketplace import bounds
from marketplace.errors import Conflict, ValidationFailed
from marketplace.organizations.models import Organization
from marketplace.reference import classify, group_choices_for_industry, group_for_industry
from marketplace.timeutil import today, utcnow

BATCH_SIZE = 1000
#: A record is a few kB; a longer line is refused without being held in memory.
MAX_LINE_BYTES = 1024 * 1024
PROGRESS_EVERY = 10_000
MODELS: dict[str, Any] = {"organization": Organization, "listing": Listing, "need": Need}
PLURALS = {"organization": "organizations", "listing": "listings", "need": "needs"}
_REFERENCES = ("type", "external_id", "organization")
#: The columns a record sets, per type: the schema's properties except the references.
FIELDS = {
    kind: tuple(k for k in type_schema(kind)["properties"] if k not in _REFERENCES)
    for kind in RECORD_TYPES
}
_DATES = frozenset({"starts_on", "ends_on", "deadline", "needed_by"})
_EMPTY: dict[str, Callable[[], Any]] = {
    "tags": list, "regions": list, "industries": list, "size_classes": list, "attributes": dict,
    "description": str, "status": lambda: "published", "visibility": lambda: DEFAULT_NEED_VISIBILITY,
}
# Columns the import derives or owns beyond the record's fields (compared to detect a change).
_DERIVED = {"organization": ("size_group", "size_class"), "listing": ("organization_id",), "need": ("organization_id",)}
_LIFECYCLE = ("version", "status", "published_at", "closed_at")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class LineError:
    """A problem with one line of the file; ``field`` is empty for a line that is not a record."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}" if self.field else f"line {self.line}: {self.message}"


class ImportFailed(ValidationFailed):
    """The file has errors and nothing was written; ``errors`` lists every one in line order."""

    def __init__(self, errors: list[LineError], records: int) -> None:
        self.errors = sorted(errors, key=lambda e: e.line)
        self.records = records
        fields: dict[str, list[str]] = {}
        for error in self.errors:
            fields.setdefault(f"line {error.line}", []).append(str(error).split(": ", 1)[1])
        message = _("%(errors)d error(s) on %(lines)d of %(records)d line(s); nothing was imported.",
                    errors=len(self.errors), lines=len(fields), records=records)
        super().__init__(message, fields=fields)


class ImportConflict(Conflict):
    """A row changed while the import ran (optimistic locking); the caller must roll back."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do), per record type."""

    dry_run: bool
    records: int = 0
    counts: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in RECORD_TYPES})
    check_seconds: float = 0.0
    write_seconds: float = 0.0

    def summary(self) -> str:
        created, updated = ("to create", "to update") if self.dry_run else ("created", "updated")
        return "; ".join(
            f"{PLURALS[t]}: {c.created} {created}, {c.updated} {updated}, {c.unchanged} unchanged"
            for t, c in self.counts.items()
        )


# --- reading --------------------------------------------------------------------------------


def _lines(f: BinaryIO) -> Iterator[bytes | None]:
    """The file's lines; None for a line longer than MAX_LINE_BYTES (read past, never held)."""
    while True:
        raw = f.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := f.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield None
            continue
        yield raw


def _parsed_lines(path: Path, keep: Callable[[int], bool] | None = None) -> Iterator[tuple[int, Any, str]]:
    """(line number, record, problem) for each non-blank line; ``problem`` is "" if it parsed.

    Parsing is bounded as for API bodies (:mod:`marketplace.bounds`): no NaN or Infinity, no
    line longer than MAX_LINE_BYTES; values a record may not hold are reported by the check.
    """
    with path.open("rb") as f:
        for number, raw in enumerate(_lines(f), 1):
            if keep is not None and not keep(number):
                continue
            if raw is None:
                yield number, None, _("the line is longer than %(n)d bytes", n=MAX_LINE_BYTES)
                continue
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, None, _("not UTF-8 text (byte %(position)d)", position=exc.start + 1)
                continue
            try:
                yield number, bounds.loads(text), ""
            except bounds.MalformedJson as exc:
                cause = exc.__cause__
                if isinstance(cause, json.JSONDecodeError):
                    yield number, None, _("invalid JSON: %(reason)s (column %(column)d)", reason=cause.msg, column=cause.colno)
                else:
                    yield number, None, _("invalid JSON: %(reason)s", reason=exc)


# --- first pass: check everything -----------------------------------------------------------


@dataclass
class _Existing:
    """An organization already in the database."""

    id: int
    kind: str
    credit_code: str | None


@dataclass
class _FileIndex:
    """What the first pass keeps of the file: ids, references and errors, not the records."""

    records: int = 0
    errors: list[LineError] = field(default_factory=list)
    lines: dict[str, dict[str, int]] = field(default_factory=lambda: {t: {} for t in RECORD_TYPES})
    org_kinds: dict[str, str | None] = field(default_factory=dict)
    credit_codes: dict[str, tuple[str, int]] = field(default_factory=dict)
    references: list[tuple[int, str, str]] = field(default_factory=list)
    # Postings: external_id -> (line, status, expired), to check life-cycle changes of existing rows.
    statuses: dict[str, dict[str, tuple[int, Any, bool]]] = field(default_factory=lambda: {"listing": {}, "need": {}})
    today: str = field(default_factory=lambda: today().isoformat())

    def error(self, line: int, name: str, message: str) -> None:
        self.errors.append(LineError(line, name, message))

    def remember(self, number: int, record: Any) -> None:
        """Note the record's id, references and credit code; report duplicates within the file."""
        if not isinstance(record, dict):
            return
        kind, external_id = record.get("type"), record.get("external_id")
        if kind not in RECORD_TYPES or not isinstance(external_id, str):
            return
        first = self.lines[kind].setdefault(external_id, number)
        if first != number:
            self.error(number, "external_id", _("%(id)s is already the external_id of the %(type)s on line %(line)d",
                                                id=external_id, type=kind, line=first))
            return
        if kind == "organization":
            self.org_kinds[external_id] = record["kind"] if isinstance(record.get("kind"), str) else None
            code = record.get("credit_code")
            if isinstance(code, str) and code:
                holder, line = self.credit_codes.setdefault(code, (external_id, number))
                if holder != external_id:
                    self.error(number, "credit_code", _("already used by organization %(id)s on line %(line)d",
                                                        id=holder, line=line))
        else:
            if isinstance(record.get("organization"), str):
                self.references.append((number, kind, record["organization"]))
            status = record.get("status", "published")
            until = next((record.get(f) for f in lifecycle.EXPIRY_FIELDS[kind] if record.get(f) is not None), None)
            expired = isinstance(until, str) and until < self.today
            self.statuses[kind][external_id] = (number, status, expired)


def _existing_organizations(session: Session) -> dict[str, _Existing]:
    rows = session.execute(select(Organization.external_id, Organization.id, Organization.kind, Organization.credit_code))
    return {ext: _Existing(id_, kind, code) for ext, id_, kind, code in rows}


def _check_against_database(session: Session, index: _FileIndex, existing: dict[str, _Existing]) -> None:
    """References, needs of SMEs only, and credit codes held by other organizations."""
    for number, kind, org in index.references:
        if org in index.org_kinds:
            org_kind = index.org_kinds[org]
        elif org in existing:
            org_kind = existing[org].kind
        else:
            index.error(number, "organization", _("unknown organization %(id)s (neither in the file nor in the database)", id=org))
            continue
        if kind == "need" and org_kind is not None and org_kind != "sme":
            index.error(number, "organization", _("needs belong to SMEs; %(id)s is of kind %(kind)s", id=org, kind=org_kind))
    holders = {e.credit_code: ext for ext, e in existing.items() if e.credit_code}
    for code, (external_id, number) in index.credit_codes.items():
        holder = holders.get(code)
        if holder is not None and holder != external_id:
            index.error(number, "credit_code", _("already used by organization %(id)s in the database", id=holder))
    # Existing postings change status by the same rules as everywhere (listings.lifecycle).
    for kind, statuses in index.statuses.items():
        if not statuses:
            continue
        model = MODELS[kind]
        for external_id, current, archived_at in session.execute(select(model.external_id, model.status, model.archived_at)):
            if external_id not in statuses:
                continue
            number, target, expired = statuses[external_id]
            problem = transition_problem(current, target, archived=archived_at is not None, expired=expired)
            if problem:
                index.error(number, "status", problem[1])
    # An SME that stops being one must not keep needs in the database that the file leaves with it.
    demoted = {existing[ext].id: ext for ext, kind in index.org_kinds.items()
               if ext in existing and existing[ext].kind == "sme" and kind not in (None, "sme")}
    if demoted:
        rows = session.execute(select(Need.external_id, Need.organization_id).where(Need.organization_id.in_(demoted)))
        for org_ext in sorted({demoted[org_id] for need_ext, org_id in rows if need_ext not in index.lines["need"]}):
            index.error(index.lines["organization"][org_ext], "kind",
                        _("%(id)s has needs in the database, and needs belong to SMEs", id=org_ext))


def _check_file(session: Session, path: Path, progress: Progress | None) -> tuple[_FileIndex, dict[str, _Existing]]:
    """Check every line. Raises ImportFailed with every error found."""
    index = _FileIndex()
    for number, record, problem in _parsed_lines(path):
        index.records += 1
        if problem:
            index.error(number, "", problem)
            continue
        unbounded = bounds.json_problems(record)
        for where, message in unbounded.items():
            index.error(number, where, message)
        if unbounded:
            continue
        for error in record_errors(record):
            index.error(number, error.field, error.message)
        index.remember(number, record)
        if progress and index.records % PROGRESS_EVERY == 0:
            progress(f"checked {index.records:,} records")
    existing = _existing_organizations(session)
    _check_against_database(session, index, existing)
    if index.errors:
        raise ImportFailed(index.errors, index.records)
    return index, existing


# --- second pass: upsert --------------------------------------------------------------------


def _values(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """The record's column values; a field it leaves out gets its empty value (or default)."""
    values = {"external_id": record["external_id"]}
    for name in FIELDS[kind]:
        value = record.get(name)
        if value is None:
            value = _EMPTY[name]() if name in _EMPTY else None
        elif name in _DATES:
            value = bounds.parse_date(value)
        values[name] = value
    return values


def _classify(values: dict[str, Any], size_group: str | None) -> None:
    """Set the SME size class as the profile form does (keeping a size group that still applies)."""
    industry = values["industry"]
    if values["kind"] != "sme" or not industry:
        values["size_group"], values["size_class"] = size_group, None
        return
    chosen = size_group if size_group in group_choices_for_industry(industry) else None
    values["size_group"] = chosen
    values["size_class"] = classify(
        group_for_industry(industry, chosen),
        employees=values["employees"],
        revenue_cny=values["annual_revenue_cny"],
        assets_cny=values["total_assets_cny"],
    ).size_class


@dataclass
class _Writer:
    """Upserts batches of one record type; counts what it did."""

    session: Session
    kind: str
    ids: dict[str, int]  # external_id -> id of the rows already in the database
    counts: Counts
    apply: bool
    now: datetime
    batch: list[dict[str, Any]] = field(default_factory=list)

    @property
    def compared(self) -> tuple[str, ...]:
        return FIELDS[self.kind] + _DERIVED[self.kind]

    def _old_rows(self, batch: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        ids = [self.ids[v["external_id"]] for v in batch if v["external_id"] in self.ids]
        if not ids:
            return {}
        table = MODELS[self.kind].__table__
        names = ("id", "external_id", *self.compared, *(_LIFECYCLE if self.kind != "organization" else ()))
        rows = self.session.execute(select(*(table.c[n] for n in names)).where(table.c.id.in_(ids)))
        return {row.external_id: row._asdict() for row in rows}

    def add(self, values: dict[str, Any]) -> None:
        self.batch.append(values)
        if len(self.batch) == BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        """Insert new rows and update changed ones. Raises ImportConflict if a row changed meanwhile."""
        batch, self.batch = self.batch, []
        old_rows = self._old_rows(batch)
        inserts, updates = [], []
        for values in batch:
            old = old_rows.get(values["external_id"])
            if self.kind == "organization":
                _classify(values, old["size_group"] if old else None)
            if old is None:
                inserts.append(self._new(values))
            elif any(values[n] != old[n] for n in self.compared):
                updates.append(self._changed(values, old))
        self.counts.created += len(inserts)
        self.counts.updated += len(updates)
        self.counts.unchanged += len(batch) - len(inserts) - len(updates)
        if not self.apply:
            return
        # Core statements on the table: one executemany per batch (ORM bulk inserts split a batch
        # into one statement per pattern of NULL columns).
        table = MODELS[self.kind].__table__
        if inserts:
            self.session.execute(insert(table), inserts)
        if updates:
            statement = update(table).where(table.c.id == bindparam("_id"))
            if self.kind != "organization":
                statement = statement.where(table.c.version == bindparam("_version"))
            result = self.session.execute(statement, updates)
            if self.session.get_bind().dialect.supports_sane_multi_rowcount and result.rowcount != len(updates):
                raise ImportConflict(_("Some %(type)s rows changed while importing; nothing was imported. Try again.",
                                       type=self.kind))

    def _new(self, values: dict[str, Any]) -> dict[str, Any]:
        row = {**values, "created_at": self.now, "updated_at": self.now}
        if self.kind == "organization":
            row["verification_status"] = "unverified"
        else:
            status = values["status"]
            row.update(version=1, published_at=self.now if status == "published" else None,
                       closed_at=self.now if status == "closed" else None)
        return row

    def _changed(self, values: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
        row = {**values, "_id": old["id"], "updated_at": self.now}
        del row["external_id"]
        if self.kind != "organization":
            status = values["status"]
            published_at, closed_at = old["published_at"], old["closed_at"]
            if status == "published" and published_at is None:
                published_at = self.now
            if status == "closed" and old["status"] != "closed":
                closed_at = self.now
            row.update(_version=old["version"], version=old["version"] + 1,
                       published_at=published_at, closed_at=closed_at)
        return row


def _id_map(session: Session, kind: str) -> dict[str, int]:
    """external_id -> id of every row of one type, in one query."""
    table = MODELS[kind].__table__
    return {ext: id_ for ext, id_ in session.execute(select(table.c.external_id, table.c.id))}


def _write(
    session: Session, path: Path, index: _FileIndex, existing: dict[str, _Existing],
    report: ImportReport, progress: Progress | None,
) -> None:
    """Upsert organizations, then (with their ids known) listings and needs, in batches."""
    now, apply = utcnow(), not report.dry_run
    org_lines = set(index.lines["organization"].values())
    organizations = _Writer(session, "organization", {ext: e.id for ext, e in existing.items()},
                            report.counts["organization"], apply, now)
    for _number, record, _problem in _parsed_lines(path, keep=org_lines.__contains__):
        organizations.add(_values("organization", record))
    organizations.flush()
    if apply:
        org_ids = _id_map(session, "organization")
    else:  # a dry run writes nothing: new organizations get stand-in ids
        org_ids = {ext: e.id for ext, e in existing.items()}
        org_ids.update({ext: -n for n, ext in enumerate(index.org_kinds, 1) if ext not in org_ids})
    writers = {kind: _Writer(session, kind, _id_map(session, kind), report.counts[kind], apply, now)
               for kind in ("listing", "need")}
    done = len(org_lines)
    for _number, record, _problem in _parsed_lines(path, keep=lambda n: n not in org_lines):
        values = _values(record["type"], record)
        values["organization_id"] = org_ids[record["organization"]]
        writers[record["type"]].add(values)
        done += 1
        if progress and done % PROGRESS_EVERY == 0:
            progress(f"{done:,} of {report.records:,} records {'compared' if report.dry_run else 'written'}")
    for writer in writers.values():
        writer.flush()
    if apply:
        # Every listing written now, or of an organization written now, goes to the search index.
        from marketplace.search import outbox as search_outbox

        listings, organizations = MODELS["listing"].__table__, MODELS["organization"].__table__
        changed = session.scalars(select(listings.c.id).where(or_(
            listings.c.updated_at == now,
            listings.c.organization_id.in_(select(organizations.c.id).where(organizations.c.updated_at == now)),
        )))
        search_outbox.enqueue(session, changed)


def import_records(
    session: Session, path: Path | str, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Check a JSON Lines file of records, then upsert them by ``external_id`` (unless ``dry_run``).

    Writes in the session's transaction and flushes, but does not commit. ``progress``, if
    given, receives a line of text every ``PROGRESS_EVERY`` records.

    Raises ImportFailed (listing every error, before anything is written) if any line is bad,
    ImportConflict if a row changed concurrently, OSError if the file cannot be read. After
    an exception the caller must roll back.
    """
    path = Path(path)
    report = ImportReport(dry_run=dry_run)
    started = time.perf_counter()
    index, existing = _check_file(session, path, progress)
    report.records = index.records
    checked = time.perf_counter()
    report.check_seconds = checked - started
    _write(session, path, index, existing, report, progress)
    report.write_seconds = time.perf_counter() - checked
    return report
