"""The secretariat's workbench. Workflow state changes through services only: read-only here."""

from django.contrib import admin

from pledges.models import (
    Evidence,
    Membership,
    Organisation,
    Pledge,
    PledgeObjective,
    PledgePartner,
    PledgeTarget,
    ProgressUpdate,
    RegionalReview,
    ReviewCycle,
    ReviewEvent,
    TargetMeasurement,
)

WORKFLOW_FIELDS = ("review_state", "submitted_at", "published_at", "version")


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ("user",)
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
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
        "created_at",
    )
    list_display_links = ("reference", "title")
    list_filter = (
        "review_state",
        "implementation_status",
        "cycle",
        "joint_kind",
        "lead_organisation__kind",
        "objectives",
        "mirrors_gcr",
    )
    list_select_related = ("lead_organisation", "cycle")
    search_fields = ("reference", "title", "lead_organisation__name", "lead_organisation__acronym")
    autocomplete_fields = ("lead_organisation", "matches", "areas", "created_by")
    filter_horizontal = ("principles",)
    readonly_fields = ("reference", *WORKFLOW_FIELDS, "created_at", "updated_at")
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("reference", "cycle", "title", "description")}),
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
    ]


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
