"""Who may see and do what: plain functions used by views, admin, API and services alike."""

from __future__ import annotations

from typing import Any

from allauth.mfa.utils import is_mfa_enabled

from pledges.models import (
    Membership,
    MembershipRole,
    Organisation,
    PartnerStatus,
    Pledge,
    ProgressUpdate,
)
from pledges.models.pledges import OWNERS_MEMO


def is_secretariat(user: Any) -> bool:
    """Staff with a second factor set up: without it, staff have no secretariat powers."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    cached = getattr(user, "_has_second_factor", None)
    if cached is None:
        cached = user._has_second_factor = is_mfa_enabled(user)
    return cached


def without_secretariat_powers(user: Any) -> Any:
    """The user acting as a member of their organisations only (as with an API key, which
    bypasses the second factor the secretariat's powers need)."""
    user._has_second_factor = False
    return user


def organisation_ids_of(user: Any) -> set[int]:
    """The organisations the user belongs to (cached on the user for the request)."""
    if not (user.is_authenticated and user.is_active):
        return set()
    cached = getattr(user, "_organisation_ids", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
        user._organisation_ids = cached
    return cached


def is_member_of(user: Any, organisation: Organisation) -> bool:
    return organisation.pk in organisation_ids_of(user)


def owner_organisation_ids(pledge: Pledge) -> set[int]:
    """The lead organisation and the partners that accepted: together they own the pledge.

    Read once per pledge object: a page asks several questions of the same pledge. Services
    that change who owns a pledge forget the memo (`owners_changed`).
    """
    memo = pledge.__dict__.get(OWNERS_MEMO)
    if memo is None:
        partners = pledge.partner_links.filter(status=PartnerStatus.ACCEPTED)
        memo = {pledge.lead_organisation_id, *partners.values_list("organisation_id", flat=True)}
        pledge.__dict__[OWNERS_MEMO] = memo
    return memo


def owners_changed(pledge: Pledge) -> None:
    pledge.__dict__.pop(OWNERS_MEMO, None)


def is_owner(user: Any, pledge: Pledge) -> bool:
    mine = organisation_ids_of(user)
    return bool(mine) and bool(mine & owner_organisation_ids(pledge))


def corroborating_organisation_ids(user: Any, pledge: Pledge) -> set[int]:
    """The user's accredited organisations that may corroborate or contest a published pledge:
    any but its owners (owners report; others confirm or question)."""
    if not pledge.is_published or pledge.is_revision:
        return set()
    mine = organisation_ids_of(user) - owner_organisation_ids(pledge)
    if not mine:
        return set()
    accredited = Organisation.objects.filter(pk__in=mine, accredited=True)
    return set(accredited.values_list("pk", flat=True))


def can_create_pledge_for(user: Any, organisation: Organisation) -> bool:
    """Members draft pledges for their organisation; the secretariat may record one for anybody."""
    return is_secretariat(user) or is_member_of(user, organisation)


def can_view_pledge(user: Any, pledge: Pledge) -> bool:
    if pledge.is_public:
        return True
    return is_secretariat(user) or is_owner(user, pledge)


def can_edit_pledge(user: Any, pledge: Pledge) -> bool:
    """Owners edit drafts and pledges returned to them, not one under review. The secretariat
    corrects any pledge not decided for good (every correction is a version and an event).
    Nobody edits a pledge confirmed fulfilled."""
    if pledge.is_locked:
        return False
    if is_secretariat(user):
        return not pledge.is_closed
    return pledge.is_open and is_owner(user, pledge)


def can_report_on(user: Any, pledge: Pledge) -> bool:
    """Owners report progress on their published pledge until it is confirmed fulfilled."""
    return (
        pledge.is_published
        and not pledge.is_revision
        and not pledge.is_locked
        and is_owner(user, pledge)
    )


def can_revise(user: Any, pledge: Pledge) -> bool:
    """Owners propose changes to their published pledge while it stays public as it is."""
    return (
        pledge.is_published
        and not pledge.is_revision
        and not pledge.is_locked
        and is_owner(user, pledge)
    )


def can_edit_update(user: Any, update: ProgressUpdate) -> bool:
    """Owners edit their drafts and updates returned to them, not one under review; the
    secretariat corrects any update not decided for good."""
    if update.pledge.is_locked:
        return False
    if is_secretariat(user):
        return not update.is_closed
    return update.is_open and can_report_on(user, update.pledge)


def can_review(user: Any) -> bool:
    """Only the secretariat publishes, returns or rejects."""
    return is_secretariat(user)


def reviewable_owner(user: Any, subject: Pledge | ProgressUpdate) -> bool:
    pledge = subject if isinstance(subject, Pledge) else subject.pledge
    return is_owner(user, pledge)


def can_manage_members(user: Any, organisation: Organisation) -> bool:
    """Focal points invite and remove members and approve requests; so may the secretariat."""
    if is_secretariat(user):
        return True
    if not (user.is_authenticated and user.is_active):
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, role=MembershipRole.FOCAL_POINT
    ).exists()


def can_manage_reports(user: Any) -> bool:
    """The secretariat asks for reports, sees them before they are published, publishes them."""
    return is_secretariat(user)


def can_view_report(user: Any, report: Any) -> bool:
    """A published report is public; one not published is the secretariat's alone."""
    return report.is_published or can_manage_reports(user)
