"""Portal pages for an organisation's people: members, invitations, requests to join."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pledges import services
from pledges.forms import InviteForm, JoinForm
from pledges.models import (
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    Organisation,
)
from pledges.permissions import can_manage_members, is_member_of, is_secretariat
from pledges.views.feedback import attempt
from pledges.views.params import posted_id


def _organisation_of_member(request: HttpRequest, organisation_id: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if not (is_member_of(request.user, organisation) or is_secretariat(request.user)):
        raise Http404
    return organisation


@login_required
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _organisation_of_member(request, organisation_id)
    manager = can_manage_members(request.user, organisation)
    return render(
        request,
        "pledges/portal/organisation_detail.html",
        {
            "organisation": organisation,
            "manager": manager,
            "memberships": organisation.memberships.select_related("user").order_by("user__email"),
            "invitations": organisation.invitations.filter(accepted_at__isnull=True)
            if manager
            else [],
            "join_requests": organisation.join_requests.filter(
                status=JoinRequestStatus.PENDING
            ).select_related("user")
            if manager
            else [],
            "invite_form": InviteForm(),
        },
    )


@login_required
@require_POST
def member_invite(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _organisation_of_member(request, organisation_id)
    form = InviteForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.member_invite(
                organisation=organisation, by=request.user, **form.cleaned_data
            ),
            _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        )
    else:
        messages.error(request, _("Give a valid e-mail address."))
    return redirect("portal:organisation_detail", organisation_id=organisation.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, organisation_id: int, membership_id: int) -> HttpResponse:
    organisation = _organisation_of_member(request, organisation_id)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    attempt(
        request,
        lambda: services.member_remove(membership=membership, by=request.user),
        _("%(person)s is no longer a member.") % {"person": membership.user},
    )
    if membership.user_id == request.user.pk:
        return redirect("portal:home")
    return redirect("portal:organisation_detail", organisation_id=organisation.pk)


@login_required
@require_POST
def focal_point_transfer(
    request: HttpRequest, organisation_id: int, membership_id: int
) -> HttpResponse:
    organisation = _organisation_of_member(request, organisation_id)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    attempt(
        request,
        lambda: services.focal_point_transfer(
            organisation=organisation, to=membership, by=request.user
        ),
        _("%(person)s is now focal point.") % {"person": membership.user},
    )
    return redirect("portal:organisation_detail", organisation_id=organisation.pk)


@login_required
@require_POST
def join_request_decide(
    request: HttpRequest, organisation_id: int, request_id: int, answer: str
) -> HttpResponse:
    if answer not in ("approve", "decline"):
        raise Http404
    organisation = _organisation_of_member(request, organisation_id)
    join_request = get_object_or_404(JoinRequest, pk=request_id, organisation=organisation)
    attempt(
        request,
        lambda: services.join_request_decide(
            request=join_request, by=request.user, approve=answer == "approve"
        ),
        _("Request of %(person)s answered.") % {"person": join_request.user},
    )
    return redirect("portal:organisation_detail", organisation_id=organisation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_join(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    organisations = Organisation.objects.none()
    if query:
        organisations = Organisation.objects.filter(name__icontains=query).select_related(
            "country"
        )[:25]
    if request.method == "POST":
        organisation = get_object_or_404(
            Organisation, pk=posted_id(request.POST.get("organisation"))
        )
        form = JoinForm(request.POST)
        if form.is_valid():
            attempt(
                request,
                lambda: services.join_request_create(
                    organisation=organisation, by=request.user, message=form.cleaned_data["message"]
                ),
                _("Your request to join %(organisation)s is sent to its focal point.")
                % {"organisation": organisation},
            )
        else:
            for error in form.errors.get("message", []):
                # Translators: what is wrong with the message sent with a request to join.
                messages.error(request, _("Your message: %(error)s") % {"error": error})
        return redirect("portal:home")
    return render(
        request,
        "pledges/portal/organisation_join.html",
        {"query": query, "organisations": organisations, "form": JoinForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation"), token=token, accepted_at__isnull=True
    )
    if request.method == "POST":
        accepted = attempt(
            request,
            lambda: services.invitation_accept(token=token, by=request.user),
            _("Welcome to %(organisation)s.") % {"organisation": invitation.organisation},
        )
        if accepted:
            return redirect("portal:home")
    return render(request, "pledges/portal/invitation.html", {"invitation": invitation})
