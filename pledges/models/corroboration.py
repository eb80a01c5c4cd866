"""Third parties' statements that a published pledge or update is true, or is not."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pledges.models.organisations import Organisation
from pledges.models.pledges import Pledge
from pledges.models.rules import Rule
from pledges.models.updates import ProgressUpdate


class CorroborationKind(models.TextChoices):
    CORROBORATE = "corroborate", _("Corroborates")
    CONTEST = "contest", _("Contests")


class CorroborationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    DECLINED = "declined", _("Declined")


class Corroboration(models.Model):
    """A third party's statement that a published pledge or update is true, or is not."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="corroborations", verbose_name=_("pledge")
    )
    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corroborations",
        verbose_name=_("update"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="corroborations",
        verbose_name=_("organisation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CorroborationKind.choices)
    statement = models.TextField(_("statement"), max_length=2000)
    evidence_url = models.URLField(_("evidence link"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CorroborationStatus.choices,
        default=CorroborationStatus.SUBMITTED,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderation_reason = models.TextField(_("moderation reason"), blank=True)
    owner_reply = models.TextField(_("owner reply"), blank=True, max_length=2000)
    owner_replied_at = models.DateTimeField(_("owner replied at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("corroboration")
        verbose_name_plural = _("corroborations")
        ordering = ["-created_at"]
        constraints = [
            Rule(
                condition=~Q(status=CorroborationStatus.DECLINED) | ~Q(moderation_reason=""),
                name="declined_corroboration_has_reason",
                field="moderation_reason",
                violation_error_message=_("Say why the statement is declined."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_kind_display().lower()}"

    @property
    def is_published(self) -> bool:
        return self.status == CorroborationStatus.PUBLISHED

    @property
    def is_declined(self) -> bool:
        return self.status == CorroborationStatus.DECLINED
