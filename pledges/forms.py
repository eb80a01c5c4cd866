"""Forms of the portal and the admin. They validate input and build the content objects of
pledges.content for the services; they save nothing."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from indicators.models import Area, AreaKind, GuidingPrinciple, Indicator, Objective
from indicators.templatetags.indicator_numbers import exact
from pledges.content import (
    MeasurementContent,
    PledgeContent,
    TargetContent,
    UpdateContent,
    content_problems,
    sections,
    update_problems,
)
from pledges.models import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    MAX_MAIN_OBJECTIVES,
    CorroborationKind,
    JoinRequest,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Pledge,
    PledgeTarget,
    ProgressUpdate,
    Report,
    ReviewCycle,
    TargetMeasurement,
)
from pledges.models.pledges import currency_choices
from pledges.selectors import current_cycle
from pledges.uploads import validate_evidence_file
from pledges.widgets import AreaChecklist, SuggestionsInput

STALE = _(
    "Someone else saved this after you opened it. Reload the page to see their changes; copy "
    "anything of yours you want to keep first."
)


MAIN_OBJECTIVE_FIELDS = tuple(
    f"main_objective_{rank}" for rank in range(1, MAX_MAIN_OBJECTIVES + 1)
)
# Parts of the content that a form shows as other fields than one of the same name.
FORM_FIELDS_OF = {"main_objectives": MAIN_OBJECTIVE_FIELDS, "targets": (), "measurements": ()}


def form_sections(content: type) -> list[tuple[str, tuple[str, ...]]]:
    """The content's sections as form field names (targets and values are formsets apart)."""
    laid_out = [
        (title, tuple(name for part in parts for name in FORM_FIELDS_OF.get(part, (part,))))
        for title, parts in sections(content)
    ]
    return [(title, names) for title, names in laid_out if names]


# The ids a database keeps: whole numbers that fit in 63 bits, written in ASCII digits.
ID = re.compile(r"[0-9]{1,18}")


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows by id; a value that cannot be an id (thirty digits, "²") is a wrong
    choice, said as such, never a query the database refuses."""

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else [value]:
            if not self.to_field_name and not ID.fullmatch(str(pk)):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class RulesOfTheStateMixin:
    """Model forms of pledges and updates check every rule of the model, also those that
    depend on the review state, which is never a field of the form."""

    def _get_validation_exclusions(self) -> set[str]:
        return super()._get_validation_exclusions() - {"review_state"}  # type: ignore[misc]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "acronym", "kind", "country", "website"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Area.objects.countries().order_by("name")
        # No kind is chosen for the registrant: a Member State by default would be wrong.
        self.fields["kind"].choices = [
            ("", gettext("Choose the kind of organisation")),
            *OrganisationKind.choices,
        ]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Organisation.objects.annotate(lower=Lower("name")).filter(lower=name.lower()).exists():
            raise forms.ValidationError(
                gettext(
                    "An organisation of this name is registered already: ask its focal point to "
                    "invite you."
                ),
                code="name_taken",
            )
        return name


class PledgeCreateForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    cycle = forms.ModelChoiceField(
        label=_("Review cycle"),
        queryset=ReviewCycle.objects.none(),
        help_text=_("Only cycles open for pledging are offered."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = ReviewCycle.objects.open_for_pledging(
            timezone.localdate()
        ).order_by("forum_year")
        self.fields["cycle"].initial = current_cycle()
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]


class PledgeReferenceField(forms.CharField):
    """A published pledge, typed as its reference, or as the search suggestions show it."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Pledge):
            return value.reference
        if isinstance(value, int):
            return Pledge.objects.filter(pk=value).values_list("reference", flat=True).first()
        return value

    def clean(self, value: Any) -> Pledge | None:
        text = super().clean(value).strip()
        if not text:
            return None
        found = re.search(r"GCM-\d{4}-\d{4,}", text, re.IGNORECASE)
        reference = found.group(0).upper() if found else text.upper()
        matched = Pledge.objects.published().filter(reference=reference).first()
        if matched is None:
            raise ValidationError(
                gettext("No published pledge has this reference."), code="unknown_pledge"
            )
        return matched


class EmailListField(forms.CharField):
    """E-mail addresses, one per line (commas and spaces also separate them)."""

    widget = forms.Textarea(attrs={"rows": 2, "class": "short"})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value: Any) -> tuple[str, ...]:
        addresses = [a for a in re.split(r"[\s,;]+", super().clean(value) or "") if a]
        check = forms.EmailField().clean
        wrong = []
        for address in addresses:
            try:
                check(address)
            except ValidationError:
                wrong.append(address)
        if wrong:
            raise ValidationError(
                ngettext(
                    "Not e-mail addresses: %(addresses)s.",
                    "Not e-mail addresses: %(addresses)s.",
                    len(wrong),
                ),
                code="invalid_emails",
                params={"addresses": ", ".join(wrong)},
            )
        return tuple(dict.fromkeys(address.lower() for address in addresses))


def _content_errors(form: forms.BaseForm, pledge: Pledge, content: PledgeContent) -> None:
    """The rules that span several rows, shown on the form where the person can mend them."""
    for name, message in content_problems(pledge, content).items():
        form.add_error(name if name in form.fields else None, message)


class WrittenInMixin:
    """The language of what the owner writes: the page's language unless they say otherwise,
    and unchanged when a client leaves it out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "language" not in self.fields:
            return
        self.fields["language"].required = False
        if not self.instance.pk and not self.is_bound:
            self.initial["language"] = page_language()

    def clean_language(self) -> str:
        chosen = self.cleaned_data.get("language")
        return chosen or (self.instance.language if self.instance.pk else page_language())


def page_language() -> str:
    language = get_language()
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class PledgeForm(WrittenInMixin, RulesOfTheStateMixin, forms.ModelForm):
    """A pledge's content (see pledges.content.PledgeContent), targets apart. Only the title
    is needed to save a draft; submission checks the rest."""

    main_objective_1 = forms.ModelChoiceField(
        label=_("First main objective"), queryset=Objective.objects.all(), required=False
    )
    main_objective_2 = forms.ModelChoiceField(
        label=_("Second main objective"), queryset=Objective.objects.all(), required=False
    )
    main_objective_3 = forms.ModelChoiceField(
        label=_("Third main objective"),
        queryset=Objective.objects.all(),
        required=False,
        help_text=ngettext_lazy(
            "Up to %(number)d main objective, in order of importance.",
            "Up to %(number)d main objectives, in order of importance.",
            "number",
        )
        % {"number": MAX_MAIN_OBJECTIVES},
    )
    further_objectives = ModelMultipleChoiceField(
        label=_("Further objectives"),
        queryset=Objective.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    principles = ModelMultipleChoiceField(
        label=_("Guiding principles"),
        queryset=GuidingPrinciple.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    areas = ModelMultipleChoiceField(
        label=_("Countries and regions of implementation"),
        queryset=Area.objects.exclude(kind=AreaKind.WORLD),
        required=False,
        widget=AreaChecklist,
        help_text=_("Open a region to choose its countries. Leave empty for a global pledge."),
    )
    partners = ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Organisation.objects.filter(accredited=True).order_by("name"),
        required=False,
        help_text=_("Accredited organisations pledging with you; each is asked to accept."),
    )
    partner_emails = EmailListField(
        label=_("Invite partners not registered yet"),
        required=False,
        help_text=_("E-mail addresses, one per line: each is asked to register and accept."),
    )
    matches = PledgeReferenceField(
        label=_("Matches pledge"),
        max_length=320,
        required=False,
        help_text=_(
            "The published pledge this one funds or supports: type its reference "
            "(GCM-2026-0042) or words of its title."
        ),
    )
    # The version of the pledge the form was opened at: a save over a newer one is refused.
    opened_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Pledge
        fields = PledgeContent.FIELDS
        widgets = {
            "description": forms.Textarea(
                attrs={"data-counter": f"{DESCRIPTION_MIN},{DESCRIPTION_MAX}", "rows": 12}
            ),
            "currency": SuggestionsInput(currency_choices, attrs={"class": "short"}),
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pledge = self.instance
        if "title" not in self.fields:
            return  # shown, not edited (the admin's page of a pledge decided for good)
        self.fields["partners"].queryset = self.fields["partners"].queryset.exclude(
            pk=pledge.lead_organisation_id
        )
        self.fields["matches"].widget.attrs.update(
            {"list": "matches-options", "data-lookup": reverse("portal:pledge_lookup")}
        )
        self.fields["description"].max_length = DESCRIPTION_MAX
        self.fields["description"].widget.attrs["maxlength"] = DESCRIPTION_MAX
        if not self.is_bound and pledge.pk:
            self.initial.update(
                self.initial_of(PledgeContent.of(pledge)), opened_version=pledge.version
            )

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (title, [self[name] for name in names]) for title, names in form_sections(PledgeContent)
        ]

    @staticmethod
    def initial_of(content: PledgeContent) -> dict[str, Any]:
        initial: dict[str, Any] = content.own_values()
        initial.update({name: list(getattr(content, name)) for name in PledgeContent.LINKS})
        chosen = content.main_objectives
        for rank, name in enumerate(MAIN_OBJECTIVE_FIELDS, start=1):
            initial[name] = chosen[rank - 1] if len(chosen) >= rank else None
        return initial

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].strip()
        if code and not re.fullmatch(r"[A-Za-z]{3}", code):
            raise ValidationError(
                gettext("Give the three-letter ISO 4217 code, e.g. USD."), code="invalid_currency"
            )
        return code.upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk and data.get("opened_version") not in (None, self.instance.version):
            raise ValidationError(STALE, code="stale")
        ranked = [data.get(name) for name in MAIN_OBJECTIVE_FIELDS]
        main = [objective for objective in ranked if objective is not None]
        if len(set(main)) < len(main):
            self.add_error(
                "main_objective_2",
                ValidationError(
                    gettext("Choose each main objective once."), code="repeated_objective"
                ),
            )
        data["main_objectives"] = tuple(dict.fromkeys(main))
        if not self.errors:
            _content_errors(self, self.instance, self.content(()))
        return data

    def content(self, targets: tuple[TargetContent, ...]) -> PledgeContent:
        data = self.cleaned_data
        return PledgeContent(
            **{name: data.get(name) for name in PledgeContent.FIELDS},
            **{
                name: tuple(data.get(name) or ())
                for name in PledgeContent.LINKS
                if name != "targets"
            },
            targets=targets,
        )


class TargetForm(forms.ModelForm):
    class Meta:
        model = PledgeTarget
        fields = TargetContent.FIELDS
        labels = {
            "indicator": _("Indicator of the GCM set"),
            "own_metric": _("or a metric of your own"),
        }
        help_texts = {"unit": _("For an indicator of the set, its own unit is used.")}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("indicator") is not None:
            data["unit"] = data["indicator"].unit
        return data


def _shared_choices(
    formset: forms.BaseFormSet, form: forms.BaseForm, name: str, rows: list
) -> None:
    """Give every form of a formset the same choices, read once rather than once a form."""
    field = form.fields[name]
    cache = formset.__dict__.setdefault("_choices", {})
    if name not in cache:
        cache[name] = [
            ("", field.empty_label or ""),
            *((row.pk, field.label_from_instance(row)) for row in rows),
        ]
    field.choices = cache[name]


def _indicator_label(indicator: Indicator) -> str:
    if indicator.indicator_set.is_current:
        return str(indicator)
    # Translators: an indicator of an older version of its set, in a list to choose from.
    return gettext("%(indicator)s (%(set)s, version %(version)s)") % {
        "indicator": indicator,
        "set": indicator.indicator_set.name,
        "version": indicator.indicator_set.version,
    }


class TargetFormSet(forms.BaseInlineFormSet):
    """A pledge's targets. New targets take the current version of an indicator set; a target
    keeps the version it chose, so that one stays on offer after a newer version is imported."""

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        if "_indicators" not in self.__dict__:
            self._indicators = target_indicators(self.get_queryset())
        field = form.fields["indicator"]
        field.queryset = Indicator.objects.filter(pk__in=[i.pk for i in self._indicators])
        field.label_from_instance = _indicator_label
        _shared_choices(self, form, "indicator", self._indicators)


def target_indicators(targets: Any) -> list[Indicator]:
    """The indicators a pledge's targets may measure: the current set's, and those its
    `targets` chose already (in an older version of the set)."""
    chosen = [t.indicator_id for t in targets if t.indicator_id]
    return list(
        (Indicator.objects.current() | Indicator.objects.filter(pk__in=chosen))
        .select_related("indicator_set")
        .order_by("indicator_set__is_current", "code", "name")
    )


PledgeTargetFormSet = forms.inlineformset_factory(
    Pledge, PledgeTarget, form=TargetForm, formset=TargetFormSet, extra=1, can_delete=True
)


def targets_from(formset: forms.BaseInlineFormSet) -> tuple[TargetContent, ...]:
    """The targets the editor kept, in order, as content for the service."""
    return tuple(
        TargetContent(
            id=form.instance.pk,
            **{name: form.cleaned_data.get(name) for name in TargetContent.FIELDS},
        )
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    )


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.URLField(label=_("Link"), required=False, max_length=1000)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("Up to 25 MB: PDF, text, Word, Excel, PowerPoint or OpenDocument."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload:
            validate_evidence_file(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and bool(data.get("url")) == bool(data.get("file")):
            raise forms.ValidationError(
                gettext("Give either a link or a file."), code="link_or_file"
            )
        return data


class UpdateForm(WrittenInMixin, RulesOfTheStateMixin, forms.ModelForm):
    """A progress update (see pledges.content.UpdateContent), with a value field for each
    target of the pledge."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("The owner organisation that reports."),
    )
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_figures = forms.BooleanField(
        label=_("I have checked these figures: they are right"), required=False
    )
    # The secretariat corrects what owners reported: it is not asked to confirm their figures.
    asks_to_confirm = True

    class Meta:
        model = ProgressUpdate
        fields = UpdateContent.FIELDS
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
        if self.instance.pk:
            self.initial.setdefault("opened_version", self.instance.version)
        # The admin shows who reports as read-only: the field is not there.
        if "organisation" in self.fields:
            chooser = self.fields["organisation"]
            chooser.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
            if len(organisations) == 1:
                chooser.initial = organisations[0]
            if self.instance.pk:
                chooser.disabled = True
                chooser.initial = self.instance.organisation
        self.fields["percent_complete"].widget.attrs.update(min=0, max=100)
        self.targets = list(pledge.targets.select_related("indicator"))
        existing = (
            {m.target_id: m for m in self.instance.measurements.all()} if self.instance.pk else {}
        )
        for target in self.targets:
            found = existing.get(target.pk)
            self.fields[f"value_{target.pk}"] = forms.DecimalField(
                # Translators: a target's metric and, in brackets, its unit.
                label=gettext("%(metric)s (%(unit)s)")
                % {"metric": target.metric_name, "unit": target.unit}
                if target.unit
                else target.metric_name,
                required=False,
                max_digits=20,
                decimal_places=4,
                initial=found.value if found else None,
                help_text=gettext(
                    # Translators: "?" stands for a value or a year not given.
                    "Baseline %(baseline)s (%(baseline_year)s), "
                    "target %(target)s (%(target_year)s)."
                )
                % {
                    "baseline": exact(target.baseline_value) or "?",
                    "baseline_year": target.baseline_year or "?",
                    "target": exact(target.target_value) or "?",
                    "target_year": target.target_year or "?",
                },
            )
            self.fields[f"measured_{target.pk}"] = forms.DateField(
                # Translators: beside a value reported for a target: the day it was measured.
                label=gettext("measured on"),
                required=False,
                initial=found.measured_on if found else None,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        laid_out = [
            (title, [self[name] for name in names]) for title, names in form_sections(UpdateContent)
        ]
        # Who reports comes first, before what happened.
        title, first = laid_out[0]
        return [(title, [self["organisation"], *first]), *laid_out[1:]]

    def target_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"value_{t.pk}"], self[f"measured_{t.pk}"]) for t in self.targets]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk and data.get("opened_version") not in (None, self.instance.version):
            raise ValidationError(STALE, code="stale")
        for target in self.targets:
            value, measured = data.get(f"value_{target.pk}"), data.get(f"measured_{target.pk}")
            if value is not None and measured is None:
                data[f"measured_{target.pk}"] = data.get("reported_on")
            if measured is not None and value is None:
                self.add_error(
                    f"value_{target.pk}",
                    ValidationError(
                        gettext("Give the value measured on that date."), code="value_missing"
                    ),
                )
        self.warnings: list[str] = []
        if not self.errors:
            cycle = self.instance.cycle if self.instance.pk else current_cycle()
            problems = update_problems(
                self.pledge,
                self.content(),
                cycle=cycle or self.pledge.cycle,
                today=timezone.localdate(),
            )
            for part, errors in problems.errors.items():
                for error in errors:
                    self.add_error(part if part in self.fields else None, error)
            self.warnings = problems.warnings
            if self.warnings and self.asks_to_confirm and not data.get("confirm_figures"):
                self.add_error(
                    "confirm_figures",
                    ValidationError(
                        gettext("Look at these figures again, then confirm or correct them."),
                        code="confirm_figures",
                    ),
                )
        return data

    def content(self) -> UpdateContent:
        data = self.cleaned_data
        return UpdateContent(
            **{name: data.get(name) for name in UpdateContent.FIELDS},
            measurements=tuple(
                MeasurementContent(
                    target, data[f"value_{target.pk}"], data[f"measured_{target.pk}"]
                )
                for target in self.targets
                if data.get(f"value_{target.pk}") is not None
            ),
        )


class MeasurementForm(forms.ModelForm):
    """One value of an update, as the admin edits them."""

    class Meta:
        model = TargetMeasurement
        fields = ["target", "value", "measured_on"]


class MeasurementFormSet(forms.BaseInlineFormSet):
    """The values of an update: each for one of the targets of the update's own pledge."""

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        if "_targets" not in self.__dict__:
            self._targets = list(
                PledgeTarget.objects.filter(pledge_id=self.instance.pledge_id).select_related(
                    "indicator"
                )
            )
        form.fields["target"].queryset = PledgeTarget.objects.filter(
            pledge_id=self.instance.pledge_id
        )
        _shared_choices(self, form, "target", self._targets)


def measurements_from(formset: forms.BaseInlineFormSet) -> tuple[MeasurementContent, ...]:
    return tuple(
        MeasurementContent(
            **{name: form.cleaned_data[name] for name in MeasurementForm._meta.fields}
        )
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept in the pledge's history; the secretariat and your partners read it."),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(
        label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.MEMBER
    )


class JoinForm(forms.ModelForm):
    class Meta:
        model = JoinRequest
        fields = ["message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"message": _("Tell the focal point who you are (1,000 characters at most).")}


class CorroborationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=CorroborationKind.choices, widget=forms.RadioSelect
    )
    update = forms.ModelChoiceField(
        queryset=ProgressUpdate.objects.none(),
        required=False,
        empty_label=_("The pledge as a whole"),
        # Translators: what a statement is about: the pledge as a whole, or one of its updates.
        label=_("About"),
    )
    statement = forms.CharField(
        label=_("Statement"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        help_text=_("What you saw, where and when. Up to 2000 characters."),
    )
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, max_length=1000)

    def __init__(
        self, *args: Any, pledge: Pledge, organisations: list[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]
        self.fields["update"].queryset = pledge.updates.published().order_by("-reported_on")


class ReportRequestForm(forms.ModelForm):
    """What the secretariat asks a report for: a cycle and a scope. Validated against the
    report's rules (a country report names its country...); saves nothing."""

    class Meta:
        model = Report
        fields = ("cycle", "scope", "area", "objective", "organisation_kind")
        labels = {
            "area": _("Commission or country"),
            "organisation_kind": _("Organisation kind"),
        }
        help_texts = {
            "area": _(
                "For a regional report, the UN regional commission; for a national "
                "report, the country or area."
            ),
            "objective": _("For a report on one objective."),
            "organisation_kind": _("For a report on the pledges of one kind of organisation."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(
            kind__in=[AreaKind.COMMISSION, AreaKind.COUNTRY]
        ).order_by("-kind", "name")
        self.fields["cycle"].initial = current_cycle()
