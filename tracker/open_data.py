"""All published data in one download, and the JSON Schema of a pledge record.

The download is a zip of every list of the API, each as the API's own CSV and as JSON Lines
of the API's own records (a pledge as `/api/v1/pledges/<reference>/` gives it), with a README
of the fields and a manifest of checksums. It is written by the API's views and serializers
themselves, so it cannot say other than the API. A periodic task rebuilds it, as a job, when
the public data has changed since the last build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.utils.encoders import JSONEncoder

from indicators.api import views as indicator_api
from indicators.api.formats import CSV_CHUNK, csv_header, csv_lines, csv_row
from pledges.api import views as pledge_api
from pledges.explorer import public_fingerprint
from tracker.jobs import Progress, job_start
from tracker.models import Job, JobState

OPEN_DATA_BUILD = "open-data-build"
FOLDER = "open-data"
ARCHIVE = "gcm-open-data.zip"
# Builds kept in storage: the newest, and the one before for anyone downloading it still.
KEPT = 2
# A busy site changes every minute; a build costs minutes at scale: at most one an hour.
REBUILD_AFTER = dt.timedelta(hours=1)
SCHEMA_ID = "/api/v1/schemas/pledge.json"


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    # The API's list view, whose CSV and records the dataset is.
    view: type[GenericAPIView]
    # The view whose records make the JSON Lines, when they say more than the list's rows.
    records: type[GenericAPIView] | None = None


DATASETS = (
    Dataset(
        "pledges",
        "Published pledges; the JSON Lines hold each pledge's full record, with its "
        "description and targets (the schema is pledge.schema.json).",
        pledge_api.PledgeList,
        pledge_api.PledgeDetail,
    ),
    Dataset("updates", "Published progress updates, with their values.", pledge_api.UpdateList),
    Dataset("organisations", "Organisations with a public page.", pledge_api.OrganisationList),
    Dataset("cycles", "IMRF review cycles.", pledge_api.CycleList),
    Dataset("reports", "Published cycle reports and their files.", pledge_api.ReportList),
    Dataset("objectives", "The 23 GCM objectives.", indicator_api.ObjectiveList),
    Dataset("principles", "The 10 guiding principles.", indicator_api.PrincipleList),
    Dataset("indicator-sets", "Indicator sets, every version.", indicator_api.IndicatorSetList),
    Dataset("indicators", "Indicators of every set version.", indicator_api.IndicatorList),
    Dataset("areas", "The world, regions, commissions, countries.", indicator_api.AreaList),
    Dataset("observations", "Indicator observations.", indicator_api.ObservationList),
)


class SiteRequest(HttpRequest):
    """A request for the site's public address, for building links where no client asked
    (a worker): the links in the download are those the API gives."""

    def __init__(self) -> None:
        super().__init__()
        site = urlsplit(settings.SITE_URL)
        self.method = "GET"
        self.path = self.path_info = "/api/v1/"
        self._site_host = site.netloc
        self.META = {"wsgi.url_scheme": site.scheme, "HTTP_ACCEPT": "application/json"}

    def get_host(self) -> str:
        return self._site_host

    def _get_scheme(self) -> str:
        return self.META["wsgi.url_scheme"]


def _view(view_class: type[GenericAPIView], request: Request) -> GenericAPIView:
    view = view_class()
    view.request, view.args, view.kwargs, view.format_kwarg = request, (), {}, None
    return view


def _rows(view: GenericAPIView) -> Any:
    """Every row the view lists, in the order its pages give them."""
    rows = view.filter_queryset(view.get_queryset())
    ordering = getattr(view.pagination_class, "ordering", None)
    return rows.order_by(*ordering) if ordering else rows


def _iterate(rows: Any) -> Iterator[Any]:
    return rows.iterator(chunk_size=CSV_CHUNK) if hasattr(rows, "iterator") else iter(rows)


def _fields(serializer: serializers.Serializer) -> list[tuple[str, str]]:
    """Each field of a record with what it says, for the README."""
    described = []
    for name, field in serializer.fields.items():
        text = str(field.help_text or field.label or "")
        if isinstance(field, serializers.Serializer):
            text = text or "; ".join(field.fields)
        described.append((name, text))
    return described


def _write_dataset(dataset: Dataset, request: Request, archive: zipfile.ZipFile) -> dict[str, Any]:
    view = _view(dataset.view, request)
    listed = view.get_serializer()
    with archive.open(f"{dataset.name}.csv", "w") as out:
        rows = (csv_row(view.get_serializer(row).data, listed) for row in _iterate(_rows(view)))
        count = 0
        for line in csv_lines(csv_header(listed), rows):
            out.write(line.encode())
            count += 1
    source = _view(dataset.records or dataset.view, request)
    records = source.get_queryset() if dataset.records else _rows(source)
    if dataset.records:
        records = records.order_by(*view.pagination_class.ordering)
    with archive.open(f"{dataset.name}.jsonl", "w") as out:
        for record in _iterate(records):
            data = source.get_serializer(record).data
            out.write(json.dumps(data, cls=JSONEncoder, ensure_ascii=False).encode() + b"\n")
    return {
        "name": dataset.name,
        "description": dataset.description,
        "rows": count - 1,
        "fields": _fields(source.get_serializer()),
    }


def _readme(built_at: dt.datetime, datasets: list[dict[str, Any]]) -> str:
    lines = [
        "# GCM Pledge Tracker: all published data",
        "",
        f"Built {built_at.isoformat(timespec='seconds')} from {settings.SITE_URL}.",
        "",
        "Every list of the API (`/api/v1/`) as CSV (`<name>.csv`, the API's `?format=csv`) "
        "and as JSON Lines (`<name>.jsonl`, one API record a line). Decimals are strings, "
        "dates ISO 8601, times UTC. `manifest.json` gives each file's SHA-256.",
        "",
    ]
    for dataset in datasets:
        lines += [f"## {dataset['name']} ({dataset['rows']} rows)", "", dataset["description"], ""]
        lines += [
            f"- `{name}`: {text}" if text else f"- `{name}`" for name, text in dataset["fields"]
        ]
        lines.append("")
    return "\n".join(lines)


def open_data_build(progress: Progress, *, build: int) -> dict[str, Any]:
    """Write the download to storage, in the folder of `build` (its job); what the site
    shows of it (date, size, checksum). Its links are the pages' plain addresses, whatever
    language the process last served."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build(progress, build)


def _build(progress: Progress, build: int) -> dict[str, Any]:
    fingerprint = public_fingerprint()
    built_at = timezone.now().replace(microsecond=0)
    request = Request(SiteRequest())
    with tempfile.TemporaryDirectory(prefix="open-data-") as temporary:
        path = Path(temporary) / ARCHIVE
        described = []
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for number, dataset in enumerate(DATASETS):
                progress(
                    number / (len(DATASETS) + 1),
                    # Translators: %(name)s is a dataset's file name: "pledges", "observations".
                    _("Writing %(name)s") % {"name": dataset.name},
                )
                described.append(_write_dataset(dataset, request, archive))
            archive.writestr("pledge.schema.json", json.dumps(pledge_json_schema(), indent=2))
            archive.writestr("README.md", _readme(built_at, described))
            manifest = {
                "built_at": built_at.isoformat(),
                "fingerprint": fingerprint,
                "files": {},
            }
            for info in archive.infolist():
                with archive.open(info) as member:
                    manifest["files"][info.filename] = _sha256(member.read)
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        progress(len(DATASETS) / (len(DATASETS) + 1), _("Storing the file"))
        size = path.stat().st_size
        with path.open("rb") as file:
            checksum = _sha256(file.read)
            file.seek(0)
            stored = default_storage.save(f"{FOLDER}/{build}/{ARCHIVE}", File(file, ARCHIVE))
    return {
        "path": stored,
        "size": size,
        "sha256": checksum,
        "fingerprint": fingerprint,
        "built_at": built_at.isoformat(),
        "rows": {dataset["name"]: dataset["rows"] for dataset in described},
    }


def _sha256(read: Callable[[int], bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := read(1 << 20):
        digest.update(chunk)
    return digest.hexdigest()


def open_data_jobs() -> Any:
    return Job.objects.filter(kind=OPEN_DATA_BUILD)


def latest_open_data() -> dict[str, Any] | None:
    """The newest download built, as its job recorded it; None before the first."""
    job = open_data_jobs().filter(state=JobState.DONE).order_by("-finished_at", "-pk").first()
    return job.result if job is not None and job.result.get("path") else None


def open_data_refresh(now: dt.datetime | None = None) -> Job | None:
    """Start a build when the public data changed since the last one, unless one is under
    way or the last was built less than an hour ago; the job started, or None."""
    if open_data_jobs().filter(state__in=(JobState.QUEUED, JobState.RUNNING)).exists():
        return None
    latest = latest_open_data()
    if latest is not None:
        built_at = dt.datetime.fromisoformat(latest["built_at"])
        if latest["fingerprint"] == public_fingerprint():
            return None
        if (now or timezone.now()) - built_at < REBUILD_AFTER:
            return None
    return job_start(kind=OPEN_DATA_BUILD, parameters={})


def open_data_prune() -> int:
    """Remove stored builds but the newest few; how many were removed."""
    kept = [
        job.result["path"]
        for job in open_data_jobs().filter(state=JobState.DONE).order_by("-finished_at", "-pk")
        if job.result.get("path")
    ][:KEPT]
    try:
        folders, _ = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for folder in folders:
        for name in default_storage.listdir(f"{FOLDER}/{folder}")[1]:
            path = f"{FOLDER}/{folder}/{name}"
            if path not in kept:
                default_storage.delete(path)
                removed += 1
    return removed


@cache
def pledge_json_schema() -> dict[str, Any]:
    """A pledge record (as the API and the download give it) as JSON Schema 2020-12, made
    from the API's own OpenAPI description, so the two cannot differ. Every field is
    required: a record always has them all (only `?fields=` leaves some out)."""
    openapi = SchemaGenerator().get_schema(request=None, public=True)
    components = openapi["components"]["schemas"]
    needed: dict[str, Any] = {}

    def convert(node: Any) -> Any:
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        converted = {}
        for key, value in node.items():
            if key == "$ref":
                name = value.rsplit("/", 1)[-1]
                if name not in needed:
                    needed[name] = None
                    needed[name] = convert(components[name])
                converted["$ref"] = f"#/$defs/{name}"
            elif key != "nullable":
                converted[key] = convert(value)
        if node.get("nullable"):
            if "type" in converted:
                converted["type"] = [converted["type"], "null"]
            else:
                converted = {"anyOf": [converted, {"type": "null"}]}
        if "properties" in converted:
            converted["required"] = list(converted["properties"])
        return converted

    record = convert(components["PledgeDetail"])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{settings.SITE_URL}{SCHEMA_ID}",
        "title": "A published pledge of the GCM Pledge Tracker",
        **record,
        "$defs": dict(sorted(needed.items())),
    }
