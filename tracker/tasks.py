"""Tasks of the site itself."""

from __future__ import annotations

from celery import Task, shared_task

from tracker.models import WorkerHeartbeat


@shared_task(name="tracker.ping")
def ping() -> str:
    """Answer /healthz/worker: proves a worker takes tasks off the broker and replies."""
    return "pong"


@shared_task(name="tracker.worker_heartbeat", bind=True, ignore_result=True)
def worker_heartbeat(self: Task) -> None:
    """Run by Celery beat every 30 s: /healthz reads the row to tell whether workers work."""
    WorkerHeartbeat.record(hostname=self.request.hostname or "")
