"""What a newcomer's machine gives them: e-mails they can read and click, an icon, one command
that starts and stops the server and the worker together."""

from __future__ import annotations

import io

import pytest
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.urls import reverse

from tracker.mail import ReadableConsoleBackend

LINK = "http://127.0.0.1:8801/accounts/confirm-email/MQ:1vQk3x:" + "a" * 60 + "/"


def test_mail_printed_in_development_keeps_links_whole():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        subject="Please confirm your e-mail address",
        body=f"To confirm, go to {LINK}\n\nThank you.",
        from_email="GCM Pledge Tracker <noreply@localhost>",
        to=["newcomer@example.org"],
    )
    message.attach_alternative(f'<a href="{LINK}">confirm</a>', "text/html")
    ReadableConsoleBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert LINK in printed
    assert "Subject: Please confirm your e-mail address" in printed
    assert "=\n" not in printed  # no quoted-printable line breaks


@pytest.mark.django_db
def test_the_icon_is_found_where_browsers_look(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("tracker/favicon.svg")
    assert 'rel="icon"' in client.get(reverse("home")).content.decode()


def test_run_dev_is_for_development_machines(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development machines"):
        call_command("run_dev")
