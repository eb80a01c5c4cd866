"""Read endpoints of the public pledge data. Each says who may use it (anyone: these are
the public site's data) and lists through the same filters and selectors as the site, so the
API shows what the explorer shows and nothing else."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.filters import OrderingFilter
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import AllowAny

from indicators.api.formats import CsvListMixin, Search, documented
from indicators.api.pagination import CursorPages
from pledges.api.serializers import (
    CycleSerializer,
    OrganisationSerializer,
    PledgeDetailSerializer,
    PledgeSerializer,
    ReportSerializer,
    UpdateSerializer,
)
from pledges.downloads import with_download_data
from pledges.explorer import public_organisations
from pledges.filters import OrganisationFilter, PledgeFilter, UpdateFilter, public_pledges
from pledges.models import (
    PledgeTarget,
    ProgressUpdate,
    Report,
    ReviewCycle,
    TargetMeasurement,
)
from pledges.reporting import with_reporting_status
from pledges.selectors import current_cycle
from pledges.verification import with_verification_level


class NewestFirst(CursorPages):
    """Newest published first, by a cursor on the publication time."""

    ordering = ("-published_at", "-id")


class PledgeApiFilter(PledgeFilter):
    """The explorer's filters, and its words search under the name APIs give it too."""

    search = django_filters.CharFilter(
        label=_("Words of the reference, title, description or organisation (as `q`)"),
        method="filter_words",
        max_length=200,
    )


# Lists page by cursor in the order asked for (`?ordering=title`, `-published_at`...), or
# their default; only fields every listed row has, so the cursor can stand on them.
FILTERS = (DjangoFilterBackend, OrderingFilter)


@documented
class PledgeList(CsvListMixin, ListAPIView):
    """Published pledges, newest first, with the explorer's filters (`?objective=5&q=...`)."""

    permission_classes = (AllowAny,)
    serializer_class = PledgeSerializer
    filterset_class = PledgeApiFilter
    filter_backends = FILTERS
    ordering_fields = ("published_at", "title", "reference")
    ordering = NewestFirst.ordering
    pagination_class = NewestFirst
    csv_filename = "gcm-pledges"

    def get_queryset(self) -> QuerySet:
        return with_download_data(public_pledges())

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Annotated once filtered: the explorer's reporting filter annotates on its own.
        return with_reporting_status(super().filter_queryset(queryset), cycle=current_cycle())


PLEDGE_EXAMPLE = OpenApiExample(
    "A published joint pledge",
    response_only=True,
    value={
        "reference": "GCM-2026-0042",
        "url": "https://tracker.example.org/pledges/GCM-2026-0042/",
        "cycle": "IMRF-2026",
        "title": "Ten thousand migrant workers recruited fairly by 2030",
        "lead_organisation": {
            "id": 12,
            "name": "Migrant Rights Network",
            "kind": "civil_society",
            "country": "KEN",
        },
        "partners": [
            {"id": 31, "name": "Ministry of Labour", "kind": "member_state", "country": "UGA"}
        ],
        "main_objectives": [6],
        "further_objectives": [23],
        "principles": ["c"],
        "forms": ["policy"],
        "joint_kind": "partnership",
        "matches": None,
        "is_global": False,
        "countries": ["KEN", "UGA"],
        "regions": [],
        "start_date": "2026-06-01",
        "deadline": "2030-12-31",
        "amount": "250000",
        "currency": "USD",
        "implementation_status": "in_progress",
        "reporting_status": "reporting",
        "published_at": "2026-07-14T09:30:00Z",
        "description": "We certify recruitment agencies along the corridor ...",
        "targets": [
            {
                "indicator": None,
                "own_metric": "Workers recruited through certified agencies",
                "unit": "workers",
                "baseline_value": "1200",
                "baseline_year": 2025,
                "target_value": "10000",
                "target_year": 2030,
            }
        ],
    },
)


@extend_schema_view(get=extend_schema(examples=[PLEDGE_EXAMPLE]))
@documented
class PledgeDetail(RetrieveAPIView):
    """One published pledge by its reference, with its description and targets."""

    permission_classes = (AllowAny,)
    serializer_class = PledgeDetailSerializer
    lookup_field = "reference"
    filter_backends = ()

    def get_queryset(self) -> QuerySet:
        pledges = with_reporting_status(public_pledges(), cycle=current_cycle())
        return with_download_data(pledges).prefetch_related(
            Prefetch(
                "targets",
                queryset=PledgeTarget.objects.select_related("indicator").order_by(
                    "position", "pk"
                ),
            )
        )


@documented
class UpdateList(CsvListMixin, ListAPIView):
    """Published progress updates of published pledges, newest first, with their values."""

    permission_classes = (AllowAny,)
    serializer_class = UpdateSerializer
    filterset_class = UpdateFilter
    filter_backends = (*FILTERS, Search)
    search_fields = ("narrative", "challenges", "support_needed", "pledge__title")
    ordering_fields = ("published_at", "reported_on")
    ordering = NewestFirst.ordering
    pagination_class = NewestFirst
    csv_filename = "gcm-progress-updates"

    def get_queryset(self) -> QuerySet:
        updates = ProgressUpdate.objects.published().filter(
            pledge__in=public_pledges().values("pk")
        )
        return (
            with_verification_level(updates)
            .select_related("pledge", "organisation")
            .prefetch_related(
                Prefetch(
                    "measurements",
                    queryset=TargetMeasurement.objects.select_related("target").order_by(
                        "target__position", "pk"
                    ),
                )
            )
        )


class ByName(CursorPages):
    ordering = ("name", "id")


@documented
class OrganisationList(CsvListMixin, ListAPIView):
    """Organisations the public site shows: accredited, or with a published pledge."""

    permission_classes = (AllowAny,)
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    filter_backends = (*FILTERS, Search)
    search_fields = ("name", "acronym")
    ordering_fields = ("name",)
    ordering = ByName.ordering
    pagination_class = ByName
    csv_filename = "gcm-organisations"

    def get_queryset(self) -> QuerySet:
        return public_organisations()


@documented
class CycleList(ListAPIView):
    """The IMRF review cycles, oldest first: few, so on one page."""

    permission_classes = (AllowAny,)
    serializer_class = CycleSerializer
    pagination_class = None
    filter_backends = ()

    def get_queryset(self) -> QuerySet:
        open_now = ReviewCycle.objects.open_for_pledging(timezone.localdate())
        return ReviewCycle.objects.annotate(
            open_for_pledging=Exists(open_now.filter(pk=OuterRef("pk")))
        ).order_by("forum_year")


@documented
class ReportList(ListAPIView):
    """Published reports, newest first, with their files' addresses."""

    permission_classes = (AllowAny,)
    serializer_class = ReportSerializer
    filter_backends = ()
    pagination_class = None
    queryset = (
        Report.objects.published()
        .select_related("cycle", "area", "objective")
        .order_by("-published_at", "-pk")
    )
