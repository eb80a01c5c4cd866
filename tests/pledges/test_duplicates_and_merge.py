"""Possible duplicates while drafting and reviewing, and merging one into another."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pledges import services
from pledges.admin_review import possible_duplicates
from pledges.models import ReviewEvent, ReviewState
from pledges.similarity import candidates_for, similar_pledges
from pledges.workflow import WorkflowError
from tests.factories import OrganisationFactory, PledgeFactory, complete_pledge

pytestmark = pytest.mark.django_db

TEXT = (
    "We commit to eliminate recruitment fees charged to migrant workers by licensed agencies, "
    "train labour inspectors on fee-charging practices and open a multilingual complaints "
    "channel so that workers can report abuses safely and have them investigated quickly. "
    "Progress is measured against SDG indicator 10.7.1 and reported every year."
)


def test_a_near_copy_is_suggested_and_an_unrelated_pledge_is_not(organisation):
    original = complete_pledge(
        lead_organisation=organisation, title="Zero recruitment fees", description=TEXT
    )
    services_state(original, ReviewState.PUBLISHED)
    copy = complete_pledge(
        lead_organisation=OrganisationFactory(),
        title="Zero recruitment fees for migrant workers",
        description=TEXT.replace("quickly", "promptly"),
    )
    unrelated = complete_pledge(
        lead_organisation=organisation,
        title="Birth registration for all children",
        description="Mobile teams register births in border areas and informal settlements. " * 5,
    )
    services_state(unrelated, ReviewState.PUBLISHED)
    found = similar_pledges(pledge=copy, candidates=candidates_for(True, set()))
    assert [s.pledge for s in found] == [original]
    assert 0.35 <= found[0].score <= 1.1


def services_state(pledge, state):
    from django.utils import timezone

    type(pledge).objects.filter(pk=pledge.pk).update(
        review_state=state, submitted_at=timezone.now(), published_at=timezone.now()
    )
    pledge.refresh_from_db()


def test_others_drafts_are_never_suggested_to_stakeholders(organisation):
    someone_else = OrganisationFactory()
    complete_pledge(lead_organisation=someone_else, title="Zero recruitment fees", description=TEXT)
    mine = complete_pledge(
        lead_organisation=organisation, title="Zero recruitment fees", description=TEXT
    )
    assert similar_pledges(pledge=mine, candidates=candidates_for(False, {organisation.pk})) == []


def test_the_drafting_page_shows_similar_published_pledges(client, member, organisation):
    published = complete_pledge(title="Zero recruitment fees", description=TEXT)
    services_state(published, ReviewState.PUBLISHED)
    draft = complete_pledge(
        lead_organisation=organisation, title="Zero recruitment fees", description=TEXT
    )
    client.force_login(member)
    page = client.get(reverse("portal:pledge_edit", args=[draft.reference])).content.decode()
    assert "Similar pledges" in page
    assert published.reference in page


def test_the_review_queue_shows_possible_duplicates(client, secretariat, member, organisation):
    published = complete_pledge(title="Zero recruitment fees", description=TEXT)
    services_state(published, ReviewState.PUBLISHED)
    draft = complete_pledge(
        lead_organisation=organisation, title="Zero recruitment fees", description=TEXT
    )
    services.pledge_submit(pledge=draft, by=member)
    client.force_login(secretariat)
    page = client.get(reverse("admin:pledges_pledgeinreview_changelist")).content.decode()
    assert published.reference in page


def test_secretariat_merges_a_duplicate_whose_owners_become_partners(
    secretariat, member, organisation
):
    target = complete_pledge(title="Zero recruitment fees", description=TEXT)
    services_state(target, ReviewState.PUBLISHED)
    duplicate = complete_pledge(lead_organisation=organisation)
    services.pledge_submit(pledge=duplicate, by=member)
    services.pledge_merge(duplicate=duplicate, into=target, by=secretariat)
    duplicate.refresh_from_db()
    assert duplicate.review_state == ReviewState.MERGED
    assert duplicate.merged_into == target
    assert target.partner_links.get().organisation == organisation
    assert target.partner_links.get().status == "accepted"
    assert ReviewEvent.objects.filter(pledge=target, action="merge").exists()


def test_only_the_secretariat_merges_and_not_into_itself(secretariat, member, organisation):
    from django.core.exceptions import PermissionDenied

    target = PledgeFactory(published=True)
    duplicate = complete_pledge(lead_organisation=organisation)
    services.pledge_submit(pledge=duplicate, by=member)
    with pytest.raises(PermissionDenied):
        services.pledge_merge(duplicate=duplicate, into=target, by=member)
    with pytest.raises(WorkflowError, match="into itself"):
        services.pledge_merge(duplicate=duplicate, into=duplicate, by=secretariat)


def test_merge_from_the_admin_asks_for_the_target(client, secretariat, member, organisation):
    target = PledgeFactory(published=True)
    duplicate = complete_pledge(lead_organisation=organisation)
    services.pledge_submit(pledge=duplicate, by=member)
    client.force_login(secretariat)
    changelist = reverse("admin:pledges_pledge_changelist")
    page = client.post(changelist, {"action": "merge", "_selected_action": [duplicate.pk]})
    assert b'name="into"' in page.content
    response = client.post(
        changelist,
        {"action": "merge", "_selected_action": [duplicate.pk], "into": "GCM-1999-0001"},
    )
    assert "No pledge has the reference" in response.content.decode()
    client.post(
        changelist,
        {"action": "merge", "_selected_action": [duplicate.pk], "into": target.reference.lower()},
    )
    duplicate.refresh_from_db()
    assert duplicate.merged_into == target


def test_a_revision_is_not_a_duplicate_of_its_own_pledge(member, organisation, secretariat):
    pledge = complete_pledge(lead_organisation=organisation, title="Zero recruitment fees")
    services.pledge_submit(pledge=pledge, by=member)
    services.pledge_publish(pledge=pledge, by=secretariat)
    pledge.refresh_from_db()
    revision = services.pledge_revise(pledge=pledge, by=member)
    services.pledge_submit(pledge=revision, by=member)
    assert pledge not in [s.pledge for s in possible_duplicates(revision)]
    assert revision not in [s.pledge for s in possible_duplicates(pledge)]
