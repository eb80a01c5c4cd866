"""Site-wide pages: the home page and the health check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pledges.selectors import objectives_with_pledge_counts, published_pledge_count
from tracker.health import run_checks


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    objectives = objectives_with_pledge_counts()
    return render(
        request,
        "tracker/home.html",
        {
            "objectives": objectives,
            "total_published": published_pledge_count(),
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker and worker, as JSON: 200 when all answer, 503 when any does not."""
    report = run_checks()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
