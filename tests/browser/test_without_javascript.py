"""Every page and action works with JavaScript off: scripts only enhance.

Walked in a real browser with scripts disabled: the explorer's filters and search, a country
chosen from the list and in the indicator data, and an NGO drafting and submitting a pledge
in French.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from indicators.models import Area, Indicator, Objective
from pledges.models import Pledge, ReviewState
from tests.browser.conftest import chromium
from tests.browser.test_accessibility import session_cookie, world  # noqa: F401 (a fixture)
from tests.factories import ObservationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DESCRIPTION = (
    "Nous formerons les agences de recrutement de trois corridors aux normes de recrutement "
    "équitable, supprimerons les frais à la charge des travailleurs migrants et publierons "
    "chaque année un rapport vérifié sur les frais payés, les contrats signés et les plaintes "
    "reçues, afin que chaque travailleur sache ce qu'il doit et ne doit pas payer avant son "
    "départ, pendant son voyage et à son arrivée dans le pays de destination."
)


def scriptless(browser, *cookies, width=390):
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies(list(cookies))
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    return page


def test_the_explorer_filters_and_searches_without_javascript(live_server, world):  # noqa: F811
    with chromium() as browser:
        page = scriptless(browser, width=1280)
        page.goto(live_server.url + reverse("explorer"))
        facet = page.locator("details.facet", has=page.locator("a[href*='objective=']"))
        facet.locator("summary").click()
        facet.locator("a[href*='objective=']").first.click()
        filtered = page.url
        page.goto(live_server.url + reverse("explorer"))
        page.locator("input[name='q']").fill("recruitment")
        page.locator("input[name='q']").press("Enter")
        searched, text = page.url, page.inner_text("main")
    assert "objective=" in filtered
    assert "q=recruitment" in searched
    assert "Fair recruitment corridors" in text


def test_a_country_is_chosen_from_the_list_without_javascript(live_server, world):  # noqa: F811
    world.areas.add(Area.objects.get(iso3="KEN"))
    with chromium() as browser:
        page = scriptless(browser)
        page.goto(live_server.url + reverse("map"))
        page.locator("main a[href*='/areas/']").first.click()
        heading = page.inner_text("h1")
        address = page.url
    assert address.endswith("/areas/KEN/")
    assert "Kenya" in heading


def test_the_data_country_chooser_works_without_javascript(live_server, world):  # noqa: F811
    uganda = ObservationFactory(area=Area.objects.get(iso3="UGA"), value=7).area
    indicator = Indicator.objects.get(code="10.7.1")
    with chromium() as browser:
        page = scriptless(browser)
        page.goto(live_server.url + reverse("indicators:detail", args=[indicator.pk]))
        page.select_option("select[name='area']", "UGA")
        page.click("form.filters button[type='submit']")
        address, shown = page.url, page.inner_text("#area-title")
    assert "area=UGA" in address
    assert shown == uganda.name


def test_an_ngo_drafts_and_submits_a_pledge_in_french_without_javascript(
    live_server,
    world,  # noqa: F811
    member,
):
    cookie = session_cookie(live_server.url, member)
    with translation.override("fr"):
        create = reverse("portal:pledge_create")
    objective = Objective.objects.get(number=6)
    with chromium() as browser:
        page = scriptless(browser, cookie)
        page.goto(live_server.url + create)
        assert page.evaluate("document.documentElement.lang") == "fr"
        page.fill("input[name='title']", "Corridors de recrutement équitable")
        page.locator("main form button[type='submit']").click()
        page.fill("textarea[name='description']", DESCRIPTION)
        page.check("input[name='form_policy']")
        page.fill("input[name='deadline']", "2030-12-31")
        page.select_option("select[name='main_objective_1']", str(objective.pk))
        page.fill("input[name='targets-0-own_metric']", "Travailleurs informés")
        page.fill("input[name='targets-0-unit']", "personnes")
        page.fill("input[name='targets-0-baseline_value']", "0")
        page.fill("input[name='targets-0-baseline_year']", "2025")
        page.fill("input[name='targets-0-target_value']", "1000")
        page.fill("input[name='targets-0-target_year']", "2030")
        page.click("button[name='submit']")
        said = page.inner_text("main")
        address = page.url
    pledge = Pledge.objects.get(title="Corridors de recrutement équitable")
    assert pledge.review_state == ReviewState.SUBMITTED, said
    assert pledge.language == "fr"
    assert address.startswith(f"{live_server.url}/fr/portal/pledges/{pledge.reference}/")
