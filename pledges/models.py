"""Organisations, review cycles, pledges, their targets, progress updates and review events."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone

from indicators.models import Area, GuidingPrinciple, Indicator, Objective

DESCRIPTION_MIN = 300
DESCRIPTION_MAX = 3000
MAX_MAIN_OBJECTIVES = 3


class OrganisationKind(models.TextChoices):
    MEMBER_STATE = "member_state", "Member State"
    LOCAL_GOVERNMENT = "local_government", "Local or regional government"
    PARLIAMENT = "parliament", "Parliament"
    CIVIL_SOCIETY = "civil_society", "Civil society organisation"
    MIGRANT_DIASPORA = "migrant_diaspora", "Migrant or diaspora organisation"
    PRIVATE_SECTOR = "private_sector", "Private sector"
    TRADE_UNION = "trade_union", "Trade union"
    ACADEMIA = "academia", "Academia"
    NHRI = "nhri", "National human rights institution"
    MEDIA = "media", "Media"
    YOUTH = "youth", "Youth organisation"
    FAITH_BASED = "faith_based", "Faith-based organisation"
    UN_ENTITY = "un_entity", "UN entity"
    INTERNATIONAL_ORGANISATION = "international_organisation", "Other international organisation"
    OTHER = "other", "Other"


class Organisation(models.Model):
    name = models.CharField(max_length=300)
    acronym = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        limit_choices_to={"kind": "country"},
        help_text="A Member State's own country; for others, where they are based.",
    )
    website = models.URLField(blank=True)
    accredited = models.BooleanField(
        default=False, help_text="Accredited by the secretariat: may submit pledges."
    )
    accredited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.MEMBER_STATE) | Q(country__isnull=False),
                name="member_state_has_country",
            ),
            models.CheckConstraint(
                condition=Q(accredited=False) | Q(accredited_at__isnull=False),
                name="accredited_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class MembershipRole(models.TextChoices):
    MEMBER = "member", "Member"
    FOCAL_POINT = "focal_point", "Focal point"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=MembershipRole.choices, default="member")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"


def invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A focal point's invitation, by e-mail, to join the organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(
        max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    token = models.CharField(max_length=64, unique=True, default=invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=Q(accepted_at__isnull=True),
                name="one_open_invitation_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class JoinRequest(models.Model):
    """A user's request to join an organisation, decided by its focal point."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(status="pending"),
                name="one_pending_join_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} asks to join {self.organisation}"


class ReviewCycle(models.Model):
    """One IMRF cycle: regional reviews, then the Forum, with pledging and reporting windows."""

    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    forum_year = models.PositiveSmallIntegerField(unique=True)
    forum_start = models.DateField(null=True, blank=True)
    forum_end = models.DateField(null=True, blank=True)
    forum_location = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True, help_text="What is known, and what is not yet known.")
    pledging_opens = models.DateField(null=True, blank=True)
    pledging_closes = models.DateField(null=True, blank=True)
    reporting_opens = models.DateField(null=True, blank=True)
    reporting_closes = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["forum_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(forum_end__gte=F("forum_start"))
                | Q(forum_end__isnull=True)
                | Q(forum_start__isnull=True),
                name="cycle_forum_ordered",
            ),
            models.CheckConstraint(
                condition=Q(pledging_closes__gte=F("pledging_opens"))
                | Q(pledging_closes__isnull=True)
                | Q(pledging_opens__isnull=True),
                name="cycle_pledging_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(reporting_closes__gte=F("reporting_opens"))
                | Q(reporting_closes__isnull=True)
                | Q(reporting_opens__isnull=True),
                name="cycle_reporting_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(forum_year__gte=2018, forum_year__lte=2100), name="cycle_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class RegionalReview(models.Model):
    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.CASCADE, related_name="regional_reviews"
    )
    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=300)
    commission = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regional_reviews",
        limit_choices_to={"kind": "commission"},
    )
    hosts = models.CharField(max_length=200, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    dates_note = models.CharField(
        max_length=200, blank=True, help_text="When exact dates are unknown."
    )
    source = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["cycle", "starts_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on"))
                | Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True),
                name="regional_review_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReviewAction(models.TextChoices):
    CREATE = "create", "Created"
    EDIT = "edit", "Edited"
    CONFIRM = "confirm", "Fulfilment confirmed"
    VERIFY = "verify", "Verified by the secretariat"
    SUBMIT = "submit", "Submitted"
    REQUEST_CHANGES = "request_changes", "Changes requested"
    PUBLISH = "publish", "Published"
    REJECT = "reject", "Rejected"
    WITHDRAW = "withdraw", "Withdrawn"
    MERGE = "merge", "Merged"
    COMMENT = "comment", "Comment"


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    MERGED = "merged", "Merged into another pledge"


class ImplementationStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    PARTIALLY_FULFILLED = "partially_fulfilled", "Partially fulfilled"
    FULFILLED = "fulfilled", "Fulfilled"
    DISCONTINUED = "discontinued", "Discontinued"


class JointKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual pledge"
    COMMON = "common", "Common pledge"
    PARTNERSHIP = "partnership", "Pledge in partnership"


class PledgeQuerySet(models.QuerySet["Pledge"]):
    def published(self) -> PledgeQuerySet:
        return self.filter(review_state=ReviewState.PUBLISHED)

    def for_cycle(self, cycle: ReviewCycle) -> PledgeQuerySet:
        return self.filter(cycle=cycle)

    def for_objective(self, number: int) -> PledgeQuerySet:
        return self.filter(objective_links__objective__number=number).distinct()

    def of_organisation(self, organisation: Organisation) -> PledgeQuerySet:
        """Pledges the organisation leads or has accepted to partner in."""
        return self.of_organisation_any([organisation])

    def of_organisation_any(self, organisations: list[Organisation]) -> PledgeQuerySet:
        co_owned = PledgePartner.objects.filter(
            organisation__in=organisations, status=PartnerStatus.ACCEPTED
        ).values("pledge_id")
        return self.filter(Q(lead_organisation__in=organisations) | Q(pk__in=co_owned))


class Pledge(models.Model):
    """A measurable commitment made for an IMRF cycle by one organisation or several."""

    reference = models.CharField(
        max_length=20, unique=True, editable=False, help_text="Public reference: GCM-2022-0001."
    )
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="pledges")
    # Number within the cycle; the reference is built from it and never reused.
    sequence = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=300)
    description = models.TextField(
        blank=True, help_text=f"{DESCRIPTION_MIN} to {DESCRIPTION_MAX} characters, as on the form."
    )
    # The official form's four forms of pledge; a pledge may take several.
    form_financial = models.BooleanField("financial contribution", default=False)
    form_human_resources = models.BooleanField("human resource contribution", default=False)
    form_process = models.BooleanField("process-oriented commitment", default=False)
    form_policy = models.BooleanField("policy-oriented commitment", default=False)
    joint_kind = models.CharField(
        max_length=20, choices=JointKind.choices, default=JointKind.INDIVIDUAL
    )
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_pledges"
    )
    partners = models.ManyToManyField(
        Organisation, through="PledgePartner", related_name="partner_pledges", blank=True
    )
    revision_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="revisions",
        help_text="Set on the proposed revision of a published pledge, which stays public as "
        "published until the revision is published over it.",
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        help_text="Set when the secretariat merged this duplicate into another pledge.",
    )
    matches = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matched_by",
        help_text="The pledge this one funds or supports.",
    )
    objectives = models.ManyToManyField(
        Objective, through="PledgeObjective", related_name="pledges", blank=True
    )
    principles = models.ManyToManyField(GuidingPrinciple, related_name="pledges", blank=True)
    mirrors_gcr = models.BooleanField(
        "mirror pledge", default=False, help_text="Also relevant to the Global Compact on Refugees."
    )
    is_global = models.BooleanField("global implementation", default=False)
    areas = models.ManyToManyField(
        Area,
        related_name="pledges",
        blank=True,
        help_text="Countries or regions of implementation.",
    )
    start_date = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code, e.g. USD.")
    review_state = models.CharField(
        max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    implementation_status = models.CharField(
        max_length=20, choices=ImplementationStatus.choices, default=ImplementationStatus.PLANNED
    )
    # Bumped on every save of the draft so concurrent editors can detect a stale form.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_pledges",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # A pledge its owners report fulfilled is fulfilled once the secretariat confirms it; it is
    # then locked against edits.
    fulfilment_confirmed_at = models.DateTimeField(null=True, blank=True)
    fulfilment_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PledgeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "sequence"],
                condition=Q(revision_of__isnull=True),
                name="pledge_sequence_in_cycle",
            ),
            models.UniqueConstraint(
                fields=["revision_of"],
                condition=Q(revision_of__isnull=False),
                name="one_open_revision_per_pledge",
            ),
            models.CheckConstraint(
                condition=~Q(revision_of=F("id")), name="pledge_not_own_revision"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), DESCRIPTION_MAX),
                name="pledge_description_max_length",
            ),
            # Drafts may be saved unfinished; anything sent for review has a full description.
            models.CheckConstraint(
                condition=Q(review_state=ReviewState.DRAFT)
                | Q(GreaterThanOrEqual(Length("description"), DESCRIPTION_MIN)),
                name="pledge_description_min_length_unless_draft",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("start_date"))
                | Q(deadline__isnull=True)
                | Q(start_date__isnull=True),
                name="pledge_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) | Q(amount__isnull=True), name="pledge_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(Exact(Length("currency"), 3)),
                name="pledge_amount_has_currency",
            ),
            models.CheckConstraint(condition=~Q(matches=F("id")), name="pledge_not_own_match"),
            models.CheckConstraint(
                condition=Q(review_state="merged", merged_into__isnull=False)
                | (~Q(review_state="merged") & Q(merged_into__isnull=True)),
                name="merged_pledge_names_its_target",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="pledge_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=~Q(review_state=ReviewState.PUBLISHED) | Q(published_at__isnull=False),
                name="published_pledge_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["review_state", "cycle"]),
            models.Index(fields=["lead_organisation", "review_state"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @staticmethod
    def reference_for(cycle: ReviewCycle, sequence: int) -> str:
        return f"GCM-{cycle.forum_year}-{sequence:04d}"

    @property
    def history_pledge(self) -> Pledge:
        """Where review events and versions are kept: a revision's go on its pledge."""
        return self.revision_of if self.revision_of_id else self

    @property
    def forms(self) -> list[str]:
        """Labels of the forms this pledge takes."""
        names = ["form_financial", "form_human_resources", "form_process", "form_policy"]
        return [
            str(self._meta.get_field(name).verbose_name) for name in names if getattr(self, name)
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
        verbose_name = "pledge in review"
        verbose_name_plural = "review queue"


class PledgeVersion(models.Model):
    """A frozen copy of a pledge, its links and targets, taken at each review step.

    Versions are never changed; any two can be compared (see pledges.snapshots).
    """

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    review_state = models.CharField(max_length=20, choices=ReviewState.choices)
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pledge", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "number"], name="pledge_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.pledge.reference} v{self.number} ({self.get_action_display()})"


class PartnerStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class PledgePartner(models.Model):
    """A partner organisation of a joint pledge; once it accepts, it co-owns the pledge."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="partner_links")
    # Empty while the invitation waits for someone who has not registered the organisation.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_links",
    )
    status = models.CharField(
        max_length=10, choices=PartnerStatus.choices, default=PartnerStatus.INVITED
    )
    invited_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["pledge", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "organisation"], name="pledge_partner_unique"
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(invited_email=""),
                name="partner_is_an_organisation_or_an_address",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(status="invited"),
                name="only_organisations_answer",
            ),
        ]

    def __str__(self) -> str:
        who = self.organisation or self.invited_email
        return f"{who} in {self.pledge.reference} ({self.get_status_display()})"


class PledgeObjective(models.Model):
    """Links a pledge to an objective; main objectives carry a rank from 1 to 3."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="objective_links")
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="pledge_links")
    main_rank = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 to 3 for the main objectives; empty for further ones."
    )

    class Meta:
        ordering = ["pledge", "main_rank", "objective"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "objective"], name="pledge_objective_unique"),
            # At most three main objectives, held by the database: each rank once per pledge.
            models.UniqueConstraint(
                fields=["pledge", "main_rank"],
                condition=Q(main_rank__isnull=False),
                name="pledge_main_rank_unique",
            ),
            models.CheckConstraint(
                condition=Q(main_rank__isnull=True)
                | Q(main_rank__gte=1, main_rank__lte=MAX_MAIN_OBJECTIVES),
                name="pledge_main_rank_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        kind = f"main {self.main_rank}" if self.main_rank else "further"
        return f"{self.pledge.reference} → objective {self.objective.number} ({kind})"

    @property
    def is_main(self) -> bool:
        return self.main_rank is not None


class PledgeTarget(models.Model):
    """What a pledge measures: an indicator of the set, or a metric of the pledge's own."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="pledge_targets"
    )
    own_metric = models.CharField(
        max_length=300, blank=True, help_text="Used when no indicator of the set fits."
    )
    unit = models.CharField(max_length=100, blank=True)
    baseline_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    target_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # On a revision's target: the published target it changes, so reported values stay with it.
    revises = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pledge", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(indicator__isnull=False) & Q(own_metric=""))
                | (Q(indicator__isnull=True) & ~Q(own_metric="")),
                name="target_indicator_xor_own_metric",
            ),
            models.CheckConstraint(
                condition=Q(target_year__gte=F("baseline_year"))
                | Q(target_year__isnull=True)
                | Q(baseline_year__isnull=True),
                name="target_year_after_baseline",
            ),
            models.CheckConstraint(
                condition=(Q(baseline_year__gte=1990, baseline_year__lte=2100))
                | Q(baseline_year__isnull=True),
                name="target_baseline_year_sane",
            ),
            models.CheckConstraint(
                condition=(Q(target_year__gte=1990, target_year__lte=2100))
                | Q(target_year__isnull=True),
                name="target_year_sane",
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


class ProgressUpdateQuerySet(models.QuerySet["ProgressUpdate"]):
    def published(self) -> ProgressUpdateQuerySet:
        return self.filter(review_state=ReviewState.PUBLISHED)


class ProgressUpdate(models.Model):
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
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True) | Q(percent_complete__lte=100),
                name="update_percent_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(amount_committed__gte=0) | Q(amount_committed__isnull=True),
                name="update_committed_positive",
            ),
            models.CheckConstraint(
                condition=Q(amount_disbursed__gte=0) | Q(amount_disbursed__isnull=True),
                name="update_disbursed_positive",
            ),
            models.CheckConstraint(
                condition=~Q(review_state=ReviewState.PUBLISHED) | Q(published_at__isnull=False),
                name="published_update_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["pledge", "review_state", "reported_on"]),
            models.Index(fields=["cycle", "review_state"]),
        ]

    def __str__(self) -> str:
        return f"{self.pledge.reference} update of {self.reported_on:%Y-%m-%d}"


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
                fields=["update", "target"], name="measurement_once_per_update"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target}: {self.value} on {self.measured_on}"


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
            models.CheckConstraint(
                condition=(~Q(url="") & Q(file="")) | (Q(url="") & ~Q(file="")),
                name="evidence_link_xor_file",
            ),
        ]

    def __str__(self) -> str:
        return self.title


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
    # Set when the people concerned have been told; claimed once so nobody is told twice.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pledge", "created_at"])]

    def __str__(self) -> str:
        return f"{self.pledge.reference}: {self.get_action_display()} by {self.actor or 'system'}"


class ReportingPolicy(models.Model):
    """The secretariat's thresholds for calling a pledge silent; one row, edited in the admin."""

    inactive_after_months = models.PositiveSmallIntegerField(
        default=24, help_text="A published pledge with no published update for this long."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "reporting policy"
        verbose_name_plural = "reporting policy"
        constraints = [
            models.CheckConstraint(
                condition=Q(inactive_after_months__gte=1), name="inactive_after_some_months"
            ),
        ]

    def __str__(self) -> str:
        return f"Inactive after {self.inactive_after_months} months without a published update"

    @classmethod
    def current(cls) -> ReportingPolicy:
        return cls.objects.order_by("pk").first() or cls()


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
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(moderation_reason=""),
                name="declined_corroboration_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_kind_display().lower()} {self.pledge.reference}"


class ReminderKind(models.TextChoices):
    WINDOW_OPENED = "window_opened", "Reporting window opened"
    WINDOW_CLOSING = "window_closing", "Reporting window closing"
    DIGEST = "digest", "Monthly digest to the secretariat"


class ReminderLog(models.Model):
    """A reminder sent: the record that keeps it from being sent twice."""

    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    # What the reminder is about: a cycle's window for an organisation, or a month's digest.
    period = models.CharField(max_length=20)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "organisation"], name="reminder_once"
            ),
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=Q(organisation__isnull=True),
                name="digest_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} {self.organisation or ''}".strip()


class ReminderOptOut(models.Model):
    """Someone who wants no reminders; review decisions still reach them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_opt_out"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} takes no reminders"
