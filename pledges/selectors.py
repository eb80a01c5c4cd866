"""Read paths shared by pages, API and reports."""

from __future__ import annotations

from django.db.models import Count, Q

from indicators.models import Objective
from pledges.models import ReviewState


def objectives_with_pledge_counts() -> list[Objective]:
    """All objectives in order, each with `published_pledges`: one query."""
    return list(
        Objective.objects.annotate(
            published_pledges=Count(
                "pledge_links__pledge",
                filter=Q(pledge_links__pledge__review_state=ReviewState.PUBLISHED),
                distinct=True,
            )
        ).order_by("number")
    )
