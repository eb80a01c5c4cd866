"""Celery tasks of the pledges app: thin, taking ids and calling domain functions."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task

from pledges import outbox
from pledges.models import OutboxMessage

logger = logging.getLogger(__name__)


@shared_task(name="pledges.outbox_send", ignore_result=True)
def outbox_send(message_id: int) -> bool:
    """Send one outgoing e-mail; failures are kept on its row and retried by the sweep."""
    return outbox.message_send(message_id)


@shared_task(name="pledges.outbox_sweep", ignore_result=True)
def outbox_sweep(grace_seconds: float | None = None) -> int:
    """Run by Celery beat every minute: send what no task has sent. `grace_seconds` (how long
    a new message is left to its own task) lets a test sweep at once."""
    if grace_seconds is None:
        return outbox.outbox_sweep()
    return outbox.outbox_sweep(grace=dt.timedelta(seconds=grace_seconds))


def outbox_dispatch(message_id: int) -> None:
    """Queue the sending of a message; called once its transaction has committed.

    A broker that is down must neither fail nor hold up the action that wrote the message: the
    publish is tried once, with the short broker timeouts of the settings, and the sweep sends
    the message later if it could not be queued.
    """
    if not OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).exists():
        return  # taken back with the change, or already sent: nothing to queue
    try:
        outbox_send.apply_async((message_id,), retry=False)
    except Exception:
        logger.warning(
            "Could not queue outgoing e-mail %s; the outbox sweep will send it",
            message_id,
            exc_info=True,
        )


@shared_task(name="pledges.reminders_daily")
def reminders_daily(today: str | None = None) -> dict[str, int]:
    """Run by Celery beat each day; `today` (YYYY-MM-DD) lets a test freeze the clock."""
    from pledges.reminders import reminders_send

    return reminders_send(dt.date.fromisoformat(today) if today else None)


@shared_task(name="pledges.follow_digests", ignore_result=True)
def follow_digests() -> int:
    """Run by Celery beat each week: the digests of what people follow (each goes once)."""
    from pledges.services.following import digests_send

    return digests_send()
