"""Following by e-mail: ask, confirm (double opt-in), cancel in one click, weekly digests.

No account is needed. An address is told nothing about others, and a request for an address
that already follows the subject sends nothing new, so the form cannot be used to learn who
follows what or to flood an inbox.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from indicators.models import Area, Objective
from pledges.emails import follow_confirmation_queue, follow_digest_queue
from pledges.filters import PledgeFilter, public_pledges
from pledges.models import Following, FollowKind, Pledge, ProgressUpdate

# A confirmation asked again sooner than this is not sent again (the first one is on its way).
CONFIRMATION_PAUSE = dt.timedelta(hours=1)
# Confirmations one address may be sent in a day, whatever it asks to follow.
CONFIRMATIONS_PER_DAY = 5
# The most items one digest lists; the rest are a link away.
DIGEST_ITEMS = 30


def _subject_fields(subject: Pledge | Objective | Area) -> dict[str, object]:
    if isinstance(subject, Pledge):
        return {"kind": FollowKind.PLEDGE, "pledge": subject}
    if isinstance(subject, Objective):
        return {"kind": FollowKind.OBJECTIVE, "objective": subject}
    return {"kind": FollowKind.AREA, "area": subject}


def follow_request(*, email: str, subject: Pledge | Objective | Area) -> Following | None:
    """Start following `subject` from `email`: a confirmation e-mail, unless one is on its way
    or the address already follows it. Returns the following, or None if nothing was sent
    because the address asked too often today."""
    email = email.strip().lower()
    now = timezone.now()
    fields = _subject_fields(subject)
    with transaction.atomic():
        following = (
            Following.objects.select_for_update()
            .filter(email=email, cancelled_at=None, **fields)
            .first()
        )
        if following is not None and following.confirmed_at is not None:
            return following  # already following: nothing to confirm, nothing said
        if (
            following is not None
            and following.confirmation_sent_at
            and (now - following.confirmation_sent_at < CONFIRMATION_PAUSE)
        ):
            return following
        sent_today = Following.objects.filter(
            email=email, confirmation_sent_at__gte=now - dt.timedelta(days=1)
        ).count()
        if sent_today >= CONFIRMATIONS_PER_DAY:
            return None
        if following is None:
            following = Following.objects.create(
                email=email, language=_site_language(get_language()), **fields
            )
        following.confirmation_sent_at = now
        following.save(update_fields=["confirmation_sent_at"])
        follow_confirmation_queue(following)
    return following


def follow_confirm(*, token: str) -> Following | None:
    """Confirm a following; from now on its digests tell what is published. None: no such
    following, or it was cancelled."""
    with transaction.atomic():
        following = (
            Following.objects.select_for_update().filter(token=token, cancelled_at=None).first()
        )
        if following is not None and following.confirmed_at is None:
            following.confirmed_at = following.sent_through = timezone.now()
            following.save(update_fields=["confirmed_at", "sent_through"])
    return following


def follow_cancel(*, token: str) -> Following | None:
    """Stop a following for good (a new one starts afresh). None: no such following."""
    following = Following.objects.filter(token=token).first()
    if following is not None and following.cancelled_at is None:
        Following.objects.filter(pk=following.pk, cancelled_at=None).update(
            cancelled_at=timezone.now()
        )
        following.refresh_from_db()
    return following


def _pledges_of(following: Following) -> Q:
    """Which published pledges the following is about, as a condition on pledges."""
    if following.kind == FollowKind.PLEDGE:
        return Q(pk=following.pledge_id)
    if following.kind == FollowKind.OBJECTIVE:
        query = {"objective": str(following.objective.number)}
    elif following.area.kind == "commission":
        query = {"region": following.area.code}  # its member countries too
    elif following.area.kind == "country":
        query = {"country": following.area.code}
    else:
        return Q(areas=following.area)  # a region of M49: the pledges that name it
    return Q(pk__in=PledgeFilter(query).qs.order_by().values("pk"))


def digests_send(now: dt.datetime | None = None) -> int:
    """Write each confirmed following's digest of what was published since its last one.

    Each is written in the transaction that moves its `sent_through`, so a digest goes once
    even when this runs twice; a following with nothing new gets no e-mail. Returns how many
    digests were written.
    """
    now = now or timezone.now()
    written = 0
    active = Following.objects.filter(confirmed_at__isnull=False, cancelled_at=None).select_related(
        "pledge", "objective", "area"
    )
    for following in active.iterator():
        since = following.sent_through or following.confirmed_at
        about = _pledges_of(following)
        updates = list(
            ProgressUpdate.objects.published()
            .filter(pledge__in=public_pledges().filter(about).values("pk"))
            .filter(published_at__gt=since, published_at__lte=now)
            .select_related("pledge", "organisation")
            .order_by("-published_at")[:DIGEST_ITEMS]
        )
        pledges = (
            []
            if following.kind == FollowKind.PLEDGE
            else list(
                public_pledges()
                .filter(about)
                .filter(published_at__gt=since, published_at__lte=now)
                .select_related("lead_organisation")
                .order_by("-published_at")[:DIGEST_ITEMS]
            )
        )
        with transaction.atomic():
            moved = Following.objects.filter(
                pk=following.pk, cancelled_at=None, sent_through=following.sent_through
            ).update(sent_through=now)
            if moved and (updates or pledges):
                written += follow_digest_queue(following, updates, pledges)
    return written


def _site_language(language: str | None) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
