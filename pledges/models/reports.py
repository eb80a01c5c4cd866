"""Reports of an IMRF cycle: what was pledged and achieved, for a scope, at a data cut-off."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import Area, Objective
from pledges.models.cycles import ReviewCycle
from pledges.models.organisations import OrganisationKind
from pledges.models.rules import Rule


class ReportScope(models.TextChoices):
    GLOBAL = "global", _("Global")
    REGION = "region", _("UN regional commission")
    COUNTRY = "country", _("Country or area")
    OBJECTIVE = "objective", _("Objective")
    KIND = "kind", _("Organisation kind")


class ReportFormat(models.TextChoices):
    PDF = "pdf", _("PDF summary")
    XLSX = "xlsx", _("Workbook (XLSX)")
    CSV = "csv", _("Tables as CSV (zip)")


class ReportQuerySet(models.QuerySet["Report"]):
    def published(self) -> ReportQuerySet:
        return self.filter(published_at__isnull=False)


class Report(models.Model):
    """One report asked for: a cycle, a scope, a cut-off; its files once a worker built them.

    The row is saved when the report is asked for; the build (a job of the tracker's) writes
    `files`, `checksum` and `built_at` in one update once every file is in place, so a report
    with files is complete. Only a built report can be published.
    """

    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.PROTECT, related_name="reports", verbose_name=_("cycle")
    )
    scope = models.CharField(_("scope"), max_length=10, choices=ReportScope.choices)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text=_("The commission or the country, for those scopes."),
        verbose_name=_("area"),
    )
    objective = models.ForeignKey(
        Objective,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("objective"),
    )
    organisation_kind = models.CharField(
        _("organisation kind"), max_length=30, choices=OrganisationKind.choices, blank=True
    )
    # The data as it stood then: pledges and updates published later are not in the report.
    cutoff = models.DateTimeField(_("data cut-off"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    checksum = models.CharField(
        _("checksum"),
        max_length=64,
        blank=True,
        help_text=_("SHA-256 of the report's tables, as in its CSVs."),
    )
    # [{"format": "pdf", "name": "...pdf", "path": "reports/12/...", "size": 1234}, ...]
    files = models.JSONField(_("files"), default=list, blank=True)
    # The key figures, as the report states them, for its page: [[label, value], ...].
    figures = models.JSONField(_("figures"), default=list, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at", "-id"]
        constraints = [
            Rule(
                condition=Q(scope__in=["region", "country"], area__isnull=False)
                | (~Q(scope__in=["region", "country"]) & Q(area__isnull=True)),
                name="report_area_with_its_scope",
                field="area",
                violation_error_message=_(
                    "Choose the commission or the country for a regional "
                    "or national report, and none for the other scopes."
                ),
            ),
            Rule(
                condition=Q(scope="objective", objective__isnull=False)
                | (~Q(scope="objective") & Q(objective__isnull=True)),
                name="report_objective_with_its_scope",
                field="objective",
                violation_error_message=_(
                    "Choose the objective for a report on an objective, "
                    "and none for the other scopes."
                ),
            ),
            Rule(
                condition=(Q(scope="kind") & ~Q(organisation_kind=""))
                | (~Q(scope="kind") & Q(organisation_kind="")),
                name="report_kind_with_its_scope",
                field="organisation_kind",
                violation_error_message=_(
                    "Choose the organisation kind for a report on one "
                    "kind, and none for the other scopes."
                ),
            ),
            Rule(
                condition=Q(published_at__isnull=True) | Q(built_at__isnull=False),
                name="report_published_once_built",
                violation_error_message=_("Only a report whose files are built can be published."),
            ),
        ]
        indexes = [models.Index(fields=["cycle", "published_at"])]

    def __str__(self) -> str:
        return f"{self.cycle.code} {self.scope_label} report"

    def get_absolute_url(self) -> str:
        return reverse("report", args=[self.pk])

    def clean(self) -> None:
        wanted = {
            ReportScope.REGION: (
                "commission",
                gettext("Choose a UN regional commission for a regional report."),
            ),
            ReportScope.COUNTRY: (
                "country",
                gettext("Choose a country or area for a national report."),
            ),
        }.get(self.scope)
        if wanted and self.area_id and self.area.kind != wanted[0]:
            raise ValidationError({"area": wanted[1]})

    @property
    def scope_label(self) -> str:
        """What the report covers, in words: "Global", "Kenya", "Objective 5"..."""
        if self.scope in (ReportScope.REGION, ReportScope.COUNTRY) and self.area_id:
            return self.area.name
        if self.scope == ReportScope.OBJECTIVE and self.objective_id:
            return f"Objective {self.objective.number}"
        if self.scope == ReportScope.KIND:
            return str(OrganisationKind(self.organisation_kind).label)
        return "Global"

    @property
    def title(self) -> str:
        return f"{self.cycle.title}: {self.scope_label}"

    @property
    def key(self) -> str:
        """The same for two requests of the same report: cycle and scope."""
        part = {
            ReportScope.REGION: self.area.code if self.area_id else "",
            ReportScope.COUNTRY: self.area.code if self.area_id else "",
            ReportScope.OBJECTIVE: str(self.objective.number) if self.objective_id else "",
            ReportScope.KIND: self.organisation_kind,
        }.get(self.scope, "")
        return ":".join(filter(None, [self.cycle.code, self.scope, part]))

    @property
    def is_built(self) -> bool:
        return self.built_at is not None

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def file(self, format: str) -> dict | None:
        return next((f for f in self.files if f["format"] == format), None)
