"""The Celery application, configured from Django settings (CELERY_* names)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from sqlalchemy import event
from sqlalchemy.engine import Engine

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@event.listens_for(Engine, "connect")
def _sqlite_wal(dbapi_connection: Any, connection_record: Any) -> None:
    """Put the embedded broker's and result store's SQLite files in WAL mode.

    kombu and Celery create their SQLAlchemy engines themselves, so the pragmas are set on
    every new SQLite connection instead: WAL lets the web process enqueue while the worker
    reads, and the busy timeout makes a writer wait for the lock rather than fail.
    """
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=20000")
    cursor.close()
