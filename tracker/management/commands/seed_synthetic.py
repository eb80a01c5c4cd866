"""Bulk synthetic pledges and updates for benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.seeding.synthetic import synthetic_observations, synthetic_seed


def positive(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Add N synthetic pledges and M progress updates (e.g. --pledges 50000 --updates 500000), "
        "and with --observations a value for every indicator, country and year."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pledges", type=positive, default=1000)
        parser.add_argument("--updates", type=positive, default=10000)
        parser.add_argument(
            "--observations",
            metavar="FIRST-LAST",
            help="Years to give every current indicator a value in every country, e.g. 2015-2024",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (same seed, same data)"
        )

    def handle(
        self,
        *args: Any,
        pledges: int,
        updates: int,
        observations: str | None,
        seed: int,
        **options: Any,
    ) -> None:
        if updates and not pledges:
            raise CommandError("Updates need pledges to report on: pass --pledges too.")
        years = _years(observations) if observations else None
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
        if years:
            added = synthetic_observations(years, seed=seed)
            self.stdout.write(self.style.SUCCESS(f"Added {added} observations."))


def _years(text: str) -> range:
    first, _dash, last = text.partition("-")
    try:
        years = range(int(first), int(last or first) + 1)
    except ValueError as error:
        raise CommandError(
            f"--observations takes years as FIRST-LAST, e.g. 2015-2024: {text!r}"
        ) from error
    if not years or not 1900 <= years.start <= years.stop <= 2101:
        raise CommandError(f"--observations needs a first year before the last: {text!r}")
    return years
