"""Tasks of the site itself."""

from __future__ import annotations

from celery import Task, shared_task

from tracker import idempotency, jobs, open_data
from tracker.models import WorkerHeartbeat


@shared_task(name="tracker.ping")
def ping() -> str:
    """Answer /healthz/worker: proves a worker takes tasks off the broker and replies."""
    return "pong"


@shared_task(name="tracker.worker_heartbeat", bind=True, ignore_result=True)
def worker_heartbeat(self: Task) -> None:
    """Run by Celery beat every 30 s: /healthz reads the row to tell whether workers work."""
    WorkerHeartbeat.record(hostname=self.request.hostname or "")


@shared_task(name="tracker.job_run", bind=True, ignore_result=True)
def job_run(self: Task, job_id: int) -> None:
    """Do a job (tracker.jobs): the row says what, and holds the progress and the outcome."""
    jobs.job_execute(job_id, worker=self.request.hostname or "")


@shared_task(name="tracker.jobs_sweep", ignore_result=True)
def jobs_sweep() -> dict[str, int]:
    """Run by Celery beat every minute: find jobs whose message or worker was lost."""
    return jobs.jobs_sweep()


@shared_task(name="tracker.idempotency_keys_expire", ignore_result=True)
def idempotency_keys_expire() -> int:
    """Run by Celery beat hourly: forget the API's Idempotency-Keys older than a day."""
    return idempotency.idempotency_keys_expire()


@shared_task(name="tracker.open_data_refresh", ignore_result=True)
def open_data_refresh() -> int | None:
    """Run by Celery beat: forget old downloads, and build a new one if the data changed."""
    open_data.open_data_prune()
    job = open_data.open_data_refresh()
    return job.pk if job is not None else None
