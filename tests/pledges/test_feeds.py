"""Atom feeds of progress updates: published updates of public pledges only, no person and no
e-mail address, stable entry ids, a fixed number of queries whatever the number of updates."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Area
from pledges.feeds import FEED_SIZE
from pledges.models import PartnerStatus, PledgeObjective, PledgePartner, ReviewState
from tests.factories import (
    OrganisationFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    UserFactory,
    objective,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def published_pledge(**fields):
    """A published pledge on objective 6, implemented in Kenya."""
    pledge = PledgeFactory(published=True, **fields)
    PledgeObjective.objects.create(pledge=pledge, objective=objective(6), main_rank=1)
    pledge.areas.add(Area.objects.get(iso3="KEN"))
    return pledge


def update(pledge, narrative, state=ReviewState.PUBLISHED, **fields):
    published_at = timezone.now() if state == ReviewState.PUBLISHED else None
    return ProgressUpdateFactory(
        pledge=pledge, narrative=narrative, review_state=state, published_at=published_at, **fields
    )


@pytest.fixture
def pledge():
    return published_pledge(title="Fair recruitment corridors")


@pytest.fixture
def updates(pledge):
    """Published updates, and updates the public must never see, each with a narrative of
    its own."""
    author = UserFactory(email="reporter.private@example.org", full_name="Rita Reporter")
    PledgePartner.objects.create(pledge=pledge, invited_email="invitee.private@example.org")
    shown = [
        update(pledge, "First shown update.", author=author, reported_on=dt.date(2026, 3, 1)),
        update(pledge, "Second shown update.", author=author, implementation_status="fulfilled"),
    ]
    hidden = [
        update(pledge, "A draft update.", ReviewState.DRAFT),
        update(pledge, "A submitted update.", ReviewState.SUBMITTED),
        update(pledge, "A rejected update.", ReviewState.REJECTED),
    ]
    for state in (ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.REJECTED):
        unpublished = published_pledge(review_state=state, published_at=None)
        hidden.append(update(unpublished, f"An update of a {state} pledge."))
    return {"shown": shown, "hidden": hidden}


def feeds():
    """Every feed in which the fixture's pledge's updates appear."""
    return [
        reverse("feed_updates"),
        reverse("feed_objective", args=[6]),
        reverse("feed_area", args=["KEN"]),
        reverse("feed_area", args=["eca"]),  # a regional commission counts its countries
    ]


def entries(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def narratives(response) -> list[str]:
    return [entry.findtext(f"{ATOM}summary") for entry in entries(response)]


@pytest.mark.parametrize("url", feeds())
def test_a_feed_lists_the_published_updates_of_published_pledges_only(client, updates, url):
    response = client.get(url)
    assert narratives(response) == [
        "<p>Second shown update.</p>",  # the newest published first
        "<p>First shown update.</p>",
    ]
    for hidden in updates["hidden"]:
        assert hidden.narrative not in response.text


def test_a_pledges_feed_lists_its_published_updates(client, pledge, updates):
    other = published_pledge()
    update(other, "Someone else's update.")
    response = client.get(reverse("feed_pledge", args=[pledge.reference]))
    assert narratives(response) == ["<p>Second shown update.</p>", "<p>First shown update.</p>"]
    for hidden in updates["hidden"]:
        assert hidden.narrative not in response.text
    assert "Someone else" not in response.text


def test_an_entry_names_the_pledge_the_status_and_the_reporting_organisation(
    client, pledge, updates
):
    first = updates["shown"][0]
    [entry] = [
        e
        for e in entries(client.get(reverse("feed_updates")))
        if e.findtext(f"{ATOM}summary") == "<p>First shown update.</p>"
    ]
    assert entry.findtext(f"{ATOM}title") == (
        f"{pledge.reference} Fair recruitment corridors: In progress (2026-03-01)"
    )
    link = entry.find(f"{ATOM}link").get("href")
    assert link == f"http://testserver/pledges/{pledge.reference}/#update-{first.pk}"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == pledge.lead_organisation.name
    assert entry.find(f"{ATOM}author/{ATOM}email") is None
    published = dt.datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
    assert published == first.published_at
    assert entry.findtext(f"{ATOM}updated") == entry.findtext(f"{ATOM}published")


def test_an_entrys_id_stays_the_same_whatever_the_host_or_the_feed(client, pledge, updates):
    def ids(url, host):
        return {e.findtext(f"{ATOM}id") for e in entries(client.get(url, headers={"host": host}))}

    everywhere = ids(reverse("feed_updates"), "testserver")
    assert ids(reverse("feed_updates"), "localhost") == everywhere
    assert ids(reverse("feed_pledge", args=[pledge.reference]), "testserver") == everywhere
    first = updates["shown"][0]
    assert f"tag:127.0.0.1,{first.created_at:%Y-%m-%d}:progress-update:{first.pk}" in everywhere


def test_a_narrative_is_shown_as_text_and_cut_short(client, pledge):
    update(pledge, "<script>alert(1)</script> & more\n\n" + "word " * 400)
    [summary] = narratives(client.get(reverse("feed_updates")))
    assert summary.startswith("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>")
    assert "<script>" not in summary
    assert summary.endswith("…</p>")
    assert len(summary) < 1100


@pytest.mark.parametrize("url", [*feeds(), "pledge"])
def test_no_email_address_or_person_is_in_any_feed(client, pledge, updates, url):
    if url == "pledge":
        url = reverse("feed_pledge", args=[pledge.reference])
    response = client.get(url)
    assert len(entries(response)) == 2
    assert not EMAIL.findall(response.text)
    assert "Rita Reporter" not in response.text


def test_a_withdrawn_pledge_keeps_its_feed_but_leaves_the_others(client, pledge, updates):
    pledge.review_state = ReviewState.WITHDRAWN
    pledge.save()
    assert len(entries(client.get(reverse("feed_pledge", args=[pledge.reference])))) == 2
    for url in feeds():
        assert entries(client.get(url)) == []


def test_feeds_of_what_the_public_cannot_read_are_not_found(client, pledge):
    hidden = [
        PledgeFactory(),
        PledgeFactory(review_state=ReviewState.SUBMITTED),
        PledgeFactory(review_state=ReviewState.REJECTED),
        PledgeFactory(review_state=ReviewState.MERGED, merged_into=pledge),
        PledgeFactory(
            review_state=ReviewState.PUBLISHED,
            published_at=timezone.now(),
            revision_of=pledge,
            sequence=pledge.sequence,
            reference="GCM-2026-REV",
        ),
    ]
    for other in hidden:
        assert client.get(reverse("feed_pledge", args=[other.reference])).status_code == 404
    assert client.get(reverse("feed_pledge", args=["GCM-2026-9999"])).status_code == 404
    assert client.get(reverse("feed_objective", args=[24])).status_code == 404
    assert client.get(reverse("feed_area", args=["ZZZ"])).status_code == 404


def test_a_feed_lists_the_newest_updates_only(client, pledge):
    for n in range(FEED_SIZE + 1):
        update(pledge, f"Update {n}.")
    listed = narratives(client.get(reverse("feed_updates")))
    assert len(listed) == FEED_SIZE
    assert listed[0] == f"<p>Update {FEED_SIZE}.</p>"
    assert "<p>Update 0.</p>" not in listed


# The pledge (for its own feed) or the objective or area named (one query), the filter's check
# of that objective's or area's code (one, for the explorer's filters), then the updates with
# their pledge and organisation (one).
FEED_QUERIES = {"feed_updates": 1, "feed_pledge": 2, "feed_objective": 3, "feed_area": 3}


@pytest.mark.parametrize("name", sorted(FEED_QUERIES))
@pytest.mark.parametrize("count", [5, 30])
def test_a_feed_costs_the_same_whatever_the_number_of_updates(
    client, django_assert_max_num_queries, name, count
):
    pledges = [published_pledge() for _ in range(3)]
    for n in range(count):
        reporter = OrganisationFactory()
        PledgePartner.objects.create(
            pledge=pledges[n % 3], organisation=reporter, status=PartnerStatus.ACCEPTED
        )
        update(pledges[n % 3], f"Update {n}.", organisation=reporter)
    args = {
        "feed_updates": [],
        "feed_pledge": [pledges[0].reference],
        "feed_objective": [6],
        "feed_area": ["KEN"],
    }[name]
    with django_assert_max_num_queries(FEED_QUERIES[name]):
        response = client.get(reverse(name, args=args))
    assert len(entries(response)) == (count if name != "feed_pledge" else len(range(0, count, 3)))
