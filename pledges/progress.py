"""What a pledge's published progress updates say: its implementation status and how far each
target has come. One place, used by pages, the API and reports alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery

from pledges.models import (
    ImplementationStatus,
    Pledge,
    PledgeTarget,
    ProgressUpdate,
    TargetMeasurement,
    published_through,
)
from pledges.verification import verification_level


def derived_status(pledge: Pledge) -> str:
    """The status the latest published update reports.

    "Fulfilled" holds only once the secretariat has confirmed it; until then a pledge its
    owners report fulfilled counts as partially fulfilled. No update: planned.
    """
    if pledge.is_locked:
        return ImplementationStatus.FULFILLED
    latest = (
        ProgressUpdate.objects.published()
        .filter(pledge=pledge)
        .order_by("-reported_on", "-published_at", "-id")
        .values_list("implementation_status", flat=True)
        .first()
    )
    if latest is None:
        return ImplementationStatus.PLANNED
    if latest == ImplementationStatus.FULFILLED:
        return ImplementationStatus.PARTIALLY_FULFILLED
    return latest


def claiming_fulfilment(pledges: QuerySet[Pledge]) -> QuerySet[Pledge]:
    """Published pledges whose latest published update says fulfilled, which the secretariat
    has not confirmed yet: one query, however many."""
    latest_status = Subquery(
        ProgressUpdate.objects.published()
        .filter(pledge=OuterRef("pk"))
        .order_by("-reported_on", "-published_at", "-id")
        .values("implementation_status")[:1]
    )
    return (
        pledges.published()
        .filter(fulfilment_confirmed_at__isnull=True)
        .annotate(latest_status=latest_status)
        .filter(latest_status=ImplementationStatus.FULFILLED)
    )


def fulfilment_claimed(pledge: Pledge) -> bool:
    """The latest published update says fulfilled and the secretariat has not confirmed yet."""
    return claiming_fulfilment(Pledge.objects.filter(pk=pledge.pk)).exists()


@dataclass(frozen=True)
class TargetProgress:
    target: PledgeTarget
    latest: Decimal | None
    measured_on: dt.date | None
    # Share of the way from baseline to target, 0 to 1 (beyond 1 when surpassed), or None.
    share: float | None
    # The verification level of the update the latest value comes from.
    level: str | None = None

    @property
    def percent(self) -> int | None:
        """The share as a whole percentage for a progress bar: 0 to 100."""
        return None if self.share is None else round(min(max(self.share, 0.0), 1.0) * 100)


def target_progress(pledge: Pledge) -> list[TargetProgress]:
    """Each target with the latest published value reported for it and that value's level:
    a bounded handful of queries, whatever the number of updates."""
    targets = list(pledge.targets.select_related("indicator").order_by("position", "id"))
    latest: dict[int, TargetMeasurement] = {}
    measurements = (
        TargetMeasurement.objects.filter(published_through("update"), target__in=targets)
        .select_related("update")
        .prefetch_related("update__evidence", "update__corroborations")
        .order_by("measured_on", "id")
    )
    for measurement in measurements:
        latest[measurement.target_id] = measurement
    results = []
    for target in targets:
        found = latest.get(target.pk)
        value = found.value if found else None
        results.append(
            TargetProgress(
                target=target,
                latest=value,
                measured_on=found.measured_on if found else None,
                share=target_share(target, value),
                level=verification_level(found.update).label if found else None,
            )
        )
    return results


def target_share(target: PledgeTarget, value: Decimal | None) -> float | None:
    """How far `value` has come from the baseline to the target: 0 to 1, beyond 1 when
    surpassed, None without a baseline and a target."""
    if value is None or target.baseline_value is None or target.target_value is None:
        return None
    distance = target.target_value - target.baseline_value
    if distance == 0:
        return 1.0 if value == target.target_value else None
    return max(float((value - target.baseline_value) / distance), 0.0)
