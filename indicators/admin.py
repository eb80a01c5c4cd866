from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from indicators.counts import counted
from indicators.imports import ImportRejected, Layout, observations_import
from indicators.models import (
    Area,
    AreaReporting,
    GuidingPrinciple,
    Indicator,
    IndicatorSet,
    IndicatorTarget,
    Objective,
    Observation,
    ObservationRevision,
)
from indicators.services import observation_correct
from indicators.sets import SetImportRejected, indicator_set_import, indicator_set_make_current
from indicators.templatetags.indicator_numbers import exact


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


def grouped(number: int) -> str:
    """A count as the language writes it, digits grouped: "1,250" in English."""
    return number_format(number, force_grouping=True)


class ImportRefused(Exception):
    """What an import page's `run_import` raises: the problems to list; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{counted(len(problems), 'problem')}")
        self.problems = problems


class ImportPageMixin:
    """An "Import" page beside a change list: a form, then the import or every problem listed.

    A model admin gives the form, a title, a help template, who may import, and `run_import`,
    which calls the service and returns where to go next or raises ImportRefused.
    """

    change_list_template = "admin/indicators/change_list_with_import.html"
    import_form: type[forms.Form]
    import_title: str
    import_link: str
    import_help: str

    def import_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_import"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name=self.import_url_name()), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra = {
            "import_url": reverse(f"admin:{self.import_url_name()}"),
            "import_link": self.import_link,
            "may_import": self.may_import(request),
        }
        return super().changelist_view(request, extra_context={**(extra_context or {}), **extra})

    def may_import(self, request: HttpRequest) -> bool:
        raise NotImplementedError

    def run_import(self, request: HttpRequest, data: dict) -> str:
        raise NotImplementedError

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.may_import(request):
            raise PermissionDenied
        form = self.import_form(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                return HttpResponseRedirect(self.run_import(request, form.cleaned_data))
            except ImportRefused as refused:
                problems = refused.problems
        return TemplateResponse(
            request,
            "admin/indicators/import.html",
            {
                **self.admin_site.each_context(request),
                "title": self.import_title,
                "opts": self.opts,
                "form": form,
                "problems": problems,
                "help": self.import_help,
            },
        )


class IndicatorSetImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or XLSX, one indicator a row (see the columns below)."),
    )
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("The set's stable code: an existing one for a new version."),
    )
    version = forms.CharField(label=_("Version"), max_length=30)
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("Needed for a new set.")
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    source = forms.CharField(label=_("Source"), max_length=500, required=False)
    make_current = forms.BooleanField(
        required=False, initial=True, label=_("Offer this version for new pledge targets")
    )


@admin.register(IndicatorSet)
class IndicatorSetAdmin(ImportPageMixin, admin.ModelAdmin):
    list_display = ("name", "code", "version", "is_current", "published_on", "created_at")
    list_filter = ("code", "is_current")
    search_fields = ("name", "code", "version")
    inlines = [IndicatorInline]
    actions = ["make_current"]
    import_form = IndicatorSetImportForm
    import_title = _("Import an indicator set")
    import_link = _("Import a set or version")
    import_help = "admin/indicators/indicatorset/_import_help.html"

    def may_import(self, request: HttpRequest) -> bool:
        # Importing creates sets and indicators: it needs both permissions.
        return self.has_add_permission(request) and request.user.has_perm(
            "indicators.add_indicator"
        )

    def run_import(self, request: HttpRequest, data: dict) -> str:
        try:
            result = indicator_set_import(
                file=data["file"],
                filename=data["file"].name,
                code=data["code"],
                version=data["version"],
                name=data["name"],
                description=data["description"],
                source=data["source"],
                make_current=data["make_current"],
            )
        except SetImportRejected as rejected:
            raise ImportRefused(
                [
                    gettext("Line %(line)s: %(reason)s") % {"line": line, "reason": reason}
                    if line
                    else reason
                    for line, reason in rejected.rejected
                ]
            ) from None
        counts = {
            "set": result.indicator_set,
            "indicators": ngettext("%(count)s indicator", "%(count)s indicators", result.indicators)
            % {"count": grouped(result.indicators)},
            "observations": ngettext(
                "%(count)s observation carried on from earlier versions",
                "%(count)s observations carried on from earlier versions",
                result.carried_on,
            )
            % {"count": grouped(result.carried_on)},
        }
        if result.created:
            # Translators: "indicators" and "observations" say how many, e.g. "12 indicators".
            said = gettext("%(set)s imported: %(indicators)s, %(observations)s.") % counts
        else:
            said = (
                gettext(
                    "%(set)s was already imported; unchanged: %(indicators)s, %(observations)s."
                )
                % counts
            )
        self.message_user(request, said, messages.SUCCESS)
        return reverse("admin:indicators_indicatorset_change", args=[result.indicator_set.pk])

    @admin.action(description=_("Make the selected version current"), permissions=["change"])
    def make_current(self, request: HttpRequest, queryset) -> None:
        if len({s.code for s in queryset}) != queryset.count():
            self.message_user(request, gettext("Choose one version of each set."), messages.ERROR)
            return
        for indicator_set in queryset:
            indicator_set_make_current(indicator_set=indicator_set)
        count = queryset.count()
        said = ngettext(
            "%(count)s version made current.", "%(count)s versions made current.", count
        )
        self.message_user(request, said % {"count": grouped(count)})


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
    verbose_name = _("member country")
    verbose_name_plural = _("member countries")
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


# The largest upload kept for an import: a whole office's repository is a few MB, the UN
# database's largest series tens of MB.
UPLOAD_MAX_BYTES = 200 * 2**20


class ObservationImportForm(forms.Form):
    layout = forms.ChoiceField(
        choices=[
            (
                Layout.OPEN_SDG.value,
                _("Open SDG: one indicator_*.csv per indicator, one country"),
            ),
            (
                Layout.SDG_GLOBAL.value,
                _("UN SDG Global Database: long CSV, areas by M49 code"),
            ),
        ],
        initial=Layout.OPEN_SDG.value,
        label=_("Layout"),
    )
    files = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "One or more CSV files; for Open SDG, with their metadata files "
            "(10-7-2.md or .yml from the meta folder), which say which indicators are not started."
        ),
    )
    country = forms.ModelChoiceField(
        queryset=Area.objects.countries(),
        required=False,
        to_field_name="code",
        label=_("Country"),
        help_text=_("The country of Open SDG files; for the UN layout, keeps only its rows."),
    )
    source = forms.CharField(
        max_length=500,
        required=False,
        label=_("Source"),
        help_text=_("Recorded on each value; the file name if empty."),
    )

    def clean(self):
        data = super().clean()
        if data.get("layout") == Layout.OPEN_SDG and not data.get("country"):
            self.add_error("country", gettext("Open SDG files hold one country's data: choose it."))
        if sum(f.size for f in data.get("files") or []) > UPLOAD_MAX_BYTES:
            self.add_error(
                "files",
                gettext(
                    "These files hold more than %(megabytes)s MB: import them in several goes, "
                    "or with the import_observations command."
                )
                % {"megabytes": UPLOAD_MAX_BYTES // 2**20},
            )
        return data


class ObservationCorrectionForm(forms.ModelForm):
    """The content of an observation, and why it changes; its identity is not a field."""

    reason = forms.CharField(
        max_length=300,
        required=False,
        label=_("Reason"),
        help_text=_(
            "Why the value is corrected, kept with the value it replaces "
            "(e.g. “The office's file gives 7.96”). Needed when anything changes."
        ),
    )

    class Meta:
        model = Observation
        fields = Observation.CONTENT_FIELDS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # 7.96, as the source wrote it, rather than the stored 7.9600000000; a number, not
            # text, so that 7.960 posted back counts as no change.
            self.initial["value"] = Decimal(f"{self.instance.value.normalize():f}")

    def clean(self):
        data = super().clean()
        # The service refuses a change without a reason too; asking here lets the page say so.
        changed = set(self.changed_data) & set(Observation.CONTENT_FIELDS)
        if changed and not data.get("reason", "").strip():
            self.add_error("reason", gettext("Say why the value is corrected."))
        return data


class ObservationRevisionInline(admin.TabularInline):
    """What imports and corrections replaced, newest first: read-only history."""

    model = ObservationRevision
    fields = ("replaced_value", "unit", "source", "note", "replaced_at", "replaced_by", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("replaced value")
    verbose_name_plural = _("replaced values")

    def get_queryset(self, request: HttpRequest):
        # Each row names who replaced the value, and its title names the observation.
        return (
            super()
            .get_queryset(request)
            .select_related("replaced_by", "observation__indicator", "observation__area")
        )

    @admin.display(description=_("value"))
    def replaced_value(self, revision: ObservationRevision) -> str:
        return exact(revision.value)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Observation)
class ObservationAdmin(ImportPageMixin, admin.ModelAdmin):
    """Observations come from imports; here the secretariat reads them and corrects a value.

    A correction goes through `observation_correct`, which keeps the replaced value. Adding
    single points is left to imports (linked from the list), and deleting is not offered:
    it would take the point's history with it.
    """

    list_display = (
        "indicator",
        "area",
        "period_label",
        "disaggregation_key",
        "shown_value",
        "unit",
    )
    list_filter = ("indicator__indicator_set", "indicator", "area__kind")
    list_select_related = ("indicator", "area")
    search_fields = ("indicator__code", "area__name", "area__code", "period_label")
    form = ObservationCorrectionForm
    fieldsets = [
        (
            _("The point"),
            {
                "fields": [
                    "indicator",
                    "area",
                    ("period_label", "period_start", "period_end"),
                    "disaggregation",
                ]
            },
        ),
        (_("Its value"), {"fields": [*Observation.CONTENT_FIELDS, "reason"]}),
        (None, {"fields": [("created_at", "updated_at")]}),
    ]
    readonly_fields = (
        "indicator",
        "area",
        "period_label",
        "period_start",
        "period_end",
        "disaggregation",
        "created_at",
        "updated_at",
    )
    inlines = [ObservationRevisionInline]
    # Counting every observation on each page view costs more than it tells.
    show_full_result_count = False
    import_form = ObservationImportForm
    # The project sets this to run imports as background jobs, and it returns the job's page;
    # this app alone imports within the request.
    import_in_background: Callable[[HttpRequest, dict], str] | None = None
    import_title = _("Import observations")
    import_link = _("Import observations")
    import_help = "admin/indicators/observation/_import_help.html"

    def get_queryset(self, request: HttpRequest):
        # The change page shows the indicator and the area: read them with the observation.
        return super().get_queryset(request).select_related("indicator", "area")

    @admin.display(description=_("value"), ordering="value")
    def shown_value(self, observation: Observation) -> str:
        return exact(observation.value)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Observation, form, change: bool) -> None:
        # The form has put its values on `obj` without saving; the service reads the row
        # afresh and writes it, with the revision, or leaves it as it is if nothing changed.
        observation_correct(
            observation=obj,
            by=request.user,
            reason=form.cleaned_data["reason"],
            **{name: form.cleaned_data[name] for name in Observation.CONTENT_FIELDS},
        )

    def may_import(self, request: HttpRequest) -> bool:
        # Imports add and change observations: both permissions, though this page adds none.
        user = request.user
        return user.has_perm("indicators.add_observation") and self.has_change_permission(request)

    def run_import(self, request: HttpRequest, data: dict) -> str:
        if self.import_in_background is not None:
            return self.import_in_background(request, data)
        try:
            summary = observations_import(
                files=data["files"],
                area=data["country"],
                layout=Layout(data["layout"]),
                source=data["source"],
                by=request.user,
                strict=True,
            )
        except ImportRejected as rejected:
            raise ImportRefused(problem_lines(rejected.summary.rejected)) from None
        self.message_user(request, summary.sentence(), messages.SUCCESS)
        return reverse("admin:indicators_observation_changelist")


def problem_lines(rejected: list[tuple[str, int, str]], limit: int = 200) -> list[str]:
    """Bad rows as a page lists them: the first `limit`, then how many more there are."""
    lines = [
        # Translators: a file's name, a line of it, and what is wrong there.
        gettext("%(file)s, line %(line)s: %(reason)s")
        % {"file": name, "line": line, "reason": reason}
        if line
        # Translators: a file's name and what is wrong with it.
        else gettext("%(file)s: %(reason)s") % {"file": name, "reason": reason}
        for name, line, reason in rejected[:limit]
    ]
    more = len(rejected) - limit
    if more > 0:
        said = ngettext("… and %(count)s more problem.", "… and %(count)s more problems.", more)
        lines.append(said % {"count": grouped(more)})
    return lines


@admin.register(AreaReporting)
class AreaReportingAdmin(admin.ModelAdmin):
    """What each office says of an indicator, as imports recorded it: read here, never edited."""

    list_display = ("indicator", "area", "status", "no_data", "source", "updated_at")
    list_filter = ("status", "no_data", "indicator__indicator_set")
    list_select_related = ("indicator", "area")
    search_fields = ("indicator__code", "indicator__sdg_code", "area__name", "area__code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ObservationRevision)
class ObservationRevisionAdmin(admin.ModelAdmin):
    """Values that imports and corrections replaced: read-only history, never deleted here."""

    list_display = (
        "observation",
        "value",
        "unit",
        "source",
        "replaced_at",
        "replaced_by",
        "reason",
    )
    list_select_related = ("observation__indicator", "observation__area", "replaced_by")
    search_fields = ("observation__indicator__code", "observation__area__name", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "area", "value", "year", "base_year", "source")
    list_filter = ("indicator__indicator_set", "year")
    list_select_related = ("indicator", "area")
    search_fields = ("indicator__code", "indicator__name", "area__name", "area__code")
    autocomplete_fields = ("indicator", "area")
