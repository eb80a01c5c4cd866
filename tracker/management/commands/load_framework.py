"""Load the GCM reference data: objectives, principles, areas, indicator sets, review cycles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from indicators.datafile import DataFileError
from indicators.framework import framework_load, framework_parse, translations_parse
from pledges.framework import review_cycles_load, review_cycles_parse

DATA = Path(__file__).resolve().parents[2] / "data"
DEFAULT_FILE = DATA / "gcm_framework.yaml"
TRANSLATIONS_FILE = DATA / "gcm_translations.yaml"


class Command(BaseCommand):
    help = (
        "Load the GCM framework reference data. Idempotent: a second run changes nothing. "
        "A malformed file is refused whole."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="YAML data file")
        parser.add_argument(
            "--translations",
            type=Path,
            default=TRANSLATIONS_FILE,
            help="YAML file of the reference data's wording in the other languages",
        )

    def handle(self, *args: Any, file: Path, translations: Path, **options: Any) -> None:
        data = _read(file)
        wording = _read(translations)
        try:
            framework = framework_parse(data)
            cycles = review_cycles_parse(data)
        except DataFileError as exc:
            raise CommandError(f"{file}: {exc}. Nothing was loaded.") from exc
        try:
            translations_parse(wording, framework)
        except DataFileError as exc:
            raise CommandError(f"{translations}: {exc}. Nothing was loaded.") from exc
        try:
            with transaction.atomic():
                counts = framework_load(framework=framework)
                counts.update(review_cycles_load(cycles=cycles))
        except DataFileError as exc:
            raise CommandError(f"{file}: {exc}. Nothing was loaded.") from exc

        changed = sum(n for key, n in counts.items() if not key.endswith("unchanged"))
        for key in sorted(counts):
            self.stdout.write(f"  {key}: {counts[key]}")
        verdict = f"{changed} rows created or updated" if changed else "already up to date"
        self.stdout.write(self.style.SUCCESS(f"GCM framework loaded: {verdict}."))


def _read(file: Path) -> Any:
    try:
        return yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise CommandError(f"{file} is not valid YAML: {exc}") from exc
