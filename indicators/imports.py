"""Importing observations from the Open SDG data layout, and exporting them back.

Open SDG (used by some thirty national statistics offices) keeps one CSV per indicator,
`indicator_10-7-2.csv`: a `Year` column, any number of disaggregation columns (Series, Sex,
Age, Units, Observation status...; an empty cell means "all"), then `Value`. An empty value,
or a file with no observation (a header alone, or a note in place of data), means "no data".

An import is one transaction: it reads every row, and if any row is malformed it writes
nothing and reports each bad row with its file, line and reason. It reads row by row, so
large files are never loaded whole.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from indicators.models import Area, Indicator, Observation, ObservationRevision
from indicators.periods import parse_period

STORED_PLACES = Decimal("1e-10")
FILE_NAME = re.compile(r"^indicator_(\d+)-(\w+)-(\w+)\.csv$", re.IGNORECASE)


@dataclass
class ImportSummary:
    files: int = 0
    files_without_data: int = 0
    rows: int = 0
    written: int = 0
    unchanged: int = 0
    empty_values: int = 0
    rejected: list[tuple[str, int, str]] = field(default_factory=list)


class ImportRejected(Exception):
    """The import found bad rows and wrote nothing; `summary.rejected` lists them all."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__(f"{len(summary.rejected)} row(s) rejected")
        self.summary = summary


def indicator_for(path: Path) -> Indicator | None:
    """The current-set indicator an Open SDG file name stands for (indicator_10-7-2.csv)."""
    match = FILE_NAME.match(path.name)
    if not match:
        return None
    code = ".".join(match.groups())
    return (
        Indicator.objects.filter(sdg_code=code, indicator_set__is_current=True)
        .select_related("indicator_set")
        .first()
    )


def observations_import(
    *,
    files: Iterable[Path],
    area: Area,
    source: str = "",
    progress: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Import Open SDG files for one area; raise ImportRejected (writing nothing) on bad rows."""
    summary = ImportSummary()
    say = progress or (lambda message: None)
    with transaction.atomic():
        for path in files:
            summary.files += 1
            indicator = indicator_for(path)
            if indicator is None:
                summary.rejected.append(
                    (path.name, 0, "no current indicator matches this file name")
                )
                continue
            with path.open(encoding="utf-8-sig", newline="") as handle:
                _import_rows(handle, path.name, indicator, area, source or path.name, summary)
            say(f"{path.name}: {indicator.code}")
        if summary.rejected:
            raise ImportRejected(summary)
    return summary


def _import_rows(
    handle: io.TextIOBase,
    name: str,
    indicator: Indicator,
    area: Area,
    source: str,
    summary: ImportSummary,
) -> None:
    reader = csv.reader(handle)
    header = next(reader, None)
    columns = [c.strip() for c in header] if header else []
    lowered = [c.lower() for c in columns]
    if "year" not in lowered or "value" not in lowered:
        if len(columns) <= 1:
            summary.files_without_data += 1  # empty, or a note in place of data
        else:
            summary.rejected.append((name, 1, "layout not recognised: no Year and Value columns"))
        return
    year_at, value_at = lowered.index("year"), lowered.index("value")
    dimensions = [(i, c) for i, c in enumerate(columns) if i not in (year_at, value_at)]
    found = 0
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num
        summary.rows += 1
        found += 1
        if len(row) != len(columns):
            summary.rejected.append(
                (name, line, f"{len(row)} cells where the header has {len(columns)}")
            )
            continue
        raw_value = row[value_at].strip()
        if not raw_value:
            summary.empty_values += 1
            continue
        try:
            period = parse_period(row[year_at])
            value = Decimal(raw_value.replace(",", ""))
            if not value.is_finite():
                raise InvalidOperation
            # Stored with ten decimal places; compare what will be stored, or every re-import
            # of a value with more digits would look like a change.
            value = value.quantize(STORED_PLACES)
        except ValueError as error:
            summary.rejected.append((name, line, str(error)))
            continue
        except InvalidOperation:
            summary.rejected.append((name, line, f"value {raw_value!r} is not a number"))
            continue
        disaggregation = {col: row[i].strip() for i, col in dimensions if row[i].strip()}
        if summary.rejected:
            continue  # nothing will be written: keep reading only to find every bad row
        _upsert(indicator, area, period, disaggregation, value, source, summary)
    if not found:
        summary.files_without_data += 1


def _upsert(indicator, area, period, disaggregation, value, source, summary) -> None:
    key = Observation.key_for(disaggregation)
    existing = Observation.objects.filter(
        indicator=indicator,
        area=area,
        period_start=period.start,
        period_end=period.end,
        disaggregation_key=key,
    ).first()
    if existing is None:
        Observation.objects.create(
            indicator=indicator,
            area=area,
            period_label=period.label,
            period_start=period.start,
            period_end=period.end,
            disaggregation=disaggregation,
            value=value,
            source=source,
        )
        summary.written += 1
    elif existing.value == value:
        summary.unchanged += 1
    else:
        ObservationRevision.objects.create(
            observation=existing, value=existing.value, source=existing.source
        )
        existing.value, existing.source = value, source
        existing.save(update_fields=["value", "source", "updated_at"])
        summary.written += 1


def observations_export(*, indicator: Indicator, area: Area) -> str:
    """The area's observations of an indicator in the Open SDG layout."""
    observations = list(
        Observation.objects.filter(indicator=indicator, area=area).order_by(
            "period_start", "period_end", "disaggregation_key"
        )
    )
    dimensions = sorted({name for o in observations for name in o.disaggregation})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Year", *dimensions, "Value"])
    for o in observations:
        cells = [o.disaggregation.get(name, "") for name in dimensions]
        writer.writerow([o.period_label, *cells, f"{o.value.normalize():f}"])
    return buffer.getvalue()
