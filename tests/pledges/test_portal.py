"""The portal as a stakeholder uses it: sign up, register, draft, fix errors, submit."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from pledges.models import Organisation, Pledge, ReviewState
from tests.factories import IndicatorFactory, complete_pledge, objective

pytestmark = pytest.mark.django_db


def form_data(pledge: Pledge, **changes) -> dict:
    """What the edit form posts for a complete pledge with one own-metric target."""
    target = pledge.targets.first()
    data = {
        "opened_version": pledge.version,
        "title": pledge.title,
        "description": pledge.description,
        "form_policy": "on",
        "joint_kind": "individual",
        "deadline": "2030-12-31",
        "main_objective_1": objective(6).pk,
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "1" if target else "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "targets-0-id": target.pk if target else "",
        "targets-0-pledge": pledge.pk,
        "targets-0-own_metric": "Workers reached",
        "targets-0-unit": "persons",
        "targets-0-baseline_value": "0",
        "targets-0-baseline_year": "2025",
        "targets-0-target_value": "1000",
        "targets-0-target_year": "2030",
    }
    data.update(changes)
    return data


def test_sign_up_with_email_verification_then_register_an_organisation(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "amina@civil.example",
            "password1": "a long pass phrase 7",
            "password2": "a long pass phrase 7",
        },
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body).group(
        0
    )
    confirm = link.split("testserver", 1)[-1]
    assert client.post(confirm).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200

    response = client.post(
        reverse("portal:organisation_register"),
        {"name": "Amina's Collective", "acronym": "AC", "kind": "migrant_diaspora", "country": ""},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Amina's Collective")
    assert not organisation.accredited
    assert organisation.memberships.get().role == "focal_point"


def test_registering_a_taken_name_says_so(client, member, organisation):
    client.force_login(member)
    response = client.post(
        reverse("portal:organisation_register"),
        {"name": organisation.name.upper(), "kind": "civil_society"},
    )
    assert response.status_code == 200
    assert "registered already" in response.content.decode()


def test_login_is_throttled_after_repeated_failures(client, member):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": member.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": member.email, "password": "wrong"})
    assert "Too many failed login attempts" in response.content.decode()


def test_member_drafts_saves_and_submits(client, member, organisation):
    client.force_login(member)
    response = client.post(
        reverse("portal:pledge_create"),
        {"organisation": organisation.pk, "cycle": "", "title": "Fair recruitment"},
    )
    assert response.status_code == 200  # the cycle is required
    from tests.factories import cycle

    response = client.post(
        reverse("portal:pledge_create"),
        {"organisation": organisation.pk, "cycle": cycle().pk, "title": "Fair recruitment"},
    )
    pledge = Pledge.objects.get(title="Fair recruitment")
    assert response["Location"] == reverse("portal:pledge_edit", args=[pledge.reference])

    page = client.get(response["Location"])
    assert "SMART check: 1 of 5" in page.content.decode()

    data = form_data(pledge, description="x" * 400)
    response = client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.targets.count() == 1
    assert pledge.objective_links.get().main_rank == 1
    # Every save is a version the secretariat can compare.
    assert list(pledge.versions.order_by("number").values_list("action", flat=True)) == [
        "create",
        "edit",
    ]

    data = form_data(pledge, description="x" * 400, submit="1")
    client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    pledge.refresh_from_db()
    assert pledge.review_state == ReviewState.SUBMITTED


def test_a_validation_error_loses_nothing_typed_and_saves_nothing(client, member, organisation):
    pledge = complete_pledge(lead_organisation=organisation)
    client.force_login(member)
    data = form_data(pledge, title="A better title", description="y" * 3001)
    response = client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "A better title" in html  # what was typed is still in the form
    assert "at most 3000 characters" in html
    pledge.refresh_from_db()
    assert pledge.title != "A better title"


def test_a_target_needs_an_indicator_or_an_own_metric(client, member, organisation):
    pledge = complete_pledge(lead_organisation=organisation)
    client.force_login(member)
    data = form_data(pledge, **{"targets-0-own_metric": "", "targets-0-indicator": ""})
    response = client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    assert response.status_code == 400
    assert (
        "Choose an indicator of the set or name a metric of your own" in response.content.decode()
    )
    indicator = IndicatorFactory()
    data["targets-0-indicator"] = indicator.pk
    client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    assert pledge.targets.get().indicator == indicator


def test_main_objectives_keep_the_order_chosen(client, member, organisation):
    pledge = complete_pledge(lead_organisation=organisation)
    client.force_login(member)
    data = form_data(pledge, main_objective_1=objective(9).pk, main_objective_2=objective(2).pk)
    client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    ranks = dict(pledge.objective_links.values_list("main_rank", "objective__number"))
    assert ranks == {1: 9, 2: 2}


def test_a_main_objective_is_chosen_once(client, member, organisation):
    pledge = complete_pledge(lead_organisation=organisation)
    client.force_login(member)
    data = form_data(pledge, main_objective_1=objective(9).pk, main_objective_2=objective(9).pk)
    response = client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    assert response.status_code == 400
    assert "Choose each main objective once" in response.content.decode()


def test_a_second_editor_is_told_to_reload_rather_than_overwrite(
    client, member, focal_point, organisation
):
    pledge = complete_pledge(lead_organisation=organisation)
    opened_version = pledge.version
    client.force_login(member)
    client.post(
        reverse("portal:pledge_edit", args=[pledge.reference]),
        form_data(pledge, title="First editor's title"),
    )
    client.force_login(focal_point)
    stale = form_data(pledge, title="Second editor's title", opened_version=opened_version)
    response = client.post(reverse("portal:pledge_edit", args=[pledge.reference]), stale)
    assert response.status_code == 409
    assert "Reload the page" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.title == "First editor's title"


def test_submission_of_an_incomplete_pledge_says_what_is_missing(client, member, organisation):
    pledge = complete_pledge(lead_organisation=organisation, deadline=None)
    client.force_login(member)
    response = client.post(reverse("portal:pledge_submit", args=[pledge.reference]), follow=True)
    assert "a deadline" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.review_state == ReviewState.DRAFT


def test_portal_home_lists_led_and_co_owned_pledges(
    client, member, organisation, django_assert_max_num_queries
):
    from tests.factories import PledgeFactory

    led = PledgeFactory.create_batch(5, lead_organisation=organisation)
    co_owned = PledgeFactory()
    co_owned.partner_links.create(organisation=organisation, status="accepted")
    PledgeFactory()  # somebody else's
    client.force_login(member)
    # Session, user, memberships, the current cycle, the reporting policy, the reporting
    # statuses, the pledges with their update counts, their revisions, invitations to the
    # user's organisations and to the user's own address, the reminders preference.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("portal:home"))
    listed = {p.pk for p in response.context["pledges"]}
    assert listed == {p.pk for p in [*led, co_owned]}


def test_matching_pledges_are_found_by_reference_or_title(client, member, organisation):
    from tests.factories import PledgeFactory

    shelter = PledgeFactory(published=True, title="Family shelters in port cities")
    PledgeFactory(title="Family shelters draft")  # drafts are nobody's to match
    url = reverse("portal:pledge_lookup")
    assert client.get(url, {"q": "shelters"}).status_code == 302  # log in first
    client.force_login(member)
    found = client.get(url, {"q": "shelters"}).json()["results"]
    assert found == [{"reference": shelter.reference, "title": shelter.title}]
    assert client.get(url, {"q": shelter.reference.lower()}).json()["results"][0]["title"]
    assert client.get(url, {"q": "x"}).json() == {"results": []}

    pledge = complete_pledge(lead_organisation=organisation)
    data = form_data(pledge, matches=f"{shelter.reference} {shelter.title}")
    client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    pledge.refresh_from_db()
    assert pledge.matches == shelter


def test_matching_an_unknown_pledge_is_a_field_error(client, member, organisation):
    pledge = complete_pledge(lead_organisation=organisation)
    client.force_login(member)
    data = form_data(pledge, matches="GCM-1999-0001")
    response = client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    assert response.status_code == 400
    assert "No published pledge has this reference" in response.content.decode()


def test_portal_says_when_an_update_is_due(client, member, organisation):
    import datetime as dt

    from django.utils import timezone

    from pledges.selectors import current_cycle
    from tests.factories import PledgeFactory

    current = current_cycle()
    today = timezone.localdate()
    current.reporting_opens = today - dt.timedelta(days=10)
    current.reporting_closes = today + dt.timedelta(days=60)
    current.save()
    PledgeFactory(lead_organisation=organisation, published=True)
    client.force_login(member)
    assert "update due" in client.get(reverse("portal:home")).content.decode()


def test_a_target_keeps_its_indicator_version_after_a_newer_one_is_imported(
    client, member, organisation
):
    import io

    from indicators.sets import indicator_set_import

    table = "code,name,direction\nG1,Migrants with decent work,increase\n"
    first = indicator_set_import(
        file=io.BytesIO(table.encode()), filename="s.csv", code="gcm-t", version="1", name="T"
    )
    old = first.indicator_set.indicators.get()
    pledge = complete_pledge(lead_organisation=organisation)
    pledge.targets.update(indicator=old, own_metric="")
    indicator_set_import(
        file=io.BytesIO(table.replace("decent", "decent paid").encode()),
        filename="s.csv",
        code="gcm-t",
        version="2",
    )
    client.force_login(member)
    data = form_data(pledge, **{"targets-0-indicator": old.pk, "targets-0-own_metric": ""})
    response = client.post(reverse("portal:pledge_edit", args=[pledge.reference]), data)
    assert response.status_code == 302
    assert pledge.targets.get().indicator == old
