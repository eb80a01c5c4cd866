"""The secretariat corrects observations in the admin; every replaced value is kept, with who
and why, and the point itself (indicator, area, period, disaggregation) never changes there."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.imports import observations_import
from indicators.models import Area, Observation

pytestmark = pytest.mark.django_db


# --- Imports ------------------------------------------------------------------------------------


def test_an_import_in_the_admin_names_who_imported_and_the_command_nobody(client, secretariat):
    kenya = Area.objects.get(iso3="KEN")

    def upload(value: str) -> SimpleUploadedFile:
        return SimpleUploadedFile("indicator_10-c-1.csv", f"Year,Value\n2019,{value}\n".encode())

    observations_import(files=[upload("7.1")], area=kenya)
    client.force_login(secretariat)
    url = reverse("admin:indicators_observation_import")
    response = client.post(url, {"layout": "open-sdg", "country": "KEN", "files": [upload("6.8")]})
    assert response.status_code == 302
    observations_import(files=[upload("6.5")], area=kenya)  # as the command does
    newest, oldest = Observation.objects.get(area=kenya).revisions.all()
    assert (oldest.value, oldest.replaced_by, oldest.reason) == (
        Decimal("7.1"),
        secretariat,
        "Import of indicator_10-c-1.csv",
    )
    assert (newest.value, newest.replaced_by) == (Decimal("6.8"), None)
