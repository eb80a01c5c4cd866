"""The secretariat imports observations in the admin, as the command does."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Observation
from tests.indicators.test_imports import DATA, SDG_GLOBAL

pytestmark = pytest.mark.django_db

URL = "admin:indicators_observation_import"


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_the_secretariat_imports_open_sdg_files_for_a_country(client, secretariat):
    client.force_login(secretariat)
    assert client.get(reverse(URL)).status_code == 200
    files = [
        upload(path.name, path.read_text(encoding="utf-8-sig"))
        for path in sorted((DATA / "GBR").glob("indicator_10-*.csv"))
    ]
    response = client.post(
        reverse(URL), {"layout": "open-sdg", "country": "GBR", "files": files}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("admin:indicators_observation_changelist")
    assert "0 unchanged" in response.text
    assert Observation.objects.filter(area__iso3="GBR", indicator__sdg_code="10.c.1").count() > 30


def test_the_un_layout_needs_no_country(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse(URL), {"layout": "sdg-global", "files": [upload("un.csv", SDG_GLOBAL)]}
    )
    assert response.status_code == 302
    assert Observation.objects.filter(area__code="001").exists()


def test_open_sdg_files_need_their_country(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse(URL),
        {"layout": "open-sdg", "files": [upload("indicator_10-c-1.csv", "Year,Value\n2019,3\n")]},
    )
    assert response.status_code == 200
    assert "Open SDG files hold one country&#x27;s data: choose it." in response.text
    assert not Observation.objects.exists()


def test_a_broken_upload_writes_nothing_and_lists_every_bad_row(client, secretariat):
    client.force_login(secretariat)
    files = [
        upload("indicator_10-c-1.csv", "Year,Value\n2019,3\n"),
        upload("indicator_8-8-1.csv", "Year,Value\nsoon,3\n2020,lots\n"),
    ]
    response = client.post(reverse(URL), {"layout": "open-sdg", "country": "KEN", "files": files})
    assert response.status_code == 200
    assert "Nothing was imported" in response.text
    assert "indicator_8-8-1.csv, line 2: period &#x27;soon&#x27;" in response.text
    assert "indicator_8-8-1.csv, line 3: value &#x27;lots&#x27; is not a number" in response.text
    assert not Observation.objects.exists()


def test_only_staff_with_the_permissions_may_import(client, member, secretariat):
    client.force_login(member)
    assert client.get(reverse(URL)).status_code == 302  # to the admin login
    secretariat.user_permissions.clear()
    client.force_login(secretariat)
    assert client.get(reverse(URL)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(reverse(URL)).status_code == 302


def test_an_upload_in_another_encoding_is_refused_not_a_server_error(client, secretariat):
    client.force_login(secretariat)
    latin = SimpleUploadedFile(
        "indicator_10-c-1.csv", "Year,Sex,Value\n2019,Féminin,3\n".encode("latin-1")
    )
    response = client.post(reverse(URL), {"layout": "open-sdg", "country": "KEN", "files": [latin]})
    assert response.status_code == 200
    assert "indicator_10-c-1.csv: not UTF-8 text" in response.text


def test_the_observation_list_offers_the_import_to_the_secretariat(client, secretariat):
    client.force_login(secretariat)
    response = client.get(reverse("admin:indicators_observation_changelist"))
    assert f'<a href="{reverse(URL)}">Import observations</a>' in response.text
