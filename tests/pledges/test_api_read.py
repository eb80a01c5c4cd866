"""The read API of pledges, updates, cycles and reports: anyone reads what the public site
shows, with the explorer's filters, by cursor, in queries that do not grow with the page."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Area
from pledges.models import (
    PartnerStatus,
    PledgePartner,
    Report,
    ReviewState,
)
from pledges.services.reports import report_publish
from tests.factories import (
    OrganisationFactory,
    PledgeFactory,
    PledgeTargetFactory,
    ProgressUpdateFactory,
    cycle,
    published_pledge,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    kenya = Area.objects.get(iso3="KEN")
    fair = published_pledge(title="Fair recruitment corridors", amount=1500, currency="USD")
    fair.areas.add(kenya)
    PledgeTargetFactory(pledge=fair, baseline_value=0, target_value="250.5")
    partner = OrganisationFactory(name="Accepted partner")
    PledgePartner.objects.create(pledge=fair, organisation=partner, status=PartnerStatus.ACCEPTED)
    PledgePartner.objects.create(pledge=fair, invited_email="secret-invitee@example.org")
    ProgressUpdateFactory(
        pledge=fair, review_state=ReviewState.PUBLISHED, published_at=timezone.now()
    )
    ProgressUpdateFactory(pledge=fair, narrative="A draft update nobody may read")
    hidden = [
        PledgeFactory(title="A secret draft"),
        PledgeFactory(title="Waiting for review", review_state=ReviewState.SUBMITTED),
        PledgeFactory(title="Refused one", review_state=ReviewState.REJECTED),
    ]
    return {"fair": fair, "hidden": hidden}


def get(client, name: str, *args, **params):
    response = client.get(reverse(f"api:{name}", args=args), params, HTTP_ACCEPT="application/json")
    return response, (json.loads(response.content) if response.content else None)


def test_anyone_reads_published_pledges_and_nothing_else(client, data):
    response, body = get(client, "pledges")
    assert response.status_code == 200
    [pledge] = body["results"]
    assert pledge["reference"] == data["fair"].reference
    assert pledge["countries"] == ["KEN"]
    assert pledge["main_objectives"] == [6]
    assert pledge["amount"] == "1500"
    assert [p["name"] for p in pledge["partners"]] == ["Accepted partner"]
    assert pledge["reporting_status"] in ("reporting", "due", "overdue", "inactive")
    text = response.content.decode()
    for hidden in ("A secret draft", "Waiting for review", "Refused one", "secret-invitee"):
        assert hidden not in text


def test_a_pledge_reads_by_its_reference_with_its_targets(client, data):
    response, body = get(client, "pledge", data["fair"].reference)
    assert response.status_code == 200
    assert body["targets"][0]["target_value"] == "250.5"
    assert len(body["description"]) > 300
    for hidden in data["hidden"]:
        assert get(client, "pledge", hidden.reference)[0].status_code == 404


def test_the_explorers_filters_select_and_a_value_naming_nothing_is_a_400(client, data):
    published_pledge(title="Elsewhere")
    assert len(get(client, "pledges", country="KEN")[1]["results"]) == 1
    assert len(get(client, "pledges", q="corridors")[1]["results"]) == 1
    response, body = get(client, "pledges", objective="99")
    assert response.status_code == 400
    assert body == {
        "objective": ["Select a valid choice. That choice is not one of the available choices."]
    }


def test_pages_follow_by_cursor_and_stay_stable_when_pledges_are_published_meanwhile(client):
    for n in range(5):
        published_pledge(title=f"Pledge {n}")
    _response, first = get(client, "pledges", page_size=2)
    published_pledge(title="Published while reading")
    later = client.get(first["next"], HTTP_ACCEPT="application/json").json()
    titles = [p["title"] for p in first["results"] + later["results"]]
    assert titles == ["Pledge 4", "Pledge 3", "Pledge 2", "Pledge 1"]


@pytest.mark.parametrize("count", [3, 30])
def test_a_page_of_pledges_costs_the_same_queries_whatever_its_size(
    client, count, django_assert_max_num_queries
):
    kenya = Area.objects.get(iso3="KEN")
    for n in range(count):
        pledge = published_pledge(title=f"Pledge {n}")
        pledge.areas.add(kenya)
        PledgePartner.objects.create(
            pledge=pledge, organisation=OrganisationFactory(), status=PartnerStatus.ACCEPTED
        )
    # The public data's fingerprint (six, pledges' and indicators', for the ETag), the current
    # cycle and the reporting policy (for the reporting status), the page, then partners,
    # objectives, principles and areas, one query each.
    with django_assert_max_num_queries(13):
        _response, body = get(client, "pledges", page_size=50)
    assert len(body["results"]) == count


def test_published_updates_only_with_their_values_and_level(
    client, data, django_assert_max_num_queries
):
    # The fingerprint (six), the page, its values.
    with django_assert_max_num_queries(8):
        response, body = get(client, "updates")
    [update] = body["results"]
    assert update["pledge"] == data["fair"].reference
    assert update["verification_level"] == "self_reported"
    assert "A draft update nobody may read" not in response.content.decode()
    assert len(get(client, "updates", pledge="GCM-2099-0001")[1]["results"]) == 0


def test_cycles_and_published_reports_only(client, secretariat):
    body = get(client, "cycles")[1]
    assert [c["code"] for c in body] == ["IMRF-2022", "IMRF-2026", "IMRF-2030"]
    built = Report.objects.create(
        cycle=cycle(),
        scope="global",
        built_at=timezone.now(),
        files=[{"format": "pdf", "name": "r.pdf", "path": "reports/1/x/r.pdf", "size": 10}],
        figures=[["Published pledges", 3]],
    )
    assert get(client, "reports")[1] == []
    report_publish(report=built, by=secretariat)
    [report] = get(client, "reports")[1]
    assert report["figures"] == {"Published pledges": 3}
    assert report["files"][0]["url"].endswith(reverse("report_download", args=[built.pk, "pdf"]))
    assert "path" not in report["files"][0]


def test_the_api_root_lists_every_endpoint(client):
    body = get(client, "root")[1]
    assert set(body) >= {"pledges", "updates", "observations", "areas", "reports"}


def test_endpoints_are_closed_unless_they_say_otherwise(settings):
    from rest_framework.settings import api_settings

    assert [c.__name__ for c in api_settings.DEFAULT_PERMISSION_CLASSES] == ["IsAuthenticated"]


def _csv(response) -> list[dict[str, str]]:
    import csv
    import io

    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode())))


def test_a_list_as_csv_is_every_row_streamed_with_nested_objects_as_columns(client, data):
    for n in range(3):
        published_pledge(title=f'=HYPERLINK("http://evil/") {n}')
    response = client.get(reverse("api:pledges"), {"format": "csv", "page_size": 1})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(response)
    assert len(rows) == 4  # every row, not one page
    fair = next(r for r in rows if r["reference"] == data["fair"].reference)
    assert fair["lead_organisation.name"] == data["fair"].lead_organisation.name
    assert fair["countries"] == "KEN"
    assert all(r["title"].startswith("'=") for r in rows if "HYPERLINK" in r["title"])
    accepted = client.get(reverse("api:pledges"), HTTP_ACCEPT="text/csv")
    assert accepted["Content-Type"].startswith("text/csv")


def test_a_csv_error_says_the_field_and_the_reason(client, data):
    response = client.get(reverse("api:pledges"), {"format": "csv", "objective": "99"})
    assert response.status_code == 400
    assert _csv(response) == [
        {
            "field": "objective",
            "message": "Select a valid choice. That choice is not one of the available choices.",
        }
    ]


def test_a_client_asks_for_the_fields_it_needs_and_an_unknown_one_is_a_400(client, data):
    response, body = get(client, "pledges", fields="reference,title")
    assert body["results"] == [{"reference": data["fair"].reference, "title": data["fair"].title}]
    rows = _csv(client.get(reverse("api:pledges"), {"format": "csv", "fields": "reference"}))
    assert rows == [{"reference": data["fair"].reference}]
    response, body = get(client, "pledges", fields="reference,email")
    assert response.status_code == 400
    assert body["fields"][0].startswith("No such field: email.")


def test_anonymous_clients_are_throttled_with_a_time_to_come_back(client, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/hour"})
    for page in range(2):
        assert get(client, "cycles", page=page)[0].status_code == 200
    response, body = get(client, "cycles", page=2)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert body["detail"].startswith("Request was throttled.")
    # An answer kept whole costs the database nothing: it is served, as a 304 would be.
    assert get(client, "cycles", page=0)[0].status_code == 200


def test_anonymous_responses_revalidate_with_an_etag_per_format_until_the_data_changes(
    client, data, django_assert_max_num_queries
):
    url = reverse("api:pledges")
    response = client.get(url, HTTP_ACCEPT="application/json")
    etag = response["ETag"]
    assert "public" in response["Cache-Control"]
    assert "Accept" in response["Vary"]
    with django_assert_max_num_queries(0):  # the fingerprint is cached
        again = client.get(url, HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    as_csv = client.get(url, HTTP_ACCEPT="text/csv", HTTP_IF_NONE_MATCH=etag)
    assert as_csv.status_code == 200
    assert as_csv["ETag"] != etag
    published_pledge(title="Published since")
    fresh = client.get(url, HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200


def test_signed_in_users_get_no_shared_validator(client, member, data):
    client.force_login(member)
    response = client.get(reverse("api:pledges"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert not response.has_header("ETag")


@pytest.mark.parametrize(
    ("since", "status"),
    [
        ("0417-06-29T05:22:18-23:03", 200),  # an offset ISO allows and PostgreSQL does not
        ("0001-01-01T00:30:00+01:00", 400),  # before year 1 in UTC
        ("yesterday", 400),
    ],
)
def test_a_moment_is_read_in_utc_or_refused_with_the_reason(client, data, since, status):
    response, body = get(client, "updates", since=since)
    assert response.status_code == status
    if status == 400:
        assert body["since"]


def test_organisations_are_listed_with_their_public_fields_only(client, data, member):
    from pledges.models import Organisation

    OrganisationFactory(name="Waiting for accreditation", accredited=False)
    response, body = get(client, "organisations", q="accepted PARTNER")
    assert response.status_code == 200
    [found] = body["results"]
    assert found["name"] == "Accepted partner"
    assert found["country"] == "KEN"
    assert set(found) == {
        "id",
        "url",
        "name",
        "acronym",
        "kind",
        "country",
        "website",
        "accredited",
    }
    names = [o["name"] for o in get(client, "organisations", page_size=100)[1]["results"]]
    assert "Waiting for accreditation" not in names
    assert names == sorted(names)
    unaccredited_lead = Organisation.objects.get(pk=data["fair"].lead_organisation_id)
    unaccredited_lead.accredited = False
    unaccredited_lead.save()
    names = [o["name"] for o in get(client, "organisations", page_size=100)[1]["results"]]
    assert unaccredited_lead.name in names  # it leads a published pledge
    assert member.email not in json.dumps(names)
    assert get(client, "organisations", country="XXX")[0].status_code == 400


@pytest.mark.parametrize("count", [3, 30])
def test_a_page_of_organisations_costs_the_same_queries_whatever_its_size(
    client, count, django_assert_max_num_queries
):
    for _ in range(count):
        OrganisationFactory()
    # The fingerprint (six, for the ETag), then the page with each country.
    with django_assert_max_num_queries(7):
        _response, body = get(client, "organisations", page_size=50)
    assert len(body["results"]) == count


def test_lists_take_a_search_and_an_ordering_and_page_in_that_order(client):
    for title in ("Banana shelters", "Apple schools", "Cherry clinics"):
        published_pledge(title=title)
    _response, body = get(client, "pledges", ordering="title", page_size=2)
    assert [p["title"] for p in body["results"]] == ["Apple schools", "Banana shelters"]
    rest = client.get(body["next"], HTTP_ACCEPT="application/json").json()
    assert [p["title"] for p in rest["results"]] == ["Cherry clinics"]
    _response, body = get(client, "pledges", search="banana")
    assert [p["title"] for p in body["results"]] == ["Banana shelters"]
    listed = client.get(reverse("api:pledges"), {"format": "csv", "ordering": "-title"})
    lines = b"".join(listed.streaming_content).decode().splitlines()[1:]
    assert [line.split(",")[3] for line in lines] == [
        "Cherry clinics",
        "Banana shelters",
        "Apple schools",
    ]
    # A field that cannot be ordered by is left aside: the default order.
    response, body = get(client, "pledges", ordering="lead_organisation__name")
    assert response.status_code == 200
    assert body["results"][0]["title"] == "Cherry clinics"


@pytest.mark.parametrize("name", ["updates", "organisations", "pledges"])
def test_a_search_with_a_null_character_is_refused_by_name(client, name):
    response, body = get(client, name, search="a\x00b")
    assert response.status_code == 400
    assert "search" in body
