"""Reminders go out once per window and organisation, and once a month to the secretariat."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges.models import ReminderLog, ReminderOptOut
from pledges.reminders import reminders_send
from tests.factories import PledgeFactory, cycle
from tests.mail import delivered, recipients, written_mails

OPEN_DAY = dt.date(2026, 9, 2)
CLOSING_DAY = dt.date(2026, 12, 20)


@pytest.fixture
def window(db):
    current = cycle()
    current.reporting_opens, current.reporting_closes = dt.date(2026, 9, 1), dt.date(2026, 12, 31)
    current.save()
    return current


@pytest.fixture
def due_pledge(window, organisation, member, focal_point):
    published_at = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    return PledgeFactory(
        lead_organisation=organisation,
        published=True,
        published_at=published_at,
        title="Shelters for families",
    )


def reminder_mails():
    return [m for m in delivered() if "report" in m.subject.lower()]


@pytest.mark.django_db
def test_owners_are_reminded_once_when_the_window_opens(due_pledge, member, focal_point):
    first = reminders_send(OPEN_DAY)
    assert first["window_opened"] == 2
    message = reminder_mails()[0]
    assert recipients(message) == sorted([member.email, focal_point.email])
    assert due_pledge.reference in message.body
    assert f"/portal/pledges/{due_pledge.reference}/updates/new/" in message.body
    reminders_send(OPEN_DAY)
    reminders_send(OPEN_DAY + dt.timedelta(days=1))
    assert len(reminder_mails()) == 1


@pytest.mark.django_db
def test_a_second_reminder_before_the_window_closes(due_pledge):
    reminders_send(OPEN_DAY)
    reminders_send(CLOSING_DAY)
    reminders_send(CLOSING_DAY)
    subjects = [m.subject for m in reminder_mails()]
    assert len(subjects) == 2
    assert subjects[1].startswith("Reporting closes soon")


@pytest.mark.django_db
def test_pledges_that_reported_are_not_reminded(due_pledge, member):
    from tests.factories import ProgressUpdateFactory

    ProgressUpdateFactory(pledge=due_pledge, reported_on=OPEN_DAY, review_state="submitted")
    assert reminders_send(OPEN_DAY).get("window_opened", 0) == 0


@pytest.mark.django_db
def test_people_who_opted_out_get_no_reminders(due_pledge, member, focal_point):
    ReminderOptOut.objects.create(user=member)
    reminders_send(OPEN_DAY)
    assert recipients(reminder_mails()[0]) == [focal_point.email]


@pytest.mark.django_db
def test_the_secretariat_gets_one_digest_a_month(window, secretariat, member):
    from pledges import services
    from tests.factories import complete_pledge

    services.pledge_submit(
        pledge=complete_pledge(lead_organisation=member.memberships.get().organisation), by=member
    )
    delivered().clear()
    reminders_send(dt.date(2026, 11, 3))
    reminders_send(dt.date(2026, 11, 20))
    reminders_send(dt.date(2026, 12, 1))
    digests = [m for m in delivered() if m.subject.startswith("Secretariat digest")]
    assert [m.subject.split(":")[0] for m in digests] == [
        "Secretariat digest, November 2026",
        "Secretariat digest, December 2026",
    ]
    assert "1 waiting for review" in digests[0].subject


@pytest.mark.django_db
def test_reminders_can_be_turned_off_and_on_in_the_portal(client, member):
    client.force_login(member)
    client.post(reverse("portal:reminders_preference"), {"reminders": "off"})
    assert ReminderOptOut.objects.filter(user=member).exists()
    client.post(reverse("portal:reminders_preference"), {"reminders": "on"})
    assert not ReminderOptOut.objects.filter(user=member).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_daily_task_runs_in_a_real_worker_with_a_frozen_clock(
    celery_worker_on_test_db, mail_folder
):
    from pledges.tasks import reminders_daily
    from tests.factories import MembershipFactory, OrganisationFactory

    current = cycle()
    current.reporting_opens, current.reporting_closes = dt.date(2026, 9, 1), dt.date(2026, 12, 31)
    current.save()
    organisation = OrganisationFactory(name="Frozen Clock Network")
    MembershipFactory(organisation=organisation, user__email="owner@frozen.example")
    PledgeFactory(
        lead_organisation=organisation,
        published=True,
        published_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
        submitted_at=timezone.now(),
    )
    for _ in range(2):
        reminders_daily.delay(OPEN_DAY.isoformat()).get(timeout=60)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not written_mails(mail_folder):
        time.sleep(0.2)
    messages = written_mails(mail_folder)
    reminders = [m for m in messages if "owner@frozen.example" in m and "Time to report" in m]
    assert len(reminders) == 1
    assert ReminderLog.objects.filter(kind="window_opened").count() == 1


@pytest.mark.django_db
def test_the_reminders_preference_needs_a_login_and_a_post(client, member):
    url = reverse("portal:reminders_preference")
    response = client.post(url, {"reminders": "off"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(member)
    assert client.get(url).status_code == 405
