"""The public site's pledge pages: the explorer, a pledge, the objectives. No login needed;
nothing unpublished or personal is read here (see pledges.explorer)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from indicators.maps import world_map_svg
from indicators.models import Objective
from pledges.content import PledgeContent, readable
from pledges.explorer import (
    facets,
    objective_summary,
    pledges_by_country,
    public_pledge,
    public_pledge_detail,
    result_count,
    result_page,
)
from pledges.filters import PledgeFilter
from pledges.permissions import corroborating_organisation_ids
from pledges.progress import target_progress
from pledges.selectors import objectives_with_pledge_counts

# Filters chosen in a form of their own, below the facets (which are links).
FORM_FILTERS = ("main", "matching", "targets", "verification", "pledger_region", "pledger_country")
# Read on the public page in their own place (partners, objectives, money), or not at all
# (addresses).
NOT_SHOWN = {
    "Partner organisations",
    "Partners invited by e-mail",
    "Main objectives",
    "Further objectives",
    "Amount",
    "Currency",
}


def _chosen(filterset: PledgeFilter) -> list[tuple[str, str]]:
    """The filters in force, in words: "Organisation kind: Trade union"."""
    chosen = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "") or name == "sort":
            continue
        field = filterset.form.fields[name]
        if isinstance(value, bool):
            words = "yes" if value else "no"
        elif hasattr(field, "choices") and not hasattr(value, "pk"):
            words = str(dict(field.choices).get(value, value))
        else:
            words = str(value)
        chosen.append((str(field.label), words))
    return chosen


@require_GET
def explorer(request: HttpRequest) -> HttpResponse:
    filterset = PledgeFilter(request.GET)
    if not filterset.is_valid():
        return render(request, "pledges/public/explorer.html", {"filter": filterset}, status=400)
    page = result_page(filterset, request.GET.get("after", ""))
    query = request.GET.copy()
    query.pop("after", None)
    shown = facets(filterset)
    for facet in shown:
        for value in facet.values:
            # A value's link chooses it (or, chosen, takes it off), from the first page.
            toggled = query.copy()
            toggled.pop(facet.name, None)
            if not value.selected:
                toggled[facet.name] = value.value
            value.href = f"?{toggled.urlencode()}"
    return render(
        request,
        "pledges/public/explorer.html",
        {
            "filter": filterset,
            "page": page,
            "count": result_count(filterset),
            "facets": shown,
            "form_fields": [filterset.form[name] for name in (*FORM_FILTERS, "sort")],
            # What each form carries over from the current choice, besides its own fields.
            "keep_for_search": [(k, v) for k, v in query.items() if k != "q" and v],
            "keep_for_form": [
                (k, v) for k, v in query.items() if k not in (*FORM_FILTERS, "sort") and v
            ],
            "query": query.urlencode(),
            "active": _chosen(filterset),
        },
    )


@require_GET
def pledge_page(request: HttpRequest, reference: str) -> HttpResponse:
    pledge = public_pledge(reference)
    if pledge is None:
        raise Http404("No published pledge has this reference.")
    if pledge.review_state == "merged":
        return render(request, "pledges/public/pledge_merged.html", {"pledge": pledge})
    detail = public_pledge_detail(pledge)
    says = [
        (section, [(label, text) for label, text in rows if label not in NOT_SHOWN])
        for section, rows in readable(PledgeContent.of(pledge))
    ]
    return render(
        request,
        "pledges/public/pledge.html",
        {
            "pledge": pledge,
            "detail": detail,
            "says": [(section, rows) for section, rows in says if rows],
            "progress": target_progress(pledge),
            "can_corroborate": pledge.is_published
            and bool(corroborating_organisation_ids(request.user, pledge)),
        },
    )


@require_GET
def objective_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pledges/public/objectives.html",
        {"objectives": objectives_with_pledge_counts()},
    )


@require_GET
def objective_page(request: HttpRequest, number: int) -> HttpResponse:
    objective = get_object_or_404(Objective.objects.prefetch_related("indicators"), number=number)
    filterset = PledgeFilter({"objective": str(number)})
    filterset.is_valid()
    return render(
        request,
        "pledges/public/objective.html",
        {
            "objective": objective,
            "summary": objective_summary(objective),
            "page": result_page(filterset),
            "indicators": objective.indicators.filter(indicator_set__is_current=True),
        },
    )


@require_GET
def pledge_map(request: HttpRequest) -> HttpResponse:
    rows, global_count = pledges_by_country()
    explorer_url = reverse("explorer")
    return render(
        request,
        "pledges/public/map.html",
        {
            "rows": rows,
            "global_count": global_count,
            "map": world_map_svg(
                {row.area.code: row.pledges for row in rows},
                title="Published pledges by country of implementation",
                link=lambda iso3: f"{explorer_url}?country={iso3}",
            ),
        },
    )
