"""Site-wide pages: the home page, the reports' pages, the health checks and the icon."""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from pledges.explorer import cycle_figures
from pledges.models import ReportFormat
from pledges.permissions import can_manage_reports, is_secretariat
from pledges.selectors import (
    objectives_with_pledge_counts,
    published_pledge_count,
    report_for_viewer,
)
from pledges.views.public import PUBLIC_MAX_AGE, figure_charts, public_page
from tracker.forms import TokenForm
from tracker.health import liveness, worker_round_trip
from tracker.models import ApiToken
from tracker.open_data import latest_open_data, pledge_json_schema
from tracker.reports import job_of
from tracker.tokens import token_create, token_revoke, user_tokens

CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.CSV: "application/zip",
}


@public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tracker/home.html",
        {
            "objectives": objectives_with_pledge_counts(),
            "total_published": published_pledge_count(),
            "figures": (figures := cycle_figures()),
            "charts": figure_charts(figures),
        },
    )


@require_GET
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A report: its figures and downloads once built, published ones for anyone; for the
    secretariat also while it is built (refreshing itself) and before it is published."""
    report = report_for_viewer(pk, request.user)
    if report is None:
        raise Http404("No such report.")
    job = job_of(report) if can_manage_reports(request.user) else None
    response = render(request, "tracker/report.html", {"report": report, "job": job})
    if report.is_published and not request.user.is_authenticated:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        add_never_cache_headers(response)
    return response


@require_GET
def report_download(request: HttpRequest, pk: int, format: str) -> FileResponse:
    """A report's file, to whoever may see the report (the same rule as its page)."""
    report = report_for_viewer(pk, request.user)
    file = report.file(format) if report is not None else None
    if file is None:
        raise Http404("No such file.")
    response = FileResponse(
        default_storage.open(file["path"]),
        as_attachment=True,
        filename=file["name"],
        content_type=CONTENT_TYPES[format],
    )
    if not report.is_published:
        add_never_cache_headers(response)
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's API keys: make one (its key is shown on this answer only), see when each
    was last used, revoke."""
    form = TokenForm(request.POST or None)
    key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, key = token_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    gettext("Key “%(name)s” made. Copy it now: it is not shown again.")
                    % {"name": token.name},
                )
                form = TokenForm()
        if key is None:
            status = 400
    return render(
        request,
        "tracker/api_tokens.html",
        {"form": form, "key": key, "tokens": user_tokens(request.user), "now": timezone.now()},
        status=status,
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token_revoke(token=token, by=request.user)
    messages.success(
        request, gettext("Key “%(name)s” revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("api_tokens")


@require_GET
def open_data_page(request: HttpRequest) -> HttpResponse:
    """All published data in one download: its date, size and checksum; the API beside."""
    response = render(request, "tracker/open_data.html", {"latest": open_data_summary(request)})
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


@require_GET
def open_data_download(request: HttpRequest) -> FileResponse:
    latest = latest_open_data()
    if latest is None or not default_storage.exists(latest["path"]):
        raise Http404("The first download is being prepared: come back in a few minutes.")
    response = FileResponse(
        default_storage.open(latest["path"]),
        as_attachment=True,
        filename=f"gcm-open-data-{latest['built_at'][:10]}.zip",
        content_type="application/zip",
    )
    response["ETag"] = f'"{latest["sha256"]}"'
    response["Digest"] = f"sha-256={latest['sha256']}"
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def open_data_summary(request: HttpRequest) -> dict[str, Any] | None:
    latest = latest_open_data()
    if latest is None:
        return None
    return {
        "url": request.build_absolute_uri(reverse("open_data_download")),
        "built_at": dt.datetime.fromisoformat(latest["built_at"]),
        "size": latest["size"],
        "sha256": latest["sha256"],
        "rows": latest["rows"],
    }


@extend_schema(
    responses={
        200: inline_serializer(
            "OpenData",
            {
                "url": serializers.URLField(),
                "built_at": serializers.DateTimeField(),
                "size": serializers.IntegerField(help_text="Bytes."),
                "sha256": serializers.CharField(),
                "rows": serializers.DictField(child=serializers.IntegerField()),
            },
        ),
        404: OpenApiResponse(OpenApiTypes.OBJECT, description="Not built yet."),
    },
    description="The download of all published data: where, when built, its size and "
    "SHA-256, and the rows of each list (404 until the first build).",
)
@api_view(["GET"])
@permission_classes([AllowAny])
def open_data_api(request: Request) -> Response:
    summary = open_data_summary(request)
    if summary is None:
        raise NotFound("The first download is being prepared: come back in a few minutes.")
    return Response(summary)


@extend_schema(
    responses=OpenApiTypes.OBJECT,
    description="The JSON Schema (2020-12) of a pledge record, as `/api/v1/pledges/<ref>/` "
    "and the download's pledges.jsonl give it.",
)
@api_view(["GET"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def pledge_schema(request: Request) -> Response:
    response = Response(pledge_json_schema())
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's page for people; for the API's clients, an answer in the API's own form."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Nothing at this address: /api/v1/ lists the endpoints."}, status=404
        )
    return defaults.page_not_found(request, exception)


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request: Request) -> Response:
    """The read API's endpoints, each a list of public data."""
    names = (
        "pledges",
        "updates",
        "organisations",
        "cycles",
        "reports",
        "objectives",
        "principles",
        "indicator_sets",
        "indicators",
        "areas",
        "observations",
        "open_data",
        "pledge_schema",
    )
    return Response({name: reverse(f"api:{name}", request=request) for name in names})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Public liveness, within a second: 200 when database and broker answer, 503 otherwise.

    The worker heartbeat is in the body but does not make it 503 (see tracker.health.liveness).
    """
    report = liveness()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def presents_healthz_token(request: HttpRequest) -> bool:
    """`Authorization: Bearer <HEALTHZ_TOKEN>`; never true while no token is configured."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    expected = settings.HEALTHZ_TOKEN
    # Compared in constant time, so that the answer's timing does not reveal the token.
    return (
        bool(expected)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(token.strip().encode(), expected.encode())
    )


@never_cache
@require_GET
def healthz_worker(request: HttpRequest) -> JsonResponse:
    """A real round trip to a worker, for monitoring (with the token) and the secretariat.

    Others get 403: the address is in the public source, so a 404 would hide nothing, and a
    403 tells a monitor whose token is wrong that the token is at fault, not the address.
    200 when a worker answered, 503 when none did.
    """
    if not (presents_healthz_token(request) or is_secretariat(request.user)):
        return JsonResponse({"status": "forbidden"}, status=403)
    worker = worker_round_trip()
    return JsonResponse(
        {"status": "ok" if worker["ok"] else "error", "worker": worker},
        status=200 if worker["ok"] else 503,
    )


@require_GET
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers and crawlers ask for /favicon.ico whatever the pages say: send them the icon."""
    return HttpResponseRedirect(static("tracker/favicon.svg"))
