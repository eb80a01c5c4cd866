"""The read API of the results framework and indicator data: open to anyone, filtered by
code, observations by cursor with their attributes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.models import Area, Indicator
from tests.factories import ObservationFactory

pytestmark = pytest.mark.django_db


def get(client, name: str, **params):
    response = client.get(reverse(f"api:{name}"), params, HTTP_ACCEPT="application/json")
    return response, response.json()


def test_the_framework_is_readable_by_anyone(client):
    assert len(get(client, "objectives")[1]) == 23
    assert len(get(client, "principles")[1]) == 10
    sets = get(client, "indicator_sets")[1]
    assert any(s["is_current"] for s in sets)
    indicators = get(client, "indicators")[1]
    assert any(i["sdg_code"] == "10.7.1" for i in indicators)
    commissions = get(client, "areas", kind="commission")[1]
    assert {a["code"] for a in commissions} >= {"ECA", "ECE", "ESCAP"}
    kenya = next(a for a in get(client, "areas", kind="country")[1] if a["code"] == "KEN")
    assert "ECA" in kenya["commissions"]


def test_observations_of_an_indicator_in_an_area_by_cursor(client, django_assert_max_num_queries):
    kenya = Area.objects.get(iso3="KEN")
    indicator = Indicator.objects.get(sdg_code="10.7.1", indicator_set__is_current=True)
    for year in range(2015, 2021):
        ObservationFactory(
            indicator=indicator,
            area=kenya,
            period_label=str(year),
            period_start=f"{year}-01-01",
            period_end=f"{year}-12-31",
            value="12.5000",
            attributes={"OBS_STATUS": "E"},
        )
    ObservationFactory(area=Area.objects.get(iso3="GHA"), indicator=indicator)
    # The indicator and the area named, then the page.
    with django_assert_max_num_queries(3):
        _response, body = get(
            client, "observations", indicator=indicator.code, area="KEN", page_size=4
        )
    assert [o["period_label"] for o in body["results"]] == ["2015", "2016", "2017", "2018"]
    assert body["results"][0]["value"] == "12.5"
    assert body["results"][0]["attributes"] == {"OBS_STATUS": "E"}
    rest = client.get(body["next"], HTTP_ACCEPT="application/json").json()
    assert [o["period_label"] for o in rest["results"]] == ["2019", "2020"]


def test_an_unknown_code_is_a_400_with_the_reason(client):
    response, body = get(client, "observations", area="XXX")
    assert response.status_code == 400
    assert "area" in body
    response, body = get(client, "areas", kind="planet")
    assert response.status_code == 400


def test_observations_as_csv_keep_disaggregation_and_attributes_as_json(client):
    ObservationFactory(disaggregation={"Sex": "Female"}, attributes={"OBS_STATUS": "E"})
    ObservationFactory(period_label="2021", period_start="2021-01-01", period_end="2021-12-31")
    response = client.get(reverse("api:observations"), {"format": "csv", "area": "KEN"})
    body = b"".join(response.streaming_content).decode().splitlines()
    assert body[0] == (
        "id,indicator,area,period_label,period_start,period_end,disaggregation,value,unit,"
        "source,attributes"
    )
    assert '"{""Sex"": ""Female""}"' in body[1]
    assert '"{""OBS_STATUS"": ""E""}"' in body[1]
    assert body[2].endswith(",12.5,,,")
