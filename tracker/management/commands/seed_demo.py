"""Create the demo dataset and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.models import Objective
from tracker.seeding.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_seed


class Command(BaseCommand):
    help = "Seed demo organisations, pledges, updates and observations (once) and print logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off. The demo logins have a published password.",
        )

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to seed demo accounts with DEBUG off: their password is public. "
                "Pass --force if this really is a demonstration site."
            )
        if not Objective.objects.exists():
            raise CommandError("The GCM framework is not loaded: run `manage.py load_framework`.")
        result = demo_seed()
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data created: {result.pledges} pledges, {result.updates} progress "
                    f"updates, {result.observations} observations."
                )
            )
        else:
            self.stdout.write("Demo data already present; nothing created.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, email in result.logins:
            self.stdout.write(f"  {email:<28} {role}")
        self.stdout.write(
            f"The secretariat also needs its second factor: add the key {DEMO_TOTP_SECRET} to an "
            "authenticator app, or run `manage.py demo_code` for the current code."
        )
