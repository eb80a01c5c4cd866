"""seed_demo and seed_synthetic."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Area, Indicator, Observation
from pledges.models import (
    ImplementationStatus,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    Pledge,
    ProgressUpdate,
    ReviewEvent,
    ReviewState,
)
from pledges.snapshots import pledge_changes
from tracker.models import User

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_a_believable_dataset_and_prints_logins(settings):
    settings.DEBUG = True
    output = run("seed_demo")
    for email in ("secretariat@example.org", "focal@example.org", "member@example.org"):
        assert email in output
        assert User.objects.filter(email=email).exists()
    assert "gcm-demo-2026" in output
    assert Pledge.objects.originals().count() == 60
    assert set(Pledge.objects.values_list("review_state", flat=True)) == set(ReviewState.values)
    published = Pledge.objects.published()
    assert set(published.values_list("implementation_status", flat=True)) == set(
        ImplementationStatus.values
    )
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(OrganisationKind.values)
    assert (
        published.exclude(joint_kind="individual").filter(partner_links__status="accepted").exists()
    )
    assert published.filter(matches__isnull=False).exists()
    assert ProgressUpdate.objects.published().filter(measurements__isnull=False).exists()
    assert ReviewEvent.objects.filter(action="publish").exists()
    # Made through the services: every pledge has its versions, a revision waits for review.
    assert not Pledge.objects.originals().filter(versions__isnull=True).exists()
    for pledge in published:
        actions = set(pledge.versions.values_list("action", flat=True))
        assert {"create", "submit", "publish"} <= actions
    revision = Pledge.objects.get(revision_of__isnull=False)
    assert revision.review_state == ReviewState.SUBMITTED
    versions = revision.revision_of.versions.order_by("number")
    before, after = versions.filter(action="publish").last(), versions.last()
    assert {c.label for c in pledge_changes(before.snapshot, after.snapshot)} == {
        "Deadline",
        "Targets",
    }
    assert ProgressUpdate.objects.filter(versions__isnull=True).count() == 0
    # The demo's past is not mailed to anybody.
    assert not OutboxMessage.objects.exists()
    staff = User.objects.get(email="secretariat@example.org")
    assert staff.is_staff
    assert not staff.is_superuser
    assert staff.has_perm("pledges.change_pledge")


def test_seed_demo_runs_once(settings):
    settings.DEBUG = True
    run("seed_demo")
    output = run("seed_demo")
    assert "already present" in output
    assert Pledge.objects.originals().count() == 60


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        run("seed_demo")
    assert not User.objects.exists()


def test_seed_synthetic_adds_pledges_and_updates_with_fresh_references():
    run("seed_synthetic", "--pledges", "120", "--updates", "400")
    run("seed_synthetic", "--pledges", "30", "--updates", "0")
    assert Pledge.objects.count() == 150
    assert ProgressUpdate.objects.count() == 400
    references = list(Pledge.objects.values_list("reference", flat=True))
    assert len(set(references)) == 150
    assert Pledge.objects.filter(objective_links__main_rank=1).distinct().count() == 150


def test_seed_synthetic_refuses_updates_without_pledges():
    with pytest.raises(CommandError, match="need pledges"):
        run("seed_synthetic", "--pledges", "0", "--updates", "10")


def test_seed_synthetic_gives_every_indicator_a_value_in_every_country_and_year_once():
    indicators = Indicator.objects.filter(indicator_set__is_current=True).count()
    countries = Area.objects.countries().count()
    run("seed_synthetic", "--pledges", "0", "--updates", "0", "--observations", "2020-2021")
    assert Observation.objects.count() == indicators * countries * 2
    run("seed_synthetic", "--pledges", "0", "--updates", "0", "--observations", "2021-2022")
    assert Observation.objects.count() == indicators * countries * 3


@pytest.mark.parametrize("years", ["2024-2020", "twenty", "1066-1067"])
def test_seed_synthetic_refuses_years_it_cannot_read(years):
    with pytest.raises(CommandError, match="--observations"):
        run("seed_synthetic", "--pledges", "0", "--updates", "0", "--observations", years)
