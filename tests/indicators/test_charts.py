"""The indicator line chart is well-formed, accessible SVG that draws what it is given."""

from __future__ import annotations

import datetime as dt
import itertools
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils.safestring import SafeString

from indicators.charts import ChartPoint, ChartSeries, TargetLine, line_chart_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
OKABE_ITO = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"}


def yearly(label: str, first_year: int, values: list[str]) -> ChartSeries:
    return ChartSeries(
        label,
        [
            ChartPoint(dt.date(year, 1, 1), dt.date(year, 12, 31), Decimal(value), str(year))
            for year, value in enumerate(values, start=first_year)
        ],
    )


def parse(svg: str) -> ET.Element:
    # The text is the chart's own output, not outside input; parsing it proves it well-formed.
    return ET.fromstring(svg)  # noqa: S314


def draw(series: list[ChartSeries], **options) -> ET.Element:
    return parse(line_chart_svg(series, title=options.pop("title", "Chart"), **options))


def all_of(root: ET.Element, path: str) -> list[ET.Element]:
    return root.findall(path, NS)


def number(text: str) -> Decimal:
    factor = {"M": 10**6, "B": 10**9}.get(text[-1], 1)
    return Decimal(text.rstrip("MB").replace(",", "")) * factor


def y_ticks(root: ET.Element) -> list[tuple[Decimal, float]]:
    """The y axis as (value, y) pairs, read from the tick labels and their grid lines."""
    return [
        (number(tick.find("svg:text", NS).text), float(tick.find("svg:line", NS).get("y1")))
        for tick in all_of(root, ".//svg:g[@class='y-tick']")
    ]


def y_of(root: ET.Element, value: Decimal) -> float:
    """Where the tick scale puts a value, interpolating between the first and last tick."""
    (low, low_y), (high, high_y) = y_ticks(root)[0], y_ticks(root)[-1]
    return low_y + (high_y - low_y) * float((value - low) / (high - low))


def x_tick_labels(root: ET.Element) -> list[str]:
    return [text.text for text in all_of(root, ".//svg:g[@class='x-tick']/svg:text")]


def tooltips(root: ET.Element) -> list[str]:
    return [title.text for title in all_of(root, ".//svg:g[@class='series']/svg:circle/svg:title")]


def test_output_is_safe_to_put_in_a_template_as_it_is():
    assert isinstance(line_chart_svg([yearly("All", 2015, ["1", "2"])], title="T"), SafeString)


def test_chart_scales_and_names_itself_for_screen_readers_without_scripts_or_styles():
    svg = line_chart_svg([yearly("All", 2015, ["1", "2"])], title="Remittance costs")
    root = parse(svg)

    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 720 ")
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"svg:title[@id='{title_id}']", NS).text == "Remittance costs"
    assert root.find(f"svg:desc[@id='{desc_id}']", NS).text
    assert "<script" not in svg
    assert "<style" not in svg
    assert "href" not in svg


def test_each_series_with_several_points_is_one_polyline_through_all_its_points():
    root = draw([yearly("Female", 2010, ["1", "2", "3"]), yearly("Male", 2012, ["4", "5"])])

    polylines = all_of(root, ".//svg:g[@class='series']/svg:polyline")
    assert [len(p.get("points").split()) for p in polylines] == [3, 2]


def test_every_point_gets_a_marker_with_a_tooltip_naming_series_period_and_value():
    series = ChartSeries(
        "Sex: Female",
        [
            ChartPoint(dt.date(2016, 1, 1), dt.date(2017, 12, 31), Decimal("1234.5"), "2016/17"),
            ChartPoint(dt.date(2018, 1, 1), dt.date(2019, 12, 31), Decimal("0.025"), "2018/19"),
        ],
    )
    root = draw([series, yearly("Sex: Male", 2016, ["12.34567"])], unit="persons")

    assert tooltips(root) == [
        "Sex: Female — 2016/17: 1,234.5 persons",
        "Sex: Female — 2018/19: 0.025 persons",
        "Sex: Male — 2016: 12.346 persons",
    ]


def test_percentages_sit_against_their_number_in_tooltips():
    root = draw([yearly("All", 2020, ["12.5"])], unit="%")

    assert tooltips(root) == ["All — 2020: 12.5%"]


def test_points_are_joined_in_period_order_whatever_order_they_come_in():
    shuffled = ChartSeries("All", list(reversed(yearly("All", 2010, ["1", "5", "2"]).points)))
    root = draw([shuffled])

    assert [t.split(" — ")[1] for t in tooltips(root)] == ["2010: 1", "2011: 5", "2012: 2"]
    xs = [
        float(pair.split(",")[0]) for pair in root.find(".//svg:polyline", NS).get("points").split()
    ]
    assert xs == sorted(xs)


def test_target_line_runs_across_the_plot_at_its_value_on_the_tick_scale():
    root = draw(
        [yearly("All", 2015, ["12.5", "10", "8"])], target=TargetLine(Decimal(3), None, "T")
    )

    line = root.find(".//svg:g[@class='target']/svg:line", NS)
    assert line.get("stroke-dasharray")
    assert line.get("y1") == line.get("y2")
    assert float(line.get("y1")) == pytest.approx(y_of(root, Decimal(3)), abs=0.1)
    assert float(line.get("x2")) - float(line.get("x1")) > 600


def test_target_outside_the_data_is_brought_inside_the_y_axis():
    root = draw([yearly("All", 2015, ["40", "45"])], target=TargetLine(Decimal(90), None, "T"))

    assert y_ticks(root)[-1][0] >= 90


def test_target_year_extends_the_x_axis_and_is_marked_there():
    target = TargetLine(Decimal(3), 2030, "Target: 3 by 2030")
    root = draw([yearly("All", 2015, ["12.5", "10", "8"])], target=target)

    assert x_tick_labels(root)[-1] == "2030"
    tick_xs = {
        tick.find("svg:text", NS).text: float(tick.find("svg:line", NS).get("x1"))
        for tick in all_of(root, ".//svg:g[@class='x-tick']")
    }
    marker = root.find(".//svg:g[@class='target']/svg:polygon", NS)
    marker_x = float(marker.get("points").split()[0].split(",")[0])
    assert marker_x == pytest.approx(tick_xs["2030"])
    assert marker.find("svg:title", NS).text == "Target: 3 by 2030"
    assert root.find(".//svg:g[@class='target']/svg:text", NS).text == "Target: 3 by 2030"


def test_target_without_a_year_leaves_the_x_axis_to_the_data():
    root = draw([yearly("All", 2015, ["1", "2"])], target=TargetLine(Decimal(3), None, "T"))

    assert x_tick_labels(root) == ["2015", "2016"]
    assert root.find(".//svg:g[@class='target']/svg:polygon", NS) is None


def test_labels_with_markup_characters_are_escaped_and_shown_as_written():
    nasty = "<b>A & \"B\" 'C'</b>"
    point = ChartPoint(dt.date(2020, 1, 1), dt.date(2020, 12, 31), Decimal(1), nasty)
    svg = line_chart_svg(
        [ChartSeries(nasty, [point]), yearly("Other", 2021, ["2"])],
        title=nasty,
        unit=nasty,
        target=TargetLine(Decimal(1), 2022, nasty),
    )
    root = parse(svg)

    assert "<b>" not in svg
    assert root.find("svg:title", NS).text == nasty
    assert root.find(".//svg:text[@class='unit']", NS).text == nasty
    assert tooltips(root)[0] == f"{nasty} — {nasty}: 1 {nasty}"
    assert root.find(".//svg:g[@class='target']/svg:text", NS).text == nasty
    legend = [t.text for t in all_of(root, ".//svg:g[@class='legend']//svg:text")]
    assert legend == [nasty, "Other", nasty]


def test_control_characters_in_labels_do_not_break_the_xml():
    root = draw([yearly("Bad\x00\x1blabel", 2020, ["1"])], title="T\x0c")

    assert tooltips(root) == ["Badlabel — 2020: 1"]


@pytest.mark.parametrize("series", [[], [ChartSeries("All", [])]], ids=["nothing", "no points"])
def test_nothing_to_draw_gives_an_accessible_no_data_message(series):
    root = draw(series, title="Remittance costs", target=TargetLine(Decimal(3), 2030, "T"))

    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"svg:title[@id='{title_id}']", NS).text == "Remittance costs"
    assert root.find(f"svg:desc[@id='{desc_id}']", NS).text == "No data for this selection."
    assert [t.text for t in all_of(root, ".//svg:text")] == ["No data for this selection"]
    assert root.find(".//svg:text", NS).get("text-anchor") == "middle"


def test_series_without_points_are_skipped():
    root = draw([ChartSeries("Empty", []), yearly("All", 2015, ["1", "2"])])

    assert len(all_of(root, ".//svg:g[@class='series']")) == 1
    assert root.find(".//svg:g[@class='legend']", NS) is None


def test_a_single_point_is_a_marker_without_a_line():
    root = draw([yearly("All", 2019, ["1234567"])])

    assert all_of(root, ".//svg:polyline") == []
    assert tooltips(root) == ["All — 2019: 1,234,567"]
    assert x_tick_labels(root) == ["2019"]
    assert [label for label, _ in y_ticks(root)][-1] >= 1234567


def test_negative_values_get_ticks_below_zero_and_a_zero_line():
    root = draw([yearly("All", 2000, ["-3.2", "1.5", "-0.4"])])

    values = [value for value, _ in y_ticks(root)]
    assert values[0] <= Decimal("-3.2")
    assert values[-1] >= Decimal("1.5")
    assert 0 in values
    ys = [
        float(pair.split(",")[1]) for pair in root.find(".//svg:polyline", NS).get("points").split()
    ]
    assert ys[0] == pytest.approx(y_of(root, Decimal("-3.2")), abs=0.1)


@pytest.mark.parametrize("value", ["5", "0", "-2.5", "1000000"])
def test_constant_values_draw_a_flat_line_without_dividing_by_zero(value):
    root = draw([yearly("All", 2000, [value, value, value])])

    ys = {pair.split(",")[1] for pair in root.find(".//svg:polyline", NS).get("points").split()}
    assert len(ys) == 1
    values = [tick for tick, _ in y_ticks(root)]
    assert values[0] <= min(Decimal(value), 0)
    assert values[-1] >= max(Decimal(value), 0)
    assert values[0] < values[-1]


@pytest.mark.parametrize(
    "values",
    [
        ["12.5", "13.1", "18"],
        ["0.011", "0.0257", "0.0193"],
        ["152563212", "280598105"],
        ["-40", "-55", "-47"],
        ["983", "1017"],
        ["-0.3", "1234"],
    ],
)
def test_y_ticks_are_round_numbers_evenly_spaced_that_cover_the_data(values):
    root = draw([yearly("All", 2000, values)])

    ticks = [tick for tick, _ in y_ticks(root)]
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    step = steps.pop()
    assert step.normalize().as_tuple().digits in {(1,), (2,), (5,)}
    assert all((tick / step) == (tick / step).to_integral_value() for tick in ticks)
    assert ticks[0] <= min(map(Decimal, values))
    assert ticks[-1] >= max(map(Decimal, values))
    assert 3 <= len(ticks) <= 8


def test_y_axis_starts_at_zero_when_the_minimum_is_near_zero():
    root = draw([yearly("All", 2000, ["4", "20"])])

    assert y_ticks(root)[0][0] == 0


def test_y_axis_zooms_in_when_the_values_are_far_from_zero():
    root = draw([yearly("All", 2000, ["983", "1017"])])

    assert y_ticks(root)[0][0] > 900


def test_tick_labels_are_compact():
    root = draw([yearly("All", 2000, ["152563212", "280598105"])])

    assert [text.text for text in all_of(root, ".//svg:g[@class='y-tick']/svg:text")] == [
        "150M",
        "200M",
        "250M",
        "300M",
    ]


def test_x_axis_labels_years_with_at_most_ten_labels():
    root = draw([yearly("All", 1980, [str(n) for n in range(45)])])

    labels = [int(label) for label in x_tick_labels(root)]
    assert len(labels) <= 10
    assert labels == sorted(labels)
    assert {b - a for a, b in itertools.pairwise(labels)} == {5}


def test_quarters_within_one_year_name_that_year_once():
    quarters = ChartSeries(
        "All",
        [
            ChartPoint(dt.date(2013, 1, 1), dt.date(2013, 3, 31), Decimal(1), "2013 Q1"),
            ChartPoint(dt.date(2013, 4, 1), dt.date(2013, 6, 30), Decimal(2), "2013 Q2"),
        ],
    )
    assert x_tick_labels(draw([quarters])) == ["2013"]


def test_series_get_okabe_ito_colours_then_dashes_once_the_colours_repeat():
    root = draw([yearly(f"Country {n}", 2000, ["1", str(n)]) for n in range(9)])

    polylines = all_of(root, ".//svg:g[@class='series']/svg:polyline")
    colours = [p.get("stroke") for p in polylines]
    assert set(colours[:8]) == OKABE_ITO
    assert colours[8] == colours[0]
    assert [p.get("stroke-dasharray") for p in polylines[:8]] == [None] * 8
    assert polylines[8].get("stroke-dasharray")


@pytest.mark.parametrize(
    ("series_count", "target", "legend_items"),
    [(1, None, 0), (2, None, 2), (1, TargetLine(Decimal(3), 2030, "T"), 2)],
)
def test_legend_appears_only_for_several_series_or_a_target(series_count, target, legend_items):
    root = draw([yearly(f"S{n}", 2015, ["1", "2"]) for n in range(series_count)], target=target)

    assert len(all_of(root, ".//svg:g[@class='legend-item']")) == legend_items


def test_legend_wraps_onto_rows_below_the_plot_and_the_chart_grows_to_hold_them():
    root = draw([yearly(f"A rather long series label {n}", 2015, ["1", "2"]) for n in range(8)])

    rows = {
        item.find("svg:text", NS).get("y")
        for item in all_of(root, ".//svg:g[@class='legend-item']")
    }
    assert len(rows) > 1
    assert min(map(float, rows)) > 330
    assert float(root.get("viewBox").split()[3]) > max(map(float, rows))


def test_description_summarises_series_periods_values_and_target():
    root = draw(
        [yearly("Female", 2010, ["12.5", "18"]), yearly("Male", 2011, ["9.8", "13"])],
        unit="%",
        target=TargetLine(Decimal(3), 2030, "Target: 3 by 2030"),
    )

    assert root.find("svg:desc", NS).text == (
        "Line chart of 2 series (Female, Male) from 2010 to 2012; values range from 9.8 to 18%. "
        "Target: 3 by 2030 (target value 3%)."
    )


def test_same_input_gives_the_same_svg():
    def chart() -> str:
        return line_chart_svg(
            [yearly("Female", 2010, ["1.5", "2"]), yearly("Male", 2010, ["3", "4"])],
            title="T",
            target=TargetLine(Decimal(3), 2030, "T"),
        )

    assert chart() == chart()
