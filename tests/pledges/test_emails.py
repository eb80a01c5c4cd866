"""Review e-mails: who is told, what they read; the outbox sends each once, and never loses one."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pledges import services
from pledges.content import PledgeContent
from pledges.models import OutboxMessage
from pledges.outbox import outbox_sweep
from pledges.tasks import outbox_send
from tests.factories import complete_pledge
from tests.mail import delivered, recipients

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledge(organisation):
    return complete_pledge(lead_organisation=organisation, title="Zero recruitment fees")


def test_submission_tells_the_secretariat_once_the_change_commits(
    pledge, member, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        services.pledge_submit(pledge=pledge, by=member)
    # Written with the change, sent after it.
    message = OutboxMessage.objects.get()
    assert message.sent_at is None
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    sent = mail.outbox[0]
    assert recipients(sent) == [secretariat.email]
    assert pledge.reference in sent.subject
    assert "Pledge submitted for review: Zero recruitment fees" in sent.subject
    assert f"/admin/pledges/pledge/{pledge.pk}/change/" in sent.body
    message.refresh_from_db()
    assert message.sent_at is not None


def test_request_for_changes_tells_every_owner_with_the_comment_and_a_link(
    pledge, member, focal_point, secretariat
):
    services.pledge_submit(pledge=pledge, by=member)
    services.pledge_request_changes(
        pledge=pledge, by=secretariat, comment="Please add the baseline year."
    )
    message = delivered()[-1]
    assert recipients(message) == sorted([member.email, focal_point.email])
    assert "Please add the baseline year." in message.body
    assert f"/portal/pledges/{pledge.reference}/" in message.body
    html = message.alternatives[0].content
    assert "Please add the baseline year." in html
    assert secretariat.email not in recipients(message)


def test_publication_tells_the_owners_where_the_public_reads_it(pledge, member, secretariat):
    services.pledge_submit(pledge=pledge, by=member)
    services.pledge_publish(pledge=pledge, by=secretariat)
    message = delivered()[-1]
    assert "is now public" in message.body
    link = message.body.split("See it on the public site:")[1].split()[0]
    assert link.endswith(f"/pledges/{pledge.reference}/")


def test_nothing_is_written_when_the_change_is_refused(pledge, outsider):
    with pytest.raises(PermissionDenied):
        services.pledge_submit(pledge=pledge, by=outsider)
    assert not OutboxMessage.objects.exists()


def test_the_owners_are_told_when_the_secretariat_corrects_their_pledge(
    pledge, member, secretariat
):
    services.pledge_submit(pledge=pledge, by=member)
    delivered().clear()
    content = replace(PledgeContent.of(pledge), title="Zero recruitment fees, nationwide")
    pledge.refresh_from_db()
    services.pledge_update(
        pledge=pledge, by=secretariat, content=content, expected_version=pledge.version
    )
    [message] = delivered()
    assert recipients(message) == [member.email]
    assert "corrected by the secretariat" in message.subject
    assert f"/portal/pledges/{pledge.reference}/" in message.body


def test_the_owners_own_edits_tell_nobody(pledge, member):
    content = replace(PledgeContent.of(pledge), title="Zero recruitment fees, nationwide")
    services.pledge_update(pledge=pledge, by=member, content=content, expected_version=1)
    assert delivered() == []


def test_a_redelivered_task_sends_nothing_twice(pledge, member, secretariat):
    services.pledge_submit(pledge=pledge, by=member)
    message = OutboxMessage.objects.get()
    assert outbox_send.apply(args=[message.pk]).get() is True
    assert outbox_send.apply(args=[message.pk]).get() is False
    outbox_sweep(grace=dt.timedelta(0))
    assert len(mail.outbox) == 1


def test_a_failed_send_is_kept_and_retried_after_a_pause(pledge, member, secretariat, settings):
    services.pledge_submit(pledge=pledge, by=member)
    message = OutboxMessage.objects.get()
    # A mail server that is not there: nothing listens on port 1.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }
    with pytest.raises(ConnectionRefusedError):
        outbox_send.apply(args=[message.pk], throw=True)
    message.refresh_from_db()
    assert (message.sent_at, message.attempts) == (None, 1)
    assert "ConnectionRefusedError" in message.last_error
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    # Not at once: the next try waits for its pause.
    assert outbox_sweep(grace=dt.timedelta(0)) == 0
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        assert outbox_sweep() == 1
    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.last_error == ""
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_a_fresh_message_to_its_own_task(pledge, member, secretariat):
    services.pledge_submit(pledge=pledge, by=member)
    assert outbox_sweep() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1)):
        assert outbox_sweep() == 1


def test_a_message_whose_sender_died_is_sent_once_its_lease_runs_out(
    pledge, member, secretariat, settings
):
    services.pledge_submit(pledge=pledge, by=member)
    message = OutboxMessage.objects.get()
    # A sender claimed it and died before it was sent: the lease holds it for a while.
    OutboxMessage.objects.filter(pk=message.pk).update(
        lease_until=timezone.now() + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
        attempts=1,
    )
    assert outbox_sweep(grace=dt.timedelta(0)) == 0
    later = timezone.now() + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    with time_machine.travel(later):
        assert outbox_sweep() == 1
    assert len(mail.outbox) == 1


def test_a_message_links_to_the_plain_addresses_whatever_the_senders_language(
    organisation, member, secretariat
):
    from django.utils import translation

    from pledges import services
    from pledges.models import OutboxMessage
    from tests.factories import complete_pledge

    pledge = complete_pledge(lead_organisation=organisation)
    services.pledge_submit(pledge=pledge, by=member)
    with translation.override("fr"):  # the secretariat reads the site in French
        services.pledge_publish(pledge=pledge, by=secretariat)
    [told] = [m for m in OutboxMessage.objects.all() if member.email in m.recipients]
    assert f"/pledges/{pledge.reference}/" in told.body_text
    assert "/fr/" not in told.body_text


def test_each_recipient_reads_the_message_in_their_language(
    pledge, member, focal_point, secretariat
):
    member.language = "es"
    member.save(update_fields=["language"])
    services.pledge_submit(pledge=pledge, by=member)
    services.pledge_request_changes(pledge=pledge, by=secretariat, comment="Añadan la línea base.")
    spanish, english = (
        next(m for m in delivered() if recipients(m) == [person.email])
        for person in (member, focal_point)
    )
    assert "Compromiso" in spanish.subject
    assert "cambios" in spanish.body
    assert "Pledge" in english.subject
    assert "changes" in english.body
    assert (
        spanish.extra_headers["Content-Language"],
        english.extra_headers["Content-Language"],
    ) == (
        "es",
        "en",
    )
    assert "Añadan la línea base." in spanish.body  # what people wrote stays as written
    # Links are the plain addresses, which open in the reader's chosen language.
    assert f"/portal/pledges/{pledge.reference}/" in spanish.body
    assert "/es/" not in spanish.body


def test_an_address_without_an_account_reads_the_language_it_was_written_from(
    organisation, focal_point
):
    from django.utils import translation

    with translation.override("fr"):
        services.member_invite(
            organisation=organisation, by=focal_point, email="nouveau@exemple.org"
        )
    message = delivered()[-1]
    assert recipients(message) == ["nouveau@exemple.org"]
    assert message.extra_headers["Content-Language"] == "fr"
    assert message.subject.startswith("Rejoignez ")
