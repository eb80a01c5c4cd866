"""Importing observations from the layouts statistics offices publish, and exporting them back.

Two layouts are read:

- Open SDG (used by some thirty national statistics offices): one CSV per indicator,
  `indicator_10-7-2.csv` (national indicators add a fourth part: `indicator_10-7-2-1.csv`),
  for one country: a `Year` column, any number of disaggregation columns (Series, Units,
  Sex, Age...; an empty cell means "all"), observation attribute columns (COMMENT_OBS,
  OBS_STATUS, UNIT_MULT, or the same spelled out: they describe a value, they do not tell
  values apart, so they are kept on the observation and never split a series), and `Value`.
  The indicator's metadata file (`meta/10-7-2.md` or `.yml` beside `data/`) says whether the
  office has started reporting: see indicators.metadata.
- The long layout of the UN SDG Global Database: one row per value, with `Indicator`,
  `SeriesCode`, `GeoAreaCode` (M49), `TimePeriod`, `Value`, `Units` and dimension columns
  (`Sex`, `Age`... or `[Sex]`, `[Age]`... in portal downloads), for any number of areas.

Each file is imported on its own, in two passes: the first reads every row and finds every
bad one, writing nothing; the second, only for a file without bad rows, writes its values
in one transaction. A refused file is listed with each bad line and its reason, and the
other files are still imported; `strict` makes the whole import all or nothing. Rows are
read one at a time and written in batches, so a file of any size is never held in memory.

What a file holds, by kind (the survey of offices' files is in docs/open-sdg-survey.md):

| In the file | Read as |
|---|---|
| a header alone, whatever its columns; a note in place of data | no data, counted |
| the same point twice with the same value | one value; the repeat counted |
| the same point twice with different values | the file refused, both lines named |
| "2021 (p)", "2020p", "2019 provisional" | period 2021..., attribute "provisional" |
| an empty, "..", "NaN", "x" or "-" value | no data for that point, counted |
| a value given only as a bound ("<5") | no exact value, counted |
| an indicator that is not in the current sets | the file skipped, with the reason |
| `data_non_statistical: true` in the metadata | no data, for that reason |
| `reporting_status: notstarted` and the starter's placeholder values | no data, for that reason |
| `reporting_status: notstarted` and real values | the values, with the status beside them |
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.counts import counted
from indicators.metadata import (
    MAX_META_BYTES,
    META_FOLDERS,
    PLACEHOLDER_ROWS,
    IndicatorMeta,
    is_placeholder,
    meta_code,
    meta_read,
)
from indicators.models import (
    Area,
    AreaKind,
    AreaReporting,
    Indicator,
    NoData,
    Observation,
    ObservationRevision,
)
from indicators.periods import Period, parse_period
from indicators.spreadsheets import csv_writer

STORED_PLACES = Decimal("1e-10")
# Observation.value holds 30 digits, 10 of them after the point; SQLite keeps it as a binary
# float, which rounds a value just under 10**20 up to a number the field cannot read back.
# No indicator comes near 10**18.
STORED_MAX_ADJUSTED = 17
# indicator_10-7-2.csv, and as offices also name them: Indicator_16.9.1.csv, indicator-5-5-2,
# indicator_10_1_1, 1-4-1.csv, "indicator_ 8-5-2.csv"; a fourth part for national indicators.
FILE_NAME = re.compile(
    r"^(?:indicator\s*[-_ ]\s*)?(\d{1,2})[-_.]([0-9a-z]{1,2})[-_.]([0-9a-z]{1,2})"
    r"(?:[-_.]([0-9a-z]{1,3}))?\s*\.csv$",
    re.IGNORECASE,
)
BATCH_SIZE = 2000
# Cells that sources write where they have no number: not an error, just no data.
# Suppression codes too ("c" confidential, ONS's "[c]", "[x]", "[z]"), and "Inf", which a
# statistical package writes for a division by zero: none of them is a measured value.
NO_VALUE = {
    *("", "nan", "na", "n/a", "n.a.", "nd", "nv", "..", "...", "\u2026", ".", "-", "\u2013"),
    *("x", "xx", ":", "null", "none", "c", "hide_data", "inf", "-inf", "infinity"),
    *("[c]", "[x]", "[z]", "[u]", "[low]"),
}
# "(7.5)", "((6.3))": a value the office marks as less reliable, as Eurostat's tables do.
_BRACKETED = re.compile(r"^\((\(?)([^()]+)\)?\)$")
RELIABILITY_ATTRIBUTE = "Reliability"
# Spaces offices put between thousands, including the non-breaking ones of French locales.
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
# How much of a bad cell a message quotes: enough to find it, never a page of it.
QUOTE_CHARS = 40
# Not exported: the period label, kept as written, says them again.
PERIOD_STATUS_ATTRIBUTE = Observation.PERIOD_STATUS
PERIOD_NOTE_ATTRIBUTE = Observation.PERIOD_NOTE


def _normalised(column: str) -> str:
    return re.sub(r"[\s_\-]+", " ", column.strip().strip("[]").lower()).strip()


def _is_attribute(normalised: str) -> bool:
    # COMMENT_OBS_0, COMMENT_OBS_1: numbered copies of an attribute are that attribute.
    return normalised in ATTRIBUTE_COLUMNS or re.sub(r" \d+$", "", normalised) in ATTRIBUTE_COLUMNS


# Columns that describe a value rather than tell values apart (Open SDG's observation
# attributes and SDMX's, as codes or spelled out), by their normalised name.
ATTRIBUTE_COLUMNS = {
    _normalised(name)
    for name in (
        "COMMENT_OBS",
        "OBS_STATUS",
        "UNIT_MULT",
        "OBS_CONF",
        "NATURE",
        "TIME_DETAIL",
        "TIME_COVERAGE",
        "BASE_PER",
        "BASE_PERIOD",
        "UPPER_BOUND",
        "LOWER_BOUND",
        "SOURCE_DETAIL",
        "COMMENT_TS",
        "Observation status",
        "Observation note",
        "Observation comment",
        "Unit multiplier",
        "Comment",
        "Comments",
        "Note",
        "Notes",
        "Footnote",
        "Footnotes",
        "Flag",
        "Flags",
        "Status",
        "Source",
        "Sources",
        "Data source",
        "UpperBound",
        "LowerBound",
        "BasePeriod",
        "Time_Detail",
        "TimeCoverage",
        "Confidence interval",
        "Reliability",
        "Napomena",  # Croatian: note
        "Nota",
        "Notas",
    )
}
# The columns offices write for the period and the value, by their normalised names.
YEAR_COLUMNS = ("year", "years", "time period", "timeperiod")
VALUE_COLUMNS = ("value", "obs value")
SOURCE_COLUMNS = {_normalised(name) for name in ("Source", "Sources", "Data source")}
# Columns of the UN SDG Global Database that repeat what the row's place already says.
SDG_GLOBAL_IGNORED = {
    _normalised(name)
    for name in (
        "Goal",
        "Target",
        "Indicator",
        "SeriesDescription",
        "GeoAreaCode",
        "GeoAreaName",
        "TimePeriod",
        "Value",
        "GeoInfoUrl",
    )
}
# The series code tells values of one indicator apart; it reads as Open SDG's Series column.
SDG_GLOBAL_RENAMED = {"seriescode": "Series"}


class Layout(enum.StrEnum):
    OPEN_SDG = "open-sdg"
    SDG_GLOBAL = "sdg-global"


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
    # The same point given again with the same value.
    duplicates: int = 0
    # Rows of the UN layout about indicators or areas this tracker does not follow.
    skipped: int = 0
    # (file, line, reason): line 0 is about the whole file.
    rejected: list[tuple[str, int, str]] = field(default_factory=list)
    # Files not read, with the reason: an indicator not followed here.
    skipped_files: list[tuple[str, str]] = field(default_factory=list)
    # Files read that hold no data, with the reason: a header alone, placeholders...
    no_data: list[tuple[str, str]] = field(default_factory=list)
    # Metadata files that could not be read (the data beside them is still imported).
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def refused_files(self) -> list[str]:
        return list(dict.fromkeys(name for name, _, _ in self.rejected))

    def sentence(self) -> str:
        """What the import did, in one sentence."""
        # Translators: the parts of the sentence that sums up an import of observations:
        # "1,250 rows read in 2 files: 1,200 written, 0 unchanged, 50 without a value."
        parts = [
            ngettext("%(count)s written", "%(count)s written", self.written)
            % {"count": self.written},
            ngettext("%(count)s unchanged", "%(count)s unchanged", self.unchanged)
            % {"count": self.unchanged},
            ngettext("%(count)s without a value", "%(count)s without a value", self.empty_values)
            % {"count": self.empty_values},
        ]
        if self.bounded_values:
            parts.append(
                ngettext(
                    "%(count)s given only as a bound",
                    "%(count)s given only as a bound",
                    self.bounded_values,
                )
                % {"count": self.bounded_values}
            )
        if self.duplicates:
            parts.append(
                ngettext(
                    "%(count)s repeated row read once",
                    "%(count)s repeated rows read once",
                    self.duplicates,
                )
                % {"count": _grouped(self.duplicates)}
            )
        if self.skipped:
            parts.append(
                ngettext(
                    "%(count)s about areas or indicators not followed here",
                    "%(count)s about areas or indicators not followed here",
                    self.skipped,
                )
                % {"count": self.skipped}
            )
        if self.files_without_data:
            parts.append(
                ngettext(
                    "%(count)s file without data",
                    "%(count)s files without data",
                    self.files_without_data,
                )
                % {"count": _grouped(self.files_without_data)}
            )
        if self.skipped_files:
            skipped = len(self.skipped_files)
            parts.append(
                ngettext("%(count)s file skipped", "%(count)s files skipped", skipped)
                % {"count": _grouped(skipped)}
            )
        if self.rejected:
            refused = len(self.refused_files)
            parts.append(
                ngettext("%(count)s file refused", "%(count)s files refused", refused)
                % {"count": _grouped(refused)}
            )
        rows = ngettext("%(count)s row", "%(count)s rows", self.rows) % {
            "count": _grouped(self.rows)
        }
        files = ngettext("%(count)s file", "%(count)s files", self.files) % {
            "count": _grouped(self.files)
        }
        # Translators: "1,250 rows read in 2 files: 1,200 written, 50 without a value."
        return _("%(rows)s read in %(files)s: %(parts)s.") % {
            "rows": rows,
            "files": files,
            "parts": ", ".join(parts),
        }

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain data, for a job's result."""
        return {
            name: value if not isinstance(value, list) else [list(item) for item in value]
            for name, value in vars(self).items()
        }


class ImportRejected(Exception):
    """A strict import found bad rows and wrote nothing; `summary.rejected` lists them all."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__(f"{counted(len(summary.rejected), 'row')} rejected")
        self.summary = summary


Progress = Callable[[float, str], None]


def _grouped(number: int) -> str:
    """A count as people write it in the language of the moment: 1,250 (1 250 in French)."""
    return number_format(number, force_grouping=True)


def quoted(raw: str) -> str:
    """A cell in a message: at most QUOTE_CHARS characters of it."""
    return repr(raw if len(raw) <= QUOTE_CHARS else raw[:QUOTE_CHARS] + "…")


def file_code(file_name: str) -> str | None:
    """The indicator code an Open SDG file name stands for: indicator_10-7-2.csv → 10.7.2."""
    match = FILE_NAME.match(file_name)
    return ".".join(part for part in match.groups() if part) if match else None


def observations_import(
    *,
    files: Iterable[Path | File],
    area: Area | None = None,
    layout: Layout = Layout.OPEN_SDG,
    source: str = "",
    progress: Progress | None = None,
    by: Any = None,
    strict: bool = False,
) -> ImportSummary:
    """Import files of one layout, each on its own; return what was written and refused.

    `files` are paths, or files Django holds (uploads), read from their start. Open SDG
    metadata files (`10-7-2.md`, `.yml`) among them are read as the metadata of the data
    file of the same code; for a path, the repository's metadata folders beside its folder
    (`meta/`, `indicator-config/`, `_indicators/`) are looked into as well.

    Open SDG files need the `area` they describe; files of the UN layout name their areas on
    each row, and `area`, if given, keeps only that area's rows. Importing the same file twice
    changes nothing; a value that differs from the stored one replaces it, and the stored one
    is kept as an ObservationRevision naming `by` (who imports, if anyone) and the file.

    A file with bad rows is refused, having written nothing, and listed in
    `summary.rejected`; the others are imported. With `strict`, any bad row refuses them
    all: ImportRejected is raised and nothing is written.
    """
    if layout == Layout.OPEN_SDG and area is None:
        raise ValueError("Open SDG files hold one country's data: give the area.")
    summary = ImportSummary()
    data_files, metas = _sorted_out(list(files), summary)
    say = progress or (lambda fraction, message: None)
    importer = _Importer(summary, by, layout, area, source, metas)
    with transaction.atomic() if strict else nullcontext():
        for done, file in enumerate(data_files):
            name = Path(file.name).name

            def tell(fraction: float, step: str, done: int = done, name: str = name) -> None:
                # Translators: progress of an import: the file's name, then the step.
                say(
                    (done + fraction) / len(data_files),
                    _("%(file)s: %(step)s")
                    % {
                        "file": name,
                        "step": step,
                    },
                )

            importer.file(file, name, tell, last=done == len(data_files) - 1)
            tell(1.0, _("done"))
        if strict and summary.rejected:
            raise ImportRejected(summary)
    return summary


def _sorted_out(
    files: list[Path | File], summary: ImportSummary
) -> tuple[list[Path | File], dict[str, IndicatorMeta]]:
    """The data files, and the metadata given with them or found beside them, by code.

    For a data file on disk, the repository's metadata folders beside its folder are looked
    into; metadata files given in the list are read after them, in the order given.
    """
    data_files = []
    candidates: list[Path | File] = []
    given: list[Path | File] = []
    for file in files:
        if meta_code(Path(file.name).name):
            given.append(file)
            continue
        data_files.append(file)
        code = (file_code(Path(file.name).name) or "").replace(".", "-")
        if isinstance(file, Path) and code:
            for folder in META_FOLDERS:
                for suffix in (".md", ".yml", ".yaml"):
                    for place in (file.parent.parent / folder, file.parent / folder):
                        if (place / f"{code}{suffix}").is_file():
                            candidates.append(place / f"{code}{suffix}")
    metas: dict[str, IndicatorMeta] = {}
    for file in [*dict.fromkeys(candidates), *given]:
        name = Path(file.name).name
        code = meta_code(name)
        if code is None:
            continue
        try:
            with file.open("rb") as handle:
                text = handle.read(MAX_META_BYTES + 1).decode("utf-8-sig")
            meta = meta_read(text, name)
        except (ValueError, OSError) as error:  # UnicodeDecodeError is a ValueError
            summary.warnings.append((name, _("metadata not read: %(reason)s") % {"reason": error}))
            continue
        metas[code] = meta.over(metas.get(code, IndicatorMeta()))
    return data_files, metas


class _Reading:
    """A CSV file opened for reading, telling how far through it the reader is."""

    # Rows between two progress reports: often enough to watch, rarely enough to cost nothing.
    REPORT_EVERY = 10_000

    def __init__(self, file: Path | File, name: str, tell: Callable[[float, int], None]) -> None:
        self.file = file
        self.name = name
        self.size = max(file.stat().st_size if isinstance(file, Path) else file.size, 1)
        self.tell = tell

    def __enter__(self) -> _Reading:
        # An upload's own file object, so the reader sees plain bytes whatever Django wraps.
        self.raw = self.file.open("rb") if isinstance(self.file, Path) else _binary(self.file)
        self.text = io.TextIOWrapper(self.raw, encoding="utf-8-sig", newline="")
        # Strict, so a quote left open is an error rather than a value swallowing the lines after.
        self.reader = csv.reader(self.text, strict=True)
        self.count = 0
        return self

    def __exit__(self, *exc_info: object) -> None:
        if isinstance(self.file, Path):
            self.text.close()
        else:
            # Left open: closing an upload Django keeps in a temporary file deletes it, and
            # the second pass reads it again. Its owner closes it.
            self.text.detach()

    def header(self) -> list[str]:
        return [cell.strip() for cell in next(self.reader, None) or []]

    def rows(self, width: int, bad: list[tuple[int, str]]) -> Iterator[tuple[int, list[str]]]:
        """Non-blank rows with their line numbers, `width` cells each.

        As Open SDG reads them (with pandas): a short row's missing cells are empty; a row
        with more cells than the header is bad unless the extra cells are empty.
        """
        for row in self.reader:
            if not any(cell.strip() for cell in row):
                continue
            self.count += 1
            if self.count % self.REPORT_EVERY == 0:
                self.tell(min(self.raw.tell() / self.size, 1.0), self.count)
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                bad.append(
                    (
                        self.reader.line_num,
                        _("%(cells)s cells where the header has %(width)s")
                        % {"cells": len(row), "width": width},
                    )
                )
                continue
            yield self.reader.line_num, [*row[:width], *[""] * (width - len(row))]


def _binary(file: File) -> IO[bytes]:
    """The plain binary file under what Django wraps (an upload, a stored file), at its start."""
    file.open("rb")
    raw: Any = file
    while not isinstance(raw, io.IOBase) and hasattr(raw, "file"):
        raw = raw.file
    raw.seek(0)
    return raw


@dataclass(frozen=True)
class _Point:
    indicator: Indicator
    area: Area
    period: Period
    disaggregation: dict[str, str]
    attributes: dict[str, str]
    value: Decimal
    source: str

    @property
    def key(self) -> str:
        return Observation.key_for(self.disaggregation)

    @property
    def identity(self) -> int:
        # The hash of the point's identity, not the identity itself: a tenth of the memory
        # on a file of 100,000 rows, and two identities sharing a 64-bit hash in one import
        # is a chance of about one in a billion.
        return hash((self.indicator.pk, self.area.pk, self.period.start, self.period.end, self.key))


@dataclass
class _FileRead:
    """What one pass over a file found."""

    bad: list[tuple[int, str]] = field(default_factory=list)
    values: list[Decimal] = field(default_factory=list)  # the first few, to tell placeholders
    found: int = 0
    non_zero: int = 0
    dimensions: set[str] = field(default_factory=set)  # lower case
    rows: int = 0
    empty: int = 0
    bounded: int = 0
    skipped: int = 0
    duplicates: int = 0
    not_data: str = ""  # why the file holds no data although it was read
    indicator: Indicator | None = None


class _Importer:
    def __init__(
        self,
        summary: ImportSummary,
        by: Any,
        layout: Layout,
        area: Area | None,
        source: str,
        metas: dict[str, IndicatorMeta],
    ) -> None:
        self.summary = summary
        self.by = by
        self.layout = layout
        self.area = area
        self.source = source
        self.metas = metas
        # Where each point of the files imported so far was read, and its value: a point
        # repeated in a later file is compared with it.
        self.seen: dict[int, tuple[str, int, Decimal]] = {}
        if layout == Layout.SDG_GLOBAL:
            self.indicators = {
                i.sdg_code: i for i in Indicator.objects.current().filter(sdg_code__gt="")
            }
            self.areas = {
                a.m49: a for a in Area.objects.exclude(m49=None).exclude(kind=AreaKind.COMMISSION)
            }

    def file(
        self, file: Path | File, name: str, tell: Callable[[float, str], None], *, last: bool
    ) -> None:
        summary = self.summary
        summary.files += 1
        meta = IndicatorMeta()
        indicator = None
        if self.layout == Layout.OPEN_SDG:
            code = file_code(name)
            if code is None:
                summary.skipped_files.append(
                    (name, _("not named as an Open SDG data file (indicator_10-7-2.csv)"))
                )
                return
            indicator = (
                Indicator.objects.current()
                .filter(sdg_code=code)
                .select_related("indicator_set")
                .first()
            )
            if indicator is None:
                if code.count(".") == 3:
                    reason = _("national indicator %(code)s is not in the current indicator sets")
                else:
                    reason = _("indicator %(code)s is not in the current indicator sets")
                summary.skipped_files.append((name, reason % {"code": code}))
                return
            meta = self.metas.get(code.replace(".", "-"), IndicatorMeta())
            if meta.non_statistical:
                self._no_data(name, indicator, meta, NoData.NON_STATISTICAL)
                return

        # First pass: read everything, write nothing.
        seen: dict[int, tuple[str, int, Decimal]] = {}
        checked = self._pass(
            file,
            name,
            indicator,
            lambda fraction, rows: tell(
                fraction / 2,
                ngettext("checking, %(count)s row read", "checking, %(count)s rows read", rows)
                % {"count": _grouped(rows)},
            ),
            seen,
            None,
        )
        summary.rows += checked.rows
        summary.empty_values += checked.empty
        summary.bounded_values += checked.bounded
        summary.skipped += checked.skipped
        summary.duplicates += checked.duplicates
        if checked.bad:
            summary.rejected.extend((name, line, reason) for line, reason in checked.bad)
            return
        if not checked.found and checked.duplicates:
            return  # every value repeats one already read: counted as repeats, nothing new
        if checked.not_data or not checked.found:
            if indicator is not None:
                self._no_data(name, indicator, meta, NoData.EMPTY)
            else:
                summary.files_without_data += 1
                summary.no_data.append((name, checked.not_data or _("no values")))
            return
        if indicator is not None and is_placeholder(
            meta.status,
            dimensions=checked.dimensions,
            first_values=checked.values,
            found=checked.found,
            non_zero=checked.non_zero,
        ):
            self._no_data(name, indicator, meta, NoData.PLACEHOLDER)
            return

        # Second pass: the file is sound; write it whole or not at all.
        tell(
            0.5,
            ngettext("writing %(count)s value", "writing %(count)s values", checked.found)
            % {"count": _grouped(checked.found)},
        )
        with transaction.atomic():
            sink = _Sink(summary, self.by, name)
            self._pass(file, name, indicator, lambda fraction, rows: None, seen, sink)
            sink.flush()
            if indicator is not None:
                self._reporting(indicator, meta, NoData.NONE, name)
        if not last:
            self.seen.update(seen)  # for the files after it to be compared with

    def _no_data(self, name: str, indicator: Indicator, meta: IndicatorMeta, why: NoData) -> None:
        self.summary.files_without_data += 1
        self.summary.no_data.append((name, str(why.label)))
        self._reporting(indicator, meta, why, name)

    def _reporting(self, indicator: Indicator, meta: IndicatorMeta, why: NoData, name: str) -> None:
        AreaReporting.objects.update_or_create(
            indicator=indicator,
            area=self.area,
            defaults={"status": meta.status, "no_data": why, "source": name[:500]},
        )

    def _pass(
        self,
        file: Path | File,
        name: str,
        indicator: Indicator | None,
        tell: Callable[[float, int], None],
        seen: dict[int, tuple[str, int, Decimal]],
        sink: _Sink | None,
    ) -> _FileRead:
        """Read a file once: check it (no sink) or write it (a sink)."""
        result = _FileRead(indicator=indicator)
        with _Reading(file, name, tell) as reading:
            try:
                if self.layout == Layout.OPEN_SDG:
                    points = self._open_sdg(reading, result)
                else:
                    points = self._sdg_global(reading, result)
                for line, point in points:
                    self._take(name, line, point, result, seen, sink)
            except UnicodeDecodeError:
                # Decoding runs ahead of the reader in chunks: no line can be named.
                result.bad.append((0, _("not UTF-8 text: save the file as UTF-8")))
            except csv.Error as error:
                result.bad.append(
                    (
                        reading.reader.line_num,
                        _("not readable as CSV: %(reason)s") % {"reason": error},
                    )
                )
            result.rows = reading.count
        return result

    def _take(
        self,
        name: str,
        line: int,
        point: _Point,
        result: _FileRead,
        seen: dict[int, tuple[str, int, Decimal]],
        sink: _Sink | None,
    ) -> None:
        """Check a point (no sink), or write it (a sink: only where the check first met it)."""
        identity = point.identity
        if sink is not None:
            first = seen.get(identity)  # absent: a repeat of an earlier file's point
            if first is not None and first[1] == line:
                sink.add(point)
            return
        first = seen.get(identity) or self.seen.get(identity)
        if first is not None:
            if first[2] == point.value:
                result.duplicates += 1
                return
            if first[0] == name:
                where = _("line %(line)s") % {"line": first[1]}
            else:
                where = _("%(file)s line %(line)s") % {"file": first[0], "line": first[1]}
            result.bad.append(
                (
                    line,
                    # Translators: %(where)s is "line 12" or "indicator_10-7-2.csv line 12".
                    _("same period and disaggregation as %(where)s, with another value")
                    % {"where": where},
                )
            )
            return
        seen[identity] = (name, line, point.value)
        result.found += 1
        result.non_zero += point.value != 0
        if len(result.values) < PLACEHOLDER_ROWS:
            result.values.append(point.value)

    def _open_sdg(self, reading: _Reading, result: _FileRead) -> Iterator[tuple[int, _Point]]:
        indicator, area = result.indicator, self.area
        if indicator is None or area is None:
            raise ValueError("An Open SDG file is read for a known indicator and area.")
        columns = _named(reading.header())
        lowered = [_normalised(c) for c in columns]
        year_at = next((lowered.index(n) for n in YEAR_COLUMNS if n in lowered), None)
        value_at = next((lowered.index(n) for n in VALUE_COLUMNS if n in lowered), None)
        if year_at is None or value_at is None:
            _unrecognised(reading, columns, result, _("no Year and Value columns"))
            return
        shape = _Shape(columns, lowered, skip={year_at, value_at})
        result.dimensions = {lowered[i] for i, _column in shape.dimensions}
        for line, row in reading.rows(len(columns), result.bad):
            point = self._point(
                reading, result, line, row, shape, indicator, area, year_at, value_at
            )
            if point is not None:
                yield line, point

    def _sdg_global(self, reading: _Reading, result: _FileRead) -> Iterator[tuple[int, _Point]]:
        columns = [c.strip("[] ") for c in reading.header()]
        lowered = [_normalised(c) for c in columns]
        required = ("indicator", "geoareacode", "timeperiod", "value")
        missing = [name for name in required if name not in lowered]
        if missing:
            # Translators: %(columns)s names the columns, as they are called in the file.
            missing_columns = _("no %(columns)s column") % {"columns": ", ".join(missing)}
            _unrecognised(reading, columns, result, missing_columns)
            return
        at = {name: lowered.index(name) for name in required}
        shape = _Shape(
            [
                SDG_GLOBAL_RENAMED.get(low.replace(" ", ""), c)
                for c, low in zip(columns, lowered, strict=True)
            ],
            lowered,
            skip={i for i, low in enumerate(lowered) if low in SDG_GLOBAL_IGNORED},
        )
        for line, row in reading.rows(len(columns), result.bad):
            # Portal downloads write the indicator as a list: "['10.c.1']".
            indicator = self.indicators.get(row[at["indicator"]].strip("[]'\" "))
            code = row[at["geoareacode"]].strip()
            if not code.isascii() or not code.isdigit():
                result.bad.append(
                    (line, _("GeoAreaCode %(code)s is not an M49 code") % {"code": quoted(code)})
                )
                continue
            area = self.areas.get(code.zfill(3))
            if indicator is None or area is None or (self.area and area != self.area):
                result.skipped += 1
                continue
            point = self._point(
                reading, result, line, row, shape, indicator, area, at["timeperiod"], at["value"]
            )
            if point is not None:
                yield line, point

    def _point(
        self,
        reading: _Reading,
        result: _FileRead,
        line: int,
        row: list[str],
        shape: _Shape,
        indicator: Indicator,
        area: Area,
        period_at: int,
        value_at: int,
    ) -> _Point | None:
        """The row's point, or None when it has no value or is bad (then noted in `result`).

        A row without a value is "no data", whatever its period says (offices write notes
        there); its period is read only when there is a value to place.
        """
        try:
            value, flags = _read_value(row[value_at], result)
            period = parse_period(row[period_at]) if value is not None else None
        except ValueError as error:
            result.bad.append((line, str(error)))
            return None
        if value is None or period is None:
            return None
        return _Point(
            indicator,
            area,
            period,
            shape.disaggregation(row),
            shape.attributes(row, period, flags),
            value,
            (shape.source(row) or self.source or reading.name)[:500],
        )


def _unrecognised(reading: _Reading, columns: list[str], result: _FileRead, missing: str) -> None:
    """A file without the layout's columns: no data if it holds no rows (a header alone, an
    indicator not started; a note in place of data), else refused for the columns missing."""
    rows = sum(1 for row in reading.reader if any(cell.strip() for cell in row))
    if len(columns) > 1 and rows:
        result.bad.append((1, _("layout not recognised: %(missing)s") % {"missing": missing}))
    else:
        result.not_data = _("no values: a header alone") if columns else _("an empty file")


def _named(columns: list[str]) -> list[str]:
    """Header cells, an unnamed one (an office's stray comma) named by its place."""
    return [column or f"Column {i + 1}" for i, column in enumerate(columns)]


class _Shape:
    """Which columns of a file tell values apart and which describe them."""

    def __init__(self, columns: list[str], lowered: list[str], skip: set[int]) -> None:
        self.dimensions = [
            (i, c) for i, c in enumerate(columns) if i not in skip and not _is_attribute(lowered[i])
        ]
        self.attribute_columns = [
            (i, c) for i, c in enumerate(columns) if i not in skip and _is_attribute(lowered[i])
        ]
        self.source_at = next((i for i, low in enumerate(lowered) if low in SOURCE_COLUMNS), None)

    def disaggregation(self, row: list[str]) -> dict[str, str]:
        return {column: row[i].strip() for i, column in self.dimensions if row[i].strip()}

    def attributes(self, row: list[str], period: Period, flags: dict[str, str]) -> dict[str, str]:
        attributes = {
            column: row[i].strip() for i, column in self.attribute_columns if row[i].strip()
        }
        if period.status:
            attributes.setdefault(PERIOD_STATUS_ATTRIBUTE, period.status)
        if period.note:
            attributes.setdefault(PERIOD_NOTE_ATTRIBUTE, period.note)
        return {**flags, **attributes}

    def source(self, row: list[str]) -> str:
        return row[self.source_at].strip() if self.source_at is not None else ""


def _read_value(raw: str, result: _FileRead) -> tuple[Decimal | None, dict[str, str]]:
    """The stored value of a cell (None for no data) and what the cell's marks say of it;
    raise ValueError if it cannot be read."""
    text = _NUMBER_SPACES.sub("", raw)
    flags = {}
    if text.lower() in NO_VALUE:
        result.empty += 1
        return None, flags
    if text[0] in "<>≤≥":
        result.bounded += 1
        return None, flags
    if bracketed := _BRACKETED.match(text):
        very = bool(bracketed.group(1))
        flags[RELIABILITY_ATTRIBUTE] = "very low" if very else "low"
        text = bracketed.group(2)
    if "," in text and "." not in text and not re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
        text = text.replace(",", ".")  # a decimal comma: "7,5"
    try:
        value = Decimal(text.replace(",", "")) if text.isascii() else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValueError(_("value %(value)s is not a number") % {"value": quoted(raw.strip())})
    if value and value.adjusted() > STORED_MAX_ADJUSTED:
        raise ValueError(
            _("value %(value)s is too large to store (18 digits at most)")
            % {"value": quoted(raw.strip())}
        )
    # Stored with ten decimal places; compare what will be stored, or every re-import of a
    # value with more digits would look like a change.
    return value.quantize(STORED_PLACES), flags


class _Sink:
    """Collects checked points and writes them in batches: a few queries per batch."""

    def __init__(self, summary: ImportSummary, by: Any, name: str) -> None:
        self.summary = summary
        self.by = by
        self.name = name
        self.pending: list[_Point] = []

    def add(self, point: _Point) -> None:
        self.pending.append(point)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        groups: dict[tuple[int, int], list[_Point]] = defaultdict(list)
        for point in self.pending:
            groups[point.indicator.pk, point.area.pk].append(point)
        self.pending = []
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
                        period_label=p.period.label[:60],
                        period_start=p.period.start,
                        period_end=p.period.end,
                        disaggregation=p.disaggregation,
                        disaggregation_key=p.key,
                        attributes=p.attributes,
                        value=p.value,
                        source=p.source,
                    )
                )
            elif stored.value == p.value and stored.attributes == p.attributes:
                self.summary.unchanged += 1
            else:
                revisions.append(
                    ObservationRevision(
                        observation=stored,
                        value=stored.value,
                        unit=stored.unit,
                        source=stored.source,
                        note=stored.note,
                        attributes=stored.attributes,
                        replaced_by=self.by,
                        reason=f"Import of {self.name}"[:300],
                    )
                )
                stored.value, stored.source, stored.updated_at = p.value, p.source, now
                stored.period_label, stored.attributes = p.period.label[:60], p.attributes
                changed.append(stored)
        Observation.objects.bulk_create(new, batch_size=500)
        Observation.objects.bulk_update(
            changed,
            ["value", "source", "period_label", "attributes", "updated_at"],
            batch_size=500,
        )
        ObservationRevision.objects.bulk_create(revisions, batch_size=500)
        self.summary.written += len(new) + len(changed)


def observations_export(*, indicator: Indicator, area: Area, out: IO[str] | None = None) -> str:
    """The area's observations of an indicator in the Open SDG layout, attributes included.

    Written to `out` if given (then an empty string is returned), else returned as text.
    """
    observations = Observation.objects.filter(indicator=indicator, area=area).order_by(
        "period_start", "period_end", "disaggregation_key"
    )
    names = observations.values_list("disaggregation", "attributes")
    dimensions = sorted({name for d, _ in names for name in d})
    attributes = sorted(
        {
            name
            for _, a in names
            for name in a
            if name not in (PERIOD_STATUS_ATTRIBUTE, PERIOD_NOTE_ATTRIBUTE)
        }
        - set(dimensions)
    )
    buffer = out or io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["Year", *dimensions, *attributes, "Value"])
    for o in observations.only("period_label", "disaggregation", "attributes", "value").iterator():
        cells = [o.disaggregation.get(name, "") for name in dimensions]
        notes = [o.attributes.get(name, "") for name in attributes]
        writer.writerow([o.period_label, *cells, *notes, o.value])
    return "" if out is not None else buffer.getvalue()
