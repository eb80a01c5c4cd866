"""Portal pages for progress updates: draft, edit, submit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pledges import services
from pledges.forms import EvidenceForm, UpdateForm
from pledges.models import Evidence, Organisation, Pledge, ProgressUpdate
from pledges.permissions import (
    can_edit_update,
    can_report_on,
    is_owner,
    organisation_ids_of,
    owner_organisation_ids,
)
from pledges.selectors import returned_with
from pledges.views.feedback import attempt, refused_status


def _reporting_organisations(request: HttpRequest, pledge: Pledge) -> list[Organisation]:
    mine = organisation_ids_of(request.user) & owner_organisation_ids(pledge)
    return list(Organisation.objects.filter(pk__in=mine))


def _owned_pledge(request: HttpRequest, reference: str) -> Pledge:
    pledge = get_object_or_404(Pledge, reference=reference)
    if not is_owner(request.user, pledge):
        raise Http404
    return pledge


@login_required
@require_http_methods(["GET", "POST"])
def update_new(request: HttpRequest, reference: str) -> HttpResponse:
    pledge = _owned_pledge(request, reference)
    if not can_report_on(request.user, pledge):
        raise PermissionDenied(
            "Progress is reported on published pledges not yet confirmed fulfilled."
        )
    organisations = _reporting_organisations(request, pledge)
    form = UpdateForm(request.POST or None, pledge=pledge, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        update = attempt(
            request,
            lambda: services.update_create(
                pledge=pledge,
                by=request.user,
                organisation=form.cleaned_data["organisation"],
                content=form.content(),
            ),
            _("Progress update saved as a draft."),
        )
        if update is not None:
            if "submit" in request.POST:
                attempt(
                    request,
                    lambda: services.update_submit(update=update, by=request.user),
                    _("Submitted for review."),
                )
            return redirect("portal:pledge_detail", reference=pledge.reference)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "pledges/portal/update_form.html", {"pledge": pledge, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def update_edit(request: HttpRequest, update_id: int) -> HttpResponse:
    update = get_object_or_404(ProgressUpdate.objects.select_related("pledge"), pk=update_id)
    pledge = update.pledge
    if not is_owner(request.user, pledge):
        raise Http404
    if not can_edit_update(request.user, update):
        raise PermissionDenied("This update cannot be edited now.")
    form = UpdateForm(
        request.POST or None,
        instance=update,
        pledge=pledge,
        organisations=_reporting_organisations(request, pledge),
    )
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            request,
            lambda: services.update_edit(
                update=update,
                by=request.user,
                content=form.content(),
                expected_version=form.cleaned_data["opened_version"] or 0,
            ),
            _("Progress update saved."),
        )
        if saved is not None and "submit" in request.POST:
            attempt(
                request,
                lambda: services.update_submit(update=update, by=request.user),
                _("Submitted for review."),
            )
        if saved is not None:
            return redirect("portal:pledge_detail", reference=pledge.reference)
    status = refused_status(form) if request.method == "POST" else 200
    return render(
        request,
        "pledges/portal/update_form.html",
        {
            "pledge": pledge,
            "form": form,
            "update": update,
            "returned_with": returned_with(update),
            "evidence": update.evidence.all(),
            "evidence_form": EvidenceForm(prefix="evidence"),
        },
        status=status,
    )


@login_required
@require_POST
def update_submit(request: HttpRequest, update_id: int) -> HttpResponse:
    update = get_object_or_404(ProgressUpdate.objects.select_related("pledge"), pk=update_id)
    if not is_owner(request.user, update.pledge):
        raise Http404
    attempt(
        request,
        lambda: services.update_submit(update=update, by=request.user),
        _("Submitted for review."),
    )
    messages.info(request, _("The secretariat reviews updates before they are public."))
    return redirect("portal:pledge_detail", reference=update.pledge.reference)


@login_required
@require_POST
def update_evidence_add(request: HttpRequest, update_id: int) -> HttpResponse:
    update = get_object_or_404(ProgressUpdate.objects.select_related("pledge"), pk=update_id)
    if not is_owner(request.user, update.pledge):
        raise Http404
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
    if form.is_valid():
        attempt(
            request,
            lambda: services.evidence_add(
                pledge=update.pledge, update=update, by=request.user, **form.cleaned_data
            ),
            _("Evidence added to the update."),
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                # Translators: what is wrong with evidence added to a progress update.
                messages.error(request, _("Evidence: %(error)s") % {"error": error})
    return redirect("portal:update_edit", update_id=update.pk)


@login_required
@require_POST
def update_evidence_remove(request: HttpRequest, update_id: int, evidence_id: int) -> HttpResponse:
    update = get_object_or_404(ProgressUpdate.objects.select_related("pledge"), pk=update_id)
    if not is_owner(request.user, update.pledge):
        raise Http404
    evidence = get_object_or_404(Evidence, pk=evidence_id, update=update)
    attempt(
        request,
        lambda: services.evidence_remove(evidence=evidence, by=request.user),
        _("Evidence removed."),
    )
    return redirect("portal:update_edit", update_id=update.pk)
