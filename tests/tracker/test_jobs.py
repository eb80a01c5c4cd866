"""Long work as jobs: the row is the truth, whatever happens to the message or the worker."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from indicators.models import Observation
from tests.conftest import worker_env_on_test_db, worker_running
from tracker import jobs
from tracker.jobs import JobFailed, job_execute, job_kind, job_rerun, job_start, jobs_sweep
from tracker.models import Job, JobState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def kinds(monkeypatch):
    """Kinds of job for these tests alone, and progress written at every report."""
    monkeypatch.setattr(jobs, "KINDS", dict(jobs.KINDS))
    monkeypatch.setattr(jobs, "REPORT_EVERY_SECONDS", 0)

    @job_kind("count", label="Counting", permission="indicators.add_observation")
    def count(job: Job, report: Callable[[float, str], None]) -> dict:
        for n in range(job.parameters["to"]):
            report(n / job.parameters["to"], f"counted {n}")
            # What a test reads while the job runs: the row, as any other process would.
            seen.append(Job.objects.values_list("progress", "step").get(pk=job.pk))
        return {"counted": job.parameters["to"]}

    @job_kind("refuse", label="Refusing", permission="indicators.add_observation")
    def refuse(job: Job, report: Callable[[float, str], None]) -> dict:
        raise JobFailed("Nothing to do.", ["the file is empty"], {"read": 0})

    @job_kind("crash", label="Crashing", permission="indicators.add_observation")
    def crash(job: Job, report: Callable[[float, str], None]) -> dict:
        raise ZeroDivisionError

    seen: list[tuple[float, str]] = []
    return seen


def test_a_job_is_saved_first_and_queued_once_committed(
    kinds, secretariat, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("indicator 10-c-1.csv", b"Year,Value\n2019,3\n")
    with django_capture_on_commit_callbacks() as callbacks:
        job = job_start(kind="count", parameters={"to": 3}, by=secretariat, files=[upload])
    assert (job.state, job.created_by) == (JobState.QUEUED, secretariat)
    assert job.parameters["files"] == [f"jobs/{job.pk}/indicator_10-c-1.csv"]
    assert len(callbacks) == 1
    assert Job.objects.get().dispatched_at is None
    callbacks[0]()  # tasks run eagerly in the tests: the dispatch runs the job
    job.refresh_from_db()
    assert (job.state, job.progress, job.result, job.attempts) == (
        JobState.DONE,
        1.0,
        {"counted": 3},
        1,
    )
    assert job.dispatched_at is not None


def test_progress_is_written_to_the_row_as_the_job_goes(kinds):
    job = Job.objects.create(kind="count", parameters={"to": 4})
    assert job_execute(job.pk, worker="w1")
    assert kinds == [
        (0.0, "counted 0"),
        (0.25, "counted 1"),
        (0.5, "counted 2"),
        (0.75, "counted 3"),
    ]
    job.refresh_from_db()
    assert (job.state, job.worker, job.step) == (JobState.DONE, "w1", "Finished")


def test_a_job_runs_once_however_often_it_is_queued(kinds):
    job = Job.objects.create(kind="count", parameters={"to": 1})
    assert job_execute(job.pk)
    assert not job_execute(job.pk)
    assert Job.objects.get().attempts == 1


def test_a_job_that_cannot_be_done_fails_keeping_its_reasons(kinds):
    job = Job.objects.create(kind="refuse")
    job_execute(job.pk)
    job.refresh_from_db()
    assert (job.state, job.error) == (JobState.FAILED, "Nothing to do.")
    assert job.result == {"read": 0, "reasons": ["the file is empty"]}


def test_an_unexpected_error_fails_the_job_with_a_plain_message(kinds, caplog):
    job = Job.objects.create(kind="crash")
    job_execute(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error.startswith("An unexpected error stopped the job (ZeroDivisionError)")
    assert "Job %s (%s) failed" in caplog.records[0].msg


def test_the_sweep_marks_a_job_whose_worker_went_quiet_and_it_can_be_run_again(kinds, settings):
    long_ago = timezone.now() - dt.timedelta(seconds=settings.JOB_STALE_SECONDS + 1)
    job = Job.objects.create(
        kind="count", parameters={"to": 2}, state=JobState.RUNNING, heartbeat_at=long_ago
    )
    busy = Job.objects.create(
        kind="count", state=JobState.RUNNING, heartbeat_at=timezone.now(), worker="w2"
    )
    assert jobs_sweep() == {"interrupted": 1, "retried": 0, "requeued": 0}
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "stopped answering" in job.error
    assert Job.objects.get(pk=busy.pk).state == JobState.RUNNING
    assert job_rerun(job)
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED
    assert not job_rerun(busy)


def test_the_sweep_queues_again_a_job_whose_message_was_lost(
    kinds, settings, django_capture_on_commit_callbacks
):
    job = Job.objects.create(kind="count", parameters={"to": 1})
    Job.objects.filter(pk=job.pk).update(
        dispatched_at=timezone.now() - dt.timedelta(seconds=settings.JOB_QUEUE_GRACE_SECONDS + 1)
    )
    assert jobs_sweep() == {"interrupted": 0, "retried": 0, "requeued": 1}
    assert Job.objects.get().state == JobState.DONE  # eager tasks: queued means done here


# --- The admin pages --------------------------------------------------------------------------


def test_who_may_see_jobs(client, member, secretariat, kinds):
    job = Job.objects.create(kind="count", parameters={"to": 1})
    page = reverse("admin:tracker_job_change", args=[job.pk])
    listing = reverse("admin:tracker_job_changelist")
    assert client.get(page).status_code == 302  # to the login
    client.force_login(member)
    assert client.get(page).status_code == 302
    secretariat.user_permissions.clear()
    client.force_login(secretariat)
    assert client.get(page).status_code == 403
    assert client.get(listing).status_code == 403


def test_a_waiting_job_page_refreshes_itself_and_a_failed_one_offers_to_run_it_again(
    client, secretariat, kinds
):
    client.force_login(secretariat)
    job = Job.objects.create(kind="refuse")
    response = client.get(reverse("admin:tracker_job_change", args=[job.pk]))
    assert '<meta http-equiv="refresh" content="2">' in response.text
    assert "Waiting for a worker" in response.text
    job_execute(job.pk)
    response = client.get(reverse("admin:tracker_job_change", args=[job.pk]))
    assert 'http-equiv="refresh"' not in response.text
    assert "Nothing to do." in response.text
    assert "Run it again" in response.text
    assert "Refusing" in client.get(reverse("admin:tracker_job_changelist")).text


def test_running_a_job_again_needs_the_permission_of_its_kind_and_a_post(
    client, secretariat, kinds, django_capture_on_commit_callbacks
):
    job = Job.objects.create(kind="refuse")
    job_execute(job.pk)
    rerun = reverse("admin:tracker_job_rerun", args=[job.pk])
    client.force_login(secretariat)
    assert client.get(rerun).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(rerun).status_code == 302
    assert Job.objects.get().attempts == 2
    secretariat.user_permissions.remove(
        *secretariat.user_permissions.filter(codename="add_observation")
    )
    client.force_login(secretariat)
    assert client.get(reverse("admin:tracker_job_change", args=[job.pk])).status_code == 200
    assert client.post(rerun).status_code == 403


# --- With a real worker -----------------------------------------------------------------------


def big_file(rows: int) -> SimpleUploadedFile:
    lines = "".join(f"{2000 + n % 25},{n // 25},{n % 97}.5\n" for n in range(rows))
    return SimpleUploadedFile("indicator_10-c-1.csv", ("Year,Age,Value\n" + lines).encode())


def wait_for(condition: Callable[[], object], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(0.05)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_upload_of_100000_rows_returns_at_once_and_a_worker_imports_it_showing_progress(
    client, secretariat, tmp_path
):
    client.force_login(secretariat)
    env = worker_env_on_test_db(tmp_path, MEDIA_ROOT=str(tmp_path))
    with worker_running(env):
        response = client.post(
            reverse("admin:indicators_observation_import"),
            {"layout": "open-sdg", "country": "KEN", "files": [big_file(100_000)]},
        )
        job = Job.objects.get()
        # The request returned before the work was done.
        assert response.status_code == 302
        assert response.url == reverse("admin:tracker_job_change", args=[job.pk])
        seen: set[str] = set()

        def finished() -> bool:
            job.refresh_from_db()
            if job.state == JobState.RUNNING and 0 < job.progress < 1:
                seen.add(job.step)
            return job.state in (JobState.DONE, JobState.FAILED)

        wait_for(finished)
    assert job.state == JobState.DONE, job.error
    # The page could follow the rows being read, then the writing.
    assert any(step.endswith(" rows read") for step in seen), seen
    assert "indicator_10-c-1.csv: writing 100,000 values" in seen
    assert job.result["written"] == 100_000
    assert Observation.objects.filter(area__iso3="KEN").count() == 100_000


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_job_whose_worker_is_killed_is_found_and_run_again(secretariat, tmp_path):
    env = worker_env_on_test_db(tmp_path, MEDIA_ROOT=str(tmp_path))
    with worker_running(env) as worker:
        job = job_start(
            kind="observations-import",
            parameters={"layout": "open-sdg", "area": _kenya_pk(), "source": ""},
            by=secretariat,
            files=[big_file(100_000)],
        )
        wait_for(lambda: Job.objects.filter(pk=job.pk, state=JobState.RUNNING).exists())
        worker.kill()
        worker.wait()
    job.refresh_from_db()
    assert job.state == JobState.RUNNING  # nobody is left to say otherwise: the sweep finds it
    later = timezone.now() + dt.timedelta(hours=1)
    assert jobs_sweep(now=later)["interrupted"] == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    with worker_running(env):
        assert job_rerun(job)
        wait_for(lambda: Job.objects.get(pk=job.pk).state != JobState.QUEUED)
        wait_for(lambda: not Job.objects.get(pk=job.pk).is_active)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert Observation.objects.filter(area__iso3="KEN").count() == 100_000


def _kenya_pk() -> int:
    from indicators.models import Area

    return Area.objects.get(iso3="KEN").pk
