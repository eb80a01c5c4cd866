"""The PDF summary of an IMRF-cycle report: title page, contents, every figure of the report as a
chart with its numbers and as a table, how the figures are made, and the list of pledges.

It is written with ReportLab, which installs from wheels alone; WeasyPrint would need Pango and
its fonts from the system. Only ReportLab's standard fonts are used, so nothing is embedded and
the same content gives the same bytes (`invariant`: no timestamps, no random ids).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import count as numbering
from itertools import islice
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from pledges.reports.content import (
    ANNEX_MAX,
    ReportContent,
    Table,
    limitations,
    methodology,
)

AUTHOR = "GCM Pledge Tracker"
COMPACT = gettext_lazy("Global Compact for Safe, Orderly and Regular Migration")
MARGIN = 20 * mm
# Platypus frames keep this inside the margins: the width a table or a chart can take is less.
FRAME_PADDING = 6
LEFT = MARGIN + FRAME_PADDING
WIDTH = A4[0] - 2 * LEFT
# Beyond this many rows a table (in practice, the countries) is cut in the PDF: the workbook and
# the CSVs have every row, and the PDF stays within some 150 pages whatever the data.
MAX_ROWS = 30
# A table row cannot break across pages: a cell is cut to this, long enough for any title.
MAX_CELL_CHARS = 300

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
SMALL = 8
# As the site's bar charts (indicators.charts.bar_chart_svg), at the scale of an A4 page.
BAR_COLOUR = colors.HexColor("#005A9C")
AXIS_COLOUR = colors.HexColor("#999999")
TEXT_COLOUR = colors.HexColor("#333333")
BAR_LABEL_CHARS = 24
BAR_ROW_HEIGHT = 14
BAR_HEIGHT = 9
HATCH_STEP = 3.0
CELL_PADDING = 3
CENTS = Decimal("0.01")
MIN_COLUMN = 48
TEXT_COLUMN_MAX = 110

# Characters XML 1.0 forbids even when escaped: one in a title would break a Paragraph.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Letters without a decomposition that the standard fonts lack, read as their base letter.
UNDECOMPOSED = str.maketrans("ŁłĐđıĦħŦŧ", "LlDdiHhTt")

STYLES = {
    "body": ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13, spaceAfter=6),
    "h1": ParagraphStyle(
        "h1", fontName=BOLD, fontSize=16, leading=20, spaceAfter=10, keepWithNext=1
    ),
    "h2": ParagraphStyle(
        "h2", fontName=BOLD, fontSize=12, leading=15, spaceBefore=12, spaceAfter=6, keepWithNext=1
    ),
    "h3": ParagraphStyle(
        "h3", fontName=BOLD, fontSize=10, leading=13, spaceBefore=6, spaceAfter=2, keepWithNext=1
    ),
    "note": ParagraphStyle(
        "note", fontName=FONT, fontSize=7.5, leading=9.5, textColor=TEXT_COLOUR, spaceBefore=4
    ),
    "figure": ParagraphStyle("figure", fontName=FONT, fontSize=10, leading=13),
    "value": ParagraphStyle("value", fontName=BOLD, fontSize=10, leading=13, alignment=TA_RIGHT),
    "cell": ParagraphStyle("cell", fontName=FONT, fontSize=SMALL, leading=10),
    "head": ParagraphStyle("head", fontName=BOLD, fontSize=SMALL, leading=10),
    "head_right": ParagraphStyle(
        "head_right", fontName=BOLD, fontSize=SMALL, leading=10, alignment=TA_RIGHT
    ),
    "bullet": ParagraphStyle(
        "bullet", fontName=FONT, fontSize=10, leading=13, leftIndent=14, spaceAfter=6
    ),
    "compact": ParagraphStyle("compact", fontName=BOLD, fontSize=13, leading=17, spaceAfter=18),
    "title": ParagraphStyle("title", fontName=BOLD, fontSize=22, leading=27, spaceAfter=24),
    "mono": ParagraphStyle("mono", fontName="Courier", fontSize=9, leading=12, spaceAfter=6),
}
TOC_LEVELS = {"h1": 0, "h2": 1}


class _Document(SimpleDocTemplate):
    """Headings become entries of the contents and bookmarks of the PDF's outline."""

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, _Heading):
            return
        self.canv.bookmarkPage(flowable.key)
        self.canv.addOutlineEntry(flowable.getPlainText(), flowable.key, flowable.level)
        self.notify("TOCEntry", (flowable.level, flowable.text, self.page, flowable.key))


class _Heading(Paragraph):
    def __init__(self, text: str, style: str, key: str) -> None:
        super().__init__(text, STYLES[style])
        self.level = TOC_LEVELS[style]
        self.key = key


# Makes a heading of the contents from its text and style ("h1", "h2").
_Headings = Callable[[str, str], _Heading]


def write_pdf(
    content: ReportContent,
    out: BinaryIO,
    *,
    checksum: str,
    annex: Iterable[tuple[str, str, str, str]] | None,
) -> int:
    """Write the report's PDF summary to `out`; returns the number of pages.

    `annex` is None when the report has more than ANNEX_MAX pledges (the PDF then says where
    the listing is), else the pledges to list. The same content gives the same bytes.
    """
    report = content.report
    title = _plain(report.title)
    doc = _Document(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=AUTHOR,
        subject=_("IMRF-cycle report: %(scope)s, data cut-off %(cutoff)s")
        % {"scope": _plain(report.scope_label), "cutoff": _cutoff(report.cutoff)},
        creator=AUTHOR,
        invariant=1,
    )
    headings = numbering(1)

    def heading(text: str, style: str) -> _Heading:
        return _Heading(_markup(text), style, f"h{next(headings)}")

    story = [
        *_title_page(content, checksum),
        *_contents(),
        *_key_figures(content, heading),
        *(
            flowable
            for section in content.sections
            for flowable in _section(section.title, section.intro, section.tables, heading)
        ),
        *_methodology(heading),
        *_annex(content.pledge_count, annex, heading),
    ]

    def footer(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        _footer(canvas, title, canvas.getPageNumber())

    doc.multiBuild(story, onLaterPages=footer)
    return doc.page


# --- Text --------------------------------------------------------------------------------------


def _plain(value: object) -> str:
    """Text the standard fonts can draw: letters outside WinAnsi lose their accents.

    Helvetica covers WinAnsi (Latin-1, curly quotes, dashes); ReportLab draws what it lacks from
    the Symbol font (Greek, mathematical signs) or else as a black box. A dropped accent (ș as s,
    Greek ά as alpha) reads better than a box; scripts with no Latin form (Cyrillic, Arabic,
    Chinese...) still show as boxes.
    """
    text = " ".join(XML_INVALID.sub("", str(value)).split())
    if text.isascii():
        return text
    composed = unicodedata.normalize("NFC", text).translate(UNDECOMPOSED)
    return "".join(_winansi(char) for char in composed)


def _winansi(char: str) -> str:
    if _encodable(char):
        return char
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


def _encodable(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _markup(value: object) -> str:
    """Text for a Paragraph: a title's `&` or `<` is shown, never read as markup."""
    return escape(_plain(value))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _format(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value.quantize(CENTS, ROUND_HALF_UP):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return _plain(value)


def _is_number(text: str) -> bool:
    try:
        Decimal(text.replace(",", ""))
    except InvalidOperation:
        return False
    return True


def _cutoff(cutoff: dt.datetime) -> str:
    utc = cutoff.astimezone(dt.UTC)
    return _("%(time)s UTC") % {"time": date_format(utc, "j F Y, H:i")}


def _pledges(count: int) -> str:
    return ngettext("%(count)s pledge", "%(count)s pledges", count) % {"count": f"{count:,}"}


# --- Pages -------------------------------------------------------------------------------------


def _footer(canvas: Canvas, title: str, page: int) -> None:
    number = _("page %(number)s") % {"number": page}
    room = WIDTH - stringWidth(number, FONT, SMALL) - 12
    text = title
    while text and stringWidth(text, FONT, SMALL) > room:
        text = _cut(text, len(text) - 1)
    canvas.saveState()
    canvas.setFont(FONT, SMALL)
    canvas.setFillColor(TEXT_COLOUR)
    canvas.drawString(LEFT, MARGIN / 2, text)
    canvas.drawRightString(LEFT + WIDTH, MARGIN / 2, number)
    canvas.restoreState()


def _title_page(content: ReportContent, checksum: str) -> list[Flowable]:
    report = content.report
    body = STYLES["body"]
    return [
        Spacer(1, 40 * mm),
        Paragraph(_markup(COMPACT), STYLES["compact"]),
        Paragraph(_markup(report.title), STYLES["title"]),
        Paragraph(_markup(_("Scope: %(scope)s") % {"scope": _plain(report.scope_label)}), body),
        Paragraph(
            _markup(_("Data cut-off: %(cutoff)s") % {"cutoff": _cutoff(report.cutoff)}), body
        ),
        Paragraph(
            _markup(_("Number of pledges: %(count)s") % {"count": f"{content.pledge_count:,}"}),
            body,
        ),
        Spacer(1, 6 * mm),
        Paragraph(_markup(_("Checksum of the data (SHA-256):")), body),
        Paragraph(_markup(checksum), STYLES["mono"]),
        Spacer(1, 6 * mm),
        Paragraph(
            _markup(
                _(
                    "The figures are those the public site shows for the same data: the same "
                    "pledges, counted by the same filters, as they stood at the data cut-off."
                )
            ),
            body,
        ),
        PageBreak(),
    ]


def _contents() -> list[Flowable]:
    toc = TableOfContents(dotsMinLevel=0)
    toc.levelStyles = [
        ParagraphStyle("toc0", fontName=BOLD, fontSize=10, leading=14, spaceBefore=4),
        ParagraphStyle("toc1", fontName=FONT, fontSize=9, leading=12, leftIndent=14),
    ]
    return [Paragraph(_markup(_("Contents")), STYLES["h1"]), toc, PageBreak()]


def _key_figures(content: ReportContent, heading: _Headings) -> list[Flowable]:
    rows = [
        [Paragraph(_markup(label), STYLES["figure"]), Paragraph(_format(value), STYLES["value"])]
        for label, value in content.key_figures
    ]
    grid = LongTable(rows, colWidths=[WIDTH - 180, 90], hAlign="LEFT")
    grid.setStyle(_grid_style(numeric=[], header=False))
    return [heading(_("Key figures"), "h1"), grid, PageBreak()]


def _section(title: str, intro: str, tables: Sequence[Table], heading: _Headings) -> list[Flowable]:
    flowables: list[Flowable] = [heading(title, "h1"), Paragraph(_markup(intro), STYLES["body"])]
    for table in tables:
        flowables.extend(_figure(table, heading))
    flowables.append(PageBreak())
    return flowables


def _figure(table: Table, heading: _Headings) -> list[Flowable]:
    """A table of the report: its chart when it has one, then always its numbers."""
    rows = table.rows[:MAX_ROWS]
    title = heading(table.title, "h2")
    if not rows:
        return [title, Paragraph(_markup(_("No data for this selection.")), STYLES["body"])]
    flowables: list[Flowable] = []
    if table.chart:
        highlight = {index for index in table.highlight if index < len(rows)}
        flowables.append(KeepTogether([title, _bar_chart(rows, highlight), Spacer(1, 4)]))
    else:
        flowables.append(title)
    flowables.append(_grid(table.columns, rows))
    if len(table.rows) > len(rows):
        more = len(table.rows) - len(rows)
        if table.key == "countries":
            text = ngettext(
                "and %(count)s more countries: the full list is in the workbook and the CSVs",
                "and %(count)s more countries: the full list is in the workbook and the CSVs",
                more,
            )
        else:
            text = ngettext(
                "and %(count)s more rows: the full list is in the workbook and the CSVs",
                "and %(count)s more rows: the full list is in the workbook and the CSVs",
                more,
            )
        # The English says "more rows" whatever the count, as it always has.
        flowables.append(Paragraph(_markup(text % {"count": f"{more:,}"}), STYLES["note"]))
    if table.note:
        flowables.append(Paragraph(_markup(table.note), STYLES["note"]))
    return flowables


def _methodology(heading: _Headings) -> list[Flowable]:
    flowables: list[Flowable] = [heading(_("Methodology"), "h1")]
    for title, text in methodology():
        flowables += [
            Paragraph(_markup(title), STYLES["h3"]),
            Paragraph(_markup(text), STYLES["body"]),
        ]
    flowables += [Spacer(1, 6 * mm), heading(_("What the data cannot say"), "h1")]
    flowables += [
        Paragraph(_markup(text), STYLES["bullet"], bulletText="\u2022") for text in limitations()
    ]
    return [*flowables, PageBreak()]


def _annex(
    pledge_count: int, annex: Iterable[tuple[str, str, str, str]] | None, heading: _Headings
) -> list[Flowable]:
    title = heading(_("Annex: the pledges"), "h1")
    if annex is None:
        return [
            title,
            Paragraph(
                _markup(
                    # Translators: %(pledges)s is "1 pledge" or "1,250 pledges".
                    _(
                        "The report has %(pledges)s, more than the %(count)s this PDF lists: "
                        "the full listing is in the workbook and the CSVs."
                    )
                    % {"pledges": _pledges(pledge_count), "count": f"{ANNEX_MAX:,}"}
                ),
                STYLES["body"],
            ),
        ]
    # The caller's promise, kept: the listing is read whole, so it must stay small.
    rows = list(islice(annex, ANNEX_MAX + 1))
    if len(rows) > ANNEX_MAX:
        raise ValueError(f"the annex lists at most {ANNEX_MAX} pledges; pass None beyond")
    if not rows:
        return [title, Paragraph(_markup(_("The report has no pledges.")), STYLES["body"])]
    header = (_("Reference"), _("Title"), _("Lead organisation"), _("Status"))
    cells = [[_cell(text) for text in row] for row in rows]
    grid = LongTable(
        [[Paragraph(_markup(name), STYLES["head"]) for name in header], *cells],
        colWidths=[72, WIDTH - 72 - 140 - 78, 140, 78],
        repeatRows=1,
    )
    grid.setStyle(_grid_style(numeric=[]))
    return [title, grid]


# --- Tables ------------------------------------------------------------------------------------


def _grid(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> LongTable:
    """The table of numbers: wrapped labels, numbers right-aligned, the header on every page."""
    texts = [[_format(value) for value in row] for row in rows]
    numeric = [
        index for index in range(1, len(columns)) if all(_is_number(row[index]) for row in texts)
    ]
    header = [
        Paragraph(_markup(name), STYLES["head_right" if index in numeric else "head"])
        for index, name in enumerate(columns)
    ]
    body = [
        [text if index in numeric else _cell(text) for index, text in enumerate(row)]
        for row in texts
    ]
    widths = _column_widths(columns, texts, numeric)
    grid = LongTable([header, *body], colWidths=widths, repeatRows=1)
    grid.setStyle(_grid_style(numeric=numeric))
    return grid


def _cell(text: str) -> Paragraph:
    return Paragraph(escape(_cut(_plain(text), MAX_CELL_CHARS)), STYLES["cell"])


def _column_widths(
    columns: Sequence[str], texts: Sequence[Sequence[str]], numeric: Sequence[int]
) -> list[float]:
    """Each value column as wide as its widest number or header word; the label takes the rest.

    Text columns wrap, so they get at most a fixed width; the label keeps at least 30%.
    """
    pad = 2 * CELL_PADDING
    widths = []
    for index in range(1, len(columns)):
        words = max(stringWidth(word, BOLD, SMALL) for word in _plain(columns[index]).split())
        values = max(stringWidth(row[index], FONT, SMALL) for row in texts)
        if index not in numeric:
            values = min(values, TEXT_COLUMN_MAX)
        widths.append(max(MIN_COLUMN, words + pad, values + pad))
    label = WIDTH - sum(widths)
    if label < 0.3 * WIDTH:
        scale = 0.7 * WIDTH / sum(widths)
        widths = [width * scale for width in widths]
        label = 0.3 * WIDTH
    return [label, *widths]


def _grid_style(*, numeric: Sequence[int], header: bool = True) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, SMALL),
        ("TEXTCOLOR", (0, 0), (-1, -1), colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
        ("ROWBACKGROUNDS", (0, 1 if header else 0), (-1, -1), [colors.white, "#F4F6F8"]),
    ]
    commands += [("ALIGN", (index, 0), (index, -1), "RIGHT") for index in numeric]
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E3ECF4")),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, BAR_COLOUR),
        ]
    return TableStyle(commands)


# --- Charts ------------------------------------------------------------------------------------


def _bar_chart(rows: Sequence[Sequence[Any]], highlight: set[int]) -> Drawing:
    """The site's bar chart of the second column: one bar a row, its count at its end.

    Bars are scaled to the largest count; a zero gets no bar, only its count. Highlighted rows
    are hatched, so they stand apart in grey scale too.
    """
    labels = [_cut(_plain(row[0]), BAR_LABEL_CHARS) for row in rows]
    counts = [row[1] for row in rows]
    numbers = [_format(count) for count in counts]
    top = bottom = 4
    height = top + BAR_ROW_HEIGHT * len(rows) + bottom
    left = 8 + max(stringWidth(label, FONT, SMALL) for label in labels)
    bar_room = WIDTH - left - 8 - max(stringWidth(n, FONT, SMALL) for n in numbers)
    highest = max(counts)
    drawing = Drawing(WIDTH, height)
    for index, (label, count, number) in enumerate(zip(labels, counts, numbers, strict=True)):
        y = height - top - BAR_ROW_HEIGHT * (index + 1) + (BAR_ROW_HEIGHT - BAR_HEIGHT) / 2
        baseline = y + 2
        drawing.add(_text(left - 4, baseline, label, "end"))
        length = 0.0
        if count > 0:
            # At least a point, so a count far below the largest still shows as a bar.
            length = max(bar_room * float(count / highest), 1.0)
            for shape in _bar(left, y, length, hatched=index in highlight):
                drawing.add(shape)
        drawing.add(_text(left + length + 4, baseline, number, "start"))
    drawing.add(Line(left, bottom, left, height - top, strokeColor=AXIS_COLOUR, strokeWidth=0.75))
    return drawing


def _text(x: float, y: float, text: str, anchor: str) -> String:
    return String(
        x, y, text, fontName=FONT, fontSize=SMALL, fillColor=TEXT_COLOUR, textAnchor=anchor
    )


def _bar(x: float, y: float, length: float, *, hatched: bool) -> list[Any]:
    if not hatched:
        return [Rect(x, y, length, BAR_HEIGHT, fillColor=BAR_COLOUR, strokeColor=None)]
    # Diagonal stripes cut to the bar, then an outline, so its end is as clear as a solid bar's.
    stripes = []
    offset = -BAR_HEIGHT
    while offset < length:
        start, end = max(0.0, -offset), min(BAR_HEIGHT, length - offset)
        if end > start:
            stripes.append(
                Line(
                    x + offset + start,
                    y + start,
                    x + offset + end,
                    y + end,
                    strokeColor=BAR_COLOUR,
                    strokeWidth=1.2,
                )
            )
        offset += HATCH_STEP
    outline = Rect(
        x, y, length, BAR_HEIGHT, fillColor=None, strokeColor=BAR_COLOUR, strokeWidth=0.8
    )
    return [*stripes, outline]
