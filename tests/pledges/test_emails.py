"""Review e-mails: who is told, what they read, and never twice."""

from __future__ import annotations

import pytest
from celery.exceptions import Retry
from django.core import mail

from pledges import services
from pledges.tasks import review_event_notify
from tests.factories import complete_pledge
from tests.mail import recipients

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledge(organisation):
    return complete_pledge(lead_organisation=organisation, title="Zero recruitment fees")


def test_submission_tells_the_secretariat(pledge, member, secretariat):
    event = services.pledge_submit(pledge=pledge, by=member)
    assert review_event_notify.apply(args=[event.pk]).get() == 1
    message = mail.outbox[0]
    assert recipients(message) == [secretariat.email]
    assert pledge.reference in message.subject
    assert "Submitted" in message.subject
    assert f"/admin/pledges/pledge/{pledge.pk}/change/" in message.body


def test_request_for_changes_tells_every_owner_with_the_comment(
    pledge, member, focal_point, secretariat
):
    services.pledge_submit(pledge=pledge, by=member)
    event = services.pledge_request_changes(
        pledge=pledge, by=secretariat, comment="Please add the baseline year."
    )
    review_event_notify.apply(args=[event.pk])
    message = mail.outbox[-1]
    assert recipients(message) == sorted([member.email, focal_point.email])
    assert "Please add the baseline year." in message.body
    html = message.alternatives[0].content
    assert "Please add the baseline year." in html
    assert secretariat.email not in recipients(message)


def test_a_redelivered_task_sends_nothing_twice(pledge, member, secretariat):
    event = services.pledge_submit(pledge=pledge, by=member)
    review_event_notify.apply(args=[event.pk])
    review_event_notify.apply(args=[event.pk])
    assert len(mail.outbox) == 1


def test_a_failed_send_can_be_retried(pledge, member, secretariat, monkeypatch):
    from pledges import emails

    event = services.pledge_submit(pledge=pledge, by=member)

    def refuse(event):
        raise OSError("mail server down")

    monkeypatch.setattr(emails, "review_event_send", refuse)
    with pytest.raises((OSError, Retry)):
        review_event_notify.apply(args=[event.pk])
    event.refresh_from_db()
    assert event.notified_at is None
    monkeypatch.undo()
    review_event_notify.apply(args=[event.pk])
    assert len(mail.outbox) == 1
