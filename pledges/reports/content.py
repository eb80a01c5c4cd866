"""What a report says: its figures, counted by the public site's own filters and selectors, and
its tables of rows, read lazily in a fixed order.

A report's pledges are the explorer's (`PledgeFilter`: published pledges themselves, not
proposed revisions) for the report's cycle and scope, published by the data cut-off; its
updates are their published updates, published by the cut-off. So a report built on the data
the site shows counts what the site counts: the global report's key figures are the cycle
page's, a country report's number of pledges is the explorer's for that country.

Every figure is an aggregate query; every table is an iterator over the database in a stable
order (references, then ids), so two builds on the same data give the same rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import Area, AreaKind, GuidingPrinciple, Indicator, Objective, Observation
from indicators.progress import ProgressStatus
from indicators.selectors import area_indicators
from pledges.downloads import HEADER as PLEDGE_HEADER
from pledges.downloads import explorer_rows
from pledges.filters import FORMS, REPORTING_LABELS, PledgeFilter
from pledges.models import (
    Corroboration,
    CorroborationKind,
    CorroborationStatus,
    ImplementationStatus,
    JointKind,
    Organisation,
    OrganisationKind,
    PartnerStatus,
    Pledge,
    PledgeObjective,
    PledgePartner,
    PledgeTarget,
    ProgressUpdate,
    Report,
    ReportScope,
    ReviewCycle,
    TargetMeasurement,
)
from pledges.progress import target_share
from pledges.reporting import STATUSES, reporting_counts, with_reporting_status
from pledges.selectors import current_cycle
from pledges.verification import Level, with_verification_level

NO_UPDATE = "no_update"
NO_UPDATE_LABEL = gettext_lazy("No update published")
# Rows read from the database at a time by the tables: flat memory whatever their length.
CHUNK_SIZE = 2000
# Progress toward a target, in bands a reader can compare between reports.
PROGRESS_BANDS = (
    ("reached", gettext_lazy("Target reached")),
    ("over_half", gettext_lazy("Half way or more")),
    ("under_half", gettext_lazy("Less than half way")),
    ("not_started", gettext_lazy("No progress from the baseline")),
    ("no_value", gettext_lazy("No value reported yet")),
    ("not_measurable", gettext_lazy("No baseline or target value")),
)
INDICATOR_STATUSES = tuple(ProgressStatus)


@dataclass(frozen=True)
class Table:
    """A figure of the report: a title, columns, and rows whose first cell is the label.

    With `chart`, the report draws the second column as bars beside the table; rows whose
    indexes are in `highlight` (silence: due, overdue, no update) are drawn hatched.
    """

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    chart: bool = False
    highlight: tuple[int, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    intro: str
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class DataTable:
    """One of the report's full tables: the workbook's sheets and the zip's CSVs."""

    name: str
    title: str
    header: tuple[str, ...]
    rows: Callable[[], Iterator[list[Any]]]
    count: int
    fields: tuple[tuple[str, str], ...] = ()


@dataclass
class ReportContent:
    report: Report
    key_figures: tuple[tuple[str, int], ...]
    sections: list[Section]
    pledge_count: int
    previous_cycle: ReviewCycle | None
    data_tables: list[DataTable] = field(default_factory=list)

    @property
    def tables(self) -> Iterator[Table]:
        for section in self.sections:
            yield from section.tables

    def summary_rows(self) -> Iterator[list[Any]]:
        """Every figure as a row: table, row label, column, value (the summary CSV)."""
        for label, value in self.key_figures:
            yield ["key_figures", label, _("Value"), value]
        for table in self.tables:
            for row in table.rows:
                for column, value in zip(table.columns[1:], row[1:], strict=True):
                    yield [table.key, row[0], column, value]


# --- The report's pledges ---------------------------------------------------------------------


def scope_filter_data(report: Report, cycle: ReviewCycle | None = None) -> dict[str, str]:
    """The explorer's filters that select the report's pledges (`/pledges/?...`)."""
    data = {"cycle": (cycle or report.cycle).code}
    if report.scope == ReportScope.REGION:
        data["region"] = report.area.code
    elif report.scope == ReportScope.COUNTRY:
        data["country"] = report.area.code
    elif report.scope == ReportScope.OBJECTIVE:
        data["objective"] = str(report.objective.number)
    elif report.scope == ReportScope.KIND:
        data["kind"] = report.organisation_kind
    return data


def scope_pledges(report: Report, cycle: ReviewCycle | None = None) -> QuerySet[Pledge]:
    """The published pledges the report is about (of `cycle`, the report's by default)."""
    filterset = PledgeFilter(scope_filter_data(report, cycle))
    if not filterset.is_valid():
        raise ValueError(f"The report's scope names nothing: {filterset.errors.as_text()}")
    return filterset.qs.filter(published_at__lte=report.cutoff).order_by()


def scope_updates(report: Report, pledges: QuerySet[Pledge]) -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.published().filter(
        pledge__in=pledges.values("pk"), published_at__lte=report.cutoff
    )


def _latest_update(report: Report) -> QuerySet[ProgressUpdate]:
    """A pledge's latest update known at the cut-off, as its public page shows it first."""
    return (
        ProgressUpdate.objects.published()
        .filter(pledge=OuterRef("pk"), published_at__lte=report.cutoff)
        .order_by("-reported_on", "-pk")
    )


def _cutoff_day(report: Report) -> dt.date:
    return timezone.localdate(report.cutoff)


# --- Figures ----------------------------------------------------------------------------------


def report_content(report: Report) -> ReportContent:
    """Everything the report says, counted now; its tables are read when written."""
    pledges = scope_pledges(report)
    updates = scope_updates(report, pledges)
    today = _cutoff_day(report)
    reporting = reporting_counts(pledges, cycle=current_cycle(today), today=today)
    totals = pledges.aggregate(
        pledges=Count("pk", distinct=True),
        organisations=Count("lead_organisation", distinct=True),
        silent=Count("pk", filter=~Q(Exists(_latest_update(report)))),
    )
    countries = (
        Pledge.areas.through.objects.filter(pledge__in=pledges.values("pk"), area__kind="country")
        .values("area")
        .distinct()
        .count()
    )
    target_count = PledgeTarget.objects.filter(pledge__in=pledges.values("pk")).count()
    update_count = updates.count()
    previous = (
        ReviewCycle.objects.filter(forum_year__lt=report.cycle.forum_year)
        .order_by("-forum_year")
        .first()
    )
    key_figures = (
        (_("Published pledges"), totals["pledges"]),
        (_("Lead organisations"), totals["organisations"]),
        (_("Countries of implementation"), countries),
        (_("Published progress updates"), update_count),
        (_("Targets"), target_count),
        *((str(REPORTING_LABELS[status]), reporting[status]) for status in STATUSES),
        (str(NO_UPDATE_LABEL), totals["silent"]),
    )
    sections = [
        Section(
            _("Implementation and reporting"),
            _(
                "Where the pledges stand, as their latest published updates say, and which of "
                "them have gone silent. Silence is counted as its own group, never left out of "
                "the total."
            ),
            (
                _status_table(pledges),
                _reporting_table(reporting, totals["silent"]),
                *_change_tables(report, previous),
            ),
        ),
        Section(
            _("What was pledged"),
            _(
                "Pledges by the objectives and guiding principles they advance, the form they "
                "take, who made them and where they are implemented. A pledge counts once under "
                "each objective, principle, form, region and country it names, so these rows add "
                "up to more than the number of pledges."
            ),
            (
                _objective_table(pledges),
                _principle_table(pledges),
                _form_table(pledges),
                _kind_table(pledges),
                _region_table(pledges),
                _country_table(pledges),
            ),
        ),
        Section(
            _("Money"),
            _(
                "Amounts pledged, and committed and disbursed as the latest published update of "
                "each pledge reports them, by currency: amounts in different currencies are "
                "never added together."
            ),
            (_money_table(report, pledges),),
        ),
        Section(
            _("Targets and indicators"),
            _(
                "Targets set by the pledges, with how far each has come from its baseline toward "
                "its target by its latest reported value; then the GCM indicators' progress in "
                "the areas of the report, by the Open SDG method."
            ),
            (_target_table(report, pledges), _indicator_table(report)),
        ),
        Section(
            _("Verification and partnership"),
            _(
                "How far published updates can be trusted, from facts rather than claims; what "
                "third parties said of them; and pledges made jointly or matching another."
            ),
            (
                _verification_table(updates),
                _corroboration_table(report, pledges),
                _joint_table(pledges),
                _matching_table(pledges),
            ),
        ),
    ]
    content = ReportContent(
        report=report,
        key_figures=key_figures,
        sections=sections,
        pledge_count=totals["pledges"],
        previous_cycle=previous,
    )
    content.data_tables = _data_tables(report, pledges, updates, totals["pledges"], update_count)
    return content


def _counts_by(pledges: QuerySet[Pledge], path: str) -> dict[Any, int]:
    rows = pledges.order_by().values(path).annotate(n=Count("pk", distinct=True))
    return {row[path]: row["n"] for row in rows if row[path] is not None}


def _choice_table(
    pledges: QuerySet[Pledge],
    path: str,
    choices: list[tuple[str, str]],
    *,
    key: str,
    title: str,
    column: str,
    note: str = "",
) -> Table:
    """Pledges counted by a field with choices, every choice listed in its order."""
    counts = _counts_by(pledges, path)
    rows = tuple((str(label), counts.get(value, 0)) for value, label in choices)
    return Table(key, title, (column, _("Pledges")), rows, chart=True, note=note)


def _status_table(pledges: QuerySet[Pledge]) -> Table:
    return _choice_table(
        pledges,
        "implementation_status",
        ImplementationStatus.choices,
        key="implementation_status",
        title=_("Implementation status"),
        column=_("Status"),
        note=_(
            "A pledge's status is the one its latest published update reports; a pledge with "
            "no update yet is planned."
        ),
    )


def _reporting_table(reporting: dict[str, int], silent: int) -> Table:
    rows = (
        *((str(REPORTING_LABELS[s]), reporting[s]) for s in STATUSES),
        (str(NO_UPDATE_LABEL), silent),
    )
    return Table(
        "reporting",
        _("Reporting"),
        (_("Reporting"), _("Pledges")),
        rows,
        chart=True,
        # Every group but "reporting" is silence of some kind.
        highlight=tuple(range(1, len(rows))),
        # Translators: %(label)s is the group "No update published".
        note=_(
            "Reporting, due, overdue and inactive add up to the pledges; “%(label)s” "
            "counts, across those groups, the pledges that never published one."
        )
        % {"label": NO_UPDATE_LABEL},
    )


def _change_tables(report: Report, previous: ReviewCycle | None) -> tuple[Table, ...]:
    """The previous cycle's pledges (same scope): their status at that Forum against now."""
    if previous is None:
        return ()
    pledges = scope_pledges(report, previous)
    then_day = previous.forum_ends
    then = Subquery(
        ProgressUpdate.objects.published()
        .filter(pledge=OuterRef("pk"), published_at__lte=report.cutoff, reported_on__lte=then_day)
        .order_by("-reported_on", "-pk")
        .values("implementation_status")[:1]
    )
    rows = (
        pledges.annotate(then=Coalesce(then, Value(NO_UPDATE)))
        .order_by()
        .values("then", "implementation_status")
        .annotate(n=Count("pk", distinct=True))
    )
    matrix: dict[tuple[str, str], int] = {
        (row["then"], row["implementation_status"]): row["n"] for row in rows
    }
    statuses = [(value, str(label)) for value, label in ImplementationStatus.choices]
    then_rows = [
        *statuses,
        (NO_UPDATE, _("No update by %(date)s") % {"date": date_format(then_day, "d F Y")}),
    ]
    change = tuple(
        (
            label,
            *(matrix.get((value, now), 0) for now, _label in statuses),
            sum(matrix.get((value, now), 0) for now, _label in statuses),
        )
        for value, label in then_rows
    )
    now = tuple(
        (label, sum(n for (_then, status), n in matrix.items() if status == value))
        for value, label in statuses
    )
    return (
        Table(
            "previous_cycle_now",
            _("%(cycle)s pledges: status at this report's cut-off") % {"cycle": previous.code},
            (_("Status"), _("Pledges")),
            now,
            chart=True,
            note=_(
                "The pledges made for %(cycle)s in the same scope, as they stand at this "
                "report's cut-off: what the Forum asks of the previous cycle's pledges."
            )
            % {"cycle": previous.title},
        ),
        Table(
            "previous_cycle_change",
            _("%(cycle)s pledges: status at the %(year)s Forum and now")
            % {"cycle": previous.code, "year": previous.forum_year},
            (_("At the Forum"), *(label for _value, label in statuses), _("Total")),
            change,
            note=_(
                "Rows: the status of the latest update reported by %(date)s; columns: the "
                "status at this report's cut-off."
            )
            % {"date": date_format(then_day, "d F Y")},
        ),
    )


def _objective_table(pledges: QuerySet[Pledge]) -> Table:
    links = PledgeObjective.objects.filter(pledge__in=pledges.values("pk"))
    all_links = dict(links.values_list("objective__number").annotate(n=Count("pk")).order_by())
    main = dict(
        links.filter(main_rank__isnull=False)
        .values_list("objective__number")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Table(
        "objectives",
        _("Pledges by objective"),
        (_("Objective"), _("Pledges"), _("As a main objective")),
        tuple(
            (
                f"{o.number}. {o.short_title or o.title}",
                all_links.get(o.number, 0),
                main.get(o.number, 0),
            )
            for o in Objective.objects.order_by("number")
        ),
        chart=True,
    )


def _principle_table(pledges: QuerySet[Pledge]) -> Table:
    through = Pledge.principles.through.objects.filter(pledge__in=pledges.values("pk"))
    counts = dict(through.values_list("guidingprinciple_id").annotate(n=Count("pk")).order_by())
    return Table(
        "principles",
        _("Pledges by guiding principle"),
        (_("Guiding principle"), _("Pledges")),
        tuple(
            (str(p.title), counts.get(p.pk, 0)) for p in GuidingPrinciple.objects.order_by("letter")
        ),
        chart=True,
    )


def _form_table(pledges: QuerySet[Pledge]) -> Table:
    counts = pledges.aggregate(
        **{key: Count("pk", filter=Q(**{name: True})) for key, (name, _label) in FORMS.items()}
    )
    return Table(
        "forms",
        _("Pledges by form of contribution"),
        (_("Form"), _("Pledges")),
        tuple((str(label), counts[key]) for key, (_name, label) in FORMS.items()),
        chart=True,
    )


def _kind_table(pledges: QuerySet[Pledge]) -> Table:
    return _choice_table(
        pledges,
        "lead_organisation__kind",
        OrganisationKind.choices,
        key="organisation_kinds",
        title=_("Pledges by kind of lead organisation"),
        column=_("Organisation kind"),
    )


def _region_table(pledges: QuerySet[Pledge]) -> Table:
    # As the home page counts them: implemented in a member country, or in the region itself.
    through = Pledge.areas.through.objects.filter(pledge__in=pledges.values("pk"))
    in_members = dict(
        through.values_list("area__commissions")
        .annotate(n=Count("pledge", distinct=True))
        .order_by()
    )
    return Table(
        "regions",
        _("Pledges by UN regional commission of implementation"),
        (_("Regional commission"), _("Pledges")),
        tuple(
            (f"{a.name} ({a.code})", in_members.get(a.pk, 0))
            for a in Area.objects.commissions().order_by("code")
        ),
        chart=True,
        note=_(
            "Counted by the countries of implementation each pledge names; a global pledge "
            "names none."
        ),
    )


def _country_table(pledges: QuerySet[Pledge]) -> Table:
    through = Pledge.areas.through.objects.filter(
        pledge__in=pledges.values("pk"), area__kind=AreaKind.COUNTRY
    )
    rows = (
        through.values("area__name", "area__code")
        .annotate(n=Count("pledge", distinct=True))
        .order_by("-n", "area__name")
    )
    global_count = pledges.filter(is_global=True).count()
    return Table(
        "countries",
        _("Pledges by country of implementation"),
        (_("Country or area"), _("Pledges")),
        (
            (_("Global (no country named)"), global_count),
            *((f"{row['area__name']} ({row['area__code']})", row["n"]) for row in rows),
        ),
        chart=True,
        note=_("Global pledges first, then countries, most pledges first."),
    )


def _money_table(report: Report, pledges: QuerySet[Pledge]) -> Table:
    latest = _latest_update(report)
    annotated = pledges.annotate(
        committed=Subquery(latest.values("amount_committed")[:1]),
        disbursed=Subquery(latest.values("amount_disbursed")[:1]),
    )
    rows = (
        annotated.exclude(amount__isnull=True, committed__isnull=True, disbursed__isnull=True)
        .order_by()
        .values("currency")
        .annotate(
            n=Count("pk"),
            pledged=Sum("amount"),
            committed_sum=Sum("committed"),
            disbursed_sum=Sum("disbursed"),
        )
        .order_by("currency")
    )
    return Table(
        "money",
        _("Money by currency"),
        (_("Currency"), _("Pledges"), _("Pledged"), _("Committed"), _("Disbursed")),
        tuple(
            (
                row["currency"] or _("(none given)"),
                row["n"],
                _amount(row["pledged"]),
                _amount(row["committed_sum"]),
                _amount(row["disbursed_sum"]),
            )
            for row in rows
        ),
        note=_(
            "Committed and disbursed are the amounts of each pledge's latest published update, "
            "in the pledge's currency."
        ),
    )


def _amount(value: Decimal | float | None) -> Decimal:
    # SQLite sums decimals as floats: rounded back to cents, the figure reads the same on both.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _measured(report: Report) -> QuerySet[TargetMeasurement]:
    return TargetMeasurement.objects.filter(
        target=OuterRef("pk"),
        update__review_state="published",
        update__published_at__lte=report.cutoff,
    ).order_by("-measured_on", "-pk")


def _targets(report: Report, pledges: QuerySet[Pledge]) -> QuerySet[PledgeTarget]:
    latest = _measured(report)
    return PledgeTarget.objects.filter(pledge__in=pledges.values("pk")).annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_on=Subquery(latest.values("measured_on")[:1]),
    )


def progress_band(target: PledgeTarget, value: Decimal | None) -> str:
    """Which of PROGRESS_BANDS a target's latest value falls in."""
    if target.baseline_value is None or target.target_value is None:
        return "not_measurable"
    if value is None:
        return "no_value"
    share = target_share(target, value)
    if share is None or share <= 0:
        return "not_started"
    if share >= 1:
        return "reached"
    return "over_half" if share >= 0.5 else "under_half"


def _target_table(report: Report, pledges: QuerySet[Pledge]) -> Table:
    counts = dict.fromkeys((key for key, _label in PROGRESS_BANDS), 0)
    on_indicator = dict.fromkeys(counts, 0)
    targets = _targets(report, pledges).only("baseline_value", "target_value", "indicator_id")
    for target in targets.iterator(chunk_size=CHUNK_SIZE):
        band = progress_band(target, target.latest_value)
        counts[band] += 1
        if target.indicator_id:
            on_indicator[band] += 1
    return Table(
        "target_progress",
        _("Targets by progress toward the target"),
        (_("Progress"), _("Targets"), _("On a GCM indicator")),
        tuple((str(label), counts[key], on_indicator[key]) for key, label in PROGRESS_BANDS),
        chart=True,
        highlight=(4,),
        note=_(
            "Progress is the share of the way from the baseline value to the target value that "
            "the latest reported value has come."
        ),
    )


def _scope_areas(report: Report) -> QuerySet[Area]:
    if report.scope == ReportScope.COUNTRY:
        return Area.objects.filter(pk=report.area_id)
    if report.scope == ReportScope.REGION:
        return Area.objects.countries().filter(commissions=report.area)
    return Area.objects.filter(Exists(Observation.objects.filter(area=OuterRef("pk")))).order_by(
        "code"
    )


def _scope_indicators(report: Report) -> QuerySet[Indicator]:
    indicators = Indicator.objects.current()
    if report.scope == ReportScope.OBJECTIVE:
        indicators = indicators.filter(objectives=report.objective)
    return indicators


def _indicator_table(report: Report) -> Table:
    wanted = set(_scope_indicators(report).values_list("pk", flat=True))
    counts: dict[int, dict[str, int]] = {}
    latest: dict[int, tuple[str, str, str]] = {}
    for area in _scope_areas(report).only("pk", "code", "name", "kind"):
        for entry in area_indicators(area):
            if entry.indicator.pk not in wanted or entry.latest is None:
                continue
            status = entry.progress.status if entry.progress else ProgressStatus.NOT_ENOUGH_DATA
            row = counts.setdefault(entry.indicator.pk, dict.fromkeys(INDICATOR_STATUSES, 0))
            row[status] += 1
            latest[entry.indicator.pk] = (
                _number(entry.latest.value),
                entry.latest.period_label,
                str(status.label),
            )
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=counts)}
    order = sorted(counts, key=lambda pk: _code_key(indicators[pk].code))
    if report.scope == ReportScope.COUNTRY:
        return Table(
            "indicator_progress",
            _("GCM indicators in %(area)s") % {"area": report.area.name},
            (_("Indicator"), _("Latest total"), _("Period"), _("Progress")),
            tuple((_indicator_label(indicators[pk]), *latest[pk]) for pk in order),
            note=_(
                "Each indicator's total (values not broken down), assessed against the target "
                "for the country where it has one, else the one for all areas."
            ),
        )
    return Table(
        "indicator_progress",
        _("GCM indicators: areas by progress status"),
        (_("Indicator"), *(str(s.label) for s in INDICATOR_STATUSES)),
        tuple(
            (_indicator_label(indicators[pk]), *(counts[pk][s] for s in INDICATOR_STATUSES))
            for pk in order
        ),
        note=_("For each indicator, how many areas of the report with data are in each status."),
    )


def _indicator_label(indicator: Indicator) -> str:
    return f"{indicator.code} {indicator.short_name or indicator.name}"


def _code_key(code: str) -> tuple[tuple[int, str], ...]:
    """10.7.2 before 10.10.1: numbers compared as numbers, letters (10.c.1) as letters."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in code.split("."))


def _number(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _verification_table(updates: QuerySet[ProgressUpdate]) -> Table:
    counts = dict(
        with_verification_level(updates)
        .order_by()
        .values_list("verification_level")
        .annotate(n=Count("pk"))
    )
    return Table(
        "verification",
        _("Published updates by verification level"),
        (_("Verification level"), _("Updates")),
        tuple((str(label), counts.get(value, 0)) for value, label in Level.choices),
        chart=True,
        note=_(
            "Self-reported: no evidence attached; evidenced: with evidence; verified: the "
            "secretariat checked it against its evidence; corroborated: a third party's "
            "published statement supports it and none contests it."
        ),
    )


def _corroboration_table(report: Report, pledges: QuerySet[Pledge]) -> Table:
    published = Corroboration.objects.filter(
        pledge__in=pledges.values("pk"),
        status=CorroborationStatus.PUBLISHED,
        moderated_at__lte=report.cutoff,
    )
    counts = dict(published.values_list("kind").annotate(n=Count("pk")).order_by())
    replied = dict(
        published.exclude(owner_reply="").values_list("kind").annotate(n=Count("pk")).order_by()
    )
    return Table(
        "corroborations",
        _("Third-party statements"),
        (_("Statement"), _("Published"), _("Answered by the pledgers")),
        tuple(
            (str(label), counts.get(value, 0), replied.get(value, 0))
            for value, label in CorroborationKind.choices
        ),
        chart=True,
    )


def _joint_table(pledges: QuerySet[Pledge]) -> Table:
    return _choice_table(
        pledges,
        "joint_kind",
        JointKind.choices,
        key="joint",
        title=_("Pledges made alone or jointly"),
        column=_("Type of pledge"),
    )


def _matching_table(pledges: QuerySet[Pledge]) -> Table:
    matched = Pledge.objects.published().filter(matches=OuterRef("pk"))
    counts = pledges.aggregate(
        matching=Count("pk", filter=Q(matches__review_state="published")),
        matched=Count("pk", filter=Q(Exists(matched))),
    )
    return Table(
        "matching",
        _("Matching pledges"),
        (_("Matching"), _("Pledges")),
        (
            (_("Match (fund or support) another published pledge"), counts["matching"]),
            (_("Are matched by another published pledge"), counts["matched"]),
        ),
    )


# --- The full tables ------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


PLEDGE_EXTRA = ("reporting_status", "latest_update_on", "amount_committed", "amount_disbursed")
TARGET_HEADER = (
    "pledge",
    "position",
    "indicator",
    "own_metric",
    "unit",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_year",
    "latest_value",
    "latest_measured_on",
    "progress_percent",
    "progress",
)
UPDATE_HEADER = (
    "pledge",
    "reported_on",
    "published_on",
    "organisation",
    "implementation_status",
    "percent_complete",
    "amount_committed",
    "amount_disbursed",
    "currency",
    "verification_level",
    "narrative",
    "challenges",
    "support_needed",
)
ORGANISATION_HEADER = (
    "id",
    "name",
    "acronym",
    "kind",
    "country",
    "website",
    "accredited",
    "pledges_led",
    "pledges_as_partner",
)
OBSERVATION_HEADER = (
    "indicator",
    "area",
    "area_name",
    "period",
    "period_start",
    "period_end",
    "disaggregation",
    "value",
    "unit",
    "source",
    "attributes",
)


def _data_tables(
    report: Report,
    pledges: QuerySet[Pledge],
    updates: QuerySet[ProgressUpdate],
    pledge_count: int,
    update_count: int,
) -> list[DataTable]:
    targets = _targets(report, pledges)
    organisations = _organisations(pledges)
    observations = _observations(report)
    return [
        # Translators: the fields' names and codes (reference, civil_society...) stay as
        # they are: they are the CSV files' column names and values.
        DataTable(
            "pledges",
            _("Pledges"),
            (*PLEDGE_HEADER, *PLEDGE_EXTRA),
            lambda: _pledge_rows(report, pledges),
            pledge_count,
            (
                ("reference", _("The pledge's public reference; its page is at url.")),
                ("lead_organisation_kind", _("The kind's code, e.g. civil_society.")),
                ("main_objectives / further_objectives", _("GCM objective numbers, '; ' apart.")),
                ("principles", _("Guiding principles' letters.")),
                (
                    "countries / regions",
                    _("ISO 3166 alpha-3 codes; region and commission codes."),
                ),
                (
                    "implementation_status",
                    _("planned, in_progress, partially_fulfilled, fulfilled or discontinued."),
                ),
                ("reporting_status", _("reporting, due, overdue or inactive at the cut-off.")),
                ("amount_committed / amount_disbursed", _("From the latest published update.")),
            ),
        ),
        DataTable(
            "targets",
            _("Targets"),
            TARGET_HEADER,
            lambda: _target_rows(targets),
            targets.count(),
            (
                (
                    "indicator",
                    _(
                        "The GCM indicator's code, or empty for a metric of the pledge's own "
                        "(own_metric)."
                    ),
                ),
                ("latest_value", _("The latest value reported in a published update.")),
                ("progress_percent", _("Share of the way from baseline to target, 0 or more.")),
            ),
        ),
        DataTable(
            "updates",
            _("Progress updates"),
            UPDATE_HEADER,
            lambda: _update_rows(updates),
            update_count,
            (("verification_level", _("self_reported, evidenced, verified or corroborated.")),),
        ),
        DataTable(
            "organisations",
            _("Organisations"),
            ORGANISATION_HEADER,
            lambda: _organisation_rows(organisations),
            organisations.count(),
            (("pledges_led / pledges_as_partner", _("Among the report's pledges.")),),
        ),
        DataTable(
            "observations",
            _("Indicator observations"),
            OBSERVATION_HEADER,
            lambda: _observation_rows(observations),
            observations.count(),
            (
                ("disaggregation / attributes", _("JSON objects, keys sorted.")),
                ("period", _("As the statistics office wrote it.")),
            ),
        ),
    ]


def _pledge_rows(report: Report, pledges: QuerySet[Pledge]) -> Iterator[list[Any]]:
    today = _cutoff_day(report)
    latest = _latest_update(report)
    annotated = with_reporting_status(pledges, cycle=current_cycle(today), today=today).annotate(
        latest_on=Subquery(latest.values("reported_on")[:1]),
        committed=Subquery(latest.values("amount_committed")[:1]),
        disbursed=Subquery(latest.values("amount_disbursed")[:1]),
    )
    ordered = annotated.order_by("cycle__forum_year", "sequence", "pk")

    def extra(pledge: Pledge) -> list[Any]:
        return [pledge.reporting_status, pledge.latest_on, pledge.committed, pledge.disbursed]

    return explorer_rows(ordered, _absolute, extra=extra, chunk_size=CHUNK_SIZE)


def _target_rows(targets: QuerySet[PledgeTarget]) -> Iterator[list[Any]]:
    ordered = targets.select_related("pledge", "indicator").order_by(
        "pledge__cycle__forum_year", "pledge__sequence", "position", "pk"
    )
    bands = {key: str(label) for key, label in PROGRESS_BANDS}
    for target in ordered.iterator(chunk_size=CHUNK_SIZE):
        share = target_share(target, target.latest_value)
        yield [
            target.pledge.reference,
            target.position,
            target.indicator.code if target.indicator_id else "",
            target.own_metric,
            target.unit,
            target.baseline_value,
            target.baseline_year,
            target.target_value,
            target.target_year,
            target.latest_value,
            target.latest_on,
            None if share is None else round(share * 100),
            bands[progress_band(target, target.latest_value)],
        ]


def _update_rows(updates: QuerySet[ProgressUpdate]) -> Iterator[list[Any]]:
    ordered = (
        with_verification_level(updates)
        .select_related("pledge", "organisation")
        .only(
            "pledge__reference",
            "pledge__currency",
            "organisation__name",
            *(f for f in UPDATE_HEADER if f in {f.name for f in ProgressUpdate._meta.fields}),
            "published_at",
        )
        .order_by("pledge__cycle__forum_year", "pledge__sequence", "reported_on", "pk")
    )
    for update in ordered.iterator(chunk_size=CHUNK_SIZE):
        yield [
            update.pledge.reference,
            update.reported_on,
            timezone.localdate(update.published_at),
            update.organisation.name,
            update.implementation_status,
            update.percent_complete,
            update.amount_committed,
            update.amount_disbursed,
            update.pledge.currency,
            update.verification_level,
            update.narrative,
            update.challenges,
            update.support_needed,
        ]


def _organisations(pledges: QuerySet[Pledge]) -> QuerySet[Organisation]:
    ids = pledges.values("pk")
    partners = PledgePartner.objects.filter(pledge__in=ids, status=PartnerStatus.ACCEPTED)
    return (
        Organisation.objects.filter(
            Q(pk__in=pledges.values("lead_organisation"))
            | Q(pk__in=partners.values("organisation"))
        )
        .select_related("country")
        .annotate(
            led=Count("led_pledges", filter=Q(led_pledges__in=ids), distinct=True),
            partnered=Count(
                "partner_links",
                filter=Q(partner_links__in=partners.values("pk")),
                distinct=True,
            ),
        )
        .order_by("name", "pk")
    )


def _organisation_rows(organisations: QuerySet[Organisation]) -> Iterator[list[Any]]:
    for organisation in organisations.iterator(chunk_size=CHUNK_SIZE):
        yield [
            organisation.pk,
            organisation.name,
            organisation.acronym,
            organisation.kind,
            organisation.country.iso3 if organisation.country else "",
            organisation.website,
            "yes" if organisation.accredited else "no",
            organisation.led,
            organisation.partnered,
        ]


def _observations(report: Report) -> QuerySet[Observation]:
    observations = Observation.objects.filter(indicator__in=_scope_indicators(report).values("pk"))
    if report.scope in (ReportScope.COUNTRY, ReportScope.REGION):
        observations = observations.filter(area__in=_scope_areas(report).values("pk"))
    return observations


def _observation_rows(observations: QuerySet[Observation]) -> Iterator[list[Any]]:
    ordered = observations.select_related("indicator", "area").order_by(
        F("indicator__code"),
        "area__code",
        "period_start",
        "period_end",
        "disaggregation_key",
        "pk",
    )
    for o in ordered.iterator(chunk_size=CHUNK_SIZE):
        yield [
            o.indicator.code,
            o.area.code,
            o.area.name,
            o.period_label,
            o.period_start,
            o.period_end,
            json.dumps(o.disaggregation, sort_keys=True, ensure_ascii=False)
            if o.disaggregation
            else "",
            o.value,
            o.unit,
            o.source,
            json.dumps(o.attributes, sort_keys=True, ensure_ascii=False) if o.attributes else "",
        ]


# --- How the figures are made, and what they cannot say --------------------------------------


def methodology() -> tuple[tuple[str, str], ...]:
    """How the figures are made: a title and a paragraph each, in the language of the moment."""
    return (
        (
            _("Which pledges"),
            _(
                "The report's pledges are those the public pledge explorer lists for the "
                "report's cycle and scope (/pledges/ with the filters given on the title page): "
                "published pledges, not proposed revisions, published by the data cut-off. "
                "Proposed revisions under review do not replace what was published. Withdrawn, "
                "rejected and merged pledges are not counted."
            ),
        ),
        (
            _("Implementation status"),
            _(
                "A pledge's status is the one its latest published progress update reports "
                "(planned until it publishes one); a pledge is fulfilled once the secretariat "
                "has confirmed what its owners report. The previous cycle's pledges are shown "
                "twice: with the status of their latest update reported by the end of that "
                "Forum, and with their status at this report's cut-off."
            ),
        ),
        (
            _("Reporting"),
            _(
                "Due: the current cycle's reporting window is open and the pledge has reported "
                "nothing in it. Overdue: the window has closed and it reported nothing in it. "
                "Inactive: no published update for the reporting policy's number of months "
                "(counted from publication when there is none); this takes precedence. "
                "Reporting: none of these. Silence is counted as it is, never folded into "
                "shares of those who answered."
            ),
        ),
        (
            _("Verification"),
            _(
                "Levels are derived from facts, never typed in: self-reported (no evidence), "
                "evidenced (evidence attached), verified (the secretariat checked the update "
                "against its evidence), corroborated (a third party's published statement "
                "supports it and no published statement contests it). Third parties' "
                "statements are moderated before they are published."
            ),
        ),
        (
            _("Progress toward targets"),
            _(
                "For each target with a baseline value and a target value, progress is the "
                "share of the way from the baseline to the target that its latest reported "
                "value has come (0%% at or below the baseline, 100%% once reached)."
            )
            % {},
        ),
        (
            _("Indicators"),
            _(
                "GCM indicators' progress is assessed on each area's totals (values not broken "
                "down) by the method of Statistics Canada that Open SDG implements: the "
                "compound annual growth rate from the base year (2015 unless a target says "
                "otherwise) to the latest year, against the rate needed to reach the target "
                "where there is one."
            ),
        ),
        (
            _("Cut-off and checksum"),
            _(
                "Everything published after the data cut-off is left out. The checksum is the "
                "SHA-256 of the report's tables exactly as written in its CSV files, in the "
                "order the zip's README lists them: the same data and cut-off give the same "
                "tables and the same checksum, so a reader can tell whether two copies hold the "
                "same data."
            ),
        ),
    )


def limitations() -> tuple[str, ...]:
    """What the data cannot say, one point each, in the language of the moment."""
    return (
        _(
            "Pledges are voluntary and self-reported: publication means the secretariat found a "
            "pledge complete and within the GCM, not that its claims were audited. Only "
            "verified and corroborated updates have been checked by anyone but their authors."
        ),
        _(
            "Many pledges have no baseline or no target value, and many targets use a metric of "
            "their own: their progress cannot be compared with each other or added up."
        ),
        _(
            "Amounts are as pledgers report them, in their own currencies, and are never "
            "converted or added across currencies; committed and disbursed amounts are only as "
            "recent as each pledge's latest update."
        ),
        _(
            "A pledge counts under every objective, principle, form, region and country it "
            "names; global pledges name no country and are counted apart."
        ),
        _(
            "Indicator data are those imported from national statistics offices; an area "
            "without data for an indicator says nothing about the situation there, and an "
            "office's own statement (not applicable, not yet started) is shown on the site's "
            "indicator pages."
        ),
        _(
            "Statuses other than those of published updates (drafts, updates under review) are "
            "not visible here: the report reads what the public can read."
        ),
    )


# The PDF lists the pledges one a line up to this many (some 20 pages); beyond, the listing is
# in the workbook and the CSVs alone, and the PDF stays readable whatever the data.
ANNEX_MAX = 500


def annex_rows(report: Report) -> Iterator[tuple[str, str, str, str]]:
    """The report's pledges for the PDF's annex: reference, title, lead, status, in order."""
    statuses = {value: str(label) for value, label in ImplementationStatus.choices}
    pledges = (
        scope_pledges(report)
        .select_related("lead_organisation")
        .only("reference", "title", "lead_organisation__name", "implementation_status")
        .order_by("cycle__forum_year", "sequence", "pk")
    )
    for pledge in pledges.iterator(chunk_size=CHUNK_SIZE):
        yield (
            pledge.reference,
            pledge.title,
            pledge.lead_organisation.name,
            statuses.get(pledge.implementation_status, pledge.implementation_status),
        )
