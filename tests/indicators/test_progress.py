"""Worked examples of the progress-against-target method (Statistics Canada, as in Open SDG).

Every expected growth rate is worked out in the comment above its test, with
CAGR = (latest / base) ** (1 / years) - 1, turned round when lower is better, and
ratio = observed CAGR / |required CAGR| when there is a target. Thresholds: without a
target 1.5 % / 0.5 % / 0 %, with a target 0.95 / 0.6 / 0, each the inclusive lower bound.
"""

from __future__ import annotations

from decimal import Context, Decimal, localcontext

import pytest

from indicators.models import Direction
from indicators.progress import ProgressAssessment, ProgressStatus, progress_assess

D = Decimal


def series(*pairs: tuple[int, str | int]) -> list[tuple[int, Decimal]]:
    return [(year, D(value)) for year, value in pairs]


# --- Without a target: the observed CAGR against 1.5 % / 0.5 % / 0 % ---------------------


def test_growth_above_one_and_a_half_percent_without_target_is_substantial():
    # 100 (2015) -> 110 (2020): 1.1 ** (1/5) - 1 = 0.019245 >= 0.015
    result = progress_assess(series((2015, 100), (2020, 110)), direction="increase")
    assert result == ProgressAssessment(
        status=ProgressStatus.SUBSTANTIAL,
        base_year=2015,
        base_value=D(100),
        latest_year=2020,
        latest_value=D(110),
        observed_growth=pytest.approx(0.019245, abs=1e-6),
        required_growth=None,
        ratio=None,
    )


@pytest.mark.parametrize(
    ("latest", "direction", "growth", "status"),
    [
        # 100 -> 105 over 5 years: 1.05 ** (1/5) - 1 = 0.009806
        (105, "increase", 0.009806, ProgressStatus.MODERATE),
        # 100 -> 101 over 5 years: 1.01 ** (1/5) - 1 = 0.001992
        (101, "increase", 0.001992, ProgressStatus.LIMITED),
        # 100 -> 95 over 5 years: 0.95 ** (1/5) - 1 = -0.010206
        (95, "increase", -0.010206, ProgressStatus.DETERIORATION),
        # 100 -> 90 over 5 years: 0.9 ** (1/5) - 1 = -0.020852, turned round: +0.020852
        (90, "decrease", 0.020852, ProgressStatus.SUBSTANTIAL),
        # 100 -> 110 over 5 years: +0.019245, turned round: -0.019245
        (110, "decrease", -0.019245, ProgressStatus.DETERIORATION),
    ],
    ids=[
        "moderate between half and one and a half percent",
        "limited below half a percent",
        "fall when higher is better is deterioration",
        "fall when lower is better counts as growth in the desired direction",
        "rise when lower is better is deterioration",
    ],
)
def test_observed_growth_without_target_sets_the_status(latest, direction, growth, status):
    result = progress_assess(series((2015, 100), (2020, latest)), direction=direction)
    assert result.status is status
    assert result.observed_growth == pytest.approx(growth, abs=1e-6)


@pytest.mark.parametrize(
    ("latest", "direction", "growth", "status"),
    [
        # One year after 100, so CAGR = latest / 100 - 1 exactly.
        ("101.5", "increase", 0.015, ProgressStatus.SUBSTANTIAL),  # exactly 1.5 %
        ("101.4", "increase", 0.014, ProgressStatus.MODERATE),  # just under 1.5 %
        ("100.5", "increase", 0.005, ProgressStatus.MODERATE),  # exactly 0.5 %
        ("100.4", "increase", 0.004, ProgressStatus.LIMITED),  # just under 0.5 %
        ("100", "increase", 0.0, ProgressStatus.LIMITED),  # no change at all
        ("99.9", "increase", -0.001, ProgressStatus.DETERIORATION),  # just under 0
        ("98.5", "decrease", 0.015, ProgressStatus.SUBSTANTIAL),  # -1.5 %, turned round
    ],
)
def test_each_growth_threshold_is_the_inclusive_lower_bound_of_its_status(
    latest, direction, growth, status
):
    result = progress_assess(series((2015, 100), (2016, latest)), direction=direction)
    assert result.status is status
    assert result.observed_growth == pytest.approx(growth)


def test_threshold_reached_over_several_years_is_not_lost_to_rounding():
    # 100 -> 103.0225 over 2 years: 1.030225 ** (1/2) - 1 = 1.015 - 1 = 0.015 exactly.
    # In binary floating point this comes out as 0.0149999..., which would read moderate.
    result = progress_assess(series((2015, 100), (2017, "103.0225")), direction="increase")
    assert result.status is ProgressStatus.SUBSTANTIAL
    assert result.observed_growth == pytest.approx(0.015)


# --- With a target: observed over required CAGR against 0.95 / 0.6 / 0 --------------------

# Target 200 by 2030 from 100 in 2015: required = 2 ** (1/15) - 1 = 0.047294.
REQUIRED_TO_DOUBLE = 0.047294


def test_growth_at_the_pace_the_target_needs_is_substantial():
    # 100 -> 130 by 2020: 1.3 ** (1/5) - 1 = 0.053874; ratio 0.053874 / 0.047294 = 1.139126
    result = progress_assess(
        series((2015, 100), (2020, 130)),
        direction="increase",
        target_value=D(200),
        target_year=2030,
    )
    assert result == ProgressAssessment(
        status=ProgressStatus.SUBSTANTIAL,
        base_year=2015,
        base_value=D(100),
        latest_year=2020,
        latest_value=D(130),
        observed_growth=pytest.approx(0.053874, abs=1e-6),
        required_growth=pytest.approx(REQUIRED_TO_DOUBLE, abs=1e-6),
        ratio=pytest.approx(1.139126, abs=1e-6),
    )


@pytest.mark.parametrize(
    ("latest", "ratio", "status"),
    [
        # 100 -> 120 by 2020: 1.2 ** (1/5) - 1 = 0.037137; ratio 0.037137 / 0.047294 = 0.785241
        (120, 0.785241, ProgressStatus.MODERATE),
        # 100 -> 105 by 2020: 0.009806; ratio 0.009806 / 0.047294 = 0.207336
        (105, 0.207336, ProgressStatus.LIMITED),
        # 100 -> 90 by 2020: -0.020852; ratio -0.020852 / 0.047294 = -0.440893
        (90, -0.440893, ProgressStatus.DETERIORATION),
    ],
    ids=[
        "most of the needed pace is moderate",
        "well below the needed pace is limited",
        "moving away from the target is deterioration",
    ],
)
def test_observed_over_needed_pace_sets_the_status(latest, ratio, status):
    result = progress_assess(
        series((2015, 100), (2020, latest)),
        direction="increase",
        target_value=D(200),
        target_year=2030,
    )
    assert result.status is status
    assert result.ratio == pytest.approx(ratio, abs=1e-6)


# Target 70 by 2030 from 100 in 2015, lower is better:
# required = 0.7 ** (1/15) - 1 = -0.023498, turned round: +0.023498.
REQUIRED_TO_CUT_BY_30_PERCENT = 0.023498


@pytest.mark.parametrize(
    ("latest", "observed", "ratio", "status"),
    [
        # 0.88 ** (1/5) - 1 = -0.025243 -> +0.025243; / 0.023498 = 1.074252
        (88, 0.025243, 1.074252, ProgressStatus.SUBSTANTIAL),
        # 0.92 ** (1/5) - 1 = -0.016538 -> +0.016538; / 0.023498 = 0.703811
        (92, 0.016538, 0.703811, ProgressStatus.MODERATE),
        # 0.97 ** (1/5) - 1 = -0.006073 -> +0.006073; / 0.023498 = 0.258463
        (97, 0.006073, 0.258463, ProgressStatus.LIMITED),
        # 1.04 ** (1/5) - 1 = +0.007875 -> -0.007875; / 0.023498 = -0.335137
        (104, -0.007875, -0.335137, ProgressStatus.DETERIORATION),
    ],
)
def test_lower_is_better_with_target_compares_the_fall_to_the_fall_needed(
    latest, observed, ratio, status
):
    result = progress_assess(
        series((2015, 100), (2020, latest)),
        direction="decrease",
        target_value=D(70),
        target_year=2030,
    )
    assert result.status is status
    assert result.observed_growth == pytest.approx(observed, abs=1e-6)
    assert result.required_growth == pytest.approx(REQUIRED_TO_CUT_BY_30_PERCENT, abs=1e-6)
    assert result.ratio == pytest.approx(ratio, abs=1e-6)


@pytest.mark.parametrize(
    ("latest", "ratio", "status"),
    [
        # Target 102 in 2016 from 100 in 2015: required 0.02. Observed = latest / 100 - 1.
        ("101.9", 0.95, ProgressStatus.SUBSTANTIAL),  # 0.019 / 0.02, exactly 0.95
        ("101.8", 0.90, ProgressStatus.MODERATE),  # 0.018 / 0.02
        ("101.2", 0.60, ProgressStatus.MODERATE),  # 0.012 / 0.02, exactly 0.6
        ("101.1", 0.55, ProgressStatus.LIMITED),  # 0.011 / 0.02
        ("100", 0.0, ProgressStatus.LIMITED),  # no change, exactly 0
        ("99.9", -0.05, ProgressStatus.DETERIORATION),  # -0.001 / 0.02
    ],
)
def test_each_ratio_threshold_is_the_inclusive_lower_bound_of_its_status(latest, ratio, status):
    result = progress_assess(
        series((2015, 100), (2016, latest)),
        direction="increase",
        target_value=D(102),
        target_year=2016,
    )
    assert result.status is status
    assert result.required_growth == pytest.approx(0.02)
    assert result.ratio == pytest.approx(ratio)


def test_target_without_a_year_is_due_in_2030():
    # Same required growth as target 200 by 2030: 2 ** (1/15) - 1 = 0.047294
    result = progress_assess(
        series((2015, 100), (2020, 130)), direction="increase", target_value=D(200)
    )
    assert result.required_growth == pytest.approx(REQUIRED_TO_DOUBLE, abs=1e-6)
    assert result.status is ProgressStatus.SUBSTANTIAL


def test_target_year_without_a_target_value_is_ignored():
    # Assessed as without a target: 1.1 ** (1/5) - 1 = 0.019245
    result = progress_assess(
        series((2015, 100), (2020, 110)), direction="increase", target_year=2030
    )
    assert result.status is ProgressStatus.SUBSTANTIAL
    assert result.required_growth is None
    assert result.ratio is None


# --- Target achieved ----------------------------------------------------------------------


def test_latest_value_beyond_the_target_is_target_achieved():
    # 100 -> 125 by 2020 with target 120: reached; the growth is still reported,
    # 1.25 ** (1/5) - 1 = 0.045640; required 1.2 ** (1/15) - 1 = 0.012229; ratio 3.732094
    result = progress_assess(
        series((2015, 100), (2020, 125)),
        direction="increase",
        target_value=D(120),
        target_year=2030,
    )
    assert result.status is ProgressStatus.TARGET_ACHIEVED
    assert result.observed_growth == pytest.approx(0.045640, abs=1e-6)
    assert result.required_growth == pytest.approx(0.012229, abs=1e-6)
    assert result.ratio == pytest.approx(3.732094, abs=1e-6)


def test_latest_value_equal_to_the_target_is_target_achieved_in_either_direction():
    rising = progress_assess(
        series((2015, 100), (2020, 120)), direction="increase", target_value=D(120)
    )
    falling = progress_assess(
        series((2015, 100), (2020, 70)), direction="decrease", target_value=D(70)
    )
    assert rising.status is ProgressStatus.TARGET_ACHIEVED
    assert falling.status is ProgressStatus.TARGET_ACHIEVED


def test_target_already_beaten_in_the_base_year_and_still_beaten_is_target_achieved():
    # Lower is better, target 70, base 60 already below it, latest 65 still below it.
    result = progress_assess(
        series((2015, 60), (2020, 65)), direction="decrease", target_value=D(70)
    )
    assert result.status is ProgressStatus.TARGET_ACHIEVED


def test_slipping_back_past_a_target_beaten_in_the_base_year_is_deterioration():
    # Lower is better, target 70, base 60, latest 80: not achieved any more.
    # observed: (80/60) ** (1/5) - 1 = 0.059224, turned round -0.059224
    # required: (70/60) ** (1/15) - 1 = 0.010330, turned round -0.010330 (the "wrong" way)
    # ratio = -0.059224 / |-0.010330| = -5.733356: dividing by the magnitude keeps the sign
    result = progress_assess(
        series((2015, 60), (2020, 80)), direction="decrease", target_value=D(70)
    )
    assert result.status is ProgressStatus.DETERIORATION
    assert result.observed_growth == pytest.approx(-0.059224, abs=1e-6)
    assert result.required_growth == pytest.approx(-0.010330, abs=1e-6)
    assert result.ratio == pytest.approx(-5.733356, abs=1e-6)


def test_single_value_that_reaches_the_target_is_target_achieved():
    result = progress_assess(series((2018, 75)), direction="increase", target_value=D(70))
    assert result.status is ProgressStatus.TARGET_ACHIEVED
    assert result.observed_growth is None
    assert result.ratio is None


def test_target_reached_only_before_the_base_year_is_not_achieved():
    result = progress_assess(
        series((2010, 50), (2014, 40)), direction="decrease", target_value=D(45)
    )
    assert result.status is ProgressStatus.NOT_ENOUGH_DATA


# --- Which years count --------------------------------------------------------------------


def test_missing_base_year_moves_the_base_to_the_next_year_with_a_value():
    # No 2015 value: the base is 2016 (100), not 2014 (50). 100 -> 110 by 2021:
    # 1.1 ** (1/5) - 1 = 0.019245. From 2014 it would be (110/50) ** (1/7) - 1 = 0.119.
    result = progress_assess(series((2014, 50), (2016, 100), (2021, 110)), direction="increase")
    assert result.base_year == 2016
    assert result.base_value == D(100)
    assert result.status is ProgressStatus.SUBSTANTIAL
    assert result.observed_growth == pytest.approx(0.019245, abs=1e-6)


def test_moved_base_year_also_shortens_the_period_for_the_required_growth():
    # Base moves to 2016 (100); target 200 by 2030: required 2 ** (1/14) - 1 = 0.050757.
    # Observed 1.3 ** (1/4) - 1 = 0.067790 (2016 -> 2020); ratio 1.335588
    result = progress_assess(
        series((2016, 100), (2020, 130)), direction="increase", target_value=D(200)
    )
    assert result.required_growth == pytest.approx(0.050757, abs=1e-6)
    assert result.observed_growth == pytest.approx(0.067790, abs=1e-6)
    assert result.ratio == pytest.approx(1.335588, abs=1e-6)


def test_other_base_year_can_be_asked_for():
    # Base 2018 (100) -> 2020 (110): 1.1 ** (1/2) - 1 = 0.048809; 2015 is left out.
    result = progress_assess(
        series((2015, 200), (2018, 100), (2020, 110)), direction="increase", base_year=2018
    )
    assert result.base_year == 2018
    assert result.observed_growth == pytest.approx(0.048809, abs=1e-6)


def test_data_only_before_the_base_year_is_not_enough_data():
    result = progress_assess(series((2010, 100), (2014, 120)), direction="increase")
    assert result == ProgressAssessment(
        status=ProgressStatus.NOT_ENOUGH_DATA,
        base_year=None,
        base_value=None,
        latest_year=None,
        latest_value=None,
        observed_growth=None,
        required_growth=None,
        ratio=None,
    )


def test_single_point_is_not_enough_data():
    result = progress_assess(series((2018, 100)), direction="increase")
    assert result.status is ProgressStatus.NOT_ENOUGH_DATA
    assert (result.base_year, result.latest_year) == (2018, 2018)
    assert result.observed_growth is None


def test_no_points_at_all_is_not_enough_data():
    result = progress_assess([], direction="decrease", target_value=D(10))
    assert result.status is ProgressStatus.NOT_ENOUGH_DATA


def test_duplicate_years_keep_the_last_value_given():
    # 2015 given as 50 then 100, 2020 as 200 then 110: assessed as 100 -> 110,
    # 1.1 ** (1/5) - 1 = 0.019245
    result = progress_assess(
        series((2015, 50), (2020, 200), (2015, 100), (2020, 110)), direction="increase"
    )
    assert (result.base_value, result.latest_value) == (D(100), D(110))
    assert result.observed_growth == pytest.approx(0.019245, abs=1e-6)


def test_points_may_come_in_any_order():
    # Base 2015 (100), latest 2020 (110), whatever the order given.
    result = progress_assess(series((2020, 110), (2015, 100), (2017, 104)), direction="increase")
    assert (result.base_year, result.latest_year) == (2015, 2020)
    assert result.observed_growth == pytest.approx(0.019245, abs=1e-6)


def test_missing_and_non_finite_values_are_ignored():
    # 2020 is NaN and 2021 None, so the latest usable value is 2019 (108):
    # 1.08 ** (1/4) - 1 = 0.019427
    points = [
        (2015, D(100)),
        (2019, D(108)),
        (2020, D("NaN")),
        (2021, None),
        (2022, D("Infinity")),
    ]
    result = progress_assess(points, direction="increase")
    assert result.latest_year == 2019
    assert result.observed_growth == pytest.approx(0.019427, abs=1e-6)


# --- What the formula cannot handle -------------------------------------------------------


def test_zero_base_value_is_not_enough_data():
    # (10 / 0) has no growth rate; Open SDG's 0.001 stand-in is deliberately not used.
    result = progress_assess(series((2015, 0), (2020, 10)), direction="increase")
    assert result.status is ProgressStatus.NOT_ENOUGH_DATA
    assert result.base_value == D(0)
    assert result.observed_growth is None


def test_zero_base_value_with_a_target_not_reached_is_not_enough_data():
    result = progress_assess(
        series((2015, 0), (2020, 10)), direction="increase", target_value=D(50)
    )
    assert result.status is ProgressStatus.NOT_ENOUGH_DATA
    assert result.required_growth is None
    assert result.ratio is None


def test_zero_base_value_does_not_hide_a_target_reached():
    result = progress_assess(
        series((2015, 0), (2020, 60)), direction="increase", target_value=D(50)
    )
    assert result.status is ProgressStatus.TARGET_ACHIEVED


def test_values_of_opposite_signs_are_not_enough_data():
    # (5 / -5) < 0: no real growth rate.
    result = progress_assess(series((2015, -5), (2020, 5)), direction="increase")
    assert result.status is ProgressStatus.NOT_ENOUGH_DATA
    assert result.observed_growth is None


def test_series_below_zero_is_assessed_with_the_direction_turned_round():
    # -100 -> -50 by 2020 is a rise. (-50 / -100) ** (1/5) - 1 = 0.5 ** 0.2 - 1 = -0.129449,
    # which for a negative series means +0.129449 when higher is better.
    rising = progress_assess(series((2015, -100), (2020, -50)), direction="increase")
    assert rising.status is ProgressStatus.SUBSTANTIAL
    assert rising.observed_growth == pytest.approx(0.129449, abs=1e-6)
    falling = progress_assess(series((2015, -100), (2020, -50)), direction="decrease")
    assert falling.status is ProgressStatus.DETERIORATION
    assert falling.observed_growth == pytest.approx(-0.129449, abs=1e-6)


def test_falling_to_zero_when_lower_is_better_is_substantial():
    # 100 -> 0 by 2020: 0 ** (1/5) - 1 = -1, turned round +1 (100 % a year).
    result = progress_assess(series((2015, 100), (2020, 0)), direction="decrease")
    assert result.status is ProgressStatus.SUBSTANTIAL
    assert result.observed_growth == pytest.approx(1.0)


def test_target_year_equal_to_the_base_year_leaves_required_growth_undefined():
    # Required growth over 2015 - 2015 = 0 years cannot be computed; the observed growth
    # 1.1 ** (1/5) - 1 = 0.019245 still is.
    result = progress_assess(
        series((2015, 100), (2020, 110)),
        direction="increase",
        target_value=D(200),
        target_year=2015,
    )
    assert result.status is ProgressStatus.NOT_ENOUGH_DATA
    assert result.observed_growth == pytest.approx(0.019245, abs=1e-6)
    assert result.required_growth is None
    assert result.ratio is None


def test_target_year_before_a_moved_base_year_leaves_required_growth_undefined():
    # No 2015 value, so the base is 2017, after the 2016 target year.
    result = progress_assess(
        series((2017, 100), (2020, 110)),
        direction="increase",
        target_value=D(200),
        target_year=2016,
    )
    assert result.status is ProgressStatus.NOT_ENOUGH_DATA
    assert result.required_growth is None


def test_target_year_equal_to_the_base_year_still_allows_target_achieved():
    result = progress_assess(
        series((2015, 100), (2020, 210)),
        direction="increase",
        target_value=D(200),
        target_year=2015,
    )
    assert result.status is ProgressStatus.TARGET_ACHIEVED


def test_target_equal_to_the_base_value_and_slipping_back_is_deterioration():
    # Required: (100/100) ** (1/15) - 1 = 0, so the ratio would be -0.020852 / 0 = -infinity.
    # Observed 0.9 ** (1/5) - 1 = -0.020852 is away from the target: deterioration.
    result = progress_assess(
        series((2015, 100), (2020, 90)), direction="increase", target_value=D(100)
    )
    assert result.status is ProgressStatus.DETERIORATION
    assert result.required_growth == 0.0
    assert result.ratio is None
    assert result.observed_growth == pytest.approx(-0.020852, abs=1e-6)


def test_zero_target_uses_one_thousandth_for_the_required_growth():
    # Lower is better, target 0 by 2030 from 10 in 2015, computed towards 0.001:
    # required (0.001/10) ** (1/15) - 1 = 10 ** (-4/15) - 1 = -0.458830, turned round +0.458830
    # observed 10 -> 5 by 2020: 0.5 ** (1/5) - 1 = -0.129449, turned round +0.129449
    # ratio 0.129449 / 0.458830 = 0.282129
    result = progress_assess(series((2015, 10), (2020, 5)), direction="decrease", target_value=D(0))
    assert result.status is ProgressStatus.LIMITED
    assert result.required_growth == pytest.approx(0.458830, abs=1e-6)
    assert result.ratio == pytest.approx(0.282129, abs=1e-6)


def test_zero_target_is_achieved_only_at_zero_not_at_the_stand_in():
    not_yet = progress_assess(
        series((2015, 10), (2020, "0.0005")), direction="decrease", target_value=D(0)
    )
    reached = progress_assess(
        series((2015, 10), (2020, 0)), direction="decrease", target_value=D(0)
    )
    assert not_yet.status is not ProgressStatus.TARGET_ACHIEVED
    assert reached.status is ProgressStatus.TARGET_ACHIEVED


def test_target_on_the_other_side_of_zero_from_the_base_is_not_enough_data():
    # (5 / -10) < 0: no required growth rate, and -8 has not reached 5.
    result = progress_assess(
        series((2015, -10), (2020, -8)), direction="increase", target_value=D(5)
    )
    assert result.status is ProgressStatus.NOT_ENOUGH_DATA
    assert result.required_growth is None


# --- Arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["unspecified", "up", "", "Increase"])
def test_direction_other_than_increase_or_decrease_is_rejected(direction):
    with pytest.raises(ValueError, match="direction must be"):
        progress_assess(series((2015, 100), (2020, 110)), direction=direction)


def test_direction_choices_of_the_indicator_model_are_accepted():
    result = progress_assess(series((2015, 100), (2020, 90)), direction=Direction.DECREASE)
    assert result.status is ProgressStatus.SUBSTANTIAL


def test_non_finite_target_is_rejected():
    with pytest.raises(ValueError, match="target_value"):
        progress_assess(
            series((2015, 100), (2020, 110)), direction="increase", target_value=D("NaN")
        )


def test_callers_decimal_precision_does_not_change_the_result():
    with localcontext(Context(prec=2)):
        result = progress_assess(series((2015, 100), (2017, "103.0225")), direction="increase")
    assert result.status is ProgressStatus.SUBSTANTIAL


# --- Statuses -----------------------------------------------------------------------------


def test_statuses_have_slugs_labels_and_descriptions():
    assert {status.value: status.label for status in ProgressStatus} == {
        "target_achieved": "Target achieved",
        "substantial_progress": "Substantial progress / on track",
        "moderate_progress": "Moderate progress",
        "limited_progress": "Limited progress",
        "deterioration": "Deterioration",
        "not_enough_data": "Not enough data",
    }
    for status in ProgressStatus:
        assert status.description.endswith(".")
        assert status.description.count(". ") == 0  # one sentence each


def test_status_compares_equal_to_its_slug():
    assert ProgressStatus.MODERATE == "moderate_progress"
    assert ProgressStatus("deterioration") is ProgressStatus.DETERIORATION
