"""Named e-mails: one function per message, each rendering a subject / text / HTML triple
under templates/emails/<name>_{subject.txt,body.txt,body.html}."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from pledges.models import (
    Corroboration,
    Invitation,
    JoinRequest,
    Membership,
    MembershipRole,
    Organisation,
    Pledge,
    PledgePartner,
    ReviewAction,
    ReviewCycle,
    ReviewEvent,
)
from pledges.permissions import owner_organisation_ids

# Who hears of each step: the secretariat of what owners do, the owners of what it decides.
TO_SECRETARIAT = {ReviewAction.SUBMIT}
TO_OWNERS = {
    ReviewAction.MERGE,
    ReviewAction.REQUEST_CHANGES,
    ReviewAction.PUBLISH,
    ReviewAction.REJECT,
    ReviewAction.WITHDRAW,
}


def _send(name: str, context: dict[str, Any], recipients: list[str]) -> int:
    """Render and send one message to `recipients` (blind copies); the number sent to."""
    if not recipients:
        return 0
    context = {**context, "site_url": settings.SITE_URL}
    subject = render_to_string(f"emails/{name}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"emails/{name}_body.txt", context),
        to=[settings.DEFAULT_FROM_EMAIL] if len(recipients) > 1 else recipients,
        bcc=recipients if len(recipients) > 1 else [],
    )
    message.attach_alternative(render_to_string(f"emails/{name}_body.html", context), "text/html")
    message.send()
    return len(recipients)


def _members(organisation_ids: set[int], role: str | None = None) -> list[str]:
    memberships = Membership.objects.filter(
        organisation_id__in=organisation_ids, user__is_active=True
    )
    if role:
        memberships = memberships.filter(role=role)
    return sorted(set(memberships.values_list("user__email", flat=True)))


def review_event_recipients(event: ReviewEvent) -> list[str]:
    """Addresses to tell of this review step, without its author."""
    if event.action in TO_SECRETARIAT:
        emails = get_user_model().objects.filter(is_staff=True, is_active=True)
        recipients = set(emails.values_list("email", flat=True))
    elif event.action in TO_OWNERS:
        recipients = set(_members(owner_organisation_ids(event.pledge)))
    else:
        return []
    if event.actor_id:
        recipients.discard(event.actor.email)
    return sorted(recipients)


def review_event_send(event: ReviewEvent) -> int:
    """Tell the people concerned of a review step."""
    context = {"event": event, "pledge": event.pledge, "update": event.update}
    return _send("review_event", context, review_event_recipients(event))


def partnership_invite_send(link: PledgePartner) -> int:
    """Invite the members of an organisation (or, when it is not registered yet, the address
    given for it) to partner in a pledge."""
    context = {"link": link, "pledge": link.pledge}
    if link.organisation_id is None:
        return _send("partnership_invite", context, [link.invited_email])
    return _send("partnership_invite", context, _members({link.organisation_id}))


def invitation_send(invitation: Invitation) -> int:
    """Send the invitation link to the invited address."""
    return _send("invitation", {"invitation": invitation}, [invitation.email])


def join_request_send(request: JoinRequest) -> int:
    """Tell an organisation's focal points that someone asks to join."""
    organisation: Organisation = request.organisation
    recipients = _members({organisation.pk}, role=MembershipRole.FOCAL_POINT)
    return _send("join_request", {"request": request}, recipients)


def corroboration_send(corroboration: Corroboration) -> int:
    """Tell the owners of a pledge that a third party's statement about it is published."""
    recipients = _members(owner_organisation_ids(corroboration.pledge))
    context = {"corroboration": corroboration, "pledge": corroboration.pledge}
    return _send("corroboration", context, recipients)


def reporting_reminder_send(
    *,
    kind: str,
    cycle: ReviewCycle,
    organisation: Organisation,
    pledges: list[Pledge],
    recipients: list[str],
) -> int:
    """Ask an organisation to report on the pledges it owes an update, with links."""
    context = {"kind": kind, "cycle": cycle, "organisation": organisation, "pledges": pledges}
    return _send("reporting_reminder", context, recipients)


def digest_send(
    *, recipients: list[str], waiting: int, overdue_by_region: dict[str, int], month: str
) -> int:
    context = {
        "waiting": waiting,
        "overdue_by_region": sorted(overdue_by_region.items()),
        "overdue_total": sum(overdue_by_region.values()),
        "month": month,
    }
    return _send("digest", context, recipients)
