"""Import observations in the Open SDG layout for one country."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.imports import ImportRejected, observations_import
from indicators.models import Area


class Command(BaseCommand):
    help = (
        "Import Open SDG indicator files (PATH: one indicator_*.csv or a folder of them) for "
        "a country. Writes nothing if any row is bad, and lists every bad row."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--country", required=True, help="ISO 3166 alpha-3 code, e.g. GBR")
        parser.add_argument("--source", default="", help="Source to record on each value")

    def handle(self, *args: Any, path: Path, country: str, source: str, **options: Any) -> None:
        area = Area.objects.countries().filter(iso3=country.upper()).first()
        if area is None:
            raise CommandError(f"{country} is not a country code known here (ISO 3166 alpha-3).")
        if path.is_dir():
            files = sorted(path.glob("indicator_*.csv"))
        elif path.is_file():
            files = [path]
        else:
            raise CommandError(f"{path} is neither a file nor a folder.")
        if not files:
            raise CommandError(f"No indicator_*.csv file in {path}.")
        total = len(files)
        done = 0

        def progress(message: str) -> None:
            nonlocal done
            done += 1
            bar = "#" * (20 * done // total)
            self.stdout.write(f"[{bar:<20}] {done}/{total} {message}")

        try:
            summary = observations_import(files=files, area=area, source=source, progress=progress)
        except ImportRejected as rejected:
            summary = rejected.summary
            for name, line, reason in summary.rejected:
                self.stderr.write(f"{name}:{line}: {reason}")
            raise CommandError(
                f"{len(summary.rejected)} row(s) rejected in {summary.files} file(s); "
                "nothing was written."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.files} file(s), {summary.rows} row(s) read: {summary.written} written, "
                f"{summary.unchanged} unchanged, {summary.empty_values} without a value, "
                f"{summary.files_without_data} file(s) without data, 0 rejected."
            )
        )
