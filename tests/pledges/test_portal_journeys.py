"""Portal journeys without dead ends: a third party finds how to corroborate and hears back;
pledgers read the secretariat's request where they edit, and see all they submitted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pledges import services
from pledges.models import Corroboration, Evidence
from tests.factories import MembershipFactory, OrganisationFactory, complete_pledge, objective
from tests.mail import delivered, recipients

pytestmark = pytest.mark.django_db


@pytest.fixture
def witness(db):
    """A member of another accredited organisation."""
    return MembershipFactory(
        organisation=OrganisationFactory(name="Migrant Monitor"), user__email="w@monitor.example"
    ).user


def test_a_third_party_reaches_corroboration_from_a_published_pledge(client, witness, published):
    client.force_login(witness)
    page = client.get(reverse("portal:pledge_detail", args=[published.reference]))
    assert page.status_code == 200
    body = page.content.decode()
    assert reverse("portal:corroborate", args=[published.reference]) in body
    assert "Review history" not in body  # the review's exchanges are the owners' and the desk's


def test_a_draft_stays_hidden_from_third_parties(client, witness, organisation):
    draft = complete_pledge(lead_organisation=organisation)
    client.force_login(witness)
    assert client.get(reverse("portal:pledge_detail", args=[draft.reference])).status_code == 404


def test_an_organisation_awaiting_accreditation_is_not_offered_to_corroborate(client, published):
    waiting = OrganisationFactory(accredited=False, accredited_at=None)
    client.force_login(MembershipFactory(organisation=waiting).user)
    body = client.get(reverse("portal:pledge_detail", args=[published.reference])).content
    assert reverse("portal:corroborate", args=[published.reference]).encode() not in body


def test_a_corroborator_sees_the_state_of_their_statement_and_hears_the_decision(
    client, witness, published, secretariat
):
    client.force_login(witness)
    response = client.post(
        reverse("portal:corroborate", args=[published.reference]),
        {
            "organisation": witness.memberships.get().organisation_id,
            "kind": "contest",
            "statement": "The shelters were closed when we visited in May.",
        },
    )
    assert response["Location"] == reverse("portal:pledge_detail", args=[published.reference])
    page = client.get(response["Location"]).content.decode()
    assert "Your organisation's statements" in page
    assert "Awaiting moderation" in page
    statement = Corroboration.objects.get()
    services.corroboration_moderate(
        corroboration=statement, by=secretariat, publish=False, reason="No evidence given."
    )
    told = [m for m in delivered() if recipients(m) == [witness.email]]
    assert "Your statement is declined" in told[0].subject
    assert "No evidence given." in told[0].body
    page = client.get(response["Location"]).content.decode()
    assert "Declined</span>: No evidence given." in page


def test_the_secretariats_request_shows_where_the_pledgers_edit(
    client, member, organisation, secretariat
):
    pledge = complete_pledge(lead_organisation=organisation)
    services.pledge_submit(pledge=pledge, by=member)
    services.pledge_request_changes(pledge=pledge, by=secretariat, comment="Which cities, when?")
    client.force_login(member)
    for name in ("portal:pledge_edit", "portal:pledge_detail"):
        body = client.get(reverse(name, args=[pledge.reference])).content.decode()
        assert "The secretariat asks for changes" in body
        assert "Which cities, when?" in body


def test_the_pledgers_page_shows_all_they_submitted(client, member, organisation):
    from indicators.models import Area, GuidingPrinciple

    pledge = complete_pledge(
        lead_organisation=organisation,
        start_date=dt.date(2026, 1, 1),
        form_financial=True,
        amount=50000,
        currency="USD",
    )
    pledge.objective_links.create(objective=objective(7))
    pledge.principles.add(GuidingPrinciple.objects.order_by("letter").first())
    pledge.areas.add(Area.objects.get(iso3="KEN"))
    Evidence.objects.create(pledge=pledge, title="Budget line", url="https://budget.example")
    services.pledge_submit(pledge=pledge, by=member)
    client.force_login(member)
    body = client.get(reverse("portal:pledge_detail", args=[pledge.reference])).content.decode()
    for said in (
        "Main objectives",
        str(objective(6)),
        "Further objectives",
        str(objective(7)),
        "Guiding principles",
        "Countries and regions",
        "Kenya",
        "1 January 2026",
        "31 December 2030",
        "50,000",
        "USD",
        "Budget line",
    ):
        assert said in body, said
