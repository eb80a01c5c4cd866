"""Read paths of the public site: the explorer's page of results, its facet counts, a pledge.

Each runs a fixed number of queries whatever the number of pledges, partners or updates.
Facet counts are kept in the cache under a fingerprint of the public data (how many
published pledges and updates, and when either last changed), so they are counted once per
change of the data, not once per request, and any publication makes them stale at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core import signing
from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import get_language

from indicators.models import Area, GuidingPrinciple, Objective
from indicators.selectors import data_fingerprint
from pledges.filters import FORMS, REPORTING_LABELS, SORTS, PledgeFilter, public_pledges
from pledges.models import (
    CorroborationStatus,
    ImplementationStatus,
    JointKind,
    Organisation,
    OrganisationKind,
    PartnerStatus,
    Pledge,
    PledgeObjective,
    PledgePartner,
    ProgressUpdate,
    Report,
    ReviewAction,
    ReviewCycle,
    ReviewEvent,
)
from pledges.models.corroboration import Corroboration
from pledges.reporting import reporting_counts
from pledges.selectors import current_cycle
from pledges.verification import verification_level

PAGE_SIZE = 20
PUBLIC_MILESTONES = (ReviewAction.PUBLISH, ReviewAction.CONFIRM, ReviewAction.WITHDRAW)
# Filters whose values are counted beside them, in the order the page shows them.
FACETS = ("cycle", "objective", "principle", "form", "joint", "kind", "region", "country", "status")
_CURSOR_SALT = "pledges.explorer.cursor"


FINGERPRINT_KEY = "public-fingerprint"
# How long the fingerprint is trusted without counting again: under heavy traffic the two
# scans run once in this time at most; any save of a pledge, an update or a statement
# forgets it at once (signals in pledges.apps), so only bulk updates wait this long.
FINGERPRINT_SECONDS = 10


def public_fingerprint() -> str:
    """Changes whenever anything the public pages show changes: pledge data and the
    indicator data the pages show too (an area's latest figures). Six queries, or none."""
    fingerprint = cache.get(FINGERPRINT_KEY)
    if fingerprint is None:
        row = Pledge.objects.aggregate(
            pledges=Count("pk", filter=Q(review_state__in=["published", "withdrawn", "merged"])),
            changed=Max("updated_at"),
        )
        updates = ProgressUpdate.objects.published().aggregate(
            n=Count("pk"), changed=Max("updated_at")
        )
        reports = Report.objects.published().aggregate(n=Count("pk"), changed=Max("published_at"))
        fingerprint = hashlib.sha256(repr((row, updates, reports)).encode()).hexdigest()[:16]
        cache.set(FINGERPRINT_KEY, fingerprint, FINGERPRINT_SECONDS)
    return f"{fingerprint[:10]}{data_fingerprint()[:6]}"


def public_cached[T](key: str, compute: Callable[[], T]) -> T:
    """`compute()`, counted once per state of the public data: kept under its fingerprint,
    so any publication makes it stale at once, and an hour at most. Kept per language, as
    what it holds may carry labels in the language it was computed in."""
    return cache.get_or_set(
        f"public:{public_fingerprint()}:{get_language()}:{key}", compute, 60 * 60
    )


def public_data_changed(**kwargs: Any) -> None:
    """A receiver of post_save: the public pages' validators and counts are stale now."""
    cache.delete(FINGERPRINT_KEY)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    href: str = ""  # set by the page: its query string with this value chosen or not


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)

    @property
    def is_chosen(self) -> bool:
        return any(value.selected for value in self.values)


def _facet_rows(filterset: PledgeFilter, name: str) -> dict[str, int]:
    """How many results each value of one facet would give, the other filters kept."""
    data = {k: v for k, v in filterset.data.items() if k not in (name, "after", "sort")}
    if name == "objective":
        data.pop("main", None)
    pledges = PledgeFilter(data).qs.order_by()
    if name == "form":
        counts = pledges.aggregate(
            **{key: Count("pk", filter=Q(**{field: True})) for key, (field, _) in FORMS.items()}
        )
        return {key: n for key, n in counts.items() if n}
    group = {
        "cycle": "cycle__code",
        "objective": "objective_links__objective__number",
        "principle": "principles__letter",
        "joint": "joint_kind",
        "kind": "lead_organisation__kind",
        "region": "areas__commissions__code",
        "country": "areas__code",
        "status": "implementation_status",
    }[name]
    rows = pledges.values(group).annotate(n=Count("pk", distinct=True))
    return {str(row[group]): row["n"] for row in rows if row[group] is not None}


def facets(filterset: PledgeFilter, *, fingerprint: str | None = None) -> list[Facet]:
    """Each facet's values with the number of results each would give.

    `fingerprint` is `public_fingerprint()` if the caller has it already.
    """
    key_data = sorted((k, v) for k, v in filterset.data.items() if k not in ("after", "sort") and v)
    chosen_hash = hashlib.sha256(repr(key_data).encode()).hexdigest()
    key = f"explorer-facets:{fingerprint or public_fingerprint()}:{chosen_hash}"
    counts: dict[str, dict[str, int]] | None = cache.get(key)
    if counts is None:
        counts = {name: _facet_rows(filterset, name) for name in FACETS}
        counts["reporting"] = {
            status: n
            for status, n in reporting_counts(
                PledgeFilter({k: v for k, v in filterset.data.items() if k != "reporting"}).qs,
                cycle=current_cycle(),
            ).items()
        }
        cache.set(key, counts, 60 * 60)
    labels = _labels()
    chosen = {name: str(filterset.data.get(name, "")) for name in (*FACETS, "reporting")}
    shown = []
    for name in (*FACETS, "reporting"):
        names = labels[name]
        values = [
            FacetValue(value, names.get(value, value), n, chosen[name] == value)
            for value, n in counts[name].items()
            if value in names
        ]
        if name in ("country", "region"):
            values.sort(key=lambda v: (-v.count, v.label))
        else:
            order = list(names)
            values.sort(key=lambda v: order.index(v.value))
        shown.append(Facet(name, str(filterset.filters[name].label), values))
    return shown


def _labels() -> dict[str, dict[str, str]]:
    """Each facet value's words in the active language, in the facet's own order. Cached:
    reference data."""
    key = f"explorer-labels:{get_language()}"
    labels = cache.get(key)
    if labels is None:
        labels = {
            "cycle": {c.code: c.title for c in ReviewCycle.objects.order_by("-forum_year")},
            "objective": {str(o.number): str(o) for o in Objective.objects.all()},
            "principle": {p.letter: str(p) for p in GuidingPrinciple.objects.all()},
            "form": {key: str(label) for key, (_, label) in FORMS.items()},
            "joint": {value: str(label) for value, label in JointKind.choices},
            "kind": {value: str(label) for value, label in OrganisationKind.choices},
            "region": {a.code: a.local.name for a in Area.objects.commissions()},
            "country": {a.code: a.local.name for a in Area.objects.countries()},
            "status": {value: str(label) for value, label in ImplementationStatus.choices},
            "reporting": {value: str(label) for value, label in REPORTING_LABELS.items()},
        }
        cache.set(key, labels, 60 * 60)
    return labels


@dataclass
class ResultPage:
    pledges: list[Pledge]
    next_cursor: str | None
    is_first: bool


def _sort_key(pledge: Pledge, fields: tuple[str, ...]) -> list[Any]:
    values = []
    for name in fields:
        obj: Any = pledge
        for part in name.lstrip("-").split("__"):
            obj = getattr(obj, part)
        values.append(obj.isoformat() if isinstance(obj, dt.datetime) else obj)
    return values


def _after(fields: tuple[str, ...], values: list[Any]) -> Q:
    """Rows after `values` in the order `fields`: the keyset condition, no OFFSET."""
    condition = Q()
    for index in reversed(range(len(fields))):
        name = fields[index].lstrip("-")
        value = values[index]
        if isinstance(value, str) and name == "published_at":
            value = dt.datetime.fromisoformat(value)
        beyond = Q(**{f"{name}__{'lt' if fields[index].startswith('-') else 'gt'}": value})
        equal_before = Q(
            **{
                fields[i].lstrip("-"): (
                    dt.datetime.fromisoformat(values[i])
                    if fields[i].lstrip("-") == "published_at"
                    else values[i]
                )
                for i in range(index)
            }
        )
        condition |= equal_before & beyond
    return condition


def result_page(filterset: PledgeFilter, cursor: str = "") -> ResultPage:
    """A page of results after `cursor` (from the page before), with what the list shows.

    Keyset pagination: a deep page costs what the first does. A cursor that was not made
    here, or for another sort, starts from the first page.
    """
    sort = filterset.order
    fields = SORTS[sort][1]
    pledges = filterset.qs.select_related("lead_organisation", "cycle").prefetch_related(
        Prefetch(
            "objective_links",
            queryset=PledgeObjective.objects.select_related("objective").order_by(
                "main_rank", "objective__number"
            ),
        ),
        "areas",
    )
    values = None
    if cursor:
        try:
            payload = signing.loads(cursor, salt=_CURSOR_SALT)
            if payload.get("sort") == sort and len(payload.get("after", [])) == len(fields):
                values = payload["after"]
        except signing.BadSignature:
            values = None
    if values is not None:
        pledges = pledges.filter(_after(fields, values))
    rows = list(pledges[: PAGE_SIZE + 1])
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        next_cursor = cursor_after(filterset, rows[-1])
    return ResultPage(rows, next_cursor, values is None)


def cursor_after(filterset: PledgeFilter, pledge: Pledge) -> str:
    """The cursor of the page that starts after `pledge` in the filterset's order."""
    return signing.dumps(
        {"sort": filterset.order, "after": _sort_key(pledge, SORTS[filterset.order][1])},
        salt=_CURSOR_SALT,
    )


def result_count(filterset: PledgeFilter) -> int:
    chosen = sorted((k, v) for k, v in filterset.data.items() if k not in ("after", "sort") and v)
    key = f"count:{hashlib.sha256(repr(chosen).encode()).hexdigest()}"
    return public_cached(key, lambda: filterset.qs.order_by().count())


# --- A pledge's public page -------------------------------------------------------------------


@dataclass
class PublicPledge:
    pledge: Pledge
    partners: list[PledgePartner]
    main_objectives: list[Objective]
    further_objectives: list[Objective]
    updates: list[ProgressUpdate]
    corroborations: list[Corroboration]
    matched_by: list[Pledge]
    # Its public milestones: when it was published (again, after a revision), confirmed
    # fulfilled, withdrawn; never who acted or what the review said.
    history: list[ReviewEvent] = field(default_factory=list)
    committed: Decimal | None = None
    disbursed: Decimal | None = None


def public_pledge(reference: str) -> Pledge | None:
    """The pledge the public may see under this reference: published, withdrawn or merged."""
    return (
        Pledge.objects.originals()
        .filter(reference=reference, review_state__in=["published", "withdrawn", "merged"])
        .select_related("lead_organisation__country", "cycle", "matches", "merged_into")
        .first()
    )


def public_pledge_detail(pledge: Pledge) -> PublicPledge:
    """What the pledge's public page shows beyond the pledge itself; a fixed number of queries."""
    partners = list(
        pledge.partner_links.filter(status=PartnerStatus.ACCEPTED).select_related("organisation")
    )
    links = list(pledge.objective_links.select_related("objective").order_by("objective__number"))
    updates = list(
        pledge.updates.published()
        .select_related("organisation")
        .prefetch_related(
            "evidence",
            Prefetch(
                "corroborations",
                queryset=Corroboration.objects.filter(status=CorroborationStatus.PUBLISHED),
            ),
            "measurements__target__indicator",
        )
        .order_by("-reported_on", "-pk")
    )
    corroborations = list(
        pledge.corroborations.filter(status=CorroborationStatus.PUBLISHED)
        .select_related("organisation", "update")
        .order_by("created_at")
    )
    for update in updates:
        update.verification_label = verification_level(update).label
    latest = next(iter(updates), None)
    return PublicPledge(
        pledge=pledge,
        partners=partners,
        main_objectives=[link.objective for link in links if link.main_rank],
        further_objectives=[link.objective for link in links if not link.main_rank],
        updates=updates,
        corroborations=corroborations,
        matched_by=list(
            Pledge.objects.published().filter(matches=pledge).only("reference", "title")
        ),
        history=list(
            ReviewEvent.objects.filter(pledge=pledge, update=None, action__in=PUBLIC_MILESTONES)
            .only("action", "created_at", "pledge_id")
            .order_by("created_at", "pk")
        ),
        committed=latest.amount_committed if latest else None,
        disbursed=latest.amount_disbursed if latest else None,
    )


def objective_summary(objective: Objective) -> Mapping[str, Any]:
    """An objective's public figures: its pledges by status and by reporting."""
    return public_cached(f"objective:{objective.number}", lambda: _objective_summary(objective))


def _objective_summary(objective: Objective) -> Mapping[str, Any]:
    pledges = PledgeFilter({"objective": str(objective.number)}).qs
    by_status = dict(
        pledges.order_by().values_list("implementation_status").annotate(n=Count("pk"))
    )
    return {
        "count": sum(by_status.values()),
        "by_status": [
            (label, by_status.get(value, 0)) for value, label in ImplementationStatus.choices
        ],
        "reporting": reporting_counts(pledges, cycle=current_cycle()),
    }


@dataclass
class CountryCount:
    area: Area
    pledges: int


def pledges_by_country() -> tuple[list[CountryCount], int]:
    """Published pledges implemented in each country (most first), and the global ones."""
    return public_cached("by-country", _pledges_by_country)


def _pledges_by_country() -> tuple[list[CountryCount], int]:
    """Published pledges implemented in each country (most first), and the global ones.

    A pledge counts once in each country it names; regions are not spread over their
    countries. Two queries.
    """
    through = Pledge.areas.through.objects.filter(
        pledge__in=public_pledges().values("pk"), area__kind="country"
    )
    counts = dict(through.values_list("area_id").annotate(n=Count("pledge_id")).order_by())
    areas = Area.objects.filter(pk__in=counts)
    rows = sorted(
        (CountryCount(area, counts[area.pk]) for area in areas),
        key=lambda row: (-row.pledges, row.area.local.name),
    )
    return rows, public_pledges().filter(is_global=True).count()


def area_filters(area: Area) -> dict[str, dict[str, str]]:
    """The explorer's filters for pledges implemented in an area, and by its organisations."""
    if area.kind == "commission":
        return {"implemented": {"region": area.code}, "by": {"pledger_region": area.code}}
    if area.kind == "country":
        return {"implemented": {"country": area.code}, "by": {"pledger_country": area.code}}
    return {}


def public_organisations() -> QuerySet[Organisation]:
    """The organisations the public may read about: accredited, or with a published pledge."""
    published = public_pledges().filter(lead_organisation=OuterRef("pk"))
    return Organisation.objects.filter(Q(accredited=True) | Exists(published)).select_related(
        "country"
    )


def public_organisation(pk: int) -> Organisation | None:
    return public_organisations().filter(pk=pk).first()


def organisation_pledges(organisation: Organisation) -> dict[str, list[Pledge]]:
    """Its published pledges: those it leads and those it is an accepted partner in."""
    pledges = (
        public_pledges()
        .of_organisation(organisation)
        .select_related("lead_organisation", "cycle")
        .prefetch_related(
            Prefetch(
                "objective_links",
                queryset=PledgeObjective.objects.select_related("objective").order_by(
                    "main_rank", "objective__number"
                ),
            ),
            "areas",
        )
        .order_by("-published_at", "-pk")
    )
    rows = list(pledges)
    return {
        "leads": [p for p in rows if p.lead_organisation_id == organisation.pk],
        "partners": [p for p in rows if p.lead_organisation_id != organisation.pk],
    }


@dataclass
class HomeFigures:
    cycle: ReviewCycle | None
    pledges: int
    organisations: int
    countries: int
    by_status: list[tuple[str, int]]
    reporting: dict[str, int]
    by_kind: list[tuple[str, int]]
    by_region: list[tuple[Area, int]]
    latest_updates: list[ProgressUpdate]


def cycle_figures(cycle: ReviewCycle | None = None) -> HomeFigures:
    """A cycle's key figures (see `_cycle_figures`), counted once per state of the data."""
    cycle = cycle or current_cycle()
    return public_cached(f"cycle:{cycle.code if cycle else ''}", lambda: _cycle_figures(cycle))


def _cycle_figures(cycle: ReviewCycle | None = None) -> HomeFigures:
    """A cycle's key figures (the current cycle's by default) and its latest published updates.

    The statuses are where the cycle's pledges stand now: for the 2022 cycle, what its
    pledges have become since, as the next forum asks. Due, overdue and inactive are counts
    of their own beside the statuses pledgers report, never folded into percentages of those
    who answered. A fixed number of queries.
    """
    cycle = cycle or current_cycle()
    pledges = public_pledges()
    if cycle is not None:
        pledges = pledges.filter(cycle=cycle)
    totals = pledges.aggregate(
        pledges=Count("pk", distinct=True),
        organisations=Count("lead_organisation", distinct=True),
    )
    countries = (
        Pledge.areas.through.objects.filter(pledge__in=pledges.values("pk"), area__kind="country")
        .values("area")
        .distinct()
        .count()
    )
    statuses = dict(pledges.order_by().values_list("implementation_status").annotate(n=Count("pk")))
    kinds = dict(pledges.order_by().values_list("lead_organisation__kind").annotate(n=Count("pk")))
    regions = dict(
        Pledge.areas.through.objects.filter(pledge__in=pledges.values("pk"))
        .values_list("area__commissions")
        .annotate(n=Count("pledge", distinct=True))
        .order_by()
    )
    commissions = {a.pk: a for a in Area.objects.commissions()}
    latest = list(
        ProgressUpdate.objects.published()
        .filter(pledge__in=pledges.values("pk"))
        .select_related("pledge", "organisation")
        .order_by("-published_at", "-pk")[:5]
    )
    return HomeFigures(
        cycle=cycle,
        pledges=totals["pledges"],
        organisations=totals["organisations"],
        countries=countries,
        by_status=[
            (label, statuses.get(value, 0)) for value, label in ImplementationStatus.choices
        ],
        reporting=reporting_counts(pledges, cycle=current_cycle()),
        by_kind=sorted(
            ((str(OrganisationKind(kind).label), n) for kind, n in kinds.items()),
            key=lambda row: -row[1],
        ),
        by_region=sorted(
            ((commissions[pk], n) for pk, n in regions.items() if pk in commissions),
            key=lambda row: row[0].local.name,
        ),
        latest_updates=latest,
    )
