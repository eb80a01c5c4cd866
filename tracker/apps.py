"""The project's app: creates the local folders it needs at startup and registers its checks."""

from __future__ import annotations

from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from tracker.checks import check_cache_shared_by_processes

# How Celery and kombu name a SQLite file: the embedded broker and the result store.
SQLITE_URL_PREFIXES = ("sqla+sqlite:///", "db+sqlite:///")


def local_folders() -> set[Path]:
    """The folders the tracker needs before anything writes to them.

    Those of the SQLite files in use (database, embedded broker, result store), as SQLite
    creates a missing file but not its folder. With DEBUG on, STATIC_ROOT too: nothing is
    collected on a development machine, but the tests run with DEBUG turned off (pytest-django
    does that after startup), and WhiteNoise then warns about the missing folder. In
    production the folder is `collectstatic`'s to make, and its warning says it has not run.
    """
    files = [
        Path(database["NAME"])
        for database in settings.DATABASES.values()
        if database["ENGINE"] == "django.db.backends.sqlite3"
    ]
    files += [
        Path(url.removeprefix(prefix))
        for url in (settings.CELERY_BROKER_URL, settings.CELERY_RESULT_BACKEND)
        for prefix in SQLITE_URL_PREFIXES
        if url.startswith(prefix)
    ]
    folders = {file.parent for file in files}
    if settings.DEBUG:
        folders.add(Path(settings.STATIC_ROOT))
    return folders


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self) -> None:
        # Registers what each kind of job does, for the web processes and the workers alike.
        from tracker import job_kinds  # noqa: F401

        checks.register(check_cache_shared_by_processes, checks.Tags.caches, deploy=True)
        # Here rather than in settings, so that importing settings creates nothing; and only
        # what is used, so that production on PostgreSQL and Redis needs no writable folder.
        # Web processes, workers and beat all start Django, so each finds its folders made.
        for folder in local_folders():
            folder.mkdir(parents=True, exist_ok=True)
