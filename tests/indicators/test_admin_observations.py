"""The secretariat corrects observations in the admin; every replaced value is kept, with who
and why, and the point itself (indicator, area, period, disaggregation) never changes there."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.imports import observations_import
from indicators.models import Area, Observation, ObservationRevision
from indicators.services import observation_correct
from tests.factories import ObservationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def observation() -> Observation:
    return ObservationFactory(value=Decimal("7.96"), unit="%", source="KNBS file")


def without_permission(user, codename: str):
    user.user_permissions.remove(Permission.objects.get(codename=codename))
    return user


# --- The service ------------------------------------------------------------------------------


def correct(observation: Observation, by, **changes) -> Observation:
    content = {name: getattr(observation, name) for name in Observation.CONTENT_FIELDS}
    return observation_correct(
        observation=observation, by=by, **{**content, "reason": "", **changes}
    )


def test_the_service_refuses_who_may_not_change_observations(member, secretariat, observation):
    with pytest.raises(PermissionDenied):
        correct(observation, member, value=Decimal(9), reason="Mine")
    with pytest.raises(PermissionDenied):
        correct(
            observation,
            without_permission(secretariat, "change_observation"),
            value=Decimal(9),
            reason="Mine",
        )
    assert Observation.objects.get(pk=observation.pk).value == Decimal("7.96")
    assert not ObservationRevision.objects.exists()


def test_the_service_changes_nothing_when_nothing_differs(secretariat, observation):
    stored = correct(observation, secretariat, value=Decimal("7.960"))
    assert stored.updated_at == observation.updated_at
    assert not ObservationRevision.objects.exists()


def test_the_service_refuses_a_change_without_a_reason(secretariat, observation):
    with pytest.raises(ValidationError, match="Say why"):
        correct(observation, secretariat, value=Decimal(9), reason="  ")
    assert not ObservationRevision.objects.exists()


def test_the_service_replaces_what_is_stored_not_what_the_caller_read(secretariat, observation):
    # An import replaced 7.96 by 8.0 after the caller read the observation.
    Observation.objects.filter(pk=observation.pk).update(value=Decimal(8))
    correct(observation, secretariat, value=Decimal("8.1"), reason="Typo")
    assert observation.revisions.get().value == Decimal(8)


def test_the_service_refuses_a_value_the_database_cannot_hold(secretariat, observation):
    with pytest.raises(ValidationError):
        correct(observation, secretariat, value=Decimal("1e25"), reason="Typo")
    assert not ObservationRevision.objects.exists()


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
