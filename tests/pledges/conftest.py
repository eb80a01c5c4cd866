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
