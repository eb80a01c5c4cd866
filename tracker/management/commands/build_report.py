"""Ask for a report and build it here, in this process, through the same job as a worker."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from indicators.models import Area, Objective
from pledges.models import OrganisationKind, Report, ReportScope, ReviewCycle
from tracker.jobs import job_execute
from tracker.models import Job, JobState
from tracker.reports import report_request

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Build an IMRF-cycle report (PDF, XLSX, CSV zip) in this process and print where its "
        "files are, e.g. --cycle IMRF-2026 --scope country --area KEN."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", required=True, help="The cycle's code, e.g. IMRF-2026.")
        parser.add_argument("--scope", required=True, choices=ReportScope.values)
        parser.add_argument("--area", default="", help="ISO3 country or commission code.")
        parser.add_argument("--objective", type=int, help="Objective number, 1 to 23.")
        parser.add_argument("--kind", default="", choices=["", *OrganisationKind.values])
        parser.add_argument(
            "--cutoff", default="", help="Data cut-off, ISO 8601 with its offset (default: now)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            requested = report_request(by=None, queue=False, **self._request(options))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        report, job = requested.report, requested.job
        if not requested.created:
            raise CommandError(
                f"This report is being built already (report {report.pk}, job {job.pk}): "
                "follow it on its page in the admin."
            )
        self.stdout.write(f"Building report {report.pk}: {report.title}")
        started = time.monotonic()
        job_execute(job.pk, worker="manage.py build_report", watch=self._bar)
        job.refresh_from_db()
        if job.state != JobState.DONE:
            sys.stderr.write("\n")
            raise CommandError(f"The report could not be built: {job.error}")
        self._bar(1.0, "Built")
        sys.stderr.write("\n")
        self._where(Report.objects.get(pk=report.pk), job, time.monotonic() - started)

    def _request(self, options: dict[str, Any]) -> dict[str, Any]:
        cycle = ReviewCycle.objects.filter(code=options["cycle"]).first()
        if cycle is None:
            codes = ", ".join(ReviewCycle.objects.values_list("code", flat=True))
            raise CommandError(f"No cycle {options['cycle']!r}: choose one of {codes}.")
        area = None
        if options["area"]:
            area = Area.objects.filter(code=options["area"].upper()).first()
            if area is None:
                raise CommandError(f"No country or commission with the code {options['area']!r}.")
        objective = None
        if options["objective"] is not None:
            objective = Objective.objects.filter(number=options["objective"]).first()
            if objective is None:
                raise CommandError("Objectives are numbered 1 to 23.")
        cutoff: dt.datetime | None = None
        if options["cutoff"]:
            cutoff = parse_datetime(options["cutoff"])
            if cutoff is None or cutoff.tzinfo is None:
                raise CommandError("Give the cut-off as ISO 8601 with its offset.")
        return {
            "cycle": cycle,
            "scope": options["scope"],
            "area": area,
            "objective": objective,
            "organisation_kind": options["kind"],
            "cutoff": cutoff,
        }

    def _bar(self, fraction: float, step: str) -> None:
        filled = round(BAR_WIDTH * min(max(fraction, 0.0), 1.0))
        line = f"\r[{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {fraction:4.0%} {step[:60]}"
        sys.stderr.write(f"{line:<110}")
        sys.stderr.flush()

    def _where(self, report: Report, job: Job, seconds: float) -> None:
        self.stdout.write(
            self.style.SUCCESS(f"Built in {seconds:.1f} s; checksum {report.checksum}")
        )
        root = Path(settings.MEDIA_ROOT)
        for file in report.files:
            self.stdout.write(
                f"  {file['format']:>4}  {file['size']:>12,} bytes  {root / file['path']}"
            )
        self.stdout.write(f"Its page: {settings.SITE_URL}{report.get_absolute_url()}")
