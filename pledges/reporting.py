"""Silence is data: which published pledges are due, overdue or inactive, counted in one query.

- due: the reporting window of the current cycle is open and the pledge has no update
  (submitted or published) reported in it;
- overdue: that window has closed and the pledge reported nothing in it;
- inactive: no published update for the policy's number of months (counted from publication
  when there is none); this takes precedence over the other two;
- reporting: none of these.
Every aggregate shows these groups as they are, never as percentages of those who answered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy

from pledges.models import Pledge, ProgressUpdate, ReportingPolicy, ReviewCycle

INACTIVE, OVERDUE, DUE, REPORTING = "inactive", "overdue", "due", "reporting"
STATUSES = (REPORTING, DUE, OVERDUE, INACTIVE)
# How the portal flags a pledge that owes an update; reporting pledges need no flag.
WARNINGS = {
    DUE: pgettext_lazy("reporting flag", "update due"),
    OVERDUE: pgettext_lazy("reporting flag", "update overdue"),
    INACTIVE: pgettext_lazy("reporting flag", "inactive"),
}


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, 28))


def with_reporting_status(
    pledges: QuerySet[Pledge],
    *,
    cycle: ReviewCycle | None,
    today: dt.date | None = None,
    policy: ReportingPolicy | None = None,
) -> QuerySet[Pledge]:
    """Annotate each published pledge with `reporting_status` (one of STATUSES)."""
    today = today or timezone.localdate()
    policy = policy or ReportingPolicy.current()
    cutoff = _months_before(today, policy.inactive_after_months)
    published = pledges.published().originals()
    latest_update = (
        ProgressUpdate.objects.published()
        .filter(pledge=OuterRef("pk"))
        .order_by("-reported_on")
        .values("reported_on")[:1]
    )
    # Subqueries, not joins: the status can then be grouped on to count in one query.
    last_heard = Coalesce(Subquery(latest_update), TruncDate("published_at"))
    whens = [When(last_heard_of__lt=cutoff, then=Value(INACTIVE))]
    opens, closes = (cycle.reporting_opens, cycle.reporting_closes) if cycle else (None, None)
    if opens and closes and opens <= today:
        in_window = ProgressUpdate.objects.reported().filter(
            pledge=OuterRef("pk"), reported_on__range=(opens, closes)
        )
        published = published.annotate(reported_in_window=Exists(in_window))
        late = OVERDUE if today > closes else DUE
        whens.append(When(reported_in_window=False, then=Value(late)))
    return published.annotate(last_heard_of=last_heard).annotate(
        reporting_status=Case(*whens, default=Value(REPORTING), output_field=CharField())
    )


def reporting_counts(
    pledges: QuerySet[Pledge],
    *,
    cycle: ReviewCycle | None,
    today: dt.date | None = None,
    policy: ReportingPolicy | None = None,
) -> dict[str, int]:
    """How many published pledges are in each reporting status, every status listed."""
    annotated = with_reporting_status(pledges, cycle=cycle, today=today, policy=policy)
    rows = annotated.order_by().values("reporting_status").annotate(n=Count("pk", distinct=True))
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({row["reporting_status"]: row["n"] for row in rows})
    return counts


@dataclass(frozen=True)
class RegionCount:
    """Pledges of one regional commission (by their lead's country); code "" for none given."""

    code: str
    name: str
    count: int


def overdue_by_region(
    *, cycle: ReviewCycle | None, today: dt.date | None = None
) -> list[RegionCount]:
    """Overdue published pledges by the regional commission of their lead's country, largest
    first, in one query. A country in two commissions counts in both; one with none, apart."""
    if cycle is None:
        return []
    overdue = with_reporting_status(Pledge.objects.all(), cycle=cycle, today=today).filter(
        reporting_status=OVERDUE
    )
    commission = "lead_organisation__country__commissions"
    rows = (
        overdue.order_by()
        .values(f"{commission}__code", f"{commission}__name")
        .annotate(n=Count("pk", distinct=True))
    )
    counts = [
        RegionCount(
            row[f"{commission}__code"] or "",
            # Translators: in place of the region of pledges whose lead gave no country.
            row[f"{commission}__name"] or gettext("no region given"),
            row["n"],
        )
        for row in rows
    ]
    return sorted(counts, key=lambda region: (-region.count, region.name))
