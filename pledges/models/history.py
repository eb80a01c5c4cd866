"""History: every review step as an event, every state of a pledge or update as a version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from pledges.models.pledges import Pledge
from pledges.models.states import ReviewAction, ReviewState
from pledges.models.updates import ProgressUpdate


class ReviewEvent(models.Model):
    """One step in the review of a pledge or of one of its updates: who, when, from, to, why."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="review_events")
    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_events",
        help_text="Set when the event concerns a progress update rather than the pledge.",
    )
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    from_state = models.CharField(max_length=20, choices=ReviewState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=ReviewState.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_events",
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pledge", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {(self.actor_id and self.actor) or 'system'}"


class Version(models.Model):
    """A frozen copy of what a pledge or update said at one step; never changed afterwards."""

    number = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    review_state = models.CharField(max_length=20, choices=ReviewState.choices)
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"Version {self.number} ({self.get_action_display()})"


class PledgeVersion(Version):
    """A pledge with its links and targets (see pledges.snapshots). A revision's versions are
    kept with the pledge it revises, so that the two compare."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="versions")

    class Meta:
        ordering = ["pledge", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "number"],
                name="pledge_version_number",
                violation_error_message="A pledge has one version of each number.",
            ),
        ]


class UpdateVersion(Version):
    """A progress update with the values it reports."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="versions")

    class Meta:
        ordering = ["update", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["update", "number"],
                name="update_version_number",
                violation_error_message="An update has one version of each number.",
            ),
        ]
