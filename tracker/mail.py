"""E-mail on a development machine: printed so that a person can read it and click its links."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend


class ReadableConsoleBackend(EmailBackend):
    """The console backend, but each message as a person reads it: its addresses, subject and
    plain text, with links whole, not the MIME source whose quoted-printable lines break them."""

    def write_message(self, message: EmailMessage) -> None:
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            *([f"Bcc: {', '.join(message.bcc)}"] if message.bcc else []),
            f"Subject: {message.subject}",
            "",
            str(message.body).rstrip(),
            "-" * 79,
            "",
        ]
        self.stream.write("\n".join(lines))
