"""Print the demo secretariat's current second-factor code (development only)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker.seeding.demo import DEMO_TOTP_SECRET, SECRETARIAT_EMAIL


class Command(BaseCommand):
    help = "Print the current authenticator code of the demo secretariat (DEBUG only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo codes are for development machines only.")
        counters = list(yield_hotp_counters_from_time())
        current = counters[len(counters) // 2]
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, current))
        self.stdout.write(f"{SECRETARIAT_EMAIL}: {code} (valid for about 30 seconds)")
