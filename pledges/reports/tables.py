"""A report's tables as CSV files (zipped, with a README of the fields) and as a workbook.

Each table is read from the database once, and each row goes to its CSV and to its sheet as
it comes: the workbook is write-only (openpyxl keeps each sheet in a temporary file, not in
memory) and the CSVs are files, so memory stays flat whatever the number of rows.

The CSVs are the report's data of record: the checksum is the SHA-256 of their bytes, in the
order the README lists them, and the zip is written with fixed dates and order, so the same
data and cut-off give byte-identical CSVs and the same zip.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from indicators.spreadsheets import csv_writer, xlsx_safe
from pledges.reports.content import DataTable, ReportContent, limitations, methodology
from pledges.reports.content import scope_filter_data as filters_of

Progress = Callable[[float, str], None]
SUMMARY_HEADER = ("table", "row", "column", "value")
# Widths in characters a column is given from its header and first rows, within these bounds.
WIDTH_MIN, WIDTH_MAX = 8, 60
WIDTH_SAMPLE_ROWS = 50
BOLD = Font(bold=True)


def write_tables(
    content: ReportContent, folder: Path, workbook_path: Path, progress: Progress
) -> tuple[list[Path], str]:
    """Write summary.csv and one CSV per data table into `folder`, and the workbook; returns
    the CSVs in checksum order and the checksum. `progress` goes from 0 to 1."""
    workbook = Workbook(write_only=True)
    # Workbooks record when they were made: the cut-off, so that a rebuild says the same.
    made = timezone.make_naive(content.report.cutoff, dt.UTC).replace(microsecond=0)
    workbook.properties.created = made
    workbook.properties.creator = "GCM Pledge Tracker"
    workbook.properties.title = str(content.report.title)
    summary_csv = folder / "summary.csv"
    with summary_csv.open("w", encoding="utf-8", newline="") as out:
        csv_writer(out).writerows([SUMMARY_HEADER, *content.summary_rows()])
    paths = [summary_csv]
    total = sum(table.count for table in content.data_tables) or 1
    done = 0
    for table in content.data_tables:
        path = folder / f"{table.name}.csv"
        sheet = workbook.create_sheet(table.name)
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv_writer(out)
            writer.writerow(table.header)
            rows = table.rows()
            first = _sheet_start(sheet, table, rows)
            for row in first:
                writer.writerow(row)
                sheet.append([xlsx_safe(v) for v in row])
            done += len(first)
            for written_rows, row in enumerate(rows, start=len(first) + 1):
                writer.writerow(row)
                sheet.append([xlsx_safe(v) for v in row])
                done += 1
                if written_rows % 1000 == 0:
                    progress(
                        done / total,
                        # Translators: %(table)s is a table's title in lower case ("targets").
                        ngettext(
                            "Writing %(table)s: %(count)s row",
                            "Writing %(table)s: %(count)s rows",
                            written_rows,
                        )
                        % {"table": table.title.lower(), "count": _grouped(written_rows)},
                    )
        paths.append(path)
        progress(
            done / total,
            # Translators: %(table)s is a table's title in lower case ("targets").
            _("Written %(table)s") % {"table": table.title.lower()},
        )
    checksum = _checksum(paths)
    _summary_sheet(workbook, content, checksum)
    workbook.save(workbook_path)
    return paths, checksum


def _sheet_start(
    sheet: WriteOnlyWorksheet, table: DataTable, rows: Iterable[list[Any]]
) -> list[list[Any]]:
    """Header frozen and bold, widths from the header and the first rows (a write-only sheet
    takes its widths before any row); returns those first rows, still to be written."""
    first = []
    for row in rows:
        first.append(row)
        if len(first) == WIDTH_SAMPLE_ROWS:
            break
    for index, name in enumerate(table.header, start=1):
        longest = max([len(name), *(len(_shown(row[index - 1])) for row in first)])
        width = min(max(longest + 2, WIDTH_MIN), WIDTH_MAX)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, name) for name in table.header])
    return first


def _grouped(number: int) -> str:
    """A count as people write it in the language of the moment: 1,250 (1 250 in French)."""
    return number_format(number, force_grouping=True)


def _shown(value: object) -> str:
    return "" if value is None else str(value)


def _bold(sheet: WriteOnlyWorksheet, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=xlsx_safe(value))
    cell.font = BOLD
    return cell


def _checksum(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as file:
            while block := file.read(1 << 16):
                digest.update(block)
    return digest.hexdigest()


def _summary_sheet(workbook: Workbook, content: ReportContent, checksum: str) -> None:
    """The first sheet: what the report is, its figures as tables, how they are made."""
    report = content.report
    sheet = workbook.create_sheet("summary", 0)
    sheet.column_dimensions["A"].width = 48
    for letter in "BCDEFGH":
        sheet.column_dimensions[letter].width = 16
    sheet.freeze_panes = "A2"
    wrap = Alignment(wrap_text=True, vertical="top")

    def heading(text: str) -> None:
        sheet.append([_bold(sheet, text)])

    heading(str(report.title))
    for label, value in (
        (_("Review cycle"), report.cycle.title),
        (_("Scope"), str(report.scope_label)),
        (_("Pledges as the explorer selects them"), _explorer_query(content)),
        (_("Data cut-off (UTC)"), timezone.make_naive(report.cutoff, dt.UTC)),
        (_("Checksum of the tables (SHA-256)"), checksum),
    ):
        sheet.append([label, xlsx_safe(value)])
    sheet.append([])
    heading(_("Key figures"))
    for label, value in content.key_figures:
        sheet.append([xlsx_safe(str(label)), value])
    for section in content.sections:
        sheet.append([])
        heading(str(section.title))
        for table in section.tables:
            sheet.append([])
            heading(table.title)
            sheet.append([_bold(sheet, column) for column in table.columns])
            for row in table.rows:
                sheet.append([xlsx_safe(value) for value in row])
            if table.note:
                sheet.append([xlsx_safe(table.note)])
    sheet.append([])
    heading(_("Methodology"))
    for title, text in methodology():
        cell = WriteOnlyCell(sheet, value=text)
        cell.alignment = wrap
        sheet.append([title, cell])
    sheet.append([])
    heading(_("What the data cannot say"))
    for text in limitations():
        sheet.append([xlsx_safe(text)])


def _explorer_query(content: ReportContent) -> str:
    return "/pledges/?" + "&".join(f"{k}={v}" for k, v in filters_of(content.report).items())


def write_zip(content: ReportContent, csvs: list[Path], checksum: str, out: Path) -> None:
    """The CSVs and a README of their fields in one zip, the same bytes for the same data."""
    stamp = timezone.make_naive(content.report.cutoff, dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        readme = zipfile.ZipInfo("README.txt", date_time=stamp)
        readme.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(readme, _readme(content, csvs, checksum))
        for path in csvs:
            info = zipfile.ZipInfo(path.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with path.open("rb") as source, archive.open(info, "w") as target:
                while block := source.read(1 << 16):
                    target.write(block)


def _readme(content: ReportContent, csvs: list[Path], checksum: str) -> str:
    report = content.report
    title = str(report.title)
    methodology_title, limitations_title = _("Methodology"), _("What the data cannot say")
    cutoff = timezone.make_naive(report.cutoff, dt.UTC)
    lines = [
        title,
        "=" * len(title),
        "",
        _("Review cycle: %(cycle)s") % {"cycle": report.cycle.title},
        # Translators: %(query)s is the explorer's address with its filters (/pledges/?...).
        _("Scope: %(scope)s (the explorer's %(query)s)")
        % {"scope": report.scope_label, "query": _explorer_query(content)},
        _("Data cut-off: %(cutoff)s UTC") % {"cutoff": f"{cutoff:%Y-%m-%d %H:%M:%S}"},
        _("SHA-256 of the CSV files below, read in this order: %(checksum)s")
        % {"checksum": checksum},
        "",
        _(
            "Files are UTF-8, comma-separated, one header line. Several values in a cell are "
            "separated by '; '. Dates are YYYY-MM-DD. Text that a spreadsheet would take for a "
            "formula starts with an apostrophe."
        ),
        "",
        "summary.csv",
        "-----------",
        # Translators: table, row, column and value are the columns of summary.csv, which stay
        # as they are.
        _("Every figure of the report, one per line: table, row, column, value."),
    ]
    tables = {table.name: table for table in content.data_tables}
    for path in csvs[1:]:
        table = tables[path.stem]
        # The English says "rows" whatever the count, as it always has; other languages agree.
        rows = ngettext("%(table)s: %(count)s rows.", "%(table)s: %(count)s rows.", table.count)
        lines += [
            "",
            path.name,
            "-" * len(path.name),
            rows % {"table": table.title, "count": _grouped(table.count)},
        ]
        lines.append(_("Columns: %(columns)s.") % {"columns": ", ".join(table.header)})
        lines += [f"  {name}: {text}" for name, text in table.fields]
    lines += ["", methodology_title, "-" * len(methodology_title)]
    for heading, text in methodology():
        # Translators: a paragraph of the methodology after its title: "Which pledges. The..."
        lines += [_("%(title)s. %(text)s") % {"title": heading, "text": text}, ""]
    lines += [limitations_title, "-" * len(limitations_title)]
    lines += [f"- {text}" for text in limitations()]
    return "\n".join(lines) + "\n"
