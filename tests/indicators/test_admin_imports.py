"""The secretariat imports observations in the admin, as the command does."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Observation
from tests.indicators.test_imports import DATA, SDG_GLOBAL
from tracker.models import Job, JobState

pytestmark = pytest.mark.django_db

URL = "admin:indicators_observation_import"


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def import_post(client, secretariat, django_capture_on_commit_callbacks):
    """Post the import form as the secretariat; the job's task runs once the upload commits
    (in the test's process: the tests with a real worker are in tests/tracker/test_jobs.py)."""
    client.force_login(secretariat)

    def post(data: dict):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse(URL), data)
        return client.get(response.url, follow=True) if response.status_code == 302 else response

    return post


def test_an_upload_becomes_a_job_whose_page_shows_what_was_imported(client, import_post):
    assert client.get(reverse(URL)).status_code == 200
    files = [
        upload(path.name, path.read_text(encoding="utf-8-sig"))
        for path in sorted((DATA / "GBR").glob("indicator_10-*.csv"))
    ]
    response = import_post({"layout": "open-sdg", "country": "GBR", "files": files})
    job = Job.objects.get()
    assert response.request["PATH_INFO"] == reverse("admin:tracker_job_change", args=[job.pk])
    assert (job.kind, job.state, job.progress) == ("observations-import", JobState.DONE, 1.0)
    assert job.parameters["files"][0].startswith(f"jobs/{job.pk}/indicator_10-")
    assert "Finished" in response.text
    assert "Values written (new or changed)" in response.text
    # A finished job's page no longer refreshes itself.
    assert 'http-equiv="refresh"' not in response.text
    assert Observation.objects.filter(area__iso3="GBR", indicator__sdg_code="10.c.1").count() > 30


def test_the_un_layout_needs_no_country(import_post):
    import_post({"layout": "sdg-global", "files": [upload("un.csv", SDG_GLOBAL)]})
    assert Job.objects.get().state == JobState.DONE
    assert Observation.objects.filter(area__code="001").exists()


def test_open_sdg_files_need_their_country(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse(URL),
        {"layout": "open-sdg", "files": [upload("indicator_10-c-1.csv", "Year,Value\n2019,3\n")]},
    )
    assert response.status_code == 200
    assert "Open SDG files hold one country&#x27;s data: choose it." in response.text
    assert not Observation.objects.exists()
    assert not Job.objects.exists()


def test_a_broken_file_is_listed_with_every_bad_row_and_the_good_one_imported(import_post):
    files = [
        upload("indicator_10-c-1.csv", "Year,Value\n2019,3\n"),
        upload("indicator_8-8-1.csv", "Year,Value\nsoon,3\n2020,lots\n"),
    ]
    response = import_post({"layout": "open-sdg", "country": "KEN", "files": files})
    assert Job.objects.get().state == JobState.DONE
    assert "Files refused" in response.text
    assert "indicator_8-8-1.csv, line 2: period &#x27;soon&#x27;" in response.text
    assert "indicator_8-8-1.csv, line 3: value &#x27;lots&#x27; is not a number" in response.text
    assert list(Observation.objects.values_list("indicator__sdg_code", flat=True)) == ["10.c.1"]


def test_a_job_that_imports_nothing_fails_keeping_its_reasons(import_post):
    latin = SimpleUploadedFile(
        "indicator_10-c-1.csv", "Year,Sex,Value\n2019,Féminin,3\n".encode("latin-1")
    )
    response = import_post({"layout": "open-sdg", "country": "KEN", "files": [latin]})
    job = Job.objects.get()
    assert job.state == JobState.FAILED
    assert job.error == "Nothing was imported: 1 file refused."
    assert "indicator_10-c-1.csv: not UTF-8 text" in response.text
    # Whoever may import may run it again (after fixing what it reads, it would succeed).
    assert "Run it again" in response.text


def test_metadata_files_uploaded_with_the_data_are_read(import_post):
    files = [
        upload("indicator_10-c-1.csv", "Year,Value\n2015,0\n"),
        upload("10-c-1.md", "---\nreporting_status: notstarted\n---\nNot yet.\n"),
    ]
    response = import_post({"layout": "open-sdg", "country": "KEN", "files": files})
    assert "indicator_10-c-1.csv: its statistics office has not started" in response.text
    assert not Observation.objects.exists()


def test_only_staff_with_the_permissions_may_import(client, member, secretariat):
    client.force_login(member)
    assert client.get(reverse(URL)).status_code == 302  # to the admin login
    secretariat.user_permissions.clear()
    client.force_login(secretariat)
    assert client.get(reverse(URL)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(reverse(URL)).status_code == 302


def test_the_observation_list_offers_the_import_to_the_secretariat(client, secretariat):
    client.force_login(secretariat)
    response = client.get(reverse("admin:indicators_observation_changelist"))
    assert f'<a href="{reverse(URL)}">Import observations</a>' in response.text


def test_without_the_project_the_app_imports_within_the_request_all_or_nothing(
    client, secretariat, monkeypatch
):
    from indicators.admin import ObservationAdmin

    monkeypatch.setattr(ObservationAdmin, "import_in_background", None)
    client.force_login(secretariat)
    files = [
        upload("indicator_10-c-1.csv", "Year,Value\n2019,3\n"),
        upload("indicator_8-8-1.csv", "Year,Value\nsoon,3\n"),
    ]
    response = client.post(reverse(URL), {"layout": "open-sdg", "country": "KEN", "files": files})
    assert "Nothing was imported" in response.text
    assert "indicator_8-8-1.csv, line 2: period &#x27;soon&#x27;" in response.text
    assert not Observation.objects.exists()
    response = client.post(
        reverse(URL),
        {
            "layout": "open-sdg",
            "country": "KEN",
            "files": [upload("indicator_10-c-1.csv", "Year,Value\n2019,3\n")],
        },
        follow=True,
    )
    assert "1 row read in 1 file: 1 written" in response.text
    assert not Job.objects.exists()
