"""Edge cases a reviewer found: each was a way in, a 500, or a lost answer."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pledges import services
from pledges.content import PledgeContent
from pledges.models import Evidence, OutboxMessage
from pledges.tasks import outbox_send
from pledges.uploads import validate_evidence_file
from pledges.workflow import WorkflowError
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    UserFactory,
    complete_pledge,
)
from tests.mail import delivered
from tests.pledges.test_portal import form_data

pytestmark = pytest.mark.django_db


def test_a_zip_entry_that_expands_hugely_is_judged_by_its_first_bytes(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text" + " " * 5_000_000)
    upload = SimpleUploadedFile("big.odt", buffer.getvalue())
    assert len(upload) < 50_000  # five megabytes compress to almost nothing

    def never(*args, **kwargs):
        raise AssertionError("the whole entry was read")

    monkeypatch.setattr(zipfile.ZipFile, "read", never)
    assert validate_evidence_file(upload) == "application/vnd.oasis.opendocument.text"


def test_evidence_of_an_unpublished_update_is_not_public(client, published, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    update = ProgressUpdateFactory(pledge=published)
    evidence = Evidence.objects.create(
        pledge=published,
        update=update,
        title="Draft report",
        file=SimpleUploadedFile("r.pdf", b"%PDF-1.4 draft"),
    )
    url = reverse("portal:evidence_download", args=[published.reference, evidence.pk])
    assert client.get(url).status_code == 404


def test_unaccredited_organisations_cannot_invite_by_email(member, organisation):
    organisation.accredited, organisation.accredited_at = False, None
    organisation.save()
    pledge = complete_pledge(lead_organisation=organisation)
    content = PledgeContent(partner_emails=("victim@example.org",))
    with pytest.raises(WorkflowError, match="accredited"):
        services.pledge_update(pledge=pledge, by=member, content=content, expected_version=1)


def test_invitations_by_email_are_capped(member, organisation):
    pledge = complete_pledge(lead_organisation=organisation)
    content = PledgeContent(partner_emails=tuple(f"p{n}@example.org" for n in range(11)))
    with pytest.raises(WorkflowError, match="at most 10"):
        services.pledge_update(pledge=pledge, by=member, content=content, expected_version=1)


def test_staff_without_a_second_factor_have_no_secretariat_powers(client, organisation):
    draft = complete_pledge(lead_organisation=organisation)
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("portal:pledge_detail", args=[draft.reference])).status_code == 404
    response = client.post(
        reverse("portal:member_invite", args=[organisation.pk]),
        {"email": "self@example.org", "role": "focal_point"},
    )
    assert response.status_code == 404
    assert not organisation.invitations.exists()


def test_an_unknown_answer_is_not_taken_as_a_refusal(client, organisation):
    partner = OrganisationFactory()
    partner_member = MembershipFactory(organisation=partner).user
    link = complete_pledge(lead_organisation=organisation).partner_links.create(
        organisation=partner
    )
    client.force_login(partner_member)
    assert (
        client.post(reverse("portal:partnership_respond", args=[link.pk, "xyz"])).status_code == 404
    )
    link.refresh_from_db()
    assert link.status == "invited"


@pytest.mark.parametrize("value", ["abc", "", "1e3"])
def test_odd_organisation_ids_are_404_not_500(client, member, value):
    client.force_login(member)
    response = client.post(reverse("portal:organisation_join"), {"organisation": value})
    assert response.status_code == 404


def test_a_returned_pledge_keeps_a_full_description(client, member, secretariat, organisation):
    pledge = complete_pledge(lead_organisation=organisation)
    services.pledge_submit(pledge=pledge, by=member)
    services.pledge_request_changes(pledge=pledge, by=secretariat, comment="Shorter, please.")
    client.force_login(member)
    data = form_data(pledge, description="Too short now.")
    response = client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    assert response.status_code == 400
    assert "keeps a description of at least 300 characters" in response.content.decode()


def test_a_revision_cannot_match_its_own_pledge(client, member, published):
    revision = services.pledge_revise(pledge=published, by=member)
    client.force_login(member)
    data = form_data(revision, matches=published.reference)
    response = client.post(reverse("portal:pledge_edit", args=[revision.reference]), data)
    assert response.status_code == 400
    assert "cannot match itself" in response.content.decode()


def test_publishing_a_revision_keeps_the_partners_later_answer(member, secretariat, published):
    partner = OrganisationFactory()
    link = published.partner_links.create(organisation=partner)
    revision = services.pledge_revise(pledge=published, by=member)
    link.status = "accepted"
    link.save()
    services.pledge_submit(pledge=revision, by=member)
    services.pledge_publish(pledge=revision, by=secretariat)
    assert published.partner_links.get(organisation=partner).status == "accepted"


def test_withdrawing_closes_the_open_revision(member, secretariat, published):
    revision = services.pledge_revise(pledge=published, by=member)
    services.pledge_submit(pledge=revision, by=member)
    services.pledge_withdraw(pledge=published, by=member)
    assert not published.revisions.exists()


def test_revisions_are_not_merged(member, secretariat, published):
    revision = services.pledge_revise(pledge=published, by=member)
    services.pledge_submit(pledge=revision, by=member)
    other = PledgeFactory(published=True)
    with pytest.raises(WorkflowError, match="Revisions are not merged"):
        services.pledge_merge(duplicate=revision, into=other, by=secretariat)
    with pytest.raises(WorkflowError, match="Revisions are not merged"):
        services.pledge_merge(duplicate=other, into=revision, by=secretariat)


def test_subjects_are_plain_text(member, focal_point, organisation):
    organisation.name = "Doctors & Nurses"
    organisation.save()
    services.member_invite(organisation=organisation, by=focal_point, email="n@x.example")
    assert delivered()[-1].subject == "Join Doctors & Nurses on the GCM Pledge Tracker"


def test_a_redelivered_invitation_task_sends_once(member, organisation):
    partner = OrganisationFactory()
    MembershipFactory(organisation=partner)
    pledge = complete_pledge(lead_organisation=organisation)
    content = replace(PledgeContent.of(pledge), partners=(partner,))
    services.pledge_update(pledge=pledge, by=member, content=content, expected_version=1)
    message = OutboxMessage.objects.get(name="partnership_invite")
    outbox_send.apply(args=[message.pk])
    outbox_send.apply(args=[message.pk])
    assert len(mail.outbox) == 1
