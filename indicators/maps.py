"""A world map shading each country by a count, drawn on the server as accessible SVG.

Like the line charts, the markup is plain SVG with presentation attributes and a generic font: it
looks the same without JavaScript and in print. The shades step down in lightness, so they still
read in grey scale, and every country carries its name and exact count in a tooltip. The page is
expected to give the same numbers as a table beside the map.

The shapes are Natural Earth's at 1:110m, projected and simplified ahead of time (see
data/SOURCES.md); states too small to draw at that scale are dots, shown when they have a count.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from indicators.charts import TEXT_COLOUR, XML_INVALID, amount_text

WORLD_FILE = Path(__file__).parent / "data" / "world-110m.json"
NONE_COLOUR = "#F7F7F7"
# One blue from light to dark, about 14 CIELAB lightness units apart (and 11 from NONE_COLOUR),
# so the classes stay apart in grey scale and for readers who see no colour.
SHADES = ("#C1DAF4", "#84B5E2", "#4592C9", "#006EA6", "#004D7E")
BORDER_COLOUR = "#9A9A9A"
# Lower bounds of the classes. The first scheme whose top class starts at a fifth of the highest
# count or above is used, so no class spans much more than fivefold.
BREAK_SCHEMES = ((1, 2, 5, 10), (1, 5, 10, 25, 50), (1, 10, 50, 100, 500), (1, 10, 100, 1000))
FONT_SIZE = 16
# As in charts.py: the server cannot measure text, so this errs on the wide side for 16px.
CHAR_WIDTH = 9.4
DOT_RADIUS = 3.5


@dataclass(frozen=True)
class Shape:
    name: str
    d: str  # SVG path data, already projected into the map's view box


@dataclass(frozen=True)
class Dot:
    name: str
    x: float
    y: float


@dataclass(frozen=True)
class World:
    width: int
    height: int
    shapes: Mapping[str, Shape]  # by ISO 3166-1 alpha-3 code
    dots: Mapping[str, Dot]  # states too small for the shapes' scale


@functools.cache
def world() -> World:
    """The map data, read once per process."""
    data = json.loads(WORLD_FILE.read_text(encoding="utf-8"))
    return World(
        width=data["width"],
        height=data["height"],
        shapes={code: Shape(c["name"], c["d"]) for code, c in data["countries"].items()},
        dots={code: Dot(p["name"], *p["at"]) for code, p in data["points"].items()},
    )


def class_breaks(counts: Mapping[str, int]) -> tuple[int, ...]:
    """The classes' lower bounds for these counts (see BREAK_SCHEMES)."""
    highest = max(counts.values(), default=0)
    return next((s for s in BREAK_SCHEMES if s[-1] * 5 >= highest), BREAK_SCHEMES[-1])


def world_map_svg(
    counts: Mapping[str, int],
    *,
    title: str,
    description: str = "",
    link: Callable[[str], str] | None = None,
    unit: str | None = None,
    unit_one: str | None = None,
    breaks: Sequence[int] | None = None,
) -> SafeString:
    """Draw a world map shading each country by its count, safe to put in a template as it is.

    `counts` are keyed by ISO 3166-1 alpha-3 code; codes the map does not have (regions, states
    too small even for a dot) are left out, as are counts below one. `description` replaces the
    sentence that sums the map up for screen readers. With `link`, each country with a count is
    a link to `link(code)`, reachable from the keyboard. `breaks` are the lower bounds of the
    shaded classes, starting at 1 (at most five); by default they follow the highest count, so
    pass them to keep one key across several maps. The counts are of pledges unless `unit` (the
    plural, translated by the caller) says otherwise; pass `unit_one` with it: the tooltips say
    "France: 1 pledge". The same input gives the same string.
    """
    the_world = world()
    drawn = {
        code: count
        for code, count in counts.items()
        if count >= 1 and (code in the_world.shapes or code in the_world.dots)
    }
    breaks = tuple(breaks) if breaks is not None else class_breaks(drawn)
    if (
        not breaks
        or breaks[0] != 1
        or len(breaks) > len(SHADES)
        or list(breaks) != sorted(set(breaks))
    ):
        raise ValueError(f"breaks must rise from 1, at most {len(SHADES)} of them: {breaks}")
    shades = _shades(len(breaks))
    # Derived from the input, so output stays deterministic and two maps rarely share ids.
    key = repr(
        (
            str(title),
            str(description),
            unit and str(unit),
            unit_one and str(unit_one),
            breaks,
            sorted(drawn.items()),
            bool(link),
        )
    )
    map_id = "map-" + hashlib.blake2s(key.encode(), digest_size=4).hexdigest()

    def label(code: str, name: str) -> str:
        count = drawn.get(code, 0)
        if not count:
            if unit is None:
                return gettext("%(country)s: no pledges") % {"country": name}
            return gettext("%(country)s: no %(unit)s") % {"country": name, "unit": unit}
        # Translators: a country's tooltip on the map: its name and its count ("France: 3
        # pledges").
        return gettext("%(country)s: %(amount)s") % {
            "country": name,
            "amount": amount_text(f"{count:,}", count, unit, unit_one),
        }

    def fill(code: str) -> str:
        count = drawn.get(code, 0)
        shade = sum(1 for b in breaks if count >= b)
        return f'class="shade-{shade}" fill="{shades[shade - 1] if shade else NONE_COLOUR}"'

    def linked(code: str, name: str, shape: str) -> str:
        if link is None or code not in drawn:
            return shape
        return f'<a href="{_e(link(code))}" aria-label="{_e(label(code, name))}">{shape}</a>'

    # Countries without a count first, so the borders of those with one are drawn over them.
    order = sorted(the_world.shapes, key=lambda code: (code in drawn, code))
    body = [
        f'<g class="countries" stroke="{BORDER_COLOUR}" stroke-width="0.5" '
        'stroke-linejoin="round" fill-rule="evenodd">'
    ]
    for code in order:
        shape = the_world.shapes[code]
        # In a linked map the links speak for the countries; the rest is only for the eye.
        hidden = ' aria-hidden="true"' if link is not None and code not in drawn else ""
        path = (
            f'<path {fill(code)} d="{shape.d}"{hidden}>'
            f"<title>{_e(label(code, shape.name))}</title></path>"
        )
        body.append(linked(code, shape.name, path))
    body.append("</g>")
    dots = [code for code in sorted(drawn) if code in the_world.dots]
    if dots:
        body.append(f'<g class="dots" stroke="{TEXT_COLOUR}" stroke-width="1">')
        for code in dots:
            dot = the_world.dots[code]
            circle = (
                f'<circle {fill(code)} cx="{dot.x:g}" cy="{dot.y:g}" r="{DOT_RADIUS:g}">'
                f"<title>{_e(label(code, dot.name))}</title></circle>"
            )
            body.append(linked(code, dot.name, circle))
        body.append("</g>")

    legend, legend_height = _legend(
        breaks, shades, unit, bool(dots), the_world.width, the_world.height
    )
    body.append(legend)
    if link is not None:
        # Focus and hover outlines for the links. A page without the style still works: the
        # browser draws its own focus ring.
        body.insert(
            0,
            f"<style>#{map_id} a:focus path,#{map_id} a:hover path,#{map_id} a:focus circle,"
            f"#{map_id} a:hover circle{{stroke:#000000;stroke-width:2}}</style>",
        )
    desc = description or _describe(drawn, the_world, unit, unit_one)
    return _svg(
        map_id,
        the_world.width,
        the_world.height + legend_height,
        title,
        desc,
        body,
        linked=link is not None,
    )


def _shades(classes: int) -> tuple[str, ...]:
    """Spread the classes over the whole ramp, so the darkest shade always means the most."""
    if classes == 1:
        return (SHADES[len(SHADES) // 2],)
    step = (len(SHADES) - 1) / (classes - 1)
    return tuple(SHADES[round(i * step)] for i in range(classes))


def _class_labels(breaks: Sequence[int]) -> list[str]:
    labels = []
    for low, high in zip(breaks, [*breaks[1:], None], strict=True):
        if high is None:
            # Translators: the map's key: the class of the highest counts.
            labels.append(gettext("%(low)s or more") % {"low": f"{low:,}"})
        elif high - 1 == low:
            labels.append(f"{low:,}")
        else:
            # Translators: the map's key: a class of counts, from one to the other.
            between = gettext("%(low)s to %(high)s")
            labels.append(between % {"low": f"{low:,}", "high": f"{high - 1:,}"})
    return labels


def _legend(
    breaks: Sequence[int],
    shades: Sequence[str],
    unit: str | None,
    with_dots: bool,
    width: int,
    top: int,
) -> tuple[str, int]:
    """Lay the key out in rows below the map; return the markup and the height it takes."""
    if unit is None:
        heading = gettext("Pledges per country:")
    else:
        noun = str(unit)
        heading = gettext("%(unit)s per country:") % {"unit": f"{noun[:1].upper()}{noun[1:]}"}
    # Translators: the map's key: the shade of countries without any count.
    items = [(pgettext("map key", "None"), NONE_COLOUR, 0)]
    items += [(text, shades[i], i + 1) for i, text in enumerate(_class_labels(breaks))]
    left, right, row_height = 8, width - 8, 26
    parts = [
        f'<g class="legend"><text x="{left}" y="{top + 22}" '
        f'fill="{TEXT_COLOUR}">{_e(heading)}</text>'
    ]
    x, row = left + CHAR_WIDTH * len(heading) + 16, 0
    for text, colour, shade in items:
        item_width = 28 + CHAR_WIDTH * len(text)
        if x > left and x + item_width > right:
            x, row = left, row + 1
        y = top + 8 + row_height * row
        parts.append(
            f'<g class="legend-item legend-shade-{shade}"><rect x="{x:g}" y="{y}" width="20" '
            f'height="18" fill="{colour}" stroke="{BORDER_COLOUR}" stroke-width="1"/>'
            f'<text x="{x + 26:g}" y="{y + 14}" fill="{TEXT_COLOUR}">{_e(text)}</text></g>'
        )
        x += item_width + 16
    if with_dots:
        note = gettext("Dots: countries too small to draw")
        if x + 28 + CHAR_WIDTH * len(note) > right:
            x, row = left, row + 1
        y = top + 8 + row_height * row
        parts.append(
            f'<g class="legend-dots"><circle cx="{x + 10:g}" cy="{y + 9}" r="{DOT_RADIUS:g}" '
            f'fill="{SHADES[0]}" stroke="{TEXT_COLOUR}" stroke-width="1"/>'
            f'<text x="{x + 26:g}" y="{y + 14}" fill="{TEXT_COLOUR}">{_e(note)}</text></g>'
        )
    parts.append("</g>")
    return "".join(parts), row_height * (row + 1) + 8


def _describe(
    drawn: Mapping[str, int], the_world: World, unit: str | None, unit_one: str | None
) -> str:
    if not drawn:
        if unit is None:
            return gettext("World map; no country has any pledges.")
        return gettext("World map; no country has any %(unit)s.") % {"unit": unit}
    total = sum(drawn.values())
    names = {code: dot.name for code, dot in the_world.dots.items()}
    names.update({code: shape.name for code, shape in the_world.shapes.items()})
    top = sorted(drawn, key=lambda code: (-drawn[code], names[code]))[:3]
    most = ", ".join(f"{names[code]} ({drawn[code]:,})" for code in top)
    countries = ngettext("%(count)s country", "%(count)s countries", len(drawn)) % {
        "count": f"{len(drawn):,}"
    }
    figures = {
        "unit": unit,
        "amount": amount_text(f"{total:,}", total, unit, unit_one),
        "countries": countries,
        "most": most,
    }
    if unit is None:
        return (
            gettext(
                # Translators: the sentence that sums the map up for screen readers; "most"
                # lists the countries with the most pledges, with their counts.
                "World map shading each country by its number of pledges: %(amount)s in "
                "%(countries)s; the most in %(most)s."
            )
            % figures
        )
    return (
        gettext(
            "World map shading each country by its number of %(unit)s: %(amount)s in "
            "%(countries)s; the most in %(most)s."
        )
        % figures
    )


def _svg(
    map_id: str, width: int, height: int, title: str, desc: str, body: list[str], *, linked: bool
) -> SafeString:
    # A map of links cannot be one image: role="img" would hide the links from screen readers.
    role = "group" if linked else "img"
    markup = (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{map_id}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="{role}" aria-labelledby="{map_id}-title {map_id}-desc" '
        f'font-family="sans-serif" font-size="{FONT_SIZE}">'
        f'<title id="{map_id}-title">{_e(title)}</title>'
        f'<desc id="{map_id}-desc">{_e(desc)}</desc>{"".join(body)}</svg>'
    )
    # Every piece of text above went through _e; numbers, colours and path data are ours.
    return mark_safe(markup)  # noqa: S308


def _e(text: str) -> str:
    return escape(XML_INVALID.sub("", str(text)))
