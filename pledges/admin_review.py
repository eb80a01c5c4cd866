"""Review actions and views of the admin workbench; each step is a call to a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from indicators.models import Area
from pledges import services
from pledges.models import Pledge
from pledges.similarity import Similar, candidates_for, similar_pledges
from pledges.smart import smart_check


class CommentForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text="The pledgers read this comment.",
    )


def _apply(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    subjects: QuerySet[Any],
    service: Callable[..., Any],
    done: str,
    **kwargs: Any,
) -> None:
    """Call `service(subject, by, **kwargs)` for each subject; report what worked and why
    the rest did not."""
    succeeded, failed = 0, []
    noun = modeladmin.model._meta.verbose_name
    for subject in subjects:
        try:
            service(subject, request.user, **kwargs)
        except (ValidationError, PermissionDenied) as error:
            reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            failed.append(f"{subject}: {reason}")
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{succeeded} {noun}(s) {done}.", messages.SUCCESS)
    for failure in failed:
        modeladmin.message_user(request, failure, messages.ERROR)


def _ask(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    subjects: QuerySet[Any],
    form: forms.Form,
    title: str,
) -> TemplateResponse:
    """The intermediate page that asks what an action needs (a comment, a target)."""
    return TemplateResponse(
        request,
        "admin/pledges/review_comment.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "pledges": subjects,
            "form": form,
            "action": request.POST["action"],
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


def _with_comment(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    pledges: QuerySet[Any],
    service: Callable[..., Any],
    title: str,
    done: str,
) -> HttpResponse | None:
    """Ask for the comment on an intermediate page, then apply the service to each subject."""
    form = CommentForm(request.POST if "comment" in request.POST else None)
    if form.is_valid():
        _apply(modeladmin, request, pledges, service, done, comment=form.cleaned_data["comment"])
        return None
    return _ask(modeladmin, request, pledges, form, title)


@admin.action(description="Publish selected pledges", permissions=["change"])
def publish(modeladmin, request, queryset):
    _apply(
        modeladmin,
        request,
        queryset,
        lambda p, by: services.pledge_publish(pledge=p, by=by),
        "published",
    )


@admin.action(
    description="Request changes to selected pledges (with a comment)", permissions=["change"]
)
def request_changes(modeladmin, request, queryset):
    return _with_comment(
        modeladmin,
        request,
        queryset,
        lambda p, by, comment: services.pledge_request_changes(pledge=p, by=by, comment=comment),
        "Request changes",
        "returned to their owners",
    )


@admin.action(description="Reject selected pledges (with a reason)", permissions=["change"])
def reject(modeladmin, request, queryset):
    return _with_comment(
        modeladmin,
        request,
        queryset,
        lambda p, by, comment: services.pledge_reject(pledge=p, by=by, comment=comment),
        "Reject pledges",
        "rejected",
    )


@admin.action(description="Withdraw selected published pledges", permissions=["change"])
def withdraw(modeladmin, request, queryset):
    _apply(
        modeladmin,
        request,
        queryset,
        lambda p, by: services.pledge_withdraw(pledge=p, by=by),
        "withdrawn",
    )


class MergeForm(forms.Form):
    into = forms.CharField(
        label="Merge into pledge", max_length=20, help_text="Reference, e.g. GCM-2026-0042."
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), required=False)

    def clean_into(self) -> Pledge:
        reference = self.cleaned_data["into"].strip().upper()
        try:
            return Pledge.objects.get(reference=reference)
        except Pledge.DoesNotExist:
            raise forms.ValidationError(f"No pledge has the reference {reference}.") from None


@admin.action(description="Merge selected duplicates into another pledge", permissions=["change"])
def merge(modeladmin, request, queryset):
    form = MergeForm(request.POST if "into" in request.POST else None)
    if form.is_valid():
        into = form.cleaned_data["into"]

        def merge_one(pledge: Pledge, by: Any, comment: str) -> Any:
            return services.pledge_merge(duplicate=pledge, into=into, by=by, comment=comment)

        _apply(
            modeladmin,
            request,
            queryset,
            merge_one,
            f"merged into {into.reference}",
            comment=form.cleaned_data["comment"],
        )
        return None
    return _ask(modeladmin, request, queryset, form, "Merge duplicates")


@admin.action(description="Confirm fulfilment of selected pledges", permissions=["change"])
def confirm_fulfilled(modeladmin, request, queryset):
    _apply(
        modeladmin,
        request,
        queryset,
        lambda p, by: services.pledge_confirm_fulfilled(pledge=p, by=by),
        "confirmed fulfilled",
    )


REVIEW_ACTIONS = [publish, request_changes, reject, withdraw, merge, confirm_fulfilled]


@admin.action(description="Publish selected updates", permissions=["change"])
def publish_updates(modeladmin, request, queryset):
    _apply(
        modeladmin,
        request,
        queryset,
        lambda u, by: services.update_publish(update=u, by=by),
        "published",
    )


@admin.action(description="Request changes (with a comment)", permissions=["change"])
def request_update_changes(modeladmin, request, queryset):
    return _with_comment(
        modeladmin,
        request,
        queryset,
        lambda u, by, comment: services.update_request_changes(update=u, by=by, comment=comment),
        "Request changes",
        "returned to their owners",
    )


@admin.action(description="Reject selected updates (with a reason)", permissions=["change"])
def reject_updates(modeladmin, request, queryset):
    return _with_comment(
        modeladmin,
        request,
        queryset,
        lambda u, by, comment: services.update_reject(update=u, by=by, comment=comment),
        "Reject updates",
        "rejected",
    )


UPDATE_REVIEW_ACTIONS = [publish_updates, request_update_changes, reject_updates]


def possible_duplicates(pledge: Pledge) -> list[Similar]:
    return similar_pledges(pledge=pledge, candidates=candidates_for(True, set()), limit=3)


class CommissionFilter(admin.SimpleListFilter):
    """The region of the lead organisation, as the UN regional commission that reviews it."""

    title = "region (regional commission)"
    parameter_name = "commission"

    def lookups(self, request, model_admin):
        return [(a.code, a.code) for a in Area.objects.commissions().order_by("code")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(lead_organisation__country__commissions__code=self.value())
        return queryset


class SmartScoreFilter(admin.SimpleListFilter):
    title = "SMART score"
    parameter_name = "smart"

    def lookups(self, request, model_admin):
        return [("5", "complete (5 of 5)"), ("incomplete", "incomplete (under 5)")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # The score is computed, not stored: the queue is small enough to check each pledge.
        wanted = {
            p.pk
            for p in queryset.prefetch_related("targets", "objective_links")
            if (smart_check(p).score == 5) == (self.value() == "5")
        }
        return queryset.filter(pk__in=wanted)


def smart_score(pledge: Pledge) -> str:
    report = smart_check(pledge)
    return f"{report.score}/5"


def in_review_queryset(queryset: QuerySet[Pledge]) -> QuerySet[Pledge]:
    return queryset.submitted()


@admin.action(description="Verify selected published updates", permissions=["change"])
def verify_updates(modeladmin, request, queryset):
    _apply(
        modeladmin,
        request,
        queryset,
        lambda u, by: services.update_verify(update=u, by=by),
        "verified",
    )


UPDATE_REVIEW_ACTIONS.append(verify_updates)


@admin.action(description="Publish selected corroborations", permissions=["change"])
def publish_corroborations(modeladmin, request, queryset):
    _apply(
        modeladmin,
        request,
        queryset,
        lambda c, by: services.corroboration_moderate(corroboration=c, by=by, publish=True),
        "published",
    )


@admin.action(description="Decline selected corroborations (with a reason)", permissions=["change"])
def decline_corroborations(modeladmin, request, queryset):
    return _with_comment(
        modeladmin,
        request,
        queryset,
        lambda c, by, comment: services.corroboration_moderate(
            corroboration=c, by=by, publish=False, reason=comment
        ),
        "Decline corroborations",
        "declined",
    )


CORROBORATION_ACTIONS = [publish_corroborations, decline_corroborations]
