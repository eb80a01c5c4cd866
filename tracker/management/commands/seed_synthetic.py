"""Bulk synthetic pledges and updates for benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.seeding.synthetic import synthetic_seed


def positive(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Add N synthetic pledges and M progress updates (e.g. --pledges 50000 --updates 500000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pledges", type=positive, default=1000)
        parser.add_argument("--updates", type=positive, default=10000)
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (same seed, same data)"
        )

    def handle(self, *args: Any, pledges: int, updates: int, seed: int, **options: Any) -> None:
        if updates and not pledges:
            raise CommandError("Updates need pledges to report on: pass --pledges too.")
        started = time.monotonic()
        try:
            result = synthetic_seed(
                pledges=pledges,
                updates=updates,
                seed=seed,
                progress=lambda message: self.stdout.write(f"  {message}"),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.pledges} pledges and {result.updates} updates "
                f"({result.organisations} synthetic organisations) in "
                f"{time.monotonic() - started:.1f} s."
            )
        )
