"""The six UN languages: each page at its language's address, Arabic right to left, a choice
remembered, and catalogues with every entry translated."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


def test_english_is_at_the_plain_address_and_reads_left_to_right(client):
    page = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert 'href="/ar/" lang="ar" hreflang="ar"' in page
    assert "csrfmiddlewaretoken" not in page  # public pages stay cacheable


def test_arabic_reads_right_to_left_in_arabic(client):
    page = client.get("/ar/")
    assert page.status_code == 200
    text = page.content.decode()
    assert '<html lang="ar" dir="rtl">' in text
    assert ">التعهدات</a>" in text
    assert 'href="/ar/pledges/"' in text


@pytest.mark.parametrize(
    ("language", "word"),
    [("fr", "Engagements"), ("es", "Compromisos"), ("zh-hans", "认捐"), ("ru", "Обязательства")],
)
def test_every_language_has_its_address(client, language, word):
    with translation.override(language):
        url = reverse("explorer")
    assert url == f"/{language}/pledges/"
    assert f">{word}</a>" in client.get(url).content.decode()


def test_the_chooser_links_to_the_same_page_in_each_language(client):
    page = client.get("/fr/pledges/?objective=6").content.decode()
    assert 'href="/es/pledges/?objective=6" lang="es"' in page
    assert 'href="/pledges/?objective=6" lang="en"' in page
    assert 'href="/fr/pledges/?objective=6" lang="fr" hreflang="fr" aria-current="true"' in page


def test_machines_addresses_have_no_language(client):
    assert reverse("api:root") == "/api/v1/"
    with translation.override("fr"):
        assert reverse("api:pledges") == "/api/v1/pledges/"
        assert reverse("feed_updates") == "/feeds/updates.atom"


def test_a_language_opened_is_remembered_and_a_plain_address_opens_in_it(client):
    client.get("/fr/pledges/")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    arriving = client.get("/pledges/?objective=6")
    assert (arriving.status_code, arriving["Location"]) == (302, "/fr/pledges/?objective=6")
    assert "Cookie" in arriving["Vary"]
    assert "no-store" in arriving["Cache-Control"]


def test_the_english_link_from_another_language_chooses_english(client):
    client.get("/fr/pledges/")
    english = client.get("/pledges/", HTTP_REFERER="http://testserver/fr/pledges/")
    assert english.status_code == 200
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get("/").status_code == 200


def test_a_signed_in_users_choice_follows_them_to_another_device(client, member):
    client.force_login(member)
    client.get("/es/portal/")
    member.refresh_from_db()
    assert member.language == "es"
    other_device = Client()
    other_device.force_login(member)
    assert other_device.get("/portal/")["Location"] == "/es/portal/"


def test_machines_and_forms_are_never_redirected(client):
    client.get("/ar/")
    assert client.get("/api/v1/").status_code == 200
    assert client.get("/feeds/updates.atom").status_code == 200
    assert client.post("/pledges/").status_code != 302


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parts[-3])
def test_every_catalogue_entry_is_translated(path):
    catalogue = polib.pofile(str(path))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert (missing, fuzzy) == ([], [])


def test_there_is_a_catalogue_for_every_language_but_english():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert languages == {translation.to_locale(code) for code, _ in settings.LANGUAGES} - {"en"}
