"""Reports asked for, built by workers, followed, downloaded and published: who may do what,
and a build that survives its worker's death and a broker that is down."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from indicators.models import Area
from pledges.models import Report, ReportScope
from tests.conftest import worker_env_on_test_db, worker_running
from tests.factories import cycle, objective, published_pledge
from tests.tracker.test_jobs import wait_for
from tracker.jobs import job_execute, jobs_sweep
from tracker.models import Job, JobState
from tracker.reports import job_of, report_request
from tracker.seeding.synthetic import synthetic_seed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pledges():
    kenya = Area.objects.get(iso3="KEN")
    for n in range(3):
        published_pledge(title=f"Fair recruitment {n}").areas.add(kenya)


@pytest.fixture
def built(pledges, secretariat, django_capture_on_commit_callbacks) -> Report:
    """A global report, asked for and built (tasks run in the test)."""
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(cycle=cycle(), scope=ReportScope.GLOBAL, by=secretariat).report
    report.refresh_from_db()
    assert report.is_built
    return report


def test_asking_for_a_report_saves_it_and_its_job_first(
    secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        requested = report_request(cycle=cycle(), scope=ReportScope.GLOBAL, by=secretariat)
    assert requested.created
    assert len(queued) == 1
    assert requested.job.parameters == {"report": requested.report.pk, "key": "IMRF-2026:global"}
    assert requested.report.requested_by == secretariat


def test_asking_again_while_it_is_built_gives_the_one_in_progress(secretariat, real_broker):
    kenya = Area.objects.get(iso3="KEN")
    with transaction.atomic():  # nothing is sent: the worker-less test keeps it waiting
        first = report_request(cycle=cycle(), scope="country", area=kenya, by=secretariat)
        again = report_request(cycle=cycle(), scope="country", area=kenya, by=secretariat)
        other = report_request(cycle=cycle(), scope=ReportScope.GLOBAL, by=secretariat)
        transaction.set_rollback(True)
    assert (again.report, again.job, again.created) == (first.report, first.job, False)
    assert other.created
    assert other.report != first.report


def test_a_built_report_asked_for_again_is_built_anew(built, secretariat):
    again = report_request(cycle=cycle(), scope=ReportScope.GLOBAL, by=secretariat)
    assert again.created
    assert again.report != built


def test_the_sweep_starts_again_a_build_whose_worker_went_quiet_then_gives_up(
    pledges, secretariat, settings, real_broker
):
    requested = report_request(cycle=cycle(), scope=ReportScope.GLOBAL, by=secretariat)
    later = timezone.now()
    for attempt in (1, 2, 3):
        later += dt.timedelta(hours=1)
        Job.objects.filter(pk=requested.job.pk).update(
            state=JobState.RUNNING, attempts=attempt, heartbeat_at=later - dt.timedelta(hours=1)
        )
        swept = jobs_sweep(now=later)
        job = Job.objects.get(pk=requested.job.pk)
        if attempt < 3:
            assert (swept["retried"], job.state) == (1, JobState.QUEUED)
            assert job.step == f"Interrupted; queued again (attempt {attempt + 1} of 3)"
        else:
            assert (swept["interrupted"], job.state) == (1, JobState.FAILED)
            assert "stopped answering" in job.error


# --- Pages and who may use them ---------------------------------------------------------------


def test_the_secretariat_asks_for_a_report_in_the_admin_and_follows_it(
    client, secretariat, pledges, real_broker
):
    client.force_login(secretariat)
    page = client.get(reverse("admin:pledges_report_add"))
    assert page.status_code == 200
    assert "Ask for the report" in page.text
    kenya = Area.objects.get(iso3="KEN")
    response = client.post(
        reverse("admin:pledges_report_add"),
        {"cycle": cycle().pk, "scope": "country", "area": kenya.pk},
    )
    report = Report.objects.get()
    assert response.url == reverse("admin:pledges_report_change", args=[report.pk])
    page = client.get(response.url)
    # No worker here: it waits, and the page refreshes itself until it is built.
    assert "Waiting for a worker" in page.text
    assert '<meta http-equiv="refresh" content="2">' in page.text
    job_execute(job_of(report).pk)
    page = client.get(response.url)
    assert "refresh" not in page.text.split("</head>")[0]
    assert "Publish on the cycle" in page.text
    for file in Report.objects.get().files:
        assert reverse("report_download", args=[report.pk, file["format"]]) in page.text


def test_the_secretariat_asks_again_for_reports_from_the_list(
    client, secretariat, built, real_broker
):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:pledges_report_changelist"),
        {"action": "ask_again", "_selected_action": [built.pk]},
        follow=True,
    )
    assert "1 report asked for; workers build them." in response.text
    again = Report.objects.exclude(pk=built.pk).get()
    assert (again.scope, again.cycle, again.is_built) == (built.scope, built.cycle, False)
    assert again.cutoff >= built.cutoff


def test_an_incomplete_request_is_refused_with_the_reason_beside_the_field(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:pledges_report_add"), {"cycle": cycle().pk, "scope": "country"}
    )
    assert response.status_code == 200
    assert "Choose the commission or the country" in response.text
    assert not Report.objects.exists()


def test_publishing_lists_the_report_on_its_cycle_page_for_everyone(client, secretariat, built):
    page = client.get(reverse("cycle", args=["IMRF-2026"]))
    assert built.get_absolute_url() not in page.text
    client.force_login(secretariat)
    client.post(reverse("admin:pledges_report_publish", args=[built.pk]), {"publish": "yes"})
    client.logout()
    page = client.get(reverse("cycle", args=["IMRF-2026"]))
    assert built.get_absolute_url() in page.text
    report_page = client.get(built.get_absolute_url())
    assert report_page.status_code == 200
    assert built.checksum in report_page.text
    download = client.get(reverse("report_download", args=[built.pk, "pdf"]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("who", ["anonymous", "member", "staff_without_second_factor"])
def test_an_unpublished_report_is_the_secretariats_alone(client, built, who, member):
    from tests.factories import UserFactory

    if who == "member":
        client.force_login(member)
    elif who == "staff_without_second_factor":
        client.force_login(UserFactory(is_staff=True))
    assert client.get(built.get_absolute_url()).status_code == 404
    for file in built.files:
        url = reverse("report_download", args=[built.pk, file["format"]])
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_report_admin_is_closed_to_all_but_the_secretariat(client, built, who, member):
    if who == "member":
        client.force_login(member)
    for url in (
        reverse("admin:pledges_report_changelist"),
        reverse("admin:pledges_report_add"),
        reverse("admin:pledges_report_change", args=[built.pk]),
    ):
        assert client.get(url).status_code == 302  # to the login
    publish = reverse("admin:pledges_report_publish", args=[built.pk])
    assert client.post(publish, {"publish": "yes"}).status_code == 302
    built.refresh_from_db()
    assert not built.is_published


def test_the_secretariat_sees_an_unpublished_report_and_its_files(client, secretariat, built):
    client.force_login(secretariat)
    page = client.get(built.get_absolute_url())
    assert page.status_code == 200
    assert "Not published" in page.text
    archive = client.get(reverse("report_download", args=[built.pk, "csv"]))
    assert archive["Cache-Control"].startswith("max-age=0")
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert "pledges.csv" in names


def test_the_builds_job_page_says_what_was_built_and_links_to_the_report(
    client, secretariat, built
):
    client.force_login(secretariat)
    page = client.get(reverse("admin:tracker_job_change", args=[job_of(built).pk]))
    assert built.checksum in page.text
    assert reverse("admin:pledges_report_change", args=[built.pk]) in page.text


def test_a_file_of_no_format_is_not_found(client, secretariat, built):
    client.force_login(secretariat)
    assert client.get(reverse("report_download", args=[built.pk, "docx"])).status_code == 404
    assert client.get(reverse("report", args=[built.pk + 1])).status_code == 404


def test_the_report_list_shows_each_reports_state_in_a_fixed_number_of_queries(
    client, secretariat, built, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    for scope in ("region", "country"):
        area = Area.objects.get(code="ECA" if scope == "region" else "KEN")
        with django_capture_on_commit_callbacks(execute=True):
            report_request(cycle=cycle(), scope=scope, area=area, by=secretariat)
    # Session, user, second factor, the count, the page of reports with their builds' states,
    # the cycles of the filter.
    with django_assert_max_num_queries(10):
        page = client.get(reverse("admin:pledges_report_changelist"))
    assert page.text.count("Built, not published") == 3


def test_a_failed_build_can_be_built_again_from_its_page(
    client, secretariat, pledges, django_capture_on_commit_callbacks
):
    requested = report_request(cycle=cycle(), scope=ReportScope.GLOBAL, by=secretariat, queue=False)
    Job.objects.filter(pk=requested.job.pk).update(state=JobState.FAILED, error="Disk full.")
    client.force_login(secretariat)
    page = client.get(reverse("admin:pledges_report_change", args=[requested.report.pk]))
    assert "Disk full." in page.text
    assert "Build it again" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:pledges_report_rerun", args=[requested.report.pk]))
    requested.report.refresh_from_db()
    assert requested.report.is_built  # tasks run in the test


# --- The command ------------------------------------------------------------------------------


def test_build_report_builds_in_process_and_says_where_the_files_are(pledges, capsys):
    out = io.StringIO()
    call_command(
        "build_report", "--cycle", "IMRF-2026", "--scope", "country", "--area", "ken", stdout=out
    )
    report = Report.objects.get()
    assert report.is_built
    assert report.area.code == "KEN"
    text = out.getvalue()
    for file in report.files:
        assert file["path"] in text
    bar = capsys.readouterr().err
    assert "]  95% Storing the files" in bar
    assert "] 100% Built" in bar
    assert job_of(report).state == JobState.DONE


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--cycle", "IMRF-1999", "--scope", "global"], "No cycle 'IMRF-1999'"),
        (["--cycle", "IMRF-2026", "--scope", "country"], "Choose the commission or the country"),
        (["--cycle", "IMRF-2026", "--scope", "country", "--area", "XXX"], "No country"),
        (["--cycle", "IMRF-2026", "--scope", "objective", "--objective", "40"], "numbered 1 to 23"),
        (["--cycle", "IMRF-2026", "--scope", "global", "--cutoff", "yesterday"], "ISO 8601"),
    ],
)
def test_build_report_refuses_what_names_nothing(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("build_report", *arguments, stdout=io.StringIO())
    assert not Report.objects.exists()


# --- Real workers -------------------------------------------------------------------------------


def _request(scope: str = ReportScope.GLOBAL, **more) -> Report:
    from tracker.models import User

    by = User.objects.get(email="secretariat@un.example")
    return report_request(cycle=cycle(), scope=scope, by=by, **more).report


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_builds_reports_of_every_scope_in_every_format(secretariat, tmp_path):
    published_pledge(title="Fair recruitment").areas.add(Area.objects.get(iso3="KEN"))
    env = worker_env_on_test_db(tmp_path, MEDIA_ROOT=str(tmp_path / "media"))
    scopes = [
        {"scope": "global"},
        {"scope": "region", "area": Area.objects.get(code="ECA")},
        {"scope": "country", "area": Area.objects.get(iso3="KEN")},
        {"scope": "objective", "objective": objective(6)},
        {"scope": "kind", "organisation_kind": "civil_society"},
    ]
    with worker_running(env):
        reports = [_request(**scope) for scope in scopes]
        wait_for(lambda: not Job.objects.filter(state__in=["queued", "running"]).exists())
    for report in reports:
        report.refresh_from_db()
        assert report.is_built, job_of(report).error
        assert [f["format"] for f in report.files] == ["pdf", "xlsx", "csv"]
        for file in report.files:
            assert os.path.getsize(tmp_path / "media" / file["path"]) == file["size"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_build_whose_worker_is_killed_completes_exactly_once_afterwards(secretariat, tmp_path):
    # Enough data for a build of some seconds: the worker is killed while it writes the tables.
    synthetic_seed(pledges=4000, updates=8000)
    env = worker_env_on_test_db(tmp_path, MEDIA_ROOT=str(tmp_path / "media"))
    with worker_running(env) as worker:
        report = _request()
        job = job_of(report)

        def writing_tables() -> bool:
            state, step = Job.objects.values_list("state", "step").get(pk=job.pk)
            return state == JobState.RUNNING and step.startswith("Writ")

        wait_for(writing_tables)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    job.refresh_from_db()
    report.refresh_from_db()
    assert (job.state, report.is_built) == (JobState.RUNNING, False)
    assert not (tmp_path / "media" / "reports").exists()  # nothing half-written is visible
    with worker_running(env):
        # Some minutes later, the sweep finds the silent build and starts it again.
        assert jobs_sweep(now=timezone.now() + dt.timedelta(hours=1))["retried"] == 1
        wait_for(lambda: not Job.objects.get(pk=job.pk).is_active)
    job.refresh_from_db()
    report.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2), job.error
    assert report.is_built
    stored = sorted(p.name for p in (tmp_path / "media" / "reports").rglob("*.*"))
    assert len(stored) == 3  # one set of files
    assert Report.objects.count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_report_asked_for_while_the_broker_is_down_is_built_once_it_is_back(
    secretariat, tmp_path, settings, broker_down
):
    published_pledge(title="Fair recruitment")
    report = _request()
    job = job_of(report)
    # The request stands, although nothing could be queued.
    assert job.state == JobState.QUEUED
    assert job.dispatched_at is not None
    broker_down()  # it is back
    env = worker_env_on_test_db(tmp_path, MEDIA_ROOT=str(tmp_path / "media"))
    with worker_running(env):
        later = timezone.now() + dt.timedelta(seconds=settings.JOB_QUEUE_GRACE_SECONDS + 1)
        assert jobs_sweep(now=later)["requeued"] == 1
        wait_for(lambda: not Job.objects.get(pk=job.pk).is_active)
    report.refresh_from_db()
    assert report.is_built, job_of(report).error
