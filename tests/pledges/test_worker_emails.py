"""Review e-mails leave through a real worker process, after the transaction commits."""

from __future__ import annotations

import time

import pytest

from pledges import services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, complete_pledge
from tests.mail import written_mails


def wait_for_mail(folder, count: int, seconds: float = 60) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        written = written_mails(folder)
        if len(written) >= count:
            return written
        time.sleep(0.2)
    raise AssertionError(f"{count} message(s) expected, {len(list(folder.iterdir()))} arrived")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_tells_the_secretariat_and_then_the_owners(
    celery_worker_on_test_db, mail_folder
):
    from tests.conftest import with_second_factor

    organisation = OrganisationFactory(name="Worker Test Network")
    member = MembershipFactory(organisation=organisation, user__email="owner@wt.example").user
    secretariat = with_second_factor(UserFactory(email="desk@un.example", is_staff=True))
    pledge = complete_pledge(lead_organisation=organisation, title="Shelters for families")

    services.pledge_submit(pledge=pledge, by=member)
    submitted = wait_for_mail(mail_folder, 1)
    assert "desk@un.example" in submitted[0]
    assert "Pledge submitted for review: Shelters for families" in submitted[0]

    services.pledge_request_changes(pledge=pledge, by=secretariat, comment="Which cities?")
    messages = wait_for_mail(mail_folder, 2)
    returned = next(m for m in messages if "Pledge changes requested" in m)
    assert "owner@wt.example" in returned
    assert "Which cities?" in returned
