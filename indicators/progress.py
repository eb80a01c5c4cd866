"""Progress against target: Statistics Canada's method, as Open SDG implements it.

The method (Open SDG docs "Progress Measurement Methodology"; sdg-build
``sdg/ProgressMeasure.py``) compares the compound annual growth rate (CAGR) of a series
between a base year and its latest year::

    CAGR = (latest_value / base_value) ** (1 / (latest_year - base_year)) - 1

* Without a target, the CAGR, turned round when lower is better, is the progress value:
  >= 1.5 % a year is substantial progress, >= 0.5 % moderate, >= 0 % limited, below 0
  deterioration.
* With a target, the target is achieved once the latest value has reached it in the desired
  direction. Otherwise the progress value is the ratio of that observed CAGR to the CAGR
  needed to go from the base value to the target value between the base year and the
  target year: >= 0.95 is substantial progress (on track), >= 0.6 moderate, >= 0 limited,
  below 0 deterioration.

Each threshold is the inclusive lower bound of its status, as in sdg-build. The base year
is 2015 unless the caller says otherwise; when the series has no value for it, the first
later year with a value is used, and values before the base year play no part.

Where this module departs from sdg-build, or where the sources are silent, the choice is
said in ``progress_assess``'s docstring. Parts of Open SDG not carried over: the scaling
of thresholds near a natural limit, the -5..5 score and the averaging of several series.

The arithmetic runs in ``Decimal`` so that a value exactly on a threshold (a growth of
exactly 1.5 %, a ratio of exactly 0.95) gets the status the published table gives it,
instead of the one a binary rounding error happens to give.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext

from django.utils.translation import gettext_lazy as _

__all__ = [
    "DEFAULT_BASE_YEAR",
    "DEFAULT_TARGET_YEAR",
    "GROWTH_THRESHOLDS",
    "RATIO_THRESHOLDS",
    "ZERO_TARGET_STAND_IN",
    "ProgressAssessment",
    "ProgressStatus",
    "progress_assess",
]

DEFAULT_BASE_YEAR = 2015
# sdg-build's default when a target value is configured without a target year.
DEFAULT_TARGET_YEAR = 2030

# Lower bounds (inclusive) of substantial, moderate and limited progress; below the last
# is deterioration. Open SDG defaults for series without a target: a CAGR in the desired
# direction of 1.5 %, 0.5 % and 0 % a year.
GROWTH_THRESHOLDS = (Decimal("0.015"), Decimal("0.005"), Decimal("0"))
# The same for series with a target: observed CAGR over required CAGR.
RATIO_THRESHOLDS = (Decimal("0.95"), Decimal("0.6"), Decimal("0"))

# Reaching zero needs a growth of -100 % a year whatever the number of years, which would
# make every ratio tiny; Open SDG computes the required growth towards this stand-in
# instead of a zero target.
ZERO_TARGET_STAND_IN = Decimal("0.001")

_DIRECTION_SENSE = {"increase": 1, "decrease": -1}


class ProgressStatus(enum.StrEnum):
    """The outcome of an assessment. The value is a stable slug, safe to store or put in a URL.

    ``label`` is a short human name and ``description`` one sentence for a public legend.
    The slugs are Open SDG's, except ``not_enough_data``, which Open SDG calls
    ``not_available``.
    """

    TARGET_ACHIEVED = "target_achieved"
    SUBSTANTIAL = "substantial_progress"
    MODERATE = "moderate_progress"
    LIMITED = "limited_progress"
    DETERIORATION = "deterioration"
    NOT_ENOUGH_DATA = "not_enough_data"

    @property
    def label(self) -> str:
        """Short human-readable name of the status, in the active language."""
        return str(_LABELS[self])

    @property
    def description(self) -> str:
        """One sentence explaining the status to the public, in the active language."""
        return str(_DESCRIPTIONS[self])


_LABELS = {
    # Translators: how far an indicator has come towards its target (Open SDG's statuses).
    ProgressStatus.TARGET_ACHIEVED: _("Target achieved"),
    ProgressStatus.SUBSTANTIAL: _("Substantial progress / on track"),
    ProgressStatus.MODERATE: _("Moderate progress"),
    ProgressStatus.LIMITED: _("Limited progress"),
    ProgressStatus.DETERIORATION: _("Deterioration"),
    ProgressStatus.NOT_ENOUGH_DATA: _("Not enough data"),
}

_DESCRIPTIONS = {
    ProgressStatus.TARGET_ACHIEVED: _("The latest value has reached the target."),
    # xgettext:no-python-format
    ProgressStatus.SUBSTANTIAL: _(
        "The indicator is moving in the desired direction fast enough to reach its target "
        "on time or, where there is no target, by at least 1.5% a year."
    ),
    # xgettext:no-python-format
    ProgressStatus.MODERATE: _(
        "The indicator is moving in the desired direction, but at 60% to 95% of the pace "
        "needed to reach its target on time or, where there is no target, by 0.5% to 1.5% "
        "a year."
    ),
    # xgettext:no-python-format
    ProgressStatus.LIMITED: _(
        "The indicator is moving in the desired direction only a little, at less than 60% "
        "of the pace needed to reach its target or, where there is no target, by less than "
        "0.5% a year."
    ),
    ProgressStatus.DETERIORATION: _(
        "The indicator has moved in the wrong direction since the base year."
    ),
    ProgressStatus.NOT_ENOUGH_DATA: _(
        "There are not enough comparable values since the base year to measure a trend."
    ),
}


@dataclass(frozen=True)
class ProgressAssessment:
    """The status of one series and the figures it was derived from.

    ``base_year``/``base_value`` are the first point at or after the requested base year and
    ``latest_year``/``latest_value`` the last point; both are None when the series has no
    point from the base year on, and they are the same point when it has only one.
    ``observed_growth`` is the CAGR from base to latest, signed so that a positive number
    is movement in the desired direction. ``required_growth`` is the CAGR from the base
    value to the target value over ``target_year - base_year``, signed the same way, and
    ``ratio`` is ``observed_growth / abs(required_growth)``; both are None without a target.
    Any of the three is None when it cannot be computed (see ``progress_assess``).
    """

    status: ProgressStatus
    base_year: int | None
    base_value: Decimal | None
    latest_year: int | None
    latest_value: Decimal | None
    observed_growth: float | None
    required_growth: float | None
    ratio: float | None


def progress_assess(
    points: Iterable[tuple[int, Decimal]],
    *,
    direction: str,
    target_value: Decimal | None = None,
    target_year: int | None = None,
    base_year: int = DEFAULT_BASE_YEAR,
) -> ProgressAssessment:
    """Assess a yearly series against its desired direction and, if given, its target.

    ``points`` are (year, value) pairs in any order; when a year comes more than once the
    last value given for it counts. Values that are None or not finite are ignored.
    ``direction`` is ``"increase"`` or ``"decrease"`` (the values of
    ``indicators.models.Direction``); any other value raises ``ValueError``, as does a
    target value that is not a finite number. ``target_year`` without ``target_value`` is
    ignored; ``target_value`` without ``target_year`` uses 2030, as Open SDG does.

    The function never raises for the shape of the data. The status is:

    * ``TARGET_ACHIEVED`` when there is a target and the latest value from the base year on
      is at or beyond it in the desired direction, even if it is the only such value, as
      in sdg-build. Unlike sdg-build, values older than the base year never count as
      achieving it: they say nothing about progress since the base year.
    * ``NOT_ENOUGH_DATA`` when there are fewer than two years with values from the base
      year on, and whenever the growth or the ratio is undefined:

      - a base value of zero (no growth rate starts from zero). Open SDG replaces it with
        0.001, but that makes the status depend on the unit (0.001 persons and 0.001 per
        cent are not alike) and rates a series stuck at zero as deterioration, so no
        status is claimed instead;
      - base and latest values of opposite signs (the method fits an exponential, which
        cannot cross zero; sdg-build gives up too). A series whose base and latest values
        are both below zero is assessed with its direction turned round, as the method says;
      - with a target: a target year not after the (possibly moved) base year, or a
        target on the other side of zero from the base value.

    * ``DETERIORATION`` without a ratio when the target equals the base value and the
      latest value has slipped back from it: the required growth is zero, so the ratio is
      minus infinity and its sign alone settles the status (sdg-build would divide by zero).
    * Otherwise the status for the CAGR (no target) or the ratio (target), from
      ``GROWTH_THRESHOLDS`` or ``RATIO_THRESHOLDS``.

    A target of zero is replaced by 0.001 (with the sign of the base value) in the required
    growth only, as Open SDG does; whether it is achieved is judged against zero itself.
    """
    sense = _sense_of(direction)
    target = None if target_value is None else _finite_target(target_value)
    if target is not None and target_year is None:
        target_year = DEFAULT_TARGET_YEAR

    series = _last_value_per_year(points)
    years = sorted(year for year in series if year >= base_year)
    if not years:
        return ProgressAssessment(
            ProgressStatus.NOT_ENOUGH_DATA, None, None, None, None, None, None, None
        )

    first_year, last_year = years[0], years[-1]
    base_value, latest_value = series[first_year], series[last_year]

    # A context of our own, so the caller's decimal settings cannot change a status.
    with localcontext(Context(prec=28)):
        observed = _directed_growth(base_value, latest_value, last_year - first_year, sense)
        required = ratio = None
        if target is not None and target_year is not None:
            aim = target if target != 0 else ZERO_TARGET_STAND_IN.copy_sign(base_value)
            required = _directed_growth(base_value, aim, target_year - first_year, sense)
            if observed is not None and required is not None and required != 0:
                ratio = observed / abs(required)

        if target is not None and _has_reached(latest_value, target, sense):
            status = ProgressStatus.TARGET_ACHIEVED
        elif target is None:
            status = _classify(observed, GROWTH_THRESHOLDS)
        elif ratio is not None:
            status = _classify(ratio, RATIO_THRESHOLDS)
        elif required == 0 and observed is not None and observed < 0:
            status = ProgressStatus.DETERIORATION
        else:
            status = ProgressStatus.NOT_ENOUGH_DATA

    return ProgressAssessment(
        status=status,
        base_year=first_year,
        base_value=base_value,
        latest_year=last_year,
        latest_value=latest_value,
        observed_growth=_as_float(observed),
        required_growth=_as_float(required),
        ratio=_as_float(ratio),
    )


def _sense_of(direction: str) -> int:
    try:
        return _DIRECTION_SENSE[direction]
    except (KeyError, TypeError):
        # "unspecified" lands here on purpose: progress needs a desired direction.
        raise ValueError(f"direction must be 'increase' or 'decrease', not {direction!r}") from None


def _to_decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    # Through str so that a float like 0.1 becomes 0.1, not its binary approximation.
    return Decimal(str(value))


def _finite_target(target_value: Decimal) -> Decimal:
    target = _to_decimal(target_value)
    if target is None or not target.is_finite():
        raise ValueError(f"target_value must be a finite number, not {target_value!r}")
    return target


def _last_value_per_year(points: Iterable[tuple[int, Decimal]]) -> dict[int, Decimal]:
    series: dict[int, Decimal] = {}
    for year, raw in points:
        value = _to_decimal(raw)
        # NaN cannot be ordered and infinity has no growth rate: treat both as missing.
        if value is not None and value.is_finite():
            series[year] = value
    return series


def _directed_growth(start: Decimal, end: Decimal, years: int, sense: int) -> Decimal | None:
    """CAGR from start to end over years, positive when moving the desired way, or None."""
    if years <= 0 or start == 0:
        return None
    quotient = end / start
    if quotient < 0:
        return None
    growth = quotient ** (Decimal(1) / Decimal(years)) - 1
    # Below zero a rising value has a falling quotient, so the direction is turned round.
    orientation = sense if start > 0 else -sense
    return growth * orientation


def _has_reached(latest: Decimal, target: Decimal, sense: int) -> bool:
    return latest >= target if sense > 0 else latest <= target


def _classify(
    value: Decimal | None, thresholds: tuple[Decimal, Decimal, Decimal]
) -> ProgressStatus:
    if value is None:
        return ProgressStatus.NOT_ENOUGH_DATA
    substantial, moderate, limited = thresholds
    if value >= substantial:
        return ProgressStatus.SUBSTANTIAL
    if value >= moderate:
        return ProgressStatus.MODERATE
    if value >= limited:
        return ProgressStatus.LIMITED
    return ProgressStatus.DETERIORATION


def _as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
