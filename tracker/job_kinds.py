"""What each kind of job does: the project ties the apps' services to the job mechanism."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from indicators.imports import Layout, observations_import
from indicators.models import Area
from pledges.models import Report
from pledges.reports.build import report_build
from tracker.jobs import JobFailed, Progress, job_kind
from tracker.models import Job
from tracker.open_data import OPEN_DATA_BUILD, open_data_build

OBSERVATIONS_IMPORT = "observations-import"


@job_kind(
    OBSERVATIONS_IMPORT,
    label=gettext_lazy("Import of observations"),
    permission="indicators.add_observation",
    result_template="admin/tracker/job/_observations_import.html",
)
def observations_import_job(job: Job, report: Progress) -> dict[str, Any]:
    """Import the job's stored files; refused files are listed, the others written."""
    parameters = job.parameters
    area = Area.objects.filter(pk=parameters.get("area")).first()
    if parameters.get("area") and area is None:
        raise JobFailed(_("The country of this import no longer exists."), [])
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
            ngettext(
                "Nothing was imported: %(count)s file refused.",
                "Nothing was imported: %(count)s files refused.",
                len(refused),
            )
            % {"count": number_format(len(refused), force_grouping=True)},
            [],
            result,
        )
    return result


REPORT_BUILD = "report-build"


@job_kind(
    REPORT_BUILD,
    label=gettext_lazy("Report"),
    permission="pledges.add_report",
    result_template="admin/tracker/job/_report_build.html",
    attempts=3,
)
def report_build_job(job: Job, report: Progress) -> dict[str, Any]:
    """Build the report the job names: figures, PDF, workbook, zip of CSVs."""
    found = Report.objects.select_related("cycle", "area", "objective").filter(
        pk=job.parameters.get("report")
    )
    if not found:
        raise JobFailed(_("The report this job was to build no longer exists."), [])
    return report_build(found[0], report)


@job_kind(
    OPEN_DATA_BUILD,
    label=gettext_lazy("Open data download"),
    permission="tracker.add_job",
    attempts=3,
)
def open_data_build_job(job: Job, report: Progress) -> dict[str, Any]:
    """Write the zip of all published data (tracker.open_data)."""
    return open_data_build(report, build=job.pk)
