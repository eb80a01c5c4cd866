"""Frozen, comparable copies of pledges and updates: what each version said, and what changed
between two. The parts and their order come from pledges.content."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext as _

from pledges.content import PledgeContent, UpdateContent, field_label
from pledges.models import PartnerStatus, Pledge, ProgressUpdate

LEAD = "lead_organisation"


def pledge_snapshot(pledge: Pledge) -> dict[str, Any]:
    """Everything a reviewer compares, as plain JSON values. A handful of queries, not per row."""
    content = PledgeContent.of(pledge)
    frozen = content.frozen()
    # Whether a partner has accepted yet is part of what a reviewer compares.
    waiting = set(
        pledge.partner_links.filter(status=PartnerStatus.INVITED).values_list(
            "organisation_id", flat=True
        )
    )
    frozen["partners"] = [
        f"{partner} (invited)" if partner.pk in waiting else str(partner)
        for partner in content.partners
    ]
    return {LEAD: str(pledge.lead_organisation), **frozen}


def update_snapshot(update: ProgressUpdate) -> dict[str, Any]:
    return UpdateContent.of(update).frozen()


def _labels(content: type, model: type[Model]) -> dict[str, str]:
    return {f.name: field_label(model, f.name, content.LINKS) for f in fields(content) if f.init}


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


def pledge_changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The parts of a pledge that differ between two snapshots, in form order."""
    labels = {LEAD: _("Lead organisation"), **_labels(PledgeContent, Pledge)}
    return _diff(before, after, labels, Pledge)


def update_changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The parts of an update that differ between two snapshots, in form order."""
    return _diff(before, after, _labels(UpdateContent, ProgressUpdate), ProgressUpdate)


def _diff(
    before: dict[str, Any], after: dict[str, Any], labels: dict[str, str], model: type[Model]
) -> list[Change]:
    changes = []
    for name, label in labels.items():
        old, new = before.get(name), after.get(name)
        if old != new:
            changes.append(Change(name, label, _text(model, name, old), _text(model, name, new)))
    return changes


def _text(model: type[Model], name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "targets":
        return "\n".join(
            f"{t['metric']}: {t['baseline'] or '?'} ({t['baseline_year'] or '?'}) → "
            f"{t['target'] or '?'} ({t['target_year'] or '?'}) {t['unit']}".rstrip()
            for t in value
        )
    if name == "measurements":
        return "\n".join(
            # Translators: a value measured against a target: "Workers recruited: 5200 on
            # 2027-06-30".
            _("%(metric)s: %(value)s on %(date)s")
            % {"metric": m["metric"], "value": m["value"], "date": m["measured_on"]}
            for m in value
        )
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    choices = getattr(_model_field(model, name), "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    return str(value)


def _model_field(model: type[Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
