"""A published pledge stays public as published while its owners revise it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pledges import services
from pledges.models import Pledge, PledgeVersion, ReviewState, TargetMeasurement
from pledges.workflow import WorkflowError
from tests.factories import ProgressUpdateFactory, complete_pledge
from tests.pledges.test_portal import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(published):
    published.title = "Zero recruitment fees"
    published.save()
    return published


def test_revising_keeps_the_public_pledge_as_published(client, member, published):
    client.force_login(member)
    response = client.post(reverse("portal:pledge_revise", args=[published.reference]))
    revision = published.revisions.get()
    assert response["Location"] == reverse("portal:pledge_edit", args=[revision.reference])
    assert revision.review_state == ReviewState.DRAFT
    assert revision.title == published.title
    assert revision.targets.get().revises == published.targets.get()

    client.post(
        reverse("portal:pledge_edit", args=[revision.reference]),
        form_data(revision, title="Zero recruitment fees by 2028"),
    )
    published.refresh_from_db()
    assert published.title == "Zero recruitment fees"
    assert published.review_state == ReviewState.PUBLISHED
    assert Pledge.objects.published().get() == published


def test_revise_twice_gives_the_same_revision(member, published):
    first = services.pledge_revise(pledge=published, by=member)
    assert services.pledge_revise(pledge=published, by=member) == first


def test_outsiders_cannot_revise(client, outsider, published):
    client.force_login(outsider)
    assert (
        client.post(reverse("portal:pledge_revise", args=[published.reference])).status_code == 404
    )
    assert not published.revisions.exists()


def test_a_draft_cannot_be_revised(member, organisation):
    draft = complete_pledge(lead_organisation=organisation)
    with pytest.raises(WorkflowError):
        services.pledge_revise(pledge=draft, by=member)


def test_secretariat_sees_the_revision_against_the_published_version_then_publishes_it(
    client, member, secretariat, published
):
    target = published.targets.get()
    update = ProgressUpdateFactory(pledge=published)
    TargetMeasurement.objects.create(
        update=update, target=target, value=10, measured_on="2026-01-01"
    )

    revision = services.pledge_revise(pledge=published, by=member)
    client.force_login(member)
    client.post(
        reverse("portal:pledge_edit", args=[revision.reference]),
        form_data(revision, title="Zero recruitment fees by 2028", submit="1"),
    )
    revision.refresh_from_db()
    assert revision.review_state == ReviewState.SUBMITTED

    admin = type(client)()
    admin.force_login(secretariat)
    compare = admin.get(reverse("admin:pledges_pledge_compare", args=[revision.pk]))
    assert compare.context["before"].action == "publish"
    assert [c.label for c in compare.context["changes"]] == ["Title"]

    services.pledge_publish(pledge=revision, by=secretariat)
    published.refresh_from_db()
    assert published.title == "Zero recruitment fees by 2028"
    assert published.review_state == ReviewState.PUBLISHED
    assert not Pledge.objects.filter(reference=f"{published.reference}-R").exists()
    # The reported value still belongs to the same target.
    assert published.targets.get() == target
    assert target.measurements.count() == 1
    # The revision's history lives on with the pledge.
    comments = list(published.review_events.values_list("action", "comment"))
    assert ("submit", "(Revision)") in comments
    actions = list(PledgeVersion.objects.filter(pledge=published).values_list("action", flat=True))
    assert actions.count("publish") == 2


def test_a_revision_cannot_drop_a_target_that_has_reported_values(member, secretariat, published):
    target = published.targets.get()
    update = ProgressUpdateFactory(pledge=published)
    TargetMeasurement.objects.create(
        update=update, target=target, value=3, measured_on="2026-01-01"
    )
    revision = services.pledge_revise(pledge=published, by=member)
    revision.targets.update(revises=None)  # as if the owners replaced the target
    services.pledge_submit(pledge=revision, by=member)
    with pytest.raises(WorkflowError, match="reported on"):
        services.pledge_publish(pledge=revision, by=secretariat)
    published.refresh_from_db()
    assert published.targets.get() == target


def test_a_returned_revision_can_be_fixed_and_resubmitted(member, secretariat, published):
    revision = services.pledge_revise(pledge=published, by=member)
    services.pledge_submit(pledge=revision, by=member)
    services.pledge_request_changes(pledge=revision, by=secretariat, comment="Why 2028?")
    assert revision.review_state == ReviewState.CHANGES_REQUESTED
    assert published.review_events.filter(comment="(Revision) Why 2028?").exists()
    services.pledge_submit(pledge=revision, by=member)
    assert revision.review_state == ReviewState.SUBMITTED
