"""What owners write, defined once: a pledge's content with its targets, and a progress update
with the values it reports.

Forms build these objects, services write them, revisions copy them and versions freeze them.
A field is added here (and to its model), nowhere else: the forms' field lists, the services'
writes and the snapshots' keys all come from the dataclasses below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db.models import Model
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from indicators.models import Area, GuidingPrinciple, Indicator, Objective
from pledges.models import (
    MAX_MAIN_OBJECTIVES,
    JointKind,
    Organisation,
    PartnerStatus,
    Pledge,
    PledgeTarget,
    ProgressUpdate,
    ReviewCycle,
)

LINK, SECTION = "link", "section"

# The sections of the forms, each one object: parts of the same section share it.
THE_PLEDGE = gettext_lazy("The pledge")
FORM = gettext_lazy("Form of the pledge")
OBJECTIVES = gettext_lazy("GCM objectives")
WHERE_AND_WHEN = gettext_lazy("Where and when")
RESOURCES = gettext_lazy("Resources")
TARGETS = gettext_lazy("Targets")
WHAT_HAPPENED = gettext_lazy("What happened")
VALUES = gettext_lazy("Values measured against the targets")


def _part(section: str, default: Any) -> Any:
    """A part of the content held in the model's own row, shown in `section` of the forms."""
    return field(default=default, metadata={SECTION: section})


def _link(section: str, label: str) -> Any:
    """A part of the content held in other rows than the model's own (links, targets)."""
    return field(default=(), metadata={SECTION: section, LINK: label})


def _own_fields(cls: type) -> tuple[str, ...]:
    """The names of the content held in the model's own row, in form order."""
    return tuple(f.name for f in fields(cls) if f.init and LINK not in f.metadata)


def _links(cls: type) -> dict[str, str]:
    return {f.name: f.metadata[LINK] for f in fields(cls) if LINK in f.metadata}


def sections(content: type) -> list[tuple[str, list[str]]]:
    """The parts of the content by section, in form order: how forms and the admin lay it out."""
    grouped: list[tuple[str, list[str]]] = []
    for part in fields(content):
        if SECTION not in part.metadata:
            continue
        # By identity: titles are translated when shown, not when grouped.
        title = part.metadata[SECTION]
        names = next((names for seen, names in grouped if seen is title), None)
        if names is None:
            grouped.append((title, names := []))
        names.append(part.name)
    return grouped


def frozen_value(value: Any) -> Any:
    """A value as plain JSON that reads well in a comparison."""
    if value is None:
        return ""
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        # Decimals are stored with several places; 12.5000 and 12.5 are the same commitment.
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Objective):
        return value.number
    if isinstance(value, GuidingPrinciple):
        return value.letter
    if isinstance(value, Pledge):
        return value.reference
    if isinstance(value, tuple | list):
        return [frozen_value(item) for item in value]
    return str(value)


@dataclass(frozen=True)
class TargetContent:
    """One target: an indicator of the set or a metric of the pledge's own, baseline to target."""

    indicator: Indicator | None = None
    own_metric: str = ""
    unit: str = ""
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    target_value: Decimal | None = None
    target_year: int | None = None
    # The stored target this content is (so that reported values stay with it); None for new.
    id: int | None = field(default=None, compare=False)

    FIELDS: ClassVar[tuple[str, ...]]

    @classmethod
    def of(cls, target: PledgeTarget) -> TargetContent:
        return cls(id=target.pk, **{name: getattr(target, name) for name in cls.FIELDS})

    def write_to(self, target: PledgeTarget) -> None:
        for name in self.FIELDS:
            setattr(target, name, getattr(self, name))
        # A target on an indicator is measured as the indicator is, in its unit.
        if self.indicator is not None:
            target.unit = self.indicator.unit

    @property
    def metric_name(self) -> str:
        return str(self.indicator) if self.indicator is not None else self.own_metric

    def frozen(self) -> dict[str, Any]:
        return {
            "metric": self.metric_name,
            "unit": self.unit,
            "baseline": frozen_value(self.baseline_value),
            "baseline_year": self.baseline_year,
            "target": frozen_value(self.target_value),
            "target_year": self.target_year,
        }


TargetContent.FIELDS = tuple(name for name in _own_fields(TargetContent) if name != "id")


@dataclass(frozen=True)
class PledgeContent:
    """Everything an owner writes on a pledge, apart from who leads it and where it stands in
    review. Whatever is left out is empty."""

    title: str = _part(THE_PLEDGE, "")
    language: str = _part(THE_PLEDGE, settings.LANGUAGE_CODE)
    description: str = _part(THE_PLEDGE, "")
    form_financial: bool = _part(FORM, False)
    form_human_resources: bool = _part(FORM, False)
    form_process: bool = _part(FORM, False)
    form_policy: bool = _part(FORM, False)
    joint_kind: str = _part(FORM, JointKind.INDIVIDUAL)
    partners: tuple[Organisation, ...] = _link(FORM, gettext_lazy("Partner organisations"))
    partner_emails: tuple[str, ...] = _link(FORM, gettext_lazy("Partners invited by e-mail"))
    matches: Pledge | None = _part(FORM, None)
    main_objectives: tuple[Objective, ...] = _link(OBJECTIVES, gettext_lazy("Main objectives"))
    further_objectives: tuple[Objective, ...] = _link(
        OBJECTIVES, gettext_lazy("Further objectives")
    )
    principles: tuple[GuidingPrinciple, ...] = _link(OBJECTIVES, gettext_lazy("Guiding principles"))
    mirrors_gcr: bool = _part(OBJECTIVES, False)
    is_global: bool = _part(WHERE_AND_WHEN, False)
    areas: tuple[Area, ...] = _link(WHERE_AND_WHEN, gettext_lazy("Countries and regions"))
    start_date: dt.date | None = _part(WHERE_AND_WHEN, None)
    deadline: dt.date | None = _part(WHERE_AND_WHEN, None)
    amount: Decimal | None = _part(RESOURCES, None)
    currency: str = _part(RESOURCES, "")
    targets: tuple[TargetContent, ...] = _link(TARGETS, TARGETS)

    # The parts kept in the pledge's own row, and the parts kept in linked rows, with labels.
    FIELDS: ClassVar[tuple[str, ...]]
    LINKS: ClassVar[dict[str, str]]

    @classmethod
    def of(cls, pledge: Pledge) -> PledgeContent:
        """What the pledge says now: a handful of queries, whatever its size."""
        links = list(pledge.objective_links.select_related("objective"))
        partner_links = list(pledge.partner_links.select_related("organisation"))
        return cls(
            **{name: getattr(pledge, name) for name in cls.FIELDS},
            main_objectives=tuple(
                link.objective
                for link in sorted(links, key=lambda link: link.main_rank or 0)
                if link.main_rank
            ),
            further_objectives=tuple(
                sorted(
                    (link.objective for link in links if not link.main_rank),
                    key=lambda objective: objective.number,
                )
            ),
            principles=tuple(pledge.principles.order_by("letter")),
            areas=tuple(pledge.areas.order_by("name")),
            partners=tuple(
                link.organisation
                for link in partner_links
                if link.organisation_id and link.status != PartnerStatus.DECLINED
            ),
            partner_emails=tuple(
                link.invited_email for link in partner_links if not link.organisation_id
            ),
            targets=tuple(
                TargetContent.of(target)
                for target in pledge.targets.select_related("indicator__indicator_set")
            ),
        )

    def own_values(self) -> dict[str, Any]:
        """The content held in the pledge's own row, by field name."""
        return {name: getattr(self, name) for name in self.FIELDS}

    def frozen(self) -> dict[str, Any]:
        """The whole content as plain JSON values, for a version."""
        values = {name: frozen_value(getattr(self, name)) for name in self.FIELDS}
        values.update(
            {name: frozen_value(getattr(self, name)) for name in self.LINKS if name != "targets"}
        )
        values["targets"] = [target.frozen() for target in self.targets]
        return values


PledgeContent.FIELDS = _own_fields(PledgeContent)
PledgeContent.LINKS = _links(PledgeContent)


@dataclass(frozen=True)
class MeasurementContent:
    """A value measured for one of the pledge's targets."""

    target: PledgeTarget
    value: Decimal
    measured_on: dt.date

    def frozen(self) -> dict[str, Any]:
        return {
            "metric": self.target.metric_name,
            "value": frozen_value(self.value),
            "measured_on": frozen_value(self.measured_on),
        }


# The order of an update's values: its pledge's targets' order.
MEASUREMENT_ORDER = ("target__position", "target_id")


@dataclass(frozen=True)
class UpdateContent:
    """Everything an owner writes in a progress update."""

    reported_on: dt.date = field(metadata={SECTION: WHAT_HAPPENED})
    implementation_status: str = field(metadata={SECTION: WHAT_HAPPENED})
    percent_complete: int | None = _part(WHAT_HAPPENED, None)
    language: str = _part(WHAT_HAPPENED, settings.LANGUAGE_CODE)
    narrative: str = _part(WHAT_HAPPENED, "")
    challenges: str = _part(WHAT_HAPPENED, "")
    support_needed: str = _part(WHAT_HAPPENED, "")
    amount_committed: Decimal | None = _part(RESOURCES, None)
    amount_disbursed: Decimal | None = _part(RESOURCES, None)
    measurements: tuple[MeasurementContent, ...] = _link(VALUES, gettext_lazy("Values measured"))

    FIELDS: ClassVar[tuple[str, ...]]
    LINKS: ClassVar[dict[str, str]]

    @classmethod
    def of(cls, update: ProgressUpdate) -> UpdateContent:
        """What the update says now: one query, or none when a list prefetched its values
        (with their targets, in the targets' order)."""
        measurements = update.measurements.all()
        if "measurements" not in getattr(update, "_prefetched_objects_cache", {}):
            measurements = measurements.select_related("target__indicator").order_by(
                *MEASUREMENT_ORDER
            )
        return cls(
            **{name: getattr(update, name) for name in cls.FIELDS},
            measurements=tuple(
                MeasurementContent(m.target, m.value, m.measured_on) for m in measurements
            ),
        )

    def own_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.FIELDS}

    def frozen(self) -> dict[str, Any]:
        values = {name: frozen_value(getattr(self, name)) for name in self.FIELDS}
        values["measurements"] = [m.frozen() for m in self.measurements]
        return values


UpdateContent.FIELDS = _own_fields(UpdateContent)
UpdateContent.LINKS = _links(UpdateContent)


def field_label(model: type[Model], name: str, links: dict[str, str]) -> str:
    """How a part of the content is called in forms and comparisons."""
    if name in links:
        return str(links[name])
    return str(model._meta.get_field(name).verbose_name).capitalize()


# Invitations by address reach people outside the tracker: only a few per pledge, and only from
# accredited organisations, so that nobody can use the site to send spam.
MAX_ADDRESS_INVITATIONS = 10


def content_problems(pledge: Pledge, content: PledgeContent) -> dict[str, str]:
    """What breaks the rules of a pledge's content that span several rows, by the part to mend.

    Rules of one row are the models' constraints; these are the rest. Forms show them beside
    their fields, services refuse content that has any.
    """
    problems: dict[str, str] = {}
    if len(content.main_objectives) > MAX_MAIN_OBJECTIVES:
        problems["main_objectives"] = ngettext(
            "Choose at most %(count)d main objective.",
            "Choose at most %(count)d main objectives.",
            MAX_MAIN_OBJECTIVES,
        ) % {"count": MAX_MAIN_OBJECTIVES}
    if set(content.main_objectives) & set(content.further_objectives):
        problems["further_objectives"] = _("An objective is either main or further, not both.")
    if any(partner.pk == pledge.lead_organisation_id for partner in content.partners):
        problems["partners"] = _("The lead organisation cannot also be a partner.")
    elif any(not partner.accredited for partner in content.partners):
        problems["partners"] = _("Partners are chosen among accredited organisations.")
    if content.partner_emails and not pledge.lead_organisation.accredited:
        problems["partner_emails"] = _(
            "Invitations by e-mail can be sent once your organisation is accredited; meanwhile "
            "choose partners among accredited organisations."
        )
    elif len(content.partner_emails) > MAX_ADDRESS_INVITATIONS:
        problems["partner_emails"] = ngettext(
            "Invite at most %(count)d partner by e-mail.",
            "Invite at most %(count)d partners by e-mail.",
            MAX_ADDRESS_INVITATIONS,
        ) % {"count": MAX_ADDRESS_INVITATIONS}
    if content.matches is not None and content.matches.pk in (pledge.pk, pledge.revision_of_id):
        problems["matches"] = _("A pledge cannot match itself.")
    return problems


NARRATIVE_MIN = 20
# How far above its baseline and target a value may stand before someone should look twice.
FAR_ABOVE = 10


def _is_percent(unit: str) -> bool:
    unit = unit.lower()
    return "%" in unit or "percent" in unit or "per cent" in unit


@dataclass(frozen=True)
class Problems:
    """What a form shows: errors to mend, and warnings a person confirms or corrects."""

    errors: dict[str, list[str]]
    warnings: list[str]


def update_problems(
    pledge: Pledge, content: UpdateContent, *, cycle: ReviewCycle, today: dt.date
) -> Problems:
    """What is wrong, or odd, in a progress update for `cycle`; keys of `errors` are the
    content's parts, or `value_<target id>` for a value. Services refuse errors; warnings need
    a person's eye."""
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []

    def error(part: str, message: str) -> None:
        errors.setdefault(part, []).append(message)

    begins = cycle.period_start()
    if content.reported_on > today:
        error("reported_on", _("A report cannot be dated in the future."))
    elif content.reported_on < begins:
        error(
            "reported_on",
            _("Reports for %(cycle)s are dated from %(date)s, the end of the previous Forum.")
            % {"cycle": cycle.code, "date": date_format(begins, "d F Y")},
        )
    if len(content.narrative.strip()) < NARRATIVE_MIN:
        error(
            "narrative",
            ngettext(
                "Say what was done, in a sentence or more (at least %(count)d character).",
                "Say what was done, in a sentence or more (at least %(count)d characters).",
                NARRATIVE_MIN,
            )
            % {"count": NARRATIVE_MIN},
        )
    committed, disbursed = content.amount_committed, content.amount_disbursed
    if committed is not None and disbursed is not None and disbursed > committed:
        warnings.append(
            _("More is disbursed (%(disbursed)s) than committed (%(committed)s).")
            % {"disbursed": f"{disbursed.normalize():f}", "committed": f"{committed.normalize():f}"}
        )
    for m in content.measurements:
        target, part = m.target, f"value_{m.target.pk}"
        if m.measured_on > today:
            error(part, _("A value cannot be measured in the future."))
        elif target.baseline_year and m.measured_on.year < target.baseline_year:
            error(
                part,
                _("Measured before the baseline year, %(year)s.") % {"year": target.baseline_year},
            )
        if _is_percent(target.unit) and not 0 <= m.value <= 100:
            error(part, _("A percentage lies between 0 and 100."))
            continue
        bounds = [v for v in (target.baseline_value, target.target_value) if v is not None]
        if m.value < 0 and bounds and min(bounds) >= 0:
            warnings.append(
                _("%(metric)s: %(value)s is below zero, while the baseline and the target are not.")
                % {"metric": target.metric_name, "value": f"{m.value.normalize():f}"}
            )
        elif bounds and max(bounds) > 0 and m.value > FAR_ABOVE * max(bounds):
            warnings.append(
                _("%(metric)s: %(value)s is more than %(times)s times the baseline and the target.")
                % {
                    "metric": target.metric_name,
                    "value": f"{m.value.normalize():f}",
                    "times": FAR_ABOVE,
                }
            )
    return Problems(errors, warnings)


def readable(
    content: PledgeContent | UpdateContent, *, leave_out: Collection[str] = ()
) -> list[tuple[str, list[tuple[str, str]]]]:
    """What the content says, section by section as the forms lay it out, in words for a page:
    parts left empty (or unticked) are left out; the long texts and the targets or values,
    which pages show in their own way, too; and the parts named in `leave_out` (by name, as
    labels are translated)."""
    model = Pledge if isinstance(content, PledgeContent) else ProgressUpdate
    shown_apart = {"title", "description", "targets", "narrative", "measurements", *leave_out}
    laid_out = []
    for title, parts in sections(type(content)):
        rows = []
        for part in parts:
            if part in shown_apart:
                continue
            text = _in_words(model, part, getattr(content, part))
            if text:
                rows.append((field_label(model, part, content.LINKS), text))
        if rows:
            laid_out.append((title, rows))
    return laid_out


def _in_words(model: type[Model], part: str, value: Any) -> str:
    if value is None or value == "" or value is False or value == ():
        return ""
    if value is True:
        return _("yes")
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    choices = dict(model._meta.get_field(part).choices or [])
    return str(choices.get(value, value))
