"""Every write to pledges goes through these functions: one transaction, permission checked,
an event recorded."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max

from pledges.models import Organisation, Pledge, ReviewAction, ReviewCycle, ReviewEvent, ReviewState
from pledges.permissions import can_create_pledge_for
from pledges.smart import smart_check
from pledges.workflow import WorkflowError, review_transition

# Two drafts created at the same instant may pick the same number; the loser tries again.
REFERENCE_ATTEMPTS = 5


def pledge_next_sequence(*, cycle: ReviewCycle) -> int:
    """The next free number in a cycle (callers rely on the unique constraint, not on locks)."""
    current = Pledge.objects.filter(cycle=cycle).aggregate(m=Max("sequence"))["m"]
    return (current or 0) + 1


def pledge_create(
    *, by: Any, cycle: ReviewCycle, lead_organisation: Organisation, title: str, **fields: Any
) -> Pledge:
    """Create a draft pledge with a fresh public reference (GCM-<year>-<n>) and a create event.

    Raises PermissionDenied unless `by` may pledge for `lead_organisation`.
    """
    if not can_create_pledge_for(by, lead_organisation):
        raise PermissionDenied("You can only pledge for an organisation you belong to.")
    attempts_left = REFERENCE_ATTEMPTS
    while True:
        sequence = pledge_next_sequence(cycle=cycle)
        try:
            with transaction.atomic():
                pledge = Pledge.objects.create(
                    cycle=cycle,
                    sequence=sequence,
                    reference=Pledge.reference_for(cycle, sequence),
                    lead_organisation=lead_organisation,
                    title=title,
                    review_state=ReviewState.DRAFT,
                    created_by=by,
                    **fields,
                )
                ReviewEvent.objects.create(
                    pledge=pledge, action=ReviewAction.CREATE, to_state=ReviewState.DRAFT, actor=by
                )
                return pledge
        except IntegrityError:
            attempts_left -= 1
            number_taken = Pledge.objects.filter(cycle=cycle, sequence=sequence).exists()
            if not (number_taken and attempts_left):
                raise


def _submittable(pledge: Pledge) -> None:
    if not pledge.lead_organisation.accredited:
        raise WorkflowError(
            "Your organisation is waiting for accreditation by the secretariat: you can keep "
            "drafting, and submit once it is accredited."
        )
    report = smart_check(pledge)
    if not report.complete:
        raise WorkflowError(["Before submitting, add: " + "; ".join(report.missing) + "."])


def pledge_submit(*, pledge: Pledge, by: Any) -> ReviewEvent:
    """Send a complete draft (or a returned pledge) to the secretariat for review."""
    return review_transition(subject=pledge, action=ReviewAction.SUBMIT, by=by, check=_submittable)


def pledge_request_changes(*, pledge: Pledge, by: Any, comment: str) -> ReviewEvent:
    """Return a submitted pledge to its owners with the secretariat's comment."""
    return review_transition(
        subject=pledge, action=ReviewAction.REQUEST_CHANGES, by=by, comment=comment
    )


def pledge_publish(*, pledge: Pledge, by: Any, comment: str = "") -> ReviewEvent:
    """Make a submitted pledge public."""
    return review_transition(subject=pledge, action=ReviewAction.PUBLISH, by=by, comment=comment)


def pledge_reject(*, pledge: Pledge, by: Any, comment: str) -> ReviewEvent:
    """Refuse a submitted pledge, saying why."""
    return review_transition(subject=pledge, action=ReviewAction.REJECT, by=by, comment=comment)


def pledge_withdraw(*, pledge: Pledge, by: Any, comment: str = "") -> ReviewEvent:
    """Withdraw a published pledge; it stays on record as withdrawn."""
    return review_transition(subject=pledge, action=ReviewAction.WITHDRAW, by=by, comment=comment)
