from django.contrib import admin

from indicators.models import (
    Area,
    GuidingPrinciple,
    Indicator,
    IndicatorSet,
    Objective,
    Observation,
    ObservationRevision,
)


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ("number", "short_title", "title")
    list_display_links = ("number", "short_title")
    search_fields = ("title", "short_title")
    ordering = ("number",)


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(admin.ModelAdmin):
    list_display = ("letter", "title")
    search_fields = ("title",)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ("position", "code", "short_name", "unit", "direction", "sdg_code")
    extra = 0
    show_change_link = True


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "version", "is_current", "published_on", "created_at")
    list_filter = ("code", "is_current")
    search_fields = ("name", "code", "version")
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "short_name", "indicator_set", "unit", "direction", "custodian")
    list_display_links = ("code", "short_name")
    list_filter = ("indicator_set", "direction", "objectives")
    list_select_related = ("indicator_set",)
    search_fields = ("code", "name", "short_name", "sdg_code", "custodian")
    filter_horizontal = ("objectives",)


class MemberAreaInline(admin.TabularInline):
    model = Area.commissions.through
    fk_name = "to_area"
    verbose_name = "member country"
    verbose_name_plural = "member countries"
    autocomplete_fields = ("from_area",)
    extra = 0


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "m49", "iso2", "parent", "is_un_member")
    list_filter = ("kind", "is_un_member", "commissions")
    list_select_related = ("parent",)
    search_fields = ("name", "code", "iso3", "iso2", "m49")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("commissions",)
    inlines = [MemberAreaInline]

    def get_inlines(self, request, obj):
        # Only a commission has member countries to list.
        return self.inlines if obj is not None and obj.kind == "commission" else []


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ("indicator", "area", "period_label", "disaggregation_key", "value", "unit")
    list_filter = ("indicator__indicator_set", "indicator", "area__kind")
    list_select_related = ("indicator", "area")
    search_fields = ("indicator__code", "area__name", "area__code", "period_label")
    autocomplete_fields = ("indicator", "area")
    readonly_fields = ("disaggregation_key", "created_at", "updated_at")
    # Counting every observation on each page view costs more than it tells.
    show_full_result_count = False


@admin.register(ObservationRevision)
class ObservationRevisionAdmin(admin.ModelAdmin):
    """Values that later imports replaced: read-only history."""

    list_display = ("observation", "value", "source", "replaced_at")
    list_select_related = ("observation__indicator", "observation__area")
    search_fields = ("observation__indicator__code", "observation__area__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
