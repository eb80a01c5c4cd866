"""Fixtures of the pledges tests."""

from __future__ import annotations

import pytest

from pledges import services
from tests.factories import complete_pledge


@pytest.fixture
def published(organisation, member, secretariat):
    """A complete pledge of the cast's organisation, submitted and published."""
    pledge = complete_pledge(lead_organisation=organisation)
    services.pledge_submit(pledge=pledge, by=member)
    services.pledge_publish(pledge=pledge, by=secretariat)
    pledge.refresh_from_db()
    return pledge


@pytest.fixture
def submitted(organisation, member):
    """A complete pledge of the cast's organisation, titled "Safe shelters", submitted."""
    pledge = complete_pledge(lead_organisation=organisation, title="Safe shelters")
    services.pledge_submit(pledge=pledge, by=member)
    pledge.refresh_from_db()
    return pledge


@pytest.fixture
def staff(client, secretariat):
    """The test client, logged in as the secretariat."""
    client.force_login(secretariat)
    return client
