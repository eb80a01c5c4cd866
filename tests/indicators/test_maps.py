"""The world map is well-formed, accessible SVG that shades each country by its count."""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString

from indicators.maps import (
    NONE_COLOUR,
    SHADES,
    WORLD_FILE,
    class_breaks,
    world,
    world_map_svg,
)

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    # The text is the map's own output, not outside input; parsing it proves it well-formed.
    return ET.fromstring(svg)  # noqa: S314


def draw(counts: dict[str, int], **options) -> ET.Element:
    return parse(world_map_svg(counts, title=options.pop("title", "Pledges"), **options))


def country(root: ET.Element, name: str) -> ET.Element:
    """The shape or dot whose tooltip names the country."""
    for shape in root.iterfind(".//svg:g[@class='countries']//svg:path", NS):
        if shape.find("svg:title", NS).text.startswith(f"{name}:"):
            return shape
    for dot in root.iterfind(".//svg:g[@class='dots']//svg:circle", NS):
        if dot.find("svg:title", NS).text.startswith(f"{name}:"):
            return dot
    raise AssertionError(f"{name} is not on the map")


def legend(root: ET.Element) -> list[str]:
    return [t.text for t in root.iterfind(".//svg:g[@class='legend']/svg:g/svg:text", NS)]


def test_map_data_stays_small_and_keyed_by_iso_codes():
    assert WORLD_FILE.stat().st_size < 300_000
    data = json.loads(WORLD_FILE.read_text(encoding="utf-8"))
    assert all(re.fullmatch("[A-Z]{3}", code) for code in [*data["countries"], *data["points"]])
    assert data["countries"]["FRA"]["name"] == "France"
    assert data["countries"]["NOR"]["name"] == "Norway"  # -99 in Natural Earth's ISO_A3


def test_output_is_safe_to_put_in_a_template_as_it_is():
    assert isinstance(world_map_svg({"FRA": 1}, title="T"), SafeString)


def test_map_draws_a_shape_for_every_country_of_the_data():
    root = draw({})

    shapes = root.findall(".//svg:g[@class='countries']/svg:path", NS)
    assert len(shapes) == len(world().shapes) > 170
    assert all(re.fullmatch(r"(M[-\d. ]+l[-\d. ]+z)+", s.get("d")) for s in shapes)
    assert {s.get("fill") for s in shapes} == {NONE_COLOUR}
    # No country has a count, so there are no dots and nothing to link.
    assert root.find(".//svg:g[@class='dots']", NS) is None
    assert root.find(".//svg:a", NS) is None


def test_country_with_a_count_gets_its_class_shade_and_tooltip():
    root = draw({"FRA": 12, "KEN": 1, "IND": 3, "BRA": 7})

    france = country(root, "France")
    assert france.find("svg:title", NS).text == "France: 12 pledges"
    assert france.get("class") == "shade-4"  # 10 or more, of 1 / 2-4 / 5-9 / 10+
    assert france.get("fill") == SHADES[-1]
    assert country(root, "Kenya").find("svg:title", NS).text == "Kenya: 1 pledge"
    assert country(root, "Kenya").get("class") == "shade-1"
    assert country(root, "India").get("class") == "shade-2"
    assert country(root, "Brazil").get("class") == "shade-3"
    chile = country(root, "Chile")
    assert chile.find("svg:title", NS).text == "Chile: no pledges"
    assert (chile.get("class"), chile.get("fill")) == ("shade-0", NONE_COLOUR)


def test_shades_get_darker_with_the_count_so_they_survive_grey_scale():
    def lightness(colour: str) -> float:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    steps = [lightness(c) for c in (NONE_COLOUR, *SHADES)]
    assert steps == sorted(steps, reverse=True)
    assert min(a - b for a, b in itertools.pairwise(steps)) > 20


def test_classes_follow_the_highest_count_unless_given():
    assert class_breaks({}) == (1, 2, 5, 10)
    assert class_breaks({"FRA": 50}) == (1, 2, 5, 10)
    assert class_breaks({"FRA": 51}) == (1, 5, 10, 25, 50)
    assert class_breaks({"FRA": 10_000}) == (1, 10, 100, 1000)

    root = draw({"FRA": 12, "DEU": 3}, breaks=(1, 10, 100))

    assert country(root, "France").get("class") == "shade-2"
    assert country(root, "Germany").get("class") == "shade-1"
    assert legend(root) == ["None", "1 to 9", "10 to 99", "100 or more"]
    with pytest.raises(ValueError, match="breaks"):
        world_map_svg({}, title="T", breaks=(2, 5))


def test_legend_lists_the_classes_in_order_with_their_shades():
    root = draw({"FRA": 12})

    assert legend(root) == ["None", "1", "2 to 4", "5 to 9", "10 or more"]
    swatches = root.findall(".//svg:g[@class='legend']/svg:g/svg:rect", NS)
    assert [s.get("fill") for s in swatches] == [NONE_COLOUR, *[SHADES[i] for i in (0, 1, 3, 4)]]
    heading = root.find(".//svg:g[@class='legend']/svg:text", NS)
    assert heading.text == "Pledges per country:"


def test_unknown_codes_and_counts_below_one_are_left_out():
    root = draw({"FRA": 2, "001": 40, "EU": 7, "ZZZ": 3, "DEU": 0, "ITA": -1})

    titles = [t.text for t in root.iterfind(".//svg:title", NS)]
    assert "France: 2 pledges" in titles
    assert "Germany: no pledges" in titles
    assert "Italy: no pledges" in titles
    # The unknown 40 pledges would have moved the classes and the total.
    assert legend(root)[-1] == "10 or more"
    assert "2 pledges in 1 country" in root.find("svg:desc", NS).text


def test_states_too_small_to_draw_are_dots_when_they_have_a_count():
    root = draw({"SGP": 30, "MLT": 1})

    singapore = country(root, "Singapore")
    assert singapore.tag == "{http://www.w3.org/2000/svg}circle"
    assert singapore.find("svg:title", NS).text == "Singapore: 30 pledges"
    assert len(root.findall(".//svg:g[@class='dots']/svg:circle", NS)) == 2
    assert "Dots: countries too small to draw" in [
        t.text for t in root.iterfind(".//svg:g[@class='legend-dots']/svg:text", NS)
    ]


def test_map_names_itself_for_screen_readers():
    root = draw({"FRA": 12, "KEN": 9, "MEX": 7, "DEU": 1}, title="Published pledges")

    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"svg:title[@id='{title_id}']", NS).text == "Published pledges"
    assert root.find(f"svg:desc[@id='{desc_id}']", NS).text == (
        "World map shading each country by its number of pledges: 29 pledges in 4 countries; "
        "the most in France (12), Kenya (9), Mexico (7)."
    )
    described = draw({"FRA": 1}, description="Where the pledges come from.")
    assert described.find("svg:desc", NS).text == "Where the pledges come from."


def test_text_is_escaped():
    svg = world_map_svg(
        {"FRA": 1},
        title="<script>alert(1)</script> & co",
        description='"quoted" <b>',
        unit="<i>pledges</i>",
        unit_one="<i>pledge</i>",
        link=lambda code: f'/c/{code}/?a=1&b="x"',
    )

    assert "<script>" not in svg
    assert "<i>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.find("svg:title", NS).text == "<script>alert(1)</script> & co"
    assert root.find(".//svg:a", NS).get("href") == '/c/FRA/?a=1&b="x"'


def test_linked_map_links_only_the_countries_with_a_count():
    root = draw({"FRA": 12, "SGP": 2, "ZZZ": 4}, link=lambda code: f"/countries/{code}/")

    links = root.findall(".//svg:a", NS)
    assert sorted(a.get("href") for a in links) == ["/countries/FRA/", "/countries/SGP/"]
    assert sorted(a.get("aria-label") for a in links) == [
        "France: 12 pledges",
        "Singapore: 2 pledges",
    ]
    # Links must reach screen readers, so the map is a group that keeps its name.
    assert root.get("role") == "group"
    assert root.find("svg:title", NS).text == "Pledges"
    assert len(root.get("aria-labelledby").split()) == 2
    unlinked = root.findall(".//svg:g[@class='countries']/svg:path", NS)
    assert len(unlinked) == len(world().shapes) - 1
    assert {p.get("aria-hidden") for p in unlinked} == {"true"}


def test_map_refers_to_nothing_outside_itself():
    svg = world_map_svg({"FRA": 3, "SGP": 1}, title="T", link=lambda code: f"/c/{code}/")

    assert re.findall(r"https?://[^\"'\s]*", svg) == ["http://www.w3.org/2000/svg"]
    assert "<image" not in svg
    assert "<script" not in svg
    assert "url(" not in svg


def test_same_input_gives_the_same_map_and_different_maps_different_ids():
    first = world_map_svg({"FRA": 3}, title="T")

    assert world_map_svg({"FRA": 3}, title="T") == first
    assert parse(first).get("id") != draw({"FRA": 4}, title="T").get("id")
