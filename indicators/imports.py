"""Importing observations from the layouts statistics offices publish, and exporting them back.

Two layouts are read:

- Open SDG (used by some thirty national statistics offices): one CSV per indicator,
  `indicator_10-7-2.csv`, for one country: a `Year` column, any number of disaggregation
  columns (Series, Sex, Age, Units, Observation status...; an empty cell means "all"), and
  `Value`. An empty value, or a file with no observation (a header alone, or a note in place
  of data), means "no data".
- The long layout of the UN SDG Global Database: one row per value, with `Indicator`,
  `SeriesCode`, `GeoAreaCode` (M49), `TimePeriod`, `Value`, `Units` and dimension columns
  (`Sex`, `Age`... or `[Sex]`, `[Age]`... in portal downloads), for any number of areas.

An import is one transaction: it reads every row, and if any row is malformed it writes
nothing and reports each bad row with its file, line and reason. Rows are read one at a time
and written in batches, so a file of any size is never held in memory.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from indicators.counts import counted
from indicators.models import Area, AreaKind, Indicator, Observation, ObservationRevision
from indicators.periods import Period, parse_period

STORED_PLACES = Decimal("1e-10")
FILE_NAME = re.compile(r"^indicator_(\d+)-(\w+)-(\w+)\.csv$", re.IGNORECASE)
BATCH_SIZE = 2000
# Cells that sources write where they have no number: not an error, just no data.
NO_VALUE = {"", "nan", "na", "n/a", "nv", "..", "...", "-", "\u2013", "x"}


class Layout(enum.StrEnum):
    OPEN_SDG = "open-sdg"
    SDG_GLOBAL = "sdg-global"


# Columns of the UN SDG Global Database that describe a value rather than tell it apart.
SDG_GLOBAL_ATTRIBUTES = {
    "goal",
    "target",
    "indicator",
    "seriesdescription",
    "geoareacode",
    "geoareaname",
    "timeperiod",
    "value",
    "time_detail",
    "timecoverage",
    "upperbound",
    "lowerbound",
    "baseperiod",
    "source",
    "geoinfourl",
    "footnote",
    "nature",
}
# The series code tells values of one indicator apart; it reads as Open SDG's Series column.
SDG_GLOBAL_RENAMED = {"seriescode": "Series"}


@dataclass
class ImportSummary:
    files: int = 0
    files_without_data: int = 0
    rows: int = 0
    written: int = 0
    unchanged: int = 0
    empty_values: int = 0
    # Values given only as a bound ("<5", ">95"): the source itself holds no exact number.
    bounded_values: int = 0
    # Rows of the UN layout about indicators or areas this tracker does not follow.
    skipped: int = 0
    rejected: list[tuple[str, int, str]] = field(default_factory=list)


class ImportRejected(Exception):
    """The import found bad rows and wrote nothing; `summary.rejected` lists them all."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__(f"{counted(len(summary.rejected), 'row')} rejected")
        self.summary = summary


Progress = Callable[[float, str], None]


def indicator_for(file_name: str) -> Indicator | None:
    """The current-set indicator an Open SDG file name stands for (indicator_10-7-2.csv)."""
    match = FILE_NAME.match(file_name)
    if not match:
        return None
    code = ".".join(match.groups())
    return Indicator.objects.current().filter(sdg_code=code).select_related("indicator_set").first()


def observations_import(
    *,
    files: Iterable[Path | File],
    area: Area | None = None,
    layout: Layout = Layout.OPEN_SDG,
    source: str = "",
    progress: Progress | None = None,
    by: Any = None,
) -> ImportSummary:
    """Import files of one layout; raise ImportRejected, having written nothing, on bad rows.

    `files` are paths, or files Django holds (uploads), read from their start.

    Open SDG files need the `area` they describe; files of the UN layout name their areas on
    each row, and `area`, if given, keeps only that area's rows. Importing the same file twice
    changes nothing; a value that differs from the stored one replaces it, and the stored one
    is kept as an ObservationRevision naming `by` (who imports, if anyone) and the file.
    """
    if layout == Layout.OPEN_SDG and area is None:
        raise ValueError("Open SDG files hold one country's data: give the area.")
    files = list(files)
    summary = ImportSummary()
    say = progress or (lambda fraction, message: None)
    with transaction.atomic():
        sink = _ObservationSink(summary, by)
        read = _read_open_sdg if layout == Layout.OPEN_SDG else _read_sdg_global
        for done, file in enumerate(files):
            summary.files += 1
            name = Path(file.name).name

            def tell(fraction: float, done: int = done, name: str = name) -> None:
                say((done + fraction) / len(files), name)

            with _Reading(file, name, tell) as reading:
                try:
                    read(reading, area, sink, source or name, summary)
                except UnicodeDecodeError:
                    # Decoding runs ahead of the reader in chunks: no line can be named.
                    summary.rejected.append((name, 0, "not UTF-8 text: save the file as UTF-8"))
                except csv.Error as error:
                    summary.rejected.append(
                        (name, reading.reader.line_num, f"not readable as CSV: {error}")
                    )
            tell(1.0)
        sink.flush()
        if summary.rejected:
            raise ImportRejected(summary)
    return summary


class _Reading:
    """A CSV file opened for reading, telling how far through it the reader is."""

    # Rows between two progress reports: often enough to watch, rarely enough to cost nothing.
    REPORT_EVERY = 10_000

    def __init__(self, file: Path | File, name: str, tell: Callable[[float], None]) -> None:
        self.file = file
        self.name = name
        self.size = max(file.stat().st_size if isinstance(file, Path) else file.size, 1)
        self.tell = tell

    def __enter__(self) -> _Reading:
        # An upload's own file object, so the reader sees plain bytes whatever Django wraps.
        self.raw = (
            self.file.open("rb") if isinstance(self.file, Path) else self.file.open("rb").file
        )
        self.text = io.TextIOWrapper(self.raw, encoding="utf-8-sig", newline="")
        # Strict, so a quote left open is an error rather than a value swallowing the lines after.
        self.reader = csv.reader(self.text, strict=True)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.text.close()

    def header(self) -> list[str]:
        return [cell.strip() for cell in next(self.reader, None) or []]

    def rows(self, width: int, summary: ImportSummary) -> Iterator[tuple[int, list[str]]]:
        """Non-blank rows with their line numbers; rows of the wrong width are rejected."""
        for row in self.reader:
            if not any(cell.strip() for cell in row):
                continue
            summary.rows += 1
            if summary.rows % self.REPORT_EVERY == 0:
                self.tell(min(self.raw.tell() / self.size, 1.0))
            if len(row) != width:
                summary.rejected.append(
                    (
                        self.name,
                        self.reader.line_num,
                        f"{len(row)} cells where the header has {width}",
                    )
                )
                continue
            yield self.reader.line_num, row


def _read_value(raw: str, summary: ImportSummary) -> Decimal | None:
    """The stored value of a cell, None for no data; raise ValueError if it cannot be read."""
    text = raw.strip()
    if text.lower() in NO_VALUE:
        summary.empty_values += 1
        return None
    if text[0] in "<>≤≥":
        summary.bounded_values += 1
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValueError(f"value {raw!r} is not a number")
    # Stored with ten decimal places; compare what will be stored, or every re-import of a
    # value with more digits would look like a change.
    return value.quantize(STORED_PLACES)


def _read_open_sdg(
    reading: _Reading,
    area: Area | None,
    sink: _ObservationSink,
    source: str,
    summary: ImportSummary,
) -> None:
    indicator = indicator_for(reading.name)
    if indicator is None:
        summary.rejected.append((reading.name, 0, "no current indicator matches this file name"))
        return
    columns = reading.header()
    lowered = [c.lower() for c in columns]
    if "year" not in lowered or "value" not in lowered:
        if len(columns) <= 1:
            summary.files_without_data += 1  # empty, or a note in place of data
        else:
            summary.rejected.append(
                (reading.name, 1, "layout not recognised: no Year and Value columns")
            )
        return
    year_at, value_at = lowered.index("year"), lowered.index("value")
    dimensions = [(i, c) for i, c in enumerate(columns) if i not in (year_at, value_at)]
    found = 0  # values, not rows: a file whose rows all lack a value holds no data
    for line, row in reading.rows(len(columns), summary):
        # A row without a value is "no data", whatever its period says (offices write notes
        # there); its period is read only when there is a value to place.
        try:
            value = _read_value(row[value_at], summary)
            period = parse_period(row[year_at]) if value is not None else None
        except ValueError as error:
            summary.rejected.append((reading.name, line, str(error)))
            continue
        if value is not None:
            found += 1
            disaggregation = {col: row[i].strip() for i, col in dimensions if row[i].strip()}
            sink.add(reading.name, line, indicator, area, period, disaggregation, value, source)
    if not found:
        summary.files_without_data += 1


def _read_sdg_global(
    reading: _Reading,
    only_area: Area | None,
    sink: _ObservationSink,
    source: str,
    summary: ImportSummary,
) -> None:
    columns = [c.strip("[] ") for c in reading.header()]
    lowered = [c.lower() for c in columns]
    required = ("indicator", "geoareacode", "timeperiod", "value")
    missing = [name for name in required if name not in lowered]
    if missing:
        if len(columns) <= 1:
            summary.files_without_data += 1
        else:
            summary.rejected.append(
                (reading.name, 1, f"layout not recognised: no {', '.join(missing)} column")
            )
        return
    at = {name: lowered.index(name) for name in required}
    source_at = lowered.index("source") if "source" in lowered else None
    dimensions = [
        (i, SDG_GLOBAL_RENAMED.get(low, column))
        for i, (column, low) in enumerate(zip(columns, lowered, strict=True))
        if low not in SDG_GLOBAL_ATTRIBUTES
    ]
    indicators = {i.sdg_code: i for i in Indicator.objects.current().filter(sdg_code__gt="")}
    areas = {a.m49: a for a in Area.objects.exclude(m49=None).exclude(kind=AreaKind.COMMISSION)}
    found = 0  # values, not rows: a file whose rows all lack a value holds no data
    for line, row in reading.rows(len(columns), summary):
        # Portal downloads write the indicator as a list: "['10.c.1']".
        indicator = indicators.get(row[at["indicator"]].strip("[]'\" "))
        code = row[at["geoareacode"]].strip()
        if not code.isdigit():
            summary.rejected.append(
                (reading.name, line, f"GeoAreaCode {code!r} is not an M49 code")
            )
            continue
        area = areas.get(code.zfill(3))
        if indicator is None or area is None or (only_area and area != only_area):
            summary.skipped += 1
            continue
        try:
            value = _read_value(row[at["value"]], summary)
            period = parse_period(row[at["timeperiod"]]) if value is not None else None
        except ValueError as error:
            summary.rejected.append((reading.name, line, str(error)))
            continue
        if value is not None:
            found += 1
            disaggregation = {col: row[i].strip() for i, col in dimensions if row[i].strip()}
            row_source = row[source_at].strip() if source_at is not None else ""
            sink.add(
                reading.name,
                line,
                indicator,
                area,
                period,
                disaggregation,
                value,
                row_source or source,
            )
    if not found:
        summary.files_without_data += 1


@dataclass(frozen=True)
class _Point:
    indicator: Indicator
    area: Area
    period: Period
    disaggregation: dict[str, str]
    key: str
    value: Decimal
    source: str
    file: str


class _ObservationSink:
    """Collects read values and writes them in batches: a few queries per batch, not per row.

    Once any row has been rejected nothing more is written (the transaction will be rolled
    back anyway); reading goes on only to find every bad row.
    """

    def __init__(self, summary: ImportSummary, by: Any) -> None:
        self.summary = summary
        self.by = by
        self.pending: list[_Point] = []
        # Where each point was first read, so a repeated one is named rather than overwritten.
        # Keyed by the hash of the point's identity, not the identity itself: a tenth of the
        # memory on a file of 100,000 rows, and two identities sharing a 64-bit hash in one
        # file is a chance of about one in a billion.
        self.seen: dict[int, tuple[str, int]] = {}

    def add(
        self,
        name: str,
        line: int,
        indicator: Indicator,
        area: Area,
        period: Period,
        disaggregation: dict[str, str],
        value: Decimal,
        source: str,
    ) -> None:
        key = Observation.key_for(disaggregation)
        identity = hash((indicator.pk, area.pk, period.start, period.end, key))
        if first := self.seen.get(identity):
            where = f"line {first[1]}" if first[0] == name else f"{first[0]} line {first[1]}"
            self.summary.rejected.append((name, line, f"same period and disaggregation as {where}"))
            return
        self.seen[identity] = (name, line)
        if self.summary.rejected:
            return
        self.pending.append(
            _Point(indicator, area, period, disaggregation, key, value, source[:500], name)
        )
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        groups: dict[tuple[int, int], list[_Point]] = defaultdict(list)
        for point in self.pending:
            groups[point.indicator.pk, point.area.pk].append(point)
        self.pending = []
        if self.summary.rejected:
            return
        for (indicator_id, area_id), points in groups.items():
            self._write(indicator_id, area_id, points)

    def _write(self, indicator_id: int, area_id: int, points: list[_Point]) -> None:
        existing = {
            (o.period_start, o.period_end, o.disaggregation_key): o
            for o in Observation.objects.filter(
                indicator_id=indicator_id,
                area_id=area_id,
                period_start__in={p.period.start for p in points},
                disaggregation_key__in={p.key for p in points},
            )
        }
        now = timezone.now()
        new, changed, revisions = [], [], []
        for p in points:
            stored = existing.get((p.period.start, p.period.end, p.key))
            if stored is None:
                new.append(
                    Observation(
                        indicator=p.indicator,
                        area=p.area,
                        period_label=p.period.label,
                        period_start=p.period.start,
                        period_end=p.period.end,
                        disaggregation=p.disaggregation,
                        disaggregation_key=p.key,
                        value=p.value,
                        source=p.source,
                    )
                )
            elif stored.value == p.value:
                self.summary.unchanged += 1
            else:
                revisions.append(
                    ObservationRevision(
                        observation=stored,
                        value=stored.value,
                        unit=stored.unit,
                        source=stored.source,
                        note=stored.note,
                        replaced_by=self.by,
                        reason=f"Import of {p.file}"[:300],
                    )
                )
                stored.value, stored.source, stored.updated_at = p.value, p.source, now
                stored.period_label = p.period.label
                changed.append(stored)
        Observation.objects.bulk_create(new, batch_size=500)
        Observation.objects.bulk_update(
            changed, ["value", "source", "period_label", "updated_at"], batch_size=500
        )
        ObservationRevision.objects.bulk_create(revisions, batch_size=500)
        self.summary.written += len(new) + len(changed)


def observations_export(*, indicator: Indicator, area: Area, out: IO[str] | None = None) -> str:
    """The area's observations of an indicator in the Open SDG layout.

    Written to `out` if given (then an empty string is returned), else returned as text.
    """
    observations = Observation.objects.filter(indicator=indicator, area=area).order_by(
        "period_start", "period_end", "disaggregation_key"
    )
    dimensions = sorted(
        {name for d in observations.values_list("disaggregation", flat=True) for name in d}
    )
    buffer = out or io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Year", *dimensions, "Value"])
    for o in observations.only("period_label", "disaggregation", "value").iterator():
        cells = [o.disaggregation.get(name, "") for name in dimensions]
        writer.writerow([o.period_label, *cells, f"{o.value.normalize():f}"])
    return "" if out is not None else buffer.getvalue()
