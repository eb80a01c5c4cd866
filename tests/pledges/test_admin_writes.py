"""The admin is one more client of the services: what the secretariat saves there is a version
and an event naming the staff member, workflow state is read-only, and pages stay flat."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pledges import services
from pledges.models import (
    Evidence,
    PartnerStatus,
    Pledge,
    PledgePartner,
    ReviewAction,
    ReviewEvent,
    ReviewState,
)
from tests.admin_forms import admin_post_data
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    cycle,
    objective,
    report,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def change_url(obj) -> str:
    return reverse(f"admin:pledges_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def latest_event(pledge: Pledge, **where) -> ReviewEvent:
    return ReviewEvent.objects.filter(pledge=pledge, **where).order_by("-id").first()


def test_adding_a_pledge_in_the_admin_makes_a_draft_with_its_first_version(
    staff, secretariat, organisation
):
    page = staff.get(reverse("admin:pledges_pledge_add"))
    assert page.status_code == 200
    data = admin_post_data(
        page,
        cycle=cycle().pk,
        lead_organisation=organisation.pk,
        title="Recorded at the Forum",
        description="Pledged from the floor of the Forum; the secretariat records it.",
        form_policy="on",
        main_objective_1=objective(6).pk,
        deadline="2030-12-31",
    )
    response = staff.post(reverse("admin:pledges_pledge_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    pledge = Pledge.objects.get(title="Recorded at the Forum")
    assert pledge.reference == "GCM-2026-0001"
    assert pledge.review_state == ReviewState.DRAFT
    assert pledge.objective_links.get().main_rank == 1
    version = pledge.versions.get()
    assert (version.action, version.created_by) == (ReviewAction.CREATE, secretariat)
    event = pledge.review_events.get()
    assert (event.action, event.actor) == (ReviewAction.CREATE, secretariat)


def test_a_pledge_saved_in_the_admin_is_a_version_and_an_event_naming_the_staff_member(
    staff, secretariat, submitted
):
    page = staff.get(change_url(submitted))
    data = admin_post_data(page, title="Safe shelters for families")
    response = staff.post(change_url(submitted), data)
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.title == "Safe shelters for families"
    assert submitted.review_state == ReviewState.SUBMITTED  # a correction, not a review step
    version = submitted.versions.order_by("-number").first()
    assert (version.action, version.created_by) == (ReviewAction.EDIT, secretariat)
    assert version.snapshot["title"] == "Safe shelters for families"
    event = latest_event(submitted, action=ReviewAction.EDIT)
    assert event.actor == secretariat
    assert "secretariat" in event.comment


def test_a_partner_added_in_the_admin_is_invited_and_answers_for_itself(
    staff, secretariat, submitted
):
    partner = OrganisationFactory(name="Coastal Cities")
    MembershipFactory(organisation=partner)
    data = admin_post_data(staff.get(change_url(submitted)), partners=[str(partner.pk)])
    assert staff.post(change_url(submitted), data).status_code == 302
    link = submitted.partner_links.get()
    assert link.status == PartnerStatus.INVITED
    assert submitted.versions.order_by("-number").first().snapshot["partners"] == [
        "Coastal Cities (invited)"
    ]
    assert latest_event(submitted, action=ReviewAction.EDIT).actor == secretariat
    # Nobody makes an organisation a co-owner by ticking a box in the partner list.
    forged = staff.post(
        reverse("admin:pledges_pledgepartner_change", args=[link.pk]), {"status": "accepted"}
    )
    assert forged.status_code == 403
    link.refresh_from_db()
    assert link.status == PartnerStatus.INVITED


def test_a_target_changed_in_the_admin_is_a_version_and_an_event(staff, secretariat, submitted):
    data = admin_post_data(staff.get(change_url(submitted)), **{"targets-0-target_value": "1500"})
    assert staff.post(change_url(submitted), data).status_code == 302
    assert submitted.targets.get().target_value == Decimal(1500)
    version = submitted.versions.order_by("-number").first()
    assert version.snapshot["targets"][0]["target"] == "1500"
    assert version.created_by == secretariat
    assert latest_event(submitted, action=ReviewAction.EDIT).actor == secretariat


def test_workflow_and_derived_fields_are_read_only(staff, submitted):
    form = staff.get(change_url(submitted)).context["adminform"].form
    for derived in ("review_state", "implementation_status", "published_at", "version"):
        assert derived not in form.fields
    data = admin_post_data(
        staff.get(change_url(submitted)),
        review_state="published",
        implementation_status="fulfilled",
    )
    staff.post(change_url(submitted), data)
    submitted.refresh_from_db()
    assert (submitted.review_state, submitted.implementation_status) == ("submitted", "planned")


def test_a_stale_admin_save_is_refused_in_plain_words(staff, member, submitted, secretariat):
    page = staff.get(change_url(submitted))
    services.pledge_request_changes(pledge=submitted, by=secretariat, comment="Which cities?")
    response = staff.post(change_url(submitted), admin_post_data(page, title="Overwritten?"))
    assert response.status_code == 200
    assert "Someone else saved this after you opened it" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.title == "Safe shelters"


def test_a_pledge_decided_for_good_is_shown_not_edited(staff, submitted, secretariat):
    services.pledge_reject(pledge=submitted, by=secretariat, comment="Out of scope.")
    page = staff.get(change_url(submitted))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert staff.post(change_url(submitted), {"title": "x"}).status_code == 403


def test_pledges_are_never_deleted_in_the_admin(staff, submitted):
    url = reverse("admin:pledges_pledge_delete", args=[submitted.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 403
    assert Pledge.objects.filter(pk=submitted.pk).exists()


@pytest.fixture
def update(published, member, organisation):
    update = report(published, member, organisation, value="400")
    services.update_submit(update=update, by=member)
    return update


def test_an_update_saved_in_the_admin_is_a_version_and_an_event(staff, secretariat, update):
    data = admin_post_data(
        staff.get(change_url(update)),
        narrative="Licensing reform half done, in two provinces.",
        **{"measurements-0-value": "450"},
    )
    response = staff.post(change_url(update), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    update.refresh_from_db()
    assert update.narrative.endswith("in two provinces.")
    assert update.measurements.get().value == Decimal(450)
    version = update.versions.order_by("-number").first()
    assert (version.action, version.created_by) == (ReviewAction.EDIT, secretariat)
    assert version.snapshot["measurements"][0]["value"] == "450"
    event = ReviewEvent.objects.filter(update=update).order_by("-id").first()
    assert (event.action, event.actor) == (ReviewAction.EDIT, secretariat)
    compare = staff.get(reverse("admin:pledges_progressupdate_compare", args=[update.pk]))
    assert [c.label for c in compare.context["changes"]] == ["Narrative", "Values measured"]


def test_updates_are_not_added_in_the_admin(staff):
    assert staff.get(reverse("admin:pledges_progressupdate_add")).status_code == 403


@pytest.fixture
def files(published, member, organisation):
    """A file on a pledge, one on an update, each stored privately."""
    Evidence.objects.create(
        pledge=published,
        title="Signed decree",
        file=SimpleUploadedFile("decree.pdf", PDF),
        content_type="application/pdf",
        size=len(PDF),
    )
    update = ProgressUpdateFactory(pledge=published)
    Evidence.objects.create(
        pledge=published,
        update=update,
        title="Inspection report",
        file=SimpleUploadedFile("inspection.pdf", PDF),
        content_type="application/pdf",
        size=len(PDF),
    )
    return published, update


def test_admin_pages_with_files_link_to_the_checked_download(staff, files):
    pledge, update = files
    for url in (
        change_url(pledge),
        change_url(update),
        *(change_url(evidence) for evidence in Evidence.objects.all()),
        reverse("admin:pledges_evidence_changelist"),
        reverse("admin:pledges_evidence_changelist") + "?q=decree",
        reverse("admin:pledges_pledge_changelist") + f"?q={pledge.reference}",
    ):
        response = staff.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "/media/" not in body
    evidence = Evidence.objects.get(title="Signed decree")
    download = reverse("portal:evidence_download", args=[pledge.reference, evidence.pk])
    assert download in staff.get(change_url(pledge)).content.decode()
    response = staff.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    response.close()


def test_evidence_removed_in_the_admin_goes_through_the_service(
    staff, secretariat, files, django_capture_on_commit_callbacks
):
    pledge, _ = files
    evidence = Evidence.objects.get(title="Signed decree")
    stored = Path(evidence.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("admin:pledges_evidence_delete", args=[evidence.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    event = latest_event(pledge, action=ReviewAction.EDIT)
    assert (event.actor, event.comment) == (secretariat, "Evidence removed: Signed decree.")
    assert not stored.exists()


def _crowd(pledge: Pledge, *, others: int, updates: int, partners: int) -> None:
    """Other pledges with their updates, and updates and partners on the pledge itself."""
    for _ in range(others):
        other = PledgeFactory(published=True)
        ProgressUpdateFactory.create_batch(3, pledge=other)
    ProgressUpdateFactory.create_batch(updates, pledge=pledge)
    for _ in range(partners):
        PledgePartner.objects.create(
            pledge=pledge, organisation=OrganisationFactory(), status=PartnerStatus.ACCEPTED
        )


def count_queries(client, url: str, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_admin_pledge_page_runs_the_same_queries_however_much_there_is(
    staff, published, django_assert_max_num_queries
):
    url = change_url(published)
    staff.get(url)  # content types and the like, cached once per process
    _crowd(published, others=2, updates=1, partners=1)
    few = count_queries(staff, url, django_assert_max_num_queries)
    _crowd(published, others=20, updates=10, partners=10)
    many = count_queries(staff, url, django_assert_max_num_queries)
    assert many == few
    # Session, user, second factor (thrice: middleware, permissions, secretariat); permissions
    # (twice); the pledge with cycle, lead and match; its content for the form (objective
    # links, principles, areas, partner links, targets); the widgets' chosen values (partners,
    # principles, areas); the three main-objective selects and the further objectives; the
    # target formset's rows and its indicators, read once; each inline's rows (updates,
    # evidence, events, versions); the partners' answers; the versions count; the possible
    # duplicates with their leads; the latest published update (is fulfilment claimed, for the
    # review buttons); the sidebar's reporting policy.
    with django_assert_max_num_queries(32):
        staff.get(url)


def test_the_admin_update_page_runs_the_same_queries_however_much_there_is(
    staff, update, django_assert_max_num_queries
):
    url = change_url(update)
    staff.get(url)
    few = count_queries(staff, url, django_assert_max_num_queries)
    _crowd(update.pledge, others=20, updates=10, partners=10)
    many = count_queries(staff, url, django_assert_max_num_queries)
    assert many == few
    # Session, user, second factor, permissions (twice); the update with its pledge,
    # organisation, author, cycle and verifier; the values for the form; the measurement
    # inline's rows, with the pledge's targets read once for all of them; the evidence, events
    # and versions inlines; the versions count; the sidebar's reporting policy.
    with django_assert_max_num_queries(16):
        staff.get(url)


def test_the_portal_pledge_page_runs_the_same_queries_however_much_there_is(
    client, member, published, django_assert_max_num_queries
):
    client.force_login(member)
    url = reverse("portal:pledge_detail", args=[published.reference])
    client.get(url)
    _crowd(published, others=2, updates=1, partners=1)
    few = count_queries(client, url, django_assert_max_num_queries)
    _crowd(published, others=20, updates=10, partners=10)
    many = count_queries(client, url, django_assert_max_num_queries)
    assert many == few
    # Session, user; the pledge with lead, cycle and revised pledge; the user's organisations;
    # its owners, once; the SMART check's targets and objective links; what the pledge says
    # (objective links, principles, areas, partner links, targets); its evidence; the open
    # revision; targets, their latest published values and those updates; updates with their
    # organisations, values, evidence and corroborations; the latest published update
    # (fulfilment claimed); published corroborations; events with their actors and updates.
    with django_assert_max_num_queries(23):
        client.get(url)


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_only_the_workbench_compares_versions(client, member, update, who):
    if who == "member":
        client.force_login(member)
    for url in (
        reverse("admin:pledges_progressupdate_compare", args=[update.pk]),
        reverse("admin:pledges_pledge_compare", args=[update.pledge_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
