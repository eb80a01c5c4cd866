"""Review in the admin: actions call the workflow services; the queue and version comparison."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pledges import services
from pledges.models import ReviewEvent, ReviewState
from tests.factories import PledgeFactory, complete_pledge

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:pledges_pledge_changelist")
QUEUE = reverse("admin:pledges_pledgeinreview_changelist")


@pytest.fixture
def submitted(organisation, member):
    pledges = [complete_pledge(lead_organisation=organisation) for _ in range(3)]
    for pledge in pledges:
        services.pledge_submit(pledge=pledge, by=member)
    return pledges


def act(client, action, pledges, **extra):
    data = {"action": action, "_selected_action": [p.pk for p in pledges], "confirmed": "1"}
    data.update(extra)
    return client.post(CHANGELIST, data, follow=True)


def test_secretariat_bulk_publishes(client, secretariat, submitted):
    client.force_login(secretariat)
    response = act(client, "publish", submitted)
    assert response.status_code == 200
    assert "3 pledges were published." in response.content.decode()
    states = {
        p.review_state for p in type(submitted[0]).objects.filter(pk__in=[p.pk for p in submitted])
    }
    assert states == {ReviewState.PUBLISHED}
    assert ReviewEvent.objects.filter(action="publish", actor=secretariat).count() == 3


def test_publishing_a_draft_is_refused_with_a_reason(client, secretariat, organisation):
    draft = PledgeFactory(lead_organisation=organisation)
    client.force_login(secretariat)
    response = act(client, "publish", [draft])
    assert "draft pledge cannot be published" in response.content.decode()
    draft.refresh_from_db()
    assert draft.review_state == ReviewState.DRAFT


def test_request_changes_asks_for_a_comment_first(client, secretariat, submitted):
    client.force_login(secretariat)
    page = act(client, "request_changes", submitted[:1])
    assert page.status_code == 200
    assert b'name="comment"' in page.content
    submitted[0].refresh_from_db()
    assert submitted[0].review_state == ReviewState.SUBMITTED

    act(client, "request_changes", submitted[:1], comment="Add a baseline year.")
    submitted[0].refresh_from_db()
    assert submitted[0].review_state == ReviewState.CHANGES_REQUESTED
    event = ReviewEvent.objects.get(pledge=submitted[0], action="request_changes")
    assert event.comment == "Add a baseline year."


def test_reject_with_a_reason(client, secretariat, submitted):
    client.force_login(secretariat)
    act(client, "reject", submitted[1:2], comment="This belongs under the GCR.")
    submitted[1].refresh_from_db()
    assert submitted[1].review_state == ReviewState.REJECTED


def test_staff_without_change_permission_cannot_act(client, submitted):
    from tests.factories import UserFactory

    viewer = UserFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_pledge"))
    client.force_login(viewer)
    act(client, "publish", submitted)
    assert not ReviewEvent.objects.filter(action="publish").exists()


def test_the_queue_lists_submitted_pledges_oldest_first_with_smart_score(
    client, secretariat, submitted, organisation, django_assert_max_num_queries
):
    PledgeFactory(lead_organisation=organisation)  # a draft waits for nobody
    client.force_login(secretariat)
    # Session, user, permissions, count, page, prefetched targets and objective links,
    # the choices of the cycle, objective and commission filters; then, for each of the (at
    # most 25) rows, its main objectives and its pool of possible duplicates.
    with django_assert_max_num_queries(14 + 2 * 3):
        response = client.get(QUEUE)
    listed = [p.pk for p in response.context["cl"].result_list]
    assert listed == [p.pk for p in submitted]
    assert "5/5" in response.content.decode()


def test_the_queue_filters_by_smart_score_and_region(client, secretariat, submitted):
    submitted[0].targets.all().delete()
    client.force_login(secretariat)
    complete = client.get(QUEUE, {"smart": "5"}).context["cl"].result_list
    incomplete = client.get(QUEUE, {"smart": "incomplete"}).context["cl"].result_list
    assert [p.pk for p in complete] == [p.pk for p in submitted[1:]]
    assert [p.pk for p in incomplete] == [submitted[0].pk]
    # The organisation is in Kenya, a member of the Economic Commission for Africa.
    assert len(client.get(QUEUE, {"commission": "ECA"}).context["cl"].result_list) == 3
    assert len(client.get(QUEUE, {"commission": "ECE"}).context["cl"].result_list) == 0


def test_the_secretariat_sees_a_resubmission_as_a_diff(client, secretariat, member, submitted):
    pledge = submitted[0]
    services.pledge_request_changes(pledge=pledge, by=secretariat, comment="Clearer title?")
    pledge.title = "Zero recruitment fees for migrant workers by 2030"
    pledge.save()
    services.pledge_submit(pledge=pledge, by=member)
    client.force_login(secretariat)
    url = reverse("admin:pledges_pledge_compare", args=[pledge.pk])
    response = client.get(url, {"a": 1, "b": 3})
    assert response.status_code == 200
    changes = response.context["changes"]
    assert [c.label for c in changes] == ["Title"]
    assert "Zero recruitment fees for migrant workers by 2030" in response.content.decode()


def test_comparison_of_unknown_versions_is_a_404_not_a_500(client, secretariat, submitted):
    client.force_login(secretariat)
    url = reverse("admin:pledges_pledge_compare", args=[submitted[0].pk])
    assert client.get(url, {"a": 7, "b": 1}).status_code == 404
    assert client.get(url, {"a": "x"}).status_code == 404
    missing = reverse("admin:pledges_pledge_compare", args=[999999])
    assert client.get(missing).status_code == 404


def test_anonymous_and_stakeholders_cannot_compare(client, member, submitted):
    url = reverse("admin:pledges_pledge_compare", args=[submitted[0].pk])
    assert client.get(url).status_code == 302
    client.force_login(member)
    assert client.get(url).status_code == 302
