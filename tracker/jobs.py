"""Long work done by workers, one mechanism for all of it: imports now, reports next.

A job is a row first (`job_start`: kind, parameters, who asked), then a task that claims the
row and runs the kind's function, which reports its progress (a fraction and a step) as it
goes; the outcome lands on the row: the result, or the error and its reasons. The page that
shows a job reads only the row.

The row, not the broker, is the truth. The embedded broker loses a message when a worker's
main process is killed, and any broker can be down when a job is asked for, so
`jobs_sweep`, run by Celery beat every minute, queues again a job still waiting after a
grace period, and marks as interrupted a running job whose heartbeat (written with each
progress report) has gone quiet; an interrupted or failed job can be run again
(`job_rerun`). A claim is a conditional update, so a job queued twice runs once.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from tracker.models import Job, JobState

logger = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
Work = Callable[[Job, Progress], dict[str, Any]]
# Progress is written at most this often: a row update a second costs nothing, and a page
# refreshing every two seconds sees it move.
REPORT_EVERY_SECONDS = 1.0


class JobFailed(Exception):
    """What a kind's function raises when the work cannot be done: `reasons` say why.

    `result` keeps whatever the function could tell about what it did before it stopped.
    """

    def __init__(self, message: str, reasons: list[str], result: dict[str, Any] | None = None):
        super().__init__(message)
        self.reasons = reasons
        self.result = result or {}


@dataclass(frozen=True)
class JobKind:
    label: str
    # Who may start it, or run it again (a permission name, "app.codename").
    permission: str
    run: Work
    # A template that shows the kind's result on the job's page.
    result_template: str = ""
    # How many times the sweep starts a job whose worker died before marking it failed: more
    # than one for work that is safe to redo (a build whose files appear only when complete).
    attempts: int = 1


KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str, *, label: str, permission: str, result_template: str = "", attempts: int = 1
) -> Callable[[Work], Work]:
    """Register what a kind of job does (a function of the job and its progress report)."""

    def register(run: Work) -> Work:
        KINDS[name] = JobKind(label, permission, run, result_template, attempts)
        return run

    return register


def kind_of(job: Job) -> JobKind | None:
    """What the job's kind does, if this version of the code still knows it."""
    return KINDS.get(job.kind)


def _stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.JOB_STALE_SECONDS)


def job_start(
    *,
    kind: str,
    parameters: dict[str, Any],
    by: Any = None,
    files: list[File] | None = None,
    queue: bool = True,
) -> Job:
    """Save the request, keep its files, and queue its task once the row is committed.

    Files are stored (private storage) under the job's folder and named in
    `parameters["files"]`, so that any worker, on any machine, reads them, and a run again
    finds them. With `queue=False` the caller runs it (`job_execute`) in its own process.
    """
    if kind not in KINDS:
        raise ValueError(f"No job kind {kind!r}.")
    with transaction.atomic():
        job = Job.objects.create(kind=kind, parameters=parameters, created_by=by)
        if files:
            stored = [
                default_storage.save(f"jobs/{job.pk}/{get_valid_filename(f.name)}", f)
                for f in files
            ]
            job.parameters = {**parameters, "files": stored}
            job.save(update_fields=["parameters"])
        if queue:
            transaction.on_commit(lambda: job_dispatch(job.pk))
    return job


def job_dispatch(job_id: int) -> None:
    """Queue a job's task. A broker that is down fails nothing: the sweep queues it later."""
    from tracker.tasks import job_run

    Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(dispatched_at=timezone.now())
    try:
        job_run.apply_async((job_id,), retry=False)
    except Exception:
        logger.warning("Could not queue job %s; the job sweep will", job_id, exc_info=True)


def job_execute(job_id: int, *, worker: str = "", watch: Progress | None = None) -> bool:
    """Claim a waiting job and do it; False if it was not waiting (taken, done, or gone).

    `watch` hears every progress report, as the row records them (a command's progress bar).
    """
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        attempts=F("attempts") + 1,
        worker=worker[:255],
        progress=0.0,
        step=_("Starting"),
        error="",
    )
    if not claimed:
        return False
    job = Job.objects.get(pk=job_id)
    kind = kind_of(job)
    if kind is None:
        _finish(
            job_id,
            JobState.FAILED,
            {},
            _("This version of the tracker does no %(kind)s jobs.") % {"kind": repr(job.kind)},
        )
        return True
    last, last_kind = 0.0, ""

    def report(fraction: float, step: str) -> None:
        nonlocal last, last_kind
        if watch is not None:
            watch(fraction, step)
        # A new kind of step is always written ("checking" gives way to "writing"); the
        # same step with new counts at most once a second.
        kind_of_step = re.sub(r"[\d,.%]+", "#", step)
        if kind_of_step == last_kind and time.monotonic() - last < REPORT_EVERY_SECONDS:
            return
        last, last_kind = time.monotonic(), kind_of_step
        Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(
            progress=min(max(fraction, 0.0), 1.0), step=step[:300], heartbeat_at=timezone.now()
        )

    try:
        result = kind.run(job, report)
    except JobFailed as failed:
        _finish(job_id, JobState.FAILED, {**failed.result, "reasons": failed.reasons}, str(failed))
    except Exception as error:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        _finish(
            job_id,
            JobState.FAILED,
            {},
            # Translators: %(error)s is the name of a Python exception, as ValueError.
            _(
                "An unexpected error stopped the job (%(error)s); the details are in the "
                "worker's log. Run it again once the cause is fixed."
            )
            % {"error": type(error).__name__},
        )
    else:
        _finish(job_id, JobState.DONE, result, "")
    return True


def _finish(job_id: int, state: JobState, result: dict[str, Any], error: str) -> None:
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(
        state=state,
        result=result,
        error=error,
        finished_at=now,
        heartbeat_at=now,
        progress=1.0 if state == JobState.DONE else F("progress"),
        step=_("Finished") if state == JobState.DONE else _("Stopped"),
    )


def job_rerun(job: Job) -> bool:
    """Queue a failed or interrupted job again, from the start; False if it was not failed."""
    with transaction.atomic():
        again = Job.objects.filter(pk=job.pk, state=JobState.FAILED).update(
            state=JobState.QUEUED,
            progress=0.0,
            step="",
            error="",
            result={},
            started_at=None,
            finished_at=None,
            heartbeat_at=None,
        )
        if again:
            transaction.on_commit(lambda: job_dispatch(job.pk))
    return bool(again)


def jobs_sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Find jobs whose worker went quiet: queued again while their kind allows more attempts,
    else marked interrupted, with the reason; queue again those never taken."""
    now = now or timezone.now()
    quiet = now - _stale_after()
    interrupted = retried = 0
    for job in Job.objects.filter(state=JobState.RUNNING, heartbeat_at__lt=quiet):
        still_quiet = Job.objects.filter(
            pk=job.pk, state=JobState.RUNNING, heartbeat_at=job.heartbeat_at
        )
        last_heard = _(
            "The worker running this job (%(worker)s) stopped answering; it was last heard "
            "from at %(time)s UTC."
        ) % {
            "worker": job.worker or _("unknown"),
            "time": f"{job.heartbeat_at:%Y-%m-%d %H:%M:%S}",
        }
        kind = kind_of(job)
        # A running job was claimed once at least, whatever its row says.
        attempts = max(job.attempts, 1)
        if kind is not None and attempts < kind.attempts:
            if still_quiet.update(
                state=JobState.QUEUED,
                step=_("Interrupted; queued again (attempt %(attempt)s of %(attempts)s)")
                % {"attempt": attempts + 1, "attempts": kind.attempts},
                error=last_heard,
                dispatched_at=None,
            ):
                retried += 1
                job_dispatch(job.pk)
            continue
        interrupted += still_quiet.update(
            state=JobState.FAILED,
            finished_at=now,
            step=_("Interrupted"),
            error=_("%(reason)s Run the job again.") % {"reason": last_heard},
        )
    waiting = Job.objects.filter(state=JobState.QUEUED).filter(
        Q(dispatched_at__lt=now - dt.timedelta(seconds=settings.JOB_QUEUE_GRACE_SECONDS))
        | Q(dispatched_at=None, created_at__lt=now - _stale_after())
    )
    requeued = 0
    for job_id in waiting.values_list("pk", flat=True):
        job_dispatch(job_id)
        requeued += 1
    return {"interrupted": interrupted, "retried": retried, "requeued": requeued}
