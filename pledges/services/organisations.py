"""Organisations and their people: registration, accreditation, invitations, join requests,
members and the focal-point role. Each function is one transaction and checks who acts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Area
from pledges import emails
from pledges.models import (
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipRole,
    Organisation,
)
from pledges.permissions import can_manage_members, can_review
from pledges.workflow import WorkflowError

INVITATION_DAYS = 14


@transaction.atomic
def organisation_register(
    *, by: Any, name: str, kind: str, country: Area | None, acronym: str = "", website: str = ""
) -> Organisation:
    """Register a new organisation, with its registrant as focal point.

    It waits for accreditation by the secretariat: its members can draft but not submit.
    """
    if not by.is_authenticated:
        raise PermissionDenied(_("Log in to register an organisation."))
    organisation = Organisation.objects.create(
        name=name, kind=kind, country=country, acronym=acronym, website=website, accredited=False
    )
    Membership.objects.create(user=by, organisation=organisation, role=MembershipRole.FOCAL_POINT)
    return organisation


def organisation_accredit(*, organisation: Organisation, by: Any) -> Organisation:
    """The secretariat accredits an organisation: its members may submit pledges from now on."""
    if not can_review(by):
        raise PermissionDenied(_("Only the secretariat accredits organisations."))
    with transaction.atomic():
        updated = Organisation.objects.filter(pk=organisation.pk, accredited=False).update(
            accredited=True, accredited_at=timezone.now()
        )
        organisation.refresh_from_db()
        if not updated:
            raise WorkflowError(
                _("%(organisation)s is accredited already.") % {"organisation": organisation}
            )
        emails.accreditation_queue(organisation)
    return organisation


def _require_manager(by: Any, organisation: Organisation) -> None:
    if not can_manage_members(by, organisation):
        raise PermissionDenied(_("Only the organisation's focal points manage its members."))


def member_invite(
    *, organisation: Organisation, by: Any, email: str, role: str = MembershipRole.MEMBER
) -> Invitation:
    """Invite someone by e-mail; the message with the link goes out once this commits."""
    _require_manager(by, organisation)
    email = email.strip()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise WorkflowError(_("%(email)s is a member already.") % {"email": email})
    with transaction.atomic():
        open_invitation = Invitation.objects.filter(
            organisation=organisation, email__iexact=email, accepted_at__isnull=True
        ).first()
        if open_invitation is not None:
            # Asking again renews the invitation rather than piling up links.
            open_invitation.delete()
        invitation = Invitation.objects.create(
            organisation=organisation, email=email, role=role, invited_by=by
        )
        emails.invitation_queue(invitation)
    return invitation


def invitation_accept(*, token: str, by: Any) -> Membership:
    """The invited person, logged in with the invited address, joins the organisation."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(token=token)
            .select_related("organisation")
            .first()
        )
        if invitation is None or invitation.accepted_at is not None:
            raise WorkflowError(_("This invitation is not valid any more."))
        if invitation.created_at < timezone.now() - dt.timedelta(days=INVITATION_DAYS):
            raise WorkflowError(_("This invitation has expired: ask for a new one."))
        if by.email.lower() != invitation.email.lower():
            raise PermissionDenied(
                _("This invitation is for %(email)s: log in with that address.")
                % {"email": invitation.email}
            )
        membership, _created = Membership.objects.get_or_create(
            user=by, organisation=invitation.organisation, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = by
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def member_remove(*, membership: Membership, by: Any) -> None:
    """A focal point removes a member (or a member leaves); the last focal point stays."""
    organisation = membership.organisation
    if membership.user_id != by.pk:
        _require_manager(by, organisation)
    with transaction.atomic():
        focal_points = Membership.objects.select_for_update().filter(
            organisation=organisation, role=MembershipRole.FOCAL_POINT
        )
        if membership.role == MembershipRole.FOCAL_POINT and focal_points.count() == 1:
            raise WorkflowError(
                _("The organisation needs a focal point: pass the role on before leaving.")
            )
        membership.delete()


def focal_point_transfer(*, organisation: Organisation, to: Membership, by: Any) -> Membership:
    """Pass the focal-point role to another member; the giver stays as a member."""
    _require_manager(by, organisation)
    if to.organisation_id != organisation.pk:
        raise WorkflowError(_("The new focal point must be a member of the organisation."))
    with transaction.atomic():
        Membership.objects.filter(pk=to.pk).update(role=MembershipRole.FOCAL_POINT)
        Membership.objects.filter(organisation=organisation, user=by).exclude(pk=to.pk).update(
            role=MembershipRole.MEMBER
        )
    to.refresh_from_db()
    return to


def join_request_create(*, organisation: Organisation, by: Any, message: str = "") -> JoinRequest:
    """Ask to join an organisation; its focal points are told once this commits."""
    if not by.is_authenticated:
        raise PermissionDenied(_("Log in to ask to join an organisation."))
    if Membership.objects.filter(organisation=organisation, user=by).exists():
        raise WorkflowError(
            _("You are a member of %(organisation)s already.") % {"organisation": organisation}
        )
    if JoinRequest.objects.filter(
        organisation=organisation, user=by, status=JoinRequestStatus.PENDING
    ).exists():
        raise WorkflowError(_("You asked already; the focal point will answer."))
    with transaction.atomic():
        request = JoinRequest.objects.create(organisation=organisation, user=by, message=message)
        emails.join_request_queue(request)
    return request


def join_request_decide(*, request: JoinRequest, by: Any, approve: bool) -> JoinRequest:
    """A focal point (or the secretariat) approves or declines a request to join."""
    _require_manager(by, request.organisation)
    with transaction.atomic():
        locked = JoinRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != JoinRequestStatus.PENDING:
            raise WorkflowError(_("This request was answered already."))
        locked.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        if approve:
            Membership.objects.get_or_create(user=locked.user, organisation=locked.organisation)
    return locked
