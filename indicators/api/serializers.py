"""What the read API says of objectives, principles, indicators, areas and observations."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from indicators.api.formats import SparseFieldsMixin
from indicators.models import (
    Area,
    GuidingPrinciple,
    Indicator,
    IndicatorSet,
    Objective,
    Observation,
)


class PlainDecimalField(serializers.DecimalField):
    """A decimal as a string of its digits, without the padding zeros of its column
    (19.81, not 19.8100000000): exact, as a JSON number would not be for 30 digits."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_digits", None)
        kwargs.setdefault("decimal_places", None)
        super().__init__(**kwargs)

    def to_representation(self, value: Decimal | None) -> str | None:
        if value is None:
            return None
        text = f"{Decimal(value):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text


class ObjectiveSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Objective
        fields = ("number", "title", "short_title", "description")


class PrincipleSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = GuidingPrinciple
        fields = ("letter", "title", "description")


class IndicatorSetSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = IndicatorSet
        fields = ("code", "version", "name", "description", "source", "published_on", "is_current")


class IndicatorSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    indicator_set = serializers.CharField(source="indicator_set.code")
    set_version = serializers.CharField(source="indicator_set.version")
    objectives = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = (
            "id",
            "code",
            "name",
            "short_name",
            "unit",
            "direction",
            "sdg_code",
            "custodian",
            "indicator_set",
            "set_version",
            "objectives",
        )

    def get_objectives(self, indicator: Indicator) -> list[int]:
        return sorted(objective.number for objective in indicator.objectives.all())


class AreaSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)
    commissions = serializers.SerializerMethodField()

    class Meta:
        model = Area
        fields = ("code", "name", "kind", "iso3", "iso2", "m49", "parent", "commissions")

    def get_commissions(self, area: Area) -> list[str]:
        return sorted(commission.code for commission in area.commissions.all())


class ObservationSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    value = PlainDecimalField()
    indicator = serializers.CharField(source="indicator.code")
    area = serializers.CharField(source="area.code")

    class Meta:
        model = Observation
        fields = (
            "id",
            "indicator",
            "area",
            "period_label",
            "period_start",
            "period_end",
            "disaggregation",
            "value",
            "unit",
            "source",
            "attributes",
        )
