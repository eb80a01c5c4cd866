"""Periods as statistics offices write them: a year, a quarter, a month, a span of years.

The label is kept as written; a sortable start and end are derived from it. A mark an office
adds to say how final the value is ("2021 (p)", "2020p", "2019 provisional") is not part of
the period: it is returned as `status`, for the observation to carry as an attribute.

The notations come from the Open SDG data repositories of statistics offices (the survey is
in docs/open-sdg-survey.md) and the UN SDG Global Database; each has a test.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

# What a status mark means, by how offices abbreviate it.
STATUS_WORDS = {
    "p": "provisional",
    "prov": "provisional",
    "provisional": "provisional",
    "prelim": "preliminary",
    "preliminary": "preliminary",
    "pre": "preliminary",
    "r": "revised",
    "rev": "revised",
    "revised": "revised",
    "e": "estimated",
    "est": "estimated",
    "estimate": "estimated",
    "estimated": "estimated",
    "f": "forecast",
    "forecast": "forecast",
    "projected": "forecast",
    "projection": "forecast",
}
ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
ROMAN_HALVES = {"i": 1, "ii": 2}
MONTH_NAMES = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
} | {"sept": 9}
# The longest span read as one period: a decade ("2011-2020") is still a reference period,
# anything longer is more likely a typing error than a period.
MAX_SPAN_YEARS = 10
YEAR_MIN, YEAR_MAX = 1900, 2100

_STATUS = "|".join(sorted(STATUS_WORDS, key=len, reverse=True))
# Marks offices append: "(p)", "[Note 5]", "*", " provisional", "p" stuck to the year, INEGI's
# "P/" (preliminar), "E/" (estimada) and "R/" (revisada), and words in brackets that say
# what the period is ("(baseline)", "(completion 2004)").
_TRAILING_MARK = re.compile(
    rf"\s*(?:\((?P<paren>{_STATUS})\.?\)|\[(?P<note>[^\]]*)\]|(?P<stars>\*+)"
    rf"|(?<=\w)\s+(?P<slash>[PER])/|\((?P<words>[^()]*)\)"
    rf"|(?<=\d)\s*(?P<word>{_STATUS})\.?)\s*$",
    re.IGNORECASE,
)
_SLASH_MARKS = {"p": "preliminary", "e": "estimated", "r": "revised"}
_SEP = r"\s*[-/. ]?\s*"
_YEAR = r"(?P<year>\d{4})"
_PLAIN_YEAR = re.compile(r"^(?P<year>\d{4})(?:\.0+)?$")
_QUARTER = re.compile(
    rf"^{_YEAR}{_SEP}(?:Q|T|quarter\s*)(?P<q>[1-4])$"
    rf"|^(?:Q|T|quarter\s*)(?P<q2>[1-4]){_SEP}(?P<year2>\d{{4}})$"
    rf"|^(?P<n>[1-4])(?:st|nd|rd|th)?\s*quarter\s*(?:of\s*)?(?P<year3>\d{{4}})$"
    rf"|^{_YEAR.replace('year', 'year4')}{_SEP}Q?(?P<roman>I{{1,3}}|IV)$"
    rf"|^Q?(?P<roman2>I{{1,3}}|IV){_SEP}(?P<year5>\d{{4}})$",
    re.IGNORECASE,
)
_HALF = re.compile(
    rf"^{_YEAR}{_SEP}(?:H|S)(?P<h>[12])$|^(?:H|S)(?P<h2>[12]){_SEP}(?P<year2>\d{{4}})$",
    re.IGNORECASE,
)
_MONTH = re.compile(
    rf"^{_YEAR}(?:-(?P<m>\d{{2}})|\s*-?\s*M(?P<m3>\d{{1,2}}))$|^(?P<m2>\d{{1,2}})\s*[-/.]\s*(?P<year2>\d{{4}})$",
    re.IGNORECASE,
)
_MONTH_NAME = re.compile(
    r"^(?P<name>[a-z]{3,9})\.?\s+(?P<year>\d{4})$|^(?P<year2>\d{4})\s+(?P<name2>[a-z]{3,9})$",
    re.IGNORECASE,
)
_DATE = re.compile(r"^(?P<year>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:T[\d:.]+Z?)?$")
# "2016/17", "2015-2016", "2015 - 2016" (or an en dash), "2015 to 2016", "FY 2016/17", "2016-17 FY",
# "2007/8", "2015-2017 average": a span of years, however the office joins and labels it.
_JOIN = r"\s*(?:[-/\u2013\u2014_]|to|till|until)\s*"
_SPAN = re.compile(
    rf"^(?:FY\s*|financial\s+year\s*)?(?P<first>\d{{4}}){_JOIN}"
    r"(?P<last>\d{4}|\d{2}|\d)(?:\s*(?:FY|financial\s+year|average|avg\.?|mean|total))?$",
    re.IGNORECASE,
)
# Two spans joined: "2007/08 to 2008/09", "2002/03-2007/08": from the first's start to the
# second's end.
_SPAN_OF_SPANS = re.compile(
    rf"^(?P<first>\d{{4}}\s*/\s*\d{{2,4}}){_JOIN}(?P<second>\d{{4}}\s*/\s*\d{{2,4}})$",
    re.IGNORECASE,
)
# "2014/1" to "2014/4": a quarter written after the year with a slash (INEGI).
_SLASH_QUARTER = re.compile(r"^(?P<year>\d{4})\s*/\s*(?P<q>[1-4])$")
_FISCAL_YEAR = re.compile(r"^(?:FY|financial\s+year)\s*(?P<year>\d{4})$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date
    # How final the value is, when the office marked it: "provisional", "revised"...
    status: str = ""
    # Words the office put in brackets after the period: "baseline", "completion 2004".
    note: str = ""


def _year(text: str) -> int:
    year = int(text)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValueError(
            _("year %(year)s is outside %(min)s-%(max)s")
            % {"year": year, "min": YEAR_MIN, "max": YEAR_MAX}
        )
    return year


def _months(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def _strip_marks(text: str) -> tuple[str, str, str]:
    """The period without the marks after it, the status they say and the words in brackets."""
    status, notes = "", []
    while (mark := _TRAILING_MARK.search(text)) and mark.start() > 0:
        word = mark.group("paren") or mark.group("word")
        if word and not status:
            status = STATUS_WORDS[word.lower()]
        elif mark.group("slash") and not status:
            status = _SLASH_MARKS[mark.group("slash").lower()]
        elif mark.group("words") and mark.group("words").strip():
            notes.insert(0, " ".join(mark.group("words").split()))
        text = text[: mark.start()]
    return text.strip(), status, "; ".join(notes)


def _dates(text: str) -> tuple[dt.date, dt.date] | None:
    if match := _PLAIN_YEAR.match(text):
        year = _year(match.group("year"))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if match := _QUARTER.match(text):
        groups = match.groupdict()
        years = ("year", "year2", "year3", "year4", "year5")
        year = _year(next(groups[name] for name in years if groups[name]))
        if roman := groups["roman"] or groups["roman2"]:
            quarter = ROMAN_QUARTERS[roman.lower()]
        else:
            quarter = int(groups["q"] or groups["q2"] or groups["n"])
        return _months(year, 3 * quarter - 2, 3 * quarter)
    if match := _HALF.match(text):
        year = _year(match.group("year") or match.group("year2"))
        half = int(match.group("h") or match.group("h2"))
        return _months(year, 6 * half - 5, 6 * half)
    if match := _MONTH.match(text):
        year = _year(match.group("year") or match.group("year2"))
        month = int(match.group("m") or match.group("m2") or match.group("m3"))
        if 1 <= month <= 12:
            return _months(year, month, month)
    if match := _MONTH_NAME.match(text):
        month = MONTH_NAMES.get((match.group("name") or match.group("name2")).lower())
        if month:
            return _months(_year(match.group("year") or match.group("year2")), month, month)
    if match := _DATE.match(text):
        day = dt.date(_year(match.group("year")), int(match.group("m")), int(match.group("d")))
        return day, day
    if match := _SLASH_QUARTER.match(text):
        year, quarter = _year(match.group("year")), int(match.group("q"))
        # "2013/4" could be a span too; a digit that is not the next year's is a quarter.
        if quarter != (year + 1) % 10:
            return _months(year, 3 * quarter - 2, 3 * quarter)
    if match := _SPAN_OF_SPANS.match(text):
        first, second = _dates(match.group("first")), _dates(match.group("second"))
        if first and second and first[0] <= second[1]:
            return first[0], second[1]
    if match := _SPAN.match(text):
        first = _year(match.group("first"))
        second = match.group("last")
        # "2016/17", "2007/8": the second year is written short, in the same century (or
        # decade), and comes after the first.
        scale = 10 ** len(second)
        last = int(second) if len(second) == 4 else first - first % scale + int(second)
        if len(second) < 4 and last < first:
            last += scale
        if first <= last <= first + MAX_SPAN_YEARS:
            return dt.date(first, 1, 1), dt.date(last, 12, 31)
    if match := _FISCAL_YEAR.match(text):
        year = _year(match.group("year"))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return None


def parse_period(raw: str) -> Period:
    """Read a period label; raise ValueError saying what was expected."""
    label = raw.strip()
    text, status, note = _strip_marks(label)
    try:
        dates = _dates(text)
    except ValueError as error:  # a day that does not exist, a year out of range
        raise ValueError(
            # Translators: %(period)s is the cell quoted as written; %(reason)s says why.
            _("period %(period)s cannot be read: %(reason)s")
            % {"period": _quoted(raw), "reason": error}
        ) from None
    if dates is None:
        raise ValueError(
            _(
                "period %(period)s is not a year (2019), a quarter (2013 Q1), a half-year "
                "(2019 H1), a month (2019-05), a date (2019-05-31) or a span of years (2016/17)"
            )
            % {"period": _quoted(raw)}
        )
    return Period(label, *dates, status, note)


def _quoted(raw: str, limit: int = 40) -> str:
    return repr(raw if len(raw) <= limit else raw[:limit] + "…")
