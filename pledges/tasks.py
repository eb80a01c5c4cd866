"""Celery tasks of the pledges app: thin, taking ids and calling domain functions."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from pledges.emails import review_event_send
from pledges.models import ReviewEvent


@shared_task(
    name="pledges.review_event_notify",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=6,
)
def review_event_notify(event_id: int) -> int:
    """E-mail the people concerned by a review step, once, however often the task runs."""
    claimed = ReviewEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return 0
    event = ReviewEvent.objects.select_related("pledge", "update", "actor").get(pk=event_id)
    try:
        return review_event_send(event)
    except Exception:
        # Release the claim so that the retry can send it.
        ReviewEvent.objects.filter(pk=event_id).update(notified_at=None)
        raise
