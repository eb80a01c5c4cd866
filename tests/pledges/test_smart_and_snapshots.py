"""The SMART check and the comparison of versions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pledges.smart import smart_check
from pledges.snapshots import pledge_changes, pledge_snapshot
from tests.factories import PledgeFactory, PledgeTargetFactory, complete_pledge

pytestmark = pytest.mark.django_db


def test_a_complete_pledge_scores_five():
    report = smart_check(complete_pledge())
    assert report.score == 5
    assert report.complete
    assert report.missing == []


def test_an_empty_draft_says_what_each_criterion_misses():
    report = smart_check(PledgeFactory(description="", form_policy=False))
    assert report.score == 1  # achievable: nothing financial or human was promised
    by_key = {c.key: c for c in report.criteria}
    assert not by_key["specific"].passed
    assert any("form of the pledge" in m for m in by_key["specific"].missing)
    assert by_key["measurable"].missing == ["at least one target"]
    assert by_key["relevant"].missing == ["at least one main GCM objective"]
    assert by_key["time_bound"].missing == ["a deadline"]


def test_a_target_without_baseline_is_not_measurable():
    pledge = complete_pledge()
    pledge.targets.update(baseline_year=None)
    report = smart_check(pledge)
    assert not report.complete
    assert "baseline value and year" in report.missing[0]


def test_a_financial_pledge_needs_its_amount():
    pledge = complete_pledge(form_financial=True)
    assert "amount and currency" in smart_check(pledge).missing[0]
    pledge.amount, pledge.currency = Decimal(50000), "USD"
    assert smart_check(pledge).complete


def test_diff_lists_what_changed_in_form_order():
    pledge = complete_pledge()
    before = pledge_snapshot(pledge)
    pledge.title = "A clearer title"
    pledge.save()
    PledgeTargetFactory(pledge=pledge, own_metric="Inspectors trained", target_value=40)
    after = pledge_snapshot(pledge)
    changes = pledge_changes(before, after)
    assert [c.label for c in changes] == ["Title", "Targets"]
    assert changes[0].after == "A clearer title"
    assert "Inspectors trained: 0 (2025) → 40 (2030) persons" in changes[1].after


def test_same_snapshot_no_changes():
    snapshot = pledge_snapshot(complete_pledge())
    assert pledge_changes(snapshot, snapshot) == []
