"""Progress updates: drafted by a pledge's owners, reviewed like pledges, published to derive
the pledge's implementation status; and the secretariat's confirmation of fulfilment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from pledges.models import (
    ImplementationStatus,
    Organisation,
    Pledge,
    PledgeTarget,
    ProgressUpdate,
    ReviewAction,
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
from pledges.workflow import WorkflowError, review_transition

UPDATE_FIELDS = (
    "reported_on",
    "implementation_status",
    "percent_complete",
    "narrative",
    "challenges",
    "support_needed",
    "amount_committed",
    "amount_disbursed",
)


@dataclass(frozen=True)
class Measurement:
    target: PledgeTarget
    value: Decimal
    measured_on: dt.date


def _save_measurements(update: ProgressUpdate, measurements: list[Measurement]) -> None:
    if any(m.target.pledge_id != update.pledge_id for m in measurements):
        raise WorkflowError("Values can be reported only for the targets of this pledge.")
    update.measurements.all().delete()
    TargetMeasurement.objects.bulk_create(
        [
            TargetMeasurement(
                update=update, target=m.target, value=m.value, measured_on=m.measured_on
            )
            for m in measurements
        ]
    )


def update_create(
    *,
    pledge: Pledge,
    by: Any,
    organisation: Organisation,
    fields: dict[str, Any],
    measurements: list[Measurement],
) -> ProgressUpdate:
    """Draft a progress update on a published pledge, for one of its owner organisations."""
    if not can_report_on(by, pledge):
        raise PermissionDenied("Only the owners of a published pledge report on it.")
    if organisation.pk not in owner_organisation_ids(pledge) or not is_member_of(by, organisation):
        raise PermissionDenied("Report for an owner organisation you belong to.")
    with transaction.atomic():
        update = ProgressUpdate.objects.create(
            pledge=pledge,
            cycle=current_cycle() or pledge.cycle,
            organisation=organisation,
            author=by,
            **{name: fields[name] for name in UPDATE_FIELDS if name in fields},
        )
        _save_measurements(update, measurements)
    return update


def update_edit(
    *,
    update: ProgressUpdate,
    by: Any,
    fields: dict[str, Any],
    measurements: list[Measurement],
    expected_version: int,
) -> ProgressUpdate:
    """Save an owner's edit of a draft update, refusing a stale one (see pledge_update)."""
    if not can_edit_update(by, update):
        raise PermissionDenied("This update cannot be edited now.")
    with transaction.atomic():
        locked = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
        if locked.version != expected_version:
            raise WorkflowError(
                "Someone else saved this update after you opened it: reload the page."
            )
        for name in UPDATE_FIELDS:
            if name in fields:
                setattr(locked, name, fields[name])
        locked.version += 1
        locked.save()
        _save_measurements(locked, measurements)
    update.refresh_from_db()
    return update


def _reportable(update: ProgressUpdate) -> None:
    if update.pledge.is_locked:
        raise WorkflowError("This pledge is confirmed fulfilled: no more updates.")
    if not update.narrative.strip():
        raise WorkflowError("Say what was done: the narrative is empty.")


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
        raise PermissionDenied("Only the secretariat confirms fulfilment.")
    with transaction.atomic():
        locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if locked.is_locked:
            raise WorkflowError(f"{locked.reference} is confirmed fulfilled already.")
        if not fulfilment_claimed(locked):
            raise WorkflowError("Its latest published update does not report the pledge fulfilled.")
        now = timezone.now()
        Pledge.objects.filter(pk=locked.pk).update(
            fulfilment_confirmed_at=now,
            fulfilment_confirmed_by=by,
            implementation_status=ImplementationStatus.FULFILLED,
        )
        event = ReviewEvent.objects.create(
            pledge=locked,
            action=ReviewAction.CONFIRM,
            from_state=locked.review_state,
            to_state=locked.review_state,
            actor=by,
            comment=comment or "Fulfilment confirmed by the secretariat.",
            created_at=now,
        )
    pledge.refresh_from_db()
    return event
