"""The SMART check of a pledge: one function used by the portal form, the admin and the API."""

from __future__ import annotations

from dataclasses import dataclass, field

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
        specific.append("a title")
    if description < DESCRIPTION_MIN:
        specific.append(
            f"a description of at least {DESCRIPTION_MIN} characters ({description} now)"
        )
    elif description > DESCRIPTION_MAX:
        specific.append(
            f"a description of at most {DESCRIPTION_MAX} characters ({description} now)"
        )
    if not pledge.forms:
        specific.append("the form of the pledge (financial, human resources, process, policy)")

    targets = list(pledge.targets.all())
    measurable = []
    if not targets:
        measurable.append("at least one target")
    elif not any(t.is_measurable for t in targets):
        measurable.append("a target with baseline value and year and target value and year")

    achievable = []
    if pledge.form_financial and (pledge.amount is None or not pledge.currency):
        achievable.append("the amount and currency of the financial contribution")
    if pledge.form_human_resources and not pledge.description.strip():
        achievable.append("the human resources committed, in the description")

    relevant = []
    if not any(link.main_rank for link in pledge.objective_links.all()):
        relevant.append("at least one main GCM objective")

    time_bound = []
    if pledge.deadline is None:
        time_bound.append("a deadline")

    return SmartReport(
        [
            Criterion("specific", "Specific", not specific, specific),
            Criterion("measurable", "Measurable", not measurable, measurable),
            Criterion("achievable", "Achievable and resourced", not achievable, achievable),
            Criterion("relevant", "Relevant to the GCM", not relevant, relevant),
            Criterion("time_bound", "Time-bound", not time_bound, time_bound),
        ]
    )
