"""The secretariat's workbench: one more client of the services.

Saving a pledge or an update here calls the same service as the portal, so every change is a
version and an event naming the staff member. Workflow state and what is derived from it
(review state, implementation status, partners' answers, verification) are read-only here and
change through the review actions only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import truncatechars
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pledges import services
from pledges.admin_review import (
    CORROBORATION_STEPS,
    ORGANISATION_STEPS,
    PLEDGE_STEPS,
    UPDATE_STEPS,
    CommissionFilter,
    FulfilmentFilter,
    ReportingFilter,
    ReviewStepsMixin,
    SmartScoreFilter,
    in_review_queryset,
    possible_duplicates,
    smart_score,
    step_actions,
)
from pledges.content import PledgeContent, UpdateContent
from pledges.forms import (
    MeasurementForm,
    MeasurementFormSet,
    PledgeForm,
    TargetForm,
    TargetFormSet,
    UpdateForm,
    form_sections,
    measurements_from,
    targets_from,
)
from pledges.models import (
    Corroboration,
    Evidence,
    Following,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OutboxMessage,
    Pledge,
    PledgeInReview,
    PledgeObjective,
    PledgePartner,
    PledgeTarget,
    PledgeVersion,
    ProgressUpdate,
    RegionalReview,
    ReminderLog,
    ReminderOptOut,
    ReportingPolicy,
    ReviewCycle,
    ReviewEvent,
    TargetMeasurement,
    UpdateVersion,
)
from pledges.permissions import can_edit_pledge, can_edit_update
from pledges.snapshots import pledge_changes, update_changes

WORKFLOW_FIELDS = ("review_state", "submitted_at", "published_at")
STATE_FIELDSET_TITLE = _("State (changed by the review actions)")
STATE_FIELDSET = (
    STATE_FIELDSET_TITLE,
    {
        "fields": (
            ("review_state", "implementation_status"),
            ("submitted_at", "published_at"),
            ("created_by", "created_at", "updated_at"),
        )
    },
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by services only: the secretariat reads them here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline:
    """An inline of facts (events, versions, updates): listed, never edited here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class Refused(Exception):
    """A service refused what the admin asked, after the forms had accepted it (a race)."""

    def __init__(self, error: ValidationError | PermissionDenied) -> None:
        messages_ = error.messages if isinstance(error, ValidationError) else [str(error)]
        super().__init__("; ".join(messages_))


class ServiceClientAdmin(admin.ModelAdmin):
    """Saves through a service (`save_through`) once the form and every inline are valid.

    A refusal that only the service could see (someone else saved first, the subject moved
    on) comes back as a message on the page, with nothing written.
    """

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Nothing here: the service writes the object with its inlines in save_related."""

    def save_related(self, request: HttpRequest, form: Any, formsets: list, change: bool) -> None:
        try:
            self.save_through(request, form, formsets, change)
        except (ValidationError, PermissionDenied) as error:
            raise Refused(error) from error

    def save_through(self, request: HttpRequest, form: Any, formsets: list, change: bool) -> None:
        raise NotImplementedError

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: list, add: bool = False
    ) -> list[dict[str, Any]]:
        # The full record of the change is the service's version and event.
        return [{"added": {}}] if add else [{"changed": {"fields": form.changed_data}}]

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refusal:
            said = gettext("Nothing was saved: %(reason)s") % {"reason": refusal}
            self.message_user(request, said, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # History is kept: pledges and updates are withdrawn or rejected, never deleted.
        return False


def _found(queryset: QuerySet[Any], object_id: str) -> Any:
    try:
        return queryset.get(pk=int(object_id))
    except (ValueError, queryset.model.DoesNotExist):
        return None


def _formset_of(formsets: list, model: type) -> Any:
    return next((formset for formset in formsets if formset.model is model), None)


def _evidence_removed(request: HttpRequest, formsets: list) -> None:
    formset = _formset_of(formsets, Evidence)
    for form in formset.deleted_forms if formset is not None else []:
        services.evidence_remove(evidence=form.instance, by=request.user)


def evidence_file_link(evidence: Evidence) -> str:
    """A file goes through the download view, which checks who may see it: never a media URL."""
    if not evidence.file:
        return format_html('<a href="{}" rel="noopener">{}</a>', evidence.url, evidence.url)
    url = reverse("portal:evidence_download", args=[evidence.pledge.reference, evidence.pk])
    return format_html('<a href="{}">{}</a>', url, evidence.file_name)


class EvidenceShown:
    """How evidence reads in the admin: files through the checked download, updates by date."""

    @admin.display(description=_("link or file"))
    def link(self, evidence: Evidence) -> str:
        return evidence_file_link(evidence)

    @admin.display(description=_("about the update of"))
    def update_reported(self, evidence: Evidence) -> str:
        if evidence.update_id:
            return f"{evidence.update.reported_on:%Y-%m-%d}"
        return gettext("the pledge")


class EvidenceInline(EvidenceShown, admin.TabularInline):
    """Evidence is the owners' to add; the secretariat may take down what should not be there."""

    model = Evidence
    fk_name = "pledge"
    fields = ("title", "link", "update_reported", "uploaded_by", "created_at")
    readonly_fields = fields
    extra = 0
    verbose_name_plural = _("evidence (ticking delete removes it, with the file, and records who)")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Evidence]:
        return super().get_queryset(request).select_related("pledge", "update", "uploaded_by")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UpdateEvidenceInline(EvidenceInline):
    fk_name = "update"
    fields = ("title", "link", "uploaded_by", "created_at")
    readonly_fields = fields


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ("user",)
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ReviewStepsMixin, admin.ModelAdmin):
    review_steps = ORGANISATION_STEPS
    actions = step_actions(ORGANISATION_STEPS)
    list_display = ("name", "acronym", "kind", "country", "accredited", "created_at")
    list_filter = ("kind", "accredited")
    list_select_related = ("country",)
    search_fields = ("name", "acronym", "country__name")
    autocomplete_fields = ("country",)
    # Accreditation is a decision with consequences: made by the action, never by a tick box.
    readonly_fields = ("accredited", "accredited_at", "created_at")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role", "organisation__kind")
    list_select_related = ("user", "organisation")
    search_fields = ("user__email", "organisation__name")
    autocomplete_fields = ("user", "organisation")


class RegionalReviewInline(admin.TabularInline):
    model = RegionalReview
    fields = ("code", "title", "commission", "starts_on", "ends_on", "dates_note")
    extra = 0


@admin.register(ReviewCycle)
class ReviewCycleAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "title",
        "forum_start",
        "forum_end",
        "pledging_opens",
        "pledging_closes",
        "reporting_opens",
        "reporting_closes",
    )
    search_fields = ("code", "title")
    inlines = [RegionalReviewInline]


@admin.register(RegionalReview)
class RegionalReviewAdmin(admin.ModelAdmin):
    list_display = ("title", "cycle", "commission", "starts_on", "ends_on")
    list_filter = ("cycle", "commission")
    list_select_related = ("cycle", "commission")
    search_fields = ("title", "code")


class PledgeAdminForm(PledgeForm):
    """The portal's pledge form, with what only the secretariat sets when it records a pledge:
    the cycle and the lead organisation (fixed once the pledge exists)."""

    cycle = forms.ModelChoiceField(label=_("Cycle"), queryset=ReviewCycle.objects.all())
    lead_organisation = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=Organisation.objects.all()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "title" not in self.fields:
            return
        if self.instance.pk:
            del self.fields["cycle"], self.fields["lead_organisation"]
        else:
            self.fields["opened_version"].required = False
            self._autocomplete("lead_organisation", AutocompleteSelect)
        for name in ("partners", "areas"):
            self._autocomplete(name, AutocompleteSelectMultiple)

    def _autocomplete(self, name: str, widget: type[AutocompleteSelect]) -> None:
        """The admin's search-as-you-type for a long list, fed by the related model's admin."""
        field = self.fields[name]
        field.widget = widget(Pledge._meta.get_field(name), admin.site)
        field.widget.choices = field.choices

    def clean(self) -> dict[str, Any]:
        if not self.instance.pk and self.cleaned_data.get("lead_organisation"):
            # The rules of partners read the lead organisation of the pledge to be.
            self.instance.lead_organisation = self.cleaned_data["lead_organisation"]
        return super().clean()


class PledgeTargetInline(admin.StackedInline):
    model = PledgeTarget
    form = TargetForm
    formset = TargetFormSet
    fk_name = "pledge"
    fields = (
        ("indicator", "own_metric", "unit"),
        ("baseline_value", "baseline_year", "target_value", "target_year"),
    )
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[PledgeTarget]:
        return super().get_queryset(request).select_related("indicator__indicator_set")


class ProgressUpdateInline(ReadOnlyInline, admin.TabularInline):
    model = ProgressUpdate
    fields = (
        "reported_on",
        "organisation",
        "implementation_status",
        "percent_complete",
        "review_state",
    )
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgressUpdate]:
        return super().get_queryset(request).select_related("organisation")


class ReviewEventInline(ReadOnlyInline, admin.TabularInline):
    """The pledge's history of review steps; events are facts, never edited."""

    model = ReviewEvent
    fields = ("created_at", "action", "from_state", "to_state", "actor", "update", "comment")
    readonly_fields = fields
    ordering = ("-created_at", "-id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReviewEvent]:
        return super().get_queryset(request).select_related("actor", "update")


class UpdateReviewEventInline(ReviewEventInline):
    fk_name = "update"
    fields = ("created_at", "action", "from_state", "to_state", "actor", "comment")
    readonly_fields = fields


class VersionInline(ReadOnlyInline, admin.TabularInline):
    """Every version the subject went through; any two compare."""

    fields = ("number", "action", "review_state", "created_by", "created_at", "compare")
    readonly_fields = fields
    ordering = ("-number",)
    compare_url: str

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("created_by")

    @admin.display(description=_("compare"))
    def compare(self, version: PledgeVersion | UpdateVersion) -> str:
        if version.number == 1:
            return "—"
        subject_id = version.pledge_id if isinstance(version, PledgeVersion) else version.update_id
        url = reverse(self.compare_url, args=[subject_id])
        before = version.number - 1
        label = gettext("with version %(number)s") % {"number": before}
        return format_html('<a href="{}?a={}&amp;b={}">{}</a>', url, before, version.number, label)


class PledgeVersionInline(VersionInline):
    model = PledgeVersion
    compare_url = "admin:pledges_pledge_compare"


class UpdateVersionInline(VersionInline):
    model = UpdateVersion
    compare_url = "admin:pledges_progressupdate_compare"


def _compare_response(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    original: Any,
    versions: dict[int, Any],
    changes: Any,
) -> TemplateResponse:
    """Two versions side by side: by default what changed since the version the public saw
    last (or since the one before)."""
    if not versions:
        raise Http404("No versions yet.")
    latest = max(versions)
    try:
        b = int(request.GET.get("b", latest))
        published = [n for n, v in versions.items() if n < b and v.action == "publish"]
        a = int(request.GET.get("a", max(published) if published else b - 1))
    except ValueError:
        raise Http404("Versions are numbers.") from None
    if a not in versions or b not in versions:
        raise Http404("No such version.")
    opts = modeladmin.model._meta
    return TemplateResponse(
        request,
        "admin/pledges/compare.html",
        {
            **modeladmin.admin_site.each_context(request),
            "opts": opts,
            "original": original,
            "change_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[original.pk]
            ),
            "title": gettext("%(subject)s: version %(a)s against version %(b)s")
            % {"subject": original, "a": a, "b": b},
            "before": versions[a],
            "after": versions[b],
            "versions": sorted(versions.values(), key=lambda v: v.number),
            "changes": changes(versions[a].snapshot, versions[b].snapshot),
        },
    )


class PledgeColumns:
    """Columns of pledge lists that fit a 1280-pixel screen: short titles and names."""

    @admin.display(description=_("title"), ordering="title")
    def short_title(self, pledge: Pledge) -> str:
        return truncatechars(pledge.title, 70)

    # Translators: column of pledge lists: the lead organisation, abbreviated.
    @admin.display(description=_("lead"), ordering="lead_organisation__name")
    def lead(self, pledge: Pledge) -> str:
        lead = pledge.lead_organisation
        return lead.acronym or truncatechars(lead.name, 32)

    @admin.display(description=_("cycle"), ordering="cycle__forum_year")
    def cycle_code(self, pledge: Pledge) -> str:
        return pledge.cycle.code

    # Translators: column of pledge lists: the SMART score (specific, measurable…), as "4/5".
    @admin.display(description=_("SMART"))
    def smart(self, pledge: Pledge) -> str:
        return smart_score(pledge)


@admin.register(Pledge)
class PledgeAdmin(PledgeColumns, ReviewStepsMixin, ServiceClientAdmin):
    form = PledgeAdminForm
    list_display = (
        "reference",
        "short_title",
        "lead",
        "cycle_code",
        "review_state",
        "implementation_status",
        "smart",
        "created_at",
    )
    review_steps = PLEDGE_STEPS
    actions = step_actions(PLEDGE_STEPS)
    list_display_links = ("reference", "short_title")
    list_filter = (
        "review_state",
        ReportingFilter,
        FulfilmentFilter,
        "implementation_status",
        "cycle",
        "joint_kind",
        "lead_organisation__kind",
        CommissionFilter,
        "objectives",
        "mirrors_gcr",
    )
    list_select_related = ("lead_organisation", "cycle")
    search_fields = ("reference", "title", "lead_organisation__name", "lead_organisation__acronym")
    readonly_fields = (
        "reference",
        "cycle_shown",
        "lead_shown",
        "partner_answers",
        *WORKFLOW_FIELDS,
        "implementation_status",
        "merged_into",
        "created_by",
        "created_at",
        "updated_at",
        "similar_pledges",
        "compare_link",
        "revision_of",
    )
    show_full_result_count = False
    inlines = [
        PledgeTargetInline,
        ProgressUpdateInline,
        EvidenceInline,
        ReviewEventInline,
        PledgeVersionInline,
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Pledge | None = None) -> Any:
        if obj is None:
            record: tuple[str, ...] = ("cycle", "lead_organisation")
        else:
            record = ("reference", *(("revision_of",) if obj.is_revision else ()))
            record += ("cycle_shown", "lead_shown", "partner_answers", "compare_link")
            record += ("similar_pledges",)
        return [
            (None, {"fields": (*record, "opened_version")}),
            *((title, {"fields": names}) for title, names in form_sections(PledgeContent)),
            *([STATE_FIELDSET] if obj else []),
        ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Pledge]:
        # The SMART column reads targets and objective links of every row on the page.
        return super().get_queryset(request).prefetch_related("targets", "objective_links")

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        # What the change page shows of the pledge, in one query (the list prefetches more).
        return _found(
            Pledge.objects.select_related("cycle", "lead_organisation", "matches"), object_id
        )

    def has_change_permission(self, request: HttpRequest, obj: Pledge | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_pledge(request.user, obj))

    def save_through(self, request: HttpRequest, form: Any, formsets: list, change: bool) -> None:
        _evidence_removed(request, formsets)
        content = form.content(targets_from(_formset_of(formsets, PledgeTarget)))
        if change:
            services.pledge_update(
                pledge=form.instance,
                by=request.user,
                content=content,
                expected_version=form.cleaned_data["opened_version"],
            )
            return
        created = services.pledge_create(
            by=request.user,
            cycle=form.cleaned_data["cycle"],
            lead_organisation=form.cleaned_data["lead_organisation"],
            content=content,
        )
        # The admin goes on with the object it built: it becomes the pledge just created.
        form.instance.pk, form.instance.reference = created.pk, created.reference

    # What a page shown without a form (a pledge decided for good) says for the form's fields
    # that are not the model's own.
    @admin.display(description=_("first main objective"))
    def main_objective_1(self, pledge: Pledge) -> str:
        return self._main_objective(pledge, 1)

    @admin.display(description=_("second main objective"))
    def main_objective_2(self, pledge: Pledge) -> str:
        return self._main_objective(pledge, 2)

    @admin.display(description=_("third main objective"))
    def main_objective_3(self, pledge: Pledge) -> str:
        return self._main_objective(pledge, 3)

    def _main_objective(self, pledge: Pledge, rank: int) -> str:
        link = pledge.objective_links.filter(main_rank=rank).select_related("objective").first()
        return str(link.objective) if link else "—"

    @admin.display(description=_("further objectives"))
    def further_objectives(self, pledge: Pledge) -> str:
        links = pledge.objective_links.filter(main_rank__isnull=True).select_related("objective")
        return ", ".join(str(link.objective) for link in links) or "—"

    @admin.display(description=_("partners invited by e-mail"))
    def partner_emails(self, pledge: Pledge) -> str:
        links = pledge.partner_links.filter(organisation__isnull=True)
        return ", ".join(link.invited_email for link in links) or "—"

    @admin.display(description=_("cycle"))
    def cycle_shown(self, pledge: Pledge) -> str:
        return str(pledge.cycle)

    @admin.display(description=_("lead organisation"))
    def lead_shown(self, pledge: Pledge) -> str:
        return str(pledge.lead_organisation)

    @admin.display(description=_("partners' answers"))
    def partner_answers(self, pledge: Pledge) -> str:
        links = pledge.partner_links.select_related("organisation")
        return format_html_join(
            ", ",
            "{} ({})",
            (
                (link.organisation or link.invited_email, link.get_status_display().lower())
                for link in links
            ),
        ) or gettext("no partners")

    @admin.display(description=_("compare"))
    def compare_link(self, pledge: Pledge) -> str:
        if pledge.history_pledge.versions.count() < 2:
            return gettext("fewer than two versions yet")
        url = reverse("admin:pledges_pledge_compare", args=[pledge.pk])
        if pledge.is_revision:
            label = gettext("Compare: revision against the published pledge")
        else:
            label = gettext("Compare: latest changes")
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("possible duplicates"))
    def similar_pledges(self, pledge: Pledge) -> str:
        return _duplicates_html(pledge) or gettext("none found")

    def get_urls(self):
        compare = self.admin_site.admin_view(self.compare_view)
        return [
            path("<int:pledge_id>/compare/", compare, name="pledges_pledge_compare"),
            *super().get_urls(),
        ]

    def compare_view(self, request: HttpRequest, pledge_id: int) -> TemplateResponse:
        pledge = get_object_or_404(Pledge, pk=pledge_id)
        if not self.has_view_permission(request, pledge):
            raise Http404
        # A revision's versions are kept with the pledge it revises.
        pledge = pledge.history_pledge
        versions = {v.number: v for v in pledge.versions.select_related("created_by")}
        return _compare_response(self, request, pledge, versions, pledge_changes)


@admin.register(PledgeInReview)
class PledgeInReviewAdmin(PledgeColumns, ReviewStepsMixin, admin.ModelAdmin):
    """The queue: what waits for the secretariat, oldest first, with its SMART score."""

    list_display = (
        "reference",
        "short_title",
        "lead",
        "cycle_code",
        "submitted",
        "smart",
        "likeliest_duplicate",
    )
    list_display_links = ("reference", "short_title")
    # Each row looks for its possible duplicates (a query or two a row), so pages stay short.
    list_per_page = 25
    list_filter = (
        "cycle",
        "objectives",
        "lead_organisation__kind",
        CommissionFilter,
        SmartScoreFilter,
    )
    list_select_related = ("lead_organisation", "cycle")
    search_fields = ("reference", "title", "lead_organisation__name")
    ordering = ("submitted_at", "id")
    review_steps = PLEDGE_STEPS
    actions = step_actions(PLEDGE_STEPS)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("targets", "objective_links")
        return in_review_queryset(queryset)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A pledge has one page; the queue links to it rather than repeating it.
        return redirect("admin:pledges_pledge_change", object_id)

    @admin.display(description=_("likeliest duplicate"))
    def likeliest_duplicate(self, pledge: Pledge) -> str:
        """The closest match and how many more there are; all of them on the pledge's page."""
        found = possible_duplicates(pledge)
        if not found:
            return "—"
        best = found[0]
        more = f" +{len(found) - 1}" if len(found) > 1 else ""
        return format_html(
            '<a href="{}" title="{}">{}</a>&nbsp;{}%{}',
            reverse("admin:pledges_pledge_change", args=[best.pledge.pk]),
            DUPLICATE_SCORE_HELP,
            best.pledge.reference,
            best.percent,
            more,
        )

    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submitted(self, pledge: Pledge) -> str:
        return f"{pledge.submitted_at:%Y-%m-%d}" if pledge.submitted_at else "—"


DUPLICATE_SCORE_HELP = _(
    "How alike the titles or descriptions read, 0 to 100%, with 10 points more when the same "
    "organisation leads both."
)


def _duplicates_html(pledge: Pledge) -> str:
    return format_html_join(
        ", ",
        '<a href="{}" title="{}">{}</a>&nbsp;({}%)',
        (
            (
                reverse("admin:pledges_pledge_change", args=[s.pledge.pk]),
                DUPLICATE_SCORE_HELP,
                s.pledge.reference,
                s.percent,
            )
            for s in possible_duplicates(pledge)
        ),
    )


class TargetMeasurementInline(admin.TabularInline):
    model = TargetMeasurement
    form = MeasurementForm
    formset = MeasurementFormSet
    fields = ("target", "value", "measured_on")
    extra = 0


class UpdateAdminForm(UpdateForm):
    """The portal's update form; the values are the measurement inline's here."""

    asks_to_confirm = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        instance = kwargs["instance"]
        super().__init__(
            *args, pledge=instance.pledge, organisations=[instance.organisation], **kwargs
        )
        self.targets = []
        for name in [name for name in self.fields if name.startswith(("value_", "measured_"))]:
            del self.fields[name]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReviewStepsMixin, ServiceClientAdmin):
    form = UpdateAdminForm
    list_display = (
        "reference",
        "reported_on",
        "pledge_title",
        "reporter",
        "implementation_status",
        "percent_complete",
        "review_state",
    )
    list_display_links = ("reference", "reported_on")
    list_filter = ("review_state", "implementation_status", "cycle", "organisation__kind")
    list_select_related = ("pledge", "organisation")
    search_fields = ("pledge__reference", "pledge__title", "organisation__name", "narrative")
    readonly_fields = (
        "pledge",
        "organisation",
        "author",
        "cycle",
        *WORKFLOW_FIELDS,
        "verified_at",
        "verified_by",
        "created_at",
        "updated_at",
        "compare_link",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "pledge",
                    "organisation",
                    "author",
                    "cycle",
                    "compare_link",
                    "opened_version",
                )
            },
        ),
        *((title, {"fields": names}) for title, names in form_sections(UpdateContent)),
        (
            STATE_FIELDSET_TITLE,
            {
                "fields": (
                    ("review_state", "submitted_at", "published_at"),
                    ("verified_at", "verified_by"),
                    ("created_at", "updated_at"),
                )
            },
        ),
    )
    review_steps = UPDATE_STEPS
    actions = step_actions(UPDATE_STEPS)
    show_full_result_count = False
    inlines = [
        TargetMeasurementInline,
        UpdateEvidenceInline,
        UpdateReviewEventInline,
        UpdateVersionInline,
    ]

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        return _found(
            ProgressUpdate.objects.select_related(
                "pledge__lead_organisation", "organisation", "author", "cycle", "verified_by"
            ),
            object_id,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Updates are their owners' reports, made in the portal.
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ProgressUpdate | None = None
    ) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_update(request.user, obj))

    def save_through(self, request: HttpRequest, form: Any, formsets: list, change: bool) -> None:
        _evidence_removed(request, formsets)
        content = form.content()
        services.update_edit(
            update=form.instance,
            by=request.user,
            content=UpdateContent(
                **content.own_values(),
                measurements=measurements_from(_formset_of(formsets, TargetMeasurement)),
            ),
            expected_version=form.cleaned_data["opened_version"],
        )

    @admin.display(description=_("pledge"), ordering="pledge__reference")
    def reference(self, update: ProgressUpdate) -> str:
        return update.pledge.reference

    @admin.display(description=_("title"))
    def pledge_title(self, update: ProgressUpdate) -> str:
        return truncatechars(update.pledge.title, 60)

    @admin.display(description=_("reported by"), ordering="organisation__name")
    def reporter(self, update: ProgressUpdate) -> str:
        return update.organisation.acronym or truncatechars(update.organisation.name, 32)

    @admin.display(description=_("compare"))
    def compare_link(self, update: ProgressUpdate) -> str:
        if update.versions.count() < 2:
            return gettext("fewer than two versions yet")
        url = reverse("admin:pledges_progressupdate_compare", args=[update.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Compare: latest changes"))

    def get_urls(self):
        compare = self.admin_site.admin_view(self.compare_view)
        return [
            path("<int:update_id>/compare/", compare, name="pledges_progressupdate_compare"),
            *super().get_urls(),
        ]

    def compare_view(self, request: HttpRequest, update_id: int) -> TemplateResponse:
        update = get_object_or_404(ProgressUpdate.objects.select_related("pledge"), pk=update_id)
        if not self.has_view_permission(request, update):
            raise Http404
        versions = {v.number: v for v in update.versions.select_related("created_by")}
        return _compare_response(self, request, update, versions, update_changes)


@admin.register(PledgeTarget)
class PledgeTargetAdmin(ReadOnlyAdmin):
    """Targets across pledges, to search; each is edited on its pledge's page."""

    list_display = (
        "pledge",
        "metric",
        "unit",
        "baseline_value",
        "baseline_year",
        "target_value",
        "target_year",
    )
    list_filter = ("indicator__indicator_set", "indicator")
    list_select_related = ("pledge", "indicator")
    search_fields = ("pledge__reference", "own_metric", "indicator__code", "indicator__name")

    @admin.display(description=_("indicator or own metric"))
    def metric(self, obj: PledgeTarget) -> str:
        return obj.metric_name


@admin.register(Evidence)
class EvidenceAdmin(EvidenceShown, admin.ModelAdmin):
    """Evidence across pledges and updates; removing one goes through the service."""

    list_display = ("title", "pledge", "update_reported", "link", "created_at")
    list_select_related = ("pledge", "update")
    search_fields = ("title", "pledge__reference", "url")
    fields = ("title", "pledge", "update", "link", "content_type", "size", "uploaded_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Evidence) -> None:
        services.evidence_remove(evidence=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Evidence]) -> None:
        for evidence in queryset.select_related("pledge", "update"):
            services.evidence_remove(evidence=evidence, by=request.user)


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdmin):
    """The audit trail: readable by the secretariat, written only by services."""

    list_display = ("created_at", "pledge", "update", "action", "from_state", "to_state", "actor")
    list_filter = ("action", "to_state")
    list_select_related = ("pledge", "update", "actor")
    search_fields = ("pledge__reference", "actor__email", "comment")


@admin.register(TargetMeasurement)
class TargetMeasurementAdmin(ReadOnlyAdmin):
    list_display = ("target", "update", "value", "measured_on")
    list_select_related = ("target__pledge", "target__indicator", "update")
    search_fields = ("target__pledge__reference",)


@admin.register(PledgePartner)
class PledgePartnerAdmin(ReadOnlyAdmin):
    """Partner links across pledges, to search; partners are changed on the pledge's page and
    answer for themselves in the portal."""

    list_display = (
        "pledge",
        "organisation",
        "status",
        "invited_email",
        "created_at",
        "responded_at",
    )
    list_filter = ("status", "organisation__kind")
    list_select_related = ("pledge", "organisation")
    search_fields = ("pledge__reference", "organisation__name", "invited_email")


@admin.register(PledgeObjective)
class PledgeObjectiveAdmin(ReadOnlyAdmin):
    list_display = ("pledge", "objective", "main_rank")
    list_filter = ("objective", "main_rank")
    list_select_related = ("pledge", "objective")
    search_fields = ("pledge__reference", "pledge__title")


@admin.register(PledgeVersion)
class PledgeVersionAdmin(ReadOnlyAdmin):
    """Frozen versions: read-only, compared from the pledge's page."""

    list_display = ("pledge", "number", "action", "review_state", "created_by", "created_at")
    list_filter = ("action", "review_state")
    list_select_related = ("pledge", "created_by")
    search_fields = ("pledge__reference", "pledge__title")


@admin.register(UpdateVersion)
class UpdateVersionAdmin(ReadOnlyAdmin):
    """Frozen versions of updates: read-only, compared from the update's page."""

    list_display = ("update", "number", "action", "review_state", "created_by", "created_at")
    list_filter = ("action", "review_state")
    list_select_related = ("update__pledge", "created_by")
    search_fields = ("update__pledge__reference",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "invited_by", "created_at", "accepted_at")
    list_filter = ("role",)
    list_select_related = ("organisation", "invited_by")
    search_fields = ("email", "organisation__name")
    readonly_fields = ("token", "invited_by", "created_at", "accepted_at", "accepted_by")
    autocomplete_fields = ("organisation",)


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "status", "created_at", "decided_by", "decided_at")
    list_filter = ("status",)
    list_select_related = ("user", "organisation", "decided_by")
    search_fields = ("user__email", "organisation__name")
    readonly_fields = ("status", "decided_by", "decided_at", "created_at")
    autocomplete_fields = ("user", "organisation")


@admin.register(ReportingPolicy)
class ReportingPolicyAdmin(admin.ModelAdmin):
    """One row: the thresholds for calling a pledge silent."""

    list_display = ("__str__", "updated_at")

    def has_add_permission(self, request):
        return not ReportingPolicy.objects.exists()


@admin.register(Corroboration)
class CorroborationAdmin(ReviewStepsMixin, admin.ModelAdmin):
    """Moderation of third parties' statements, oldest waiting first."""

    list_display = ("pledge", "update", "organisation", "kind", "status", "created_at")
    list_filter = ("status", "kind", "organisation__kind")
    list_select_related = ("pledge", "update", "organisation")
    search_fields = ("pledge__reference", "organisation__name", "statement")
    readonly_fields = (
        "pledge",
        "update",
        "organisation",
        "author",
        "kind",
        "statement",
        "evidence_url",
        "status",
        "moderated_by",
        "moderated_at",
        "moderation_reason",
        "owner_reply",
        "owner_replied_at",
        "created_at",
    )
    ordering = ("status", "created_at")
    review_steps = CORROBORATION_STEPS
    actions = step_actions(CORROBORATION_STEPS)

    def has_add_permission(self, request):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    """What reminders were decided: read-only, written by the daily task."""

    list_display = ("kind", "period", "organisation", "recipients", "sent_at")
    list_filter = ("kind",)
    list_select_related = ("organisation",)
    search_fields = ("period", "organisation__name")


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__email",)
    autocomplete_fields = ("user",)


class OutboxStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("sent", gettext("sent")),
            ("waiting", gettext("waiting")),
            ("failing", gettext("failed at least once")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "waiting":
            return queryset.filter(sent_at__isnull=True)
        if self.value() == "failing":
            return queryset.filter(sent_at__isnull=True).exclude(last_error="")
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Outgoing e-mails: what was decided, when it went, what went wrong."""

    list_display = ("subject", "name", "created_at", "sent_at", "attempts", "last_error")
    list_filter = (OutboxStateFilter, "name")
    search_fields = ("subject", "recipients")
    show_full_result_count = False


@admin.register(Following)
class FollowingAdmin(ReadOnlyAdmin):
    """Who follows what by e-mail (written by the visitors' own confirmations only)."""

    list_display = ("email", "kind", "subject", "confirmed_at", "cancelled_at", "sent_through")
    list_filter = ("kind", ("confirmed_at", admin.EmptyFieldListFilter), "cancelled_at")
    list_select_related = ("pledge", "objective", "area")
    search_fields = ("email",)
    exclude = ("token",)
