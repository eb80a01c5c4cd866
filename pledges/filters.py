"""The public pledge explorer's filters, defined once: the explorer's pages and downloads use
them, and so will the API.

Every filter reads the query string as people share it (`?objective=5&kind=civil_society`), a
value that names nothing is a form error shown beside its filter (never a 500), and every
condition on a related row is an EXISTS subquery, so a pledge is never counted twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import Area, GuidingPrinciple, Objective
from pledges.models import (
    CorroborationKind,
    CorroborationStatus,
    Evidence,
    ImplementationStatus,
    JointKind,
    Organisation,
    OrganisationKind,
    Pledge,
    PledgeObjective,
    PledgeTarget,
    ProgressUpdate,
    ReviewCycle,
)
from pledges.models.corroboration import Corroboration
from pledges.reporting import STATUSES, with_reporting_status
from pledges.selectors import current_cycle
from pledges.verification import Level

FORMS = {
    "financial": ("form_financial", _("Financial contribution")),
    "human_resources": ("form_human_resources", _("Human resource contribution")),
    "process": ("form_process", _("Process-oriented commitment")),
    "policy": ("form_policy", _("Policy-oriented commitment")),
}
REPORTING_LABELS = {
    # Translators: whether a published pledge reports as it should, or which update it owes.
    "reporting": _("Reporting"),
    "due": _("Update due"),
    "overdue": _("Update overdue"),
    "inactive": _("Inactive"),
}
SORTS = {
    # Translators: the orders the explorer lists pledges in.
    "relevance": (_("Most relevant (when searching)"), ("-rank", "-pk")),
    "newest": (_("Newest first"), ("-published_at", "-pk")),
    "oldest": (_("Oldest first"), ("published_at", "pk")),
    "title": (_("Title A to Z"), ("title", "pk")),
    "reference": (_("Reference"), ("cycle__forum_year", "sequence", "pk")),
}


SEARCH_CONFIG = "english"
# Organisations whose names match the words, at most: enough for any real search.
MATCHING_ORGANISATIONS = 500


def search_vector() -> SearchVector:
    """What PostgreSQL searches in a pledge: its title first, then its description."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "description", weight="B", config=SEARCH_CONFIG
    )


def public_pledges() -> QuerySet[Pledge]:
    """What the explorer lists: published pledges themselves (not proposed revisions)."""
    return Pledge.objects.published().originals()


# Yes, no, or either: what a boolean filter offers, in words.
EITHER = forms.Select(choices=[("", _("Either")), ("true", _("Yes")), ("false", _("No"))])


class PledgeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Words"), method="filter_words", max_length=200)
    cycle = django_filters.ModelChoiceFilter(
        label=_("Review cycle"), queryset=ReviewCycle.objects.all(), to_field_name="code"
    )
    objective = django_filters.ModelChoiceFilter(
        label=_("Objective"),
        queryset=Objective.objects.all(),
        to_field_name="number",
        method="filter_objective",
    )
    main = django_filters.BooleanFilter(
        label=_("As a main objective only"), method="filter_nothing", widget=EITHER
    )
    principle = django_filters.ModelChoiceFilter(
        label=_("Guiding principle"),
        queryset=GuidingPrinciple.objects.all(),
        to_field_name="letter",
        method="filter_principle",
    )
    form = django_filters.ChoiceFilter(
        label=_("Form"),
        choices=[(key, label) for key, (_field, label) in FORMS.items()],
        method="filter_form",
    )
    joint = django_filters.ChoiceFilter(
        label=_("Alone or jointly"), field_name="joint_kind", choices=JointKind.choices
    )
    kind = django_filters.ChoiceFilter(
        label=_("Organisation kind"),
        field_name="lead_organisation__kind",
        choices=OrganisationKind.choices,
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Implemented in region"),
        queryset=Area.objects.commissions(),
        to_field_name="code",
        method="filter_region",
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Implemented in country"),
        queryset=Area.objects.countries(),
        to_field_name="code",
        method="filter_country",
    )
    pledger_region = django_filters.ModelChoiceFilter(
        label=_("Pledger's region"),
        queryset=Area.objects.commissions(),
        to_field_name="code",
        field_name="lead_organisation__country__commissions",
    )
    pledger_country = django_filters.ModelChoiceFilter(
        label=_("Pledger's country"),
        queryset=Area.objects.countries(),
        to_field_name="code",
        field_name="lead_organisation__country",
    )
    status = django_filters.ChoiceFilter(
        label=_("Implementation status"),
        field_name="implementation_status",
        choices=ImplementationStatus.choices,
    )
    reporting = django_filters.ChoiceFilter(
        label=_("Reporting"),
        choices=[(key, REPORTING_LABELS[key]) for key in STATUSES],
        method="filter_reporting",
    )
    verification = django_filters.ChoiceFilter(
        label=_("Has a published update"), choices=Level.choices, method="filter_level"
    )
    matching = django_filters.BooleanFilter(
        label=_("Matching another pledge"), method="filter_matching", widget=EITHER
    )
    targets = django_filters.BooleanFilter(
        label=_("Has targets on an indicator"), method="filter_targets", widget=EITHER
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        method="filter_nothing",
        empty_label=None,
    )

    class Meta:
        model = Pledge
        fields: list[str] = []

    def __init__(self, data: Any = None, queryset: QuerySet[Pledge] | None = None, **kwargs: Any):
        super().__init__(data, queryset if queryset is not None else public_pledges(), **kwargs)

    @property
    def qs(self) -> QuerySet[Pledge]:
        pledges = super().qs
        return pledges.order_by(*SORTS[self.order][1])

    @property
    def order(self) -> str:
        """The order asked for; by default the most relevant first when searching words
        (where the database ranks them), else the newest."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        ranked = bool(data.get("q")) and connection.vendor == "postgresql"
        if data.get("sort") and (data["sort"] != "relevance" or ranked):
            return data["sort"]
        return "relevance" if ranked else "newest"

    def filter_nothing(self, queryset: QuerySet[Pledge], name: str, value: Any) -> QuerySet:
        return queryset  # read by another filter (main) or by `qs` (sort)

    def filter_words(self, queryset: QuerySet[Pledge], name: str, value: str) -> QuerySet:
        words = value.strip()
        if not words:
            return queryset
        # Organisations first, as a list: every condition then reads the pledge table alone,
        # so PostgreSQL can combine its indexes (full text, reference, lead) instead of
        # reading every pledge.
        organisations = list(
            Organisation.objects.filter(
                Q(name__icontains=words) | Q(acronym__iexact=words)
            ).values_list("pk", flat=True)[:MATCHING_ORGANISATIONS]
        )
        # References are written in capitals: compared as such, their unique index serves.
        by_name = Q(reference=words.upper()) | Q(lead_organisation__in=organisations)
        if connection.vendor == "postgresql":
            query = SearchQuery(words, search_type="websearch", config=SEARCH_CONFIG)
            # The same expression as the index of migration 0024, so the index serves it.
            document = search_vector()
            return queryset.annotate(document=document, rank=SearchRank(document, query)).filter(
                Q(document=query) | by_name
            )
        # Elsewhere each word somewhere: in the title, the description or the lead's name.
        every_word = Q()
        for word in words.split()[:8]:
            every_word &= (
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(lead_organisation__name__icontains=word)
            )
        return queryset.filter(every_word | by_name)

    def filter_objective(self, queryset: QuerySet[Pledge], name: str, value: Objective):
        links = PledgeObjective.objects.filter(pledge=OuterRef("pk"), objective=value)
        if self.form.cleaned_data.get("main"):
            links = links.filter(main_rank__isnull=False)
        return queryset.filter(Exists(links))

    def filter_principle(self, queryset: QuerySet[Pledge], name: str, value: GuidingPrinciple):
        through = Pledge.principles.through.objects.filter(
            pledge=OuterRef("pk"), guidingprinciple=value
        )
        return queryset.filter(Exists(through))

    def filter_form(self, queryset: QuerySet[Pledge], name: str, value: str):
        return queryset.filter(**{FORMS[value][0]: True})

    def filter_region(self, queryset: QuerySet[Pledge], name: str, value: Area):
        # Implemented in one of its member countries, or in the commission's region itself.
        through = Pledge.areas.through.objects.filter(pledge=OuterRef("pk")).filter(
            Q(area=value) | Q(area__commissions=value)
        )
        return queryset.filter(Exists(through))

    def filter_country(self, queryset: QuerySet[Pledge], name: str, value: Area):
        through = Pledge.areas.through.objects.filter(pledge=OuterRef("pk"), area=value)
        return queryset.filter(Exists(through))

    def filter_reporting(self, queryset: QuerySet[Pledge], name: str, value: str):
        annotated = with_reporting_status(queryset, cycle=current_cycle())
        return annotated.filter(reporting_status=value)

    def filter_level(self, queryset: QuerySet[Pledge], name: str, value: str):
        updates = ProgressUpdate.objects.published().filter(pledge=OuterRef("pk"))
        if value == Level.CORROBORATED:
            updates = _corroborated(updates)
        elif value == Level.VERIFIED:
            updates = updates.filter(verified_at__isnull=False).exclude(
                pk__in=_corroborated(ProgressUpdate.objects.all()).values("pk")
            )
        elif value == Level.EVIDENCED:
            updates = updates.filter(
                Exists(Evidence.objects.filter(update=OuterRef("pk"))), verified_at__isnull=True
            ).exclude(pk__in=_corroborated(ProgressUpdate.objects.all()).values("pk"))
        return queryset.filter(Exists(updates))

    def filter_matching(self, queryset: QuerySet[Pledge], name: str, value: bool | None):
        matched = Pledge.objects.published().filter(matches=OuterRef("pk"))
        condition = Q(matches__isnull=False) | Exists(matched)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_targets(self, queryset: QuerySet[Pledge], name: str, value: bool | None):
        on_indicator = PledgeTarget.objects.filter(pledge=OuterRef("pk"), indicator__isnull=False)
        return queryset.filter(Exists(on_indicator) if value else ~Exists(on_indicator))


def _corroborated(updates: QuerySet[ProgressUpdate]) -> QuerySet[ProgressUpdate]:
    """Updates with a published corroboration and no published contest (verification.py)."""
    published = Corroboration.objects.filter(
        update=OuterRef("pk"), status=CorroborationStatus.PUBLISHED
    )
    return updates.filter(Exists(published.filter(kind=CorroborationKind.CORROBORATE))).exclude(
        Exists(published.filter(kind=CorroborationKind.CONTEST))
    )


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date and time, in UTC: PostgreSQL refuses offsets beyond 16 hours that
    ISO allows (-23:03), and a moment near year 1 or 9999 may not exist in UTC."""

    def to_python(self, value: Any) -> Any:
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(
                gettext("Give a date and time between the years 1 and 9999."), code="invalid"
            ) from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class UpdateFilter(django_filters.FilterSet):
    """Published progress updates: of one pledge, of a cycle's pledges, published since."""

    pledge = django_filters.CharFilter(
        label=_("Pledge reference"), field_name="pledge__reference", max_length=20
    )
    cycle = django_filters.ModelChoiceFilter(
        label=_("Review cycle"),
        queryset=ReviewCycle.objects.all(),
        to_field_name="code",
        field_name="pledge__cycle",
    )
    since = UtcDateTimeFilter(
        label=_("Published at or after"), field_name="published_at", lookup_expr="gte"
    )

    class Meta:
        model = ProgressUpdate
        fields: list[str] = []


class OrganisationFilter(django_filters.FilterSet):
    """Public organisations: by kind, by country, by words of the name or the acronym."""

    q = django_filters.CharFilter(label=_("Name or acronym"), method="_words", max_length=200)
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)
    country = django_filters.ModelChoiceFilter(
        label=_("Country (ISO 3166 alpha-3)"),
        queryset=Area.objects.countries(),
        to_field_name="iso3",
    )
    accredited = django_filters.BooleanFilter()

    class Meta:
        model = Organisation
        fields: list[str] = []

    def _words(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(Q(name__icontains=word) | Q(acronym__icontains=word))
        return queryset
