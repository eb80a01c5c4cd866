"""Line charts of indicator time series and bar charts of counts, drawn on the server as
accessible SVG.

The markup is plain SVG 1.1 with presentation attributes and a generic font, so it looks the same
on a page without JavaScript and in a WeasyPrint PDF. Screen readers get the title and a sentence
that sums the chart up; every point carries its exact value in a tooltip. The `class` attributes
are hooks for pages and tests only: nothing depends on a stylesheet to look right.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy

# Okabe & Ito's colour-blind-safe palette; black, which reads as an axis, and yellow, faint on
# white, come last.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
# Once the colours come round again the dash tells lines apart, also for readers who see no colour.
DASHES = ("", "12 4", "2 3", "8 3 2 3")
TARGET_COLOUR = "#555555"
TARGET_DASH = "5 5"
TEXT_COLOUR = "#333333"
# The server cannot measure text; this average for 12px sans-serif errs on the wide side.
CHAR_WIDTH = 7.0
NO_DATA = gettext_lazy("No data for this selection")
# The same, as the sentence that sums an empty chart up for screen readers.
NO_DATA_SENTENCE = gettext_lazy("No data for this selection.")
SCALES = (
    (Decimal(10) ** 9, pgettext_lazy("short for billion, after a number on an axis", "B")),
    (Decimal(10) ** 6, pgettext_lazy("short for million, after a number on an axis", "M")),
)
# Characters XML 1.0 forbids even when escaped; a stray one in a label would break the page.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class ChartPoint:
    start: dt.date  # period start
    end: dt.date  # period end (x position = middle of the period)
    value: Decimal
    label: str  # period label as the source wrote it, e.g. "2016/17", "2013 Q1"
    note: str = ""  # what the source says of the value: "provisional", "OBS_STATUS: E"


@dataclass(frozen=True)
class ChartSeries:
    label: str  # e.g. "Sex: Female" or "All"
    points: Sequence[ChartPoint]


@dataclass(frozen=True)
class TargetLine:
    value: Decimal
    year: int | None  # target year, drawn as a marker at the end of the line when given
    label: str  # e.g. "Target: 3 by 2030"


def line_chart_svg(
    series: Sequence[ChartSeries],
    *,
    title: str,
    unit: str = "",
    target: TargetLine | None = None,
    width: int = 720,
    height: int = 360,
) -> SafeString:
    """Draw the series as one SVG line chart, safe to put in a template as it is.

    Points are drawn in period order; points with a non-finite value and series without points
    are left out. `height` is the height of the plot with its axes: a legend (drawn when there
    are several series or a target) adds rows below it. The same input gives the same string.
    """
    drawn = [ChartSeries(s.label, _ordered(s.points)) for s in series]
    drawn = [s for s in drawn if s.points]
    if target and not target.value.is_finite():
        target = None
    # Derived from the input, so output stays deterministic and two charts rarely share ids.
    key = repr(
        (str(title), unit, target, width, height, [(s.label, tuple(s.points)) for s in series])
    )
    chart_id = "chart-" + hashlib.blake2s(key.encode(), digest_size=4).hexdigest()
    if not drawn:
        message = (
            f'<text x="{width / 2:g}" y="{height / 2:g}" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{_e(NO_DATA)}</text>'
        )
        return _svg(chart_id, width, height, title, str(NO_DATA_SENTENCE), [message])

    values = [p.value for s in drawn for p in s.points]
    bounds = values + ([target.value] if target else [])
    ticks = _nice_ticks(*_value_range(min(bounds), max(bounds)))
    tick_labels = _tick_labels(ticks)
    middles = [_middle(p.start, p.end) for s in drawn for p in s.points]
    target_x = _year_middle(target.year) if target and target.year is not None else None
    xs = [*middles, target_x] if target_x is not None else middles
    x_low, x_high = min(xs), max(xs)
    if x_low == x_high:
        x_low, x_high = x_low - 183, x_high + 183

    left = 12 + CHAR_WIDTH * max(len(label) for label in tick_labels)
    right, top, bottom = width - 16, 28 if unit else 16, height - 30
    pad = 12  # keeps markers off the axes

    def x_at(x: float) -> float:
        return left + pad + (right - left - 2 * pad) * (x - x_low) / (x_high - x_low)

    def y_at(value: Decimal) -> float:
        return bottom - (bottom - top) * float((value - ticks[0]) / (ticks[-1] - ticks[0]))

    body = []
    for tick, text in zip(ticks, tick_labels, strict=True):
        y = _n(y_at(tick))
        # Zero inside the range is drawn darker, so negative values read as negative.
        stroke = "#999999" if tick == 0 and tick != ticks[0] else "#DDDDDD"
        body.append(
            f'<g class="y-tick"><line x1="{_n(left)}" y1="{y}" x2="{right}" y2="{y}" '
            f'stroke="{stroke}" stroke-width="1"/><text x="{_n(left - 6)}" y="{y}" dy="4" '
            f'text-anchor="end" fill="{TEXT_COLOUR}">{_e(text)}</text></g>'
        )
    if unit:
        body.append(
            f'<text class="unit" x="4" y="{top - 12}" fill="{TEXT_COLOUR}">{_e(unit)}</text>'
        )
    body.append(
        f'<line x1="{_n(left)}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#999999" '
        'stroke-width="1"/>'
    )
    for year, x in _year_ticks(x_low, x_high):
        body.append(
            f'<g class="x-tick"><line x1="{_n(x_at(x))}" y1="{bottom}" x2="{_n(x_at(x))}" '
            f'y2="{bottom + 5}" stroke="#999999" stroke-width="1"/><text x="{_n(x_at(x))}" '
            f'y="{bottom + 18}" text-anchor="middle" fill="{TEXT_COLOUR}">{year}</text></g>'
        )

    if target:
        y = _n(y_at(target.value))
        # The label goes above the line, or below it when the line runs along the top.
        dy = 17 if y_at(target.value) - top < 16 else -9
        body.append(
            f'<g class="target"><line x1="{_n(left)}" y1="{y}" x2="{right}" y2="{y}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="1.5" stroke-dasharray="{TARGET_DASH}"/>'
            f'<text x="{right - 4}" y="{y}" dy="{dy}" text-anchor="end" fill="{TEXT_COLOUR}">'
            f"{_e(target.label)}</text>"
        )
        if target_x is not None:
            body.append(_diamond(x_at(target_x), y_at(target.value), target.label))
        body.append("</g>")

    for index, s in enumerate(drawn):
        colour, dash = _style(index)
        body.append('<g class="series">')
        coordinates = [(x_at(_middle(p.start, p.end)), y_at(p.value)) for p in s.points]
        if len(coordinates) > 1:
            points = " ".join(f"{_n(x)},{_n(y)}" for x, y in coordinates)
            body.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2" '
                f'stroke-linejoin="round"{_dash(dash)}/>'
            )
        for p, (x, y) in zip(s.points, coordinates, strict=True):
            # Translators: a point's tooltip in a line chart: the series, the period, the value.
            tooltip = gettext("%(series)s — %(period)s: %(value)s") % {
                "series": s.label,
                "period": p.label,
                "value": _with_unit(_format_number(p.value, False), unit),
            }
            if p.note:
                # Translators: a point's tooltip, and what the source says of its value.
                tooltip = gettext("%(point)s (%(note)s)") % {"point": tooltip, "note": p.note}
            body.append(_circle(x, y, colour, tooltip))
        body.append("</g>")

    legend_height = 0
    if len(drawn) > 1 or target:
        items = [(s.label, *_style(i), False) for i, s in enumerate(drawn)]
        if target:
            items.append((target.label, TARGET_COLOUR, TARGET_DASH, True))
        legend, legend_height = _legend(items, left, right, height)
        body.append(legend)
    description = _describe(drawn, values, unit, target)
    return _svg(chart_id, width, height + legend_height, title, description, body)


def _ordered(points: Sequence[ChartPoint]) -> tuple[ChartPoint, ...]:
    return tuple(sorted((p for p in points if p.value.is_finite()), key=lambda p: (p.start, p.end)))


def _middle(start: dt.date, end: dt.date) -> float:
    return (start.toordinal() + end.toordinal()) / 2


def _year_middle(year: int) -> float:
    return _middle(dt.date(year, 1, 1), dt.date(year, 12, 31))


def _value_range(low: Decimal, high: Decimal) -> tuple[Decimal, Decimal]:
    """Widen the data's range to the one the y axis should show."""
    if low == high:
        # A flat series has no spread to zoom into: show it against zero.
        low, high = min(low, Decimal(0)), max(high, Decimal(0))
        return (low, high) if low != high else (Decimal(0), Decimal(1))
    # Start at zero when that at most doubles the axis: the data keep half the height or more,
    # and a baseline near the data would exaggerate change.
    if 0 <= low <= high / 2:
        low = Decimal(0)
    elif low / 2 <= high <= 0:
        high = Decimal(0)
    return low, high


def _nice_ticks(low: Decimal, high: Decimal, count: int = 5) -> list[Decimal]:
    """Return ticks 1, 2 or 5 times 10^n apart, from at or below `low` to at or above `high`."""
    rough = (high - low) / count
    steps = (Decimal(m).scaleb(rough.adjusted()) for m in (1, 2, 5, 10))
    step = next(s for s in steps if s >= rough)
    first = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    last = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    return [first + step * i for i in range(int((last - first) / step) + 1)]


def _tick_labels(ticks: list[Decimal]) -> list[str]:
    # One scale and one precision for the whole axis, so "0.5M" never sits beside "1,000,000".
    factor, suffix = _scale(max(abs(t) for t in ticks))
    places = max(0, -((ticks[1] - ticks[0]) / factor).adjusted())
    return [_decimal_text(t / factor, places) + suffix if t else "0" for t in ticks]


def _year_ticks(x_low: float, x_high: float) -> list[tuple[int, float]]:
    """Years whose middle falls in the range, every 1, 2, 5... years so at most 10 show."""
    first, last = dt.date.fromordinal(int(x_low)).year, dt.date.fromordinal(int(x_high)).year
    years = [y for y in range(first, last + 1) if x_low <= _year_middle(y) <= x_high]
    if first == last or not years:
        # Data inside one year: name it once in the middle, not where its middle happens to fall.
        centre = (x_low + x_high) / 2
        return [(dt.date.fromordinal(int(centre)).year, centre)]
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 1000):
        shown = [y for y in years if y % step == 0]
        if len(shown) <= 10:
            break
    return [(y, _year_middle(y)) for y in shown]


def _scale(magnitude: Decimal) -> tuple[Decimal, str]:
    return next(((f, str(s)) for f, s in SCALES if magnitude >= f), (Decimal(1), ""))


def _format_number(value: Decimal, abbreviate: bool = True) -> str:
    """1,234.5, 0.025, 0.00123, 2.5M: at most 3 decimals, or 3 significant digits below 1."""
    factor, suffix = _scale(abs(value)) if abbreviate else (Decimal(1), "")
    scaled = value / factor
    places = 3 if not scaled or abs(scaled) >= 1 else 2 - scaled.adjusted()
    return _decimal_text(scaled, places) + suffix


def _decimal_text(value: Decimal, places: int) -> str:
    # Enough precision for any magnitude, where the default 28 digits would raise on 1E+30.
    context = Context(prec=max(28, value.adjusted() + places + 2), rounding=ROUND_HALF_UP)
    rounded = value.quantize(Decimal(1).scaleb(-places), context=context)
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _with_unit(number: str, unit: str) -> str:
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def _describe(
    drawn: list[ChartSeries], values: list[Decimal], unit: str, target: TargetLine | None
) -> str:
    points = [p for s in drawn for p in s.points]
    first = min(points, key=lambda p: (p.start, p.end)).label
    last = max(points, key=lambda p: (p.end, p.start)).label
    low, high = min(values), max(values)
    figures = {
        "count": len(drawn),
        "names": ", ".join(s.label for s in drawn),
        "first": first,
        "last": last,
        "low": _format_number(low),
        "high": _with_unit(_format_number(high), unit),
        "value": _with_unit(_format_number(low), unit),
    }
    if first != last and low != high:
        text = ngettext(
            # Translators: the sentence that sums a line chart up for screen readers (the three
            # below are its variants); "series" are its lines, "names" their names, "first"
            # and "last" periods as the source writes them.
            "Line chart of %(count)s series (%(names)s) from %(first)s to %(last)s; values "
            "range from %(low)s to %(high)s.",
            "Line chart of %(count)s series (%(names)s) from %(first)s to %(last)s; values "
            "range from %(low)s to %(high)s.",
            len(drawn),
        )
    elif first != last:
        text = ngettext(
            "Line chart of %(count)s series (%(names)s) from %(first)s to %(last)s; every "
            "value is %(value)s.",
            "Line chart of %(count)s series (%(names)s) from %(first)s to %(last)s; every "
            "value is %(value)s.",
            len(drawn),
        )
    elif low != high:
        text = ngettext(
            "Line chart of %(count)s series (%(names)s) for %(first)s; values range from "
            "%(low)s to %(high)s.",
            "Line chart of %(count)s series (%(names)s) for %(first)s; values range from "
            "%(low)s to %(high)s.",
            len(drawn),
        )
    else:
        text = ngettext(
            "Line chart of %(count)s series (%(names)s) for %(first)s; every value is %(value)s.",
            "Line chart of %(count)s series (%(names)s) for %(first)s; every value is %(value)s.",
            len(drawn),
        )
    text %= figures
    if target:
        # Translators: after the sentence that sums a line chart up: its target line's label.
        aim = gettext("%(target)s (target value %(value)s).") % {
            "target": target.label,
            "value": _with_unit(_format_number(target.value), unit),
        }
        text = f"{text} {aim}"
    return text


def _style(index: int) -> tuple[str, str]:
    return PALETTE[index % len(PALETTE)], DASHES[index // len(PALETTE) % len(DASHES)]


def _legend(
    items: list[tuple[str, str, str, bool]], left: float, right: float, y: float
) -> tuple[str, int]:
    """Lay the items out in rows below the plot; return the markup and the height it takes."""
    parts, x, row = ['<g class="legend">'], left, 0
    for label, colour, dash, is_target in items:
        item_width = 34 + CHAR_WIDTH * len(label)
        if x > left and x + item_width > right:
            x, row = left, row + 1
        line_y = y + 10 + 20 * row
        marker = _diamond(x + 12, line_y) if is_target else _circle(x + 12, line_y, colour)
        parts.append(
            f'<g class="legend-item"><line x1="{_n(x)}" y1="{_n(line_y)}" x2="{_n(x + 24)}" '
            f'y2="{_n(line_y)}" stroke="{colour}" stroke-width="2"{_dash(dash)}/>{marker}'
            f'<text x="{_n(x + 30)}" y="{_n(line_y)}" dy="4" fill="{TEXT_COLOUR}">{_e(label)}'
            "</text></g>"
        )
        x += item_width + 16
    parts.append("</g>")
    return "".join(parts), 20 * (row + 1) + 6


def _circle(x: float, y: float, colour: str, tooltip: str = "") -> str:
    title = f"<title>{_e(tooltip)}</title>" if tooltip else ""
    return (
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{colour}" stroke="#FFFFFF" '
        f'stroke-width="1">{title}</circle>'
    )


def _diamond(x: float, y: float, tooltip: str = "") -> str:
    # The target year's marker is a diamond, so shape alone tells it from the data points.
    corners = f"{_n(x)},{_n(y - 6)} {_n(x + 6)},{_n(y)} {_n(x)},{_n(y + 6)} {_n(x - 6)},{_n(y)}"
    title = f"<title>{_e(tooltip)}</title>" if tooltip else ""
    return f'<polygon points="{corners}" fill="{TARGET_COLOUR}">{title}</polygon>'


def _dash(dash: str) -> str:
    return f' stroke-dasharray="{dash}"' if dash else ""


def _svg(
    chart_id: str, width: int, height: float, title: str, desc: str, body: list[str]
) -> SafeString:
    markup = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {width} {_n(height)}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="sans-serif" font-size="12"><title id="{chart_id}-title">{_e(title)}</title>'
        f'<desc id="{chart_id}-desc">{_e(desc)}</desc>{"".join(body)}</svg>'
    )
    # Every piece of text above went through _e; numbers and colours are ours.
    return mark_safe(markup)  # noqa: S308


def _e(text: str) -> str:
    return escape(XML_INVALID.sub("", str(text)))


def _n(number: float) -> str:
    text = f"{number:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


# Bar charts -------------------------------------------------------------------------------------

BAR_WIDTH = 640
BAR_ROW_HEIGHT = 28
BAR_HEIGHT = 18
# Larger than the line chart's 12px: a 640-wide chart shrinks to about 0.6 on a 390-px phone.
BAR_FONT_SIZE = 16
# As CHAR_WIDTH, for 16px sans-serif (the world map uses the same).
BAR_CHAR_WIDTH = 9.4
# Longer labels are cut with an ellipsis; the row's tooltip and the links carry them whole.
BAR_LABEL_CHARS = 24
# The site's --accent (tracker/static/tracker/site.css), dark enough for 7:1 against white.
BAR_COLOUR = "#005A9C"
AXIS_COLOUR = "#999999"


def bar_chart_svg(
    rows: Sequence[tuple[str, int | Decimal]],
    *,
    title: str,
    unit: str | None = None,
    unit_one: str | None = None,
    description: str = "",
    link: Callable[[int], str] | None = None,
    highlight: Sequence[int] = (),
) -> SafeString:
    """Draw one horizontal bar per row, in the given order, safe to put in a template as it is.

    Each row is a label and a count; bars are scaled to the largest count and the exact count is
    written at the end of each bar (a zero gets no bar, only its label and "0"). Labels longer
    than BAR_LABEL_CHARS are cut with an ellipsis; each row's tooltip ("Planned: 12 pledges")
    names it in full. The counts are of pledges unless `unit` (the plural, e.g. "organisations")
    and `unit_one` (the singular) say otherwise. Rows whose indexes are in `highlight` are
    hatched, so they stand apart in grey scale too. `description` replaces the sentence that
    sums the chart up for screen readers. With `link`, each row (label, bar and count) is a link
    to `link(index)`, reachable from the keyboard. No rows give a small "No data" chart. The
    same input gives the same string.

    Raises ValueError for a negative or non-finite count, or a `highlight` index with no row.
    """
    counts = [Decimal(value) for _, value in rows]
    for (label, _), count in zip(rows, counts, strict=True):
        if not count.is_finite() or count < 0:
            raise ValueError(f"bar chart counts must be zero or more: {label!r} is {count}")
    marked = set(highlight)
    if any(not 0 <= index < len(rows) for index in marked):
        raise ValueError(f"highlight indexes must be rows' indexes: {sorted(marked)}")
    hrefs = [link(index) for index in range(len(rows))] if link is not None else []
    # Derived from the input, so output stays deterministic and two charts rarely share ids.
    key = repr(
        (
            str(title),
            unit and str(unit),
            unit_one and str(unit_one),
            str(description),
            [(str(label), value) for label, value in rows],
            sorted(marked),
            hrefs,
        )
    )
    chart_id = "bars-" + hashlib.blake2s(key.encode(), digest_size=4).hexdigest()
    if not rows:
        message = (
            f'<text x="{BAR_WIDTH / 2:g}" y="34" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{_e(NO_DATA)}</text>'
        )
        return _bar_svg(chart_id, 56, title, str(NO_DATA_SENTENCE), [message], linked=False)

    labels = [_bar_label(label) for label, _ in rows]
    numbers = [_format_number(count, False) for count in counts]
    top, bottom_pad = 8, 8
    height = top + BAR_ROW_HEIGHT * len(rows) + bottom_pad
    left = 16 + BAR_CHAR_WIDTH * max(len(label) for label in labels)
    # Room after the longest possible bar for the widest count.
    bar_room = BAR_WIDTH - 8 - left - (8 + BAR_CHAR_WIDTH * max(len(n) for n in numbers))
    highest = max(counts)

    body = []
    if marked:
        # Diagonal stripes: the hatch tells the highlighted rows apart without any colour.
        body.append(
            f'<defs><pattern id="{chart_id}-hatch" patternUnits="userSpaceOnUse" width="6" '
            'height="6" patternTransform="rotate(45)"><rect width="6" height="6" '
            f'fill="#FFFFFF"/><rect width="3" height="6" fill="{BAR_COLOUR}"/></pattern></defs>'
        )
    if link is not None:
        # Focus and hover outlines for the links. A page without the style still works: the
        # browser draws its own focus ring.
        body.append(
            f"<style>#{chart_id} a:focus .bar,#{chart_id} a:hover .bar{{stroke:#000000;"
            f"stroke-width:2}}#{chart_id} a:focus text,#{chart_id} a:hover text"
            "{text-decoration:underline}</style>"
        )
    for index, ((label, _), count) in enumerate(zip(rows, counts, strict=True)):
        y = top + BAR_ROW_HEIGHT * index + (BAR_ROW_HEIGHT - BAR_HEIGHT) / 2
        baseline = _n(y + BAR_HEIGHT - 4)
        # Translators: a bar's tooltip: its label, and its count ("Planned: 12 pledges").
        tooltip = gettext("%(label)s: %(amount)s") % {
            "label": label,
            "amount": amount_text(numbers[index], count, unit, unit_one),
        }
        classes = "bar-row highlight" if index in marked else "bar-row"
        parts = [
            f'<g class="{classes}"><title>{_e(tooltip)}</title>'
            f'<text class="bar-label" x="{_n(left - 8)}" y="{baseline}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{_e(labels[index])}</text>'
        ]
        length = bar_room * float(count / highest) if count else 0.0
        if count:
            # At least a pixel, so a count far below the largest still shows as a bar.
            length = max(length, 1.0)
            # A hatched bar gets an outline, so its end is as clear as a solid bar's.
            fill = (
                f'fill="url(#{chart_id}-hatch)" stroke="{BAR_COLOUR}" stroke-width="1"'
                if index in marked
                else f'fill="{BAR_COLOUR}"'
            )
            parts.append(
                f'<rect class="bar" x="{_n(left)}" y="{_n(y)}" width="{_n(length)}" '
                f'height="{BAR_HEIGHT}" {fill}/>'
            )
        parts.append(
            f'<text class="bar-value" x="{_n(left + length + 6)}" y="{baseline}" '
            f'fill="{TEXT_COLOUR}">{numbers[index]}</text></g>'
        )
        row = "".join(parts)
        if link is not None:
            row = f'<a href="{_e(hrefs[index])}" aria-label="{_e(tooltip)}">{row}</a>'
        body.append(row)
    body.append(
        f'<line class="axis" x1="{_n(left)}" y1="{top}" x2="{_n(left)}" '
        f'y2="{height - bottom_pad}" stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    desc = description or _describe_bars(rows, counts, unit, unit_one)
    return _bar_svg(chart_id, height, title, desc, body, linked=link is not None)


def amount_text(
    number: str, count: int | Decimal, unit: str | None = None, unit_one: str | None = None
) -> str:
    """`number` (`count` written out) with its noun: "12 pledges", by default, in the plural
    forms of the active language; "1 organisation" with `unit` and `unit_one` (the plural and
    the singular of a noun the caller translated)."""
    if unit is None:
        # A fraction takes the plural, as in most languages; ngettext wants a whole number.
        whole = int(count) if count == int(count) else 2
        return ngettext("%(number)s pledge", "%(number)s pledges", whole) % {"number": number}
    return _with_unit(number, str(unit_one or unit) if count == 1 else str(unit))


def _bar_label(label: str) -> str:
    text = " ".join(XML_INVALID.sub("", str(label)).split())
    if len(text) <= BAR_LABEL_CHARS:
        return text
    return text[: BAR_LABEL_CHARS - 1].rstrip() + "…"


def _describe_bars(
    rows: Sequence[tuple[str, int | Decimal]],
    counts: list[Decimal],
    unit: str | None,
    unit_one: str | None,
) -> str:
    total = sum(counts, Decimal(0))
    # Translators: the rows of a bar chart, counted in the sentence that sums it up.
    groups = ngettext("%(count)s group", "%(count)s groups", len(rows)) % {
        "count": f"{len(rows):,}"
    }
    if not total:
        if unit is None:
            return gettext("Bar chart: no pledges in %(groups)s.") % {"groups": groups}
        return gettext("Bar chart: no %(unit)s in %(groups)s.") % {"unit": unit, "groups": groups}
    # The largest first; among equals, the order the rows were given in.
    most = sorted((i for i, count in enumerate(counts) if count), key=lambda i: -counts[i])[:3]
    named = ", ".join(f"{rows[i][0]} ({_format_number(counts[i], False)})" for i in most)
    amount = amount_text(_format_number(total, False), total, unit, unit_one)
    # Translators: the sentence that sums a bar chart up for screen readers; "named" lists the
    # largest rows with their counts.
    return gettext("Bar chart: %(amount)s in %(groups)s; the most: %(named)s.") % {
        "amount": amount,
        "groups": groups,
        "named": named,
    }


def _bar_svg(
    chart_id: str, height: float, title: str, desc: str, body: list[str], *, linked: bool
) -> SafeString:
    # A chart of links cannot be one image: role="img" would hide the links from screen readers.
    role = "group" if linked else "img"
    markup = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" id="{chart_id}" '
        f'viewBox="0 0 {BAR_WIDTH} {_n(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="{role}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="sans-serif" '
        f'font-size="{BAR_FONT_SIZE}"><title id="{chart_id}-title">{_e(title)}</title>'
        f'<desc id="{chart_id}-desc">{_e(desc)}</desc>{"".join(body)}</svg>'
    )
    # Every piece of text above went through _e; numbers, colours and ids are ours.
    return mark_safe(markup)  # noqa: S308
