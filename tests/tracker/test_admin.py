"""The secretariat's workbench: every model is there for staff, and nobody else gets in."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from indicators.models import AreaReporting
from pledges.models import PledgeObjective, PledgePartner, ReviewEvent
from tests.factories import (
    ObservationFactory,
    OrganisationFactory,
    PledgeFactory,
    PledgeTargetFactory,
    ProgressUpdateFactory,
    objective,
)
from tracker.models import Job

pytestmark = pytest.mark.django_db

OUR_APPS = {"tracker", "indicators", "pledges"}
MODELS = [model for model in admin.site._registry if model._meta.app_label in OUR_APPS]
# Records written only by the workflow; the queue, which lists what others submitted; what
# is written through a pledge's own page or by its owners; observations, which come from
# imports.
READ_ONLY = {
    "reviewevent",
    "pledgeversion",
    "updateversion",
    "pledgeinreview",
    "corroboration",
    "reminderlog",
    "observationrevision",
    "observation",
    "progressupdate",
    "pledgetarget",
    "pledgeobjective",
    "pledgepartner",
    "targetmeasurement",
    "evidence",
    "outboxmessage",
    "workerheartbeat",
    "areareporting",
    "job",
    "following",
    "apitoken",
    "idempotentrequest",
}


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def sample_data():
    pledge = PledgeFactory(published=True)
    PledgeObjective.objects.create(pledge=pledge, objective=objective(6), main_rank=1)
    PledgePartner.objects.create(pledge=pledge, organisation=OrganisationFactory())
    PledgeTargetFactory(pledge=pledge)
    update = ProgressUpdateFactory(pledge=pledge)
    ReviewEvent.objects.create(pledge=pledge, action="publish", to_state="published")
    ReviewEvent.objects.create(pledge=pledge, update=update, action="submit", to_state="submitted")
    observation = ObservationFactory()
    AreaReporting.objects.create(indicator=observation.indicator, area=observation.area)
    Job.objects.create(kind="observations-import", parameters={"layout": "open-sdg"})
    return pledge


def test_every_model_of_ours_is_on_the_workbench():
    registered = {m._meta.label for m in MODELS}
    from django.apps import apps

    ours = {
        m._meta.label
        for m in apps.get_models()
        if m._meta.app_label in OUR_APPS and not m._meta.auto_created
    }
    assert ours <= registered


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_secretariat_sees_every_list_and_record(client, secretariat, sample_data, model):
    client.force_login(secretariat)
    assert client.get(url(model, "changelist")).status_code == 200
    assert client.get(url(model, "changelist"), {"q": "a"}).status_code == 200
    record = model._default_manager.first()
    if record is not None:
        assert client.get(url(model, "change", record.pk), follow=True).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_superuser_can_open_every_add_form(client, superuser, model):
    client.force_login(superuser)
    expected = 403 if model._meta.model_name in READ_ONLY else 200
    assert client.get(url(model, "add")).status_code == expected
    # The reporting policy is a single row: once it exists, there is nothing to add.


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_anonymous_visitors_are_sent_to_login(client, model):
    response = client.get(url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_stakeholders_without_staff_status_are_sent_to_login(client, member):
    client.force_login(member)
    response = client.get(reverse("admin:pledges_pledge_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_review_events_cannot_be_edited_or_deleted(client, superuser, sample_data):
    client.force_login(superuser)
    event = ReviewEvent.objects.first()
    response = client.post(url(ReviewEvent, "change", event.pk), {"comment": "rewritten"})
    assert response.status_code == 403
    assert client.post(url(ReviewEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.comment == ""


def test_workflow_state_is_read_only_on_the_pledge_form(client, superuser, sample_data):
    client.force_login(superuser)
    form = client.get(url(type(sample_data), "change", sample_data.pk)).context["adminform"].form
    assert "review_state" not in form.fields
    assert "reference" not in form.fields


def test_pledge_list_queries_do_not_grow_with_pledges(
    client, secretariat, django_assert_max_num_queries
):
    client.force_login(secretariat)
    PledgeFactory.create_batch(40)
    # Session, user, second factor, permissions (twice), the choices of the cycle, commission
    # and objective filters, the count, whether the reporting policy may be added (for the
    # sidebar), the page of pledges with organisation and cycle joined, and the prefetched
    # targets and objective links of the SMART column.
    with django_assert_max_num_queries(13):
        response = client.get(reverse("admin:pledges_pledge_changelist"))
    assert response.status_code == 200


def test_staff_without_a_second_factor_are_sent_to_set_one_up(client):
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get(reverse("admin:pledges_pledge_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_admin_login_goes_through_the_site_login(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
