"""Observations as SDMX-CSV 1.0, the layout statistical tools read (.Stat Suite, the `sdmx1`
and `rsdmx` libraries, Eurostat's and the UN's loaders).

One row an observation: the dataflow, then its dimensions (the indicator, the area, each
disaggregation of the data, the period), the value, then its attributes. Areas are named as
the SDG global database names them (M49 codes) where they have one. Column names are SDMX
identifiers: a disaggregation called "Age group" is the column AGE_GROUP.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from indicators.models import Observation

DATAFLOW = "GCM_TRACKER:DF_GCM_INDICATORS(1.0)"
MEDIA_TYPE = "application/vnd.sdmx.data+csv"
CONTENT_TYPE = f"{MEDIA_TYPE}; version=1.0.0; charset=utf-8"
# Attributes every row has, from the observation's own fields, in SDMX's usual names.
OWN_ATTRIBUTES = ("UNIT_MEASURE", "SOURCE_DETAIL", "COMMENT_OBS")
FIXED = ("DATAFLOW", "INDICATOR", "REF_AREA")
RESERVED = (*FIXED, "TIME_PERIOD", "OBS_VALUE", *OWN_ATTRIBUTES)
CHUNK = 2000


def sdmx_id(name: str) -> str:
    """A disaggregation's or attribute's name as an SDMX identifier (letters, digits, _)."""
    ident = re.sub(r"[^A-Za-z0-9_]+", "_", name.strip()).strip("_").upper()
    if not ident or not ident[0].isalpha():
        ident = f"D_{ident}"
    return ident


def time_period(start: dt.date, end: dt.date) -> str:
    """A period in SDMX's time formats: 2019, 2019-Q1, 2019-03, 2019-03-14, or a start and
    its length (2016-04-01/P1Y for a financial year)."""
    if start == end:
        return start.isoformat()
    following = end + dt.timedelta(days=1)
    months = (following.year - start.year) * 12 + following.month - start.month
    whole_months = start.day == 1 and following.day == 1
    if whole_months and start.month == 1 and months == 12:
        return str(start.year)
    if whole_months and months == 3 and start.month % 3 == 1:
        return f"{start.year}-Q{start.month // 3 + 1}"
    if whole_months and months == 1:
        return f"{start.year}-{start.month:02d}"
    if whole_months:
        length = f"P{months // 12}Y" if months % 12 == 0 else f"P{months}M"
    else:
        length = f"P{(end - start).days + 1}D"
    return f"{start.isoformat()}/{length}"


def _value(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _columns(observations: QuerySet[Observation]) -> tuple[list[str], list[str]]:
    """The disaggregations and the source's attributes these observations have, by name:
    read first (keys only), so that the rows then stream in fixed columns."""
    dimensions: set[str] = set()
    for key in observations.order_by().values_list("disaggregation_key", flat=True).distinct():
        dimensions.update(pair.split("=", 1)[0] for pair in key.split("|") if pair)
    attributes: set[str] = set()
    for found in (
        observations.exclude(attributes={})
        .values_list("attributes", flat=True)
        .iterator(chunk_size=CHUNK)
    ):
        attributes.update(found)
    return sorted(dimensions), sorted(attributes)


def sdmx_csv_rows(observations: QuerySet[Observation]) -> Iterator[list[Any]]:
    """The header, then one row an observation, in the queryset's order."""
    dimensions, attributes = _columns(observations)
    names: dict[str, str] = {}
    for name in (*dimensions, *attributes):
        ident = sdmx_id(name)
        # Two names that read alike ("Age", "AGE") stay two columns.
        while ident in names.values() or ident in RESERVED:
            ident += "_"
        names[name] = ident
    yield [
        *FIXED,
        *(names[d] for d in dimensions),
        "TIME_PERIOD",
        "OBS_VALUE",
        *OWN_ATTRIBUTES,
        *(names[a] for a in attributes),
    ]
    rows = observations.select_related("indicator", "area").iterator(chunk_size=CHUNK)
    for observation in rows:
        area = observation.area
        yield [
            DATAFLOW,
            observation.indicator.code,
            area.m49 or area.code,
            *(observation.disaggregation.get(d, "") for d in dimensions),
            time_period(observation.period_start, observation.period_end),
            _value(observation.value),
            observation.unit,
            observation.source,
            observation.note,
            *(observation.attributes.get(a, "") for a in attributes),
        ]
