"""The stakeholder portal: an organisation's pledges, drafting, submitting."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pledges import services
from pledges.content import PledgeContent, readable
from pledges.forms import (
    EvidenceForm,
    OrganisationForm,
    PledgeCreateForm,
    PledgeForm,
    PledgeTargetFormSet,
    WithdrawForm,
    page_language,
    targets_from,
)
from pledges.models import (
    Corroboration,
    CorroborationStatus,
    Evidence,
    Membership,
    Organisation,
    PartnerStatus,
    Pledge,
    PledgePartner,
    ProgressUpdate,
    ReminderOptOut,
)
from pledges.permissions import (
    can_edit_pledge,
    can_report_on,
    can_revise,
    can_view_pledge,
    corroborating_organisation_ids,
    is_owner,
    is_secretariat,
    organisation_ids_of,
)
from pledges.progress import fulfilment_claimed, target_progress
from pledges.selectors import portal_pledges, published_pledges_matching, returned_with
from pledges.similarity import candidates_for, similar_pledges
from pledges.smart import smart_check
from pledges.verification import verification_level
from pledges.views.feedback import attempt, refused_status
from pledges.views.params import posted_id


def _pledge_for(request: HttpRequest, reference: str, *, insiders: bool = True) -> Pledge:
    """The pledge, for its owners and the secretariat, and (`insiders=False`) for anybody signed
    in when it is public; a 404 otherwise, so nothing leaks about others' drafts."""
    pledge = get_object_or_404(
        Pledge.objects.select_related("lead_organisation", "cycle", "revision_of"),
        reference=reference,
    )
    user = request.user
    if is_owner(user, pledge) or is_secretariat(user):
        return pledge
    if not insiders and can_view_pledge(user, pledge):
        return pledge
    raise Http404


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(
        Membership.objects.filter(user=request.user).select_related("organisation__country")
    )
    organisations = [m.organisation for m in memberships]
    return render(
        request,
        "pledges/portal/home.html",
        {
            "memberships": memberships,
            "pledges": portal_pledges(organisations=organisations),
            # Invitations copied onto a revision are the pledge's own, answered there.
            "partnership_invitations": PledgePartner.objects.filter(
                organisation__in=organisations,
                status=PartnerStatus.INVITED,
                pledge__revision_of__isnull=True,
            ).select_related("pledge__lead_organisation", "organisation"),
            "address_invitations": PledgePartner.objects.filter(
                organisation__isnull=True,
                invited_email__iexact=request.user.email,
                pledge__revision_of__isnull=True,
            ).select_related("pledge__lead_organisation"),
            "accredited": [o for o in organisations if o.accredited],
            "reminders_on": not ReminderOptOut.objects.filter(user=request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_register(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_register(by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _(
                "%(organisation)s is registered and waits for accreditation by the secretariat. "
                "You can draft pledges meanwhile."
            )
            % {"organisation": organisation.name},
        )
        return redirect("portal:home")
    return render(request, "pledges/portal/organisation_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def pledge_create(request: HttpRequest) -> HttpResponse:
    organisations = list(Organisation.objects.filter(pk__in=organisation_ids_of(request.user)))
    if not organisations:
        messages.info(
            request, _("Register your organisation first, or ask its focal point to invite you.")
        )
        return redirect("portal:organisation_register")
    form = PledgeCreateForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        pledge = services.pledge_create(
            by=request.user,
            cycle=form.cleaned_data["cycle"],
            lead_organisation=form.cleaned_data["organisation"],
            content=PledgeContent(title=form.cleaned_data["title"], language=page_language()),
        )
        messages.success(
            request,
            _("Draft %(reference)s created. Save it at any time.")
            % {"reference": pledge.reference},
        )
        return redirect("portal:pledge_edit", reference=pledge.reference)
    return render(request, "pledges/portal/pledge_create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def pledge_edit(request: HttpRequest, reference: str) -> HttpResponse:
    pledge = _pledge_for(request, reference)
    if not can_edit_pledge(request.user, pledge):
        raise PermissionDenied("This pledge cannot be edited now.")
    form = PledgeForm(request.POST or None, instance=pledge)
    targets = PledgeTargetFormSet(request.POST or None, instance=pledge, prefix="targets")
    if request.method == "POST":
        if form.is_valid() and targets.is_valid():
            try:
                services.pledge_update(
                    pledge=pledge,
                    by=request.user,
                    content=form.content(targets_from(targets)),
                    expected_version=form.cleaned_data["opened_version"],
                )
                if "submit" in request.POST:
                    services.pledge_submit(pledge=pledge, by=request.user)
                    messages.success(
                        request,
                        _("%(reference)s is submitted for review.")
                        % {"reference": pledge.reference},
                    )
                    return redirect("portal:pledge_detail", reference=pledge.reference)
            except ValidationError as error:
                # Saved as a draft, but not submittable yet, or someone else saved first:
                # the form keeps what was typed either way.
                for message in error.messages:
                    messages.error(request, message)
                if isinstance(error, services.StaleEdit):
                    return render(
                        request,
                        "pledges/portal/pledge_form.html",
                        _form_context(pledge, form, targets, request.user),
                        status=409,
                    )
            else:
                messages.success(request, _("Draft saved."))
            return redirect("portal:pledge_edit", reference=pledge.reference)
        messages.error(request, _("Some fields need attention; nothing was saved yet."))
        return render(
            request,
            "pledges/portal/pledge_form.html",
            _form_context(pledge, form, targets, request.user),
            status=refused_status(form),
        )
    return render(
        request,
        "pledges/portal/pledge_form.html",
        _form_context(pledge, form, targets, request.user),
    )


def _visible_updates(request: HttpRequest, pledge: Pledge) -> list[ProgressUpdate]:
    """Published updates, and the owners' own in any state."""
    updates = pledge.updates.select_related("organisation").prefetch_related(
        "measurements__target", "evidence", "corroborations"
    )
    if not (is_owner(request.user, pledge) or is_secretariat(request.user)):
        updates = updates.published()
    found = list(updates.order_by("-reported_on", "-id"))
    for update in found:
        update.level = verification_level(update) if update.is_published else None
    return found


def _form_context(
    pledge: Pledge, form: PledgeForm, targets: PledgeTargetFormSet, user: Any
) -> dict[str, Any]:
    return {
        "pledge": pledge,
        "form": form,
        "targets": targets,
        "smart": smart_check(pledge),
        "similar": similar_pledges(
            pledge=pledge, candidates=candidates_for(False, organisation_ids_of(user)), limit=5
        ),
        "evidence_form": EvidenceForm(prefix="evidence"),
        "evidence": pledge.evidence.filter(update=None),
        "returned_with": returned_with(pledge),
    }


@login_required
def pledge_detail(request: HttpRequest, reference: str) -> HttpResponse:
    pledge = _pledge_for(request, reference, insiders=False)
    user = request.user
    owner, staff = is_owner(user, pledge), is_secretariat(user)
    insider = owner or staff
    witnesses = corroborating_organisation_ids(user, pledge)
    return render(
        request,
        "pledges/portal/pledge_detail.html",
        {
            "pledge": pledge,
            "insider": insider,
            "smart": smart_check(pledge) if insider else None,
            "says": readable(PledgeContent.of(pledge)),
            "evidence": pledge.evidence.filter(update=None),
            "can_edit": can_edit_pledge(user, pledge),
            "can_revise": can_revise(user, pledge),
            "can_withdraw": pledge.is_published and not pledge.is_revision and insider,
            "revision": pledge.revisions.first() if insider else None,
            "returned_with": returned_with(pledge),
            "events": pledge.history_pledge.review_events.select_related("actor", "update")
            if insider
            else [],
            "progress": target_progress(pledge),
            "updates": _visible_updates(request, pledge),
            "can_report": can_report_on(user, pledge),
            "fulfilment_claimed": fulfilment_claimed(pledge),
            "can_reply": owner,
            "corroborations": pledge.corroborations.filter(
                status=CorroborationStatus.PUBLISHED
            ).select_related("organisation", "update"),
            "can_corroborate": bool(witnesses),
            "statements": Corroboration.objects.filter(
                pledge=pledge, organisation__in=organisation_ids_of(user)
            ).select_related("organisation", "update")
            if not owner
            else [],
        },
    )


@login_required
@require_POST
def pledge_submit(request: HttpRequest, reference: str) -> HttpResponse:
    pledge = _pledge_for(request, reference)
    attempt(
        request,
        lambda: services.pledge_submit(pledge=pledge, by=request.user),
        _("%(reference)s is submitted for review.") % {"reference": pledge.reference},
    )
    return redirect("portal:pledge_detail", reference=pledge.reference)


@login_required
@require_http_methods(["GET", "POST"])
def pledge_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask why, then withdraw: the reason goes into the history, and to those concerned."""
    pledge = _pledge_for(request, reference)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: services.pledge_withdraw(
                pledge=pledge, by=request.user, comment=form.cleaned_data["reason"]
            ),
            _("%(reference)s is withdrawn; it stays on record as withdrawn.")
            % {"reference": pledge.reference},
        )
        if done is not None:
            return redirect("portal:pledge_detail", reference=pledge.reference)
    return render(
        request,
        "pledges/portal/pledge_withdraw.html",
        {"pledge": pledge, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def evidence_add(request: HttpRequest, reference: str) -> HttpResponse:
    pledge = _pledge_for(request, reference)
    if not can_edit_pledge(request.user, pledge):
        raise PermissionDenied("Evidence can be added to drafts only.")
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
    if form.is_valid():
        services.evidence_add(pledge=pledge, by=request.user, **form.cleaned_data)
        messages.success(request, _("Evidence added."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                # Translators: a field of the evidence form (or "Evidence"), and what is wrong.
                said = _("%(field)s: %(error)s") % {"field": label or _("Evidence"), "error": error}
                messages.error(request, said)
    return redirect("portal:pledge_edit", reference=pledge.reference)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, reference: str, evidence_id: int) -> HttpResponse:
    pledge = _pledge_for(request, reference)
    evidence = get_object_or_404(Evidence, pk=evidence_id, pledge=pledge)
    services.evidence_remove(evidence=evidence, by=request.user)
    messages.success(request, _("Evidence removed."))
    return redirect("portal:pledge_edit", reference=pledge.reference)


def evidence_download(request: HttpRequest, reference: str, evidence_id: int) -> FileResponse:
    """Stream an evidence file to whoever may see its pledge; files are never served directly."""
    pledge = get_object_or_404(Pledge, reference=reference)
    if not can_view_pledge(request.user, pledge):
        raise Http404
    evidence = get_object_or_404(Evidence, pk=evidence_id, pledge=pledge)
    if not evidence.file:
        raise Http404
    # Evidence of an update is public only once the update is.
    if (
        evidence.update_id
        and not evidence.update.is_published
        and not (is_owner(request.user, pledge) or is_secretariat(request.user))
    ):
        raise Http404
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.file_name,
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def partnership_respond(request: HttpRequest, link_id: int, answer: str) -> HttpResponse:
    if answer not in ("accept", "decline"):
        raise Http404
    link = get_object_or_404(
        PledgePartner.objects.select_related("pledge", "organisation"),
        pk=link_id,
        organisation_id__in=organisation_ids_of(request.user),
    )
    said = (
        _("%(organisation)s accepted to partner in %(reference)s.")
        if answer == "accept"
        else _("%(organisation)s declined to partner in %(reference)s.")
    )
    attempt(
        request,
        lambda: services.partnership_respond(link=link, by=request.user, accept=answer == "accept"),
        said % {"organisation": link.organisation, "reference": link.pledge.reference},
    )
    return redirect("portal:home")


@login_required
@require_POST
def pledge_revise(request: HttpRequest, reference: str) -> HttpResponse:
    pledge = _pledge_for(request, reference)
    revision = attempt(
        request,
        lambda: services.pledge_revise(pledge=pledge, by=request.user),
        _(
            "Edit the revision; %(reference)s stays public as published until the "
            "secretariat publishes your changes."
        )
        % {"reference": pledge.reference},
    )
    if revision is None:
        return redirect("portal:pledge_detail", reference=pledge.reference)
    return redirect("portal:pledge_edit", reference=revision.reference)


@login_required
def pledge_lookup(request: HttpRequest) -> JsonResponse:
    """Published pledges by reference or title, for the "matches pledge" field."""
    query = request.GET.get("q", "").strip()
    if len(query) < 2:
        return JsonResponse({"results": []})
    found = published_pledges_matching(query, limit=10)
    return JsonResponse({"results": [{"reference": p.reference, "title": p.title} for p in found]})


@login_required
@require_POST
def partnership_claim(request: HttpRequest, link_id: int) -> HttpResponse:
    link = get_object_or_404(
        PledgePartner.objects.select_related("pledge"),
        pk=link_id,
        organisation__isnull=True,
        invited_email__iexact=request.user.email,
    )
    organisation = get_object_or_404(
        Organisation,
        pk=posted_id(request.POST.get("organisation")),
        pk__in=organisation_ids_of(request.user),
    )
    attempt(
        request,
        lambda: services.partnership_claim(link=link, by=request.user, organisation=organisation),
        _("%(organisation)s now partners in %(reference)s.")
        % {"organisation": organisation, "reference": link.pledge.reference},
    )
    return redirect("portal:home")


@login_required
@require_POST
def reminders_preference(request: HttpRequest) -> HttpResponse:
    """Turn reminders off or on again; review decisions are sent regardless."""
    wanted = request.POST.get("reminders") == "on"
    if wanted:
        ReminderOptOut.objects.filter(user=request.user).delete()
        messages.success(request, _("You will receive reminders to report."))
    else:
        ReminderOptOut.objects.get_or_create(user=request.user)
        messages.success(request, _("No more reminders; review decisions still reach you."))
    return redirect("portal:home")
