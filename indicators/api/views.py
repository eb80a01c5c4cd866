"""Read endpoints of the results framework and indicator data: public reference data and
statistics, for anyone."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.settings import api_settings

from indicators.api.formats import CsvListMixin, SdmxCsvRenderer, documented, sdmx_response
from indicators.api.pagination import CursorPages
from indicators.api.serializers import (
    AreaSerializer,
    IndicatorSerializer,
    IndicatorSetSerializer,
    ObjectiveSerializer,
    ObservationSerializer,
    PrincipleSerializer,
)
from indicators.models import (
    Area,
    AreaKind,
    GuidingPrinciple,
    Indicator,
    IndicatorSet,
    Objective,
    Observation,
)
from indicators.sdmx import sdmx_csv_rows


class ReferenceList(ListAPIView):
    """A short list of reference data, on one page."""

    permission_classes = (AllowAny,)
    pagination_class = None
    filter_backends = ()


@documented
class ObjectiveList(ReferenceList):
    serializer_class = ObjectiveSerializer
    queryset = Objective.objects.order_by("number")


@documented
class PrincipleList(ReferenceList):
    serializer_class = PrincipleSerializer
    queryset = GuidingPrinciple.objects.order_by("letter")


@documented
class IndicatorSetList(ReferenceList):
    serializer_class = IndicatorSetSerializer
    queryset = IndicatorSet.objects.order_by("code", "-created_at")


@documented
class IndicatorList(ReferenceList):
    """Indicators of every set version, current ones first."""

    serializer_class = IndicatorSerializer
    queryset = (
        Indicator.objects.select_related("indicator_set")
        .prefetch_related("objectives")
        .order_by("-indicator_set__is_current", "indicator_set__code", "position", "pk")
    )


class AreaFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AreaKind.choices)

    class Meta:
        model = Area
        fields: list[str] = []


@documented
class AreaList(ListAPIView):
    """The world, its M49 regions, the UN regional commissions and the countries and areas."""

    permission_classes = (AllowAny,)
    serializer_class = AreaSerializer
    filterset_class = AreaFilter
    pagination_class = None
    queryset = (
        Area.objects.select_related("parent").prefetch_related("commissions").order_by("code")
    )


class ObservationFilter(django_filters.FilterSet):
    indicator = django_filters.ModelChoiceFilter(
        queryset=Indicator.objects.current(), to_field_name="code", label=_("Indicator code")
    )
    area = django_filters.ModelChoiceFilter(
        queryset=Area.objects.all(), to_field_name="code", label=_("Area code")
    )

    class Meta:
        model = Observation
        fields: list[str] = []


class ById(CursorPages):
    """Observations in the order they were stored."""

    ordering = ("id",)
    page_size = 500
    max_page_size = 5000


@documented
class ObservationList(CsvListMixin, ListAPIView):
    """Observations, with their disaggregation and attributes, of an indicator or an area;
    also as SDMX-CSV."""

    permission_classes = (AllowAny,)
    renderer_classes = (*api_settings.DEFAULT_RENDERER_CLASSES, SdmxCsvRenderer)
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter
    pagination_class = ById
    csv_filename = "gcm-observations"

    def get_queryset(self) -> QuerySet:
        return Observation.objects.select_related("indicator", "area")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        if request.accepted_renderer.format != SdmxCsvRenderer.format:
            return super().list(request, *args, **kwargs)
        observations = self.filter_queryset(self.get_queryset()).order_by(*ById.ordering)
        return sdmx_response(sdmx_csv_rows(observations), "gcm-observations.sdmx")
