"""Reports asked for and built as jobs: where the project ties pledges' reports to the jobs.

A request saves the report and its job in one transaction; the job's task then builds it
(`tracker.job_kinds.report_build_job`). Asking again for a report of the same cycle and scope
while one is waiting or building gives that one back rather than a second build.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from indicators.models import Area, Objective
from pledges.models import Report, ReviewCycle
from pledges.services import report_create, report_prepare
from tracker.job_kinds import REPORT_BUILD
from tracker.jobs import job_start
from tracker.models import Job, JobState

ACTIVE = (JobState.QUEUED, JobState.RUNNING)


@dataclass(frozen=True)
class Requested:
    report: Report
    job: Job
    # False when a build of the same report was under way and is given back instead.
    created: bool


def report_jobs() -> QuerySet[Job]:
    """Report builds, each with the id of its report as `report_id`."""
    return Job.objects.filter(kind=REPORT_BUILD).annotate(
        report_id=Cast(KeyTextTransform("report", "parameters"), IntegerField())
    )


def job_of(report: Report) -> Job | None:
    """The report's latest build."""
    return report_jobs().filter(report_id=report.pk).order_by("-pk").first()


def with_job_state(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Reports, each with `job_state` and `job_id` of its latest build, in the same query."""
    latest = report_jobs().filter(report_id=OuterRef("pk")).order_by("-pk")
    return reports.annotate(
        job_state=Subquery(latest.values("state")[:1]),
        job_id=Subquery(latest.values("pk")[:1]),
    )


def report_request(
    *,
    cycle: ReviewCycle,
    scope: str,
    by: Any,
    area: Area | None = None,
    objective: Objective | None = None,
    organisation_kind: str = "",
    cutoff: dt.datetime | None = None,
    queue: bool = True,
) -> Requested:
    """Ask for a report: saved, then built by a worker (or by the caller, `queue=False`).

    The same report waiting or being built already is given back instead (`created` False).
    Raises ValidationError for an incomplete scope and PermissionDenied for anyone but the
    secretariat (`by` None: the operator at the command line).
    """
    with transaction.atomic():
        # One request at a time per cycle, so that two at once cannot both start a build.
        ReviewCycle.objects.select_for_update().filter(pk=cycle.pk).first()
        report = report_prepare(
            cycle=cycle,
            scope=scope,
            area=area,
            objective=objective,
            organisation_kind=organisation_kind,
            cutoff=cutoff,
            by=by,
        )
        building = (
            report_jobs()
            .filter(state__in=ACTIVE, parameters__key=report.key)
            .order_by("pk")
            .first()
        )
        if building is not None:
            return Requested(Report.objects.get(pk=building.report_id), building, False)
        report_create(report=report)
        job = job_start(
            kind=REPORT_BUILD,
            parameters={"report": report.pk, "key": report.key},
            by=by,
            queue=queue,
        )
    return Requested(report, job, True)
