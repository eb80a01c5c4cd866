"""History: every review step as an event, every state of a pledge or update as a version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pledges.models.pledges import Pledge
from pledges.models.states import ReviewAction, ReviewState
from pledges.models.updates import ProgressUpdate


class ReviewEvent(models.Model):
    """One step in the review of a pledge or of one of its updates: who, when, from, to, why."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="review_events", verbose_name=_("pledge")
    )
    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_events",
        help_text=_("Set when the event concerns a progress update rather than the pledge."),
        verbose_name=_("update"),
    )
    action = models.CharField(_("action"), max_length=20, choices=ReviewAction.choices)
    from_state = models.CharField(
        _("from state"), max_length=20, choices=ReviewState.choices, blank=True
    )
    to_state = models.CharField(
        _("to state"), max_length=20, choices=ReviewState.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_events",
        verbose_name=_("actor"),
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pledge", "created_at"])]

    def __str__(self) -> str:
        # Translators: a step in a review, e.g. "Published by ana@example.org".
        return gettext("%(action)s by %(actor)s") % {
            "action": self.get_action_display(),
            # Translators: who did a review step nobody did by hand.
            "actor": (self.actor_id and self.actor) or gettext("system"),
        }


class Version(models.Model):
    """A frozen copy of what a pledge or update said at one step; never changed afterwards."""

    number = models.PositiveIntegerField(_("number"))
    action = models.CharField(_("action"), max_length=20, choices=ReviewAction.choices)
    review_state = models.CharField(_("review state"), max_length=20, choices=ReviewState.choices)
    snapshot = models.JSONField(_("snapshot"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return gettext("Version %(number)s (%(action)s)") % {
            "number": self.number,
            "action": self.get_action_display(),
        }


class PledgeVersion(Version):
    """A pledge with its links and targets (see pledges.snapshots). A revision's versions are
    kept with the pledge it revises, so that the two compare."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="versions", verbose_name=_("pledge")
    )

    class Meta:
        verbose_name = _("pledge version")
        verbose_name_plural = _("pledge versions")
        ordering = ["pledge", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "number"],
                name="pledge_version_number",
                violation_error_message=_("A pledge has one version of each number."),
            ),
        ]


class UpdateVersion(Version):
    """A progress update with the values it reports."""

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="versions", verbose_name=_("update")
    )

    class Meta:
        verbose_name = _("update version")
        verbose_name_plural = _("update versions")
        ordering = ["update", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["update", "number"],
                name="update_version_number",
                violation_error_message=_("An update has one version of each number."),
            ),
        ]
