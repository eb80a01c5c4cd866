"""System checks of the tracker's own settings (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

# Cache backends whose counts live in one process, or nowhere: none is seen by the other web
# processes.
PER_PROCESS_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)


def check_cache_shared_by_processes(**kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when production counts login failures per process.

    allauth throttles failed logins in the default cache. A per-process cache counts them in
    each gunicorn worker apart, so two workers let ten failed logins through instead of five
    (and a dummy cache lets all of them through). With DEBUG on there is one process.
    """
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is not shared between processes: "
            "login throttling counts failed logins in each web process apart.",
            hint="Set CACHE_URL to a Redis server every web process reaches, e.g. "
            "redis://redis:6379/1.",
            id="tracker.W001",
        )
    ]
