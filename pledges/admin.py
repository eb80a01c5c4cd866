"""The secretariat's workbench. Workflow state changes through services only: read-only here."""

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from pledges import services
from pledges.admin_review import (
    CORROBORATION_ACTIONS,
    REVIEW_ACTIONS,
    UPDATE_REVIEW_ACTIONS,
    CommissionFilter,
    SmartScoreFilter,
    in_review_queryset,
    possible_duplicates,
    smart_score,
)
from pledges.models import (
    Corroboration,
    Evidence,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
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
)
from pledges.snapshots import snapshot_diff

WORKFLOW_FIELDS = ("review_state", "submitted_at", "published_at", "version")


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ("user",)
    extra = 0


@admin.action(description="Accredit selected organisations", permissions=["change"])
def accredit(modeladmin, request, queryset):
    done = 0
    for organisation in queryset.filter(accredited=False):
        services.organisation_accredit(organisation=organisation, by=request.user)
        done += 1
    modeladmin.message_user(request, f"{done} organisation(s) accredited.", messages.SUCCESS)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    actions = [accredit]
    list_display = ("name", "acronym", "kind", "country", "accredited", "created_at")
    list_filter = ("kind", "accredited")
    list_select_related = ("country",)
    search_fields = ("name", "acronym", "country__name")
    autocomplete_fields = ("country",)
    readonly_fields = ("created_at",)
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


class PledgeObjectiveInline(admin.TabularInline):
    model = PledgeObjective
    extra = 0
    verbose_name = "objective"
    verbose_name_plural = "objectives (main ones ranked 1 to 3)"


class PledgePartnerInline(admin.TabularInline):
    model = PledgePartner
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "status", "invited_email", "responded_at")
    extra = 0


class PledgeTargetInline(admin.StackedInline):
    model = PledgeTarget
    autocomplete_fields = ("indicator",)
    fields = (
        ("indicator", "own_metric", "unit"),
        ("baseline_value", "baseline_year", "target_value", "target_year"),
        "position",
    )
    extra = 0


class ProgressUpdateInline(admin.TabularInline):
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
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ("title", "url", "file", "update", "uploaded_by", "created_at")
    readonly_fields = ("uploaded_by", "created_at")
    extra = 0


class ReviewEventInline(admin.TabularInline):
    """The pledge's history of review steps; events are facts, never edited."""

    model = ReviewEvent
    fields = ("created_at", "action", "from_state", "to_state", "actor", "update", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-created_at",)

    def has_add_permission(self, request, obj=None):
        return False


class PledgeVersionInline(admin.TabularInline):
    """Every version the pledge went through; any two can be compared."""

    model = PledgeVersion
    fields = ("number", "action", "review_state", "created_by", "created_at", "compare")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-number",)

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="compare")
    def compare(self, version: PledgeVersion) -> str:
        if version.number == 1:
            return "—"
        url = reverse("admin:pledges_pledge_compare", args=[version.pledge_id])
        return format_html(
            '<a href="{}?a={}&amp;b={}">with version {}</a>',
            url,
            version.number - 1,
            version.number,
            version.number - 1,
        )


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "title",
        "lead_organisation",
        "cycle",
        "review_state",
        "implementation_status",
        "joint_kind",
        "smart",
        "created_at",
    )
    actions = REVIEW_ACTIONS
    list_display_links = ("reference", "title")
    list_filter = (
        "review_state",
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
    autocomplete_fields = ("lead_organisation", "matches", "areas", "created_by")
    filter_horizontal = ("principles",)
    readonly_fields = (
        "reference",
        *WORKFLOW_FIELDS,
        "merged_into",
        "created_at",
        "updated_at",
        "similar_pledges",
        "compare_link",
        "revision_of",
    )
    show_full_result_count = False
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference",
                    "revision_of",
                    "compare_link",
                    "cycle",
                    "title",
                    "description",
                    "similar_pledges",
                )
            },
        ),
        (
            "Form and partners",
            {
                "fields": (
                    ("form_financial", "form_human_resources", "form_process", "form_policy"),
                    "joint_kind",
                    "lead_organisation",
                    "matches",
                )
            },
        ),
        ("Framework", {"fields": ("principles", "mirrors_gcr")}),
        ("Where and when", {"fields": ("is_global", "areas", ("start_date", "deadline"))}),
        ("Resources", {"fields": (("amount", "currency"),)}),
        (
            "State",
            {
                "fields": (
                    ("review_state", "implementation_status"),
                    ("submitted_at", "published_at"),
                    ("created_by", "created_at", "updated_at", "version"),
                )
            },
        ),
    )
    inlines = [
        PledgeObjectiveInline,
        PledgePartnerInline,
        PledgeTargetInline,
        ProgressUpdateInline,
        EvidenceInline,
        ReviewEventInline,
        PledgeVersionInline,
    ]

    def get_queryset(self, request):
        # The SMART column reads targets and objective links of every row on the page.
        return super().get_queryset(request).prefetch_related("targets", "objective_links")

    @admin.display(description="SMART")
    def smart(self, pledge: Pledge) -> str:
        return smart_score(pledge)

    @admin.display(description="compare")
    def compare_link(self, pledge: Pledge) -> str:
        if not pledge.pk or pledge.history_pledge.versions.count() < 2:
            return "fewer than two versions yet"
        url = reverse("admin:pledges_pledge_compare", args=[pledge.pk])
        label = (
            "revision against the published pledge" if pledge.revision_of_id else "latest changes"
        )
        return format_html('<a href="{}">Compare: {}</a>', url, label)

    @admin.display(description="possible duplicates")
    def similar_pledges(self, pledge: Pledge) -> str:
        return _duplicates_html(pledge) or "none found"

    def get_urls(self):
        compare = self.admin_site.admin_view(self.compare_view)
        return [
            path("<int:pledge_id>/compare/", compare, name="pledges_pledge_compare"),
            *super().get_urls(),
        ]

    def compare_view(self, request, pledge_id: int):
        """Two versions side by side: by default the latest against the one before it."""
        pledge = get_object_or_404(Pledge, pk=pledge_id)
        if not self.has_view_permission(request, pledge):
            raise Http404
        # A revision's versions are kept with the pledge it revises.
        pledge = pledge.history_pledge
        versions = {v.number: v for v in pledge.versions.select_related("created_by")}
        if not versions:
            raise Http404("This pledge has no versions yet.")
        latest = max(versions)
        try:
            b = int(request.GET.get("b", latest))
            # By default, what changed since the version the public sees (or the one before).
            published = [n for n, v in versions.items() if n < b and v.action == "publish"]
            a = int(request.GET.get("a", max(published) if published else b - 1))
        except ValueError:
            raise Http404("Versions are numbers.") from None
        if a not in versions or b not in versions:
            raise Http404("No such version.")
        return TemplateResponse(
            request,
            "admin/pledges/pledge/compare.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": pledge,
                "title": f"{pledge.reference}: version {a} against version {b}",
                "before": versions[a],
                "after": versions[b],
                "versions": sorted(versions.values(), key=lambda v: v.number),
                "changes": snapshot_diff(versions[a].snapshot, versions[b].snapshot),
            },
        )


@admin.register(PledgeInReview)
class PledgeInReviewAdmin(admin.ModelAdmin):
    """The queue: what waits for the secretariat, oldest first, with its SMART score."""

    list_display = (
        "reference",
        "title",
        "lead_organisation",
        "organisation_kind",
        "cycle",
        "submitted_at",
        "smart",
        "duplicates",
    )
    # Each row looks for its possible duplicates: one query a row, so pages stay short.
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
    actions = REVIEW_ACTIONS

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("targets", "objective_links")
        return in_review_queryset(queryset)

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A pledge has one page; the queue links to it rather than repeating it.
        return redirect("admin:pledges_pledge_change", object_id)

    @admin.display(description="possible duplicates")
    def duplicates(self, pledge: Pledge) -> str:
        return _duplicates_html(pledge) or "—"

    @admin.display(description="organisation kind", ordering="lead_organisation__kind")
    def organisation_kind(self, pledge: Pledge) -> str:
        return pledge.lead_organisation.get_kind_display()

    @admin.display(description="SMART")
    def smart(self, pledge: Pledge) -> str:
        return smart_score(pledge)


def _duplicates_html(pledge: Pledge) -> str:
    return format_html_join(
        ", ",
        '<a href="{}">{}</a> ({}%)',
        (
            (
                reverse("admin:pledges_pledge_change", args=[s.pledge.pk]),
                s.pledge.reference,
                round(s.score * 100),
            )
            for s in possible_duplicates(pledge)
        ),
    )


class TargetMeasurementInline(admin.TabularInline):
    model = TargetMeasurement
    fields = ("target", "value", "measured_on")
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the targets of the pledge this update reports on.
        if db_field.name == "target" and request.resolver_match.kwargs.get("object_id"):
            update_id = request.resolver_match.kwargs["object_id"]
            kwargs["queryset"] = PledgeTarget.objects.filter(pledge__updates__id=update_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class UpdateEvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ("title", "url", "file", "uploaded_by", "created_at")
    readonly_fields = ("uploaded_by", "created_at")
    extra = 0


class UpdateReviewEventInline(ReviewEventInline):
    fk_name = "update"
    fields = ("created_at", "action", "from_state", "to_state", "actor", "comment")
    readonly_fields = fields


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = (
        "pledge",
        "reported_on",
        "organisation",
        "implementation_status",
        "percent_complete",
        "review_state",
    )
    list_filter = ("review_state", "implementation_status", "cycle", "organisation__kind")
    list_select_related = ("pledge", "organisation")
    search_fields = ("pledge__reference", "pledge__title", "organisation__name", "narrative")
    autocomplete_fields = ("pledge", "organisation", "author")
    readonly_fields = (*WORKFLOW_FIELDS, "created_at", "updated_at")
    actions = UPDATE_REVIEW_ACTIONS
    show_full_result_count = False
    inlines = [TargetMeasurementInline, UpdateEvidenceInline, UpdateReviewEventInline]


@admin.register(PledgeTarget)
class PledgeTargetAdmin(admin.ModelAdmin):
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
    autocomplete_fields = ("pledge", "indicator")

    @admin.display(description="indicator or own metric")
    def metric(self, obj: PledgeTarget) -> str:
        return obj.metric_name


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("title", "pledge", "update", "url", "file", "created_at")
    list_select_related = ("pledge", "update")
    search_fields = ("title", "pledge__reference", "url")
    autocomplete_fields = ("pledge", "update", "uploaded_by")


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    """The audit trail: readable by the secretariat, written only by services."""

    list_display = ("created_at", "pledge", "update", "action", "from_state", "to_state", "actor")
    list_filter = ("action", "to_state")
    list_select_related = ("pledge", "update", "actor")
    search_fields = ("pledge__reference", "actor__email", "comment")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TargetMeasurement)
class TargetMeasurementAdmin(admin.ModelAdmin):
    list_display = ("target", "update", "value", "measured_on")
    list_select_related = ("target__pledge", "target__indicator", "update__pledge")
    search_fields = ("target__pledge__reference",)
    autocomplete_fields = ("update", "target")


@admin.register(PledgePartner)
class PledgePartnerAdmin(admin.ModelAdmin):
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
    autocomplete_fields = ("pledge", "organisation")


@admin.register(PledgeObjective)
class PledgeObjectiveAdmin(admin.ModelAdmin):
    list_display = ("pledge", "objective", "main_rank")
    list_filter = ("objective", "main_rank")
    list_select_related = ("pledge", "objective")
    search_fields = ("pledge__reference", "pledge__title")
    autocomplete_fields = ("pledge",)


@admin.register(PledgeVersion)
class PledgeVersionAdmin(admin.ModelAdmin):
    """Frozen versions: read-only, compared from the pledge's page."""

    list_display = ("pledge", "number", "action", "review_state", "created_by", "created_at")
    list_filter = ("action", "review_state")
    list_select_related = ("pledge", "created_by")
    search_fields = ("pledge__reference", "pledge__title")
    readonly_fields = ("pledge", "number", "action", "review_state", "snapshot", "created_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
class CorroborationAdmin(admin.ModelAdmin):
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
    actions = CORROBORATION_ACTIONS

    def has_add_permission(self, request):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """What reminders went out: read-only, written by the daily task."""

    list_display = ("kind", "period", "organisation", "recipients", "sent_at")
    list_filter = ("kind",)
    list_select_related = ("organisation",)
    search_fields = ("period", "organisation__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__email",)
    autocomplete_fields = ("user",)
