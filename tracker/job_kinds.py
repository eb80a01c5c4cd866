"""What each kind of job does: the project ties the apps' services to the job mechanism."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage

from indicators.counts import counted
from indicators.imports import Layout, observations_import
from indicators.models import Area
from tracker.jobs import JobFailed, Report, job_kind
from tracker.models import Job

OBSERVATIONS_IMPORT = "observations-import"


@job_kind(
    OBSERVATIONS_IMPORT,
    label="Import of observations",
    permission="indicators.add_observation",
    result_template="admin/tracker/job/_observations_import.html",
)
def observations_import_job(job: Job, report: Report) -> dict[str, Any]:
    """Import the job's stored files; refused files are listed, the others written."""
    parameters = job.parameters
    area = Area.objects.filter(pk=parameters.get("area")).first()
    if parameters.get("area") and area is None:
        raise JobFailed("The country of this import no longer exists.", [])
    files = [default_storage.open(name) for name in parameters.get("files", [])]
    try:
        summary = observations_import(
            files=files,
            area=area,
            layout=Layout(parameters["layout"]),
            source=parameters.get("source", ""),
            progress=report,
            by=job.created_by,
        )
    finally:
        for file in files:
            file.close()
    result = summary.as_dict()
    refused = summary.refused_files
    if refused and len(refused) == summary.files:
        raise JobFailed(
            f"Nothing was imported: {counted(len(refused), 'file')} refused.",
            [],
            result,
        )
    return result
