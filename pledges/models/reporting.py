"""When pledges owe an update, and the reminders that say so."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from pledges.models.organisations import Organisation
from pledges.models.rules import Rule


class ReportingPolicy(models.Model):
    """The secretariat's thresholds for calling a pledge silent; one row, edited in the admin."""

    inactive_after_months = models.PositiveSmallIntegerField(
        _("inactive after months"),
        default=24,
        help_text=_("A published pledge with no published update for this long."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reporting policy")
        verbose_name_plural = _("reporting policy")
        constraints = [
            Rule(
                condition=Q(inactive_after_months__gte=1),
                name="inactive_after_some_months",
                field="inactive_after_months",
                violation_error_message=_("Give at least one month."),
            ),
        ]

    def __str__(self) -> str:
        return ngettext(
            "Inactive after %(months)s month without a published update",
            "Inactive after %(months)s months without a published update",
            self.inactive_after_months,
        ) % {"months": self.inactive_after_months}

    @classmethod
    def current(cls) -> ReportingPolicy:
        return cls.objects.order_by("pk").first() or cls()


class ReminderKind(models.TextChoices):
    WINDOW_OPENED = "window_opened", _("Reporting window opened")
    WINDOW_CLOSING = "window_closing", _("Reporting window closing")
    DIGEST = "digest", _("Monthly digest to the secretariat")


class ReminderLog(models.Model):
    """A reminder decided: the record that keeps it from being sent twice."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    # What the reminder is about: a cycle's window for an organisation, or a month's digest.
    period = models.CharField(_("period"), max_length=20)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder log")
        verbose_name_plural = _("reminder logs")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "organisation"],
                name="reminder_once",
                violation_error_message=_("This reminder was sent to the organisation already."),
            ),
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=Q(organisation__isnull=True),
                name="digest_once",
                violation_error_message=_("This month's digest was sent already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} {self.organisation or ''}".strip()


class ReminderOptOut(models.Model):
    """Someone who wants no reminders; review decisions still reach them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_opt_out",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder opt out")
        verbose_name_plural = _("reminder opt outs")

    def __str__(self) -> str:
        return gettext("%(user)s takes no reminders") % {"user": self.user}
