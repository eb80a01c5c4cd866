"""Import an indicator set, or a new version of one, from a CSV or XLSX table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.counts import counted
from indicators.sets import SetImportRejected, indicator_set_import


class Command(BaseCommand):
    help = (
        "Import FILE (CSV or XLSX, one indicator a row: code, name, unit, direction, SDG code, "
        "custodian, objectives) as version --set-version of the set --set. Writes nothing if any "
        "row is bad, and lists every bad row."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--set", dest="code", required=True, help="Set code, e.g. gcm-limited")
        parser.add_argument(
            "--set-version",
            required=True,
            help="Version of the set this file is, e.g. 2025-1 (Django keeps --version for itself)",
        )
        parser.add_argument("--name", default="", help="Needed for a new set")
        parser.add_argument("--description", default="")
        parser.add_argument("--source", default="", help="Where the list comes from")
        parser.add_argument(
            "--not-current",
            action="store_true",
            help="Load the version without offering it for new pledge targets yet",
        )

    def handle(self, *args: Any, file: Path, code: str, set_version: str, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        try:
            with file.open("rb") as handle:
                result = indicator_set_import(
                    file=handle,
                    filename=file.name,
                    code=code,
                    version=set_version,
                    name=options["name"],
                    description=options["description"],
                    source=options["source"],
                    make_current=not options["not_current"],
                )
        except SetImportRejected as rejected:
            for line, reason in rejected.rejected:
                self.stderr.write(f"{file.name}:{line}: {reason}")
            raise CommandError(
                f"{counted(len(rejected.rejected), 'problem')} in {file.name}; nothing was written."
            ) from None
        indicator_set = result.indicator_set
        outcome = "imported" if result.created else "already imported, unchanged"
        current = "current" if indicator_set.is_current else "not current"
        self.stdout.write(
            self.style.SUCCESS(
                f"{indicator_set} {outcome}: {counted(result.indicators, 'indicator')}, {current}; "
                f"{counted(result.carried_on, 'observation')} carried on from earlier versions."
            )
        )
