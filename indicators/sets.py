"""Importing an indicator set, or a new version of one, from a CSV or XLSX table.

One row per indicator. Columns, in any order, named as a person would write them:
`code`, `name` (required), `short name`, `unit`, `direction` (increase / decrease, or
"higher is better" / "lower is better"; empty for none), `SDG code`, `custodian`,
`objectives` (numbers separated by commas or semicolons, or `all`), and optionally `notes`,
`description`, `source`, `target value` with `target year` (a target for every area).

A version, once imported, does not change: pledge targets keep pointing at the indicator of
the version they chose. Importing the same version again with the same content changes
nothing; with other content it is refused. A new version becomes the current one unless told
otherwise, and takes over the observations of the indicators it carries on (same code, or
same name for an indicator without one).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.db.models import Q

from indicators.counts import counted
from indicators.models import (
    Direction,
    Indicator,
    IndicatorSet,
    IndicatorTarget,
    Objective,
    Observation,
)

OBJECTIVE_COUNT = 23
SDG_CODE = re.compile(r"^\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}$")
# Header spellings people use, to the field they mean.
COLUMNS = {
    "code": "code",
    "indicator code": "code",
    "name": "name",
    "indicator": "name",
    "short name": "short_name",
    "short": "short_name",
    "unit": "unit",
    "units": "unit",
    "direction": "direction",
    "sdg code": "sdg_code",
    "sdg": "sdg_code",
    "sdg indicator": "sdg_code",
    "custodian": "custodian",
    "custodians": "custodian",
    "custodian agency": "custodian",
    "objectives": "objectives",
    "gcm objectives": "objectives",
    "notes": "notes",
    "description": "description",
    "source": "source",
    "target value": "target_value",
    "target": "target_value",
    "target year": "target_year",
}
DIRECTIONS = {
    "": Direction.UNSPECIFIED,
    "unspecified": Direction.UNSPECIFIED,
    "none": Direction.UNSPECIFIED,
    "increase": Direction.INCREASE,
    "higher is better": Direction.INCREASE,
    "up": Direction.INCREASE,
    "decrease": Direction.DECREASE,
    "lower is better": Direction.DECREASE,
    "down": Direction.DECREASE,
}
LIMITS = {"code": 30, "name": 500, "short_name": 120, "unit": 200, "custodian": 300, "source": 500}


@dataclass
class SetRow:
    line: int
    code: str
    name: str
    values: dict[str, Any]
    objectives: list[int]
    target: tuple[Decimal, int] | None

    def content(self) -> tuple:
        """What makes two versions' indicators the same, to tell a re-import from a change."""
        return (
            self.code,
            self.name,
            tuple(sorted(self.values.items())),
            tuple(sorted(self.objectives)),
            self.target,
        )


@dataclass
class SetImportResult:
    indicator_set: IndicatorSet
    created: bool
    indicators: int
    carried_on: int = 0


@dataclass
class SetImportRejected(Exception):
    """The table has bad rows (or clashes with a stored version); nothing was written."""

    rejected: list[tuple[int, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{counted(len(self.rejected), 'problem')}: " + "; ".join(
            f"line {line}: {reason}" if line else reason for line, reason in self.rejected
        )


def indicator_set_import(
    *,
    file: IO[bytes],
    filename: str,
    code: str,
    version: str,
    name: str = "",
    description: str = "",
    source: str = "",
    make_current: bool = True,
) -> SetImportResult:
    """Import a version of the set `code` from a CSV or XLSX table, all rows or none.

    Raises SetImportRejected listing every bad row (by line, the header being line 1), or a
    clash with the stored version of the same number.
    """
    rejected: list[tuple[int, str]] = []
    rows = _parse(_table(file, filename), rejected)
    if not rows and not rejected:
        rejected.append((0, "the table holds no indicator"))
    previous = IndicatorSet.objects.filter(code=code).order_by("-is_current", "-created_at").first()
    name = name or (previous.name if previous else "")
    if not name:
        rejected.append((0, f"the set {code!r} is new: give it a name"))
    if rejected:
        raise SetImportRejected(rejected)

    with transaction.atomic():
        stored = IndicatorSet.objects.filter(code=code, version=version).first()
        if stored is not None:
            if _stored_content(stored) != sorted(r.content() for r in rows):
                raise SetImportRejected(
                    [
                        (
                            0,
                            f"version {version} of {code!r} exists with other content; a "
                            "version does not change once imported: give a new version",
                        )
                    ]
                )
            if make_current and not stored.is_current:
                _make_current(stored)
            return SetImportResult(stored, created=False, indicators=len(rows))

        if make_current:
            IndicatorSet.objects.current().filter(code=code).update(is_current=False)
        indicator_set = IndicatorSet.objects.create(
            code=code,
            version=version,
            name=name,
            description=description or (previous.description if previous else ""),
            source=source,
            is_current=make_current or previous is None,
        )
        indicators = Indicator.objects.bulk_create(
            [
                Indicator(indicator_set=indicator_set, code=r.code, name=r.name, **r.values)
                for r in rows
            ]
        )
        objectives = {o.number: o for o in Objective.objects.all()}
        Indicator.objectives.through.objects.bulk_create(
            [
                Indicator.objectives.through(indicator=indicator, objective=objectives[number])
                for indicator, row in zip(indicators, rows, strict=True)
                for number in row.objectives
            ]
        )
        IndicatorTarget.objects.bulk_create(
            [
                IndicatorTarget(indicator=indicator, value=row.target[0], year=row.target[1])
                for indicator, row in zip(indicators, rows, strict=True)
                if row.target
            ]
        )
        carried = _carry_on(indicator_set, indicators) if indicator_set.is_current else 0
    return SetImportResult(indicator_set, created=True, indicators=len(rows), carried_on=carried)


def indicator_set_make_current(*, indicator_set: IndicatorSet) -> None:
    """Offer this version for new pledge targets, and give it the data of what it carries on."""
    with transaction.atomic():
        _make_current(indicator_set)


def _make_current(indicator_set: IndicatorSet) -> None:
    IndicatorSet.objects.current().filter(code=indicator_set.code).update(is_current=False)
    indicator_set.is_current = True
    indicator_set.save(update_fields=["is_current"])
    _carry_on(indicator_set, list(indicator_set.indicators.all()))


def _carry_on(indicator_set: IndicatorSet, indicators: list[Indicator]) -> int:
    """Hand the observations of earlier versions' indicators to this version's.

    An indicator is the same across versions by its code, or by its name where it has no
    code (proposed indicators often have none yet). Observations measure the indicator as
    offices publish it, not a version of our list, so they follow the current version;
    earlier rows point at their successor for readers.
    """
    by_identity = {i.code or f"name:{i.name}": i for i in indicators}
    codes = [i.code for i in indicators if i.code]
    names = [i.name for i in indicators if not i.code]
    earlier = (
        Indicator.objects.filter(indicator_set__code=indicator_set.code)
        .filter(Q(code__in=codes) | Q(code="", name__in=names))
        .exclude(indicator_set=indicator_set)
    )
    carried = 0
    for old in earlier:
        new = by_identity[old.code or f"name:{old.name}"]
        carried += Observation.objects.filter(indicator=old).update(indicator=new)
        # Every earlier row points at the newest, so a reader follows one step, never a chain.
        Indicator.objects.filter(Q(pk=old.pk) | Q(superseded_by=old)).update(superseded_by=new)
    # Made current again after a later version: this version is nobody's predecessor now.
    Indicator.objects.filter(pk__in=[i.pk for i in indicators]).update(superseded_by=None)
    return carried


def _stored_content(indicator_set: IndicatorSet) -> list[tuple]:
    indicators = indicator_set.indicators.prefetch_related("objectives", "targets")
    rows = []
    for i in indicators:
        target = next((t for t in i.targets.all() if t.area_id is None), None)
        rows.append(
            SetRow(
                line=0,
                code=i.code,
                name=i.name,
                values={key: getattr(i, key) for key in _VALUE_FIELDS},
                objectives=[o.number for o in i.objectives.all()],
                target=(target.value, target.year) if target else None,
            ).content()
        )
    return sorted(rows)


_VALUE_FIELDS = (
    "short_name",
    "unit",
    "direction",
    "sdg_code",
    "custodian",
    "notes",
    "description",
    "source",
    "position",
)


def _table(file: IO[bytes], filename: str) -> Iterator[tuple[int, list[str]]]:
    """Rows of the first sheet or of the CSV as text cells, with their line numbers."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
            raise SetImportRejected([(0, f"not a readable XLSX file ({error})")]) from error
        sheet = workbook.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_cell_text(c) for c in cells]
        workbook.close()
        return
    if not filename.lower().endswith((".csv", ".txt")):
        raise SetImportRejected([(0, "give a .csv or .xlsx file")])
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except UnicodeDecodeError as error:
        raise SetImportRejected([(0, "the CSV is not UTF-8 text")]) from error
    except csv.Error as error:
        raise SetImportRejected([(reader.line_num, f"not readable as CSV: {error}")]) from error
    finally:
        text.detach()  # the caller opened the file and closes it


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _parse(table: Iterator[tuple[int, list[str]]], rejected: list[tuple[int, str]]) -> list[SetRow]:
    header_line, header = next(table, (1, []))
    fields: list[str | None] = []
    for cell in header:
        label = re.sub(r"[\s_\-]+", " ", cell.strip().lower())
        if label and label not in COLUMNS:
            rejected.append((header_line, f"unknown column {cell.strip()!r}"))
        fields.append(COLUMNS.get(label))
    if "name" not in fields:
        rejected.append((header_line, "no name column"))
    if rejected:
        return []
    rows: list[SetRow] = []
    codes: dict[str, int] = {}
    names: dict[str, int] = {}
    for line, cells in table:
        if not any(c.strip() for c in cells):
            continue
        record = {
            f: (cells[i].strip() if i < len(cells) else "") for i, f in enumerate(fields) if f
        }
        row = _row(line, record, len(rows) + 1, rejected)
        if row is None:
            continue
        for seen, value, what in ((codes, row.code, "code"), (names, row.name, "name")):
            if value and value in seen:
                rejected.append((line, f"{what} {value!r} is already on line {seen[value]}"))
            seen.setdefault(value, line)
        rows.append(row)
    return rows


def _row(
    line: int, record: dict[str, str], position: int, rejected: list[tuple[int, str]]
) -> SetRow | None:
    problems = []
    for key, limit in LIMITS.items():
        if len(record.get(key, "")) > limit:
            problems.append(f"{key.replace('_', ' ')} is longer than {limit} characters")
    if not record.get("name"):
        problems.append("name is empty")
    direction = DIRECTIONS.get(record.get("direction", "").lower())
    if direction is None:
        problems.append(f"direction {record['direction']!r} is not increase or decrease")
    sdg_code = record.get("sdg_code", "")
    if sdg_code and not SDG_CODE.match(sdg_code):
        problems.append(f"SDG code {sdg_code!r} is not like 10.7.2")
    objectives = _objectives(record.get("objectives", ""), problems)
    target = _target(record.get("target_value", ""), record.get("target_year", ""), problems)
    if problems:
        rejected.extend((line, problem) for problem in problems)
        return None
    values = {
        "short_name": record.get("short_name", ""),
        "unit": record.get("unit", ""),
        "direction": str(direction),
        "sdg_code": sdg_code,
        "custodian": record.get("custodian", ""),
        "notes": record.get("notes", ""),
        "description": record.get("description", ""),
        "source": record.get("source", ""),
        "position": position,
    }
    return SetRow(line, record.get("code", ""), record["name"], values, objectives, target)


def _objectives(text: str, problems: list[str]) -> list[int]:
    if text.strip().lower() == "all":
        return list(range(1, OBJECTIVE_COUNT + 1))
    numbers = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;\s]+", text))):
        if not part.isdecimal() or not 1 <= int(part) <= OBJECTIVE_COUNT:
            problems.append(f"objective {part!r} is not a number from 1 to {OBJECTIVE_COUNT}")
        elif int(part) not in numbers:
            numbers.append(int(part))
    return numbers


def _target(value: str, year: str, problems: list[str]) -> tuple[Decimal, int] | None:
    if not value and not year:
        return None
    if not (value and year):
        problems.append("a target needs both a target value and a target year")
        return None
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        problems.append(f"target value {value!r} is not a number")
        return None
    if not year.isdecimal() or not 2016 <= int(year) <= 2100:
        problems.append(f"target year {year!r} is not a year after 2015")
        return None
    return number.quantize(Decimal("1e-10")), int(year)
