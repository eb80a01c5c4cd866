"""Progress updates on published pledges, the values they report, and the evidence behind
pledges and updates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pledges.models.cycles import ReviewCycle
from pledges.models.organisations import Organisation
from pledges.models.pledges import Pledge, PledgeTarget
from pledges.models.rules import Rule
from pledges.models.states import ImplementationStatus, Reviewed, ReviewedQuerySet, ReviewState


class ProgressUpdateQuerySet(ReviewedQuerySet):
    pass


class ProgressUpdate(Reviewed, models.Model):
    """A dated report on a pledge's implementation, reviewed like the pledge itself."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="updates")
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="updates")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="progress_updates",
        help_text="The owner organisation that reports (lead or partner).",
    )
    reported_on = models.DateField(default=timezone.localdate)
    implementation_status = models.CharField(max_length=20, choices=ImplementationStatus.choices)
    percent_complete = models.PositiveSmallIntegerField(null=True, blank=True)
    narrative = models.TextField()
    challenges = models.TextField(blank=True)
    support_needed = models.TextField(blank=True)
    amount_committed = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    amount_disbursed = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    review_state = models.CharField(
        max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The secretariat checked the update against its evidence (beyond publishing it).
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["pledge", "-reported_on", "-id"]
        constraints = [
            Rule(
                condition=Q(percent_complete__isnull=True) | Q(percent_complete__lte=100),
                name="update_percent_0_to_100",
                field="percent_complete",
                violation_error_message="Give a share between 0 and 100 per cent.",
            ),
            Rule(
                condition=Q(amount_committed__gte=0) | Q(amount_committed__isnull=True),
                name="update_committed_positive",
                field="amount_committed",
                violation_error_message="The amount committed cannot be negative.",
            ),
            Rule(
                condition=Q(amount_disbursed__gte=0) | Q(amount_disbursed__isnull=True),
                name="update_disbursed_positive",
                field="amount_disbursed",
                violation_error_message="The amount disbursed cannot be negative.",
            ),
            Rule(
                condition=~Q(review_state=ReviewState.PUBLISHED) | Q(published_at__isnull=False),
                name="published_update_has_date",
                violation_error_message="A published update has a publication date.",
            ),
        ]
        indexes = [
            models.Index(fields=["pledge", "review_state", "reported_on"]),
            models.Index(fields=["cycle", "review_state"]),
        ]

    def __str__(self) -> str:
        # Without the pledge's reference: listing updates must not read each one's pledge.
        return f"Update of {self.reported_on:%Y-%m-%d}"


class TargetMeasurement(models.Model):
    """A value measured for one target of the pledge, reported in a progress update."""

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="measurements"
    )
    target = models.ForeignKey(PledgeTarget, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField(max_digits=20, decimal_places=4)
    measured_on = models.DateField()

    class Meta:
        ordering = ["target", "measured_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["update", "target"],
                name="measurement_once_per_update",
                violation_error_message="An update gives one value per target.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value.normalize():f} on {self.measured_on}"


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.pledge_id}/{filename}"


class Evidence(models.Model):
    """A link or a file supporting a pledge or one of its progress updates."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="evidence")
    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=1000, blank=True)
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=300)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["pledge", "created_at"]
        constraints = [
            Rule(
                condition=(~Q(url="") & Q(file="")) | (Q(url="") & ~Q(file="")),
                name="evidence_link_xor_file",
                violation_error_message="Give either a link or a file.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def file_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
