"""What the read API says of pledges, updates, cycles and reports: output serializers with
explicit fields, reading only what the selectors of `pledges.api.views` prefetch."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from indicators.api.formats import SparseFieldsMixin
from indicators.api.serializers import PlainDecimalField
from pledges.filters import FORMS
from pledges.models import Organisation, Pledge, ProgressUpdate, Report, ReviewCycle


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    country = serializers.SerializerMethodField()

    def get_country(self, organisation: Any) -> str | None:
        return organisation.country.iso3 if organisation.country_id else None


class OrganisationSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    """An organisation's public fields: nothing of its members."""

    url = serializers.SerializerMethodField()
    country = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = ("id", "url", "name", "acronym", "kind", "country", "website", "accredited")

    def get_url(self, organisation: Organisation) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("organisation", args=[organisation.pk])
        )

    def get_country(self, organisation: Organisation) -> str | None:
        return organisation.country.iso3 if organisation.country_id else None


class TargetSerializer(serializers.Serializer):
    indicator = serializers.SerializerMethodField()
    own_metric = serializers.CharField()
    unit = serializers.CharField()
    baseline_value = PlainDecimalField(allow_null=True)
    baseline_year = serializers.IntegerField(allow_null=True)
    target_value = PlainDecimalField(allow_null=True)
    target_year = serializers.IntegerField(allow_null=True)

    def get_indicator(self, target: Any) -> str | None:
        return target.indicator.code if target.indicator_id else None


class PledgeSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    """A published pledge as the explorer lists it; the detail adds its text and targets."""

    url = serializers.SerializerMethodField()
    cycle = serializers.CharField(source="cycle.code")
    lead_organisation = OrganisationRefSerializer()
    partners = serializers.SerializerMethodField()
    main_objectives = serializers.SerializerMethodField()
    further_objectives = serializers.SerializerMethodField()
    principles = serializers.SerializerMethodField()
    forms = serializers.SerializerMethodField()
    matches = serializers.CharField(source="matched_reference")
    countries = serializers.SerializerMethodField()
    regions = serializers.SerializerMethodField()
    reporting_status = serializers.CharField()
    amount = PlainDecimalField(allow_null=True)

    class Meta:
        model = Pledge
        fields = (
            "reference",
            "url",
            "cycle",
            "title",
            "language",
            "lead_organisation",
            "partners",
            "main_objectives",
            "further_objectives",
            "principles",
            "forms",
            "joint_kind",
            "matches",
            "is_global",
            "countries",
            "regions",
            "start_date",
            "deadline",
            "amount",
            "currency",
            "implementation_status",
            "reporting_status",
            "published_at",
        )

    def get_url(self, pledge: Pledge) -> str:
        return self.context["request"].build_absolute_uri(pledge.get_absolute_url())

    def get_partners(self, pledge: Pledge) -> list[dict[str, Any]]:
        return [
            OrganisationRefSerializer(link.organisation).data for link in pledge.accepted_partners
        ]

    def get_main_objectives(self, pledge: Pledge) -> list[int]:
        return [link.objective.number for link in pledge.ordered_objectives if link.main_rank]

    def get_further_objectives(self, pledge: Pledge) -> list[int]:
        return [link.objective.number for link in pledge.ordered_objectives if not link.main_rank]

    def get_principles(self, pledge: Pledge) -> list[str]:
        return sorted(principle.letter for principle in pledge.principles.all())

    def get_forms(self, pledge: Pledge) -> list[str]:
        return [key for key, (field, _) in FORMS.items() if getattr(pledge, field)]

    def get_countries(self, pledge: Pledge) -> list[str]:
        return sorted(area.iso3 for area in pledge.areas.all() if area.iso3)

    def get_regions(self, pledge: Pledge) -> list[str]:
        return sorted(area.code for area in pledge.areas.all() if not area.iso3)


class PledgeDetailSerializer(PledgeSerializer):
    targets = TargetSerializer(many=True)

    class Meta(PledgeSerializer.Meta):
        fields = (*PledgeSerializer.Meta.fields, "description", "targets")


class MeasurementSerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target.position")
    value = PlainDecimalField()
    measured_on = serializers.DateField()


class UpdateSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    pledge = serializers.CharField(source="pledge.reference")
    organisation = serializers.CharField(source="organisation.name")
    measurements = MeasurementSerializer(many=True)
    verification_level = serializers.CharField()
    amount_committed = PlainDecimalField(allow_null=True)
    amount_disbursed = PlainDecimalField(allow_null=True)

    class Meta:
        model = ProgressUpdate
        fields = (
            "id",
            "pledge",
            "organisation",
            "reported_on",
            "implementation_status",
            "percent_complete",
            "language",
            "narrative",
            "challenges",
            "support_needed",
            "amount_committed",
            "amount_disbursed",
            "verification_level",
            "measurements",
            "published_at",
        )


class CycleSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    open_for_pledging = serializers.BooleanField(
        help_text="Whether pledges are made for this cycle today."
    )

    class Meta:
        model = ReviewCycle
        fields = (
            "code",
            "title",
            "forum_year",
            "forum_start",
            "forum_end",
            "forum_location",
            "pledging_opens",
            "pledging_closes",
            "reporting_opens",
            "reporting_closes",
            "open_for_pledging",
        )


class ReportSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    cycle = serializers.CharField(source="cycle.code")
    scope_label = serializers.CharField()
    files = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = (
            "id",
            "cycle",
            "scope",
            "scope_label",
            "cutoff",
            "checksum",
            "figures",
            "files",
            "published_at",
        )

    def get_files(self, report: Report) -> list[dict[str, Any]]:
        request = self.context["request"]
        return [
            {
                "format": file["format"],
                "name": file["name"],
                "size": file["size"],
                "url": request.build_absolute_uri(
                    reverse("report_download", args=[report.pk, file["format"]])
                ),
            }
            for file in report.files
        ]

    def get_figures(self, report: Report) -> dict[str, int]:
        return {label: value for label, value in report.figures}
