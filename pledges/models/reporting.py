"""When pledges owe an update, and the reminders that say so."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pledges.models.organisations import Organisation
from pledges.models.rules import Rule


class ReportingPolicy(models.Model):
    """The secretariat's thresholds for calling a pledge silent; one row, edited in the admin."""

    inactive_after_months = models.PositiveSmallIntegerField(
        default=24, help_text="A published pledge with no published update for this long."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "reporting policy"
        verbose_name_plural = "reporting policy"
        constraints = [
            Rule(
                condition=Q(inactive_after_months__gte=1),
                name="inactive_after_some_months",
                field="inactive_after_months",
                violation_error_message="Give at least one month.",
            ),
        ]

    def __str__(self) -> str:
        return f"Inactive after {self.inactive_after_months} months without a published update"

    @classmethod
    def current(cls) -> ReportingPolicy:
        return cls.objects.order_by("pk").first() or cls()


class ReminderKind(models.TextChoices):
    WINDOW_OPENED = "window_opened", "Reporting window opened"
    WINDOW_CLOSING = "window_closing", "Reporting window closing"
    DIGEST = "digest", "Monthly digest to the secretariat"


class ReminderLog(models.Model):
    """A reminder decided: the record that keeps it from being sent twice."""

    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    # What the reminder is about: a cycle's window for an organisation, or a month's digest.
    period = models.CharField(max_length=20)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField("decided at", default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "organisation"],
                name="reminder_once",
                violation_error_message="This reminder was sent to the organisation already.",
            ),
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=Q(organisation__isnull=True),
                name="digest_once",
                violation_error_message="This month's digest was sent already.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} {self.organisation or ''}".strip()


class ReminderOptOut(models.Model):
    """Someone who wants no reminders; review decisions still reach them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_opt_out"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} takes no reminders"
