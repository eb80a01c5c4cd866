"""Who may use each portal page: the whole cast against every URL, forged requests included."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pledges import services
from pledges.models import ReviewState
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, complete_pledge

pytestmark = pytest.mark.django_db

CAST = [
    "anonymous",
    "no_organisation",
    "outsider",
    "member",
    "partner",
    "focal_point",
    "secretariat",
]


def expect(outcomes: list[str]) -> list[tuple[str, str]]:
    return list(zip(CAST, outcomes, strict=True))


@pytest.fixture
def cast(member, focal_point, outsider, secretariat, organisation):
    partner_organisation = OrganisationFactory(name="Partner Org")
    return {
        "anonymous": None,
        "no_organisation": UserFactory(email="alone@example.org"),
        "outsider": outsider,
        "member": member,
        "partner": MembershipFactory(organisation=partner_organisation).user,
        "focal_point": focal_point,
        "secretariat": secretariat,
        "_partner_organisation": partner_organisation,
    }


@pytest.fixture
def draft(cast, organisation):
    pledge = complete_pledge(lead_organisation=organisation)
    pledge.partner_links.create(organisation=cast["_partner_organisation"], status="accepted")
    return pledge


def client_as(client, cast, who):
    if cast[who] is not None:
        client.force_login(cast[who])
    return client


def status_of(response) -> str:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("account_login")):
            return "login"
        if location.startswith(reverse("portal:organisation_register")):
            return "register"
        return "redirect"
    return str(response.status_code)


@pytest.mark.parametrize(
    ("who", "expected"),
    expect(["login", "200", "200", "200", "200", "200", "200"]),
)
def test_portal_home(client, cast, who, expected):
    assert status_of(client_as(client, cast, who).get(reverse("portal:home"))) == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    expect(["login", "register", "200", "200", "200", "200", "register"]),
)
def test_new_pledge_page(client, cast, who, expected):
    assert status_of(client_as(client, cast, who).get(reverse("portal:pledge_create"))) == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    expect(["login", "200", "200", "200", "200", "200", "200"]),
)
def test_organisation_registration_page(client, cast, who, expected):
    url = reverse("portal:organisation_register")
    assert status_of(client_as(client, cast, who).get(url)) == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    expect(["login", "404", "404", "200", "200", "200", "200"]),
)
def test_draft_detail(client, cast, draft, who, expected):
    url = reverse("portal:pledge_detail", args=[draft.reference])
    assert status_of(client_as(client, cast, who).get(url)) == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    expect(["login", "404", "404", "200", "200", "200", "200"]),
)
def test_draft_edit_page(client, cast, draft, who, expected):
    url = reverse("portal:pledge_edit", args=[draft.reference])
    assert status_of(client_as(client, cast, who).get(url)) == expected


@pytest.mark.parametrize(
    ("who", "expected", "state"),
    [
        ("anonymous", "login", ReviewState.DRAFT),
        ("no_organisation", "404", ReviewState.DRAFT),
        ("outsider", "404", ReviewState.DRAFT),
        ("member", "redirect", ReviewState.SUBMITTED),
        ("partner", "redirect", ReviewState.SUBMITTED),
        ("focal_point", "redirect", ReviewState.SUBMITTED),
        ("secretariat", "redirect", ReviewState.DRAFT),
    ],
)
def test_forged_or_real_submission(client, cast, draft, who, expected, state):
    url = reverse("portal:pledge_submit", args=[draft.reference])
    assert status_of(client_as(client, cast, who).post(url)) == expected
    draft.refresh_from_db()
    assert draft.review_state == state


@pytest.mark.parametrize(
    ("who", "expected"),
    # The secretariat may correct what it reviews; every correction is a version and an event.
    expect(["login", "404", "404", "403", "403", "403", "200"]),
)
def test_owners_do_not_edit_a_pledge_under_review(client, cast, draft, member, who, expected):
    services.pledge_submit(pledge=draft, by=member)
    url = reverse("portal:pledge_edit", args=[draft.reference])
    client = client_as(client, cast, who)
    assert status_of(client.get(url)) == expected
    posted = status_of(client.post(url, {"title": "Hijacked", "opened_version": draft.version}))
    assert posted == ("400" if who == "secretariat" else expected)  # an incomplete form
    draft.refresh_from_db()
    assert draft.title != "Hijacked"


@pytest.mark.parametrize(
    ("who", "expected", "state"),
    [
        ("anonymous", "login", ReviewState.PUBLISHED),
        ("outsider", "404", ReviewState.PUBLISHED),
        ("member", "redirect", ReviewState.WITHDRAWN),
    ],
)
def test_withdrawal(client, cast, draft, member, secretariat, who, expected, state):
    services.pledge_submit(pledge=draft, by=member)
    services.pledge_publish(pledge=draft, by=secretariat)
    url = reverse("portal:pledge_withdraw", args=[draft.reference])
    reason = {"reason": "Funding was not renewed."}
    assert status_of(client_as(client, cast, who).post(url, reason)) == expected
    draft.refresh_from_db()
    assert draft.review_state == state


def test_withdrawal_asks_to_confirm_with_a_reason_kept_in_the_history(
    client, draft, member, secretariat
):
    services.pledge_submit(pledge=draft, by=member)
    services.pledge_publish(pledge=draft, by=secretariat)
    client.force_login(member)
    url = reverse("portal:pledge_withdraw", args=[draft.reference])
    page = client.get(url)
    assert page.status_code == 200
    assert "Withdraw the pledge" in page.content.decode()
    assert client.post(url, {"reason": " "}).status_code == 400
    draft.refresh_from_db()
    assert draft.review_state == ReviewState.PUBLISHED
    client.post(url, {"reason": "Funding was not renewed."})
    draft.refresh_from_db()
    assert draft.review_state == ReviewState.WITHDRAWN
    event = draft.review_events.get(action="withdraw")
    assert (event.actor, event.comment) == (member, "Funding was not renewed.")


def test_unknown_pledge_is_a_404(client, member):
    client.force_login(member)
    assert client.get(reverse("portal:pledge_edit", args=["GCM-1999-0001"])).status_code == 404


def test_state_changing_pages_refuse_get(client, member, draft):
    client.force_login(member)
    assert client.get(reverse("portal:pledge_submit", args=[draft.reference])).status_code == 405


@pytest.mark.parametrize("action", ["publish", "request_changes", "reject", "withdraw", "merge"])
@pytest.mark.parametrize("who", CAST)
def test_admin_review_actions_are_the_secretariats_alone(client, cast, draft, member, who, action):
    services.pledge_submit(pledge=draft, by=member)
    if action == "withdraw":
        services.pledge_publish(pledge=draft, by=cast["secretariat"])
    before = type(draft).objects.get(pk=draft.pk).review_state
    data = {"action": action, "_selected_action": [draft.pk], "comment": "Forged"}
    if action == "merge":
        from tests.factories import PledgeFactory

        data["into"] = PledgeFactory(published=True).reference
    response = client_as(client, cast, who).post(reverse("admin:pledges_pledge_changelist"), data)
    draft.refresh_from_db()
    if who == "secretariat":
        assert draft.review_state != before
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert draft.review_state == before
