"""Reading e-mails the tests caught."""

from __future__ import annotations

from django.core.mail import EmailMessage


def recipients(message: EmailMessage) -> list[str]:
    """Everyone a message went to, visible or blind-copied, sorted."""
    return sorted(
        address for address in [*message.to, *message.bcc] if not address.startswith("GCM")
    )
