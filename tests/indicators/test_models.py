"""The framework's rules hold in the database itself, not only in forms."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.models import (
    Area,
    GuidingPrinciple,
    Indicator,
    IndicatorSet,
    Objective,
)
from tests.database import rejected
from tests.factories import IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db


def test_objective_numbers_stop_at_23():
    assert rejected(lambda: Objective.objects.create(number=24, title="x", short_title="x"))
    assert rejected(lambda: Objective.objects.create(number=0, title="x", short_title="x"))


def test_objective_number_is_unique():
    assert rejected(lambda: Objective.objects.create(number=1, title="again", short_title="x"))


def test_principle_letters_are_a_to_j():
    assert rejected(lambda: GuidingPrinciple.objects.create(letter="k", title="Extra"))


def test_indicator_code_is_unique_within_its_set_but_may_repeat_in_another():
    assert rejected(lambda: IndicatorFactory(code="10.7.1"))
    newer = IndicatorSet.objects.create(
        code="sdg-migration", version="2", name="Migration-related SDG indicators", is_current=False
    )
    assert IndicatorFactory(indicator_set=newer, code="10.7.1").pk


def test_indicators_without_official_code_are_kept_apart_by_name():
    proposed = IndicatorSet.objects.get(code="gcm-proposed")
    IndicatorFactory(indicator_set=proposed, code="", name="A new indicator")
    assert IndicatorFactory(indicator_set=proposed, code="", name="Another one").pk
    assert rejected(
        lambda: IndicatorFactory(indicator_set=proposed, code="", name="A new indicator")
    )


def test_only_one_version_of_a_set_is_current():
    assert rejected(
        lambda: IndicatorSet.objects.create(
            code="sdg-migration", version="2", name="x", is_current=True
        )
    )


def test_a_country_needs_an_iso3_code_and_only_countries_have_one():
    assert rejected(lambda: Area.objects.create(code="XXX", name="Nowhere", kind="country"))
    assert rejected(
        lambda: Area.objects.create(code="999", name="Somewhere", kind="region", iso3="SMW")
    )


def test_observation_point_is_unique_per_indicator_area_period_and_disaggregation():
    ObservationFactory(disaggregation={"Sex": "Female"})
    ObservationFactory(disaggregation={"Sex": "Male"})
    assert rejected(lambda: ObservationFactory(disaggregation={"Sex": "Female"}))


def test_observation_period_cannot_end_before_it_starts():
    assert rejected(
        lambda: ObservationFactory(
            period_start=dt.date(2020, 12, 31), period_end=dt.date(2020, 1, 1)
        )
    )


def test_disaggregation_key_is_canonical_whatever_the_order():
    first = ObservationFactory(disaggregation={"Sex": "Female", "Age": "15-24"})
    assert first.disaggregation_key == "Age=15-24|Sex=Female"
    assert rejected(lambda: ObservationFactory(disaggregation={"Age": "15-24", "Sex": "Female"}))


def test_objectives_and_indicators_are_linked_from_the_framework():
    recruitment = Indicator.objects.get(code="10.7.1")
    assert list(recruitment.objectives.values_list("number", flat=True)) == [6]
    assert recruitment.sdg_code == "10.7.1"
    assert recruitment.direction == "decrease"
