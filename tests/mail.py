"""Reading e-mails the tests caught."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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


# What Django's file backend writes after each message: a file without it is still being
# written by the worker.
MESSAGE_END = "-" * 79 + "\n"


def written_mails(folder: Path) -> list[str]:
    """The messages a worker has finished writing into `folder`, oldest file first."""
    texts = [path.read_text() for path in sorted(folder.iterdir())]
    return [text for text in texts if text.endswith(MESSAGE_END)]
