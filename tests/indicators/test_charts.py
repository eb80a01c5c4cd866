"""The line and bar charts are well-formed, accessible SVG that draws what it is given."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils.safestring import SafeString

from indicators.charts import (
    BAR_COLOUR,
    ChartPoint,
    ChartSeries,
    TargetLine,
    bar_chart_svg,
    line_chart_svg,
)

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


# Bar charts -------------------------------------------------------------------------------------

STATUSES = [("Planned", 5), ("Ongoing", 4), ("Completed", 2), ("Update due", 1), ("Inactive", 0)]


def bars(rows, **options) -> ET.Element:
    return parse(bar_chart_svg(rows, title=options.pop("title", "Chart"), **options))


def bar_rows(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{{{NS['svg']}}}g") if "bar-row" in g.get("class", "").split()]


def bar_widths(root: ET.Element) -> dict[str, float]:
    """Each drawn bar's width by its row's label."""
    return {
        row.find("svg:text[@class='bar-label']", NS).text: float(
            row.find("svg:rect[@class='bar']", NS).get("width")
        )
        for row in bar_rows(root)
        if row.find("svg:rect[@class='bar']", NS) is not None
    }


def test_bar_chart_scales_to_a_phone_and_names_itself_for_screen_readers():
    svg = bar_chart_svg(STATUSES, title="Pledges by status")
    root = parse(svg)

    assert isinstance(svg, SafeString)
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert root.get("preserveAspectRatio") == "xMinYMin meet"
    assert root.get("viewBox").startswith("0 0 640 ")
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"svg:title[@id='{title_id}']", NS).text == "Pledges by status"
    assert root.find(f"svg:desc[@id='{desc_id}']", NS).text
    assert "<script" not in svg
    assert "<style" not in svg
    assert "href" not in svg


def test_bar_chart_draws_one_row_per_count_in_the_given_order_about_28_px_apart():
    root = bars(STATUSES)

    labels = [row.find("svg:text[@class='bar-label']", NS).text for row in bar_rows(root)]
    assert labels == ["Planned", "Ongoing", "Completed", "Update due", "Inactive"]
    ys = [float(row.find("svg:text", NS).get("y")) for row in bar_rows(root)]
    assert {b - a for a, b in itertools.pairwise(ys)} == {28}
    taller = bars([*STATUSES, *STATUSES])
    extra = float(taller.get("viewBox").split()[3]) - float(root.get("viewBox").split()[3])
    assert extra == 5 * 28


def test_bars_are_scaled_to_the_largest_count_which_fills_the_width_with_room_for_its_count():
    root = bars([("Half", 500), ("Most", 1000), ("Fifth", 200)])

    widths = bar_widths(root)
    assert widths["Half"] == pytest.approx(widths["Most"] / 2, abs=0.1)
    assert widths["Fifth"] == pytest.approx(widths["Most"] / 5, abs=0.1)
    longest = next(r for r in bar_rows(root) if r.find("svg:text", NS).text == "Most")
    bar = longest.find("svg:rect", NS)
    count = longest.find("svg:text[@class='bar-value']", NS)
    bar_end = float(bar.get("x")) + float(bar.get("width"))
    assert bar_end > 640 - 120
    assert bar_end < float(count.get("x"))
    # The count "1,000" still fits inside the view box at a generous 10px a character.
    assert float(count.get("x")) + 10 * len(count.text) <= 640


def test_bars_start_together_at_a_light_axis():
    root = bars(STATUSES)

    axis = root.find(".//svg:line[@class='axis']", NS)
    assert axis.get("x1") == axis.get("x2")
    assert {bar.get("x") for bar in all_of(root, ".//svg:rect[@class='bar']")} == {axis.get("x1")}


def test_a_zero_count_gets_its_label_and_a_zero_but_no_bar():
    root = bars(STATUSES)

    inactive = bar_rows(root)[-1]
    assert inactive.find("svg:rect", NS) is None
    assert inactive.find("svg:text[@class='bar-label']", NS).text == "Inactive"
    assert inactive.find("svg:text[@class='bar-value']", NS).text == "0"
    assert len(all_of(root, ".//svg:rect[@class='bar']")) == 4


def test_only_zero_counts_draw_rows_without_bars_or_dividing_by_zero():
    root = bars([("Planned", 0), ("Ongoing", Decimal(0))])

    assert len(bar_rows(root)) == 2
    assert all_of(root, ".//svg:rect[@class='bar']") == []
    assert root.find("svg:desc", NS).text == "Bar chart: no pledges in 2 groups."


def test_counts_are_written_exactly_with_thousands_separators():
    root = bars([("Big", 1234567), ("Part", Decimal("2500.5")), ("Whole", Decimal("12.0"))])

    values = [t.text for t in all_of(root, ".//svg:text[@class='bar-value']")]
    assert values == ["1,234,567", "2,500.5", "12"]


def test_each_row_has_a_tooltip_naming_label_and_count_in_singular_or_plural():
    root = bars(
        [("Planned", 12), ("Ongoing", 1), ("Inactive", 0), ("Big", 1234)],
        unit="organisations",
        unit_one="organisation",
    )

    assert [row.find("svg:title", NS).text for row in bar_rows(root)] == [
        "Planned: 12 organisations",
        "Ongoing: 1 organisation",
        "Inactive: 0 organisations",
        "Big: 1,234 organisations",
    ]


def test_long_labels_are_cut_with_an_ellipsis_and_kept_whole_in_the_tooltip():
    long = "Objective 7: strengthen capacity for evidence-based policies on migration"
    root = bars([(long, 3), ("Short", 1)])

    row = bar_rows(root)[0]
    shown = row.find("svg:text[@class='bar-label']", NS).text
    assert shown.endswith("…")
    assert long.startswith(shown[:-1])
    assert len(shown) < 30
    assert row.find("svg:title", NS).text == f"{long}: 3 pledges"
    assert root.find("svg:desc", NS).text.count(long) == 1


def test_highlighted_rows_are_hatched_with_a_pattern_defined_in_the_chart():
    root = bars(STATUSES, highlight=[1, 3, 4])

    pattern = root.find("svg:defs/svg:pattern", NS)
    assert pattern.get("id").startswith(root.get("id"))
    fills = [
        row.find("svg:rect[@class='bar']", NS).get("fill")
        for row in bar_rows(root)
        if row.find("svg:rect[@class='bar']", NS) is not None
    ]
    hatch = f"url(#{pattern.get('id')})"
    assert fills == [BAR_COLOUR, hatch, BAR_COLOUR, hatch]
    assert ["highlight" in row.get("class").split() for row in bar_rows(root)] == [
        False,
        True,
        False,
        True,
        True,
    ]


def test_bars_are_the_site_accent_colour_and_need_no_pattern_without_highlights():
    css = Path(__file__).parents[2] / "tracker" / "static" / "tracker" / "site.css"
    accent = re.search(r"--accent:\s*(#[0-9a-fA-F]{6})", css.read_text()).group(1)
    root = bars(STATUSES)

    assert BAR_COLOUR.lower() == accent.lower()
    assert root.find(".//svg:pattern", NS) is None
    assert {bar.get("fill") for bar in all_of(root, ".//svg:rect[@class='bar']")} == {BAR_COLOUR}


def test_two_bar_charts_on_a_page_do_not_share_ids_or_patterns():
    first = bars(STATUSES, highlight=[0])
    second = bars(STATUSES[:3], highlight=[0])

    assert first.get("id") != second.get("id")
    assert first.find(".//svg:pattern", NS).get("id") != second.find(".//svg:pattern", NS).get("id")


def test_generated_description_gives_the_total_and_the_largest_groups():
    root = bars(STATUSES)

    assert root.find("svg:desc", NS).text == (
        "Bar chart: 12 pledges in 5 groups; the most: Planned (5), Ongoing (4), Completed (2)."
    )


def test_generated_description_of_one_group_with_one_count_is_singular():
    root = bars([("Planned", 1)])

    assert (
        root.find("svg:desc", NS).text == "Bar chart: 1 pledge in 1 group; the most: Planned (1)."
    )


def test_given_description_replaces_the_generated_one():
    root = bars(STATUSES, description="Most pledges are planned.")

    assert root.find("svg:desc", NS).text == "Most pledges are planned."


def test_bar_chart_text_with_markup_characters_is_escaped_and_shown_as_written():
    nasty = "<b>A & \"B\" 'C'</b>"
    svg = bar_chart_svg(
        [(nasty, 2), ("Other", 1)],
        title=nasty,
        unit=nasty,
        description=nasty,
        link=lambda index: f"/explorer/?q={nasty}&amp;n={index}",
    )
    root = parse(svg)

    assert "<b>" not in svg
    assert root.find("svg:title", NS).text == nasty
    assert root.find("svg:desc", NS).text == nasty
    row = bar_rows(root)[0]
    assert row.find("svg:text[@class='bar-label']", NS).text == nasty
    assert row.find("svg:title", NS).text == f"{nasty}: 2 {nasty}"
    link = root.find("svg:a", NS)
    assert link.get("href") == f"/explorer/?q={nasty}&amp;n=0"
    assert link.get("aria-label") == f"{nasty}: 2 {nasty}"


def test_control_characters_in_bar_labels_do_not_break_the_xml():
    root = bars([("Bad\x00\x1blabel", 1)], title="T\x0c")

    assert bar_rows(root)[0].find("svg:title", NS).text == "Badlabel: 1 pledge"
    assert root.find("svg:title", NS).text == "T"


@pytest.mark.parametrize("linked", [False, True], ids=["image", "links"])
def test_bar_chart_is_well_formed_and_refers_to_nothing_outside_itself(linked):
    svg = bar_chart_svg(
        STATUSES,
        title="T",
        highlight=[3],
        link=(lambda index: f"/explorer/?status={index}") if linked else None,
    )
    parse(svg)

    assert set(re.findall(r"[a-z]+://[^\s\"'<>)]*", svg)) == {"http://www.w3.org/2000/svg"}
    assert all(ref.startswith("#") for ref in re.findall(r"url\(([^)]*)\)", svg))
    assert "@import" not in svg


def test_bar_chart_with_links_makes_each_row_a_link_named_for_screen_readers():
    root = bars(STATUSES, link=lambda index: f"/explorer/?status={index}")

    assert root.get("role") == "group"
    links = all_of(root, "svg:a")
    assert [a.get("href") for a in links] == [f"/explorer/?status={i}" for i in range(5)]
    assert [a.get("aria-label") for a in links] == [
        "Planned: 5 pledges",
        "Ongoing: 4 pledges",
        "Completed: 2 pledges",
        "Update due: 1 pledge",
        "Inactive: 0 pledges",
    ]
    # Label, bar and count are all inside the link, so each is a target for pointer and keyboard.
    first = links[0].find("svg:g", NS)
    assert first.find("svg:text[@class='bar-label']", NS).text == "Planned"
    assert first.find("svg:rect[@class='bar']", NS) is not None
    assert first.find("svg:text[@class='bar-value']", NS).text == "5"
    assert root.find("svg:style", NS).text.startswith(f"#{root.get('id')} a:focus")


def test_empty_bar_chart_is_a_small_accessible_no_data_message():
    root = bars([], title="Pledges by status", link=lambda index: f"/{index}")

    assert root.get("role") == "img"
    assert float(root.get("viewBox").split()[3]) < 100
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"svg:title[@id='{title_id}']", NS).text == "Pledges by status"
    assert root.find(f"svg:desc[@id='{desc_id}']", NS).text == "No data for this selection."
    assert [t.text for t in all_of(root, ".//svg:text")] == ["No data for this selection"]


@pytest.mark.parametrize("value", [-1, Decimal("-0.5"), Decimal("NaN"), Decimal("Infinity")])
def test_bar_chart_refuses_a_count_that_is_negative_or_not_a_number(value):
    with pytest.raises(ValueError, match="Broken"):
        bar_chart_svg([("Fine", 1), ("Broken", value)], title="T")


@pytest.mark.parametrize("highlight", [[2], [-1]])
def test_bar_chart_refuses_to_highlight_a_row_it_does_not_have(highlight):
    with pytest.raises(ValueError, match="highlight"):
        bar_chart_svg([("A", 1), ("B", 2)], title="T", highlight=highlight)


def test_same_rows_give_the_same_bar_chart_and_other_rows_another_id():
    def chart(rows) -> str:
        return bar_chart_svg(rows, title="T", highlight=[1], link=lambda index: f"/s/{index}")

    assert chart(STATUSES) == chart(list(STATUSES))
    assert parse(chart(STATUSES)).get("id") != parse(chart(STATUSES[::-1])).get("id")
