"""Progress updates on published pledges, the values they report, and the evidence behind
pledges and updates."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.text import format_lazy, get_valid_filename
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pledges.models.cycles import GCM_ADOPTED, ReviewCycle
from pledges.models.organisations import Organisation
from pledges.models.pledges import DATE_MAX, DATE_MIN, DATE_RANGE_MESSAGE, Pledge, PledgeTarget
from pledges.models.rules import Rule
from pledges.models.states import (
    ImplementationStatus,
    Reviewed,
    ReviewedQuerySet,
    ReviewState,
    content_language_field,
)

# Lengths of an update's texts, as for a pledge's description on the official form.
NARRATIVE_MAX, NOTE_MAX = 3000, 1500


class ProgressUpdateQuerySet(ReviewedQuerySet):
    pass


class ProgressUpdate(Reviewed, models.Model):
    """A dated report on a pledge's implementation, reviewed like the pledge itself."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="updates", verbose_name=_("pledge")
    )
    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.PROTECT, related_name="updates", verbose_name=_("cycle")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="progress_updates",
        help_text=_("The owner organisation that reports (lead or partner)."),
        verbose_name=_("organisation"),
    )
    reported_on = models.DateField(_("reported on"), default=timezone.localdate)
    implementation_status = models.CharField(
        _("implementation status"), max_length=20, choices=ImplementationStatus.choices
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), null=True, blank=True
    )
    language = content_language_field(_("The language the update is written in."))
    narrative = models.TextField(_("narrative"), max_length=NARRATIVE_MAX)
    challenges = models.TextField(_("challenges"), blank=True, max_length=NOTE_MAX)
    support_needed = models.TextField(_("support needed"), blank=True, max_length=NOTE_MAX)
    amount_committed = models.DecimalField(
        _("amount committed"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    amount_disbursed = models.DecimalField(
        _("amount disbursed"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    review_state = models.CharField(
        _("review state"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name=_("author"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The secretariat checked the update against its evidence (beyond publishing it).
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["pledge", "-reported_on", "-id"]
        constraints = [
            Rule(
                condition=Q(reported_on__range=(GCM_ADOPTED, DATE_MAX)),
                name="update_reported_in_range",
                field="reported_on",
                violation_error_message=format_lazy(
                    # Translators: {adopted} is a date (19 December 2018), {last} a year.
                    _("Give a date from {adopted}, when the GCM was adopted, to {last}."),
                    adopted=lazy(date_format, str)(GCM_ADOPTED, "j F Y"),
                    last=DATE_MAX.year,
                ),
            ),
            Rule(
                condition=LessThanOrEqual(Length("narrative"), NARRATIVE_MAX)
                & LessThanOrEqual(Length("challenges"), NOTE_MAX)
                & LessThanOrEqual(Length("support_needed"), NOTE_MAX),
                name="update_texts_bounded",
                violation_error_message=format_lazy(
                    _(
                        "Keep the narrative to {narrative} characters and the challenges and "
                        "support needed to {note} each."
                    ),
                    narrative=NARRATIVE_MAX,
                    note=NOTE_MAX,
                ),
            ),
            Rule(
                condition=Q(percent_complete__isnull=True) | Q(percent_complete__lte=100),
                name="update_percent_0_to_100",
                field="percent_complete",
                violation_error_message=_("Give a share between 0 and 100 per cent."),
            ),
            Rule(
                condition=Q(amount_committed__gte=0) | Q(amount_committed__isnull=True),
                name="update_committed_positive",
                field="amount_committed",
                violation_error_message=_("The amount committed cannot be negative."),
            ),
            Rule(
                condition=Q(amount_disbursed__gte=0) | Q(amount_disbursed__isnull=True),
                name="update_disbursed_positive",
                field="amount_disbursed",
                violation_error_message=_("The amount disbursed cannot be negative."),
            ),
            Rule(
                condition=~Q(review_state=ReviewState.PUBLISHED) | Q(published_at__isnull=False),
                name="published_update_has_date",
                violation_error_message=_("A published update has a publication date."),
            ),
        ]
        indexes = [
            models.Index(fields=["pledge", "review_state", "reported_on"]),
            models.Index(fields=["cycle", "review_state"]),
        ]

    def __str__(self) -> str:
        # Without the pledge's reference: listing updates must not read each one's pledge.
        return gettext("Update of %(date)s") % {"date": f"{self.reported_on:%Y-%m-%d}"}


class TargetMeasurement(models.Model):
    """A value measured for one target of the pledge, reported in a progress update."""

    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("update"),
    )
    target = models.ForeignKey(
        PledgeTarget,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("target"),
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    measured_on = models.DateField(_("measured on"))

    class Meta:
        verbose_name = _("target measurement")
        verbose_name_plural = _("target measurements")
        ordering = ["target", "measured_on"]
        constraints = [
            Rule(
                condition=Q(measured_on__range=(DATE_MIN, DATE_MAX)),
                name="measurement_date_in_range",
                field="measured_on",
                violation_error_message=DATE_RANGE_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["update", "target"],
                name="measurement_once_per_update",
                violation_error_message=_("An update gives one value per target."),
            ),
        ]

    def __str__(self) -> str:
        # Translators: a value measured on a date, e.g. "1200 on 2025-06-30".
        return gettext("%(value)s on %(date)s") % {
            "value": f"{self.value.normalize():f}",
            "date": self.measured_on,
        }


# Stored names stay well under the file field's 300 characters, suffix for a clash included.
STORED_NAME_MAX = 80


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """Where an evidence file is kept: under its pledge, its name made safe and short."""
    try:
        safe = get_valid_filename(filename)
    except SuspiciousFileOperation:  # a name of dots alone
        safe = "evidence"
    stem, dot, extension = safe.rpartition(".")
    if not dot:
        stem, extension = extension, ""
    stem = stem[: STORED_NAME_MAX - len(extension[:10]) - 1] or "evidence"
    name = f"{stem}.{extension[:10]}" if extension else stem
    return f"evidence/{instance.pledge_id}/{name}"


class Evidence(models.Model):
    """A link or a file supporting a pledge or one of its progress updates."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("pledge")
    )
    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("update"),
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("url"), max_length=1000, blank=True)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True, max_length=300)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["pledge", "created_at"]
        constraints = [
            Rule(
                condition=(~Q(url="") & Q(file="")) | (Q(url="") & ~Q(file="")),
                name="evidence_link_xor_file",
                violation_error_message=_("Give either a link or a file."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def file_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
