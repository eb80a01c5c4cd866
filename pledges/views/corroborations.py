"""Portal pages where third parties corroborate or contest, and owners reply."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pledges import services
from pledges.forms import CorroborationForm
from pledges.models import Corroboration, CorroborationStatus, Organisation, Pledge
from pledges.permissions import corroborating_organisation_ids, is_owner
from pledges.views.feedback import attempt


def _published_pledge(reference: str) -> Pledge:
    return get_object_or_404(Pledge.objects.published().originals(), reference=reference)


@login_required
@require_http_methods(["GET", "POST"])
def corroborate(request: HttpRequest, reference: str) -> HttpResponse:
    pledge = _published_pledge(reference)
    organisations = list(
        Organisation.objects.filter(pk__in=corroborating_organisation_ids(request.user, pledge))
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
            _(
                "Thank you: the secretariat reviews your statement before it is published, and "
                "you will hear of its decision."
            ),
        )
        if done is not None:
            return redirect("portal:pledge_detail", reference=pledge.reference)
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
        _("Your reply is published beside the statement."),
    )
    return redirect("portal:pledge_detail", reference=corroboration.pledge.reference)
