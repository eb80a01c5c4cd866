"""The public site: the pledge explorer, a pledge's page, the objectives. Nothing unpublished
or personal reachable; queries constant whatever the data."""

from __future__ import annotations

import pytest
from django.urls import reverse, reverse_lazy

from indicators.models import Area, Indicator
from pledges.models import (
    JointKind,
    OrganisationKind,
    PartnerStatus,
    PledgeObjective,
    PledgePartner,
    ReviewState,
)
from tests.factories import (
    OrganisationFactory,
    PledgeFactory,
    PledgeTargetFactory,
    objective,
    published_pledge,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledges():
    kenya = Area.objects.get(iso3="KEN")
    union = OrganisationFactory(name="Kenya Workers Union", kind=OrganisationKind.TRADE_UNION)
    fair = published_pledge(title="Fair recruitment corridors", lead_organisation=union)
    fair.areas.add(kenya)
    remit = published_pledge(
        title="Cheaper remittances for families",
        description="Lower the cost of sending money home. " * 20,
        joint_kind=JointKind.PARTNERSHIP,
        form_financial=True,
    )
    PledgeObjective.objects.create(pledge=remit, objective=objective(20), main_rank=2)
    PledgeTargetFactory(
        pledge=remit,
        indicator=Indicator.objects.get(sdg_code="10.c.1", indicator_set__is_current=True),
        own_metric="",
    )
    draft = PledgeFactory(title="A secret draft")
    in_review = PledgeFactory(title="Waiting for review", review_state=ReviewState.SUBMITTED)
    rejected = PledgeFactory(title="Refused one", review_state=ReviewState.REJECTED)
    return {"fair": fair, "remit": remit, "hidden": [draft, in_review, rejected]}


def test_anyone_lists_published_pledges_and_nothing_else(client, pledges):
    response = client.get(reverse("explorer"))
    assert response.status_code == 200
    assert response.context["count"] == 2
    text = response.text
    assert "Fair recruitment corridors" in text
    assert "Cheaper remittances for families" in text
    for pledge in pledges["hidden"]:
        assert pledge.title not in text
        assert pledge.reference not in text


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"objective": "20"}, {"Cheaper remittances for families"}),
        ({"objective": "6", "main": "true"}, {"Fair recruitment", "Cheaper remittances"}),
        ({"kind": "trade_union"}, {"Fair recruitment corridors"}),
        ({"country": "KEN"}, {"Fair recruitment corridors"}),
        ({"region": "ECA"}, {"Fair recruitment corridors"}),
        ({"joint": "partnership"}, {"Cheaper remittances for families"}),
        ({"form": "financial"}, {"Cheaper remittances for families"}),
        ({"targets": "true"}, {"Cheaper remittances for families"}),
        ({"q": "remittances"}, {"Cheaper remittances for families"}),
        ({"q": "sending money"}, {"Cheaper remittances for families"}),
        ({"q": "workers union"}, {"Fair recruitment corridors"}),
    ],
)
def test_each_filter_and_the_search_narrow_the_list(client, pledges, query, titles):
    found = {p.title for p in client.get(reverse("explorer"), query).context["page"].pledges}
    assert {t for t in found for w in titles if t.startswith(w)} == found
    assert len(found) == len(titles)


def test_a_reference_finds_its_pledge(client, pledges):
    page = client.get(reverse("explorer"), {"q": pledges["fair"].reference}).context["page"]
    assert [p.pk for p in page.pledges] == [pledges["fair"].pk]


def test_facets_count_what_each_value_would_give(client, pledges):
    response = client.get(reverse("explorer"), {"kind": "trade_union"})
    facets = {
        f.name: {v.value: (v.count, v.selected) for v in f.values}
        for f in response.context["facets"]
    }
    # Counted with the other filters kept, this facet's own left out.
    assert facets["kind"]["trade_union"] == (1, True)
    assert sum(n for n, _ in facets["kind"].values()) == 2
    assert facets["objective"] == {"6": (1, False)}
    assert "Remove filter: </span>✓ Trade union" in response.text


def test_a_filter_value_that_names_nothing_is_a_clear_400(client, pledges):
    response = client.get(reverse("explorer"), {"objective": "99", "status": "perfect"})
    assert response.status_code == 400
    assert "Some filters could not be read" in response.text


def test_pages_follow_on_without_offset_and_a_forged_cursor_starts_again(client, settings):
    for n in range(45):
        published_pledge(title=f"Pledge {n:02}")
    first = client.get(reverse("explorer"), {"sort": "title"}).context["page"]
    assert [p.title for p in first.pledges][:2] == ["Pledge 00", "Pledge 01"]
    second = client.get(reverse("explorer"), {"sort": "title", "after": first.next_cursor})
    titles = [p.title for p in second.context["page"].pledges]
    assert titles[0] == "Pledge 20"
    third = client.get(
        reverse("explorer"), {"sort": "title", "after": second.context["page"].next_cursor}
    ).context["page"]
    assert [p.title for p in third.pledges] == [f"Pledge {n}" for n in range(40, 45)]
    assert third.next_cursor is None
    forged = client.get(reverse("explorer"), {"sort": "title", "after": "x:y"}).context["page"]
    assert forged.is_first
    assert forged.pledges[0].title == "Pledge 00"


def test_the_explorer_costs_the_same_whatever_the_number_of_pledges(
    client, django_assert_max_num_queries
):
    for n in range(30):
        pledge = published_pledge(title=f"Pledge {n}")
        pledge.areas.add(Area.objects.get(iso3="KEN"), Area.objects.get(iso3="GBR"))
        PledgePartner.objects.create(
            pledge=pledge, organisation=OrganisationFactory(), status=PartnerStatus.ACCEPTED
        )
    client.get(reverse("explorer"))  # facet counts and labels cached once per change of data
    with django_assert_max_num_queries(8):
        # Another order of the same results: the page is rendered, its counts are not redone.
        response = client.get(reverse("explorer"), {"sort": "title"})
    assert len(response.context["page"].pledges) == 20


def test_a_published_pledge_has_a_public_page_without_personal_data(client, pledges):
    remit = pledges["remit"]
    partner = OrganisationFactory(name="Diaspora Savings Cooperative")
    PledgePartner.objects.create(pledge=remit, organisation=partner, status=PartnerStatus.ACCEPTED)
    PledgePartner.objects.create(
        pledge=remit, invited_email="someone.private@example.org", status=PartnerStatus.INVITED
    )
    response = client.get(remit.get_absolute_url())
    assert response.status_code == 200
    assert "Cheaper remittances for families" in response.text
    assert "Diaspora Savings Cooperative" in response.text
    assert "someone.private@example.org" not in response.text
    assert reverse("objective", args=[20]) in response.text


def test_unpublished_pledges_have_no_public_page(client, pledges):
    for pledge in pledges["hidden"]:
        assert client.get(reverse("pledge", args=[pledge.reference])).status_code == 404


def test_a_withdrawn_pledge_keeps_its_page_and_says_so(client, pledges):
    fair = pledges["fair"]
    fair.review_state = ReviewState.WITHDRAWN
    fair.save()
    response = client.get(fair.get_absolute_url())
    assert "This pledge was withdrawn" in response.text
    assert fair.title not in client.get(reverse("explorer")).text


def test_a_merged_pledge_points_to_where_it_went(client, pledges):
    old = PledgeFactory(review_state=ReviewState.MERGED, merged_into=pledges["fair"])
    response = client.get(old.get_absolute_url())
    assert response.status_code == 200
    assert pledges["fair"].get_absolute_url() in response.text
    assert old.title not in response.text


def test_objective_pages_link_from_home_and_list_their_pledges(client, pledges):
    home = client.get(reverse("home"))
    assert reverse("objective", args=[20]) in home.text
    response = client.get(reverse("objective", args=[20]))
    assert response.status_code == 200
    assert response.context["summary"]["count"] == 1
    assert "Cheaper remittances for families" in response.text
    assert client.get(reverse("objective", args=[24])).status_code == 404
    assert client.get(reverse("objectives")).status_code == 200


def test_the_map_shows_where_pledges_are_implemented_with_the_same_numbers_as_a_table(
    client, pledges, django_assert_max_num_queries
):
    pledges["remit"].areas.add(Area.objects.get(iso3="KEN"))
    # The public data's fingerprint (six), then the counts and their countries.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("map"))
    assert response.status_code == 200
    assert "<svg" in response.text
    assert "Kenya: 2 pledges" in response.text
    assert f'<a href="{reverse("area", args=["KEN"])}">Kenya</a>' in response.text
    assert [(row.area.code, row.pledges) for row in response.context["rows"]] == [("KEN", 2)]
    assert "Secret" not in response.text


def test_the_filters_in_force_are_said_in_words(client, pledges):
    response = client.get(reverse("explorer"), {"kind": "trade_union", "objective": "6"})
    assert response.context["active"] == [
        ("Objective", "Objective 6: Recruitment and decent work"),
        ("Organisation kind", "Trade union"),
    ]


def test_a_country_page_lists_pledges_there_and_by_its_organisations_and_its_indicators(
    client, pledges, django_assert_max_num_queries
):
    from indicators.models import Observation

    for key, iso3 in (("remit", "KEN"), ("fair", "GBR")):
        pledges[key].lead_organisation.country = Area.objects.get(iso3=iso3)
        pledges[key].lead_organisation.save()
    costs = Indicator.objects.get(sdg_code="10.c.1", indicator_set__is_current=True)
    kenya = Area.objects.get(iso3="KEN")
    for year, value in ((2015, "9"), (2020, "6")):
        Observation.objects.create(
            indicator=costs,
            area=kenya,
            period_label=str(year),
            period_start=f"{year}-01-01",
            period_end=f"{year}-12-31",
            value=value,
        )
    # Twenty, and the indicator data's part of the public fingerprint (three).
    with django_assert_max_num_queries(23):
        response = client.get(reverse("area", args=["ken"]))
    assert response.status_code == 200
    implemented, by = response.context["lists"]
    assert [p.title for p in implemented["page"].pledges] == ["Fair recruitment corridors"]
    assert [p.title for p in by["page"].pledges] == ["Cheaper remittances for families"]
    [row] = response.context["indicators"]
    assert row.latest.value == 6
    assert row.progress is not None
    assert client.get(reverse("area", args=["XYZ"])).status_code == 404


def test_an_organisation_page_shows_its_published_pledges_and_no_people(client, pledges, member):
    union = pledges["fair"].lead_organisation
    response = client.get(reverse("organisation", args=[union.pk]))
    assert response.status_code == 200
    assert [p.title for p in response.context["pledges"]["leads"]] == ["Fair recruitment corridors"]
    assert "@" not in response.text.split("<main", 1)[1].split("</main>", 1)[0]
    # An organisation with nothing published and no accreditation is not on the public site.
    quiet = OrganisationFactory(accredited=False)
    assert client.get(reverse("organisation", args=[quiet.pk])).status_code == 404
    hidden_lead = pledges["hidden"][0].lead_organisation
    hidden_lead.accredited = False
    hidden_lead.save()
    assert client.get(reverse("organisation", args=[hidden_lead.pk])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse_lazy("explorer"),
        reverse_lazy("objectives"),
        reverse_lazy("objective", args=[6]),
        reverse_lazy("map"),
        reverse_lazy("area", args=["KEN"]),
    ],
)
def test_anonymous_pages_answer_304_until_the_public_data_changes(
    client, pledges, url, django_assert_max_num_queries
):
    first = client.get(url)
    assert set(first["Cache-Control"].split(", ")) == {"max-age=60", "public"}
    etag = first["ETag"]
    with django_assert_max_num_queries(2):
        again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    pledges["fair"].title = "Fair recruitment corridors, extended"
    pledges["fair"].save()
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


def test_a_pledge_page_answers_304_and_signed_in_users_get_no_shared_validator(
    client, pledges, member
):
    url = pledges["fair"].get_absolute_url()
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    client.force_login(member)
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")


def test_the_explorer_offers_its_result_as_csv_xlsx_and_feeds(client, pledges):
    response = client.get(reverse("explorer"), {"kind": "trade_union"})
    assert f"{reverse('explorer_csv')}?kind=trade_union" in response.text
    assert f"{reverse('explorer_xlsx')}?kind=trade_union" in response.text
    page = client.get(pledges["fair"].get_absolute_url()).text
    assert reverse("feed_pledge", args=[pledges["fair"].reference]) in page


def test_a_cycle_page_shows_where_its_pledges_stand_now(client, pledges):
    from pledges.models import ReviewCycle

    old = ReviewCycle.objects.get(code="IMRF-2022")
    earlier = published_pledge(
        title="Pledged in 2022", cycle=old, implementation_status="fulfilled"
    )
    response = client.get(reverse("cycle", args=["IMRF-2022"]))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.pledges == 1
    assert ("Fulfilled", 1) in figures.by_status
    assert earlier.title in response.text
    assert "Cheaper remittances" not in response.text
    assert client.get(reverse("cycle", args=["IMRF-1999"])).status_code == 404
    assert "IMRF-2022" in client.get(reverse("cycles")).text


def test_a_pledge_page_shows_its_public_milestones_and_not_the_review(client, member, secretariat):
    from pledges import services
    from tests.factories import complete_pledge

    pledge = complete_pledge(lead_organisation=member.memberships.first().organisation)
    services.pledge_submit(pledge=pledge, by=member)
    services.pledge_request_changes(pledge=pledge, by=secretariat, comment="PRIVATE REVIEW NOTE")
    services.pledge_submit(pledge=pledge, by=member)
    services.pledge_publish(pledge=pledge, by=secretariat)
    response = client.get(pledge.get_absolute_url())
    assert [e.get_action_display() for e in response.context["detail"].history] == ["Published"]
    assert "PRIVATE REVIEW NOTE" not in response.text
    assert secretariat.email not in response.text


def test_anonymous_pages_are_kept_whole_until_the_public_data_changes(
    client, pledges, django_assert_max_num_queries
):
    url = reverse("explorer")
    first = client.get(url)
    with django_assert_max_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    assert set(again["Cache-Control"].split(", ")) == {"max-age=60", "public"}
    assert again["ETag"] == first["ETag"]
    pledges["fair"].title = "Fair recruitment corridors, extended"
    pledges["fair"].save()
    assert "Fair recruitment corridors, extended" in client.get(url).text


def test_a_signed_in_page_is_never_kept_for_others(client, pledges, member):
    url = reverse("explorer")
    client.force_login(member)
    assert "Log out" in client.get(url).text
    client.logout()
    anonymous = client.get(url).text
    assert "Log out" not in anonymous


@pytest.mark.parametrize(("uses_token", "renders"), [(False, 1), (True, 2)])
def test_a_page_holding_a_visitors_csrf_token_is_rendered_for_each(rf, uses_token, renders):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from pledges.views.public import public_data

    rendered = []

    @public_data
    def view(request):
        rendered.append(request)
        return HttpResponse(get_token(request) if uses_token else "the same for all")

    for _ in range(2):
        request = rf.get("/somewhere/")
        request.user = AnonymousUser()
        assert view(request).status_code == 200
    assert len(rendered) == renders
