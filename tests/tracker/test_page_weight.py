"""Light on slow links: the explorer with a full page of results and a pledge's page, with
their styles and scripts, each at most 150 KB transferred, compressed as a server sends them."""

from __future__ import annotations

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import PledgeTargetFactory, ProgressUpdateFactory, published_pledge

pytestmark = pytest.mark.django_db

BUDGET = 150 * 1024
ASSET = re.compile(r'<(?:link[^>]+rel="(?:stylesheet|icon)"[^>]+href|script[^>]+src)="([^"]+)"')


def transferred(client, url: str) -> tuple[int, list[str]]:
    """The page and every style, script and icon it loads, each gzipped."""
    page = client.get(url)
    assert page.status_code == 200
    html = page.content
    total = len(gzip.compress(html, 6))
    assets = ASSET.findall(html.decode())
    for asset in assets:
        path = finders.find(asset.removeprefix("/static/"))
        assert path, asset
        with open(path, "rb") as file:
            total += len(gzip.compress(file.read(), 6))
    return total, assets


def test_the_explorer_with_a_full_page_of_results_stays_within_its_budget(client):
    for number in range(25):
        pledge = published_pledge(title=f"Pledge on fair recruitment, number {number}")
        PledgeTargetFactory(pledge=pledge)
    size, assets = transferred(client, reverse("explorer"))
    assert any(asset.endswith("site.css") for asset in assets)
    assert size <= BUDGET, f"{size / 1024:.0f} KB"


def test_a_pledge_page_stays_within_its_budget(client):
    pledge = published_pledge(title="Fair recruitment corridors")
    for _ in range(5):
        PledgeTargetFactory(pledge=pledge)
    for _ in range(10):
        ProgressUpdateFactory(
            pledge=pledge, review_state="published", published_at=pledge.published_at
        )
    size, _ = transferred(client, reverse("pledge", args=[pledge.reference]))
    assert size <= BUDGET, f"{size / 1024:.0f} KB"
