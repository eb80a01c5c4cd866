"""The review workflow: who may make which move, from which state, and what each move records."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from pledges import services
from pledges.models import PledgeVersion, ReviewEvent, ReviewState
from pledges.workflow import WorkflowError
from tests.factories import OrganisationFactory, complete_pledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(organisation):
    return complete_pledge(lead_organisation=organisation)


@pytest.fixture
def submitted(draft, member):
    services.pledge_submit(pledge=draft, by=member)
    return draft


def test_member_submits_a_complete_draft(
    draft, member, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        event = services.pledge_submit(pledge=draft, by=member)
    draft.refresh_from_db()
    assert draft.review_state == ReviewState.SUBMITTED
    assert draft.submitted_at is not None
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        "submit",
        "draft",
        "submitted",
        member,
    )
    assert len(callbacks) == 1  # the e-mail is queued only once the transaction commits
    assert draft.versions.get().snapshot["title"] == draft.title


def test_an_incomplete_draft_is_refused_with_what_is_missing(organisation, member):
    from tests.factories import PledgeFactory

    pledge = PledgeFactory(lead_organisation=organisation, description="Short.")
    with pytest.raises(WorkflowError) as error:
        services.pledge_submit(pledge=pledge, by=member)
    message = " ".join(error.value.messages)
    assert "a description of at least 300 characters (6 now)" in message
    assert "at least one target" in message
    assert "main GCM objective" in message
    assert "a deadline" in message
    pledge.refresh_from_db()
    assert pledge.review_state == ReviewState.DRAFT
    assert not ReviewEvent.objects.filter(pledge=pledge, action="submit").exists()


def test_an_organisation_awaiting_accreditation_cannot_submit(member, organisation, draft):
    organisation.accredited = False
    organisation.accredited_at = None
    organisation.save()
    with pytest.raises(WorkflowError, match="accreditation"):
        services.pledge_submit(pledge=draft, by=member)


def test_member_of_another_organisation_cannot_submit(draft, outsider):
    with pytest.raises(PermissionDenied):
        services.pledge_submit(pledge=draft, by=outsider)


def test_accepted_partner_may_submit_but_invited_one_may_not(draft):
    from tests.factories import MembershipFactory

    partner = OrganisationFactory()
    partner_member = MembershipFactory(organisation=partner).user
    link = draft.partner_links.create(organisation=partner, status="invited")
    with pytest.raises(PermissionDenied):
        services.pledge_submit(pledge=draft, by=partner_member)
    link.status = "accepted"
    link.save()
    services.pledge_submit(pledge=draft, by=partner_member)
    assert draft.review_state == ReviewState.SUBMITTED


def test_only_the_secretariat_publishes(submitted, member, focal_point, secretariat):
    for user in (member, focal_point):
        with pytest.raises(PermissionDenied):
            services.pledge_publish(pledge=submitted, by=user)
    services.pledge_publish(pledge=submitted, by=secretariat)
    submitted.refresh_from_db()
    assert submitted.review_state == ReviewState.PUBLISHED
    assert submitted.published_at is not None


def test_request_changes_needs_a_comment_and_returns_the_pledge(submitted, secretariat, member):
    with pytest.raises(WorkflowError, match="Say why"):
        services.pledge_request_changes(pledge=submitted, by=secretariat, comment="  ")
    services.pledge_request_changes(
        pledge=submitted, by=secretariat, comment="Add a baseline year."
    )
    assert submitted.review_state == ReviewState.CHANGES_REQUESTED
    # The owners can resubmit it.
    services.pledge_submit(pledge=submitted, by=member)
    assert submitted.review_state == ReviewState.SUBMITTED


def test_reject_records_the_reason(submitted, secretariat):
    event = services.pledge_reject(pledge=submitted, by=secretariat, comment="Out of scope.")
    assert event.comment == "Out of scope."
    assert submitted.review_state == ReviewState.REJECTED


def test_a_draft_cannot_be_published_nor_a_rejected_one_resubmitted(draft, secretariat, member):
    with pytest.raises(WorkflowError, match="draft pledge cannot be published"):
        services.pledge_publish(pledge=draft, by=secretariat)
    services.pledge_submit(pledge=draft, by=member)
    services.pledge_reject(pledge=draft, by=secretariat, comment="No.")
    with pytest.raises(WorkflowError):
        services.pledge_submit(pledge=draft, by=member)


def test_owners_or_secretariat_withdraw_a_published_pledge(
    submitted, secretariat, member, outsider
):
    services.pledge_publish(pledge=submitted, by=secretariat)
    with pytest.raises(PermissionDenied):
        services.pledge_withdraw(pledge=submitted, by=outsider)
    services.pledge_withdraw(pledge=submitted, by=member, comment="Funding ended.")
    assert submitted.review_state == ReviewState.WITHDRAWN


def test_a_stale_object_cannot_move_a_pledge_twice(submitted, secretariat):
    from pledges.models import Pledge

    stale = Pledge.objects.get(pk=submitted.pk)
    services.pledge_publish(pledge=submitted, by=secretariat)
    with pytest.raises(WorkflowError, match="published pledge cannot be published"):
        services.pledge_publish(pledge=stale, by=secretariat)
    assert ReviewEvent.objects.filter(pledge=submitted, action="publish").count() == 1


def test_every_step_is_an_event_and_a_version(submitted, secretariat, member):
    services.pledge_request_changes(pledge=submitted, by=secretariat, comment="Baseline?")
    services.pledge_submit(pledge=submitted, by=member)
    services.pledge_publish(pledge=submitted, by=secretariat)
    steps = list(
        ReviewEvent.objects.filter(pledge=submitted)
        .order_by("created_at", "id")
        .values_list("action", "from_state", "to_state")
    )
    assert steps == [
        ("submit", "draft", "submitted"),
        ("request_changes", "submitted", "changes_requested"),
        ("submit", "changes_requested", "submitted"),
        ("publish", "submitted", "published"),
    ]
    versions = PledgeVersion.objects.filter(pledge=submitted).order_by("number")
    assert [v.action for v in versions] == ["submit", "request_changes", "submit", "publish"]
    assert submitted.version == 5
