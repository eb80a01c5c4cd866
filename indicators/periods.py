"""Periods as statistics offices write them: a year, a quarter, a month, a span of years.

The label is kept as written; a sortable start and end are derived from it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date


YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
QUARTER = re.compile(r"^(\d{4})\s*[-/ ]?\s*Q([1-4])$|^Q([1-4])\s*[-/ ]?\s*(\d{4})$", re.IGNORECASE)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
SPAN = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
# Footnote marks offices append: "2019/20 [Note 5]", "2021 (p)", "2020*".
NOTE = re.compile(r"\s*(\[[^\]]*\]|\((?:p|r|e|provisional|revised|estimated?)\)|\*+)\s*$", re.I)


def parse_period(raw: str) -> Period:
    """Read a period label; raise ValueError saying what was expected."""
    label = raw.strip()
    text = label
    while (note := NOTE.search(text)) and note.start() > 0:
        text = text[: note.start()]
    if match := YEAR.match(text):
        year = int(match.group(1))
        return Period(label, dt.date(year, 1, 1), dt.date(year, 12, 31))
    if match := QUARTER.match(text):
        year = int(match.group(1) or match.group(4))
        quarter = int(match.group(2) or match.group(3))
        first = 3 * quarter - 2
        last_day = calendar.monthrange(year, first + 2)[1]
        return Period(label, dt.date(year, first, 1), dt.date(year, first + 2, last_day))
    if match := MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            last_day = calendar.monthrange(year, month)[1]
            return Period(label, dt.date(year, month, 1), dt.date(year, month, last_day))
    if match := SPAN.match(text):
        first = int(match.group(1))
        second = match.group(2)
        # "2016/17": the second year is written with two digits, in the same century.
        last = int(second) if len(second) == 4 else first - first % 100 + int(second)
        if last < first:
            last += 100
        if last - first <= 10:
            return Period(label, dt.date(first, 1, 1), dt.date(last, 12, 31))
    raise ValueError(
        f"period {raw!r} is not a year (2019), a quarter (2013 Q1), a month (2019-05) "
        "or a span of years (2016/17)"
    )
