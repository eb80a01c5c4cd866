"""No e-mail is lost: not when the broker is down as someone acts, not when a worker dies while
sending. Real workers, a real broker, a real (silent) mail server."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import pytest
from django.urls import reverse

from pledges.models import OutboxMessage, ReviewState
from pledges.tasks import outbox_sweep
from tests.conftest import with_second_factor, worker_env_on_test_db, worker_running
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, complete_pledge
from tests.mail import written_mails

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def mails(folder) -> list[str]:
    return written_mails(folder)


def wait_until(condition: Callable[[], object], seconds: float = 60, pause: float = 0.2) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(pause)


@pytest.fixture
def cast():
    organisation = OrganisationFactory(name="No Mail Lost Network")
    member = MembershipFactory(organisation=organisation, user__email="owner@nml.example").user
    with_second_factor(UserFactory(email="desk@un.example", is_staff=True))
    return member, complete_pledge(lead_organisation=organisation, title="Shelters for families")


def test_a_submission_made_while_the_broker_is_down_is_saved_and_its_mail_goes_later(
    client, cast, mail_folder, broker_down
):
    member, pledge = cast
    client.force_login(member)
    response = client.post(reverse("portal:pledge_submit", args=[pledge.reference]))
    # The pledger's action stands, and says so, although nothing could be queued.
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.review_state == ReviewState.SUBMITTED
    message = OutboxMessage.objects.get()
    assert message.sent_at is None

    broker_down()  # it is back
    with worker_running(worker_env_on_test_db(mail_folder)):
        outbox_sweep.delay(grace_seconds=0)
        wait_until(lambda: mails(mail_folder))
    [sent] = mails(mail_folder)
    assert "desk@un.example" in sent
    assert "Pledge submitted for review: Shelters for families" in sent
    message.refresh_from_db()
    assert message.sent_at is not None


@pytest.fixture
def silent_mail_server() -> Iterator[socket.socket]:
    """A mail server that accepts connections and never says a word: a send hangs on it."""
    server = socket.create_server(("127.0.0.1", 0))
    yield server
    server.close()


def test_a_message_whose_worker_is_killed_while_sending_goes_once(
    cast, mail_folder, silent_mail_server
):
    from pledges import services

    member, pledge = cast
    port = silent_mail_server.getsockname()[1]
    hanging = worker_env_on_test_db(
        mail_folder,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_USE_TLS="false",
        OUTBOX_LEASE_SECONDS="3",
    )
    hanging.pop("EMAIL_FILE_PATH")
    with worker_running(hanging) as worker:
        services.pledge_submit(pledge=pledge, by=member)
        # The worker claimed the message and is waiting for the mail server's greeting.
        wait_until(lambda: OutboxMessage.objects.filter(attempts=1).exists())
        silent_mail_server.settimeout(30)
        connection, _ = silent_mail_server.accept()
        worker.kill()
        worker.wait()
        connection.close()
    message = OutboxMessage.objects.get()
    assert message.sent_at is None

    with worker_running(worker_env_on_test_db(mail_folder)):
        # Until its lease runs out nobody else sends it; then the sweep does, once.
        wait_until(lambda: outbox_sweep.delay(grace_seconds=0) and mails(mail_folder), pause=1)
        outbox_sweep.delay(grace_seconds=0)
        time.sleep(2)
    assert len(mails(mail_folder)) == 1
    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.attempts == 2
