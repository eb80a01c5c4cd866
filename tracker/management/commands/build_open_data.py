"""Build the download of all published data here, in this process, through the same job as
the periodic task (after a deployment, or to have it at once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tracker.jobs import job_execute, job_start
from tracker.models import JobState
from tracker.open_data import OPEN_DATA_BUILD


class Command(BaseCommand):
    help = "Build the open-data zip (every API list as CSV and JSON Lines) and say where it is."

    def handle(self, *args: Any, **options: Any) -> None:
        job = job_start(kind=OPEN_DATA_BUILD, parameters={}, queue=False)
        job_execute(job.pk, worker="manage.py build_open_data")
        job.refresh_from_db()
        if job.state != JobState.DONE:
            raise CommandError(f"The download could not be built: {job.error}")
        result = job.result
        rows = ", ".join(f"{name} {count}" for name, count in result["rows"].items())
        self.stdout.write(
            f"{result['path']} {result['size']:,} bytes, SHA-256 {result['sha256']}\nrows: {rows}"
        )
