"""Named e-mails: one function per message, each rendering a subject / text / HTML triple
under templates/emails/<name>_{subject.txt,body.txt,body.html} into the outbox.

They are called inside the transaction of the change that calls for them: the message is kept
if and only if the change is, and a worker sends it once the transaction has committed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from pledges.models import (
    Corroboration,
    Following,
    Invitation,
    JoinRequest,
    Membership,
    MembershipRole,
    Organisation,
    Pledge,
    PledgePartner,
    ProgressUpdate,
    ReviewAction,
    ReviewCycle,
    ReviewEvent,
)
from pledges.outbox import message_write
from pledges.permissions import owner_organisation_ids
from pledges.tasks import outbox_dispatch

# Each review step as its reader is told: the subject, what happened, what to do next and where.
ADMIN, PORTAL, PUBLIC = "admin", "portal", "public"


@dataclass(frozen=True)
class Step:
    subject: str
    happened: str
    next_step: str = ""
    where: str = PORTAL


# Translators: the parts of a review e-mail. "subject" ends its subject line ("Pledge
# submitted for review: ..."), "happened" ends its first sentence ("Pledge GCM-2026-12, "...",
# was submitted for review."), "next step" introduces its link.
STEPS = {
    ReviewAction.SUBMIT: Step(
        _("submitted for review"),
        _("was submitted for review"),
        _("Review it in the secretariat's workbench"),
        ADMIN,
    ),
    ReviewAction.REQUEST_CHANGES: Step(
        _("changes requested"),
        _("was sent back to you: the secretariat asks for changes"),
        _("Make the changes and submit it again in the portal"),
    ),
    ReviewAction.PUBLISH: Step(
        _("published"), _("is now public"), _("See it on the public site"), PUBLIC
    ),
    ReviewAction.REJECT: Step(_("not accepted"), _("was not accepted by the secretariat")),
    ReviewAction.WITHDRAW: Step(
        _("withdrawn"), _("was withdrawn; it stays on record as withdrawn")
    ),
    ReviewAction.MERGE: Step(_("merged"), _("was merged into another pledge")),
    ReviewAction.EDIT: Step(
        _("corrected by the secretariat"),
        _("was corrected by the secretariat"),
        _("See what it says now in the portal"),
    ),
}
# Who hears of each step: the secretariat of what owners do, the owners of what it decides.
TO_SECRETARIAT = {ReviewAction.SUBMIT}


# The language of the page the change was made on: the words for addresses with no account.
_sender_language: ContextVar[str] = ContextVar("sender_language", default=settings.LANGUAGE_CODE)


def _in_site_language[**P, R](queue: Callable[P, R]) -> Callable[P, R]:
    """A message's links are built in the site's language, whatever page its sender was on, so
    that they are the pages' plain addresses (which open in the reader's chosen language); its
    words are each recipient's language (see `_queue`)."""

    @wraps(queue)
    def written(*args: P.args, **kwargs: P.kwargs) -> R:
        sender = _sender_language.set(_site_language(translation.get_language()))
        try:
            with translation.override(settings.LANGUAGE_CODE):
                return queue(*args, **kwargs)
        finally:
            _sender_language.reset(sender)

    return written


def _site_language(language: str | None) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def recipient_languages(recipients: list[str]) -> dict[str, list[str]]:
    """The recipients by the language to write to them in: the language of their account,
    English for an account that chose none, the sender's for an address with no account."""
    chosen = dict(
        get_user_model()
        .objects.annotate(address=Lower("email"))
        .filter(address__in=[address.lower() for address in recipients])
        .values_list("address", "language")
    )
    grouped: dict[str, list[str]] = {}
    for address in recipients:
        language = chosen.get(address.lower(), _sender_language.get()) or settings.LANGUAGE_CODE
        grouped.setdefault(_site_language(language), []).append(address)
    return grouped


def _queue(
    name: str,
    context: dict[str, Any],
    recipients: list[str],
    headers: dict[str, str] | None = None,
    language: str | None = None,
) -> int:
    """Render the message into the outbox, once per language its recipients read (or in
    `language` for all of them); the number of recipients."""
    if not recipients:
        return 0
    context = {**context, "site_url": settings.SITE_URL}
    groups = {language: recipients} if language else recipient_languages(recipients)
    for written_in, addresses in sorted(groups.items()):
        with translation.override(written_in):
            message = message_write(
                name=name,
                subject=render_to_string(f"emails/{name}_subject.txt", context),
                body_text=render_to_string(f"emails/{name}_body.txt", context),
                body_html=render_to_string(f"emails/{name}_body.html", context),
                recipients=addresses,
                headers={**(headers or {}), "Content-Language": written_in},
            )
        # robust: a broker that is down is the sweep's business, never the user's.
        transaction.on_commit(partial(outbox_dispatch, message.pk), robust=True)
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
    elif event.action in STEPS:
        recipients = set(_members(owner_organisation_ids(event.pledge)))
    else:
        return []
    if event.actor_id:
        recipients.discard(event.actor.email)
    return sorted(recipients)


@_in_site_language
def review_event_queue(event: ReviewEvent) -> int:
    """Tell the people concerned of a review step (or of a correction by the secretariat)."""
    step = STEPS[event.action]
    pledge, update = event.pledge, event.update
    if step.where == ADMIN:
        page = (
            reverse("admin:pledges_progressupdate_change", args=[update.pk])
            if update
            else reverse("admin:pledges_pledge_change", args=[pledge.pk])
        )
    elif step.where == PUBLIC:
        page = pledge.get_absolute_url() + (f"#update-{update.pk}" if update else "")
    else:
        page = reverse("portal:pledge_detail", args=[pledge.reference])
    context = {
        "event": event,
        "pledge": pledge,
        "update": update,
        "step": step,
        "link": settings.SITE_URL + page,
    }
    return _queue("review_event", context, review_event_recipients(event))


@_in_site_language
def partnership_invite_queue(link: PledgePartner) -> int:
    """Invite the members of an organisation (or, when it is not registered yet, the address
    given for it) to partner in a pledge."""
    context = {"link": link, "pledge": link.pledge}
    if link.organisation_id is None:
        return _queue("partnership_invite", context, [link.invited_email])
    return _queue("partnership_invite", context, _members({link.organisation_id}))


@_in_site_language
def invitation_queue(invitation: Invitation) -> int:
    """Send the invitation link to the invited address."""
    return _queue("invitation", {"invitation": invitation}, [invitation.email])


@_in_site_language
def join_request_queue(request: JoinRequest) -> int:
    """Tell an organisation's focal points that someone asks to join."""
    organisation: Organisation = request.organisation
    recipients = _members({organisation.pk}, role=MembershipRole.FOCAL_POINT)
    return _queue("join_request", {"request": request}, recipients)


@_in_site_language
def accreditation_queue(organisation: Organisation) -> int:
    """Tell an organisation's focal points that it may submit pledges now."""
    recipients = _members({organisation.pk}, role=MembershipRole.FOCAL_POINT)
    return _queue("accreditation", {"organisation": organisation}, recipients)


@_in_site_language
def corroboration_decision_queue(corroboration: Corroboration) -> int:
    """Tell the author of a statement what the secretariat decided, and why if declined."""
    author = corroboration.author
    if author is None or not author.is_active:
        return 0
    context = {"corroboration": corroboration, "pledge": corroboration.pledge}
    return _queue("corroboration_decision", context, [author.email])


@_in_site_language
def corroboration_queue(corroboration: Corroboration) -> int:
    """Tell the owners of a pledge that a third party's statement about it is published."""
    recipients = _members(owner_organisation_ids(corroboration.pledge))
    context = {"corroboration": corroboration, "pledge": corroboration.pledge}
    return _queue("corroboration", context, recipients)


@_in_site_language
def reporting_reminder_queue(
    *,
    kind: str,
    cycle: ReviewCycle,
    organisation: Organisation,
    pledges: list[Pledge],
    recipients: list[str],
) -> int:
    """Ask an organisation to report on the pledges it owes an update, with links."""
    context = {"kind": kind, "cycle": cycle, "organisation": organisation, "pledges": pledges}
    return _queue("reporting_reminder", context, recipients)


@_in_site_language
def digest_queue(
    *, recipients: list[str], waiting: int, overdue_by_region: dict[str, int], month: str
) -> int:
    context = {
        "waiting": waiting,
        "overdue_by_region": sorted(overdue_by_region.items()),
        "overdue_total": sum(overdue_by_region.values()),
        "month": month,
    }
    return _queue("digest", context, recipients)


@_in_site_language
def follow_confirmation_queue(following: Following) -> int:
    """Ask the address to confirm that it wants news of what it chose to follow."""
    return _queue(
        "follow_confirm",
        {
            "following": following,
            "confirm_url": settings.SITE_URL + reverse("follow_confirm", args=[following.token]),
        },
        [following.email],
        language=following.language,
    )


@_in_site_language
def follow_digest_queue(
    following: Following, updates: list[ProgressUpdate], pledges: list[Pledge]
) -> int:
    """The week's published news of what the address follows, with a one-click unsubscribe."""
    cancel_url = settings.SITE_URL + reverse("follow_cancel", args=[following.token])
    return _queue(
        "follow_digest",
        {"following": following, "updates": updates, "pledges": pledges, "cancel_url": cancel_url},
        [following.email],
        language=following.language,
        # RFC 8058: mail programs offer "unsubscribe", and post to the address in one click.
        headers={
            "List-Unsubscribe": f"<{cancel_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
