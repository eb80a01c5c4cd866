from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from indicators.imports import ImportRejected, Layout, observations_import
from indicators.models import (
    Area,
    GuidingPrinciple,
    Indicator,
    IndicatorSet,
    IndicatorTarget,
    Objective,
    Observation,
    ObservationRevision,
)
from indicators.sets import SetImportRejected, indicator_set_import, indicator_set_make_current


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


class IndicatorSetImportForm(forms.Form):
    file = forms.FileField(help_text="CSV or XLSX, one indicator a row (see the columns below).")
    code = forms.SlugField(
        max_length=50, help_text="The set's stable code: an existing one for a new version."
    )
    version = forms.CharField(max_length=30)
    name = forms.CharField(max_length=200, required=False, help_text="Needed for a new set.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    source = forms.CharField(max_length=500, required=False)
    make_current = forms.BooleanField(
        required=False, initial=True, label="Offer this version for new pledge targets"
    )


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "version", "is_current", "published_on", "created_at")
    list_filter = ("code", "is_current")
    search_fields = ("name", "code", "version")
    inlines = [IndicatorInline]
    actions = ["make_current"]
    change_list_template = "admin/indicators/indicatorset/change_list.html"

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="indicators_indicatorset_import",
            )
        ]
        return urls + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        # Importing creates sets and indicators: it needs both permissions.
        if not (
            self.has_add_permission(request) and request.user.has_perm("indicators.add_indicator")
        ):
            raise PermissionDenied
        form = IndicatorSetImportForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            try:
                result = indicator_set_import(
                    file=upload,
                    filename=upload.name,
                    code=data["code"],
                    version=data["version"],
                    name=data["name"],
                    description=data["description"],
                    source=data["source"],
                    make_current=data["make_current"],
                )
            except SetImportRejected as rejected:
                problems = [
                    f"Line {line}: {reason}" if line else reason
                    for line, reason in rejected.rejected
                ]
            else:
                outcome = "imported" if result.created else "was already imported; unchanged"
                self.message_user(
                    request,
                    f"{result.indicator_set} {outcome}: {result.indicators} indicator(s), "
                    f"{result.carried_on} observation(s) carried on from earlier versions.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:indicators_indicatorset_change", args=[result.indicator_set.pk])
                )
        return TemplateResponse(
            request,
            "admin/indicators/import.html",
            {
                **self.admin_site.each_context(request),
                "title": "Import an indicator set",
                "opts": self.model._meta,
                "form": form,
                "problems": problems,
                "help": "admin/indicators/indicatorset/_import_help.html",
            },
        )

    @admin.action(description="Make the selected version current", permissions=["change"])
    def make_current(self, request: HttpRequest, queryset) -> None:
        if len({s.code for s in queryset}) != queryset.count():
            self.message_user(request, "Choose one version of each set.", messages.ERROR)
            return
        for indicator_set in queryset:
            indicator_set_make_current(indicator_set=indicator_set)
        self.message_user(request, f"{queryset.count()} version(s) made current.")


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    fields = ("area", "value", "year", "base_year", "description", "source")
    autocomplete_fields = ("area",)
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "short_name", "indicator_set", "unit", "direction", "custodian")
    list_display_links = ("code", "short_name")
    list_filter = ("indicator_set", "direction", "objectives")
    list_select_related = ("indicator_set",)
    search_fields = ("code", "name", "short_name", "sdg_code", "custodian")
    filter_horizontal = ("objectives",)
    readonly_fields = ("superseded_by",)
    inlines = [IndicatorTargetInline]


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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, as Django's documentation shows."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class ObservationImportForm(forms.Form):
    layout = forms.ChoiceField(
        choices=[
            (Layout.OPEN_SDG.value, "Open SDG: one indicator_*.csv per indicator, one country"),
            (Layout.SDG_GLOBAL.value, "UN SDG Global Database: long CSV, areas by M49 code"),
        ],
        initial=Layout.OPEN_SDG.value,
    )
    files = MultipleFileField(help_text="One or more CSV files.")
    country = forms.ModelChoiceField(
        queryset=Area.objects.countries(),
        required=False,
        to_field_name="code",
        help_text="The country of Open SDG files; for the UN layout, keeps only its rows.",
    )
    source = forms.CharField(
        max_length=500, required=False, help_text="Recorded on each value; the file name if empty."
    )

    def clean(self):
        data = super().clean()
        if data.get("layout") == Layout.OPEN_SDG and not data.get("country"):
            self.add_error("country", "Open SDG files hold one country's data: choose it.")
        return data


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
    change_list_template = "admin/indicators/observation/change_list.html"

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="indicators_observation_import",
            )
        ]
        return urls + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ObservationImportForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                summary = observations_import(
                    files=data["files"],
                    area=data["country"],
                    layout=Layout(data["layout"]),
                    source=data["source"],
                )
            except ImportRejected as rejected:
                problems = [
                    f"{name}, line {line}: {reason}" if line else f"{name}: {reason}"
                    for name, line, reason in rejected.summary.rejected
                ]
            else:
                self.message_user(
                    request,
                    f"{summary.rows} row(s) read in {summary.files} file(s): {summary.written} "
                    f"written, {summary.unchanged} unchanged, {summary.empty_values} without a "
                    f"value, {summary.bounded_values} given only as a bound, {summary.skipped} "
                    f"about areas or indicators not followed here.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:indicators_observation_changelist"))
        return TemplateResponse(
            request,
            "admin/indicators/import.html",
            {
                **self.admin_site.each_context(request),
                "title": "Import observations",
                "opts": self.model._meta,
                "form": form,
                "problems": problems,
                "help": "admin/indicators/observation/_import_help.html",
            },
        )


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


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "area", "value", "year", "base_year", "source")
    list_filter = ("indicator__indicator_set", "year")
    list_select_related = ("indicator", "area")
    search_fields = ("indicator__code", "indicator__name", "area__name", "area__code")
    autocomplete_fields = ("indicator", "area")
