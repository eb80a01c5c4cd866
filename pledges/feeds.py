"""Atom feeds of published progress updates: all of them, one pledge's, an objective's and an
area's, for readers who follow the pledges without visiting the site.

Only published updates of pledges the public may read, and nothing personal: an entry's
author is the organisation that reported, never a person, and no e-mail address is written.
Each feed reads a fixed number of queries whatever the number of updates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import Area, Objective
from pledges.explorer import area_filters, public_pledge
from pledges.filters import PledgeFilter, public_pledges
from pledges.models import Pledge, ProgressUpdate, ReviewState

# The newest entries a feed lists: readers poll, and keep what they have seen.
FEED_SIZE = 50
# An entry shows the start of the narrative; the pledge's page has the rest.
SUMMARY_CHARS = 1000


def published_updates(pledges: QuerySet[Pledge]) -> QuerySet[ProgressUpdate]:
    """The published updates of `pledges`, newest published first, with what an entry shows."""
    return (
        ProgressUpdate.objects.published()
        .filter(pledge__in=pledges)
        .select_related("pledge", "organisation")
        .order_by("-published_at", "-pk")
    )


def _explorer_pledges(query: dict[str, str]) -> QuerySet[Pledge]:
    """The pledges the explorer lists for `query`: the same set as the page's own link."""
    filterset = PledgeFilter(query)
    if not filterset.is_valid():  # an invalid filter would be ignored: list nothing instead
        return Pledge.objects.none()
    return filterset.qs


class UpdatesFeed(Feed):
    """All published updates of published pledges."""

    feed_type = Atom1Feed
    title = _("GCM Pledge Tracker: progress updates")
    subtitle = _("Progress updates published on pledges to the Global Compact for Migration.")

    def link(self) -> str:
        return reverse("explorer")

    def items(self) -> list[ProgressUpdate]:
        return list(published_updates(public_pledges())[:FEED_SIZE])

    def item_title(self, update: ProgressUpdate) -> str:
        # Plain text: Atom's title is text, escaped once by the XML writer.
        pledge = update.pledge
        status = update.get_implementation_status_display()
        # Translators: an entry of a feed: the pledge's reference and title, the status its
        # update reports, and the day it reports on.
        return gettext("%(reference)s %(title)s: %(status)s (%(date)s)") % {
            "reference": pledge.reference,
            "title": pledge.title,
            "status": status,
            "date": f"{update.reported_on:%Y-%m-%d}",
        }

    def item_link(self, update: ProgressUpdate) -> str:
        return f"{update.pledge.get_absolute_url()}#update-{update.pk}"

    def item_description(self, update: ProgressUpdate) -> str:
        # The summary is HTML (type="html"): the narrative is escaped, so shown as it was typed.
        return linebreaks(Truncator(update.narrative).chars(SUMMARY_CHARS), autoescape=True)

    def item_pubdate(self, update: ProgressUpdate) -> dt.datetime | None:
        return update.published_at

    def item_updateddate(self, update: ProgressUpdate) -> dt.datetime | None:
        return update.published_at  # Atom requires an entry's <updated>

    def item_author_name(self, update: ProgressUpdate) -> str:
        return update.organisation.name

    def item_guid(self, update: ProgressUpdate) -> str:
        # A tag URI (RFC 4151): the same for an update wherever its pledge's page moves (a
        # merge, a new host name in a link), so readers never show an entry twice.
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"tag:{host},{update.created_at:%Y-%m-%d}:progress-update:{update.pk}"

    item_guid_is_permalink = False


class PledgeUpdatesFeed(UpdatesFeed):
    """One pledge's published updates; the pledge published or withdrawn."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Pledge:
        pledge = public_pledge(kwargs["reference"])
        if pledge is None or pledge.review_state == ReviewState.MERGED:
            raise Http404("No published pledge has this reference.")
        return pledge

    def title(self, pledge: Pledge) -> str:
        return gettext("%(reference)s %(title)s: progress updates") % {
            "reference": pledge.reference,
            "title": pledge.title,
        }

    def subtitle(self, pledge: Pledge) -> str:
        return gettext("Progress updates published on pledge %(reference)s.") % {
            "reference": pledge.reference
        }

    def link(self, pledge: Pledge) -> str:
        return pledge.get_absolute_url()

    def items(self, pledge: Pledge) -> list[ProgressUpdate]:
        updates = pledge.updates.published().select_related("pledge", "organisation")
        return list(updates.order_by("-published_at", "-pk")[:FEED_SIZE])


class ObjectiveUpdatesFeed(UpdatesFeed):
    """Published updates of the published pledges on one objective (main or further)."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Objective:
        return Objective.objects.get(number=kwargs["number"])  # missing: 404

    def title(self, objective: Objective) -> str:
        return gettext("Progress updates on pledges to %(objective)s") % {"objective": objective}

    def subtitle(self, objective: Objective) -> str:
        return gettext(
            "Progress updates published on pledges to objective %(number)s of the GCM."
        ) % {"number": objective.number}

    def link(self, objective: Objective) -> str:
        return reverse("objective", args=[objective.number])

    def items(self, objective: Objective) -> list[ProgressUpdate]:
        pledges = _explorer_pledges({"objective": str(objective.number)})
        return list(published_updates(pledges)[:FEED_SIZE])


class AreaUpdatesFeed(UpdatesFeed):
    """Published updates of the published pledges implemented in one area: a country, or a
    regional commission with its member countries (as the explorer's filters count them)."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Area:
        return Area.objects.get(code=kwargs["code"].upper())  # missing: 404

    def title(self, area: Area) -> str:
        return gettext("Progress updates on pledges implemented in %(area)s") % {"area": area.name}

    def subtitle(self, area: Area) -> str:
        return gettext("Progress updates published on pledges implemented in %(area)s.") % {
            "area": area.name
        }

    def link(self, area: Area) -> str:
        return reverse("area", args=[area.code])

    def items(self, area: Area) -> list[ProgressUpdate]:
        query = area_filters(area).get("implemented")
        # The explorer filters by countries and commissions; other areas (the world, M49
        # regions) count the pledges that name them.
        pledges = _explorer_pledges(query) if query else public_pledges().filter(areas=area)
        return list(published_updates(pledges)[:FEED_SIZE])
