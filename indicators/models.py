"""The GCM results framework: objectives, principles, indicators, areas and observations.

This app depends on nothing else of ours: pledges point at it, never the other way round.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Local:
    """A row's readable fields in the active language, its English wording where none exists."""

    __slots__ = ("_row", "_words")

    def __init__(self, row: Translated) -> None:
        self._row = row
        self._words = (row.translations or {}).get(translation.get_language() or "", {})

    def __getattr__(self, name: str) -> Any:
        return self._words.get(name) or getattr(self._row, name)


class Translated(models.Model):
    """Reference data people read, kept in the other UN languages as data, not in catalogues."""

    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_('By language code, the fields in that language: {"fr": {"title": "…"}}.'),
    )

    class Meta:
        abstract = True

    @property
    def local(self) -> Local:
        return Local(self)


class Objective(Translated):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    short_title = models.CharField(_("short title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where the wording comes from.")
    )

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=23), name="objective_number_1_to_23"
            ),
        ]

    def __str__(self) -> str:
        return gettext("Objective %(number)s: %(title)s") % {
            "number": self.number,
            "title": self.local.short_title,
        }


class GuidingPrinciple(Translated):
    letter = models.CharField(_("letter"), max_length=1, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("guiding principle")
        verbose_name_plural = _("guiding principles")
        ordering = ["letter"]
        constraints = [
            models.CheckConstraint(
                condition=Q(letter__in=list("abcdefghij")), name="principle_letter_a_to_j"
            ),
        ]

    def __str__(self) -> str:
        return f"({self.letter}) {self.local.title}"


class IndicatorSetQuerySet(models.QuerySet["IndicatorSet"]):
    def current(self) -> IndicatorSetQuerySet:
        return self.filter(is_current=True)


class IndicatorSet(models.Model):
    """A versioned list of indicators, such as the migration-related SDG indicators.

    A new version is a new row; older versions stay readable, and pledge targets keep pointing
    at the indicator of the version they chose.
    """

    code = models.SlugField(
        _("code"), max_length=50, help_text=_("Stable name of the set across versions.")
    )
    version = models.CharField(_("version"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    is_current = models.BooleanField(
        _("is current"), default=True, help_text=_("The version offered for new pledge targets.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = IndicatorSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")
        ordering = ["code", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="indicator_set_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="one_current_version_per_set"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class Direction(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")
    UNSPECIFIED = "unspecified", _("No desired direction set")


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def current(self) -> IndicatorQuerySet:
        """Indicators of the current version of their set: what new targets and data use."""
        return self.filter(indicator_set__is_current=True)


class Indicator(models.Model):
    indicator_set = models.ForeignKey(
        IndicatorSet,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("indicator set"),
    )
    code = models.CharField(
        _("code"), max_length=30, blank=True, help_text=_("Official code, if the set gives one.")
    )
    name = models.CharField(_("name"), max_length=500)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    direction = models.CharField(
        _("direction"), max_length=12, choices=Direction.choices, default=Direction.UNSPECIFIED
    )
    sdg_code = models.CharField(_("SDG code"), max_length=20, blank=True)
    custodian = models.CharField(_("custodian"), max_length=300, blank=True)
    objectives = models.ManyToManyField(
        Objective, related_name="indicators", blank=True, verbose_name=_("objectives")
    )
    description = models.TextField(_("description"), blank=True)
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Caveats, such as an unverified mapping.")
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # Set when a newer version of the set carries this indicator on (same code): the newer
    # row holds the observations from then on. Always the latest row, never a chain.
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("superseded by"),
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["indicator_set", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "code"],
                condition=~Q(code=""),
                name="indicator_code_unique_in_set",
            ),
            models.UniqueConstraint(
                fields=["indicator_set", "name"], name="indicator_name_unique_in_set"
            ),
        ]
        indexes = [models.Index(fields=["sdg_code"])]

    def __str__(self) -> str:
        label = self.short_name or self.name
        return f"{self.code} {label}" if self.code else label


class IndicatorTarget(models.Model):
    """A value an indicator should reach by a year: for every area, or one area's own.

    An area's own target (a national target) takes precedence over the target for all areas.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    area = models.ForeignKey(
        "Area",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicator_targets",
        help_text=_("Leave empty for a target that holds for every area."),
        verbose_name=_("area"),
    )
    value = models.DecimalField(_("value"), max_digits=30, decimal_places=10)
    year = models.PositiveSmallIntegerField(_("year"))
    base_year = models.PositiveSmallIntegerField(
        _("base year"),
        default=2015,
        help_text=_("Progress is measured from this year (2015 for the SDGs)."),
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["indicator", "area", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area"], name="one_target_per_indicator_and_area"
            ),
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(area__isnull=True),
                name="one_target_for_all_areas",
            ),
            models.CheckConstraint(
                condition=Q(year__gt=F("base_year")), name="target_year_after_base_year"
            ),
            models.CheckConstraint(
                condition=Q(base_year__gte=1990, year__lte=2100), name="target_years_sane"
            ),
        ]

    def __str__(self) -> str:
        value = f"{self.value.normalize():,f}"
        if self.area_id:
            # Translators: an indicator's target, e.g. "50 by 2030 in Kenya".
            return gettext("%(value)s by %(year)s in %(area)s") % {
                "value": value,
                "year": self.year,
                "area": self.area,
            }
        # Translators: an indicator's target for every area, e.g. "50 by 2030".
        return gettext("%(value)s by %(year)s") % {"value": value, "year": self.year}


class AreaKind(models.TextChoices):
    WORLD = "world", _("World")
    REGION = "region", _("M49 region")
    SUBREGION = "subregion", _("M49 sub-region")
    INTERMEDIATE = "intermediate", _("M49 intermediate region")
    COMMISSION = "commission", _("UN regional commission")
    COUNTRY = "country", _("Country or area")


class AreaQuerySet(models.QuerySet["Area"]):
    def countries(self) -> AreaQuerySet:
        return self.filter(kind=AreaKind.COUNTRY)

    def commissions(self) -> AreaQuerySet:
        return self.filter(kind=AreaKind.COMMISSION)


class Area(Translated):
    """A place observations and pledges refer to: the world, a region, a commission, a country.

    The M49 hierarchy is `parent` (country, intermediate region, sub-region, region, world);
    membership of the UN regional commissions, which overlaps, is `commissions`.
    """

    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        help_text=_(
            "ISO 3166 alpha-3 for countries, M49 code for regions, acronym for commissions."
        ),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=AreaKind.choices)
    iso3 = models.CharField(_("ISO 3166 alpha-3"), max_length=3, null=True, blank=True, unique=True)
    iso2 = models.CharField(_("ISO 3166 alpha-2"), max_length=2, null=True, blank=True, unique=True)
    m49 = models.CharField(_("UN M49 code"), max_length=3, null=True, blank=True, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    commissions = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="member_areas",
        limit_choices_to={"kind": AreaKind.COMMISSION},
        verbose_name=_("commissions"),
    )
    is_un_member = models.BooleanField(_("UN Member State"), default=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=AreaKind.COUNTRY) | Q(iso3__isnull=False),
                name="country_has_iso3",
            ),
            models.CheckConstraint(
                condition=Q(kind=AreaKind.COUNTRY) | Q(iso3__isnull=True),
                name="only_countries_have_iso3",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="area_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.local.name


class Observation(models.Model):
    """One value of an indicator for an area, period and disaggregation.

    The point's identity (indicator, area, period, disaggregation) is fixed once written; its
    content (CONTENT_FIELDS) changes only through imports and `observation_correct`, each of
    which keeps what it replaced as an ObservationRevision.
    """

    # What a correction may change and a revision keeps: one list for the service, the
    # revision and the admin form.
    CONTENT_FIELDS = ("value", "unit", "source", "note", "attributes")
    # The attribute a status mark after the period ("2021 (p)") becomes.
    PERIOD_STATUS = "Period status"
    # And the words in brackets after it ("2016/18 (baseline)").
    PERIOD_NOTE = "Period note"

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("indicator"),
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="observations", verbose_name=_("area")
    )
    period_label = models.CharField(
        _("period label"),
        max_length=60,
        help_text=_("The period as the source wrote it: 2019, 2013 Q1, 2016/17."),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    disaggregation = models.JSONField(
        _("disaggregation"),
        default=dict,
        blank=True,
        help_text=_("Dimension name to value, e.g. Sex: Female."),
    )
    # The disaggregation in one canonical string, so the database can keep it unique.
    disaggregation_key = models.CharField(
        _("disaggregation key"), max_length=500, blank=True, default="", editable=False
    )
    value = models.DecimalField(_("value"), max_digits=30, decimal_places=10)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    # What the source says about the value rather than which value it is (Open SDG's
    # observation attributes: COMMENT_OBS, OBS_STATUS, UNIT_MULT...; a "provisional" mark
    # after the period): shown beside the value, never a line of its own.
    attributes = models.JSONField(
        _("attributes"),
        default=dict,
        blank=True,
        help_text=_("Attribute name to value, e.g. OBS_STATUS: P."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["indicator", "area", "period_start", "disaggregation_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period_start", "period_end", "disaggregation_key"],
                name="observation_unique_point",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="observation_period_ordered"
            ),
        ]
        indexes = [models.Index(fields=["area", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.area} · {self.period_label}: {self.value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The key is the disaggregation in canonical form; it cannot be allowed to drift from it.
        self.disaggregation_key = self.key_for(self.disaggregation)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "disaggregation_key"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not isinstance(self.disaggregation, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.disaggregation.items()
        ):
            message = gettext('Give dimension names and values as text, e.g. {"Sex": "Female"}.')
            raise ValidationError({"disaggregation": message})

    @property
    def attribute_note(self) -> str:
        """The attributes in a few words, for a table cell or a tooltip: "provisional"."""
        return self.describe(self.attributes)

    @classmethod
    def describe(cls, attributes: dict[str, str]) -> str:
        return "; ".join(
            value if name in (cls.PERIOD_STATUS, cls.PERIOD_NOTE) else f"{name}: {value}"
            for name, value in sorted(attributes.items())
        )

    @staticmethod
    def key_for(disaggregation: dict[str, str]) -> str:
        """The canonical key of a disaggregation: sorted `name=value` pairs joined by `|`."""
        return "|".join(f"{name}={disaggregation[name]}" for name in sorted(disaggregation))


class ReportingStatus(models.TextChoices):
    """An office's own word on an indicator (Open SDG's `reporting_status`)."""

    COMPLETE = "complete", _("Reported")
    IN_PROGRESS = "inprogress", _("In progress")
    NOT_STARTED = "notstarted", _("Not started")
    NOT_APPLICABLE = "notapplicable", _("Not applicable")
    UNKNOWN = "", _("Not said")


class NoData(models.TextChoices):
    """Why an area has no values for an indicator although its office published a file."""

    NONE = "", _("has values")
    NON_STATISTICAL = "non-statistical", _("its statistics office reports it without statistics")
    PLACEHOLDER = (
        "placeholder",
        _("its statistics office has not started reporting it (only placeholder values published)"),
    )
    EMPTY = "empty", _("its statistics office published a file without values")


class AreaReporting(models.Model):
    """What an area's statistics office says of an indicator: its status, and if it has data.

    Written by each import of an office's file (with its metadata when the import has it),
    so that "not reported" is a fact recorded with its reason, not the absence of rows.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="reporting", verbose_name=_("indicator")
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="reporting", verbose_name=_("area")
    )
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=ReportingStatus.choices,
        blank=True,
        default=ReportingStatus.UNKNOWN,
    )
    no_data = models.CharField(
        _("no data"), max_length=20, choices=NoData.choices, blank=True, default=""
    )
    source = models.CharField(
        _("source"), max_length=500, blank=True, help_text=_("The file it was read from.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("area reporting")
        verbose_name_plural = _("area reportings")
        ordering = ["indicator", "area"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "area"], name="one_reporting_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.area}: {self.get_status_display()}"


class ObservationRevision(models.Model):
    """An observation's content as it was before an import or a correction replaced it.

    `replaced_by` is who made the change (nobody for the import command), `reason` why.
    """

    observation = models.ForeignKey(
        Observation,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("observation"),
    )
    value = models.DecimalField(_("value"), max_digits=30, decimal_places=10)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    replaced_at = models.DateTimeField(_("replaced at"), auto_now_add=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
    )
    reason = models.CharField(
        _("reason"),
        max_length=300,
        blank=True,
        help_text=_("Why the value was replaced: a correction, an import."),
    )

    class Meta:
        # Newest first; the id orders revisions written in the same instant (one import).
        verbose_name = _("observation revision")
        verbose_name_plural = _("observation revisions")
        ordering = ["observation", "-replaced_at", "-id"]

    def __str__(self) -> str:
        # Translators: an observation and the value it had before a correction or an import.
        return gettext("%(observation)s: was %(value)s") % {
            "observation": self.observation,
            "value": self.value,
        }
