"""What the write API reads: JSON handed to the portal's own forms, so that the API checks
what the portal checks, with the same messages, and builds the same content objects.

Serializers here say what types a client sends (and document them); the forms then apply
every rule of the domain. Identifiers are those the read API shows: objectives by number,
principles by letter, areas by code, organisations and indicators by id, pledges by
reference.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Model
from django.utils.translation import gettext as _
from rest_framework import serializers

from indicators.models import Area, GuidingPrinciple, Indicator, Objective
from pledges.content import PledgeContent, TargetContent, UpdateContent
from pledges.forms import (
    MAIN_OBJECTIVE_FIELDS,
    EvidenceForm,
    PledgeCreateForm,
    PledgeForm,
    TargetForm,
    UpdateForm,
    target_indicators,
)
from pledges.models import (
    MAX_MAIN_OBJECTIVES,
    Organisation,
    Pledge,
    PledgeTarget,
    ProgressUpdate,
)

# The parts of a pledge a client writes: the content, defined once in pledges.content.
PLEDGE_PARTS = (*PledgeContent.FIELDS, *PledgeContent.LINKS)
UPDATE_PARTS = (*UpdateContent.FIELDS, *UpdateContent.LINKS)

# Where a form's field is not the API's: the API takes main objectives as one ranked list.
RENAMED = {
    **dict.fromkeys(MAIN_OBJECTIVE_FIELDS, "main_objectives"),
    "opened_version": "version",
    "organisation": "lead_organisation",
    NON_FIELD_ERRORS: "non_field_errors",
}
# Choices named as the read API names them, not by database id.
BY_CODE = {
    **dict.fromkeys(MAIN_OBJECTIVE_FIELDS, "number"),
    "further_objectives": "number",
    "principles": "letter",
    "areas": "code",
}


def wire(value: Any) -> Any:
    """A content value as the API writes it."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Objective):
        return value.number
    if isinstance(value, GuidingPrinciple):
        return value.letter
    if isinstance(value, Area):
        return value.code
    if isinstance(value, Pledge):
        return value.reference
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, tuple | list):
        return [wire(item) for item in value]
    return str(value)


def target_wire(target: TargetContent) -> dict[str, Any]:
    return {"id": target.id, **{name: wire(getattr(target, name)) for name in TargetContent.FIELDS}}


def pledge_wire(content: PledgeContent) -> dict[str, Any]:
    """A pledge's content as the API reads and writes it."""
    values = {name: wire(getattr(content, name)) for name in PLEDGE_PARTS if name != "targets"}
    values["targets"] = [target_wire(target) for target in content.targets]
    return values


# What a part left out says: the content's own defaults (an individual pledge, no forms...).
EMPTY_PLEDGE = pledge_wire(PledgeContent())


def _form_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, list | tuple):
        return [_form_value(item) for item in value]
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    """A form's errors by the API's names for its fields."""
    found: dict[str, list[str]] = {}
    for name, errors in form.errors.items():
        found.setdefault(RENAMED.get(name, name), []).extend(errors)
    return found


def _choices_by_code(form: forms.BaseForm) -> None:
    for name, key in BY_CODE.items():
        if name in form.fields:
            form.fields[name].to_field_name = key


class TypesOnly(serializers.Serializer):
    """Reads the types a client sends; the portal's forms then check every rule in one round,
    with their own messages (a length or a choice is not refused twice in two wordings)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for field in fields.values():
            if not field.read_only:
                field.validators = []
        return fields


class TargetInput(TypesOnly, serializers.ModelSerializer):
    id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Give the id of a target the pledge has, to keep it and the values reported "
        "on it; leave it out for a new target. Targets left out are removed.",
    )
    indicator = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The id of an indicator of the current set (`/api/v1/indicators/`), or null "
        "for a metric of your own.",
    )

    class Meta:
        model = PledgeTarget
        fields = ("id", *TargetContent.FIELDS)
        extra_kwargs = {name: {"required": False} for name in TargetContent.FIELDS}


class PledgeInput(TypesOnly, serializers.ModelSerializer):
    """A pledge's content. Every part may be left out: a draft needs only its title, and
    submission checks the rest (the answer to a refused submission names what is missing)."""

    matches = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Reference of the published pledge this one funds or supports.",
    )
    partners = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Ids of accredited organisations pledging with the lead; each is asked to "
        "accept and co-owns the pledge once it has.",
    )
    partner_emails = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Addresses of partners not registered yet; each is invited to register.",
    )
    main_objectives = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        max_length=MAX_MAIN_OBJECTIVES,
        help_text=f"Numbers of up to {MAX_MAIN_OBJECTIVES} GCM objectives, the most important "
        "first.",
    )
    further_objectives = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Numbers of GCM objectives."
    )
    principles = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Letters of guiding principles (`/api/v1/principles/`).",
    )
    areas = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Codes of the countries and regions of implementation (`/api/v1/areas/`).",
    )
    targets = TargetInput(many=True, required=False)
    version = serializers.IntegerField(
        required=False,
        write_only=True,
        help_text="The version you read; or send it as `If-Match`. A stale edit is refused.",
    )

    class Meta:
        model = Pledge
        fields = (*PLEDGE_PARTS, "version")
        extra_kwargs = {name: {"required": False} for name in PledgeContent.FIELDS}


class PledgeCreateInput(PledgeInput):
    cycle = serializers.CharField(help_text="Code of a review cycle open for pledging.")
    lead_organisation = serializers.IntegerField(
        help_text="Id of the organisation of yours that leads the pledge."
    )

    class Meta(PledgeInput.Meta):
        fields = ("cycle", "lead_organisation", *PLEDGE_PARTS)


def pledge_lead(values: dict[str, Any], *, organisations: list[Organisation]) -> Pledge:
    """A new draft's cycle and lead, checked as the portal's first step checks them."""
    form = PledgeCreateForm(
        {
            "organisation": values["lead_organisation"],
            "cycle": values["cycle"],
            "title": _form_value(values.get("title", "")),
        },
        organisations=organisations,
    )
    form.fields["cycle"].to_field_name = "code"
    if not form.is_valid():
        raise serializers.ValidationError(form_errors(form))
    return Pledge(
        cycle=form.cleaned_data["cycle"], lead_organisation=form.cleaned_data["organisation"]
    )


def pledge_content(pledge: Pledge, values: dict[str, Any]) -> PledgeContent:
    """The content the client sent, checked by the portal's pledge form and target forms;
    what is left out is empty (a partial edit merges with what the pledge says first)."""
    values = {**EMPTY_PLEDGE, **values}
    data: dict[str, Any] = {
        name: _form_value(value)
        for name, value in values.items()
        if name in PledgeContent.FIELDS or name in PledgeContent.LINKS
    }
    data["partner_emails"] = "\n".join(values.get("partner_emails") or ())
    ranked = list(values.get("main_objectives") or ())
    for position, name in enumerate(MAIN_OBJECTIVE_FIELDS):
        data[name] = str(ranked[position]) if position < len(ranked) else ""
    # The version is checked by the service, under the row's lock.
    data["opened_version"] = str(pledge.version)
    form = PledgeForm(data, instance=pledge)
    _choices_by_code(form)
    errors: dict[str, Any] = {} if form.is_valid() else form_errors(form)
    targets, target_errors = _targets(pledge, list(values.get("targets") or ()))
    if target_errors:
        errors["targets"] = target_errors
    if errors:
        raise serializers.ValidationError(errors)
    return form.content(targets)


def _targets(
    pledge: Pledge, items: list[dict[str, Any]]
) -> tuple[tuple[TargetContent, ...], list[dict[str, Any]]]:
    existing = {target.pk: target for target in pledge.targets.all()} if pledge.pk else {}
    offered = Indicator.objects.filter(
        pk__in=[indicator.pk for indicator in target_indicators(existing.values())]
    )
    contents, errors, seen = [], [], set()
    for item in items:
        target_id = item.get("id")
        if target_id is not None and (target_id not in existing or target_id in seen):
            errors.append({"id": [_("Not a target of this pledge, or given twice.")]})
            continue
        seen.add(target_id)
        form = TargetForm(
            {name: _form_value(item.get(name)) for name in TargetContent.FIELDS},
            instance=existing.get(target_id) or PledgeTarget(pledge=pledge),
        )
        form.fields["indicator"].queryset = offered
        if form.is_valid():
            contents.append(
                TargetContent(
                    id=target_id,
                    **{name: form.cleaned_data.get(name) for name in TargetContent.FIELDS},
                )
            )
            errors.append({})
        else:
            errors.append(form_errors(form))
    return tuple(contents), errors if any(errors) else []


class MeasurementInput(serializers.Serializer):
    target = serializers.IntegerField(help_text="The id of one of the pledge's targets.")
    value = serializers.DecimalField(max_digits=20, decimal_places=4)
    measured_on = serializers.DateField(
        required=False, allow_null=True, help_text="Defaults to the update's date."
    )


class UpdateInput(TypesOnly, serializers.ModelSerializer):
    """A progress update: what happened, and values measured against the pledge's targets."""

    organisation = serializers.IntegerField(
        required=False,
        help_text="Id of the owner organisation of yours that reports (needed on creation; "
        "optional when you belong to one owner only).",
    )
    measurements = MeasurementInput(many=True, required=False)
    confirm_figures = serializers.BooleanField(
        required=False,
        write_only=True,
        help_text="Confirm figures that look unusual (far above target, beyond 100%): the "
        "answer to a refused update says when this is needed.",
    )
    version = serializers.IntegerField(
        required=False,
        write_only=True,
        help_text="The version you read; or send it as `If-Match`. A stale edit is refused.",
    )

    class Meta:
        model = ProgressUpdate
        fields = ("organisation", *UPDATE_PARTS, "confirm_figures", "version")
        extra_kwargs = {name: {"required": False} for name in UpdateContent.FIELDS}


def update_wire(content: UpdateContent) -> dict[str, Any]:
    values = {name: wire(getattr(content, name)) for name in UpdateContent.FIELDS}
    values["measurements"] = [
        {"target": m.target.pk, "value": wire(m.value), "measured_on": wire(m.measured_on)}
        for m in content.measurements
    ]
    return values


def update_form(
    pledge: Pledge,
    values: dict[str, Any],
    *,
    organisations: list[Organisation],
    update: ProgressUpdate | None = None,
) -> UpdateForm:
    """The portal's update form, filled with what the client sent and checked."""
    data: dict[str, Any] = {
        name: _form_value(values.get(name)) for name in UpdateContent.FIELDS if name in values
    }
    organisation = values.get("organisation")
    if organisation is None and len(organisations) == 1:
        organisation = organisations[0].pk
    data["organisation"] = _form_value(organisation)
    data["confirm_figures"] = bool(values.get("confirm_figures"))
    measurements = list(values.get("measurements") or ())
    targets = {target.pk for target in pledge.targets.all()}
    position_of: dict[int, int] = {}
    measurement_errors: list[dict[str, list[str]]] = [{} for _measurement in measurements]
    for position, measurement in enumerate(measurements):
        target = measurement["target"]
        if target not in targets or target in position_of:
            measurement_errors[position]["target"] = [
                _("Not a target of this pledge, or given twice.")
            ]
            continue
        position_of[target] = position
        data[f"value_{target}"] = _form_value(measurement["value"])
        data[f"measured_{target}"] = _form_value(measurement.get("measured_on"))
    form = UpdateForm(data, instance=update, pledge=pledge, organisations=organisations)
    errors: dict[str, Any] = {}
    if not form.is_valid():
        for name, messages in form.errors.items():
            part, _underscore, target = name.partition("_")
            if part in ("value", "measured") and int(target or 0) in position_of:
                wrong = measurement_errors[position_of[int(target)]]
                wrong.setdefault("value" if part == "value" else "measured_on", []).extend(messages)
            else:
                # Who reports is the update's organisation, not a pledge's lead.
                key = name if name == "organisation" else RENAMED.get(name, name)
                errors.setdefault(key, []).extend(messages)
    if any(measurement_errors):
        errors["measurements"] = measurement_errors
    if errors:
        raise serializers.ValidationError(errors)
    return form


class EvidenceInput(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    url = serializers.URLField(max_length=1000, help_text="A link to the evidence.")


def evidence_values(values: dict[str, Any]) -> dict[str, Any]:
    """A link checked as the portal's evidence form checks it (files go through the portal)."""
    form = EvidenceForm({"title": values.get("title", ""), "url": values.get("url", "")})
    if not form.is_valid():
        raise serializers.ValidationError(form_errors(form))
    return {"title": form.cleaned_data["title"], "url": form.cleaned_data["url"]}
