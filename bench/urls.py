"""The tracker's addresses plus the benchmark's floor: a Django view that asks nothing of the
database, through every middleware the pages go through."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from tracker.urls import urlpatterns as tracker_urlpatterns


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor), *tracker_urlpatterns]
