"""Portal pages where third parties corroborate or contest, and owners reply."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pledges import services
from pledges.models import (
    Corroboration,
    CorroborationKind,
    CorroborationStatus,
    Organisation,
    Pledge,
    ProgressUpdate,
    ReviewState,
)
from pledges.permissions import is_owner, organisation_ids_of, owner_organisation_ids
from pledges.views.feedback import attempt


class CorroborationForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    kind = forms.ChoiceField(choices=CorroborationKind.choices, widget=forms.RadioSelect)
    update = forms.ModelChoiceField(
        queryset=ProgressUpdate.objects.none(),
        required=False,
        empty_label="The pledge as a whole",
        label="About",
    )
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        help_text="What you saw, where and when. Up to 2000 characters.",
    )
    evidence_url = forms.URLField(label="Evidence link", required=False, max_length=1000)

    def __init__(self, *args, pledge: Pledge, organisations: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )
        self.fields["update"].queryset = pledge.updates.filter(
            review_state=ReviewState.PUBLISHED
        ).order_by("-reported_on")


def _published_pledge(reference: str) -> Pledge:
    return get_object_or_404(
        Pledge, reference=reference, review_state=ReviewState.PUBLISHED, revision_of__isnull=True
    )


@login_required
@require_http_methods(["GET", "POST"])
def corroborate(request: HttpRequest, reference: str) -> HttpResponse:
    pledge = _published_pledge(reference)
    owners = owner_organisation_ids(pledge)
    organisations = list(
        Organisation.objects.filter(
            pk__in=organisation_ids_of(request.user) - owners, accredited=True
        )
    )
    if not organisations:
        raise Http404("Only members of accredited organisations other than the owners speak here.")
    form = CorroborationForm(request.POST or None, pledge=pledge, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: services.corroboration_submit(
                pledge=pledge, by=request.user, **form.cleaned_data
            ),
            "Thank you: the secretariat reviews your statement before it is published.",
        )
        if done is not None:
            return redirect("portal:home")
    return render(
        request,
        "pledges/portal/corroborate.html",
        {"pledge": pledge, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def corroboration_reply(request: HttpRequest, corroboration_id: int) -> HttpResponse:
    corroboration = get_object_or_404(
        Corroboration.objects.select_related("pledge"),
        pk=corroboration_id,
        status=CorroborationStatus.PUBLISHED,
    )
    if not is_owner(request.user, corroboration.pledge):
        raise Http404
    attempt(
        request,
        lambda: services.corroboration_reply(
            corroboration=corroboration, by=request.user, reply=request.POST.get("reply", "")
        ),
        "Your reply is published beside the statement.",
    )
    return redirect("portal:pledge_detail", reference=corroboration.pledge.reference)
