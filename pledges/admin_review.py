"""The secretariat's review steps, defined once: each is a bulk action on a list and a button on
the record's own page, asks for what it needs on a page of its own, and calls one service."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from indicators.models import Area
from pledges import services
from pledges.models import (
    Corroboration,
    CorroborationStatus,
    Organisation,
    Pledge,
    PledgeInReview,
    ProgressUpdate,
    ReviewState,
)
from pledges.progress import claiming_fulfilment, fulfilment_claimed
from pledges.reporting import DUE, INACTIVE, OVERDUE, with_reporting_status
from pledges.selectors import current_cycle
from pledges.similarity import Similar, candidates_for, similar_pledges
from pledges.smart import smart_check

# A label or message, marked for translation at import time and translated when shown.
StrOrPromise = str | Promise


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_("The pledgers read this comment."),
    )


class OptionalCommentForm(CommentForm):
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("Kept in the history and sent with the e-mail."),
    )


class ReasonForm(CommentForm):
    comment = forms.CharField(
        label=_("Reason"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Kept in the history; those concerned read it."),
    )


class MergeForm(OptionalCommentForm):
    into = forms.CharField(
        label=_("Merge into pledge"),
        max_length=20,
        help_text=_("Its reference, e.g. GCM-2026-0042."),
    )
    field_order = ("into", "comment")

    def clean_into(self) -> Pledge:
        reference = self.cleaned_data["into"].strip().upper()
        try:
            return Pledge.objects.get(reference=reference)
        except Pledge.DoesNotExist:
            raise forms.ValidationError(
                gettext("No pledge has the reference %(reference)s."),
                params={"reference": reference},
            ) from None


@dataclass(frozen=True)
class Step:
    """One review step: its action name, button label, the message that says how many subjects
    it was applied to (an `ngettext_lazy` counting "count"), the form that asks what it needs
    (a confirmation when None), the states it starts from and the service it calls with the
    subject, the staff member and the form's data."""

    name: str
    label: StrOrPromise
    done: StrOrPromise
    run: Callable[..., Any]
    sources: frozenset[str]
    form: type[forms.Form] = OptionalCommentForm
    # A further condition for the button to show (the service decides in the end).
    when: Callable[[Any], bool] | None = None

    def applies(self, subject: Any) -> bool:
        if self.sources:
            state = getattr(subject, "review_state", None) or getattr(subject, "status", None)
            if state not in self.sources:
                return False
        return self.when is None or self.when(subject)


PLEDGE_STEPS = (
    Step(
        "publish",
        _("Publish"),
        ngettext_lazy(
            "%(count)d pledge was published.",
            "%(count)d pledges were published.",
            "count",
        ),
        lambda p, by, comment="": services.pledge_publish(pledge=p, by=by, comment=comment),
        frozenset({ReviewState.SUBMITTED}),
    ),
    Step(
        "request_changes",
        _("Request changes"),
        ngettext_lazy(
            "%(count)d pledge was returned to their owners.",
            "%(count)d pledges were returned to their owners.",
            "count",
        ),
        lambda p, by, comment: services.pledge_request_changes(pledge=p, by=by, comment=comment),
        frozenset({ReviewState.SUBMITTED}),
        CommentForm,
    ),
    Step(
        "reject",
        _("Reject"),
        ngettext_lazy(
            "%(count)d pledge was rejected.",
            "%(count)d pledges were rejected.",
            "count",
        ),
        lambda p, by, comment: services.pledge_reject(pledge=p, by=by, comment=comment),
        frozenset({ReviewState.SUBMITTED}),
        ReasonForm,
    ),
    Step(
        "merge",
        _("Merge into another pledge"),
        ngettext_lazy(
            "%(count)d pledge was merged.",
            "%(count)d pledges were merged.",
            "count",
        ),
        lambda p, by, into, comment="": services.pledge_merge(
            duplicate=p, into=into, by=by, comment=comment
        ),
        frozenset({ReviewState.SUBMITTED, ReviewState.CHANGES_REQUESTED, ReviewState.PUBLISHED}),
        MergeForm,
        when=lambda p: not p.is_revision,
    ),
    Step(
        "confirm_fulfilled",
        _("Confirm fulfilment"),
        ngettext_lazy(
            "%(count)d pledge was confirmed fulfilled.",
            "%(count)d pledges were confirmed fulfilled.",
            "count",
        ),
        lambda p, by, comment="": services.pledge_confirm_fulfilled(
            pledge=p, by=by, comment=comment
        ),
        frozenset({ReviewState.PUBLISHED}),
        when=fulfilment_claimed,
    ),
    Step(
        "withdraw",
        _("Withdraw"),
        ngettext_lazy(
            "%(count)d pledge was withdrawn.",
            "%(count)d pledges were withdrawn.",
            "count",
        ),
        lambda p, by, comment: services.pledge_withdraw(pledge=p, by=by, comment=comment),
        frozenset({ReviewState.PUBLISHED}),
        ReasonForm,
        when=lambda p: not p.is_revision,
    ),
)

UPDATE_STEPS = (
    Step(
        "publish_updates",
        _("Publish"),
        ngettext_lazy(
            "%(count)d progress update was published.",
            "%(count)d progress updates were published.",
            "count",
        ),
        lambda u, by, comment="": services.update_publish(update=u, by=by, comment=comment),
        frozenset({ReviewState.SUBMITTED}),
    ),
    Step(
        "request_update_changes",
        _("Request changes"),
        ngettext_lazy(
            "%(count)d progress update was returned to their owners.",
            "%(count)d progress updates were returned to their owners.",
            "count",
        ),
        lambda u, by, comment: services.update_request_changes(update=u, by=by, comment=comment),
        frozenset({ReviewState.SUBMITTED}),
        CommentForm,
    ),
    Step(
        "reject_updates",
        _("Reject"),
        ngettext_lazy(
            "%(count)d progress update was rejected.",
            "%(count)d progress updates were rejected.",
            "count",
        ),
        lambda u, by, comment: services.update_reject(update=u, by=by, comment=comment),
        frozenset({ReviewState.SUBMITTED}),
        ReasonForm,
    ),
    Step(
        "verify_updates",
        _("Verify against its evidence"),
        ngettext_lazy(
            "%(count)d progress update was verified.",
            "%(count)d progress updates were verified.",
            "count",
        ),
        lambda u, by, comment="": services.update_verify(update=u, by=by, comment=comment),
        frozenset({ReviewState.PUBLISHED}),
        when=lambda u: u.verified_at is None,
    ),
)

CORROBORATION_STEPS = (
    Step(
        "publish_corroborations",
        _("Publish"),
        ngettext_lazy(
            "%(count)d corroboration was published.",
            "%(count)d corroborations were published.",
            "count",
        ),
        lambda c, by, comment="": services.corroboration_moderate(
            corroboration=c, by=by, publish=True
        ),
        frozenset({CorroborationStatus.SUBMITTED}),
        forms.Form,
    ),
    Step(
        "decline_corroborations",
        _("Decline"),
        ngettext_lazy(
            "%(count)d corroboration was declined.",
            "%(count)d corroborations were declined.",
            "count",
        ),
        lambda c, by, comment: services.corroboration_moderate(
            corroboration=c, by=by, publish=False, reason=comment
        ),
        frozenset({CorroborationStatus.SUBMITTED}),
        ReasonForm,
    ),
)


ORGANISATION_STEPS = (
    Step(
        "accredit",
        _("Accredit"),
        ngettext_lazy(
            "%(count)d organisation was accredited.",
            "%(count)d organisations were accredited.",
            "count",
        ),
        lambda o, by, **_: services.organisation_accredit(organisation=o, by=by),
        frozenset(),
        forms.Form,
        when=lambda o: not o.accredited,
    ),
)


# How many subjects a step's page is about, for each model with review steps.
COUNTED_SUBJECTS = {
    Pledge: ngettext_lazy("%(count)d pledge", "%(count)d pledges", "count"),
    # The queue is a list of pledges, whatever its own name.
    PledgeInReview: ngettext_lazy("%(count)d pledge", "%(count)d pledges", "count"),
    ProgressUpdate: ngettext_lazy(
        "%(count)d progress update", "%(count)d progress updates", "count"
    ),
    Corroboration: ngettext_lazy("%(count)d corroboration", "%(count)d corroborations", "count"),
    Organisation: ngettext_lazy("%(count)d organisation", "%(count)d organisations", "count"),
}


def _run(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    subjects: Sequence[Any],
    step: Step,
    data: dict[str, Any],
) -> int:
    """Apply the step to each subject; tell what worked and, for the rest, why not."""
    done = 0
    for subject in subjects:
        try:
            step.run(subject, request.user, **data)
        except (ValidationError, PermissionDenied) as error:
            reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            # Translators: a subject of a review step, then why the step was refused for it.
            said = gettext("%(subject)s: %(reason)s") % {"subject": subject, "reason": reason}
            model_admin.message_user(request, said, messages.ERROR)
        else:
            done += 1
    if done:
        model_admin.message_user(request, step.done % {"count": done}, messages.SUCCESS)
    return done


def _ask(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    subjects: Sequence[Any],
    step: Step,
    form: forms.Form,
    *,
    bulk: bool,
) -> TemplateResponse:
    """The page that asks what a step needs, or asks to confirm it."""
    counted = COUNTED_SUBJECTS[model_admin.model] % {"count": len(subjects)}
    meta = model_admin.model._meta
    cancel = (
        reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        if bulk
        else reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[subjects[0].pk])
    )
    return TemplateResponse(
        request,
        "admin/pledges/review_step.html",
        {
            **model_admin.admin_site.each_context(request),
            # Translators: a review step, then how many subjects it is about ("Publish: 3 pledges").
            "title": gettext("%(step)s: %(subjects)s") % {"step": step.label, "subjects": counted},
            "step": step,
            "subjects": subjects,
            "form": form,
            "bulk": bulk,
            "cancel_url": cancel,
            "opts": meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


def bulk_action(step: Step) -> Callable[..., HttpResponse | None]:
    """The step as an action on a list: the page asks once, then applies it to each."""

    def action(
        model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponse | None:
        # The list posts the selection; the asking page posts it again with what it asked.
        answered = "confirmed" in request.POST or any(
            name in request.POST for name in step.form.base_fields
        )
        form = step.form(request.POST if answered else None)
        if form.is_bound and form.is_valid():
            _run(model_admin, request, list(queryset), step, form.cleaned_data)
            return None
        return _ask(model_admin, request, list(queryset), step, form, bulk=True)

    action.__name__ = step.name
    # Translators: an action of a list that asks for more on a page of its own ("Publish…").
    description = lazy(lambda: gettext("%(step)s…") % {"step": step.label}, str)()
    return admin.action(description=description, permissions=["change"])(action)


def step_actions(steps: Sequence[Step]) -> list[Callable[..., HttpResponse | None]]:
    return [bulk_action(step) for step in steps]


class ReviewStepsMixin:
    """Review steps as buttons on a record's own page (`review_steps`), and as list actions."""

    review_steps: tuple[Step, ...] = ()
    change_form_template = "admin/pledges/review_change_form.html"

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.review_step_view)  # type: ignore[attr-defined]
        meta = self.model._meta  # type: ignore[attr-defined]
        name = f"{meta.app_label}_{meta.model_name}_review"
        return [
            path("<int:object_id>/review/<str:step_name>/", view, name=name),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def review_buttons(self, request: HttpRequest, subject: Any) -> list[tuple[Step, str]]:
        """The steps that apply to the subject now, with the address of each."""
        if not self.has_change_permission(request):  # type: ignore[attr-defined]
            return []
        meta = self.model._meta  # type: ignore[attr-defined]
        return [
            (
                step,
                reverse(
                    f"admin:{meta.app_label}_{meta.model_name}_review",
                    args=[subject.pk, step.name],
                ),
            )
            for step in self.review_steps
            if step.applies(subject)
        ]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        context["review_buttons"] = self.review_buttons(request, obj) if obj is not None else []
        return super().render_change_form(  # type: ignore[misc]
            request, context, add, change, form_url, obj
        )

    def review_step_view(
        self, request: HttpRequest, object_id: int, step_name: str
    ) -> HttpResponse:
        """One step on one record: GET asks, POST does it and goes back to the record."""
        step = next((s for s in self.review_steps if s.name == step_name), None)
        allowed = self.has_change_permission(request)  # type: ignore[attr-defined]
        if step is None or not allowed:
            raise PermissionDenied
        meta = self.model._meta  # type: ignore[attr-defined]
        subject = get_object_or_404(meta.model, pk=object_id)
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[subject.pk])
        form = step.form(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            _run(self, request, [subject], step, form.cleaned_data)  # type: ignore[arg-type]
            return HttpResponseRedirect(change)
        return _ask(self, request, [subject], step, form, bulk=False)  # type: ignore[arg-type]


def possible_duplicates(pledge: Pledge) -> list[Similar]:
    return similar_pledges(pledge=pledge, candidates=candidates_for(True, set()), limit=3)


class CommissionFilter(admin.SimpleListFilter):
    """The region of the lead organisation, as the UN regional commission that reviews it."""

    title = _("region (regional commission)")
    parameter_name = "commission"

    def lookups(self, request, model_admin):
        return [(a.code, a.code) for a in Area.objects.commissions().order_by("code")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(lead_organisation__country__commissions__code=self.value())
        return queryset


class ReportingFilter(admin.SimpleListFilter):
    """Published pledges by whether they owe an update (see pledges.reporting)."""

    title = _("reporting")
    parameter_name = "reporting"

    def lookups(self, request, model_admin):
        return [
            (DUE, gettext("update due")),
            (OVERDUE, gettext("update overdue")),
            (INACTIVE, gettext("inactive")),
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        annotated = with_reporting_status(queryset, cycle=current_cycle())
        return annotated.filter(reporting_status=self.value())


class FulfilmentFilter(admin.SimpleListFilter):
    title = _("fulfilment")
    parameter_name = "fulfilment"

    def lookups(self, request, model_admin):
        return [
            ("claimed", gettext("reported fulfilled, to confirm")),
            ("confirmed", gettext("confirmed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "claimed":
            return claiming_fulfilment(queryset)
        if self.value() == "confirmed":
            return queryset.filter(fulfilment_confirmed_at__isnull=False)
        return queryset


class SmartScoreFilter(admin.SimpleListFilter):
    title = _("SMART score")
    parameter_name = "smart"

    def lookups(self, request, model_admin):
        return [
            ("5", gettext("complete (5 of 5)")),
            ("incomplete", gettext("incomplete (under 5)")),
        ]

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
