"""Reading e-mails the tests caught."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.core.mail import EmailMessage


def recipients(message: EmailMessage) -> list[str]:
    """Everyone a message went to, visible or blind-copied, sorted."""
    return sorted(
        address for address in [*message.to, *message.bcc] if not address.startswith("GCM")
    )


def delivered() -> list[EmailMessage]:
    """Send what waits in the outbox, as the sweep does, and return every message caught."""
    from pledges.outbox import outbox_sweep

    outbox_sweep(grace=dt.timedelta(0))
    return mail.outbox
