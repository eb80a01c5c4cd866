"""The SMART check of a pledge: one function used by the portal form, the admin and the API."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pledges.models import DESCRIPTION_MAX, DESCRIPTION_MIN, Pledge


@dataclass(frozen=True)
class Criterion:
    key: str  # specific, measurable, achievable, relevant, time_bound
    label: str
    passed: bool
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SmartReport:
    criteria: list[Criterion]

    @property
    def score(self) -> int:
        """How many of the five criteria are met, 0 to 5."""
        return sum(c.passed for c in self.criteria)

    @property
    def complete(self) -> bool:
        return all(c.passed for c in self.criteria)

    @property
    def missing(self) -> list[str]:
        return [item for c in self.criteria for item in c.missing]


def smart_check(pledge: Pledge) -> SmartReport:
    """Say which SMART criteria a pledge meets and what is missing for the others.

    Reads the pledge's targets and objective links: callers listing many pledges prefetch
    `targets` and `objective_links`.
    """
    # Counted as the form's counter counts, ignoring surrounding white space.
    description = len(pledge.description.strip())
    specific = []
    if not pledge.title.strip():
        # Translators: this and the other missing items each complete "Before submitting,
        # add: …" (several are listed, separated by semicolons).
        specific.append(_("a title"))
    if description < DESCRIPTION_MIN:
        specific.append(
            ngettext(
                "a description of at least %(limit)s character (%(count)s now)",
                "a description of at least %(limit)s characters (%(count)s now)",
                DESCRIPTION_MIN,
            )
            % {"limit": DESCRIPTION_MIN, "count": description}
        )
    elif description > DESCRIPTION_MAX:
        specific.append(
            ngettext(
                "a description of at most %(limit)s character (%(count)s now)",
                "a description of at most %(limit)s characters (%(count)s now)",
                DESCRIPTION_MAX,
            )
            % {"limit": DESCRIPTION_MAX, "count": description}
        )
    if not pledge.forms:
        specific.append(_("the form of the pledge (financial, human resources, process, policy)"))

    targets = list(pledge.targets.all())
    measurable = []
    if not targets:
        measurable.append(_("at least one target"))
    elif not any(t.is_measurable for t in targets):
        measurable.append(_("a target with baseline value and year and target value and year"))

    achievable = []
    if pledge.form_financial and (pledge.amount is None or not pledge.currency):
        achievable.append(_("the amount and currency of the financial contribution"))
    if pledge.form_human_resources and not pledge.description.strip():
        achievable.append(_("the human resources committed, in the description"))

    relevant = []
    if not any(link.main_rank for link in pledge.objective_links.all()):
        relevant.append(_("at least one main GCM objective"))

    time_bound = []
    if pledge.deadline is None:
        time_bound.append(_("a deadline"))

    return SmartReport(
        [
            # Translators: the first of the five SMART criteria a pledge is checked against.
            Criterion("specific", _("Specific"), not specific, specific),
            Criterion("measurable", _("Measurable"), not measurable, measurable),
            Criterion("achievable", _("Achievable and resourced"), not achievable, achievable),
            Criterion("relevant", _("Relevant to the GCM"), not relevant, relevant),
            Criterion("time_bound", _("Time-bound"), not time_bound, time_bound),
        ]
    )
