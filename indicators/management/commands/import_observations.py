"""Import observations: Open SDG files for one country, or the UN SDG Global Database layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.counts import counted
from indicators.imports import ImportRejected, ImportSummary, Layout, observations_import
from indicators.models import Area

BAR_WIDTH = 20


class Command(BaseCommand):
    help = (
        "Import observations from PATH: an Open SDG indicator_*.csv file, a folder of them, or "
        "an Open SDG data repository (its data/ and meta/ folders), with --country; or with "
        "--format sdg-global a CSV (or folder of CSVs) in the long layout of the UN SDG Global "
        "Database. Each file is imported on its own: a file with bad rows is refused whole "
        "and listed with every bad row, the others are written; the command then exits "
        "non-zero. With --strict, any bad row refuses everything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--country",
            help="ISO 3166 alpha-3 code, e.g. GBR: the country of Open SDG files; with "
            "--format sdg-global, keeps only that country's rows",
        )
        parser.add_argument(
            "--format",
            dest="layout",
            choices=[layout.value for layout in Layout],
            default=Layout.OPEN_SDG.value,
        )
        parser.add_argument("--source", default="", help="Source to record on each value")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Write nothing at all if any row of any file is bad",
        )

    def handle(
        self,
        *args: Any,
        path: Path,
        country: str | None,
        layout: str,
        source: str,
        strict: bool,
        **options: Any,
    ) -> None:
        layout = Layout(layout)
        area = None
        if country:
            area = Area.objects.countries().filter(iso3=country.upper()).first()
            if area is None:
                raise CommandError(
                    f"{country} is not a country code known here (ISO 3166 alpha-3)."
                )
        elif layout == Layout.OPEN_SDG:
            raise CommandError("Open SDG files hold one country's data: give --country ISO3.")
        pattern = "*.csv"
        if path.is_dir():
            # An Open SDG data repository keeps its files in data/ (its metadata in folders
            # beside it, which the import finds): take its root as well.
            files = sorted(path.glob(pattern)) or sorted((path / "data").glob(pattern))
        elif path.is_file():
            files = [path]
        else:
            raise CommandError(f"{path} is neither a file nor a folder.")
        if not files:
            raise CommandError(f"No {pattern} file in {path}.")

        def progress(fraction: float, step: str) -> None:
            bar = "#" * int(BAR_WIDTH * fraction)
            self.stdout.write(f"[{bar:<{BAR_WIDTH}}] {fraction:4.0%} {step}")

        try:
            summary = observations_import(
                files=files,
                area=area,
                layout=layout,
                source=source,
                progress=progress,
                strict=strict,
            )
        except ImportRejected as rejected:
            summary = rejected.summary
            self._problems(summary)
            raise CommandError(
                f"{counted(summary.rows, 'row')} read, {len(summary.rejected)} rejected in "
                f"{counted(summary.files, 'file')}; nothing was written (--strict)."
            ) from None
        for name, reason in summary.skipped_files:
            self.stdout.write(f"{name}: skipped, {reason}")
        for name, reason in summary.no_data:
            self.stdout.write(f"{name}: no data, {reason}")
        for name, reason in summary.warnings:
            self.stderr.write(f"{name}: {reason}")
        self._problems(summary)
        if refused := summary.refused_files:
            raise CommandError(
                f"{summary.sentence()} Refused: {', '.join(refused)}; the other files were "
                "imported."
            )
        self.stdout.write(self.style.SUCCESS(summary.sentence()))

    def _problems(self, summary: ImportSummary) -> None:
        for name, line, reason in summary.rejected:
            self.stderr.write(f"{name}:{line}: {reason}")
