"""Progress updates: drafted by a pledge's owners, reviewed like pledges, published to derive
the pledge's implementation status; and the secretariat's confirmation of fulfilment."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pledges.content import MeasurementContent, UpdateContent, update_problems
from pledges.models import (
    ImplementationStatus,
    Organisation,
    Pledge,
    ProgressUpdate,
    ReviewAction,
    ReviewCycle,
    ReviewEvent,
    TargetMeasurement,
)
from pledges.permissions import (
    can_edit_update,
    can_report_on,
    can_review,
    is_member_of,
    owner_organisation_ids,
)
from pledges.progress import derived_status, fulfilment_claimed
from pledges.selectors import current_cycle
from pledges.workflow import (
    WorkflowError,
    edit_begin,
    edit_record,
    event_record,
    review_transition,
    version_record,
)


def _measurements_write(
    update: ProgressUpdate, measurements: tuple[MeasurementContent, ...]
) -> None:
    if any(m.target.pledge_id != update.pledge_id for m in measurements):
        raise WorkflowError(_("Values can be reported only for the targets of this pledge."))
    update.measurements.all().delete()
    TargetMeasurement.objects.bulk_create(
        [
            TargetMeasurement(
                update=update, target=m.target, value=m.value, measured_on=m.measured_on
            )
            for m in measurements
        ]
    )


def _update_check(pledge: Pledge, content: UpdateContent, cycle: ReviewCycle) -> None:
    problems = update_problems(pledge, content, cycle=cycle, today=timezone.localdate())
    if problems.errors:
        raise WorkflowError([error for errors in problems.errors.values() for error in errors])


def update_create(
    *, pledge: Pledge, by: Any, organisation: Organisation, content: UpdateContent
) -> ProgressUpdate:
    """Draft a progress update on a published pledge, for one of its owner organisations."""
    if not can_report_on(by, pledge):
        raise PermissionDenied(_("Only the owners of a published pledge report on it."))
    if organisation.pk not in owner_organisation_ids(pledge) or not is_member_of(by, organisation):
        raise PermissionDenied(_("Report for an owner organisation you belong to."))
    cycle = current_cycle() or pledge.cycle
    _update_check(pledge, content, cycle)
    with transaction.atomic():
        update = ProgressUpdate.objects.create(
            pledge=pledge,
            cycle=cycle,
            organisation=organisation,
            author=by,
            **content.own_values(),
        )
        _measurements_write(update, content.measurements)
        event_record(subject=update, action=ReviewAction.CREATE, by=by)
        version_record(subject=update, action=ReviewAction.CREATE, by=by)
    return update


def update_edit(
    *, update: ProgressUpdate, by: Any, content: UpdateContent, expected_version: int
) -> ProgressUpdate:
    """Save an edit of an update: an owner's of a draft (or of one returned for changes), or
    the secretariat's correction; each is a version and an event naming `by`. A stale edit is
    refused (see pledge_update); a correction of a published update moves its pledge's status.
    """
    if not can_edit_update(by, update):
        raise PermissionDenied(_("This update cannot be edited now."))
    _update_check(update.pledge, content, update.cycle)
    with transaction.atomic():
        locked = edit_begin(
            subject=update, expected_version=expected_version, values=content.own_values()
        )
        _measurements_write(locked, content.measurements)
        edit_record(subject=locked, by=by)
        if locked.is_published:
            pledge_status_refresh(pledge=locked.pledge)
    update.refresh_from_db()
    return update


def _reportable(update: ProgressUpdate) -> None:
    if update.pledge.is_locked:
        raise WorkflowError(_("This pledge is confirmed fulfilled: no more updates."))
    _update_check(update.pledge, UpdateContent.of(update), update.cycle)


def update_submit(*, update: ProgressUpdate, by: Any) -> ReviewEvent:
    return review_transition(subject=update, action=ReviewAction.SUBMIT, by=by, check=_reportable)


def update_request_changes(*, update: ProgressUpdate, by: Any, comment: str) -> ReviewEvent:
    return review_transition(
        subject=update, action=ReviewAction.REQUEST_CHANGES, by=by, comment=comment
    )


def update_reject(*, update: ProgressUpdate, by: Any, comment: str) -> ReviewEvent:
    return review_transition(subject=update, action=ReviewAction.REJECT, by=by, comment=comment)


def update_publish(*, update: ProgressUpdate, by: Any, comment: str = "") -> ReviewEvent:
    """Publish an update; the pledge's implementation status follows what it says."""
    with transaction.atomic():
        event = review_transition(
            subject=update, action=ReviewAction.PUBLISH, by=by, comment=comment
        )
        pledge_status_refresh(pledge=update.pledge)
    return event


def pledge_status_refresh(*, pledge: Pledge) -> str:
    """Store the status the published updates give the pledge (see progress.derived_status)."""
    status = derived_status(pledge)
    Pledge.objects.filter(pk=pledge.pk).update(implementation_status=status)
    pledge.implementation_status = status
    return status


def pledge_confirm_fulfilled(*, pledge: Pledge, by: Any, comment: str = "") -> ReviewEvent:
    """The secretariat confirms what the owners report: fulfilled. The pledge is locked."""
    if not can_review(by):
        raise PermissionDenied(_("Only the secretariat confirms fulfilment."))
    with transaction.atomic():
        locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if locked.is_locked:
            raise WorkflowError(
                _("%(reference)s is confirmed fulfilled already.") % {"reference": locked.reference}
            )
        if not fulfilment_claimed(locked):
            raise WorkflowError(
                _("Its latest published update does not report the pledge fulfilled.")
            )
        now = timezone.now()
        Pledge.objects.filter(pk=locked.pk).update(
            fulfilment_confirmed_at=now,
            fulfilment_confirmed_by=by,
            implementation_status=ImplementationStatus.FULFILLED,
        )
        event = event_record(
            subject=locked,
            action=ReviewAction.CONFIRM,
            by=by,
            comment=comment or "Fulfilment confirmed by the secretariat.",
        )
    pledge.refresh_from_db()
    return event
