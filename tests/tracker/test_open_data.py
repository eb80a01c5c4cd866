"""The download of all published data: the API's own lists and records in one zip, rebuilt
when the data changes, with its date, size and checksum on the site."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import jsonschema
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from pledges.models import PledgePartner, ReviewState
from tests.factories import (
    ObservationFactory,
    PledgeFactory,
    PledgeTargetFactory,
    ProgressUpdateFactory,
    published_pledge,
)
from tracker.jobs import job_execute
from tracker.models import JobState
from tracker.open_data import (
    DATASETS,
    latest_open_data,
    open_data_prune,
    open_data_refresh,
    pledge_json_schema,
)

pytestmark = pytest.mark.django_db
LATER = timezone.now() + dt.timedelta(hours=2)


@pytest.fixture
def world(settings, tmp_path):
    # Links in the download are the site's; the test client's site is "testserver".
    settings.SITE_URL = "http://testserver"
    settings.MEDIA_ROOT = tmp_path
    pledge = published_pledge(title="Fair recruitment corridors", amount=1500, currency="USD")
    PledgeTargetFactory(pledge=pledge)
    PledgePartner.objects.create(pledge=pledge, invited_email="secret-invitee@example.org")
    ProgressUpdateFactory(
        pledge=pledge, review_state=ReviewState.PUBLISHED, published_at=timezone.now()
    )
    ProgressUpdateFactory(pledge=pledge, narrative="SECRET draft update")
    PledgeFactory(title="SECRET draft pledge")
    ObservationFactory(disaggregation={"Sex": "Female"})
    return pledge


def build(now=None) -> dict:
    job = open_data_refresh(now)
    assert job is not None
    job_execute(job.pk, worker="test")
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    return job.result


def archive_of(result: dict) -> zipfile.ZipFile:
    with default_storage.open(result["path"]) as stored:
        return zipfile.ZipFile(io.BytesIO(stored.read()))


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_download_is_the_apis_lists_and_records(client, world):
    archive = archive_of(build())
    names = set(archive.namelist())
    for dataset in DATASETS:
        assert {f"{dataset.name}.csv", f"{dataset.name}.jsonl"} <= names
    assert {"README.md", "manifest.json", "pledge.schema.json"} <= names
    for dataset in DATASETS:
        url = reverse(f"api:{dataset.name.replace('-', '_')}")
        answer = client.get(url, {"format": "csv"})
        assert archive.read(f"{dataset.name}.csv") == streamed(answer), dataset.name
    [line] = archive.read("pledges.jsonl").decode().splitlines()
    record = client.get(
        reverse("api:pledge", args=[world.reference]), HTTP_ACCEPT="application/json"
    ).json()
    assert json.loads(line) == record
    updates = [json.loads(line) for line in archive.read("updates.jsonl").splitlines()]
    listed = client.get(reverse("api:updates"), HTTP_ACCEPT="application/json").json()
    assert updates == listed["results"]


def test_the_download_holds_nothing_unpublished_or_personal(world, member):
    archive = archive_of(build())
    for name in archive.namelist():
        text = archive.read(name).decode()
        for secret in ("SECRET", "secret-invitee", member.email):
            assert secret not in text, (name, secret)


def test_the_manifest_and_readme_describe_every_file(world):
    result = build()
    archive = archive_of(result)
    manifest = json.loads(archive.read("manifest.json"))
    for name, checksum in manifest["files"].items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == checksum
    readme = archive.read("README.md").decode()
    assert "## pledges (1 rows)" in readme
    assert "- `reference`" in readme
    assert result["rows"]["observations"] == 1


def test_every_pledge_record_meets_the_published_schema(client, world):
    schema = pledge_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    served = client.get(reverse("api:pledge_schema")).json()
    assert served == json.loads(json.dumps(schema))
    for line in archive_of(build()).read("pledges.jsonl").splitlines():
        jsonschema.validate(json.loads(line), schema, cls=jsonschema.Draft202012Validator)
    assert "targets" in schema["required"]
    broken = {**json.loads(line), "main_objectives": "six"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft202012Validator)


def test_it_is_rebuilt_only_when_the_data_changed_and_an_hour_at_most(world):
    first = build()
    assert open_data_refresh(LATER) is None
    ObservationFactory(period_label="2021", period_start="2021-01-01", period_end="2021-12-31")
    assert open_data_refresh() is None  # changed, but built a moment ago
    second = build(LATER)
    assert second["path"] != first["path"]
    assert second["rows"]["observations"] == 2
    assert latest_open_data()["path"] == second["path"]


def test_only_the_newest_builds_are_kept(world):
    paths = []
    for year in (2021, 2022, 2023):
        ObservationFactory(
            period_label=str(year), period_start=f"{year}-01-01", period_end=f"{year}-12-31"
        )
        paths.append(build(timezone.now() + dt.timedelta(hours=year - 2019))["path"])
    assert open_data_prune() >= 1
    assert not default_storage.exists(paths[0])
    assert default_storage.exists(paths[1])
    assert default_storage.exists(paths[2])


def test_the_site_shows_its_date_size_and_checksum(client, world):
    page = client.get(reverse("open_data"))
    assert page.status_code == 200
    assert "being prepared" in page.text
    assert client.get(reverse("open_data_download")).status_code == 404
    assert client.get(reverse("api:open_data")).status_code == 404
    result = build()
    page = client.get(reverse("open_data"))
    assert result["sha256"] in page.text
    download = client.get(reverse("open_data_download"))
    assert download.status_code == 200
    assert hashlib.sha256(streamed(download)).hexdigest() == result["sha256"]
    about = client.get(reverse("api:open_data")).json()
    assert about["sha256"] == result["sha256"]
    assert about["size"] == result["size"]


def test_the_command_builds_it_at_once_and_says_where(world):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("build_open_data", stdout=out)
    latest = latest_open_data()
    assert latest["sha256"] in out.getvalue()
    assert "pledges 1" in out.getvalue()


def test_its_links_are_the_plain_addresses_whatever_language_was_served_last(client, world):
    client.get("/fr/pledges/")  # leaves French active in this thread, as a worker might
    archive = archive_of(build())
    assert b"/fr/" not in archive.read("pledges.csv")
    assert f"http://testserver/pledges/{world.reference}/".encode() in archive.read("pledges.csv")
