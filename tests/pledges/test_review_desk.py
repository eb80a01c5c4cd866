"""The secretariat's desk: the workbench opens on what waits, each record's page has its review
steps as buttons that ask for what they need, and only the secretariat gets to use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pledges import services
from pledges.models import (
    Corroboration,
    Organisation,
    ReviewAction,
    ReviewEvent,
    ReviewState,
)
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PledgeFactory,
    UserFactory,
    cycle,
    report,
)
from tests.mail import delivered, recipients

pytestmark = pytest.mark.django_db


def review_url(obj, step: str) -> str:
    return reverse(f"admin:pledges_{obj._meta.model_name}_review", args=[obj.pk, step])


def change_url(obj) -> str:
    return reverse(f"admin:pledges_{obj._meta.model_name}_change", args=[obj.pk])


def test_the_workbench_opens_on_what_waits(staff, submitted, published, member, organisation):
    OrganisationFactory(name="New Coop", accredited=False, accredited_at=None)
    update = report(published, member, organisation, status="fulfilled")
    services.update_submit(update=update, by=member)
    body = staff.get(reverse("admin:index")).content.decode()
    assert "Waiting for the secretariat" in body
    assert "Pledges submitted for review</a></th><td>1</td>" in body
    assert "Fulfilment reported, to confirm</a></th><td>0</td>" in body
    for link in (
        reverse("admin:pledges_pledgeinreview_changelist"),
        reverse("admin:pledges_progressupdate_changelist") + "?review_state__exact=submitted",
        reverse("admin:pledges_organisation_changelist") + "?accredited__exact=0",
        reverse("admin:pledges_pledge_changelist") + "?reporting=overdue",
    ):
        assert f'href="{link}"' in body
        assert staff.get(link).status_code == 200


def test_the_desk_counts_what_waits_and_overdue_pledges_by_region(published, submitted):
    from pledges.selectors import review_desk

    current = cycle()
    current.reporting_opens, current.reporting_closes = dt.date(2026, 3, 1), dt.date(2026, 6, 30)
    current.save()
    desk = review_desk(today=dt.date(2026, 7, 15))
    assert (desk.pledges, desk.updates, desk.organisations) == (1, 0, 0)
    assert desk.overdue == 1
    # The lead is in Kenya, a member of the Economic Commission for Africa.
    assert [(r.code, r.count) for r in desk.overdue_by_region] == [("ECA", 1)]


def test_people_without_the_workbench_see_no_desk(client, member):
    client.force_login(member)
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_submitted_pledge_shows_its_review_steps_as_buttons(staff, submitted):
    page = staff.get(change_url(submitted))
    labels = [step.label for step, _ in page.context["review_buttons"]]
    assert labels == ["Publish", "Request changes", "Reject", "Merge into another pledge"]
    assert review_url(submitted, "publish") in page.content.decode()


def test_a_draft_has_no_review_buttons(staff, organisation):
    draft = PledgeFactory(lead_organisation=organisation)
    assert staff.get(change_url(draft)).context["review_buttons"] == []


def test_request_changes_from_the_page_asks_for_the_comment_first(staff, secretariat, submitted):
    url = review_url(submitted, "request_changes")
    page = staff.get(url)
    assert page.status_code == 200
    assert 'name="comment"' in page.content.decode()
    refused = staff.post(url, {"comment": " "})
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    submitted.refresh_from_db()
    assert submitted.review_state == ReviewState.SUBMITTED
    response = staff.post(url, {"comment": "Which cities?"})
    assert response.status_code == 302
    assert response["Location"] == change_url(submitted)
    submitted.refresh_from_db()
    assert submitted.review_state == ReviewState.CHANGES_REQUESTED
    event = ReviewEvent.objects.get(pledge=submitted, action=ReviewAction.REQUEST_CHANGES)
    assert (event.actor, event.comment) == (secretariat, "Which cities?")


def test_publish_from_the_page_asks_to_confirm_with_an_optional_comment(staff, submitted):
    url = review_url(submitted, "publish")
    assert "Publish" in staff.get(url).content.decode()
    submitted.refresh_from_db()
    assert submitted.review_state == ReviewState.SUBMITTED
    staff.post(url, {"comment": ""})
    submitted.refresh_from_db()
    assert submitted.review_state == ReviewState.PUBLISHED


def test_merge_from_the_page_asks_which_pledge(staff, submitted, published):
    url = review_url(submitted, "merge")
    page = staff.post(url, {"into": "GCM-1999-0001"})
    assert "No pledge has the reference GCM-1999-0001." in page.content.decode()
    staff.post(url, {"into": published.reference.lower()})
    submitted.refresh_from_db()
    assert (submitted.review_state, submitted.merged_into) == (ReviewState.MERGED, published)


def test_a_step_the_state_does_not_allow_is_refused_with_a_reason(staff, organisation):
    draft = PledgeFactory(lead_organisation=organisation)
    response = staff.post(review_url(draft, "publish"), {"comment": ""}, follow=True)
    assert "draft pledge cannot be published" in response.content.decode()
    draft.refresh_from_db()
    assert draft.review_state == ReviewState.DRAFT


def test_withdrawal_by_the_secretariat_asks_for_a_reason(staff, published):
    url = review_url(published, "withdraw")
    staff.post(url, {"comment": ""})
    published.refresh_from_db()
    assert published.review_state == ReviewState.PUBLISHED
    staff.post(url, {"comment": "The programme was cancelled."})
    published.refresh_from_db()
    assert published.review_state == ReviewState.WITHDRAWN


def test_updates_are_published_and_verified_from_their_page(staff, published, member, organisation):
    update = report(published, member, organisation)
    services.update_submit(update=update, by=member)
    labels = [s.label for s, _ in staff.get(change_url(update)).context["review_buttons"]]
    assert labels == ["Publish", "Request changes", "Reject"]
    staff.post(review_url(update, "publish_updates"), {"comment": ""})
    update.refresh_from_db()
    assert update.review_state == ReviewState.PUBLISHED
    labels = [s.label for s, _ in staff.get(change_url(update)).context["review_buttons"]]
    assert labels == ["Verify against its evidence"]
    staff.post(review_url(update, "verify_updates"), {"comment": "Checked the decree."})
    update.refresh_from_db()
    assert update.verified_at is not None


def test_accreditation_from_the_organisations_page_tells_its_focal_point(staff):
    waiting = OrganisationFactory(name="New Coop", accredited=False, accredited_at=None)
    focal = MembershipFactory(organisation=waiting, role="focal_point").user
    page = staff.get(change_url(waiting))
    assert [s.label for s, _ in page.context["review_buttons"]] == ["Accredit"]
    staff.post(review_url(waiting, "accredit"), {"confirmed": "1"})
    waiting.refresh_from_db()
    assert waiting.accredited
    [message] = delivered()
    assert recipients(message) == [focal.email]
    assert "New Coop is accredited" in message.subject
    assert staff.get(change_url(waiting)).context["review_buttons"] == []


def test_corroborations_are_moderated_from_their_page(staff, published):
    witness = OrganisationFactory(name="Witness Org")
    statement = Corroboration.objects.create(
        pledge=published,
        organisation=witness,
        author=UserFactory(),
        kind="corroborate",
        statement="We saw the shelters open.",
    )
    staff.post(review_url(statement, "decline_corroborations"), {"comment": "Off topic."})
    statement.refresh_from_db()
    assert (statement.status, statement.moderation_reason) == ("declined", "Off topic.")


@pytest.mark.parametrize("who", ["anonymous", "member", "staff_without_rights"])
def test_only_the_secretariat_uses_the_review_steps(client, member, submitted, who):
    from tests.conftest import with_second_factor

    if who == "member":
        client.force_login(member)
    elif who == "staff_without_rights":
        client.force_login(with_second_factor(UserFactory(is_staff=True)))
    url = review_url(submitted, "publish")
    response = client.post(url, {"comment": ""})
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login"))
    submitted.refresh_from_db()
    assert submitted.review_state == ReviewState.SUBMITTED
    assert not Organisation.objects.filter(accredited=False).exists()
