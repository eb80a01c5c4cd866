"""Frozen, comparable copies of a pledge: what each version said, and what changed between two."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pledges.models import PartnerStatus, Pledge

# The order and wording in which a comparison lists the parts of a pledge.
LABELS: dict[str, str] = {
    "title": "Title",
    "description": "Description",
    "forms": "Forms of pledge",
    "joint_kind": "Type of pledge",
    "lead_organisation": "Lead organisation",
    "partners": "Partner organisations",
    "matches": "Matches pledge",
    "main_objectives": "Main objectives",
    "further_objectives": "Further objectives",
    "principles": "Guiding principles",
    "mirrors_gcr": "Mirror pledge (GCR)",
    "is_global": "Global implementation",
    "areas": "Countries and regions",
    "start_date": "Start",
    "deadline": "Deadline",
    "amount": "Amount",
    "currency": "Currency",
    "targets": "Targets",
}


def pledge_snapshot(pledge: Pledge) -> dict[str, Any]:
    """Everything a reviewer compares, as plain JSON values. A handful of queries, not per row."""
    links = list(pledge.objective_links.select_related("objective"))
    partners = pledge.partner_links.select_related("organisation").order_by("organisation__name")
    targets = pledge.targets.select_related("indicator").order_by("position", "id")
    return {
        "title": pledge.title,
        "description": pledge.description,
        "forms": pledge.forms,
        "joint_kind": pledge.get_joint_kind_display(),
        "lead_organisation": str(pledge.lead_organisation),
        "partners": [
            f"{link.organisation or link.invited_email}"
            + ("" if link.status == PartnerStatus.ACCEPTED else " (invited)")
            for link in partners
            if link.status != PartnerStatus.DECLINED
        ],
        "matches": pledge.matches.reference if pledge.matches_id else "",
        "main_objectives": [
            link.objective.number
            for link in sorted(links, key=lambda link: link.main_rank or 0)
            if link.main_rank
        ],
        "further_objectives": sorted(link.objective.number for link in links if not link.main_rank),
        "principles": sorted(pledge.principles.values_list("letter", flat=True)),
        "mirrors_gcr": pledge.mirrors_gcr,
        "is_global": pledge.is_global,
        "areas": sorted(pledge.areas.values_list("name", flat=True)),
        "start_date": pledge.start_date.isoformat() if pledge.start_date else "",
        "deadline": pledge.deadline.isoformat() if pledge.deadline else "",
        "amount": str(pledge.amount) if pledge.amount is not None else "",
        "currency": pledge.currency,
        "targets": [
            {
                "metric": target.metric_name,
                "unit": target.unit,
                "baseline": _number(target.baseline_value),
                "baseline_year": target.baseline_year,
                "target": _number(target.target_value),
                "target_year": target.target_year,
            }
            for target in targets
        ],
    }


def _number(value: Any) -> str:
    # Decimals are stored with four places; 12.5000 and 12.5 are the same commitment.
    return "" if value is None else f"{value.normalize():f}"


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


def snapshot_diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The parts that differ between two snapshots, in form order, as readable text."""
    changes = []
    for field, label in LABELS.items():
        old, new = before.get(field), after.get(field)
        if old != new:
            changes.append(Change(field, label, _text(field, old), _text(field, new)))
    return changes


def _text(field: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field == "targets":
        return "\n".join(
            f"{t['metric']}: {t['baseline'] or '?'} ({t['baseline_year'] or '?'}) → "
            f"{t['target'] or '?'} ({t['target_year'] or '?'}) {t['unit']}".rstrip()
            for t in value
        )
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
