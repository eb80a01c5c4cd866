"""The public site's pledge pages: the explorer, a pledge, the objectives. No login needed;
nothing unpublished or personal is read here (see pledges.explorer)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_GET

from indicators.charts import bar_chart_svg
from indicators.maps import world_map_svg
from indicators.models import Area, Objective
from indicators.selectors import area_indicators
from pledges.content import PledgeContent, field_label, readable
from pledges.explorer import (
    HomeFigures,
    area_filters,
    cycle_figures,
    facets,
    objective_summary,
    organisation_pledges,
    pledges_by_country,
    public_fingerprint,
    public_organisation,
    public_pledge,
    public_pledge_detail,
    result_count,
    result_page,
)
from pledges.filters import PledgeFilter
from pledges.models import Pledge, ReviewCycle
from pledges.permissions import corroborating_organisation_ids
from pledges.progress import target_progress
from pledges.selectors import objectives_with_pledge_counts, published_reports

# How long a browser or a shared cache may keep an anonymous page without asking again.
PUBLIC_MAX_AGE = 60


def _public_etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str | None:
    """The same for every anonymous visitor until the public data changes. Three queries,
    or none while the fingerprint is cached.

    Signed-in users see their own links and buttons on these pages: no shared validator.
    """
    if request.user.is_authenticated:
        return None
    # The API answers one address in several formats (JSON, CSV) by the Accept header.
    representation = f"{request.get_full_path()} {request.headers.get('Accept', '')}"
    page = hashlib.sha256(representation.encode()).hexdigest()[:12]
    # Kept for the view, whose cached parts are keyed on it too.
    request.public_fingerprint = public_fingerprint()
    request.public_etag = f"{request.public_fingerprint}-{page}"
    return request.public_etag


def _kept_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view, its answer to anonymous visitors kept whole under the page's ETag: the same
    for everyone until the public data changes, then never reached again.

    Not kept: a page whose form holds a CSRF token (it is the visitor's own), one that set a
    cookie, and any answer to a visitor with a session or a message waiting.
    """

    @functools.wraps(view)
    def kept(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        etag = getattr(request, "public_etag", None)
        if etag is None or _has_own_state(request):
            return view(request, *args, **kwargs)
        key = f"public-page:{etag}:{get_language()}"
        if (hit := cache.get(key)) is not None:
            content, status, headers = hit
            return HttpResponse(content, status=status, headers=headers)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            cache.set(key, (response.content, 200, dict(response.headers)), 60 * 60)
        return response

    return kept


def _has_own_state(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES


def public_data(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For anonymous visitors, an ETag from the public data (a matching If-None-Match gets a
    304 before anything is rendered or counted), the page kept whole while that data stays
    as it is, and a public Cache-Control."""

    conditional = condition(etag_func=_public_etag)(_kept_page(view))

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = conditional(request, *args, **kwargs)
        if not request.user.is_authenticated and response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response

    return wrapped


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A public page: GET only, with `public_data`'s validator and caching."""
    return require_GET(public_data(view))


def figure_charts(figures: HomeFigures) -> dict[str, str]:
    """The figures' charts, each beside its table on the page."""
    reporting = figures.reporting
    return {
        "status": bar_chart_svg(figures.by_status, title=_("Published pledges by status")),
        "reporting": bar_chart_svg(
            [
                (_("Reporting"), reporting["reporting"]),
                (_("Update due"), reporting["due"]),
                (_("Update overdue"), reporting["overdue"]),
                (_("Inactive"), reporting["inactive"]),
            ],
            title=_("Published pledges by reporting"),
            # Silence stands apart, drawn hatched, whatever the colours.
            highlight=(1, 2, 3),
        ),
    }


# Filters chosen in a form of their own, below the facets (which are links).
FORM_FILTERS = ("main", "matching", "targets", "verification", "pledger_region", "pledger_country")
# Read on the public page in their own place (partners, objectives, money), or not at all
# (addresses): the parts of the content, whose labels are left out (in the page's language).
NOT_SHOWN = (
    "partners",
    "partner_emails",
    "main_objectives",
    "further_objectives",
    "amount",
    "currency",
)


def _chosen(filterset: PledgeFilter) -> list[tuple[str, str]]:
    """The filters in force, in words: "Organisation kind: Trade union"."""
    chosen = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "") or name == "sort":
            continue
        field = filterset.form.fields[name]
        if isinstance(value, bool):
            words = _("yes") if value else _("no")
        elif hasattr(field, "choices") and not hasattr(value, "pk"):
            words = str(dict(field.choices).get(value, value))
        else:
            words = str(value)
        chosen.append((str(field.label), words))
    return chosen


@public_page
def explorer(request: HttpRequest) -> HttpResponse:
    filterset = PledgeFilter(request.GET)
    if not filterset.is_valid():
        return render(request, "pledges/public/explorer.html", {"filter": filterset}, status=400)
    page = result_page(filterset, request.GET.get("after", ""))
    query = request.GET.copy()
    query.pop("after", None)
    shown = facets(filterset, fingerprint=getattr(request, "public_fingerprint", None))
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


@public_page
def pledge_page(request: HttpRequest, reference: str) -> HttpResponse:
    pledge = public_pledge(reference)
    if pledge is None:
        raise Http404("No published pledge has this reference.")
    if pledge.review_state == "merged":
        return render(request, "pledges/public/pledge_merged.html", {"pledge": pledge})
    detail = public_pledge_detail(pledge)
    hidden = {str(field_label(Pledge, part, PledgeContent.LINKS)) for part in NOT_SHOWN}
    says = [
        (section, [(label, text) for label, text in rows if str(label) not in hidden])
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


@public_page
def objective_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pledges/public/objectives.html",
        {"objectives": objectives_with_pledge_counts()},
    )


@public_page
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


@public_page
def pledge_map(request: HttpRequest) -> HttpResponse:
    rows, global_count = pledges_by_country()
    return render(
        request,
        "pledges/public/map.html",
        {
            "rows": rows,
            "global_count": global_count,
            "map": world_map_svg(
                {row.area.code: row.pledges for row in rows},
                title=_("Published pledges by country of implementation"),
                link=lambda iso3: reverse("area", args=[iso3]),
            ),
        },
    )


@public_page
def area_page(request: HttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(Area.objects.select_related("parent"), code=code.upper())
    lists = []
    for key, title in (
        ("implemented", _("Pledges implemented in %(area)s") % {"area": area.name}),
        ("by", _("Pledges by organisations of %(area)s") % {"area": area.name}),
    ):
        query = area_filters(area).get(key)
        if query is None:
            continue
        filterset = PledgeFilter(query)
        filterset.is_valid()
        lists.append(
            {
                "title": title,
                "count": result_count(filterset),
                "page": result_page(filterset),
                "explore": f"{reverse('explorer')}?{urlencode(query)}",
            }
        )
    return render(
        request,
        "pledges/public/area.html",
        {"area": area, "lists": lists, "indicators": area_indicators(area)},
    )


@public_page
def organisation_page(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = public_organisation(pk)
    if organisation is None:
        raise Http404("No organisation here has published a pledge or been accredited.")
    return render(
        request,
        "pledges/public/organisation.html",
        {"organisation": organisation, "pledges": organisation_pledges(organisation)},
    )


@public_page
def cycle_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pledges/public/cycles.html",
        {
            "cycles": ReviewCycle.objects.order_by("-forum_year").prefetch_related(
                "regional_reviews"
            )
        },
    )


@public_page
def cycle_page(request: HttpRequest, code: str) -> HttpResponse:
    cycle = get_object_or_404(ReviewCycle, code=code)
    filterset = PledgeFilter({"cycle": cycle.code})
    filterset.is_valid()
    return render(
        request,
        "pledges/public/cycle.html",
        {
            "cycle": cycle,
            "figures": (figures := cycle_figures(cycle)),
            "charts": figure_charts(figures),
            "page": result_page(filterset),
            "reports": published_reports(cycle),
        },
    )
