"""Reminders: when a reporting window opens, before it closes, and a monthly digest.

Each function is safe to run every day and twice a day: a reminder is recorded (ReminderLog,
unique per kind, period and organisation) in the same transaction as its message is written to
the outbox, so nothing goes out twice and nothing decided is lost.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from pledges import emails
from pledges.models import (
    Membership,
    Organisation,
    PartnerStatus,
    Pledge,
    ReminderKind,
    ReminderLog,
    ReviewCycle,
)
from pledges.reporting import DUE, OVERDUE, overdue_by_region, with_reporting_status
from pledges.selectors import current_cycle

CLOSING_NOTICE_DAYS = 14


def _once(
    kind: str, period: str, organisation: Organisation | None, queue: Callable[[], int]
) -> int:
    """Record the reminder and write its message; a second call for the same one does nothing."""
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(kind=kind, period=period, organisation=organisation)
            log.recipients = queue()
            log.save(update_fields=["recipients"])
    except IntegrityError:
        return 0
    return log.recipients


def _owners_of_due(cycle: ReviewCycle, today: dt.date) -> dict[Organisation, list[Pledge]]:
    """Each owner organisation with the published pledges it has to report on now."""
    due = list(
        with_reporting_status(Pledge.objects.all(), cycle=cycle, today=today)
        .filter(reporting_status__in=[DUE, OVERDUE])
        .select_related("lead_organisation")
        .prefetch_related("partner_links__organisation")
    )
    by_owner: dict[Organisation, list[Pledge]] = defaultdict(list)
    for pledge in due:
        by_owner[pledge.lead_organisation].append(pledge)
        for link in pledge.partner_links.all():
            if link.status == PartnerStatus.ACCEPTED:
                by_owner[link.organisation].append(pledge)
    return by_owner


def _reminded_members(organisation: Organisation) -> list[str]:
    members = Membership.objects.filter(
        organisation=organisation, user__is_active=True, user__reminder_opt_out__isnull=True
    )
    return sorted(set(members.values_list("user__email", flat=True)))


def _window_reminders(kind: str, cycle: ReviewCycle, today: dt.date) -> int:
    sent = 0
    for organisation, pledges in _owners_of_due(cycle, today).items():
        recipients = _reminded_members(organisation)
        if not recipients:
            continue

        def send(organisation=organisation, pledges=pledges, recipients=recipients) -> int:
            return emails.reporting_reminder_queue(
                kind=kind,
                cycle=cycle,
                organisation=organisation,
                pledges=pledges,
                recipients=recipients,
            )

        # A window, not just a cycle: the secretariat may open another one later.
        sent += _once(kind, f"{cycle.code}:{cycle.reporting_opens}", organisation, send)
    return sent


def reminders_send(today: dt.date | None = None) -> dict[str, int]:
    """Everything due today: window opened, window closing soon, the month's digest."""
    today = today or timezone.localdate()
    sent: Counter[str] = Counter()
    cycle = current_cycle(today)
    opens, closes = (cycle.reporting_opens, cycle.reporting_closes) if cycle else (None, None)
    if opens and closes and opens <= today <= closes:
        sent["window_opened"] += _window_reminders(ReminderKind.WINDOW_OPENED, cycle, today)
        if (closes - today).days <= CLOSING_NOTICE_DAYS:
            sent["window_closing"] += _window_reminders(ReminderKind.WINDOW_CLOSING, cycle, today)
    sent["digest"] += digest_send(today=today, cycle=cycle)
    return dict(sent)


def digest_send(*, today: dt.date, cycle: ReviewCycle | None) -> int:
    """Once a month, tell the secretariat what waits for it and who is overdue, by region."""
    staff = get_user_model().objects.filter(
        is_staff=True, is_active=True, reminder_opt_out__isnull=True
    )
    recipients = sorted(staff.values_list("email", flat=True))
    if not recipients:
        return 0
    waiting = Pledge.objects.submitted().count()
    regions = {region.name: region.count for region in overdue_by_region(cycle=cycle, today=today)}

    def send() -> int:
        return emails.digest_queue(
            recipients=recipients,
            waiting=waiting,
            overdue_by_region=regions,
            month=date_format(today, "F Y"),
        )

    return _once(ReminderKind.DIGEST, today.strftime("%Y-%m"), None, send)
