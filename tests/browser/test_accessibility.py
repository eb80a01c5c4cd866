"""WCAG 2.2 AA, as axe-core checks it in a real browser: every page reachable from the home
page, the portal's pages as a signed-in member, and the review desk's main admin pages."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from pledges import services
from pledges.models import PledgePartner, ReviewState
from tests.browser.conftest import AXE, chromium
from tests.factories import (
    ObservationFactory,
    OrganisationFactory,
    ProgressUpdateFactory,
    complete_pledge,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Files, feeds, the API and the admin (checked apart) are not pages to walk.
NOT_PAGES = re.compile(
    r"\.(csv|xlsx|zip|atom|pdf|svg|json|ico)$|^/(admin|api|static)/|/logout/|/download/"
    r"|/evidence/\d+/$"
)
# Pages of one kind differ in data, not in structure: two of each are enough.
PER_KIND = 2
LIMIT = 120
# What the walks reach with the test's data: fewer means a link went missing.
PUBLIC_PAGES = 20
PORTAL_PAGES = 25


# A walk stays in the language it starts in: the chooser links every page to its five others.
LANGUAGE = re.compile(r"^/(fr|es|ar|zh-hans|ru)/")


def _language(path: str) -> str:
    found = LANGUAGE.match(path)
    return found.group(1) if found else "en"


def _kind(path: str) -> str:
    return re.sub(r"GCM-\d{4}-\d+|\d+|[A-Z]{3}(?=/)", "N", urlsplit(path).path)


def axe_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async (rules) => (await axe.run(document, {runOnly: {type: 'tag', values: rules}}))"
        ".violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3)"
        ".map(n => n.target.join(' ')).join(' | ')}`)",
        RULES,
    )
    return list(found)


def walk(page: Any, base: str, starts: list[str]) -> tuple[set[str], dict[str, list[str]]]:
    """Every page reachable from `starts` (same site, GET), each checked by axe: the pages
    walked, and what axe found on them."""
    queue, seen, kinds, problems = list(starts), set(), {}, {}
    while queue and len(seen) < LIMIT:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(base + path)
        if response is None or not response.ok:
            problems[path] = [f"answered {response.status if response else 'nothing'}"]
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        violations = axe_violations(page)
        sideways = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if sideways > 0:
            violations.append(f"scrolls sideways by {sideways} px")
        if violations:
            problems[path] = violations
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            target = urlsplit(urljoin(base + path, href))
            if f"{target.scheme}://{target.netloc}" != base:
                continue
            found = target.path + (f"?{target.query}" if target.query else "")
            kind = _kind(found)
            if (
                found in seen
                or NOT_PAGES.search(target.path)
                or kinds.get(kind, 0) >= PER_KIND
                or _language(found) != _language(starts[0])
            ):
                continue
            kinds[kind] = kinds.get(kind, 0) + 1
            queue.append(found)
    return seen, problems


@pytest.fixture
def world(organisation, member, secretariat):
    """Something on every page: published pledges with targets, updates and a partner, an
    invitation waiting, a draft, indicator data."""
    pledge = complete_pledge(lead_organisation=organisation, title="Fair recruitment corridors")
    services.pledge_submit(pledge=pledge, by=member)
    services.pledge_publish(pledge=pledge, by=secretariat)
    ProgressUpdateFactory(
        pledge=pledge, review_state=ReviewState.PUBLISHED, published_at=timezone.now()
    )
    other = OrganisationFactory(name="Diaspora Council")
    invited = complete_pledge(lead_organisation=other, title="Shelters on the route")
    PledgePartner.objects.create(pledge=invited, organisation=organisation)
    complete_pledge(lead_organisation=organisation, title="A draft of ours")
    ObservationFactory()
    return pledge


def session_cookie(base: str, user: Any) -> dict[str, str]:
    """A signed-in session of `user`, as a cookie for the browser (made before it starts)."""
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base,
    }


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}\n  " + "\n  ".join(found) for path, found in problems.items())


def test_every_public_page_meets_wcag_aa(live_server, world):
    results = {}
    with chromium() as browser:
        context = browser.new_context(bypass_csp=True)
        # A wide screen, a phone, and the narrowest WCAG asks pages to reflow at (1.4.10).
        for width in (1280, 390, 320):
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": 900})
            results[width] = walk(page, live_server.url, ["/"])
            page.close()
    for width, (walked, problems) in results.items():
        assert not problems, f"at {width} px:\n{report(problems)}"
        assert len(walked) >= PUBLIC_PAGES


def test_every_public_page_meets_wcag_aa_in_arabic_right_to_left(live_server, world):
    with chromium() as browser:
        page = browser.new_context(bypass_csp=True).new_page()
        page.set_viewport_size({"width": 390, "height": 900})
        walked, problems = walk(page, live_server.url, ["/ar/"])
        direction = page.evaluate("() => document.documentElement.dir")
    assert not problems, report(problems)
    assert direction == "rtl"
    assert len(walked) >= PUBLIC_PAGES
    assert all(path.startswith("/ar/") for path in walked)


def test_every_portal_page_meets_wcag_aa(live_server, world, member):
    cookie = session_cookie(live_server.url, member)
    starts = [reverse("portal:home"), reverse("api_tokens")]
    results = {}
    with chromium() as browser:
        context = browser.new_context(bypass_csp=True)
        context.add_cookies([cookie])
        for width in (1280, 320):
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": 900})
            results[width] = walk(page, live_server.url, starts)
            page.close()
    for width, (walked, problems) in results.items():
        assert not problems, f"at {width} px:\n{report(problems)}"
        assert len(walked) >= PORTAL_PAGES


def test_every_portal_page_meets_wcag_aa_in_arabic_right_to_left(live_server, world, member):
    cookie = session_cookie(live_server.url, member)
    with translation.override("ar"):
        starts = [reverse("portal:home"), reverse("api_tokens")]
    with chromium() as browser:
        context = browser.new_context(bypass_csp=True)
        context.add_cookies([cookie])
        page = context.new_page()
        page.set_viewport_size({"width": 390, "height": 900})
        walked, problems = walk(page, live_server.url, starts)
    assert not problems, report(problems)
    assert len(walked) >= PORTAL_PAGES
    assert all(path.startswith("/ar/") for path in walked)


def test_the_review_desk_meets_wcag_aa(live_server, world, secretariat, member):
    pledge = complete_pledge(lead_organisation=world.lead_organisation, title="To review")
    services.pledge_submit(pledge=pledge, by=member)
    cookie = session_cookie(live_server.url, secretariat)
    paths = (
        reverse("admin:index"),
        reverse("admin:pledges_pledgeinreview_changelist"),
        reverse("admin:pledges_pledgeinreview_change", args=[pledge.pk]),
        reverse("admin:pledges_pledge_changelist"),
        reverse("admin:pledges_pledge_change", args=[world.pk]),
        reverse("admin:pledges_progressupdate_changelist"),
    )
    problems, answered = {}, {}
    with chromium() as browser:
        context = browser.new_context(bypass_csp=True)
        context.add_cookies([cookie])
        page = context.new_page()
        for path in paths:
            answered[path] = page.goto(live_server.url + path).status
            violations = axe_violations(page)
            if violations:
                problems[path] = violations
    assert set(answered.values()) == {200}, answered
    assert not problems, report(problems)
