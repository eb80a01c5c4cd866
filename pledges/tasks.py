"""Celery tasks of the pledges app: thin, taking ids and calling domain functions."""

from __future__ import annotations

import datetime as dt
from smtplib import SMTPException
from typing import Any

from celery import shared_task
from django.db.models import Model
from django.utils import timezone

from pledges import emails
from pledges.models import (
    Corroboration,
    CorroborationStatus,
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    PartnerStatus,
    PledgePartner,
    ReviewEvent,
)

MAIL_RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": True, "max_retries": 6}


def _claimed(model: type[Model], pk: int, **still: Any) -> bool:
    """Mark the row as notified, once: False when it was already, or is no longer as `still`
    says (answered, accepted...), so that a redelivered task sends nothing twice."""
    return bool(
        model.objects.filter(pk=pk, notified_at__isnull=True, **still).update(
            notified_at=timezone.now()
        )
    )


def _send_claimed(model: type[Model], pk: int, send: Any, **still: Any) -> int:
    if not _claimed(model, pk, **still):
        return 0
    try:
        return send(model.objects.get(pk=pk))
    except Exception:
        # Release the claim so that the retry can send it.
        model.objects.filter(pk=pk).update(notified_at=None)
        raise


@shared_task(name="pledges.review_event_notify", **MAIL_RETRY)
def review_event_notify(event_id: int) -> int:
    """E-mail the people concerned by a review step, once, however often the task runs."""
    return _send_claimed(ReviewEvent, event_id, emails.review_event_send)


@shared_task(name="pledges.partnership_invite_notify", **MAIL_RETRY)
def partnership_invite_notify(link_id: int) -> int:
    """Tell the members of an organisation (or the address) invited to partner in a pledge."""
    return _send_claimed(
        PledgePartner, link_id, emails.partnership_invite_send, status=PartnerStatus.INVITED
    )


@shared_task(name="pledges.invitation_send", **MAIL_RETRY)
def invitation_send(invitation_id: int) -> int:
    return _send_claimed(
        Invitation, invitation_id, emails.invitation_send, accepted_at__isnull=True
    )


@shared_task(name="pledges.join_request_notify", **MAIL_RETRY)
def join_request_notify(request_id: int) -> int:
    return _send_claimed(
        JoinRequest, request_id, emails.join_request_send, status=JoinRequestStatus.PENDING
    )


@shared_task(name="pledges.corroboration_notify", **MAIL_RETRY)
def corroboration_notify(corroboration_id: int) -> int:
    """Tell a pledge's owners that a corroboration or contest of it is now public."""
    return _send_claimed(
        Corroboration,
        corroboration_id,
        emails.corroboration_send,
        status=CorroborationStatus.PUBLISHED,
    )


@shared_task(name="pledges.reminders_daily", **MAIL_RETRY)
def reminders_daily(today: str | None = None) -> dict[str, int]:
    """Run by Celery beat each day; `today` (YYYY-MM-DD) lets a test freeze the clock."""
    from pledges.reminders import reminders_send

    return reminders_send(dt.date.fromisoformat(today) if today else None)
