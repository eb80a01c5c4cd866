"""pledge_create: references, permission, event."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from pledges.content import PledgeContent
from pledges.models import ReviewAction, ReviewCycle, ReviewState
from pledges.services import WorkflowError, pledge_create
from tests.factories import cycle

pytestmark = pytest.mark.django_db


def test_member_creates_a_draft_with_the_next_reference_of_the_cycle(
    member, secretariat, organisation
):
    first = pledge_create(
        by=member, cycle=cycle(), lead_organisation=organisation, content=PledgeContent(title="One")
    )
    second = pledge_create(
        by=member, cycle=cycle(), lead_organisation=organisation, content=PledgeContent(title="Two")
    )
    # The secretariat records a pledge made at the 2022 Forum: numbered in its own cycle.
    other = pledge_create(
        by=secretariat,
        cycle=cycle("IMRF-2022"),
        lead_organisation=organisation,
        content=PledgeContent(title="Old"),
    )
    assert (first.reference, second.reference) == ("GCM-2026-0001", "GCM-2026-0002")
    assert other.reference == "GCM-2022-0001"
    assert first.review_state == ReviewState.DRAFT
    assert first.created_by == member


def test_pledging_for_a_cycle_whose_forum_is_over_is_refused(member, organisation):
    with pytest.raises(WorkflowError, match="Pledging for IMRF-2022 is closed"):
        pledge_create(
            by=member,
            cycle=cycle("IMRF-2022"),
            lead_organisation=organisation,
            content=PledgeContent(title="Too late"),
        )


def test_pledging_follows_the_window_the_secretariat_sets(member, organisation):
    import datetime as dt

    current = cycle()
    current.pledging_opens, current.pledging_closes = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    current.save()
    with pytest.raises(WorkflowError, match="closed"):
        pledge_create(
            by=member,
            cycle=current,
            lead_organisation=organisation,
            content=PledgeContent(title="X"),
        )
    assert ReviewCycle.objects.open_for_pledging(dt.date(2025, 6, 1)).filter(pk=current.pk)


def test_creation_is_recorded_as_a_review_event(member, organisation):
    pledge = pledge_create(
        by=member, cycle=cycle(), lead_organisation=organisation, content=PledgeContent(title="One")
    )
    event = pledge.review_events.get()
    assert (event.action, event.to_state, event.actor) == (ReviewAction.CREATE, "draft", member)


def test_member_of_another_organisation_cannot_pledge_for_it(outsider, organisation):
    with pytest.raises(PermissionDenied):
        pledge_create(
            by=outsider,
            cycle=cycle(),
            lead_organisation=organisation,
            content=PledgeContent(title="No"),
        )
    assert not organisation.led_pledges.exists()


def test_secretariat_may_record_a_pledge_for_any_organisation(secretariat, organisation):
    pledge = pledge_create(
        by=secretariat,
        cycle=cycle(),
        lead_organisation=organisation,
        content=PledgeContent(title="Y"),
    )
    assert pledge.lead_organisation == organisation


def test_a_bad_row_is_not_retried_as_a_reference_clash(member, organisation):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        pledge_create(
            by=member,
            cycle=cycle(),
            lead_organisation=organisation,
            content=PledgeContent(title="X", amount=-1),
        )
