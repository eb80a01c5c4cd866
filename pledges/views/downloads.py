"""Downloads of the explorer's results, as CSV and XLSX: the same filters as `/pledges/`, every
result (no pages), one row per pledge (see pledges.downloads for the columns and what is
never in them). Anonymous; any size, in flat memory."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from indicators.spreadsheets import csv_writer, xlsx_safe
from pledges.downloads import HEADER, explorer_rows
from pledges.filters import PledgeFilter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Workbooks up to this size stay in memory; larger ones go to a file on disk.
XLSX_IN_MEMORY = 8 * 1024 * 1024
# Anyone may cache a download for a few minutes: it is public data, the same for everybody.
MAX_AGE = 5 * 60


class Echo:
    """A file whose write gives back what it was given, so that a CSV writer's each row can
    be streamed as it is written (the Django documentation's "Streaming large CSV files")."""

    def write(self, value: str) -> str:
        return value


def _bad_filters(filterset: PledgeFilter) -> HttpResponse:
    reasons = "; ".join(
        f"{name}: {' '.join(errors)}" for name, errors in filterset.form.errors.items()
    )
    # Translators: followed by each filter's name (as in the address) and what is wrong with it.
    text = gettext("Some filters could not be read. %(reasons)s") % {"reasons": reasons}
    return HttpResponseBadRequest(f"{text}\n", content_type="text/plain; charset=utf-8")


def _filename(extension: str) -> str:
    return f"gcm-pledges-{timezone.localdate():%Y-%m-%d}.{extension}"


@require_GET
def explorer_csv(request: HttpRequest) -> HttpResponse:
    filterset = PledgeFilter(request.GET)
    if not filterset.is_valid():
        return _bad_filters(filterset)
    rows = explorer_rows(filterset.qs, request.build_absolute_uri)
    writer = csv_writer(Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(HEADER)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_GET
def explorer_xlsx(request: HttpRequest) -> HttpResponse:
    filterset = PledgeFilter(request.GET)
    if not filterset.is_valid():
        return _bad_filters(filterset)
    # A write-only workbook keeps no rows in memory: openpyxl writes each to a temporary file
    # of its own as it comes. But it cannot stream to the socket: an XLSX is a ZIP archive
    # whose parts (the sheet, the workbook, the styles, the index of parts at the end) are
    # written in one call, `save()`, once every row is in; streaming it would mean running
    # `save()` in another thread feeding a pipe. So the workbook is saved to a file (kept in
    # memory while small, on disk beyond), which FileResponse then streams in blocks and
    # closes, and so deletes, once sent.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("pledges")
    sheet.append(HEADER)
    for row in explorer_rows(filterset.qs, request.build_absolute_uri):
        sheet.append([xlsx_safe(value) for value in row])
    # Closed, and so deleted, by the response once sent.
    file = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY)  # noqa: SIM115
    workbook.save(file)
    file.seek(0)
    response = FileResponse(
        file, as_attachment=True, filename=_filename("xlsx"), content_type=XLSX_TYPE
    )
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
