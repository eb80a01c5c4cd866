"""Silence is data: due, overdue and inactive pledges, counted as their own groups."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pledges.models import ReportingPolicy, ReviewCycle
from pledges.reporting import reporting_counts, with_reporting_status
from tests.factories import PledgeFactory, ProgressUpdateFactory, cycle

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def window() -> ReviewCycle:
    current = cycle()
    current.reporting_opens, current.reporting_closes = dt.date(2026, 9, 1), dt.date(2026, 12, 31)
    current.save()
    return current


def published(on: dt.date):
    moment = dt.datetime.combine(on, dt.time(12), tzinfo=dt.UTC)
    return PledgeFactory(published=True, published_at=moment, submitted_at=moment)


def status(pledge, window, today=TODAY, policy=None):
    annotated = with_reporting_status(
        type(pledge).objects.filter(pk=pledge.pk), cycle=window, today=today, policy=policy
    )
    return annotated.get().reporting_status


def test_due_while_the_window_is_open_until_an_update_comes(window):
    pledge = published(dt.date(2026, 5, 1))
    assert status(pledge, window) == "due"
    ProgressUpdateFactory(pledge=pledge, reported_on=dt.date(2026, 10, 1), review_state="submitted")
    assert status(pledge, window) == "reporting"


def test_overdue_once_the_window_closed_without_an_update(window):
    pledge = published(dt.date(2026, 5, 1))
    assert status(pledge, window, today=dt.date(2027, 1, 15)) == "overdue"


def test_an_update_before_the_window_does_not_count_for_it(window):
    pledge = published(dt.date(2026, 1, 1))
    ProgressUpdateFactory(
        pledge=pledge,
        reported_on=dt.date(2026, 3, 1),
        review_state="published",
        published_at=timezone.now(),
    )
    assert status(pledge, window) == "due"


def test_inactive_after_the_policy_months_without_a_published_update(window):
    old = published(dt.date(2024, 6, 1))
    assert status(old, window) == "inactive"
    ReportingPolicy.objects.create(inactive_after_months=36)
    assert status(old, window) == "due"


def test_without_a_window_only_inactivity_is_judged():
    pledge = published(dt.date(2026, 5, 1))
    assert status(pledge, cycle("IMRF-2030")) == "reporting"


def test_counts_list_every_group_in_one_query(window, django_assert_max_num_queries):
    published(dt.date(2024, 1, 1))  # inactive
    published(dt.date(2026, 5, 1))  # due
    answered = published(dt.date(2026, 5, 1))
    ProgressUpdateFactory(
        pledge=answered, reported_on=dt.date(2026, 10, 1), review_state="submitted"
    )
    PledgeFactory()  # a draft is not counted at all
    policy = ReportingPolicy(inactive_after_months=24)
    with django_assert_max_num_queries(1):
        counts = reporting_counts(
            type(answered).objects.all(), cycle=window, today=TODAY, policy=policy
        )
    assert counts == {"reporting": 1, "due": 1, "overdue": 0, "inactive": 1}
