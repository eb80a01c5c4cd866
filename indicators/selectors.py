"""Read paths of the public indicator pages, the downloads and (later) the API and reports.

Each selector runs a fixed, small number of queries whatever the amount of data, so every
caller gets the same bounded cost.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Case, Count, F, Max, Prefetch, Q, QuerySet, When

from indicators.charts import ChartPoint, ChartSeries, TargetLine
from indicators.models import (
    Area,
    AreaKind,
    AreaReporting,
    Direction,
    Indicator,
    IndicatorSet,
    IndicatorTarget,
    Objective,
    Observation,
)
from indicators.progress import ProgressAssessment, progress_assess

OBJECTIVE_COUNT = 23

DATA_FINGERPRINT_KEY = "indicator-data-fingerprint"
# As the public pledge data's (pledges.explorer): a save of an observation forgets it at
# once (indicators.apps); an import's bulk writes are seen within this time.
DATA_FINGERPRINT_SECONDS = 10


def data_fingerprint() -> str:
    """Changes whenever the indicator data changes: observations, offices' statements, set
    versions. Three queries, or none while cached."""
    fingerprint = cache.get(DATA_FINGERPRINT_KEY)
    if fingerprint is None:
        state = (
            Observation.objects.aggregate(n=Count("pk"), changed=Max("updated_at")),
            AreaReporting.objects.aggregate(n=Count("pk"), changed=Max("updated_at")),
            IndicatorSet.objects.aggregate(n=Count("pk"), last=Max("pk")),
        )
        fingerprint = hashlib.sha256(repr(state).encode()).hexdigest()[:16]
        cache.set(DATA_FINGERPRINT_KEY, fingerprint, DATA_FINGERPRINT_SECONDS)
    return fingerprint


def data_changed(**kwargs: Any) -> None:
    cache.delete(DATA_FINGERPRINT_KEY)


@dataclass
class Availability:
    """How much data an indicator has: its reporting status."""

    countries: int = 0
    areas: int = 0
    observations: int = 0
    latest_year: int | None = None


@dataclass
class IndicatorEntry:
    indicator: Indicator
    availability: Availability


@dataclass
class ObjectiveGroup:
    title: str
    objective: Objective | None
    entries: list[IndicatorEntry] = field(default_factory=list)


def indicators_by_objective() -> list[ObjectiveGroup]:
    """Indicators of the current sets grouped by objective, each with its data availability.

    An indicator linked to every objective is listed once, under "All objectives", rather
    than 23 times; one linked to none comes last. Three queries.
    """
    indicators = list(
        Indicator.objects.current()
        .select_related("indicator_set")
        .prefetch_related(Prefetch("objectives", queryset=Objective.objects.order_by("number")))
        .order_by("indicator_set__code", "position", "code")
    )
    availability = _availability([i.pk for i in indicators])
    cross_cutting = ObjectiveGroup("Linked to all objectives", None)
    unlinked = ObjectiveGroup("Not linked to an objective", None)
    by_objective: dict[int, ObjectiveGroup] = {}
    for indicator in indicators:
        entry = IndicatorEntry(indicator, availability.get(indicator.pk, Availability()))
        objectives = list(indicator.objectives.all())
        if len(objectives) == OBJECTIVE_COUNT:
            cross_cutting.entries.append(entry)
        elif not objectives:
            unlinked.entries.append(entry)
        for objective in objectives if len(objectives) < OBJECTIVE_COUNT else []:
            group = by_objective.setdefault(
                objective.number, ObjectiveGroup(str(objective), objective)
            )
            group.entries.append(entry)
    groups = [by_objective[n] for n in sorted(by_objective)]
    return [g for g in (cross_cutting, *groups, unlinked) if g.entries]


def _availability(indicator_ids: list[int]) -> dict[int, Availability]:
    rows = (
        Observation.objects.filter(indicator_id__in=indicator_ids)
        .values("indicator_id")
        .annotate(
            countries=Count("area", distinct=True, filter=Q(area__kind=AreaKind.COUNTRY)),
            areas=Count("area", distinct=True),
            observations=Count("id"),
            latest=Max("period_end"),
        )
        .order_by()
    )
    return {
        row["indicator_id"]: Availability(
            countries=row["countries"],
            areas=row["areas"],
            observations=row["observations"],
            latest_year=row["latest"].year if row["latest"] else None,
        )
        for row in rows
    }


def indicator_get(pk: int) -> Indicator | None:
    """An indicator of any version, with what its page shows about it. One query."""
    return (
        Indicator.objects.select_related("indicator_set", "superseded_by__indicator_set")
        .prefetch_related("objectives")
        .filter(pk=pk)
        .first()
    )


def area_reporting(indicator: Indicator, area: Area) -> AreaReporting | None:
    """What the area's office says of the indicator, if an import recorded it. One query."""
    return AreaReporting.objects.filter(indicator=indicator, area=area).first()


def indicator_areas(indicator: Indicator) -> QuerySet[Area]:
    """Areas with data for the indicator, world and regions before countries, by name."""
    kinds = [AreaKind.WORLD, AreaKind.REGION, AreaKind.SUBREGION, AreaKind.INTERMEDIATE]
    return (
        Area.objects.filter(observations__indicator=indicator)
        .annotate(points=Count("observations"))
        .order_by(Case(When(kind__in=kinds, then=0), default=1), "name")
    )


# Dimensions whose values are measured in different ways (Open SDG's Units and Series, and
# their SDMX names): two of their values never share an axis, so they are never compared.
MEASURE_DIMENSIONS = {"units", "unit", "unit measure", "unit of measure", "series", "series code"}


def is_measure(name: str) -> bool:
    return " ".join(name.replace("_", " ").lower().split()) in MEASURE_DIMENSIONS


@dataclass
class Dimension:
    name: str
    options: list[str]  # "" stands for the total: rows that do not break this dimension down
    selected: str  # "" as well when the dimension is compared
    compared: bool = False

    @property
    def is_measure(self) -> bool:
        return is_measure(self.name)


@dataclass
class Line:
    """One series drawn: the chosen disaggregation, or one value of the compared dimension."""

    label: str
    observations: list[Observation]
    progress: ProgressAssessment | None = None


@dataclass
class SeriesView:
    """What an indicator page draws for one area and one choice of disaggregation."""

    area: Area
    dimensions: list[Dimension]
    lines: list[Line]
    unit: str
    target: IndicatorTarget | None
    # The attributes every value drawn has, in words ("Observation status: Undefined").
    shared_note: str = ""

    @property
    def label(self) -> str:
        return " / ".join(line.label for line in self.lines)

    @property
    def chart_series(self) -> list[ChartSeries]:
        return [
            ChartSeries(
                label=line.label,
                points=[
                    ChartPoint(o.period_start, o.period_end, o.value, o.period_label, o.own_note)
                    for o in line.observations
                ],
            )
            for line in self.lines
        ]

    @property
    def target_line(self) -> TargetLine | None:
        if self.target is None:
            return None
        value = f"{self.target.value.normalize():f}"
        return TargetLine(
            self.target.value, self.target.year, f"Target: {value} by {self.target.year}"
        )

    @property
    def table(self) -> list[tuple[str, list[Observation | None]]]:
        """One row per period, one cell per line (None where a line has no value then)."""
        periods: dict[tuple, str] = {}
        cells: dict[tuple[tuple, int], Observation] = {}
        for index, line in enumerate(self.lines):
            for o in line.observations:
                period = (o.period_start, o.period_end)
                periods.setdefault(period, o.period_label)
                cells[period, index] = o
        return [
            (label, [cells.get((period, i)) for i in range(len(self.lines))])
            for period, label in sorted(periods.items())
        ]


def indicator_series(
    *,
    indicator: Indicator,
    area: Area,
    choices: Mapping[str, str] | None = None,
    compare: str = "",
) -> SeriesView:
    """The area's series of the indicator for the chosen disaggregation. Three queries.

    Each dimension takes the value chosen if rows have it, else the total (rows without the
    dimension) if there is one, else its most frequent value; dimensions are settled in
    order, each among the rows the earlier ones left, so the selection never comes out empty.
    The dimension named by `compare`, if it has several values, is not settled: each of its
    values becomes a line of its own. Only the distinct disaggregations are read to choose,
    then only the lines drawn, so thousands of breakdowns cost no more than the points shown.
    """
    choices = choices or {}
    observations = Observation.objects.filter(indicator=indicator, area=area)
    combos = [
        (row["disaggregation"], row["points"])
        for row in observations.values("disaggregation_key", "disaggregation")
        .annotate(points=Count("id"))
        .order_by("disaggregation_key")
    ]
    # Units and series first: what is measured is settled before how it is broken down.
    names = sorted(
        {name for disaggregation, _ in combos for name in disaggregation},
        key=lambda name: (not is_measure(name), name),
    )
    dimensions = []
    for name in names:
        present: Counter[str] = Counter()
        for disaggregation, points in combos:
            present[disaggregation.get(name, "")] += points
        options = sorted(present, key=lambda v: (v != "", v))
        if name == compare and len(options) > 1 and not is_measure(name):
            dimensions.append(Dimension(name, options, "", compared=True))
            continue
        wanted = choices.get(name)
        if wanted not in present:
            wanted = "" if "" in present else present.most_common(1)[0][0]
        dimensions.append(Dimension(name, options, wanted))
        combos = [(d, n) for d, n in combos if d.get(name, "") == wanted]

    keys = [Observation.key_for(d) for d, _ in combos]
    by_key: dict[str, list[Observation]] = {key: [] for key in keys}
    for o in (
        observations.filter(disaggregation_key__in=keys)
        .only(
            "period_label",
            "period_start",
            "period_end",
            "disaggregation",
            "disaggregation_key",
            "value",
            "unit",
            "source",
            "attributes",
        )
        .order_by("period_start", "period_end")
    ):
        by_key[o.disaggregation_key].append(o)
    fixed = ", ".join(
        f"{d.name}: {d.selected}"
        for d in dimensions
        if d.selected and len(d.options) > 1 and not d.compared
    )
    compared = next((d for d in dimensions if d.compared), None)
    lines = []
    for (disaggregation, _), key in zip(combos, keys, strict=True):
        label = fixed or "All"
        if compared:
            value = disaggregation.get(compared.name, "")
            label = f"{compared.name}: {value or 'total'}" + (f" ({fixed})" if fixed else "")
        lines.append(Line(label, by_key[key]))

    rows = [o for line in lines for o in line.observations]
    unit_names = [d.name for d in dimensions if d.is_measure and "unit" in d.name.lower()]
    units = {o.unit for o in rows if o.unit} or {
        o.disaggregation.get(name, "") for o in rows for name in unit_names[:1]
    }
    unit = next(iter(units)) if len(units) == 1 and "" not in units else indicator.unit
    target = (
        IndicatorTarget.objects.filter(indicator=indicator)
        .filter(Q(area=area) | Q(area=None))
        # The area's own target, where set, before the one for all areas.
        .order_by(F("area").asc(nulls_last=True))
        .first()
    )
    if indicator.direction in (Direction.INCREASE, Direction.DECREASE):
        for line in lines:
            line.progress = progress_assess(
                ((o.period_end.year, o.value) for o in line.observations),
                direction=indicator.direction,
                target_value=target.value if target else None,
                target_year=target.year if target else None,
                base_year=target.base_year if target else 2015,
            )
    return SeriesView(area, dimensions, lines, unit, target, _notes(rows))


def _notes(rows: list[Observation]) -> str:
    """What every value drawn shares, said once; each value keeps only what is its own.

    Sets `own_note` on each observation: its attributes less the shared ones.
    """
    shared = set.intersection(*(set(o.attributes.items()) for o in rows)) if rows else set()
    for o in rows:
        o.own_note = Observation.describe(dict(set(o.attributes.items()) - shared))
    return Observation.describe(dict(shared))


@dataclass
class AreaIndicator:
    """An indicator as an area's page shows it: its latest total and its progress status."""

    indicator: Indicator
    latest: Observation | None
    progress: ProgressAssessment | None
    reporting: AreaReporting | None = None


def area_indicators(area: Area) -> list[AreaIndicator]:
    """The current indicators with data or a statement for the area. Five queries.

    Progress is assessed on each indicator's total (the values not broken down), with the
    area's own target where it has one, else the target for all areas, as on the indicator
    page; an indicator whose values are all broken down shows its latest value unassessed.
    """
    indicators = {i.pk: i for i in Indicator.objects.current().select_related("indicator_set")}
    totals: dict[int, list[Observation]] = {}
    for o in Observation.objects.filter(
        area=area, indicator_id__in=indicators, disaggregation_key=""
    ).only("indicator_id", "period_label", "period_start", "period_end", "value"):
        totals.setdefault(o.indicator_id, []).append(o)
    with_data = set(
        Observation.objects.filter(area=area, indicator_id__in=indicators)
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    statements = {
        r.indicator_id: r
        for r in AreaReporting.objects.filter(area=area, indicator_id__in=indicators)
    }
    targets: dict[int, IndicatorTarget] = {}
    for target in IndicatorTarget.objects.filter(indicator_id__in=indicators).filter(
        Q(area=area) | Q(area=None)
    ):
        if target.indicator_id not in targets or target.area_id is not None:
            targets[target.indicator_id] = target
    shown = []
    for pk, indicator in indicators.items():
        if pk not in with_data and pk not in statements:
            continue
        series = sorted(totals.get(pk, []), key=lambda o: (o.period_start, o.period_end))
        target = targets.get(pk)
        progress = None
        if series and indicator.direction in (Direction.INCREASE, Direction.DECREASE):
            progress = progress_assess(
                ((o.period_end.year, o.value) for o in series),
                direction=indicator.direction,
                target_value=target.value if target else None,
                target_year=target.year if target else None,
                base_year=target.base_year if target else 2015,
            )
        shown.append(
            AreaIndicator(indicator, series[-1] if series else None, progress, statements.get(pk))
        )
    return shown
