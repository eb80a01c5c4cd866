"""The explorer's results as rows of a table, for the CSV and XLSX downloads.

One row per pledge, in columns whose names and values stay the same from one download to the
next, so that researchers can script against them: codes rather than labels (`trade_union`,
`in_progress`), ISO 3166 alpha-3 for countries, several values joined by "; ".

Only what the public pages show goes out: the pledges given (the explorer's `PledgeFilter`
returns published pledges only), their accepted partners by name, and a matched pledge's
reference only if that pledge is published. Nothing personal: no e-mail address (an invitation
to partner keeps one), no user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Case, F, Prefetch, QuerySet, Value, When
from django.utils import timezone

from indicators.models import AreaKind
from pledges.filters import FORMS
from pledges.models import PartnerStatus, Pledge, PledgeObjective, PledgePartner, ReviewState

HEADER = [
    "reference",
    "url",
    "cycle",
    "title",
    "lead_organisation",
    "lead_organisation_kind",
    "lead_country",
    "partners",
    "main_objectives",
    "further_objectives",
    "principles",
    "forms",
    "joint_kind",
    "matches",
    "global",
    "countries",
    "regions",
    "start_date",
    "deadline",
    "amount",
    "currency",
    "implementation_status",
    "published_at",
]
# Rows read from the database at a time: memory stays flat whatever the number of pledges, and
# each related table is read once per chunk.
CHUNK_SIZE = 2000
SEPARATOR = "; "


def with_download_data(pledges: QuerySet[Pledge]) -> QuerySet[Pledge]:
    """`pledges` with everything a row needs, read in bulk: a fixed number of queries per chunk
    of rows (the pledges, then partners, objectives, principles and areas)."""
    return (
        pledges.select_related("cycle", "lead_organisation__country")
        .defer("description")
        .annotate(
            # The matched pledge's reference, only if the public may read that pledge.
            matched_reference=Case(
                When(matches__review_state=ReviewState.PUBLISHED, then=F("matches__reference")),
                default=Value(""),
            )
        )
        .prefetch_related(
            Prefetch(
                "partner_links",
                queryset=PledgePartner.objects.filter(status=PartnerStatus.ACCEPTED)
                .select_related("organisation__country")
                .order_by("organisation__name"),
                to_attr="accepted_partners",
            ),
            Prefetch(
                "objective_links",
                queryset=PledgeObjective.objects.select_related("objective").order_by(
                    "main_rank", "objective__number"
                ),
                to_attr="ordered_objectives",
            ),
            "principles",
            "areas",
        )
    )


def explorer_rows(
    queryset: QuerySet[Pledge],
    absolute: Callable[[str], str],
    *,
    extra: Callable[[Pledge], list[Any]] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[list[Any]]:
    """The rows of `HEADER` for each pledge of `queryset`, in its order, read lazily.

    `absolute` turns a path into an absolute URL (`request.build_absolute_uri`). Texts are
    given as they are (the writers neutralise formulas), missing dates and amounts as None.
    `extra` gives cells to add after those of `HEADER` (a report's own columns).
    """
    # prefetch_related works with iterator() once given a chunk_size: each chunk's related
    # rows are read in one query per relation, so the queries grow with the chunks, not the rows.
    for pledge in with_download_data(queryset).iterator(chunk_size=chunk_size):
        yield _row(pledge, absolute) + (extra(pledge) if extra else [])


def _row(pledge: Pledge, absolute: Callable[[str], str]) -> list[Any]:
    links = pledge.ordered_objectives
    areas = sorted(pledge.areas.all(), key=lambda area: area.code)
    return [
        pledge.reference,
        absolute(pledge.get_absolute_url()),
        pledge.cycle.code,
        pledge.title,
        pledge.lead_organisation.name,
        pledge.lead_organisation.kind,
        pledge.lead_organisation.country.iso3 if pledge.lead_organisation.country else "",
        SEPARATOR.join(link.organisation.name for link in pledge.accepted_partners),
        SEPARATOR.join(str(link.objective.number) for link in links if link.main_rank),
        SEPARATOR.join(str(link.objective.number) for link in links if not link.main_rank),
        SEPARATOR.join(principle.letter for principle in pledge.principles.all()),
        SEPARATOR.join(key for key, (field, _) in FORMS.items() if getattr(pledge, field)),
        pledge.joint_kind,
        pledge.matched_reference,
        "yes" if pledge.is_global else "no",
        SEPARATOR.join(area.iso3 for area in areas if area.kind == AreaKind.COUNTRY),
        SEPARATOR.join(area.code for area in areas if area.kind != AreaKind.COUNTRY),
        pledge.start_date,
        pledge.deadline,
        pledge.amount,
        pledge.currency,
        pledge.implementation_status,
        timezone.localdate(pledge.published_at) if pledge.published_at else None,
    ]
