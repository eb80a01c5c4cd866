"""The secretariat corrects observations in the admin; every replaced value is kept, with who
and why, and the point itself (indicator, area, period, disaggregation) never changes there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.imports import observations_import
from indicators.models import Area, Indicator, Observation, ObservationRevision
from indicators.services import observation_correct
from tests.conftest import with_second_factor
from tests.factories import ObservationFactory, UserFactory

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


def test_an_import_in_the_admin_names_who_imported_and_the_command_nobody(
    client, secretariat, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    kenya = Area.objects.get(iso3="KEN")

    def upload(value: str) -> SimpleUploadedFile:
        return SimpleUploadedFile("indicator_10-c-1.csv", f"Year,Value\n2019,{value}\n".encode())

    observations_import(files=[upload("7.1")], area=kenya)
    client.force_login(secretariat)
    url = reverse("admin:indicators_observation_import")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"layout": "open-sdg", "country": "KEN", "files": [upload("6.8")]}
        )
    assert response.status_code == 302
    observations_import(files=[upload("6.5")], area=kenya)  # as the command does
    newest, oldest = Observation.objects.get(area=kenya).revisions.all()
    assert (oldest.value, oldest.replaced_by, oldest.reason) == (
        Decimal("7.1"),
        secretariat,
        "Import of indicator_10-c-1.csv",
    )
    assert (newest.value, newest.replaced_by) == (Decimal("6.8"), None)


# --- Corrections in the admin -------------------------------------------------------------------


CHANGELIST = "admin:indicators_observation_changelist"


def change_url(observation: Observation) -> str:
    return reverse("admin:indicators_observation_change", args=[observation.pk])


def form_data(observation: Observation, **changes: str) -> dict[str, str]:
    """What the change page posts: the observation's content as shown, with `changes`."""
    revisions = list(observation.revisions.values_list("pk", flat=True))
    # The read-only history below the form posts its rows' ids, as the page renders them.
    history = {"revisions-TOTAL_FORMS": str(len(revisions))}
    history |= {"revisions-INITIAL_FORMS": str(len(revisions)), "revisions-MAX_NUM_FORMS": "0"}
    for n, pk in enumerate(revisions):
        history |= {f"revisions-{n}-id": str(pk), f"revisions-{n}-observation": str(observation.pk)}
    return {
        "value": f"{observation.value.normalize():f}",
        "unit": observation.unit,
        "source": observation.source,
        "note": observation.note,
        "reason": "",
        **history,
        **changes,
    }


def test_a_correction_keeps_the_replaced_value_and_names_who_made_it(
    client, secretariat, observation
):
    client.force_login(secretariat)
    data = form_data(observation, value="8.1", reason="The office's file gives 8.1")
    response = client.post(change_url(observation), data)
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.value == Decimal("8.1")
    revision = observation.revisions.get()
    assert (revision.value, revision.unit, revision.source) == (Decimal("7.96"), "%", "KNBS file")
    assert revision.replaced_by == secretariat
    assert revision.reason == "The office's file gives 8.1"


def test_the_change_page_shows_what_was_replaced_by_whom_and_why(client, secretariat, observation):
    client.force_login(secretariat)
    client.post(change_url(observation), form_data(observation, value="8.1", reason="Typo"))
    page = client.get(change_url(observation)).text
    assert "Replaced values" in page
    assert "7.96" in page
    assert str(secretariat) in page
    assert "Typo" in page


def test_each_correction_adds_to_the_history_newest_first(client, secretariat, observation):
    client.force_login(secretariat)
    client.post(change_url(observation), form_data(observation, value="8.1", reason="Typo"))
    observation.refresh_from_db()
    client.post(change_url(observation), form_data(observation, value="8.2", reason="Revised"))
    observation.refresh_from_db()
    assert observation.value == Decimal("8.2")
    history = [(r.value, r.reason) for r in observation.revisions.all()]
    assert history == [(Decimal("8.1"), "Revised"), (Decimal("7.96"), "Typo")]


def test_a_change_of_unit_source_or_note_alone_is_kept_too(client, secretariat, observation):
    client.force_login(secretariat)
    data = form_data(observation, unit="per cent", note="Provisional", reason="House style")
    client.post(change_url(observation), data)
    observation.refresh_from_db()
    assert (observation.unit, observation.note) == ("per cent", "Provisional")
    revision = observation.revisions.get()
    assert (revision.value, revision.unit, revision.note) == (Decimal("7.96"), "%", "")


def test_saving_without_a_change_writes_nothing(client, secretariat, observation):
    client.force_login(secretariat)
    updated_at = observation.updated_at
    # 7.9600 is the stored value written otherwise: no change.
    response = client.post(change_url(observation), form_data(observation, value="7.9600"))
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.updated_at == updated_at
    assert not observation.revisions.exists()


def test_a_correction_needs_a_reason(client, secretariat, observation):
    client.force_login(secretariat)
    response = client.post(change_url(observation), form_data(observation, value="8.1"))
    assert response.status_code == 200
    assert "Say why the value is corrected." in response.text
    observation.refresh_from_db()
    assert observation.value == Decimal("7.96")
    assert not observation.revisions.exists()


def test_the_point_itself_cannot_be_changed_by_a_crafted_post(client, secretariat, observation):
    client.force_login(secretariat)
    other_indicator = Indicator.objects.exclude(pk=observation.indicator_id).first()
    data = form_data(
        observation,
        value="8.1",
        reason="Typo",
        indicator=str(other_indicator.pk),
        area=str(Area.objects.get(iso3="GBR").pk),
        period_label="1999",
        period_start="1999-01-01",
        period_end="1999-12-31",
        disaggregation='{"Sex": "Female"}',
        disaggregation_key="Sex=Female",
        created_at="2000-01-01 00:00:00",
    )
    assert client.post(change_url(observation), data).status_code == 302
    stored = Observation.objects.get(pk=observation.pk)
    assert stored.value == Decimal("8.1")
    assert (stored.indicator_id, stored.area.iso3) == (observation.indicator_id, "KEN")
    assert (stored.period_label, stored.period_start) == ("2020", dt.date(2020, 1, 1))
    assert (stored.disaggregation, stored.disaggregation_key) == ({}, "")
    assert stored.created_at == observation.created_at


def test_staff_without_the_change_permission_may_look_but_not_correct(
    client, secretariat, observation
):
    client.force_login(without_permission(secretariat, "change_observation"))
    page = client.get(change_url(observation))
    assert page.status_code == 200  # they keep the view permission: a read-only page
    assert 'name="value"' not in page.text
    data = form_data(observation, value="8.1", reason="Typo")
    assert client.post(change_url(observation), data).status_code == 403
    observation.refresh_from_db()
    assert observation.value == Decimal("7.96")
    assert not observation.revisions.exists()


def test_staff_without_any_observation_permission_are_refused(client, observation):
    staff = UserFactory(is_staff=True)
    client.force_login(with_second_factor(staff))
    assert client.get(change_url(observation)).status_code == 403
    data = form_data(observation, value="8.1", reason="Typo")
    assert client.post(change_url(observation), data).status_code == 403
    assert not observation.revisions.exists()


def test_members_are_sent_to_log_in(client, member, observation):
    client.force_login(member)
    data = form_data(observation, value="8.1", reason="Typo")
    assert client.post(change_url(observation), data).status_code == 302
    observation.refresh_from_db()
    assert observation.value == Decimal("7.96")


def test_observations_are_neither_added_nor_deleted_one_by_one(client, secretariat, observation):
    client.force_login(secretariat)
    assert client.get(reverse("admin:indicators_observation_add")).status_code == 403
    delete = reverse("admin:indicators_observation_delete", args=[observation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    page = client.get(reverse(CHANGELIST)).text
    assert reverse("admin:indicators_observation_add") not in page
    assert "delete_selected" not in page
    # Points come from imports: the list offers the import instead.
    assert reverse("admin:indicators_observation_import") in page
    assert Observation.objects.filter(pk=observation.pk).exists()


def test_the_history_itself_cannot_be_changed_or_deleted(client, secretariat, observation):
    client.force_login(secretariat)
    observation_correct(
        observation=observation,
        by=secretariat,
        value=Decimal(8),
        unit="%",
        source="",
        note="",
        reason="Typo",
    )
    revision = observation.revisions.get()
    delete = reverse("admin:indicators_observationrevision_delete", args=[revision.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:indicators_observationrevision_change", args=[revision.pk])
    assert client.post(change, {"value": "1", "reason": "Forged"}).status_code == 403
    revision.refresh_from_db()
    assert (revision.value, revision.reason) == (Decimal("7.96"), "Typo")


# --- Query counts -------------------------------------------------------------------------------


def add_revisions(observation: Observation, count: int) -> None:
    """`count` more replaced values, each by a different person."""
    ObservationRevision.objects.bulk_create(
        ObservationRevision(
            observation=observation, value=Decimal(n), replaced_by=user, reason=f"Fix {n}"
        )
        for n, user in enumerate(UserFactory.create_batch(count))
    )


def test_the_change_page_reads_as_many_queries_for_30_revisions_as_for_3(
    client, secretariat, observation, django_assert_max_num_queries
):
    client.force_login(secretariat)
    counts = []
    for revisions in (3, 30):
        add_revisions(observation, revisions - observation.revisions.count())
        ContentType.objects.clear_cache()  # as cold as a new process: counts do not depend on order
        # Session, user, second factor, the observation with its indicator and area, the user's
        # and groups' permissions, the revisions with who replaced them (and the observation
        # their titles name), the reporting policy (the sidebar asks every admin whether one
        # may be added), the observation's content type (for its history link).
        with django_assert_max_num_queries(9) as queries:
            response = client.get(change_url(observation))
        assert response.text.count("Fix ") == revisions
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_changelist_reads_as_many_queries_for_30_rows_as_for_3(
    client, secretariat, django_assert_max_num_queries
):
    indicators = list(Indicator.objects.filter(indicator_set__is_current=True)[:3])
    areas = list(Area.objects.countries()[:3])
    client.force_login(secretariat)
    counts = []
    for rows in (3, 30):
        for n in range(Observation.objects.count(), rows):
            ObservationFactory(
                indicator=indicators[n % 3],
                area=areas[n // 3 % 3],
                period_label=str(1990 + n),
                period_start=dt.date(1990 + n, 1, 1),
                period_end=dt.date(1990 + n, 12, 31),
            )
        # Session, user, second factor, the user's and groups' permissions, the choices of
        # the set and indicator filters, the count of the filtered rows (not of all: see
        # show_full_result_count), the reporting policy (the sidebar asks every admin whether
        # one may be added), the page of rows with their indicators and areas.
        with django_assert_max_num_queries(10) as queries:
            response = client.get(reverse(CHANGELIST))
        assert len(response.context["cl"].result_list) == rows
        counts.append(len(queries))
    assert counts[0] == counts[1]
