"""Compile the translation catalogues (`locale/*/LC_MESSAGES/*.po`) into the `.mo` files
Django reads, in pure Python, so that a new machine needs no GNU gettext (Django's own
`compilemessages` runs its `msgfmt`). Run by `make run` and `make test`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo files (pure Python)."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        for folder in settings.LOCALE_PATHS:
            for source in sorted(Path(folder).glob("*/LC_MESSAGES/*.po")):
                target = source.with_suffix(".mo")
                if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
                    continue
                try:
                    catalogue = polib.pofile(str(source))
                except (OSError, ValueError) as error:
                    raise CommandError(f"{source}: {error}") from error
                catalogue.save_as_mofile(str(target))
                compiled += 1
        self.stdout.write(f"{compiled} catalogues compiled.")
