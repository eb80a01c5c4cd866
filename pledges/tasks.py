"""Celery tasks of the pledges app: thin, taking ids and calling domain functions."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from pledges import emails
from pledges.models import (
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    PartnerStatus,
    PledgePartner,
    ReviewEvent,
)

MAIL_RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": True, "max_retries": 6}


@shared_task(name="pledges.review_event_notify", **MAIL_RETRY)
def review_event_notify(event_id: int) -> int:
    """E-mail the people concerned by a review step, once, however often the task runs."""
    claimed = ReviewEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return 0
    event = ReviewEvent.objects.select_related("pledge", "update", "actor").get(pk=event_id)
    try:
        return emails.review_event_send(event)
    except Exception:
        # Release the claim so that the retry can send it.
        ReviewEvent.objects.filter(pk=event_id).update(notified_at=None)
        raise


@shared_task(name="pledges.partnership_invite_notify", **MAIL_RETRY)
def partnership_invite_notify(link_id: int) -> int:
    """Tell the members of an organisation invited to partner in a pledge."""
    link = (
        PledgePartner.objects.select_related("pledge__lead_organisation", "organisation")
        .filter(pk=link_id, status=PartnerStatus.INVITED)
        .first()
    )
    # Withdrawn or answered before the worker got here: there is nothing to tell.
    return emails.partnership_invite_send(link) if link else 0


@shared_task(name="pledges.invitation_send", **MAIL_RETRY)
def invitation_send(invitation_id: int) -> int:
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    return emails.invitation_send(invitation) if invitation else 0


@shared_task(name="pledges.join_request_notify", **MAIL_RETRY)
def join_request_notify(request_id: int) -> int:
    request = (
        JoinRequest.objects.select_related("organisation", "user")
        .filter(pk=request_id, status=JoinRequestStatus.PENDING)
        .first()
    )
    return emails.join_request_send(request) if request else 0
