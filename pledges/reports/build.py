"""Build a report: count its figures, write its three files, put them in place at once.

Files are written in a temporary folder first. Only once all three are complete are they
stored, under a folder of this attempt's own, and recorded on the report in one conditional
update, which is what makes them visible: a build that fails or is killed leaves nothing a
reader can download, and of two attempts that both finish, the first recorded wins and the
other's files are removed. So a build can be retried, or redelivered, as often as need be.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pledges.models import Report, ReportFormat
from pledges.reports.content import ANNEX_MAX, annex_rows, report_content
from pledges.reports.pdf import write_pdf
from pledges.reports.tables import write_tables, write_zip
from pledges.services.reports import report_files_set

Progress = Callable[[float, str], None]
# Shares of the build's time each part takes, roughly: the progress bar moves evenly.
FIGURES, TABLES, PDF = 0.1, 0.75, 0.1


def file_stem(report: Report) -> str:
    """gcm-report-IMRF-2026-country-KEN-20261203: what the files are called when saved."""
    return f"gcm-report-{report.key.replace(':', '-')}-{timezone.localdate(report.cutoff):%Y%m%d}"


def report_build(report: Report, progress: Progress) -> dict[str, Any]:
    """Build the report's files and record them; returns what the job shows of the build.

    A report that has its files already is left as it is (a second delivery of the task).
    Reports are written in the site's language whoever asked for them: its PDF fonts cover
    the Latin script only (see README, Languages).
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _build(report, progress)


def _build(report: Report, progress: Progress) -> dict[str, Any]:
    if report.is_built:
        return {"report": report.pk, "already_built": True}
    progress(0.0, _("Counting the figures"))
    content = report_content(report)
    stem = file_stem(report)
    with tempfile.TemporaryDirectory(prefix=f"report-{report.pk}-") as temporary:
        folder = Path(temporary)
        tables = folder / "tables"
        tables.mkdir()
        paths = {
            ReportFormat.XLSX: folder / f"{stem}.xlsx",
            ReportFormat.CSV: folder / f"{stem}-csv.zip",
            ReportFormat.PDF: folder / f"{stem}.pdf",
        }
        csvs, checksum = write_tables(
            content,
            tables,
            paths[ReportFormat.XLSX],
            lambda done, step: progress(FIGURES + TABLES * done, step),
        )
        write_zip(content, csvs, checksum, paths[ReportFormat.CSV])
        progress(FIGURES + TABLES, _("Drawing the PDF summary"))
        annex = annex_rows(report) if content.pledge_count <= ANNEX_MAX else None
        with paths[ReportFormat.PDF].open("wb") as out:
            pages = write_pdf(content, out, checksum=checksum, annex=annex)
        progress(FIGURES + TABLES + PDF, _("Storing the files"))
        files = _store(report, paths)
    figures = [[str(label), value] for label, value in content.key_figures]
    if not report_files_set(report=report, files=files, checksum=checksum, figures=figures):
        _remove(files)
        return {"report": report.pk, "already_built": True}
    _remove_other_attempts(report, files)
    return {"report": report.pk, "checksum": checksum, "pages": pages, "files": files}


def _store(report: Report, paths: dict[str, Path]) -> list[dict[str, Any]]:
    attempt = secrets.token_hex(4)
    files = []
    for format, path in paths.items():
        with path.open("rb") as file:
            stored = default_storage.save(f"reports/{report.pk}/{attempt}/{path.name}", File(file))
        files.append(
            {"format": str(format), "name": path.name, "path": stored, "size": path.stat().st_size}
        )
    order = [f.value for f in ReportFormat]
    return sorted(files, key=lambda f: order.index(f["format"]))


def _remove(files: list[dict[str, Any]]) -> None:
    for file in files:
        default_storage.delete(file["path"])


def _remove_other_attempts(report: Report, files: list[dict[str, Any]]) -> None:
    """Files of attempts that were killed after storing them, before recording them."""
    kept = {file["path"].rsplit("/", 2)[-2] for file in files}
    folder = f"reports/{report.pk}"
    try:
        attempts, _files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for attempt in set(attempts) - kept:
        _folders, names = default_storage.listdir(f"{folder}/{attempt}")
        for name in names:
            default_storage.delete(f"{folder}/{attempt}/{name}")
