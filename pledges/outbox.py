"""The outbox: e-mails kept as rows from the moment a change calls for them until they are sent.

`message_write` is called inside the transaction of the change, so the message exists exactly
when the change does. `message_send` claims a row with a lease, sends it and only then marks it
sent; `outbox_sweep` sends whatever is due, so a message whose task never reached a worker (the
broker was down) or whose worker died mid-send (the lease ran out) still goes, once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from pledges.models import OutboxMessage

logger = logging.getLogger(__name__)

# Left to a message's own task for this long before the sweep steps in: no race at all in the
# common case, and no harm in the rare one (whoever claims first sends).
SWEEP_GRACE = dt.timedelta(seconds=30)
RETRY_AFTER_MAX = dt.timedelta(hours=1)


def message_write(
    *,
    name: str,
    subject: str,
    body_text: str,
    body_html: str,
    recipients: list[str],
    headers: dict[str, str] | None = None,
) -> OutboxMessage:
    """Keep a rendered message to send once the surrounding transaction commits."""
    return OutboxMessage.objects.create(
        name=name,
        subject=" ".join(subject.split())[:300],
        body_text=body_text,
        body_html=body_html,
        recipients=sorted(set(recipients)),
        headers=headers or {},
    )


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def _retry_after(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), RETRY_AFTER_MAX)


def message_send(message_id: int) -> bool:
    """Send one message unless it is sent or someone else holds it; True when this call sent it.

    The claim is a conditional update that sets a lease: should this process die before the
    message is marked sent, the lease runs out and the sweep sends it again. A failure to send
    is recorded and the message is retried later, with a growing pause.
    """
    now = timezone.now()
    claimed = (
        OutboxMessage.objects.due(now)
        .filter(pk=message_id)
        .update(lease_until=now + _lease(), attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    several = len(message.recipients) > 1
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        # One message to many people: nobody sees the others' addresses.
        to=[settings.DEFAULT_FROM_EMAIL] if several else message.recipients,
        bcc=message.recipients if several else [],
        headers=message.headers or None,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    try:
        email.send()
    except Exception as error:
        OutboxMessage.objects.filter(pk=message_id).update(
            lease_until=timezone.now() + _retry_after(message.attempts),
            last_error=f"{type(error).__name__}: {error}"[:500],
        )
        raise
    OutboxMessage.objects.filter(pk=message_id).update(
        sent_at=timezone.now(), lease_until=None, last_error=""
    )
    return True


def outbox_sweep(*, limit: int = 200, grace: dt.timedelta = SWEEP_GRACE) -> int:
    """Send what is due and older than `grace`: messages whose task was lost, whose sender
    died, or whose last attempt failed and whose pause is over. The number sent."""
    now = timezone.now()
    due = list(
        OutboxMessage.objects.due(now)
        .filter(Q(created_at__lte=now - grace) | Q(attempts__gt=0))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for message_id in due:
        try:
            sent += message_send(message_id)
        except Exception:
            # Recorded on the row; the next sweep tries again after a pause.
            logger.warning("Outgoing e-mail %s could not be sent", message_id, exc_info=True)
    return sent
