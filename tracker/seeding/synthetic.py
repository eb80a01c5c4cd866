"""Bulk synthetic data for benchmarks: tens of thousands of pledges, hundreds of thousands of
updates, written with bulk inserts in batches so memory stays flat whatever the size.

The one writer that goes around the services, on purpose and only here: benchmark rows need
volume, not history, and the services' versions and events would take hours at this size.
These rows have no versions, events or e-mails; never seed them into a site people use.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from indicators.models import Area, Indicator, Objective, Observation
from pledges.models import (
    ImplementationStatus,
    JointKind,
    Organisation,
    OrganisationKind,
    Pledge,
    PledgeObjective,
    PledgeTarget,
    ProgressUpdate,
    ReviewCycle,
    ReviewState,
)

BATCH = 5000
SYNTHETIC_PREFIX = "Synthetic organisation"
DESCRIPTION = (
    "Synthetic pledge generated for benchmarks. It commits the organisation to measurable action "
    "under the Global Compact for Safe, Orderly and Regular Migration, with a baseline, a target "
    "and yearly progress updates, so that pages, exports and reports can be measured at the scale "
    "of a full review cycle. Its wording carries no meaning beyond that purpose."
)
# Words pledges are written in, so that searches and the duplicate finder meet texts that
# differ as real ones do, not one text repeated.
VOCABULARY = [
    "access",
    "asylum",
    "border",
    "capacity",
    "children",
    "civil",
    "climate",
    "community",
    "consular",
    "corridor",
    "data",
    "decent",
    "detention",
    "diaspora",
    "digital",
    "disaster",
    "displacement",
    "documentation",
    "education",
    "employment",
    "evidence",
    "fair",
    "families",
    "financial",
    "gender",
    "health",
    "housing",
    "identity",
    "inclusion",
    "information",
    "integration",
    "justice",
    "labour",
    "language",
    "legal",
    "livelihoods",
    "local",
    "mobility",
    "municipal",
    "national",
    "orientation",
    "partnership",
    "pathways",
    "policy",
    "portability",
    "protection",
    "qualifications",
    "recognition",
    "recruitment",
    "regional",
    "regular",
    "reintegration",
    "remittances",
    "rescue",
    "resettlement",
    "response",
    "return",
    "rights",
    "safe",
    "screening",
    "services",
    "skills",
    "smuggling",
    "social",
    "statistics",
    "support",
    "training",
    "trafficking",
    "transit",
    "trust",
    "unaccompanied",
    "visas",
    "vulnerability",
    "wages",
    "women",
    "workers",
    "youth",
]
REVIEW_STATES = [ReviewState.PUBLISHED] * 6 + [
    ReviewState.DRAFT,
    ReviewState.SUBMITTED,
    ReviewState.CHANGES_REQUESTED,
    ReviewState.REJECTED,
]
STATUSES = list(ImplementationStatus.values)
KINDS = list(OrganisationKind.values)


@dataclass
class SyntheticResult:
    organisations: int
    pledges: int
    updates: int
    observations: int = 0


def synthetic_seed(
    *,
    pledges: int,
    updates: int,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
) -> SyntheticResult:
    """Add `pledges` pledges (with objectives and a target each) and `updates` updates spread
    over them. Needs the framework loaded. Each batch commits on its own."""
    rng = random.Random(seed)
    say = progress or (lambda message: None)
    cycles = list(ReviewCycle.objects.order_by("forum_year"))
    if not cycles:
        raise ValueError("No review cycles: load the framework first.")
    objective_ids = list(Objective.objects.values_list("id", flat=True))
    country_ids = list(Area.objects.countries().values_list("id", flat=True))
    organisation_ids = _organisations(rng, max(10, pledges // 25), country_ids)
    say(f"{len(organisation_ids)} organisations ready")

    next_sequence = {
        c.pk: (Pledge.objects.filter(cycle=c).aggregate(m=Max("sequence"))["m"] or 0) + 1
        for c in cycles
    }
    created: list[tuple[int, int, int]] = []  # (pledge id, lead organisation id, cycle id)
    now = timezone.now()
    for start in range(0, pledges, BATCH):
        size = min(BATCH, pledges - start)
        batch = []
        for _ in range(size):
            cycle = rng.choice(cycles)
            sequence = next_sequence[cycle.pk]
            next_sequence[cycle.pk] += 1
            state = rng.choice(REVIEW_STATES)
            made = now - dt.timedelta(days=rng.randrange(0, 1500))
            batch.append(
                Pledge(
                    cycle=cycle,
                    sequence=sequence,
                    reference=Pledge.reference_for(cycle, sequence),
                    title=f"Synthetic pledge {cycle.forum_year}-{sequence}: "
                    + " ".join(rng.sample(VOCABULARY, 4)),
                    description=f"{DESCRIPTION} {' '.join(rng.choices(VOCABULARY, k=60))}.",
                    form_policy=rng.random() < 0.6,
                    form_process=rng.random() < 0.5,
                    form_financial=rng.random() < 0.2,
                    joint_kind=rng.choice(JointKind.values),
                    lead_organisation_id=rng.choice(organisation_ids),
                    review_state=state,
                    implementation_status=rng.choice(STATUSES),
                    created_at=made,
                    submitted_at=made if state != ReviewState.DRAFT else None,
                    published_at=made if state == ReviewState.PUBLISHED else None,
                )
            )
        with transaction.atomic():
            Pledge.objects.bulk_create(batch)
            PledgeObjective.objects.bulk_create(
                [
                    PledgeObjective(pledge_id=p.pk, objective_id=objective_id, main_rank=rank)
                    for p in batch
                    for rank, objective_id in enumerate(
                        rng.sample(objective_ids, rng.randrange(1, 4)), start=1
                    )
                ]
            )
            PledgeTarget.objects.bulk_create(
                [
                    PledgeTarget(
                        pledge_id=p.pk,
                        own_metric="People reached",
                        unit="persons",
                        baseline_value=Decimal(0),
                        baseline_year=p.cycle.forum_year - 1,
                        target_value=Decimal(rng.randrange(100, 10000)),
                        target_year=p.cycle.forum_year + 4,
                    )
                    for p in batch
                ]
            )
        created.extend((p.pk, p.lead_organisation_id, p.cycle_id) for p in batch)
        say(f"{start + size} pledges")

    for start in range(0, updates, BATCH):
        size = min(BATCH, updates - start)
        batch_updates = []
        for _ in range(size):
            pledge_id, organisation_id, cycle_id = rng.choice(created)
            state = rng.choice(REVIEW_STATES)
            reported = now - dt.timedelta(days=rng.randrange(0, 1400))
            batch_updates.append(
                ProgressUpdate(
                    pledge_id=pledge_id,
                    cycle_id=cycle_id,
                    organisation_id=organisation_id,
                    reported_on=reported.date(),
                    implementation_status=rng.choice(STATUSES),
                    percent_complete=rng.randrange(0, 101),
                    narrative="Synthetic progress update.",
                    review_state=state,
                    created_at=reported,
                    published_at=reported if state == ReviewState.PUBLISHED else None,
                )
            )
        ProgressUpdate.objects.bulk_create(batch_updates)
        say(f"{start + size} updates")
    return SyntheticResult(len(organisation_ids), pledges, updates)


def synthetic_observations(
    years: range, *, seed: int = 1, progress: Callable[[str], None] | None = None
) -> int:
    """One total value for every indicator of the current set, every country and every year
    of `years` that has none yet: the indicator and country pages at the size of a full
    database. Returns how many were added."""
    rng = random.Random(seed)
    say = progress or (lambda message: None)
    indicator_ids = list(
        Indicator.objects.filter(indicator_set__is_current=True).values_list("id", flat=True)
    )
    area_ids = list(Area.objects.countries().values_list("id", flat=True))
    added = 0
    for indicator_id in indicator_ids:
        have = set(
            Observation.objects.filter(
                indicator_id=indicator_id, disaggregation_key=""
            ).values_list("area_id", "period_start__year")
        )
        batch = [
            Observation(
                indicator_id=indicator_id,
                area_id=area_id,
                period_label=str(year),
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 12, 31),
                value=Decimal(rng.randrange(0, 100_000)) / 100,
                source="Synthetic observation for benchmarks",
            )
            for area_id in area_ids
            for year in years
            if (area_id, year) not in have
        ]
        Observation.objects.bulk_create(batch, batch_size=BATCH)
        added += len(batch)
        say(f"{added} observations")
    return added


def _organisations(rng: random.Random, wanted: int, country_ids: list[int]) -> list[int]:
    existing = list(
        Organisation.objects.filter(name__startswith=SYNTHETIC_PREFIX).values_list("id", flat=True)
    )
    start = len(existing)
    now = timezone.now()
    Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"{SYNTHETIC_PREFIX} {n:06d}",
                kind=KINDS[n % len(KINDS)],
                country_id=rng.choice(country_ids),
                accredited=True,
                accredited_at=now,
            )
            for n in range(start, wanted)
        ],
        batch_size=BATCH,
    )
    return list(
        Organisation.objects.filter(name__startswith=SYNTHETIC_PREFIX).values_list("id", flat=True)
    )
