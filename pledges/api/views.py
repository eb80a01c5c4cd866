"""Read endpoints of the public pledge data. Each says who may use it (anyone: these are
the public site's data) and lists through the same filters and selectors as the site, so the
API shows what the explorer shows and nothing else."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import AllowAny

from indicators.api.formats import CsvListMixin, documented
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


@documented
class PledgeList(CsvListMixin, ListAPIView):
    """Published pledges, newest first, with the explorer's filters (`?objective=5&q=...`)."""

    permission_classes = (AllowAny,)
    serializer_class = PledgeSerializer
    filterset_class = PledgeFilter
    pagination_class = NewestFirst
    csv_filename = "gcm-pledges"

    def get_queryset(self) -> QuerySet:
        return with_download_data(public_pledges())

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Annotated once filtered: the explorer's reporting filter annotates on its own.
        return with_reporting_status(super().filter_queryset(queryset), cycle=current_cycle())


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
