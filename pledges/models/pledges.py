"""Pledges: what an organisation commits to, with partners, objectives and measurable targets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import Area, GuidingPrinciple, Indicator, Objective
from pledges.models.cycles import ReviewCycle
from pledges.models.organisations import Organisation
from pledges.models.rules import Rule
from pledges.models.states import (
    ImplementationStatus,
    Reviewed,
    ReviewedQuerySet,
    ReviewState,
    content_language_field,
)

DESCRIPTION_MIN = 300
DESCRIPTION_MAX = 3000
MAX_MAIN_OBJECTIVES = 3
# Baselines and targets are years of the SDG era and of the GCM's horizon.
YEAR_MIN, YEAR_MAX = 1990, 2100
# Dates a pledge can name: from the SDGs' first years to the GCM's horizon.
DATE_MIN, DATE_MAX = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
DATE_RANGE_MESSAGE = format_lazy(
    # Translators: {first} and {last} are years.
    _("Give a date between {first} and {last}."),
    first=DATE_MIN.year,
    last=DATE_MAX.year,
)
YEAR_RANGE_MESSAGE = format_lazy(
    # Translators: {first} and {last} are years.
    _("Give a year between {first} and {last}."),
    first=YEAR_MIN,
    last=YEAR_MAX,
)
# Where a pledge object keeps the owner organisations it has read (see pledges.permissions).
OWNERS_MEMO = "_owner_organisation_ids"


def validate_currency(code: str) -> None:
    """A currency as ISO 4217 codes it (the list pycountry keeps)."""
    if code and pycountry.currencies.get(alpha_3=code) is None:
        raise ValidationError(
            gettext(
                "%(code)s is not an ISO 4217 currency code: choose one from the list, e.g. USD."
            )
            % {"code": code},
            code="currency",
        )


def currency_choices() -> list[tuple[str, str]]:
    return [(c.alpha_3, c.name) for c in sorted(pycountry.currencies, key=lambda c: c.alpha_3)]


class JointKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual pledge")
    COMMON = "common", _("Common pledge")
    PARTNERSHIP = "partnership", _("Pledge in partnership")


class PartnerStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class PledgeQuerySet(ReviewedQuerySet):
    def for_cycle(self, cycle: ReviewCycle) -> PledgeQuerySet:
        return self.filter(cycle=cycle)

    def for_objective(self, number: int) -> PledgeQuerySet:
        return self.filter(objective_links__objective__number=number).distinct()

    def originals(self) -> PledgeQuerySet:
        """Pledges themselves, not the proposed revisions of published ones."""
        return self.filter(revision_of__isnull=True)

    def of_organisation(self, organisation: Organisation) -> PledgeQuerySet:
        """Pledges the organisation leads or has accepted to partner in."""
        return self.of_organisation_any([organisation])

    def of_organisation_any(self, organisations: list[Organisation]) -> PledgeQuerySet:
        co_owned = PledgePartner.objects.filter(
            organisation__in=organisations, status=PartnerStatus.ACCEPTED
        ).values("pledge_id")
        return self.filter(Q(lead_organisation__in=organisations) | Q(pk__in=co_owned))


class Pledge(Reviewed, models.Model):
    """A measurable commitment made for an IMRF cycle by one organisation or several."""

    reference = models.CharField(
        _("reference"),
        max_length=20,
        unique=True,
        editable=False,
        help_text=_("Public reference: GCM, the Forum year and a number, given at creation."),
    )
    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("cycle")
    )
    # Number within the cycle; the reference is built from it and never reused.
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    title = models.CharField(_("title"), max_length=300)
    language = content_language_field(_("The language the title and description are written in."))
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=format_lazy(
            # Translators: help on a pledge's description; {low} and {high} are numbers.
            _("{low} to {high} characters, as on the form."),
            low=DESCRIPTION_MIN,
            high=DESCRIPTION_MAX,
        ),
    )
    # The official form's four forms of pledge; a pledge may take several.
    form_financial = models.BooleanField(_("financial contribution"), default=False)
    form_human_resources = models.BooleanField(_("human resource contribution"), default=False)
    form_process = models.BooleanField(_("process-oriented commitment"), default=False)
    form_policy = models.BooleanField(_("policy-oriented commitment"), default=False)
    joint_kind = models.CharField(
        _("type of pledge"), max_length=20, choices=JointKind.choices, default=JointKind.INDIVIDUAL
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_pledges",
        verbose_name=_("lead organisation"),
    )
    partners = models.ManyToManyField(
        Organisation,
        through="PledgePartner",
        related_name="partner_pledges",
        blank=True,
        verbose_name=_("partners"),
    )
    revision_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="revisions",
        help_text=_(
            "Set on the proposed revision of a published pledge, which stays public as "
            "published until the revision is published over it."
        ),
        verbose_name=_("revision of"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        help_text=_("Set when the secretariat merged this duplicate into another pledge."),
        verbose_name=_("merged into"),
    )
    matches = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matched_by",
        verbose_name=_("matches pledge"),
        help_text=_("The pledge this one funds or supports."),
    )
    objectives = models.ManyToManyField(
        Objective,
        through="PledgeObjective",
        related_name="pledges",
        blank=True,
        verbose_name=_("objectives"),
    )
    principles = models.ManyToManyField(
        GuidingPrinciple, related_name="pledges", blank=True, verbose_name=_("principles")
    )
    mirrors_gcr = models.BooleanField(
        _("mirror pledge"),
        default=False,
        help_text=_("Also relevant to the Global Compact on Refugees."),
    )
    is_global = models.BooleanField(_("global implementation"), default=False)
    areas = models.ManyToManyField(
        Area,
        related_name="pledges",
        blank=True,
        help_text=_("Countries or regions of implementation."),
        verbose_name=_("areas"),
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[validate_currency],
        help_text=_("Its ISO 4217 code, e.g. USD."),
    )
    review_state = models.CharField(
        _("review state"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    implementation_status = models.CharField(
        _("implementation status"),
        max_length=20,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.PLANNED,
    )
    # Bumped on every save so that concurrent editors can detect a stale form.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_pledges",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # A pledge its owners report fulfilled is fulfilled once the secretariat confirms it; it is
    # then locked against edits.
    fulfilment_confirmed_at = models.DateTimeField(
        _("fulfilment confirmed at"), null=True, blank=True
    )
    fulfilment_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fulfilment confirmed by"),
    )

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "sequence"],
                condition=Q(revision_of__isnull=True),
                name="pledge_sequence_in_cycle",
                violation_error_message=_("This number is taken in the cycle."),
            ),
            models.UniqueConstraint(
                fields=["revision_of"],
                condition=Q(revision_of__isnull=False),
                name="one_open_revision_per_pledge",
                violation_error_message=_("This pledge has an open revision already."),
            ),
            Rule(
                condition=~Q(revision_of=F("id")),
                name="pledge_not_own_revision",
                violation_error_message=_("A pledge cannot be a revision of itself."),
            ),
            Rule(
                condition=LessThanOrEqual(Length("description"), DESCRIPTION_MAX),
                name="pledge_description_max_length",
                field="description",
                violation_error_message=format_lazy(
                    _("Keep the description to {max} characters at most, as on the official form."),
                    max=DESCRIPTION_MAX,
                ),
            ),
            # Drafts may be saved unfinished; anything sent for review has a full description.
            Rule(
                condition=Q(review_state=ReviewState.DRAFT)
                | Q(GreaterThanOrEqual(Length("description"), DESCRIPTION_MIN)),
                name="pledge_description_min_length_unless_draft",
                field="description",
                violation_error_message=format_lazy(
                    _("A pledge under review keeps a description of at least {min} characters."),
                    min=DESCRIPTION_MIN,
                ),
            ),
            Rule(
                condition=Q(start_date__range=(DATE_MIN, DATE_MAX)) | Q(start_date__isnull=True),
                name="pledge_start_in_range",
                field="start_date",
                violation_error_message=DATE_RANGE_MESSAGE,
            ),
            Rule(
                condition=Q(deadline__range=(DATE_MIN, DATE_MAX)) | Q(deadline__isnull=True),
                name="pledge_deadline_in_range",
                field="deadline",
                violation_error_message=DATE_RANGE_MESSAGE,
            ),
            Rule(
                condition=Q(deadline__gte=F("start_date"))
                | Q(deadline__isnull=True)
                | Q(start_date__isnull=True),
                name="pledge_deadline_after_start",
                field="deadline",
                violation_error_message=_("The deadline cannot come before the start."),
            ),
            Rule(
                condition=Q(amount__gte=0) | Q(amount__isnull=True),
                name="pledge_amount_positive",
                field="amount",
                violation_error_message=_("The amount cannot be negative."),
            ),
            Rule(
                condition=Q(amount__isnull=True) | Q(Exact(Length("currency"), 3)),
                name="pledge_amount_has_currency",
                field="currency",
                violation_error_message=_(
                    "Give the currency of the amount, as its ISO 4217 code (USD, EUR...)."
                ),
            ),
            Rule(
                condition=~Q(matches=F("id")),
                name="pledge_not_own_match",
                field="matches",
                violation_error_message=_("A pledge cannot match itself."),
            ),
            Rule(
                condition=Q(review_state=ReviewState.MERGED, merged_into__isnull=False)
                | (~Q(review_state=ReviewState.MERGED) & Q(merged_into__isnull=True)),
                name="merged_pledge_names_its_target",
                violation_error_message=_("A merged pledge names the pledge it was merged into."),
            ),
            Rule(
                condition=~Q(merged_into=F("id")),
                name="pledge_not_merged_into_itself",
                violation_error_message=_("A pledge cannot be merged into itself."),
            ),
            Rule(
                condition=~Q(review_state=ReviewState.PUBLISHED) | Q(published_at__isnull=False),
                name="published_pledge_has_date",
                violation_error_message=_("A published pledge has a publication date."),
            ),
        ]
        indexes = [
            models.Index(fields=["review_state", "cycle"]),
            models.Index(fields=["lead_organisation", "review_state"]),
            models.Index(fields=["created_at"]),
            # The public explorer's first order: newest published first, read in index order.
            models.Index(fields=["review_state", "-published_at", "-id"], name="pledge_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        """The pledge's public page: stable and citable, whatever its state."""
        return reverse("pledge", args=[self.reference])

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        # Who owns the pledge may have changed along with the rest.
        self.__dict__.pop(OWNERS_MEMO, None)
        super().refresh_from_db(*args, **kwargs)

    @staticmethod
    def reference_for(cycle: ReviewCycle, sequence: int) -> str:
        return f"GCM-{cycle.forum_year}-{sequence:04d}"

    @property
    def history_pledge(self) -> Pledge:
        """Where review events and versions are kept: a revision's go on its pledge."""
        return self.revision_of if self.revision_of_id else self

    @property
    def is_revision(self) -> bool:
        return self.revision_of_id is not None

    @property
    def forms(self) -> list[str]:
        """Labels of the forms this pledge takes (the official form's `form_*` tick boxes)."""
        return [
            str(field.verbose_name)
            for field in self._meta.fields
            if field.name.startswith("form_") and getattr(self, field.name)
        ]

    @property
    def is_locked(self) -> bool:
        """Confirmed fulfilled: nothing more to edit or report."""
        return self.fulfilment_confirmed_at is not None

    @property
    def is_joint(self) -> bool:
        return self.joint_kind != JointKind.INDIVIDUAL


class PledgeInReview(Pledge):
    """The secretariat's review queue: submitted pledges, oldest first."""

    class Meta:
        proxy = True
        verbose_name = _("pledge in review")
        verbose_name_plural = _("pledges in review")


class PledgePartner(models.Model):
    """A partner organisation of a joint pledge; once it accepts, it co-owns the pledge."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="partner_links", verbose_name=_("pledge")
    )
    # Empty while the invitation waits for someone who has not registered the organisation.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_links",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PartnerStatus.choices, default=PartnerStatus.INVITED
    )
    invited_email = models.EmailField(_("invited email"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pledge partner")
        verbose_name_plural = _("pledge partners")
        ordering = ["pledge", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "organisation"],
                name="pledge_partner_unique",
                violation_error_message=_("This organisation is a partner of the pledge already."),
            ),
            Rule(
                condition=Q(organisation__isnull=False) | ~Q(invited_email=""),
                name="partner_is_an_organisation_or_an_address",
                field="organisation",
                violation_error_message=_("Choose an organisation or give an e-mail address."),
            ),
            Rule(
                condition=Q(organisation__isnull=False) | Q(status=PartnerStatus.INVITED),
                name="only_organisations_answer",
                violation_error_message=_("Only an organisation answers an invitation to partner."),
            ),
        ]

    def __str__(self) -> str:
        who = self.organisation or self.invited_email
        return f"{who} ({self.get_status_display().lower()})"


class PledgeObjective(models.Model):
    """Links a pledge to an objective; main objectives carry a rank from 1 to 3."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="objective_links", verbose_name=_("pledge")
    )
    objective = models.ForeignKey(
        Objective,
        on_delete=models.PROTECT,
        related_name="pledge_links",
        verbose_name=_("objective"),
    )
    main_rank = models.PositiveSmallIntegerField(
        _("main rank"),
        null=True,
        blank=True,
        help_text=_("1 to 3 for the main objectives; empty for further ones."),
    )

    class Meta:
        verbose_name = _("pledge objective")
        verbose_name_plural = _("pledge objectives")
        ordering = ["pledge", "main_rank", "objective"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "objective"],
                name="pledge_objective_unique",
                violation_error_message=_("Each objective is linked once: as main or as further."),
            ),
            # At most three main objectives, held by the database: each rank once per pledge.
            models.UniqueConstraint(
                fields=["pledge", "main_rank"],
                condition=Q(main_rank__isnull=False),
                name="pledge_main_rank_unique",
                violation_error_message=_("Each rank goes to one main objective."),
            ),
            Rule(
                condition=Q(main_rank__isnull=True)
                | Q(main_rank__gte=1, main_rank__lte=MAX_MAIN_OBJECTIVES),
                name="pledge_main_rank_1_to_3",
                field="main_rank",
                violation_error_message=format_lazy(
                    _("Main objectives are ranked 1 to {max}."), max=MAX_MAIN_OBJECTIVES
                ),
            ),
        ]

    def __str__(self) -> str:
        if self.main_rank:
            return gettext("Objective %(number)s (main %(rank)s)") % {
                "number": self.objective.number,
                "rank": self.main_rank,
            }
        return gettext("Objective %(number)s (further)") % {"number": self.objective.number}

    @property
    def is_main(self) -> bool:
        return self.main_rank is not None


class PledgeTarget(models.Model):
    """What a pledge measures: an indicator of the set, or a metric of the pledge's own."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="targets", verbose_name=_("pledge")
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledge_targets",
        verbose_name=_("indicator"),
    )
    own_metric = models.CharField(
        _("own metric"),
        max_length=300,
        blank=True,
        help_text=_("Used when no indicator of the set fits."),
    )
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # On a revision's target: the published target it changes, so reported values stay with it.
    revises = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revises"),
    )

    class Meta:
        verbose_name = _("pledge target")
        verbose_name_plural = _("pledge targets")
        ordering = ["pledge", "position", "id"]
        constraints = [
            Rule(
                condition=(Q(indicator__isnull=False) & Q(own_metric=""))
                | (Q(indicator__isnull=True) & ~Q(own_metric="")),
                name="target_indicator_xor_own_metric",
                field="own_metric",
                violation_error_message=_(
                    "Choose an indicator of the set or name a metric of your own, not both."
                ),
            ),
            Rule(
                condition=Q(target_year__gte=F("baseline_year"))
                | Q(target_year__isnull=True)
                | Q(baseline_year__isnull=True),
                name="target_year_after_baseline",
                field="target_year",
                violation_error_message=_("The target year cannot come before the baseline year."),
            ),
            Rule(
                condition=(Q(baseline_year__gte=YEAR_MIN, baseline_year__lte=YEAR_MAX))
                | Q(baseline_year__isnull=True),
                name="target_baseline_year_sane",
                field="baseline_year",
                violation_error_message=YEAR_RANGE_MESSAGE,
            ),
            Rule(
                condition=(Q(target_year__gte=YEAR_MIN, target_year__lte=YEAR_MAX))
                | Q(target_year__isnull=True),
                name="target_year_sane",
                field="target_year",
                violation_error_message=YEAR_RANGE_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return self.metric_name

    @property
    def metric_name(self) -> str:
        return str(self.indicator) if self.indicator_id else self.own_metric

    @property
    def is_measurable(self) -> bool:
        return None not in (
            self.baseline_value,
            self.baseline_year,
            self.target_value,
            self.target_year,
        )
