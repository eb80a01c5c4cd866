"""Reports of an IMRF cycle: asked for, given their files by the build, published."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Area, Objective
from pledges.models import Report, ReviewCycle
from pledges.permissions import can_manage_reports
from pledges.workflow import WorkflowError


def _check(by: Any) -> None:
    # `by` is None for the site's operator at the command line (manage.py build_report).
    if by is not None and not can_manage_reports(by):
        raise PermissionDenied(_("Only the secretariat asks for and publishes reports."))


def report_prepare(
    *,
    cycle: ReviewCycle,
    scope: str,
    by: Any,
    area: Area | None = None,
    objective: Objective | None = None,
    organisation_kind: str = "",
    cutoff: dt.datetime | None = None,
) -> Report:
    """A request for a report, checked but not saved yet (see `report_create`):
    ValidationError, in plain words on its field, when the scope is incomplete. Its data
    cut-off is now unless given."""
    _check(by)
    report = Report(
        cycle=cycle,
        scope=scope,
        area=area,
        objective=objective,
        organisation_kind=organisation_kind,
        # To the second: the cut-off is read, and typed again (build_report --cutoff).
        cutoff=cutoff or timezone.now().replace(microsecond=0),
        requested_by=by,
    )
    report.full_clean()
    return report


def report_create(*, report: Report) -> Report:
    """Save a request `report_prepare` made."""
    _check(report.requested_by)
    report.save()
    return report


def report_files_set(
    *, report: Report, files: list[dict[str, Any]], checksum: str, figures: list[list[Any]]
) -> bool:
    """Record a build's files, all at once: False, changing nothing, if the report already
    has its files (another attempt finished first)."""
    now = timezone.now()
    done = Report.objects.filter(pk=report.pk, built_at__isnull=True).update(
        files=files, checksum=checksum, figures=figures, built_at=now
    )
    if done:
        report.files, report.checksum, report.figures, report.built_at = (
            files,
            checksum,
            figures,
            now,
        )
    return bool(done)


def report_publish(*, report: Report, by: Any) -> Report:
    """List a built report on the public cycle page and let anyone download it."""
    _check(by)
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if not locked.is_built:
            raise WorkflowError(_("The report is not built yet: publish it once its files are."))
        if not locked.is_published:
            locked.published_at, locked.published_by = timezone.now(), by
            locked.save(update_fields=["published_at", "published_by"])
    report.published_at, report.published_by = locked.published_at, locked.published_by
    return report


def report_unpublish(*, report: Report, by: Any) -> Report:
    """Take a report off the public site; its files stay for the secretariat."""
    _check(by)
    report.published_at = report.published_by = None
    # Saved, not updated in bulk: the public pages' caches hear of it.
    report.save(update_fields=["published_at", "published_by"])
    return report
