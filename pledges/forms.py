"""Portal forms. They validate input and hand plain data to services; they save nothing."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from indicators.models import Area, AreaKind, GuidingPrinciple, Indicator, Objective
from pledges.models import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    MAX_MAIN_OBJECTIVES,
    Organisation,
    OrganisationKind,
    Pledge,
    PledgeTarget,
    ProgressUpdate,
    ReviewCycle,
    ReviewState,
)
from pledges.selectors import current_cycle
from pledges.services import Measurement, PledgeContent, TargetData
from pledges.uploads import validate_evidence_file


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "acronym", "kind", "country", "website"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Area.objects.countries().order_by("name")
        self.fields["kind"].choices = OrganisationKind.choices

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Organisation.objects.annotate(lower=Lower("name")).filter(lower=name.lower()).exists():
            raise forms.ValidationError(
                "An organisation of this name is registered already: ask its focal point to "
                "invite you."
            )
        return name


class PledgeCreateForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    cycle = forms.ModelChoiceField(
        label="Review cycle", queryset=ReviewCycle.objects.order_by("forum_year")
    )
    title = forms.CharField(max_length=300)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].initial = current_cycle()
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]


class PledgeForm(forms.ModelForm):
    """The pledge itself. Only the title is needed to save a draft; submission checks the rest."""

    main_objective_1 = forms.ModelChoiceField(
        label="First main objective", queryset=Objective.objects.all(), required=False
    )
    main_objective_2 = forms.ModelChoiceField(
        label="Second main objective", queryset=Objective.objects.all(), required=False
    )
    main_objective_3 = forms.ModelChoiceField(
        label="Third main objective",
        queryset=Objective.objects.all(),
        required=False,
        help_text=f"Up to {MAX_MAIN_OBJECTIVES} main objectives, in order of importance.",
    )
    further_objectives = forms.ModelMultipleChoiceField(
        queryset=Objective.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    principles_chosen = forms.ModelMultipleChoiceField(
        label="Guiding principles",
        queryset=GuidingPrinciple.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    areas_chosen = forms.ModelMultipleChoiceField(
        label="Countries and regions of implementation",
        queryset=Area.objects.exclude(kind=AreaKind.WORLD).order_by("kind", "name"),
        required=False,
        help_text="Hold Ctrl (Cmd on a Mac) to choose several. Leave empty for a global pledge.",
    )
    partner_organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Accredited organisations pledging with you; each is asked to accept.",
    )
    partner_emails = forms.CharField(
        label="Invite partners not registered yet",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "short"}),
        help_text="E-mail addresses, one per line: each is asked to register and accept.",
    )
    matches_reference = forms.CharField(
        label="Matches pledge",
        max_length=320,
        required=False,
        help_text="The published pledge this one funds or supports: type its reference "
        "(GCM-2022-0042) or words of its title.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Pledge
        fields = [
            "title",
            "description",
            "form_financial",
            "form_human_resources",
            "form_process",
            "form_policy",
            "joint_kind",
            "mirrors_gcr",
            "is_global",
            "start_date",
            "deadline",
            "amount",
            "currency",
        ]
        widgets = {
            "description": forms.Textarea(
                attrs={"data-counter": f"{DESCRIPTION_MIN},{DESCRIPTION_MAX}", "rows": 12}
            ),
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pledge = self.instance
        self.fields["partner_organisations"].queryset = (
            Organisation.objects.filter(accredited=True)
            .exclude(pk=pledge.lead_organisation_id)
            .order_by("name")
        )
        self.fields["matches_reference"].widget.attrs.update(
            {"list": "matches-options", "data-lookup": reverse("portal:pledge_lookup")}
        )
        self.fields["description"].max_length = DESCRIPTION_MAX
        self.fields["description"].widget.attrs["maxlength"] = DESCRIPTION_MAX
        if not self.is_bound:
            links = list(pledge.objective_links.select_related("objective"))
            ranked = {link.main_rank: link.objective for link in links if link.main_rank}
            self.initial.update(
                **{f"main_objective_{rank}": ranked.get(rank) for rank in (1, 2, 3)},
                further_objectives=[link.objective for link in links if not link.main_rank],
                principles_chosen=list(pledge.principles.all()),
                areas_chosen=list(pledge.areas.all()),
                partner_organisations=[
                    link.organisation
                    for link in pledge.partner_links.select_related("organisation")
                    if link.organisation_id and link.status != "declined"
                ],
                partner_emails="\n".join(
                    pledge.partner_links.filter(organisation__isnull=True).values_list(
                        "invited_email", flat=True
                    )
                ),
                matches_reference=pledge.matches.reference if pledge.matches_id else "",
                version=pledge.version,
            )

    def clean_partner_emails(self) -> list[str]:
        addresses = [a for a in re.split(r"[\s,;]+", self.cleaned_data["partner_emails"]) if a]
        validate = forms.EmailField().clean
        wrong = []
        for address in addresses:
            try:
                validate(address)
            except forms.ValidationError:
                wrong.append(address)
        if wrong:
            raise forms.ValidationError(f"Not e-mail addresses: {', '.join(wrong)}.")
        return addresses

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()

    def clean_matches_reference(self) -> Pledge | None:
        text = self.cleaned_data["matches_reference"].strip()
        if not text:
            return None
        # The reference may come with its title, as the search suggestions show it.
        found = re.search(r"GCM-\d{4}-\d{4,}", text, re.IGNORECASE)
        reference = found.group(0).upper() if found else text.upper()
        matched = Pledge.objects.filter(
            reference=reference, review_state=ReviewState.PUBLISHED
        ).first()
        if matched is None:
            raise forms.ValidationError("No published pledge has this reference.")
        if matched.pk in (self.instance.pk, self.instance.revision_of_id):
            raise forms.ValidationError("A pledge cannot match itself.")
        return matched

    def clean_description(self) -> str:
        description = self.cleaned_data["description"]
        # A draft may be unfinished; a pledge returned for changes was complete once and stays so.
        if self.instance.review_state != "draft" and len(description.strip()) < DESCRIPTION_MIN:
            raise forms.ValidationError(
                f"A pledge under review keeps at least {DESCRIPTION_MIN} characters."
            )
        return description

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        amount, currency = data.get("amount"), data.get("currency", "")
        if amount is not None and len(currency) != 3:
            self.add_error("currency", "Give the ISO 4217 code of the amount's currency, e.g. USD.")
        start, deadline = data.get("start_date"), data.get("deadline")
        if start and deadline and deadline < start:
            self.add_error("deadline", "The deadline cannot come before the start.")
        chosen = [data.get(f"main_objective_{rank}") for rank in (1, 2, 3)]
        main = [objective for objective in chosen if objective is not None]
        if len(set(main)) < len(main):
            self.add_error("main_objective_2", "Choose each main objective once.")
        data["main_objectives"] = list(dict.fromkeys(main))
        if set(main) & set(data.get("further_objectives") or []):
            self.add_error(
                "further_objectives", "An objective is either main or further, not both."
            )
        return data

    def content(self, targets: list[TargetData]) -> PledgeContent:
        data = self.cleaned_data
        fields = {name: data[name] for name in self._meta.fields}
        fields["matches"] = data["matches_reference"]
        return PledgeContent(
            fields=fields,
            main_objectives=data["main_objectives"],
            further_objectives=list(data["further_objectives"]),
            principles=list(data["principles_chosen"]),
            areas=list(data["areas_chosen"]),
            targets=targets,
            partners=list(data["partner_organisations"]),
            partner_emails=data["partner_emails"],
        )


class TargetForm(forms.ModelForm):
    class Meta:
        model = PledgeTarget
        fields = [
            "indicator",
            "own_metric",
            "unit",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
        ]
        labels = {"indicator": "Indicator of the GCM set", "own_metric": "or a metric of your own"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # New targets take the current version of a set; a target keeps the version it chose,
        # so that one stays on offer after a newer version is imported.
        chosen = self.instance.indicator_id or self.initial.get("indicator")
        self.fields["indicator"].queryset = Indicator.objects.filter(
            Q(indicator_set__is_current=True) | Q(pk=getattr(chosen, "pk", chosen))
        ).select_related("indicator_set")
        self.fields["indicator"].label_from_instance = lambda indicator: (
            str(indicator)
            if indicator.indicator_set.is_current
            else f"{indicator} ({indicator.indicator_set.name}, version "
            f"{indicator.indicator_set.version})"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("DELETE"):
            return data
        if bool(data.get("indicator")) == bool(data.get("own_metric", "").strip()):
            raise forms.ValidationError("Choose an indicator of the set or name your own metric.")
        baseline, target = data.get("baseline_year"), data.get("target_year")
        if baseline and target and target < baseline:
            self.add_error("target_year", "The target year cannot come before the baseline year.")
        for name in ("baseline_year", "target_year"):
            year = data.get(name)
            if year is not None and not 1990 <= year <= 2100:
                self.add_error(name, "Give a year between 1990 and 2100.")
        return data


TargetFormSet = forms.inlineformset_factory(
    Pledge, PledgeTarget, form=TargetForm, extra=1, can_delete=True
)


def targets_from(formset: forms.BaseInlineFormSet) -> list[TargetData]:
    """The targets the owner kept, in order, as plain data for the service."""
    targets = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        targets.append(
            TargetData(
                id=form.instance.pk,
                indicator=data.get("indicator"),
                own_metric=data.get("own_metric", "").strip(),
                unit=data.get("unit", ""),
                baseline_value=data.get("baseline_value"),
                baseline_year=data.get("baseline_year"),
                target_value=data.get("target_value"),
                target_year=data.get("target_year"),
            )
        )
    return targets


class EvidenceForm(forms.Form):
    title = forms.CharField(max_length=300)
    url = forms.URLField(label="Link", required=False, max_length=1000)
    file = forms.FileField(
        required=False,
        help_text="Up to 25 MB: PDF, text, Word, Excel, PowerPoint or OpenDocument.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload:
            validate_evidence_file(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and bool(data.get("url")) == bool(data.get("file")):
            raise forms.ValidationError("Give either a link or a file.")
        return data


class UpdateForm(forms.ModelForm):
    """A progress update, with a value field for each target of the pledge."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), help_text="The owner organisation that reports."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ProgressUpdate
        fields = [
            "reported_on",
            "implementation_status",
            "percent_complete",
            "narrative",
            "challenges",
            "support_needed",
            "amount_committed",
            "amount_disbursed",
        ]
        widgets = {
            "reported_on": forms.DateInput(attrs={"type": "date"}),
            "narrative": forms.Textarea(attrs={"rows": 6}),
            "challenges": forms.Textarea(attrs={"rows": 3, "class": "short"}),
            "support_needed": forms.Textarea(attrs={"rows": 3, "class": "short"}),
        }

    def __init__(
        self, *args: Any, pledge: Pledge, organisations: list[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pledge = pledge
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]
        if self.instance.pk:
            self.fields["organisation"].disabled = True
            self.fields["organisation"].initial = self.instance.organisation
            self.initial.setdefault("version", self.instance.version)
        self.fields["percent_complete"].widget.attrs.update(min=0, max=100)
        self.targets = list(pledge.targets.select_related("indicator"))
        existing = (
            {m.target_id: m for m in self.instance.measurements.all()} if self.instance.pk else {}
        )
        for target in self.targets:
            found = existing.get(target.pk)
            self.fields[f"value_{target.pk}"] = forms.DecimalField(
                label=f"{target.metric_name} ({target.unit})"
                if target.unit
                else target.metric_name,
                required=False,
                max_digits=20,
                decimal_places=4,
                initial=found.value if found else None,
                help_text=f"Baseline {target.baseline_value} ({target.baseline_year}), "
                f"target {target.target_value} ({target.target_year}).",
            )
            self.fields[f"measured_{target.pk}"] = forms.DateField(
                label="measured on",
                required=False,
                initial=found.measured_on if found else None,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def target_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"value_{t.pk}"], self[f"measured_{t.pk}"]) for t in self.targets]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for target in self.targets:
            value, measured = data.get(f"value_{target.pk}"), data.get(f"measured_{target.pk}")
            if value is not None and measured is None:
                data[f"measured_{target.pk}"] = data.get("reported_on")
            if measured is not None and value is None:
                self.add_error(f"value_{target.pk}", "Give the value measured on that date.")
        percent = data.get("percent_complete")
        if percent is not None and percent > 100:
            self.add_error("percent_complete", "At most 100.")
        return data

    def update_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def measurements(self) -> list[Measurement]:
        data = self.cleaned_data
        return [
            Measurement(target, data[f"value_{target.pk}"], data[f"measured_{target.pk}"])
            for target in self.targets
            if data.get(f"value_{target.pk}") is not None
        ]
