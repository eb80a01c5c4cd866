"""Named e-mails: one function per message, each rendering a subject / text / HTML triple."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from pledges.models import Membership, PledgePartner, ReviewAction, ReviewEvent
from pledges.permissions import owner_organisation_ids

# Who hears of each step: the secretariat of what owners do, the owners of what it decides.
TO_SECRETARIAT = {ReviewAction.SUBMIT}
TO_OWNERS = {
    ReviewAction.REQUEST_CHANGES,
    ReviewAction.PUBLISH,
    ReviewAction.REJECT,
    ReviewAction.WITHDRAW,
}


def review_event_recipients(event: ReviewEvent) -> list[str]:
    """Addresses to tell of this review step, without its author."""
    if event.action in TO_SECRETARIAT:
        users = get_user_model().objects.filter(is_staff=True, is_active=True)
    elif event.action in TO_OWNERS:
        users = get_user_model().objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(
                organisation_id__in=owner_organisation_ids(event.pledge)
            ).values("user_id"),
        )
    else:
        return []
    if event.actor_id:
        users = users.exclude(pk=event.actor_id)
    return sorted(set(users.values_list("email", flat=True)))


def review_event_message(event: ReviewEvent, recipients: list[str]) -> EmailMultiAlternatives:
    context = {
        "event": event,
        "pledge": event.pledge,
        "update": event.update,
        "site_url": settings.SITE_URL,
    }
    subject = render_to_string("emails/review_event_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("emails/review_event_body.txt", context),
        to=[settings.DEFAULT_FROM_EMAIL],
        bcc=recipients,
    )
    message.attach_alternative(
        render_to_string("emails/review_event_body.html", context), "text/html"
    )
    return message


def review_event_send(event: ReviewEvent) -> int:
    """Tell the people concerned of a review step; the number of recipients."""
    recipients = review_event_recipients(event)
    if recipients:
        review_event_message(event, recipients).send()
    return len(recipients)


def partnership_invite_send(link: PledgePartner) -> int:
    """Invite the members of an organisation to partner in a pledge; the number told."""
    recipients = sorted(
        set(
            Membership.objects.filter(
                organisation=link.organisation, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )
    if not recipients:
        return 0
    context = {"link": link, "pledge": link.pledge, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=" ".join(
            render_to_string("emails/partnership_invite_subject.txt", context).split()
        ),
        body=render_to_string("emails/partnership_invite_body.txt", context),
        to=[settings.DEFAULT_FROM_EMAIL],
        bcc=recipients,
    )
    message.attach_alternative(
        render_to_string("emails/partnership_invite_body.html", context), "text/html"
    )
    message.send()
    return len(recipients)
