"""The read API of the results framework and indicator data: open to anyone, filtered by
code, observations by cursor with their attributes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.models import Area, Indicator
from pledges.explorer import public_fingerprint
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
    public_fingerprint()  # the ETag's, counted once for every page (tests/pledges)
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


@pytest.mark.parametrize(
    ("start", "end", "period"),
    [
        ("2019-01-01", "2019-12-31", "2019"),
        ("2019-04-01", "2019-06-30", "2019-Q2"),
        ("2019-03-01", "2019-03-31", "2019-03"),
        ("2019-03-14", "2019-03-14", "2019-03-14"),
        ("2016-04-01", "2017-03-31", "2016-04-01/P1Y"),
        ("2014-01-01", "2015-12-31", "2014-01-01/P2Y"),
        ("2019-02-01", "2019-07-31", "2019-02-01/P6M"),
        ("2019-03-14", "2019-03-20", "2019-03-14/P7D"),
    ],
)
def test_periods_read_as_sdmx_time_periods(start, end, period):
    import datetime as dt

    from indicators.sdmx import time_period

    assert time_period(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == period


def test_observations_as_sdmx_csv_have_a_column_a_dimension_and_an_attribute(client):
    import csv
    import io

    ObservationFactory(
        disaggregation={"Sex": "Female", "Age group": "15-24"},
        attributes={"OBS_STATUS": "E"},
        unit="Percent",
    )
    ObservationFactory(period_label="2021", period_start="2021-01-01", period_end="2021-12-31")
    ObservationFactory(area=Area.objects.get(iso3="GHA"))
    for asked in ({"format": "sdmx-csv"}, {"HTTP_ACCEPT": "application/vnd.sdmx.data+csv"}):
        params = {"area": "KEN", **{k: v for k, v in asked.items() if k == "format"}}
        headers = {k: v for k, v in asked.items() if k != "format"}
        response = client.get(reverse("api:observations"), params, **headers)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.sdmx.data+csv; version=1.0.0")
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert list(rows[0]) == [
            "DATAFLOW",
            "INDICATOR",
            "REF_AREA",
            "AGE_GROUP",
            "SEX",
            "TIME_PERIOD",
            "OBS_VALUE",
            "UNIT_MEASURE",
            "SOURCE_DETAIL",
            "COMMENT_OBS",
            "OBS_STATUS",
        ]
        first, second = rows
        assert first["DATAFLOW"] == "GCM_TRACKER:DF_GCM_INDICATORS(1.0)"
        assert first["REF_AREA"] == Area.objects.get(iso3="KEN").m49
        assert (first["SEX"], first["AGE_GROUP"], first["OBS_STATUS"]) == ("Female", "15-24", "E")
        assert (first["TIME_PERIOD"], first["OBS_VALUE"]) == ("2020", "12.5")
        assert (second["SEX"], second["TIME_PERIOD"]) == ("", "2021")


def test_a_refusal_in_sdmx_csv_says_why(client):
    response = client.get(reverse("api:observations"), {"format": "sdmx-csv", "area": "XXX"})
    assert response.status_code == 400
    assert response.content.decode().startswith("field,message")


def test_indicator_data_answers_304_until_it_changes(client):
    ObservationFactory()
    url = reverse("api:observations")
    first = client.get(url, {"area": "KEN"}, HTTP_ACCEPT="application/json")
    assert first.status_code == 200
    unchanged = client.get(
        url, {"area": "KEN"}, HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert unchanged.status_code == 304
    ObservationFactory(period_label="2021", period_start="2021-01-01", period_end="2021-12-31")
    changed = client.get(
        url, {"area": "KEN"}, HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
