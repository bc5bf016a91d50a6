"""CSV files the platform writes, safe to open in a spreadsheet program.

Every CSV goes through :func:`csv_text`: UTF-8 with a byte-order mark (so that Excel reads the
Chinese text), proper quoting, and every text cell neutralised that a spreadsheet would run as a
formula (CSV injection: a delegate named ``=HYPERLINK(...)`` or ``@SUM(...)``). Such a cell is
prefixed with an apostrophe, which spreadsheet programs show as text; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

# What a spreadsheet reads as the start of a formula (OWASP), also after leading spaces, and the
# full-width forms some programs accept too.
FORMULA_START = frozenset("=+-@\t\r\n|＝＋－＠")


def cell(value: Any) -> Any:
    """A value for a CSV cell: texts that would start a formula get an apostrophe in front."""
    if isinstance(value, str):
        stripped = value.lstrip(" \u3000")
        if stripped and stripped[0] in FORMULA_START:
            return "'" + value
    return value


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """A whole CSV document (with a BOM) from a header row and data rows."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell(str(h)) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return buffer.getvalue()
