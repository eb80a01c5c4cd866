from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from indicators.admin import ObservationAdmin, problem_lines
from pledges.admin import ReadOnlyAdmin
from tracker.job_kinds import OBSERVATIONS_IMPORT
from tracker.jobs import job_rerun, job_start, kind_of
from tracker.models import Job, JobState, User, WorkerHeartbeat


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
        ("Person", {"fields": ("full_name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
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

    @admin.display(description="kind", ordering="kind")
    def kind_label(self, job: Job) -> str:
        kind = kind_of(job)
        return kind.label if kind else job.kind

    @admin.display(description="done", ordering="progress")
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
                "title": f"Job {job.pk}: {kind.label if kind else job.kind}",
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
        self.message_user(request, "The job is queued again.", messages.SUCCESS)
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
    messages.info(request, "The files are saved and a worker imports them: this page follows it.")
    return reverse("admin:tracker_job_change", args=[job.pk])


# The indicators app imports within the request on its own; here, where the project ties the
# apps together, its uploads become jobs.
ObservationAdmin.import_in_background = staticmethod(observations_import_in_background)
