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

A table is read within caps (file size, what an XLSX unpacks to, rows, columns, cell length)
and refused beyond them with the reason, so a hostile or mistaken file costs neither time nor
memory; a reason quotes at most the first few dozen characters of the input it is about.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation
from typing import IO, Any
from xml.parsers import expat

from django.db import transaction
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.models import (
    Direction,
    Indicator,
    IndicatorSet,
    IndicatorTarget,
    Objective,
    Observation,
)

OBJECTIVE_COUNT = 23
# An SDG indicator (10.7.2), or a national one that an office numbers under it (10.7.2.1).
SDG_CODE = re.compile(r"^\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}(?:\.[0-9a-z]{1,3})?$")
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
FIRST_TARGET_YEAR = 2016  # targets run from the 2015 baseline (IndicatorTarget.base_year)
LAST_TARGET_YEAR = 2100  # as the model's constraint
# IndicatorTarget.value holds 30 digits, 10 after the point, but SQLite stores a binary float
# that rounds a value just under 10**20 up to one the field cannot read back: 18 at most.
TARGET_VALUE_BELOW = Decimal(10) ** 18
TARGET_PLACES = Decimal("1e-10")

# What an import reads at most. An honest indicator table has tens to a few hundred rows of
# short text; these caps leave room for many times that, and refuse the rest before it costs
# time or memory (a 101 KB workbook once unpacked to 100 MB: 13 s and 700 MB to refuse).
MB = 1024 * 1024
MAX_FILE_BYTES = 10 * MB  # the CSV or XLSX as uploaded: ten thousand rows of 1 KB each
MAX_ROWS = 10_000  # rows below the header, blank ones included
MAX_COLUMNS = 100  # filled ones; a table has about fifteen columns to choose from
MAX_CELL_CHARS = 5_000  # ten times the longest name, and room for a long description
# Beyond this a CSV line cannot be a row within the caps above; csv would split it in memory.
MAX_LINE_CHARS = MAX_COLUMNS * MAX_CELL_CHARS
# An XLSX is a zip of XML parts, whose size says little about what it unpacks to: the table's
# sheet and its shared strings are the big parts, well under 20 MB for ten thousand rows.
MAX_XLSX_UNPACKED_BYTES = 50 * MB
MAX_XLSX_PART_BYTES = 20 * MB
MAX_XLSX_RATIO = 100  # spreadsheet XML packs 5 to 20 times smaller; a zip bomb, 1,000 times
# openpyxl's time and memory follow the number of XML elements, which bytes bound only
# loosely: 4 MB of empty cells `<c/>` (8 KB zipped) cost it 3 s and 340 MB. Ten thousand rows
# of twenty cells and their strings make about 600,000 elements. It builds a row's cells at
# once, so no element may hold more than a sheet's rows or a string table's strings need;
# and a tag of a million attributes costs 450 MB before any count can stop it, so no run of
# bytes between two tags may be longer than the XML of the longest cell we read.
MAX_XLSX_ELEMENTS = 1_000_000
MAX_XLSX_CHILDREN = 100_000
MAX_XLSX_RUN_BYTES = 64 * 1024
# A reason about bad input quotes this much of it: enough to find the cell.
QUOTED_CHARS = 40
MAX_PROBLEMS = 100  # listed for one table; the rest wait for the next try


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
        count = len(self.rejected)
        problems = "; ".join(
            _("line %(line)s: %(reason)s") % {"line": line, "reason": reason} if line else reason
            for line, reason in self.rejected
        )
        return ngettext(
            "%(count)s problem: %(problems)s", "%(count)s problems: %(problems)s", count
        ) % {"count": _grouped(count), "problems": problems}


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
        rejected.append((0, _("the table holds no indicator")))
    previous = IndicatorSet.objects.filter(code=code).order_by("-is_current", "-created_at").first()
    name = name or (previous.name if previous else "")
    if not name:
        rejected.append((0, _("the set %(code)s is new: give it a name") % {"code": _quoted(code)}))
    if len(rejected) > MAX_PROBLEMS:
        rejected[MAX_PROBLEMS:] = [
            (0, _("more problems than these first %(count)s") % {"count": MAX_PROBLEMS})
        ]
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
                            _(
                                "version %(version)s of %(code)s exists with other content; a "
                                "version does not change once imported: give a new version"
                            )
                            % {"version": _quoted(version), "code": _quoted(code)},
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
        rows = _xlsx_rows(file)
    elif filename.lower().endswith((".csv", ".txt")):
        rows = _csv_rows(file)
    else:
        raise SetImportRejected([(0, _("give a .csv or .xlsx file"))])
    for count, (line, cells) in enumerate(rows):
        if count > MAX_ROWS:  # count 0 is the header
            raise SetImportRejected(
                [
                    (
                        line,
                        _("the table goes on past %(count)s rows below its header")
                        % {"count": _grouped(MAX_ROWS)},
                    )
                ]
            )
        while cells and not cells[-1]:
            cells.pop()  # spreadsheets save the empty cells of a formatted range
        if len(cells) > MAX_COLUMNS:
            raise SetImportRejected(
                [(line, _("the row fills more than %(count)s columns") % {"count": MAX_COLUMNS})]
            )
        yield line, cells


def _xlsx_rows(file: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    _check_workbook(file)
    import openpyxl

    file.seek(0)
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise _unreadable_xlsx(error) from error
    try:
        if not workbook.worksheets:
            raise SetImportRejected([(0, _("the workbook has no worksheet"))])
        sheet = workbook.worksheets[0]
        # The sheet's own dimension may claim 16,384 columns: openpyxl would pad every row to
        # it. Without it a row ends at its last cell.
        sheet.reset_dimensions()
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        while True:
            try:
                line, cells = next(rows)
            except StopIteration:
                return
            except Exception as error:  # a broken sheet fails only once it is read
                raise _unreadable_xlsx(error) from error
            yield line, [_cell_text(c) for c in cells]
    finally:
        workbook.close()


def _unreadable_xlsx(error: Exception) -> SetImportRejected:
    return SetImportRejected(
        [(0, _("not a readable XLSX file (%(reason)s)") % {"reason": _quoted(str(error), 100)})]
    )


def _check_workbook(file: IO[bytes]) -> None:
    """Refuse a workbook that would unpack to more than the caps, before openpyxl opens it.

    The sizes a zip declares bind: Python's zipfile stops a part at its declared size and
    then fails its checksum, so a part cannot unpack to more than it says.
    """
    if file.seek(0, io.SEEK_END) > MAX_FILE_BYTES:
        raise SetImportRejected([(0, _too_large())])
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise SetImportRejected(
            [
                (
                    0,
                    _(
                        "not a readable XLSX file: an XLSX file is a zip archive, and this is "
                        "not one"
                    ),
                )
            ]
        ) from error
    with archive:
        parts = archive.infolist()
        for part in parts:
            if part.file_size > MAX_XLSX_PART_BYTES:
                raise SetImportRejected(
                    [
                        (
                            0,
                            _("the workbook's part %(part)s unpacks to more than %(size)s MB")
                            % {
                                "part": _quoted(part.filename),
                                "size": MAX_XLSX_PART_BYTES // MB,
                            },
                        )
                    ]
                )
        unpacked = sum(part.file_size for part in parts)
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise SetImportRejected(
                [
                    (
                        0,
                        _("the workbook unpacks to more than %(size)s MB")
                        % {"size": MAX_XLSX_UNPACKED_BYTES // MB},
                    )
                ]
            )
        if unpacked > MAX_XLSX_RATIO * sum(part.compress_size for part in parts):
            raise SetImportRejected(
                [
                    (
                        0,
                        _(
                            "the workbook unpacks to more than %(ratio)s times its size, which "
                            "no real table does"
                        )
                        % {"ratio": MAX_XLSX_RATIO},
                    )
                ]
            )
        counter = _XmlCounter()
        try:
            for part in parts:
                with archive.open(part) as content:
                    counter.read(content)
        except _XmlTooBig as too_big:
            raise SetImportRejected([(0, str(too_big))]) from None
        except Exception as error:  # a bad checksum, an encrypted part, an unknown packing
            raise _unreadable_xlsx(error) from error


class _XmlTooBig(Exception):
    pass


class _XmlCounter:
    """Counts the XML elements of a workbook's parts as they stream, and stops at the caps.

    Parts that are not XML (pictures) fail to parse at once and are passed over: openpyxl
    cannot read a sheet from them either, and all that parsed before the failure is counted.
    """

    def __init__(self) -> None:
        self.elements = 0
        self.children: list[int] = []

    def read(self, content: IO[bytes]) -> None:
        parser = expat.ParserCreate()
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.StartDoctypeDeclHandler = self._doctype
        self.children = [0]
        run = 0  # bytes since the last "<"
        try:
            while chunk := content.read(64 * 1024):
                # Parsed first, so a picture fails as not XML before its bytes are measured;
                # a tag can then grow by one chunk past the cap, and no further.
                parser.Parse(chunk, False)
                pieces = chunk.split(b"<")
                run += len(pieces[0])
                if max([run, *map(len, pieces[1:])]) > MAX_XLSX_RUN_BYTES:
                    raise _XmlTooBig(
                        _("the workbook holds a text or tag longer than %(size)s KB")
                        % {"size": MAX_XLSX_RUN_BYTES // 1024}
                    )
                if len(pieces) > 1:
                    run = len(pieces[-1])
            parser.Parse(b"", True)
        except expat.ExpatError:
            return

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self.elements += 1
        self.children[-1] += 1
        if self.elements > MAX_XLSX_ELEMENTS:
            raise _XmlTooBig(
                _(
                    "the workbook holds more than %(count)s XML elements (cells, rows, texts): "
                    "keep only the indicator table in it"
                )
                % {"count": _grouped(MAX_XLSX_ELEMENTS)}
            )
        if self.children[-1] > MAX_XLSX_CHILDREN:
            raise _XmlTooBig(
                _("a row, sheet or string list in the workbook holds more than %(count)s items")
                % {"count": _grouped(MAX_XLSX_CHILDREN)}
            )
        self.children.append(0)

    def _end(self, name: str) -> None:
        self.children.pop()

    def _doctype(self, *declaration: object) -> None:
        # Entities declared there can expand a few bytes into gigabytes; XLSX needs none.
        raise _XmlTooBig(_("the workbook's XML declares a document type, which XLSX never does"))


def _csv_rows(file: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise SetImportRejected([(0, _too_large())])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SetImportRejected([(0, _("the CSV is not UTF-8 text"))]) from error
    reader = csv.reader(_csv_lines(text), strict=True)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        # csv's reasons quote no input.
        reason = _("not readable as CSV: %(reason)s") % {"reason": error}
        # csv's own cap on a cell (csv.field_size_limit(), 131,072 characters, which we leave
        # alone as it holds for the whole process) is far above ours: say ours.
        if "field limit" in str(error):
            reason = _("a cell is longer than %(count)s characters") % {
                "count": _grouped(MAX_CELL_CHARS)
            }
        raise SetImportRejected([(reader.line_num, reason)]) from error


def _csv_lines(text: str) -> Iterator[str]:
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise SetImportRejected(
                [
                    (
                        number,
                        _("the line is longer than %(count)s characters")
                        % {"count": _grouped(MAX_LINE_CHARS)},
                    )
                ]
            )
        yield line


def _grouped(number: int) -> str:
    """A count as people write it in the language of the moment: 1,250 (1 250 in French)."""
    return number_format(number, force_grouping=True)


def _too_large() -> str:
    return _("the file is larger than %(size)s MB") % {"size": MAX_FILE_BYTES // MB}


def _quoted(text: str, limit: int = QUOTED_CHARS) -> str:
    """`text` quoted for a reason, cut to its first `limit` characters: a cell of a hundred
    megabytes must not come back in every message about it."""
    return repr(text if len(text) <= limit else f"{text[:limit]}…")


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
            rejected.append(
                (header_line, _("unknown column %(column)s") % {"column": _quoted(cell.strip())})
            )
        fields.append(COLUMNS.get(label))
    if "name" not in fields:
        rejected.append((header_line, _("no name column")))
    if rejected:
        return []
    rows: list[SetRow] = []
    codes: dict[str, int] = {}
    names: dict[str, int] = {}
    for line, cells in table:
        if len(rejected) > MAX_PROBLEMS:
            break
        if not any(c.strip() for c in cells):
            continue
        long = next((i for i, c in enumerate(cells) if len(c) > MAX_CELL_CHARS), None)
        if long is not None:
            rejected.append(
                (
                    line,
                    _(
                        "the cell in column %(column)s is longer than %(count)s characters "
                        "(%(cell)s)"
                    )
                    % {
                        "column": long + 1,
                        "count": _grouped(MAX_CELL_CHARS),
                        "cell": _quoted(cells[long]),
                    },
                )
            )
            continue
        record = {
            f: (cells[i].strip() if i < len(cells) else "") for i, f in enumerate(fields) if f
        }
        row = _row(line, record, len(rows) + 1, rejected)
        if row is None:
            continue
        for seen, value, again in (
            (codes, row.code, _("code %(value)s is already on line %(line)s")),
            (names, row.name, _("name %(value)s is already on line %(line)s")),
        ):
            if value and value in seen:
                rejected.append((line, again % {"value": _quoted(value), "line": seen[value]}))
            seen.setdefault(value, line)
        rows.append(row)
    return rows


def _row(
    line: int, record: dict[str, str], position: int, rejected: list[tuple[int, str]]
) -> SetRow | None:
    problems = []
    for key, limit in LIMITS.items():
        if len(record.get(key, "")) > limit:
            problems.append(
                # Translators: %(column)s is a column of the table, as named in English there.
                _("%(column)s is longer than %(limit)s characters")
                % {"column": key.replace("_", " "), "limit": limit}
            )
    if not record.get("name"):
        problems.append(_("name is empty"))
    direction = DIRECTIONS.get(record.get("direction", "").lower())
    if direction is None:
        problems.append(
            _("direction %(direction)s is not increase or decrease")
            % {"direction": _quoted(record["direction"])}
        )
    sdg_code = record.get("sdg_code", "")
    if sdg_code and not SDG_CODE.match(sdg_code):
        problems.append(
            _("SDG code %(code)s is not like 10.7.2 (or 10.7.2.1)") % {"code": _quoted(sdg_code)}
        )
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
        number = _whole_number(part, 1, OBJECTIVE_COUNT)
        if number is None:
            problems.append(
                _("objective %(objective)s is not a number from 1 to %(count)s")
                % {"objective": _quoted(part), "count": OBJECTIVE_COUNT}
            )
        elif number not in numbers:
            numbers.append(number)
    return numbers


def _whole_number(text: str, low: int, high: int) -> int | None:
    """`text` as a whole number from `low` to `high`, or None.

    ASCII digits only, and no more of them than `high` has: str.isdigit() takes "²", which
    int() refuses, and int() refuses more than 4,300 digits with an error of its own.
    """
    if not (text.isascii() and text.isdecimal() and len(text) <= len(str(high))):
        return None
    number = int(text)
    return number if low <= number <= high else None


def _target(value: str, year: str, problems: list[str]) -> tuple[Decimal, int] | None:
    if not value and not year:
        return None
    if not (value and year):
        problems.append(_("a target needs both a target value and a target year"))
        return None
    number = _target_value(value, problems)
    target_year = _whole_number(year, FIRST_TARGET_YEAR, LAST_TARGET_YEAR)
    if target_year is None:
        problems.append(
            _("target year %(year)s is not a year from %(first)s to %(last)s")
            % {"year": _quoted(year), "first": FIRST_TARGET_YEAR, "last": LAST_TARGET_YEAR}
        )
    if number is None or target_year is None:
        return None
    return number, target_year


def _target_value(value: str, problems: list[str]) -> Decimal | None:
    """The value as stored, to ten places, or None with the reason in `problems`."""
    try:
        # ASCII only: Decimal() reads digits of every script, "٣" as 3.
        number = Decimal(value.replace(",", "")) if value.isascii() else None
    except InvalidOperation:  # not a number, or an exponent beyond what Decimal holds
        number = None
    if number is None or not number.is_finite():
        problems.append(_("target value %(value)s is not a number") % {"value": _quoted(value)})
        return None
    # Exactly: abs() and quantize() would round to the default context's 28 digits, which do
    # not hold 20 before the point and 10 after it.
    if number.copy_abs() < TARGET_VALUE_BELOW:
        number = number.quantize(TARGET_PLACES, context=Context(prec=31))
    if number.copy_abs() >= TARGET_VALUE_BELOW:
        problems.append(
            _("target value %(value)s is too large: at most 18 digits before the point")
            % {"value": _quoted(value)}
        )
        return None
    return number
