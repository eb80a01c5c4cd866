"""Pledge rules the database enforces, whatever writes the row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pledges.models import (
    Evidence,
    Membership,
    Organisation,
    PledgeObjective,
    PledgeTarget,
    ReviewState,
)
from tests.database import rejected
from tests.factories import (
    IndicatorFactory,
    OrganisationFactory,
    PledgeFactory,
    PledgeTargetFactory,
    ProgressUpdateFactory,
    objective,
)

pytestmark = pytest.mark.django_db


def test_description_is_never_longer_than_3000_characters():
    assert rejected(lambda: PledgeFactory(description="x" * 3001))
    assert PledgeFactory(description="x" * 3000).pk


def test_a_draft_may_be_short_but_a_submitted_pledge_may_not():
    assert PledgeFactory(description="To be written.").pk
    assert rejected(
        lambda: PledgeFactory(description="Too short.", review_state=ReviewState.SUBMITTED)
    )


def test_deadline_cannot_precede_start():
    assert rejected(
        lambda: PledgeFactory(start_date=dt.date(2026, 5, 1), deadline=dt.date(2026, 4, 30))
    )


def test_amount_is_positive_and_has_a_currency():
    assert rejected(lambda: PledgeFactory(amount=Decimal(-1), currency="USD"))
    assert rejected(lambda: PledgeFactory(amount=Decimal(1000), currency=""))
    assert PledgeFactory(amount=Decimal(1000), currency="USD").pk


def test_a_pledge_cannot_match_itself():
    pledge = PledgeFactory()
    pledge.matches = pledge
    assert rejected(lambda: pledge.save())


def test_a_published_pledge_has_a_publication_date():
    assert rejected(lambda: PledgeFactory(review_state=ReviewState.PUBLISHED, published_at=None))


def test_reference_and_sequence_are_unique():
    pledge = PledgeFactory()
    assert rejected(lambda: PledgeFactory(cycle=pledge.cycle, sequence=pledge.sequence))
    assert rejected(lambda: PledgeFactory(reference=pledge.reference))


def test_at_most_three_main_objectives():
    pledge = PledgeFactory()
    for rank, number in enumerate([6, 7, 23], start=1):
        PledgeObjective.objects.create(pledge=pledge, objective=objective(number), main_rank=rank)
    assert rejected(
        lambda: PledgeObjective.objects.create(pledge=pledge, objective=objective(1), main_rank=4)
    )
    assert rejected(
        lambda: PledgeObjective.objects.create(pledge=pledge, objective=objective(2), main_rank=3)
    )
    # Further objectives are not limited.
    for number in (1, 2, 3, 4):
        PledgeObjective.objects.create(pledge=pledge, objective=objective(number))
    assert pledge.objective_links.count() == 7


def test_an_objective_is_linked_once():
    pledge = PledgeFactory()
    PledgeObjective.objects.create(pledge=pledge, objective=objective(6), main_rank=1)
    assert rejected(lambda: PledgeObjective.objects.create(pledge=pledge, objective=objective(6)))


def test_a_target_names_an_indicator_or_an_own_metric_not_both_nor_neither():
    indicator = IndicatorFactory()
    assert rejected(lambda: PledgeTargetFactory(indicator=indicator, own_metric="Also this"))
    assert rejected(lambda: PledgeTargetFactory(indicator=None, own_metric=""))
    assert PledgeTargetFactory(indicator=indicator, own_metric="").pk


def test_target_year_cannot_precede_baseline_year():
    assert rejected(lambda: PledgeTargetFactory(baseline_year=2025, target_year=2024))
    assert rejected(lambda: PledgeTargetFactory(baseline_year=1800))


def test_target_measurability():
    target = PledgeTarget(own_metric="x", baseline_value=1, baseline_year=2024, target_value=2)
    assert not target.is_measurable
    target.target_year = 2030
    assert target.is_measurable


def test_update_percent_is_at_most_100_and_amounts_positive():
    assert rejected(lambda: ProgressUpdateFactory(percent_complete=101))
    assert rejected(lambda: ProgressUpdateFactory(amount_disbursed=Decimal(-5)))


def test_evidence_is_a_link_or_a_file():
    pledge = PledgeFactory()
    assert rejected(lambda: Evidence.objects.create(pledge=pledge, title="Nothing"))
    assert rejected(
        lambda: Evidence.objects.create(
            pledge=pledge, title="Both", url="https://example.org/r.pdf", file="evidence/r.pdf"
        )
    )
    assert Evidence.objects.create(pledge=pledge, title="Link", url="https://example.org/r.pdf").pk


def test_organisation_names_are_unique_whatever_the_case():
    OrganisationFactory(name="Safe Passage Alliance")
    assert rejected(lambda: OrganisationFactory(name="SAFE PASSAGE ALLIANCE"))


def test_a_member_state_is_tied_to_its_country():
    assert rejected(lambda: OrganisationFactory(kind="member_state", country=None))


def test_accreditation_has_a_date():
    assert rejected(lambda: OrganisationFactory(accredited=True, accredited_at=None))


def test_a_user_joins_an_organisation_once(member, organisation):
    assert rejected(lambda: Membership.objects.create(user=member, organisation=organisation))


def test_forms_lists_the_forms_a_pledge_takes():
    pledge = PledgeFactory(form_policy=True, form_financial=True)
    assert pledge.forms == ["financial contribution", "policy-oriented commitment"]


def test_of_organisation_includes_accepted_partnerships_only():
    lead = PledgeFactory()
    partner = OrganisationFactory()
    lead.partner_links.create(organisation=partner, status="invited")
    assert list(type(lead).objects.of_organisation(partner)) == []
    lead.partner_links.update(status="accepted")
    assert list(type(lead).objects.of_organisation(partner)) == [lead]
    assert Organisation.objects.count() >= 2
