"""Health checks for /healthz: can we reach the database, the broker and a worker?"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from celery import Celery
from django.conf import settings
from django.db import connection

from tracker.celery import app
from tracker.tasks import ping

# A health probe must answer fast: a load balancer gives up long before a worker would.
WORKER_TIMEOUT_SECONDS = 3.0
BROKER_TIMEOUT_SECONDS = 2.0


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_broker(celery_app: Celery = app) -> str:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
        return conn.transport.driver_type


def check_worker() -> str:
    # The ping expires with the wait, so a probe made while no worker runs leaves nothing
    # behind for a worker started later to answer.
    result = ping.apply_async(expires=WORKER_TIMEOUT_SECONDS)
    try:
        answer = result.get(timeout=WORKER_TIMEOUT_SECONDS, disable_sync_subtasks=False)
    finally:
        result.forget()
    if answer != "pong":
        raise RuntimeError(f"unexpected answer {answer!r}")
    return "pong"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "broker": check_broker,
    "worker": check_worker,
}


def run_checks() -> dict[str, Any]:
    """Run every check; a failing one is reported with its error, never raised."""
    results: dict[str, Any] = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            detail = check()
        except Exception as exc:
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            results[name] = {"ok": True, "detail": detail}
        results[name]["ms"] = round((time.monotonic() - started) * 1000)
    healthy = all(r["ok"] for r in results.values())
    return {
        "status": "ok" if healthy else "error",
        "checks": results,
        "debug": settings.DEBUG,
    }
