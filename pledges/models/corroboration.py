"""Third parties' statements that a published pledge or update is true, or is not."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pledges.models.organisations import Organisation
from pledges.models.pledges import Pledge
from pledges.models.rules import Rule
from pledges.models.updates import ProgressUpdate


class CorroborationKind(models.TextChoices):
    CORROBORATE = "corroborate", "Corroborates"
    CONTEST = "contest", "Contests"


class CorroborationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Awaiting moderation"
    PUBLISHED = "published", "Published"
    DECLINED = "declined", "Declined"


class Corroboration(models.Model):
    """A third party's statement that a published pledge or update is true, or is not."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="corroborations")
    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corroborations",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="corroborations"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=CorroborationKind.choices)
    statement = models.TextField(max_length=2000)
    evidence_url = models.URLField("evidence link", max_length=1000, blank=True)
    status = models.CharField(
        max_length=10, choices=CorroborationStatus.choices, default=CorroborationStatus.SUBMITTED
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.TextField(blank=True)
    owner_reply = models.TextField(blank=True, max_length=2000)
    owner_replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            Rule(
                condition=~Q(status=CorroborationStatus.DECLINED) | ~Q(moderation_reason=""),
                name="declined_corroboration_has_reason",
                field="moderation_reason",
                violation_error_message="Say why the statement is declined.",
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
