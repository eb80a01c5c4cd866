"""Joint pledges: partners are invited, accept to co-own, and the whole journey to publication."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from pledges import services
from pledges.content import PledgeContent
from pledges.models import Organisation, Pledge, PledgeVersion, ReviewEvent, ReviewState
from tests.factories import MembershipFactory, OrganisationFactory, complete_pledge
from tests.mail import delivered, recipients
from tests.pledges.test_portal import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_member(db):
    return MembershipFactory(
        organisation=OrganisationFactory(name="Diaspora Bridge"), user__email="p@bridge.example"
    ).user


def test_lead_invites_a_partner_who_is_told_and_accepts(
    client, member, organisation, partner_member, django_capture_on_commit_callbacks
):
    partner = partner_member.memberships.get().organisation
    pledge = complete_pledge(lead_organisation=organisation, joint_kind="partnership")
    client.force_login(member)
    data = form_data(pledge, joint_kind="partnership", partners=[partner.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    assert response.status_code == 302
    link = pledge.partner_links.get()
    assert link.status == "invited"
    assert recipients(mail.outbox[-1]) == [partner_member.email]
    assert pledge.reference in mail.outbox[-1].subject

    client.force_login(partner_member)
    home = client.get(reverse("portal:home"))
    assert "Invitations to partner" in home.content.decode()
    client.post(reverse("portal:partnership_respond", args=[link.pk, "accept"]))
    link.refresh_from_db()
    assert link.status == "accepted"
    # Co-owner now: the partner's members can edit the draft.
    assert client.get(reverse("portal:pledge_edit", args=[pledge.reference])).status_code == 200


def test_a_declining_partner_does_not_co_own(client, organisation, partner_member):
    partner = partner_member.memberships.get().organisation
    pledge = complete_pledge(lead_organisation=organisation)
    link = pledge.partner_links.create(organisation=partner)
    client.force_login(partner_member)
    client.post(reverse("portal:partnership_respond", args=[link.pk, "decline"]))
    link.refresh_from_db()
    assert link.status == "declined"
    assert client.get(reverse("portal:pledge_edit", args=[pledge.reference])).status_code == 404


def test_nobody_else_answers_for_a_partner(client, outsider, organisation, partner_member):
    partner = partner_member.memberships.get().organisation
    pledge = complete_pledge(lead_organisation=organisation)
    link = pledge.partner_links.create(organisation=partner)
    client.force_login(outsider)
    response = client.post(reverse("portal:partnership_respond", args=[link.pk, "accept"]))
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.status == "invited"


def test_partners_are_accredited_organisations_other_than_the_lead(member, organisation):
    pledge = complete_pledge(lead_organisation=organisation)
    content = PledgeContent(partners=(organisation,))
    with pytest.raises(services.WorkflowError, match="lead organisation"):
        services.pledge_update(pledge=pledge, by=member, content=content, expected_version=1)
    waiting = OrganisationFactory(accredited=False, accredited_at=None)
    content = PledgeContent(partners=(waiting,))
    with pytest.raises(services.WorkflowError, match="accredited"):
        services.pledge_update(pledge=pledge, by=member, content=content, expected_version=1)


def test_from_sign_up_to_a_published_joint_pledge(client, secretariat, partner_member):
    """The journey the issue asks for, through the real pages and the admin."""
    partner = partner_member.memberships.get().organisation

    # Sign up and verify the address.
    client.post(
        reverse("account_signup"),
        {
            "email": "lead@coast.example",
            "password1": "a long pass phrase 7",
            "password2": "a long pass phrase 7",
        },
    )
    link = re.search(r"/accounts/confirm-email/[^\s]+/", mail.outbox[-1].body).group(0)
    client.post(link)
    # Register the organisation; the secretariat accredits it.
    client.post(
        reverse("portal:organisation_register"),
        {"name": "Coastal Cities Network", "kind": "local_government", "country": ""},
    )
    organisation = Organisation.objects.get(name="Coastal Cities Network")
    services.organisation_accredit(organisation=organisation, by=secretariat)
    # Draft a joint pledge with a partner.
    from tests.factories import cycle

    client.post(
        reverse("portal:pledge_create"),
        {"organisation": organisation.pk, "cycle": cycle().pk, "title": "Safe shelters"},
    )
    pledge = Pledge.objects.get(title="Safe shelters")
    data = form_data(pledge, description="z" * 500, joint_kind="common", partners=[partner.pk])
    client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    pledge.refresh_from_db()
    # The partner accepts.
    client_partner = type(client)()
    client_partner.force_login(partner_member)
    link_id = pledge.partner_links.get().pk
    client_partner.post(reverse("portal:partnership_respond", args=[link_id, "accept"]))
    # Submit.
    response = client.post(reverse("portal:pledge_submit", args=[pledge.reference]))
    pledge.refresh_from_db()
    assert pledge.review_state == ReviewState.SUBMITTED, response
    # The secretariat returns it with a comment.
    services.pledge_request_changes(pledge=pledge, by=secretariat, comment="Name the shelters.")
    detail = client.get(reverse("portal:pledge_detail", args=[pledge.reference]))
    assert "Name the shelters." in detail.content.decode()
    # The pledgers change the title and resubmit.
    pledge.refresh_from_db()
    data = form_data(
        pledge,
        title="Safe shelters in three port cities",
        description="z" * 500,
        joint_kind="common",
        partners=[partner.pk],
        submit="1",
    )
    client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    pledge.refresh_from_db()
    assert pledge.review_state == ReviewState.SUBMITTED
    # The secretariat compares the resubmission with the first submission, then publishes.
    submissions = list(
        PledgeVersion.objects.filter(pledge=pledge, action="submit").order_by("number")
    )
    admin = type(client)()
    admin.force_login(secretariat)
    compare = admin.get(
        reverse("admin:pledges_pledge_compare", args=[pledge.pk]),
        {"a": submissions[0].number, "b": submissions[1].number},
    )
    assert [c.label for c in compare.context["changes"]] == ["Title"]
    admin.post(
        reverse("admin:pledges_pledge_changelist"),
        {"action": "publish", "_selected_action": [pledge.pk], "confirmed": "1"},
    )
    pledge.refresh_from_db()
    assert pledge.review_state == ReviewState.PUBLISHED
    steps = list(
        ReviewEvent.objects.filter(pledge=pledge)
        .exclude(action__in=["comment", "edit"])
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )
    assert steps == ["create", "submit", "request_changes", "submit", "publish"]
    # Each step's e-mail goes to the people concerned when a worker sends the outbox.
    mail.outbox.clear()
    delivered()
    subjects = [m.subject for m in mail.outbox]
    assert any("Pledge published" in s for s in subjects)
    assert any("Pledge changes requested" in s for s in subjects)
    published = next(m for m in mail.outbox if "Pledge published" in m.subject)
    assert set(recipients(published)) == {"lead@coast.example", partner_member.email}


def test_a_partner_not_registered_yet_is_invited_by_email_and_accepts_later(
    client, member, organisation, django_capture_on_commit_callbacks
):
    pledge = complete_pledge(lead_organisation=organisation, joint_kind="partnership")
    client.force_login(member)
    data = form_data(pledge, joint_kind="partnership", partner_emails="chair@newcoop.example")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    link = pledge.partner_links.get()
    assert (link.organisation, link.invited_email) == (None, "chair@newcoop.example")
    assert recipients(mail.outbox[-1]) == ["chair@newcoop.example"]
    assert "/accounts/signup/" in mail.outbox[-1].body

    # The invited person signs up, registers the organisation, which gets accredited.
    newcomer = MembershipFactory(
        user__email="Chair@NewCoop.example", organisation__name="New Cooperative"
    ).user
    cooperative = newcomer.memberships.get().organisation
    client.force_login(newcomer)
    home = client.get(reverse("portal:home")).content.decode()
    assert pledge.reference in home
    client.post(
        reverse("portal:partnership_claim", args=[link.pk]), {"organisation": cooperative.pk}
    )
    link.refresh_from_db()
    assert (link.organisation, link.status) == (cooperative, "accepted")
    assert client.get(reverse("portal:pledge_edit", args=[pledge.reference])).status_code == 200


def test_an_address_invitation_is_for_that_address_only(client, outsider, organisation):
    pledge = complete_pledge(lead_organisation=organisation)
    link = pledge.partner_links.create(invited_email="someone@else.example")
    client.force_login(outsider)
    other = outsider.memberships.get().organisation
    response = client.post(
        reverse("portal:partnership_claim", args=[link.pk]), {"organisation": other.pk}
    )
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.organisation is None


def test_wrong_partner_addresses_are_field_errors(client, member, organisation):
    pledge = complete_pledge(lead_organisation=organisation)
    client.force_login(member)
    data = form_data(pledge, partner_emails="ok@example.org, not-an-address")
    response = client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    assert response.status_code == 400
    assert "Not e-mail addresses: not-an-address" in response.content.decode()
