"""What the portal refuses, in plain words, and what it asks people to look at twice: every rule
a reviewer found broken, each a test. Nothing here answers 500."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pledges import services
from pledges.content import MeasurementContent, UpdateContent
from pledges.models import (
    Evidence,
    JoinRequest,
    Organisation,
    Pledge,
    ProgressUpdate,
    ReviewCycle,
)
from pledges.models.rules import Rule
from pledges.workflow import WorkflowError
from tests.factories import IndicatorFactory, OrganisationFactory, PledgeTargetFactory, report
from tests.pledges.test_portal import form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def update_data(**changes) -> dict:
    data = {
        "organisation": "",
        "reported_on": "2026-06-30",
        "implementation_status": "in_progress",
        "narrative": "Half of the licensing reform is in force now.",
    }
    data.update(changes)
    return data


@pytest.fixture
def report_page(client, member, published, organisation):
    client.force_login(member)
    return reverse("portal:update_new", args=[published.reference])


def posted(client, url, data):
    response = client.post(url, data)
    assert response.status_code in (302, 400, 409), response.status_code
    return response


# --- Progress updates ------------------------------------------------------------------------


def test_a_report_dated_in_the_future_is_refused(client, report_page, organisation):
    future = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
    response = posted(
        client, report_page, update_data(organisation=organisation.pk, reported_on=future)
    )
    assert response.status_code == 400
    assert "A report cannot be dated in the future." in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_report_dated_before_the_cycle_is_refused(client, report_page, organisation):
    response = posted(
        client, report_page, update_data(organisation=organisation.pk, reported_on="2020-01-15")
    )
    assert "the end of the previous Forum" in response.content.decode()


def test_a_one_letter_narrative_is_refused(client, report_page, organisation):
    response = posted(client, report_page, update_data(organisation=organisation.pk, narrative="x"))
    assert "in a sentence or more" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_disbursed_above_committed_is_saved_once_the_owner_confirms(
    client, report_page, organisation
):
    data = update_data(
        organisation=organisation.pk, amount_committed="1000", amount_disbursed="9000"
    )
    response = posted(client, report_page, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "More is disbursed (9000) than committed (1000)." in body
    assert "confirm_figures" in body
    assert not ProgressUpdate.objects.exists()
    assert posted(client, report_page, {**data, "confirm_figures": "on"}).status_code == 302
    assert ProgressUpdate.objects.get().amount_disbursed == Decimal(9000)


def test_a_negative_value_where_baseline_and_target_are_not_is_questioned(
    client, report_page, organisation, published
):
    target = published.targets.get()
    data = update_data(organisation=organisation.pk, **{f"value_{target.pk}": "-40"})
    response = posted(client, report_page, data)
    assert "is below zero, while the baseline and the target are not" in response.content.decode()


def test_a_percentage_above_100_is_refused(client, report_page, organisation, published):
    target = PledgeTargetFactory(pledge=published, own_metric="Share covered", unit="%")
    data = update_data(organisation=organisation.pk, **{f"value_{target.pk}": "150"})
    response = posted(client, report_page, data)
    assert response.status_code == 400
    assert "A percentage lies between 0 and 100." in response.content.decode()


def test_a_value_measured_in_the_future_is_refused(published, member, organisation):
    target = published.targets.get()
    later = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(WorkflowError, match="cannot be measured in the future"):
        services.update_create(
            pledge=published,
            by=member,
            organisation=organisation,
            content=UpdateContent(
                reported_on=dt.date(2026, 6, 30),
                implementation_status="in_progress",
                narrative="Inspectors trained in four provinces.",
                measurements=(MeasurementContent(target, Decimal(10), later),),
            ),
        )


def test_a_megabyte_narrative_is_refused(client, report_page, organisation):
    response = posted(
        client, report_page, update_data(organisation=organisation.pk, narrative="a" * 1_000_000)
    )
    assert "at most 3000 characters" in response.content.decode()


def test_years_one_and_9999_are_refused(client, report_page, organisation, member, published):
    response = posted(
        client, report_page, update_data(organisation=organisation.pk, reported_on="0001-01-01")
    )
    assert response.status_code == 400
    draft = Pledge.objects.create(
        cycle=published.cycle,
        sequence=77,
        reference="GCM-2026-0077",
        lead_organisation=organisation,
        title="Dates",
    )
    response = client.post(
        reverse("portal:pledge_edit", args=[draft.reference]),
        form_data(draft, start_date="0001-01-01", deadline="9999-12-31"),
    )
    assert response.status_code == 400
    assert response.content.decode().count("Give a date between 2000 and 2100.") == 2


def test_a_stale_update_save_answers_409(client, member, organisation, published):
    update = report(published, member, organisation)
    client.force_login(member)
    url = reverse("portal:update_edit", args=[update.pk])
    data = update_data(opened_version=update.version)
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 409  # the same page, saved a second time


# --- Pledges ---------------------------------------------------------------------------------


@pytest.fixture
def draft_page(client, member, organisation):
    from tests.factories import complete_pledge

    pledge = complete_pledge(lead_organisation=organisation)
    client.force_login(member)
    return pledge, reverse("portal:pledge_edit", args=[pledge.reference])


@pytest.mark.parametrize(
    ("currency", "message"),
    [
        ("ZZZ", "ZZZ is not an ISO 4217 currency code"),
        ("ßx", "Give the three-letter ISO 4217 code"),
        ("US", "Give the three-letter ISO 4217 code"),
    ],
)
def test_a_currency_is_an_iso_4217_code(client, draft_page, currency, message):
    pledge, url = draft_page
    response = client.post(url, form_data(pledge, amount="5000", currency=currency))
    assert response.status_code == 400
    assert message in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.currency == ""


def test_the_currency_field_offers_the_iso_list(client, draft_page):
    _, url = draft_page
    body = client.get(url).content.decode()
    assert '<option value="EUR">Euro</option>' in body
    assert 'list="id_currency-suggestions"' in body


def test_a_target_on_an_indicator_takes_its_unit(client, draft_page):
    pledge, url = draft_page
    indicator = IndicatorFactory(unit="percent of amount sent")
    data = form_data(
        pledge,
        **{
            "targets-0-indicator": indicator.pk,
            "targets-0-own_metric": "",
            "targets-0-unit": "months of earnings",
        },
    )
    assert client.post(url, data).status_code == 302
    assert pledge.targets.get().unit == "percent of amount sent"


def test_values_show_without_padding_zeros(client, member, published):
    client.force_login(member)
    published.targets.update(baseline_value=Decimal("3.5"), target_value=Decimal(1000))
    body = client.get(reverse("portal:pledge_detail", args=[published.reference])).content
    assert b"3.5 persons" in body
    assert b"3.5000" not in body


def test_ids_that_cannot_be_ids_are_wrong_choices_not_errors(client, draft_page):
    pledge, url = draft_page
    huge = "9" * 30
    for field in ("areas", "partners", "principles", "further_objectives"):
        response = client.post(url, form_data(pledge, **{field: [huge]}))
        assert response.status_code == 400, field
        assert f"“{huge}” is not a valid value." in response.content.decode()
        response = client.post(url, form_data(pledge, **{field: ["²"]}))
        assert response.status_code == 400, field


def test_a_file_with_a_long_name_is_stored_twice_under_short_names(
    client, member, organisation, settings, tmp_path
):
    from tests.factories import complete_pledge

    settings.MEDIA_ROOT = tmp_path
    pledge = complete_pledge(lead_organisation=organisation)
    client.force_login(member)
    name = "a" * 296 + ".pdf"
    for _ in range(2):
        response = client.post(
            reverse("portal:evidence_add", args=[pledge.reference]),
            {"evidence-title": "Decree", "evidence-file": SimpleUploadedFile(name, PDF)},
        )
        assert response.status_code == 302
    names = [e.file.name for e in Evidence.objects.all()]
    assert len(names) == 2
    assert len(set(names)) == 2
    assert all(len(name) < 120 and name.endswith(".pdf") for name in names)


# --- Organisations ---------------------------------------------------------------------------


def test_an_organisation_kind_is_chosen_not_defaulted(client, member):
    client.force_login(member)
    page = client.get(reverse("portal:organisation_register")).content.decode()
    assert '<option value="" selected>Choose the kind of organisation</option>' in page
    response = client.post(
        reverse("portal:organisation_register"), {"name": "Kindless", "country": ""}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Organisation.objects.filter(name="Kindless").exists()


def test_joining_with_an_id_that_is_not_one_finds_nothing(client, member):
    client.force_login(member)
    for value in ("²", "9" * 30, "-1", "1e3"):
        response = client.post(reverse("portal:organisation_join"), {"organisation": value})
        assert response.status_code == 404, value


def test_a_two_megabyte_join_message_is_refused(client, member):
    other = OrganisationFactory(name="Far Away Network")
    client.force_login(member)
    response = client.post(
        reverse("portal:organisation_join"),
        {"organisation": other.pk, "message": "b" * 2_000_000},
        follow=True,
    )
    assert "at most 1000 characters" in response.content.decode()
    assert not JoinRequest.objects.exists()


# --- Every rule speaks plainly ---------------------------------------------------------------


def test_every_check_of_ours_explains_itself_in_plain_words():
    for model in apps.get_app_config("pledges").get_models():
        for constraint in model._meta.constraints:
            message = constraint.get_violation_error_message()
            assert "Constraint" not in message, (model, constraint.name)
            assert constraint.name not in message
            assert message.endswith("."), message
            if isinstance(constraint, Rule) and constraint.field:
                model._meta.get_field(constraint.field)


def test_a_new_pledge_is_offered_only_cycles_open_for_pledging(client, member, organisation):
    client.force_login(member)
    page = client.get(reverse("portal:pledge_create")).content.decode()
    assert "IMRF-2026" in page
    assert "IMRF-2022" not in page
    past = ReviewCycle.objects.get(code="IMRF-2022")
    response = client.post(
        reverse("portal:pledge_create"),
        {"organisation": organisation.pk, "cycle": past.pk, "title": "Too late"},
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Pledge.objects.filter(title="Too late").exists()
