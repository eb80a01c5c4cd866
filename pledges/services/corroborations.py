"""Third parties corroborate or contest published pledges and updates; the secretariat
moderates; the owners may reply once. And the secretariat's own verification of an update."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pledges import emails
from pledges.models import (
    Corroboration,
    CorroborationStatus,
    Organisation,
    Pledge,
    ProgressUpdate,
    ReviewAction,
    ReviewEvent,
)
from pledges.permissions import can_review, is_member_of, is_owner, owner_organisation_ids
from pledges.workflow import WorkflowError, event_record


def corroboration_submit(
    *,
    pledge: Pledge,
    by: Any,
    organisation: Organisation,
    kind: str,
    statement: str,
    evidence_url: str = "",
    update: ProgressUpdate | None = None,
) -> Corroboration:
    """An accredited organisation that does not own the pledge speaks to it (or to one of its
    published updates); nothing shows until the secretariat publishes it."""
    if not is_member_of(by, organisation):
        raise PermissionDenied(_("Speak for an organisation you belong to."))
    if not organisation.accredited:
        raise WorkflowError(_("Only accredited organisations corroborate or contest pledges."))
    if organisation.pk in owner_organisation_ids(pledge):
        raise WorkflowError(_("Owners report progress; corroboration comes from others."))
    if not pledge.is_published or pledge.is_revision:
        raise WorkflowError(_("Only published pledges can be corroborated or contested."))
    if update is not None and (update.pledge_id != pledge.pk or not update.is_published):
        raise WorkflowError(_("Only published updates of this pledge can be corroborated."))
    if not statement.strip():
        raise WorkflowError(_("Say what you saw."))
    return Corroboration.objects.create(
        pledge=pledge,
        update=update,
        organisation=organisation,
        author=by,
        kind=kind,
        statement=statement.strip(),
        evidence_url=evidence_url,
    )


def corroboration_moderate(
    *, corroboration: Corroboration, by: Any, publish: bool, reason: str = ""
) -> Corroboration:
    """The secretariat publishes a corroboration (the owners are told) or declines it."""
    if not can_review(by):
        raise PermissionDenied(_("Only the secretariat moderates corroborations."))
    if not publish and not reason.strip():
        raise WorkflowError(_("Say why it is declined."))
    with transaction.atomic():
        updated = Corroboration.objects.filter(
            pk=corroboration.pk, status=CorroborationStatus.SUBMITTED
        ).update(
            status=CorroborationStatus.PUBLISHED if publish else CorroborationStatus.DECLINED,
            moderated_by=by,
            moderated_at=timezone.now(),
            moderation_reason=reason.strip(),
        )
        if not updated:
            raise WorkflowError(_("This corroboration was moderated already."))
        corroboration.refresh_from_db()
        if publish:
            emails.corroboration_queue(corroboration)
        emails.corroboration_decision_queue(corroboration)
    return corroboration


def corroboration_reply(*, corroboration: Corroboration, by: Any, reply: str) -> Corroboration:
    """The owners answer a published corroboration or contest, once."""
    if not is_owner(by, corroboration.pledge):
        raise PermissionDenied(_("Only the pledge's owners reply."))
    if not reply.strip():
        raise WorkflowError(_("The reply is empty."))
    updated = Corroboration.objects.filter(
        pk=corroboration.pk, status=CorroborationStatus.PUBLISHED, owner_replied_at__isnull=True
    ).update(owner_reply=reply.strip(), owner_replied_at=timezone.now())
    if not updated:
        raise WorkflowError(_("The owners have replied already, or it is not published."))
    corroboration.refresh_from_db()
    return corroboration


def update_verify(*, update: ProgressUpdate, by: Any, comment: str = "") -> ReviewEvent:
    """The secretariat has checked a published update against its evidence."""
    if not can_review(by):
        raise PermissionDenied(_("Only the secretariat verifies updates."))
    with transaction.atomic():
        updated = (
            ProgressUpdate.objects.published()
            .filter(pk=update.pk, verified_at__isnull=True)
            .update(verified_at=timezone.now(), verified_by=by)
        )
        if not updated:
            raise WorkflowError(_("Only a published update not verified yet can be verified."))
        event = event_record(subject=update, action=ReviewAction.VERIFY, by=by, comment=comment)
    update.refresh_from_db()
    return event
