"""Public indicator pages: who may see them, what they show, and what they cost."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import (
    Area,
    AreaReporting,
    Indicator,
    IndicatorTarget,
    NoData,
    Observation,
    ReportingStatus,
)
from pledges.explorer import public_fingerprint
from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PledgeFactory,
    PledgeTargetFactory,
    objective,
)

pytestmark = pytest.mark.django_db


def costs() -> Indicator:
    return Indicator.objects.get(sdg_code="10.c.1", indicator_set__is_current=True)


def yearly(indicator: Indicator, iso3: str, values: dict[int, str], **disaggregation: str):
    area = Area.objects.get(code=iso3)
    for year, value in values.items():
        ObservationFactory(
            indicator=indicator,
            area=area,
            period_label=str(year),
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            value=Decimal(value),
            disaggregation=disaggregation,
            disaggregation_key=Observation.key_for(disaggregation),
        )


def values(series) -> list[Decimal]:
    """The values of the one line drawn."""
    (line,) = series.lines
    return [o.value for o in line.observations]


@pytest.fixture
def viewer(request, client):
    """Each kind of visitor: the pages are public, to all of them alike."""
    if request.param != "anonymous":
        client.force_login(request.getfixturevalue(request.param))
    return client


@pytest.mark.parametrize("viewer", ["anonymous", "member", "secretariat"], indirect=True)
def test_everybody_may_read_the_indicator_pages(viewer):
    yearly(costs(), "KEN", {2015: "8", 2020: "6"})
    assert viewer.get(reverse("indicators:index")).status_code == 200
    detail = reverse("indicators:detail", args=[costs().pk])
    assert viewer.get(detail).status_code == 200
    download = reverse("indicators:data_csv", args=[costs().pk])
    assert viewer.get(download, {"area": "KEN"}).status_code == 200


@pytest.mark.parametrize("name", ["indicators:index", "indicators:detail", "indicators:data_csv"])
def test_nobody_may_post_to_the_indicator_pages(client, name):
    args = [] if name == "indicators:index" else [costs().pk]
    assert client.post(reverse(name, args=args)).status_code == 405


def test_the_index_groups_by_objective_with_the_data_available(client):
    yearly(costs(), "KEN", {2019: "7", 2021: "6.5"})
    yearly(costs(), "GBR", {2018: "7.1"})
    yearly(costs(), "001", {2022: "6.2"})
    response = client.get(reverse("indicators:index"))
    groups = {g.title: g for g in response.context["groups"]}
    entry = next(e for e in groups[str(objective(20))].entries if e.indicator == costs())
    assert (entry.availability.countries, entry.availability.areas) == (2, 3)
    assert entry.availability.latest_year == 2022
    # Linked to every objective: listed once, apart, rather than under each of the 23.
    assert [e.indicator.sdg_code for e in groups["Linked to all objectives"].entries] == ["10.7.2"]
    assert "Not linked to an objective" in groups  # 10.7.4, refugees


def test_the_index_costs_the_same_whatever_the_number_of_indicators(
    client, django_assert_max_num_queries
):
    for _ in range(30):
        indicator = IndicatorFactory()
        indicator.objectives.set([objective(6), objective(7)])
        yearly(indicator, "KEN", {2020: "1"})
    public_fingerprint()  # the ETag's, counted once for all pages (tests/pledges)
    # Session-free visitor: indicators with their set, their objectives, the availability.
    with django_assert_max_num_queries(3):
        response = client.get(reverse("indicators:index"))
    assert response.context["indicator_count"] > 30


def test_an_indicator_page_shows_chart_target_progress_table_and_download(client):
    yearly(costs(), "KEN", {2015: "8", 2018: "7", 2021: "5.25"})
    response = client.get(reverse("indicators:detail", args=[costs().pk]), {"area": "KEN"})
    page = response.text
    assert 'role="img" aria-labelledby="chart-' in page
    assert 'class="target"' in page  # SDG target 10.c: 3 per cent by 2030, shipped as data
    assert "The dashed line is the target: 3 by 2030." in page
    # From 8 to 5.25 in six years is -6.8% a year, where 3 by 2030 needs -6.7% a year.
    assert response.context["series"].lines[0].progress.status == "substantial_progress"
    assert "<strong>Substantial progress / on track</strong> (2015 to 2021)." in page
    assert '<th scope="row">2021</th><td class="num">5.25</td>' in page
    assert f"{reverse('indicators:data_csv', args=[costs().pk])}?area=KEN" in page


def test_an_areas_own_target_replaces_the_one_for_all_areas(client):
    yearly(costs(), "KEN", {2015: "8", 2021: "5"})
    IndicatorTarget.objects.create(
        indicator=costs(), area=Area.objects.get(iso3="KEN"), value=Decimal("4"), year=2025
    )
    response = client.get(reverse("indicators:detail", args=[costs().pk]), {"area": "KEN"})
    assert response.context["series"].target.value == 4
    assert "set for Kenya" in response.text


def test_disaggregation_filters_choose_the_series(client):
    indicator = Indicator.objects.get(sdg_code="8.8.1", indicator_set__is_current=True)
    yearly(indicator, "KEN", {2019: "10", 2020: "11"})
    yearly(indicator, "KEN", {2019: "4", 2020: "5"}, Sex="Female")
    yearly(indicator, "KEN", {2019: "16", 2020: "17"}, Sex="Male")
    url = reverse("indicators:detail", args=[indicator.pk])

    total = client.get(url, {"area": "KEN"}).context["series"]
    assert values(total) == [10, 11]
    assert total.dimensions[0].options == ["", "Female", "Male"]

    women = client.get(url, {"area": "KEN", "d-Sex": "Female"})
    assert values(women.context["series"]) == [4, 5]
    assert women.context["series"].label == "Sex: Female"
    assert '<option value="Female" selected>' in women.text

    unknown = client.get(url, {"area": "KEN", "d-Sex": "Robot", "d-Colour": "red"})
    assert values(unknown.context["series"]) == [10, 11]


def test_comparing_a_dimension_draws_a_line_for_each_value(client):
    indicator = Indicator.objects.get(sdg_code="8.8.1", indicator_set__is_current=True)
    yearly(indicator, "KEN", {2015: "10", 2020: "11"})
    yearly(indicator, "KEN", {2015: "4", 2020: "5"}, Sex="Female", Age="15+")
    yearly(indicator, "KEN", {2015: "16", 2020: "12"}, Sex="Male", Age="15+")
    yearly(indicator, "KEN", {2015: "1"}, Sex="Male", Age="65+")
    response = client.get(
        reverse("indicators:detail", args=[indicator.pk]),
        {"area": "KEN", "compare": "Sex", "d-Age": "15+"},
    )
    series = response.context["series"]
    assert [line.label for line in series.lines] == [
        "Sex: Female (Age: 15+)",
        "Sex: Male (Age: 15+)",
    ]
    assert [[o.value for o in line.observations] for line in series.lines] == [[4, 5], [16, 12]]
    # Lower injury rates are better: women's rose, men's fell.
    assert [line.progress.status for line in series.lines] == [
        "deterioration",
        "substantial_progress",
    ]
    assert [(period, [o.value for o in cells]) for period, cells in series.table] == [
        ("2015", [4, 16]),
        ("2020", [5, 12]),
    ]
    page = response.text
    assert page.count('class="series"') == 2
    assert '<option value="Sex" selected>Each Sex</option>' in page
    assert '<th scope="col" class="num">Sex: Male (Age: 15+)</th>' in page


def test_a_compared_line_without_a_value_in_a_period_shows_a_gap(client):
    indicator = Indicator.objects.get(sdg_code="8.8.1", indicator_set__is_current=True)
    yearly(indicator, "KEN", {2019: "4", 2020: "5"}, Sex="Female")
    yearly(indicator, "KEN", {2020: "17"}, Sex="Male")
    response = client.get(
        reverse("indicators:detail", args=[indicator.pk]), {"area": "KEN", "compare": "Sex"}
    )
    assert [(p, [o and o.value for o in c]) for p, c in response.context["series"].table] == [
        ("2019", [4, None]),
        ("2020", [5, 17]),
    ]
    assert '<span class="visually-hidden">no value</span>' in response.text


def test_comparing_an_unknown_dimension_draws_one_line(client):
    yearly(costs(), "KEN", {2020: "6"})
    response = client.get(
        reverse("indicators:detail", args=[costs().pk]), {"area": "KEN", "compare": "Colour"}
    )
    assert len(response.context["series"].lines) == 1


def test_without_a_total_the_most_frequent_value_is_shown(client):
    indicator = Indicator.objects.get(sdg_code="8.8.1", indicator_set__is_current=True)
    yearly(indicator, "KEN", {2019: "4", 2020: "5"}, Sex="Female")
    yearly(indicator, "KEN", {2020: "17"}, Sex="Male")
    series = client.get(reverse("indicators:detail", args=[indicator.pk])).context["series"]
    assert series.dimensions[0].selected == "Female"


def test_the_world_is_shown_first_and_an_unknown_area_code_is_not_found(client):
    yearly(costs(), "KEN", {2020: "6"})
    yearly(costs(), "001", {2020: "6.3"})
    url = reverse("indicators:detail", args=[costs().pk])
    assert client.get(url).context["series"].area.code == "001"
    assert client.get(url, {"area": "ken"}).context["series"].area.code == "KEN"
    assert client.get(url, {"area": "nowhere"}).status_code == 404


def test_an_area_without_data_says_so_under_its_own_name_and_shows_no_other_chart(client):
    yearly(costs(), "KEN", {2020: "6"})
    AreaReporting.objects.create(
        indicator=costs(),
        area=Area.objects.get(iso3="GBR"),
        status=ReportingStatus.NOT_STARTED,
        no_data=NoData.PLACEHOLDER,
    )
    response = client.get(reverse("indicators:detail", args=[costs().pk]), {"area": "GBR"})
    assert response.status_code == 200
    assert "series" not in response.context
    assert "<svg" not in response.text
    assert '<h3 id="area-title">United Kingdom' in response.text
    assert "No data for United Kingdom" in response.text
    assert "has not started reporting it (only placeholder values published)" in response.text
    assert '<a href="?area=KEN">Kenya</a>' in response.text
    assert "progress-status" not in response.text


def test_real_values_under_a_stale_not_started_are_shown_with_the_office_status(client):
    yearly(costs(), "KEN", {2019: "7", 2020: "6"})
    AreaReporting.objects.create(
        indicator=costs(), area=Area.objects.get(iso3="KEN"), status=ReportingStatus.NOT_STARTED
    )
    response = client.get(reverse("indicators:detail", args=[costs().pk]), {"area": "KEN"})
    assert response.context["series"].lines[0].observations
    assert "gives this indicator the status <strong>not started</strong>" in response.text


def test_an_indicator_without_data_says_so(client):
    response = client.get(reverse("indicators:detail", args=[costs().pk]))
    assert "No data has been published for this indicator yet." in response.text
    assert "series" not in response.context


def test_an_indicator_without_a_direction_is_not_assessed(client):
    volume = Indicator.objects.get(sdg_code="17.3.2", indicator_set__is_current=True)
    yearly(volume, "KEN", {2015: "2", 2020: "3"})
    response = client.get(reverse("indicators:detail", args=[volume.pk]))
    assert response.context["series"].lines[0].progress is None
    assert "not assessed, as this indicator has no desired direction set" in response.text


def test_published_pledges_targeting_the_indicator_are_listed_and_drafts_are_not(client):
    published = PledgeFactory(published=True, title="Cheaper remittances corridor")
    PledgeTargetFactory(
        pledge=published, indicator=costs(), own_metric="", target_value=3, target_year=2030
    )
    draft = PledgeFactory(title="A draft nobody should see")
    PledgeTargetFactory(pledge=draft, indicator=costs(), own_metric="")
    page = client.get(reverse("indicators:detail", args=[costs().pk])).text
    assert "Cheaper remittances corridor" in page
    assert "A draft nobody should see" not in page


def test_an_indicator_page_costs_the_same_whatever_the_data(client, django_assert_max_num_queries):
    for iso3 in ["KEN", "GBR", "ARM", "RWA", "001"]:
        yearly(costs(), iso3, {year: str(10 - year % 7) for year in range(2000, 2024)})
        yearly(costs(), iso3, {2020: "3"}, Sex="Female")
    for _ in range(5):
        target = PledgeTargetFactory(
            pledge=PledgeFactory(published=True), indicator=costs(), own_metric=""
        )
    url = reverse("indicators:detail", args=[costs().pk])
    # Indicator with set and successor, its objectives, areas with data, the office's status,
    # the distinct disaggregations, the chosen series, the target, the pledge targets with
    # their pledges.
    public_fingerprint()  # the ETag's, counted once for all pages (tests/pledges)
    with django_assert_max_num_queries(8):
        response = client.get(url, {"area": "KEN"})
    assert len(response.context["pledges"]) == 5
    assert target.pledge.title in response.text


def test_an_older_version_points_to_the_current_one(client):
    from indicators.sets import indicator_set_import

    table = "code,name,SDG code,direction,objectives\n10.c.1,Remittance costs,10.c.1,decrease,20\n"
    first = indicator_set_import(
        file=io.BytesIO(table.encode()), filename="s.csv", code="t", version="1", name="T"
    )
    indicator_set_import(
        file=io.BytesIO(table.replace("costs", "costs (%)").encode()),
        filename="s.csv",
        code="t",
        version="2",
    )
    old = first.indicator_set.indicators.get()
    page = client.get(reverse("indicators:detail", args=[old.pk])).text
    assert "This is version 1 of T." in page
    assert "The current version is" in page


def test_an_unknown_indicator_is_not_found(client):
    assert client.get(reverse("indicators:detail", args=[999999])).status_code == 404


def test_the_download_is_the_open_sdg_layout_with_every_disaggregation(client):
    indicator = Indicator.objects.get(sdg_code="8.8.1", indicator_set__is_current=True)
    yearly(indicator, "KEN", {2019: "10"})
    yearly(indicator, "KEN", {2019: "4.25"}, Sex="Female")
    response = client.get(reverse("indicators:data_csv", args=[indicator.pk]), {"area": "KEN"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="indicator_8-8-1_KEN.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["Year", "Sex", "Value"], ["2019", "", "10"], ["2019", "Female", "4.25"]]


@pytest.mark.parametrize("query", [{}, {"area": "nowhere"}])
def test_a_download_needs_a_known_area(client, query):
    response = client.get(reverse("indicators:data_csv", args=[costs().pk]), query)
    assert response.status_code == 404


def test_units_are_chosen_one_at_a_time_never_compared_on_one_axis(client):
    yearly(costs(), "KEN", {2019: "7", 2020: "6"}, Units="Percent")
    yearly(costs(), "KEN", {2019: "20", 2020: "18"}, Units="USD")
    url = reverse("indicators:detail", args=[costs().pk])
    response = client.get(url, {"area": "KEN", "compare": "Units"})
    series = response.context["series"]
    assert len(series.lines) == 1
    assert series.unit in ("Percent", "USD")
    assert response.context["comparable"] == []
    chosen = client.get(url, {"area": "KEN", "d-Units": "USD"}).context["series"]
    assert [o.value for o in chosen.lines[0].observations] == [Decimal(20), Decimal(18)]
    assert chosen.unit == "USD"
