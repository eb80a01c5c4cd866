"""The home page: the 23 objectives with their published pledge counts, as valid HTML."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from pledges.models import PledgeObjective
from tests.factories import PledgeFactory, objective

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class NestingChecker(HTMLParser):
    """Fails on unclosed or mis-nested elements and on duplicate ids."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ids: set[str] = set()
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id":
                if value in self.ids:
                    self.errors.append(f"duplicate id {value}")
                self.ids.add(value)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()


def link(pledge, number, rank=None):
    PledgeObjective.objects.create(pledge=pledge, objective=objective(number), main_rank=rank)


def test_anyone_sees_the_23_objectives(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    objectives = response.context["objectives"]
    assert [o.number for o in objectives] == list(range(1, 24))
    assert b"Save lives" in response.content


def test_counts_published_pledges_only(client):
    published = PledgeFactory(published=True)
    link(published, 6, rank=1)
    link(published, 7)
    link(PledgeFactory(published=True), 6, rank=1)
    link(PledgeFactory(), 6, rank=1)  # a draft is not public
    response = client.get("/")
    counts = {o.number: o.published_pledges for o in response.context["objectives"]}
    assert counts[6] == 2
    assert counts[7] == 1
    assert counts[1] == 0
    # Two pledges, though one counts under two objectives.
    assert response.context["total_published"] == 2


def test_home_page_queries_do_not_grow_with_pledges(client, django_assert_max_num_queries):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        cache.clear()  # both counts cold, fingerprints included
        with CaptureQueriesContext(connection) as captured:
            client.get("/")
        return len(captured)

    link(PledgeFactory(published=True), 1, rank=1)
    few = queries()
    for number in range(2, 12):
        link(PledgeFactory(published=True), number, rank=1)
    assert queries() == few
    # The public data's fingerprint, the objectives and their counts, the key figures of the
    # cycle (totals, countries, statuses, kinds, regions, reporting) and the latest updates.
    with django_assert_max_num_queries(16):
        client.get("/")


def test_the_home_page_shows_the_cycle_in_figures_with_reporting_as_groups_of_their_own(client):
    link(PledgeFactory(published=True), 3, rank=1)
    response = client.get("/")
    figures = response.context["figures"]
    assert figures.pledges == 1
    assert set(figures.reporting) == {"reporting", "due", "overdue", "inactive"}
    assert "Update overdue" in response.text
    etag = response["ETag"]
    assert client.get("/", headers={"if-none-match": etag}).status_code == 304


def test_home_page_is_well_formed_and_accessible(client):
    html = client.get("/").content.decode()
    checker = NestingChecker()
    checker.feed(html)
    assert checker.errors == []
    assert checker.stack == []
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en" dir="ltr">' in html
    assert html.count("<h1") == 1
    assert '<main id="main"' in html
    assert 'href="#main"' in html
    assert '<nav aria-label="Main">' in html
    # Nothing from a CDN; the SVG namespace of the inline charts is a name, not a download.
    local = html.replace("http://testserver", "").replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http://" not in local
    assert "https://" not in html


def test_home_page_answers_get_only(client):
    assert client.post("/").status_code == 405
