"""factory_boy factories: the smallest valid row of each model, overridable per test."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from indicators.models import Area, Indicator, IndicatorSet, Objective, Observation
from pledges.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Pledge,
    PledgeTarget,
    ProgressUpdate,
    ReviewCycle,
    ReviewState,
)
from tracker.models import User

LONG_DESCRIPTION = (
    "We commit to reduce the cost of recruitment borne by migrant workers by licensing agencies "
    "that charge no fees, training labour inspectors and opening a complaints channel in several "
    "languages. Progress will be measured against the SDG indicator 10.7.1 every year and "
    "reported to the secretariat with the sources of the figures, so that others can check them."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.CIVIL_SOCIETY
    country = factory.LazyFunction(lambda: Area.objects.get(iso3="KEN"))
    accredited = True
    accredited_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.MEMBER


def cycle(code: str = "IMRF-2026") -> ReviewCycle:
    return ReviewCycle.objects.get(code=code)


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    cycle = factory.LazyFunction(cycle)
    sequence = factory.Sequence(lambda n: 9000 + n)
    reference = factory.LazyAttribute(lambda p: Pledge.reference_for(p.cycle, p.sequence))
    title = factory.Sequence(lambda n: f"Pledge number {n}")
    description = LONG_DESCRIPTION
    lead_organisation = factory.SubFactory(OrganisationFactory)
    form_policy = True

    class Params:
        published = factory.Trait(
            review_state=ReviewState.PUBLISHED,
            submitted_at=factory.LazyFunction(timezone.now),
            published_at=factory.LazyFunction(timezone.now),
        )


class PledgeTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PledgeTarget

    pledge = factory.SubFactory(PledgeFactory)
    own_metric = "Workers reached"
    unit = "persons"
    baseline_value = 0
    baseline_year = 2025
    target_value = 1000
    target_year = 2030


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    pledge = factory.SubFactory(PledgeFactory, published=True)
    cycle = factory.SelfAttribute("pledge.cycle")
    organisation = factory.SelfAttribute("pledge.lead_organisation")
    reported_on = dt.date(2026, 3, 1)
    implementation_status = "in_progress"
    narrative = "Half of the licensing reform is in force."


def objective(number: int) -> Objective:
    return Objective.objects.get(number=number)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    indicator_set = factory.LazyFunction(lambda: IndicatorSet.objects.get(code="sdg-migration"))
    code = factory.Sequence(lambda n: f"99.9.{n}")
    name = factory.Sequence(lambda n: f"Test indicator {n}")


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    indicator = factory.LazyFunction(lambda: Indicator.objects.get(code="10.7.1"))
    area = factory.LazyFunction(lambda: Area.objects.get(iso3="KEN"))
    period_label = "2020"
    period_start = dt.date(2020, 1, 1)
    period_end = dt.date(2020, 12, 31)
    value = 12.5


def published_pledge(**fields) -> Pledge:
    """A published pledge with objective 6 as its main objective."""
    from pledges.models import PledgeObjective

    pledge = PledgeFactory(published=True, **fields)
    PledgeObjective.objects.create(pledge=pledge, objective=objective(6), main_rank=1)
    return pledge


def complete_pledge(**kwargs) -> Pledge:
    """A draft that passes every SMART criterion, ready to submit."""
    from pledges.models import PledgeObjective

    kwargs.setdefault("deadline", dt.date(2030, 12, 31))
    pledge = PledgeFactory(**kwargs)
    PledgeObjective.objects.create(pledge=pledge, objective=objective(6), main_rank=1)
    PledgeTargetFactory(pledge=pledge)
    return pledge


def report(pledge, by, organisation, status="in_progress", value=None, **fields):
    """A draft progress update made through the service, dated 30 June 2026, with a value for
    the pledge's first target when `value` is given."""
    from decimal import Decimal

    from pledges import services
    from pledges.content import MeasurementContent, UpdateContent

    target = pledge.targets.first()
    measurements = (
        (MeasurementContent(target, Decimal(value), dt.date(2026, 6, 30)),)
        if value is not None
        else ()
    )
    return services.update_create(
        pledge=pledge,
        by=by,
        organisation=organisation,
        content=UpdateContent(
            **{
                "reported_on": dt.date(2026, 6, 30),
                "implementation_status": status,
                "narrative": "Licensing reform half done.",
                **fields,
            },
            measurements=measurements,
        ),
    )
