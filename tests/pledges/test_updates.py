"""Progress updates: owners report, the secretariat reviews, the pledge's status follows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from pledges import services
from pledges.content import MeasurementContent, UpdateContent
from pledges.models import ImplementationStatus, ReviewEvent, ReviewState
from pledges.progress import derived_status, fulfilment_claimed, target_progress
from pledges.workflow import WorkflowError
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PledgeTargetFactory,
    complete_pledge,
    report,
)

pytestmark = pytest.mark.django_db


def test_owner_reports_and_the_secretariat_publishes(published, member, secretariat, organisation):
    update = report(published, member, organisation, value="400", percent_complete=40)
    assert update.review_state == ReviewState.DRAFT
    services.update_submit(update=update, by=member)
    services.update_publish(update=update, by=secretariat)
    published.refresh_from_db()
    assert published.implementation_status == ImplementationStatus.IN_PROGRESS
    progress = target_progress(published)[0]
    assert progress.latest == Decimal("400")
    assert progress.share == pytest.approx(0.4)
    events = ReviewEvent.objects.filter(pledge=published, update=update)
    assert list(events.order_by("id").values_list("action", flat=True)) == [
        "create",
        "submit",
        "publish",
    ]


def test_progress_toward_a_falling_target(published, member, secretariat, organisation):
    target = published.targets.get()
    target.baseline_value, target.target_value = Decimal(48), Decimal(10)
    target.save()
    update = report(published, member, organisation, value="29")
    services.update_submit(update=update, by=member)
    services.update_publish(update=update, by=secretariat)
    assert target_progress(published)[0].share == pytest.approx(0.5)


def test_unpublished_values_do_not_count(published, member, organisation):
    report(published, member, organisation, value="900")
    assert target_progress(published)[0].latest is None
    assert derived_status(published) == ImplementationStatus.PLANNED


def test_a_partner_reports_for_its_own_organisation(published, secretariat):
    partner = OrganisationFactory()
    published.partner_links.create(organisation=partner, status="accepted")
    partner_member = MembershipFactory(organisation=partner).user
    update = report(published, partner_member, partner)
    assert update.organisation == partner
    with pytest.raises(PermissionDenied):
        report(published, partner_member, published.lead_organisation)


def test_outsiders_cannot_report(published, outsider):
    with pytest.raises(PermissionDenied):
        report(published, outsider, outsider.memberships.get().organisation)


def test_drafts_are_not_reported_on(member, organisation):
    draft = complete_pledge(lead_organisation=organisation)
    with pytest.raises(PermissionDenied):
        report(draft, member, organisation)


def test_fulfilled_needs_confirmation_then_locks_the_pledge(
    published, member, secretariat, organisation
):
    update = report(published, member, organisation, status="fulfilled", value="1000")
    services.update_submit(update=update, by=member)
    services.update_publish(update=update, by=secretariat)
    published.refresh_from_db()
    assert published.implementation_status == ImplementationStatus.PARTIALLY_FULFILLED
    assert fulfilment_claimed(published)
    with pytest.raises(PermissionDenied):
        services.pledge_confirm_fulfilled(pledge=published, by=member)
    services.pledge_confirm_fulfilled(pledge=published, by=secretariat)
    published.refresh_from_db()
    assert published.implementation_status == ImplementationStatus.FULFILLED
    assert published.is_locked
    with pytest.raises(PermissionDenied):
        report(published, member, organisation)
    with pytest.raises(WorkflowError, match="locked"):
        services.pledge_revise(pledge=published, by=member)


def test_fulfilment_cannot_be_confirmed_unless_reported(published, secretariat):
    with pytest.raises(WorkflowError, match="does not report"):
        services.pledge_confirm_fulfilled(pledge=published, by=secretariat)


def test_an_update_says_what_was_done_in_a_sentence(published, member, organisation):
    with pytest.raises(WorkflowError, match="in a sentence or more"):
        report(published, member, organisation, narrative="x")


def test_values_are_for_this_pledges_targets_only(published, member, organisation):
    foreign = PledgeTargetFactory()
    with pytest.raises(WorkflowError, match="targets of this pledge"):
        services.update_create(
            pledge=published,
            by=member,
            organisation=organisation,
            content=UpdateContent(
                reported_on=dt.date(2026, 1, 1),
                implementation_status="in_progress",
                narrative="A value for another pledge.",
                measurements=(MeasurementContent(foreign, Decimal(1), dt.date(2026, 1, 1)),),
            ),
        )


def test_reporting_through_the_portal(client, member, secretariat, published):
    target = published.targets.get()
    client.force_login(member)
    url = reverse("portal:update_new", args=[published.reference])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "organisation": published.lead_organisation.pk,
            "reported_on": "2026-06-30",
            "implementation_status": "in_progress",
            "percent_complete": "150",
            "narrative": "Half the inspectors are trained.",
            f"value_{target.pk}": "500",
        },
    )
    assert response.status_code == 400  # percent over 100: nothing saved, input kept
    assert "Half the inspectors are trained." in response.content.decode()
    assert not published.updates.exists()
    client.post(
        url,
        {
            "organisation": published.lead_organisation.pk,
            "reported_on": "2026-06-30",
            "implementation_status": "in_progress",
            "percent_complete": "50",
            "narrative": "Half the inspectors are trained.",
            f"value_{target.pk}": "500",
            "submit": "1",
        },
    )
    update = published.updates.get()
    assert update.review_state == ReviewState.SUBMITTED
    measurement = update.measurements.get()
    assert (measurement.value, measurement.measured_on) == (Decimal(500), dt.date(2026, 6, 30))

    admin = type(client)()
    admin.force_login(secretariat)
    admin.post(
        reverse("admin:pledges_progressupdate_changelist"),
        {"action": "publish_updates", "_selected_action": [update.pk], "confirmed": "1"},
    )
    update.refresh_from_db()
    assert update.review_state == ReviewState.PUBLISHED
    page = client.get(reverse("portal:pledge_detail", args=[published.reference])).content.decode()
    assert "50%" in page


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("member", 200),
        ("focal_point", 200),
        ("secretariat", 404),
    ],
)
def test_who_may_open_the_update_form(client, request, published, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    url = reverse("portal:update_new", args=[published.reference])
    assert client.get(url).status_code == expected


def test_stakeholders_cannot_publish_updates_from_the_admin(
    client, member, published, organisation
):
    update = report(published, member, organisation)
    services.update_submit(update=update, by=member)
    client.force_login(member)
    client.post(
        reverse("admin:pledges_progressupdate_changelist"),
        {"action": "publish_updates", "_selected_action": [update.pk], "confirmed": "1"},
    )
    update.refresh_from_db()
    assert update.review_state == ReviewState.SUBMITTED


def test_a_published_update_cannot_be_edited(client, member, secretariat, published, organisation):
    update = report(published, member, organisation)
    services.update_submit(update=update, by=member)
    services.update_publish(update=update, by=secretariat)
    client.force_login(member)
    assert client.get(reverse("portal:update_edit", args=[update.pk])).status_code == 403


def test_owners_attach_evidence_to_a_draft_update(
    client, member, published, organisation, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    update = report(published, member, organisation, value="400")
    client.force_login(member)
    client.post(
        reverse("portal:update_evidence_add", args=[update.pk]),
        {
            "evidence-title": "Inspection log",
            "evidence-file": SimpleUploadedFile("log.pdf", b"%PDF-1.4 log"),
        },
    )
    evidence = update.evidence.get()
    assert evidence.content_type == "application/pdf"
    response = client.post(
        reverse("portal:update_evidence_add", args=[update.pk]),
        {"evidence-title": "Bad", "evidence-file": SimpleUploadedFile("x.pdf", b"MZ\x00\x00")},
        follow=True,
    )
    assert "not of an accepted type" in response.content.decode()
    assert update.evidence.count() == 1


def test_outsiders_cannot_attach_evidence_to_updates(
    client, outsider, member, published, organisation
):
    update = report(published, member, organisation)
    client.force_login(outsider)
    response = client.post(
        reverse("portal:update_evidence_add", args=[update.pk]),
        {"evidence-title": "Spam", "evidence-url": "https://spam.example"},
    )
    assert response.status_code == 404
    assert not update.evidence.exists()


def test_a_target_value_carries_the_level_of_its_update(
    published, member, secretariat, organisation
):
    from pledges.models import Evidence

    update = report(published, member, organisation, value="400")
    Evidence.objects.create(
        pledge=published, update=update, title="Log", url="https://x.example/log"
    )
    services.update_submit(update=update, by=member)
    services.update_publish(update=update, by=secretariat)
    assert target_progress(published)[0].level == "Evidenced"


def test_update_submission_page_is_for_owners(client, outsider, member, published, organisation):
    update = report(published, member, organisation)
    url = reverse("portal:update_submit", args=[update.pk])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 405
    client.post(url)
    update.refresh_from_db()
    assert update.review_state == "submitted"
