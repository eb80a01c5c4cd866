from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from indicators.admin import ObservationAdmin, grouped, problem_lines
from pledges.admin import ReadOnlyAdmin
from pledges.forms import ReportRequestForm
from pledges.models import Report
from pledges.permissions import can_manage_reports, is_secretariat
from pledges.services import WorkflowError, report_publish, report_unpublish
from tracker.job_kinds import OBSERVATIONS_IMPORT
from tracker.jobs import job_rerun, job_start, kind_of
from tracker.models import ApiToken, IdempotentRequest, Job, JobState, User, WorkerHeartbeat
from tracker.reports import job_of, report_request, with_job_state
from tracker.tokens import token_revoke


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("email", "full_name", "is_staff", "is_active", "last_login", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    """When a worker last ran the heartbeat task, and which: written by workers only."""

    list_display = ("hostname", "last_seen")
    search_fields = ("hostname",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Personal API keys: made by their holders on the portal; the secretariat sees who holds
    which, when each was last used, and revokes one that leaked or is abused."""

    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__email", "prefix")
    list_select_related = ("user",)
    exclude = ("digest",)
    actions = ("revoke",)

    @admin.action(description=_("Revoke the chosen keys"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        try:
            revoked = [token_revoke(token=token, by=request.user) for token in queryset]
        except PermissionDenied as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return
        said = ngettext(
            "%(count)d key revoked: it no longer works.",
            "%(count)d keys revoked: they no longer work.",
            len(revoked),
        )
        self.message_user(request, said % {"count": len(revoked)})

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return is_secretariat(request.user)


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(ReadOnlyAdmin):
    """The API's creates asked with an Idempotency-Key, remembered a day to answer retries."""

    list_display = ("key", "user", "status", "location", "created_at")
    search_fields = ("key", "user__email")
    list_select_related = ("user",)


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """Long work done by workers: its progress while it runs, then what it did or why not.

    A job's page refreshes itself (an HTML refresh, no script) while the job waits or runs.
    A failed or interrupted job can be run again by whoever may start its kind.
    """

    list_display = ("id", "kind_label", "state", "percent_done", "step", "created_by", "created_at")
    list_filter = ("state", "kind")
    list_select_related = ("created_by",)
    search_fields = ("id", "step", "created_by__email")

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, job: Job) -> str:
        kind = kind_of(job)
        return kind.label if kind else job.kind

    # Translators: column of the jobs list: how much of a job is done, as "40%".
    @admin.display(description=_("done"), ordering="progress")
    def percent_done(self, job: Job) -> str:
        return f"{job.percent}%"

    def get_urls(self):
        rerun = self.admin_site.admin_view(require_POST(self.rerun_view))
        return [
            path("<int:pk>/run-again/", rerun, name="tracker_job_rerun"),
            *super().get_urls(),
        ]

    def may_rerun(self, request: HttpRequest, job: Job) -> bool:
        kind = kind_of(job)
        return (
            job.state == JobState.FAILED
            and kind is not None
            and request.user.has_perm(kind.permission)
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(Job.objects.select_related("created_by"), pk=object_id)
        kind = kind_of(job)
        result = job.result or {}
        return TemplateResponse(
            request,
            "admin/tracker/job/detail.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Job %(number)s: %(kind)s")
                % {"number": job.pk, "kind": kind.label if kind else job.kind},
                "opts": self.opts,
                "job": job,
                "kind": kind,
                "result": result,
                "problems": problem_lines([tuple(r) for r in result.get("rejected", [])]),
                "may_rerun": self.may_rerun(request, job),
            },
        )

    def rerun_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = get_object_or_404(Job, pk=pk)
        if not self.may_rerun(request, job):
            raise PermissionDenied
        job_rerun(job)
        self.message_user(request, gettext("The job is queued again."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:tracker_job_change", args=[job.pk]))


def observations_import_in_background(request: HttpRequest, data: dict) -> str:
    """The observation import page's upload, done by a worker: the job's page follows it."""
    job = job_start(
        kind=OBSERVATIONS_IMPORT,
        parameters={
            "layout": data["layout"],
            "area": data["country"].pk if data["country"] else None,
            "source": data["source"],
        },
        by=request.user,
        files=data["files"],
    )
    messages.info(
        request, gettext("The files are saved and a worker imports them: this page follows it.")
    )
    return reverse("admin:tracker_job_change", args=[job.pk])


# The indicators app imports within the request on its own; here, where the project ties the
# apps together, its uploads become jobs.
ObservationAdmin.import_in_background = staticmethod(observations_import_in_background)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports of a cycle: asked for here, built by workers, published from their page.

    Nothing is edited here: a report is asked for (the add page), then its page follows the
    build and offers the downloads and publication.
    """

    list_display = ("id", "cycle", "scope_label", "build_state", "cutoff", "published_at")
    list_display_links = ("id", "scope_label")
    list_filter = ("cycle", "scope", ("published_at", admin.EmptyFieldListFilter))
    list_select_related = ("cycle", "area", "objective")
    search_fields = ("area__name", "area__code")
    actions = ["ask_again", "publish", "unpublish"]

    def get_queryset(self, request: HttpRequest):
        return with_job_state(super().get_queryset(request))

    # Asking and publishing also need the secretariat's second factor: the services check it.
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("scope"))
    def scope_label(self, report: Report) -> str:
        return report.scope_label

    @admin.display(description=_("state"))
    def build_state(self, report: Report) -> str:
        if report.is_published:
            return gettext("Published")
        if report.is_built:
            return gettext("Built, not published")
        return JobState(report.job_state).label if report.job_state else gettext("Not started")

    @admin.action(description=_("Ask for the selected reports again, with the data as it is now"))
    def ask_again(self, request: HttpRequest, queryset) -> None:
        asked = building = 0
        for report in queryset.select_related("cycle", "area", "objective"):
            requested = report_request(
                cycle=report.cycle,
                scope=report.scope,
                area=report.area,
                objective=report.objective,
                organisation_kind=report.organisation_kind,
                by=request.user,
            )
            asked += requested.created
            building += not requested.created
        message = ngettext(
            "%(count)s report asked for; workers build them.",
            "%(count)s reports asked for; workers build them.",
            asked,
        ) % {"count": grouped(asked)}
        if building:
            already = ngettext(
                "%(count)s report being built already, left to finish.",
                "%(count)s reports being built already, left to finish.",
                building,
            ) % {"count": grouped(building)}
            # Translators: two sentences, one after the other.
            message = gettext("%(asked)s %(already)s") % {"asked": message, "already": already}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Publish the selected reports"))
    def publish(self, request: HttpRequest, queryset) -> None:
        published = 0
        for report in queryset.filter(built_at__isnull=False, published_at__isnull=True):
            report_publish(report=report, by=request.user)
            published += 1
        said = ngettext("%(count)s report published.", "%(count)s reports published.", published)
        self.message_user(request, said % {"count": grouped(published)})

    @admin.action(description=_("Take the selected reports off the public site"))
    def unpublish(self, request: HttpRequest, queryset) -> None:
        taken = 0
        for report in queryset.filter(published_at__isnull=False):
            report_unpublish(report=report, by=request.user)
            taken += 1
        said = ngettext(
            "%(count)s report taken off the public site.",
            "%(count)s reports taken off the public site.",
            taken,
        )
        self.message_user(request, said % {"count": grouped(taken)})

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(require_POST(function))

        return [
            path("<int:pk>/publish/", view(self.publish_view), name="pledges_report_publish"),
            path("<int:pk>/build-again/", view(self.rerun_view), name="pledges_report_rerun"),
            *super().get_urls(),
        ]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        if not can_manage_reports(request.user):
            raise PermissionDenied
        form = ReportRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                requested = report_request(
                    cycle=data["cycle"],
                    scope=data["scope"],
                    area=data["area"],
                    objective=data["objective"],
                    organisation_kind=data["organisation_kind"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if requested.created:
                    message = gettext(
                        "The report is asked for; a worker builds it, and this page follows."
                    )
                else:
                    message = gettext("This report is being built already: here it is.")
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:pledges_report_change", args=[requested.report.pk])
                )
        return TemplateResponse(
            request,
            "admin/pledges/report/request.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Ask for a report"),
                "opts": self.opts,
                "form": form,
            },
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = get_object_or_404(
            Report.objects.select_related("cycle", "area", "objective", "requested_by"),
            pk=object_id,
        )
        job = job_of(report)
        return TemplateResponse(
            request,
            "admin/pledges/report/detail.html",
            {
                **self.admin_site.each_context(request),
                "title": report.title,
                "opts": self.opts,
                "report": report,
                "job": job,
                "may_change": self.has_change_permission(request, report),
            },
        )

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = get_object_or_404(Report, pk=pk)
        if not self.has_change_permission(request, report):
            raise PermissionDenied
        try:
            if request.POST.get("publish") == "no":
                report_unpublish(report=report, by=request.user)
                self.message_user(
                    request, gettext("The report is off the public site."), messages.SUCCESS
                )
            else:
                report_publish(report=report, by=request.user)
                self.message_user(
                    request,
                    gettext("The report is published on its cycle's page."),
                    messages.SUCCESS,
                )
        except WorkflowError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:pledges_report_change", args=[report.pk]))

    def rerun_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = get_object_or_404(Report, pk=pk)
        job = job_of(report)
        if not self.has_change_permission(request, report) or job is None:
            raise PermissionDenied
        if job_rerun(job):
            said = gettext("The report is queued to be built again.")
            self.message_user(request, said, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:pledges_report_change", args=[report.pk]))
