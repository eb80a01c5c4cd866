"""IMRF review cycles and the regional reviews that precede each Forum."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from indicators.models import Area
from pledges.models.rules import Rule

GCM_ADOPTED = dt.date(2018, 12, 19)  # by the General Assembly, resolution 73/195


class ReviewCycleQuerySet(models.QuerySet["ReviewCycle"]):
    def open_for_pledging(self, today: dt.date) -> ReviewCycleQuerySet:
        """Cycles pledges are made for on `today`: within the pledging window the secretariat
        set, or, where it set none, until the Forum ends (with its year, dates unknown)."""
        window = Q(pledging_opens__lte=today) & (
            Q(pledging_closes__gte=today) | Q(pledging_closes__isnull=True)
        )
        no_window_forum_ahead = Q(pledging_opens__isnull=True) & (
            Q(forum_end__gte=today) | Q(forum_end__isnull=True, forum_year__gte=today.year)
        )
        return self.filter(window | no_window_forum_ahead)


class ReviewCycle(models.Model):
    """One IMRF cycle: regional reviews, then the Forum, with pledging and reporting windows."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    forum_year = models.PositiveSmallIntegerField(_("forum year"), unique=True)
    forum_start = models.DateField(_("forum start"), null=True, blank=True)
    forum_end = models.DateField(_("forum end"), null=True, blank=True)
    forum_location = models.CharField(_("forum location"), max_length=200, blank=True)
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("What is known, and what is not yet known.")
    )
    pledging_opens = models.DateField(_("pledging opens"), null=True, blank=True)
    pledging_closes = models.DateField(_("pledging closes"), null=True, blank=True)
    reporting_opens = models.DateField(_("reporting opens"), null=True, blank=True)
    reporting_closes = models.DateField(_("reporting closes"), null=True, blank=True)

    objects = ReviewCycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("review cycle")
        verbose_name_plural = _("review cycles")
        ordering = ["forum_year"]
        constraints = [
            Rule(
                condition=Q(forum_end__gte=F("forum_start"))
                | Q(forum_end__isnull=True)
                | Q(forum_start__isnull=True),
                name="cycle_forum_ordered",
                field="forum_end",
                violation_error_message=_("The Forum cannot end before it starts."),
            ),
            Rule(
                condition=Q(pledging_closes__gte=F("pledging_opens"))
                | Q(pledging_closes__isnull=True)
                | Q(pledging_opens__isnull=True),
                name="cycle_pledging_window_ordered",
                field="pledging_closes",
                violation_error_message=_("Pledging cannot close before it opens."),
            ),
            Rule(
                condition=Q(reporting_closes__gte=F("reporting_opens"))
                | Q(reporting_closes__isnull=True)
                | Q(reporting_opens__isnull=True),
                name="cycle_reporting_window_ordered",
                field="reporting_closes",
                violation_error_message=_("Reporting cannot close before it opens."),
            ),
            Rule(
                condition=Q(forum_year__gte=2018, forum_year__lte=2100),
                name="cycle_year_sane",
                field="forum_year",
                violation_error_message=_("Give a Forum year between 2018 and 2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def period_start(self) -> dt.date:
        """The day the cycle's reporting begins: when the previous Forum ended, or when the
        General Assembly adopted the GCM for the first cycle."""
        previous = (
            ReviewCycle.objects.filter(forum_year__lt=self.forum_year)
            .order_by("-forum_year")
            .first()
        )
        return previous.forum_ends if previous else GCM_ADOPTED

    @property
    def forum_ends(self) -> dt.date:
        """The Forum's last day; a Forum without known dates is taken to end with its year."""
        return self.forum_end or dt.date(self.forum_year, 12, 31)


class RegionalReview(models.Model):
    cycle = models.ForeignKey(
        ReviewCycle,
        on_delete=models.CASCADE,
        related_name="regional_reviews",
        verbose_name=_("cycle"),
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=300)
    commission = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regional_reviews",
        limit_choices_to={"kind": "commission"},
        verbose_name=_("commission"),
    )
    hosts = models.CharField(_("hosts"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    dates_note = models.CharField(
        _("dates note"), max_length=200, blank=True, help_text=_("When exact dates are unknown.")
    )
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("regional review")
        verbose_name_plural = _("regional reviews")
        ordering = ["cycle", "starts_on", "code"]
        constraints = [
            Rule(
                condition=Q(ends_on__gte=F("starts_on"))
                | Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True),
                name="regional_review_ordered",
                field="ends_on",
                violation_error_message=_("A review cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title
