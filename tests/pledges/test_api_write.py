"""The write API: a key's holder drafts, edits and submits their organisations' pledges and
updates through the portal's own forms and services, and nothing the portal forbids."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
from django.urls import reverse

from indicators.models import Indicator
from pledges import services
from pledges.models import (
    JointKind,
    PartnerStatus,
    Pledge,
    PledgePartner,
    ProgressUpdate,
    ReviewState,
)
from tests.factories import MembershipFactory, OrganisationFactory, complete_pledge
from tracker.models import ApiToken
from tracker.tokens import token_create

pytestmark = pytest.mark.django_db


def key_of(user) -> str:
    return token_create(user=user, name="script", days=30)[1]


class Script:
    """A client as a partner's own system would be: JSON in and out, a key in a header."""

    def __init__(self, client, key: str | None) -> None:
        self.client, self.key = client, key

    def call(self, method: str, name: str, *args, body=None, headers=None, **params):
        extra = {"HTTP_ACCEPT": "application/json"}
        if self.key:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.key}"
        for header, value in (headers or {}).items():
            extra["HTTP_" + header.upper().replace("-", "_")] = value
        url = reverse(f"api:{name}", args=args)
        if body is not None:
            response = getattr(self.client, method)(
                url, json.dumps(body), content_type="application/json", **extra
            )
        else:
            response = getattr(self.client, method)(url, params or None, **extra)
        if response.get("Content-Type", "").startswith("application/json"):
            response.body = json.loads(response.content)
        return response


@pytest.fixture
def partner_org(db):
    return OrganisationFactory(name="Diaspora Council")


@pytest.fixture
def script(client, member):
    return Script(client, key_of(member))


def joint_pledge(organisation, partner) -> dict:
    return {
        "cycle": "IMRF-2026",
        "lead_organisation": organisation.pk,
        "title": "Fair recruitment for ten thousand workers",
        "description": "We certify recruitment agencies along the corridor to Kenya, train "
        "labour inspectors and publish each agency's record, so that no worker pays a "
        "recruitment fee. " * 3,
        "form_policy": True,
        "joint_kind": JointKind.PARTNERSHIP,
        "partners": [partner.pk],
        "main_objectives": [6, 16],
        "further_objectives": [23],
        "principles": ["c"],
        "areas": ["KEN"],
        "start_date": "2026-06-01",
        "deadline": "2030-12-31",
        "amount": "250000.50",
        "currency": "usd",
        "targets": [
            {
                "own_metric": "Workers recruited through certified agencies",
                "unit": "workers",
                "baseline_value": "1200",
                "baseline_year": 2025,
                "target_value": "10000",
                "target_year": 2030,
            },
            {
                "indicator": Indicator.objects.current().get(code="10.7.1").pk,
                "baseline_value": "14.5",
                "baseline_year": 2024,
                "target_value": "9",
                "target_year": 2030,
            },
        ],
    }


def test_a_script_drafts_a_joint_pledge_submits_it_and_reads_it_published(
    client, script, organisation, partner_org, secretariat
):
    created = script.call("post", "portal_pledges", body=joint_pledge(organisation, partner_org))
    assert created.status_code == 201, created.body
    reference = created.body["reference"]
    assert created["Location"].endswith(f"/api/v1/portal/pledges/{reference}/")
    assert created["ETag"] == '"v1"'
    assert created.body["review_state"] == ReviewState.DRAFT
    assert created.body["main_objectives"] == [6, 16]
    assert created.body["currency"] == "USD"
    indicator = Indicator.objects.current().get(code="10.7.1")
    assert [t["unit"] for t in created.body["targets"]] == ["workers", indicator.unit]
    assert created.body["partnerships"][0]["status"] == PartnerStatus.INVITED

    submitted = script.call("post", "portal_pledge_submit", reference)
    assert submitted.status_code == 200, submitted.body
    assert submitted.body["review_state"] == ReviewState.SUBMITTED

    pledge = Pledge.objects.get(reference=reference)
    services.pledge_publish(pledge=pledge, by=secretariat)

    anonymous = Script(client, None)
    public = anonymous.call("get", "pledge", reference)
    assert public.status_code == 200
    assert public.body["title"] == "Fair recruitment for ten thousand workers"
    assert public.body["main_objectives"] == [6, 16]
    assert [t["target_value"] for t in public.body["targets"]] == ["10000", "9"]
    listed = client.get(reverse("api:pledges"), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(listed.streaming_content).decode())))
    assert [row["reference"] for row in rows] == [reference]
    assert rows[0]["amount"] == "250000.5"


def test_an_edit_says_which_version_it_changes(script, organisation):
    created = script.call(
        "post",
        "portal_pledges",
        body={"cycle": "IMRF-2026", "lead_organisation": organisation.pk, "title": "First words"},
    )
    assert created.status_code == 201, created.body
    reference = created.body["reference"]
    unsure = script.call("patch", "portal_pledge", reference, body={"title": "Blind"})
    assert unsure.status_code == 428
    changed = script.call(
        "patch",
        "portal_pledge",
        reference,
        body={"title": "Second words"},
        headers={"If-Match": created["ETag"]},
    )
    assert changed.status_code == 200, changed.body
    assert changed.body["title"] == "Second words"
    assert changed["ETag"] == '"v2"'
    stale = script.call(
        "patch",
        "portal_pledge",
        reference,
        body={"title": "Overwrite"},
        headers={"If-Match": created["ETag"]},
    )
    assert stale.status_code == 412
    stale_body = script.call(
        "patch", "portal_pledge", reference, body={"title": "Overwrite", "version": 1}
    )
    assert stale_body.status_code == 409
    assert Pledge.objects.get(reference=reference).title == "Second words"


def test_a_partial_edit_keeps_the_rest_and_targets_keep_their_ids(script, organisation):
    body = {
        "cycle": "IMRF-2026",
        "lead_organisation": organisation.pk,
        "title": "Shelters",
        "main_objectives": [7],
        "targets": [{"own_metric": "Beds", "unit": "beds", "target_value": "40"}],
    }
    created = script.call("post", "portal_pledges", body=body)
    target = created.body["targets"][0]
    edited = script.call(
        "patch",
        "portal_pledge",
        created.body["reference"],
        body={"version": 1, "targets": [{**target, "target_value": "60"}, {"own_metric": "Staff"}]},
    )
    assert edited.status_code == 200, edited.body
    assert edited.body["main_objectives"] == [7]
    assert edited.body["targets"][0]["id"] == target["id"]
    assert edited.body["targets"][0]["target_value"] == "60"
    replaced = script.call(
        "put", "portal_pledge", created.body["reference"], body={"version": 2, "title": "Beds"}
    )
    assert replaced.status_code == 200, replaced.body
    assert replaced.body["main_objectives"] == []
    assert replaced.body["targets"] == []


def test_bad_input_is_refused_field_by_field_and_nothing_is_made(script, organisation):
    body = {
        "cycle": "IMRF-2026",
        "lead_organisation": organisation.pk,
        "title": "Bad one",
        "main_objectives": [6, 6],
        "principles": ["zz"],
        "areas": ["ATLANTIS"],
        "currency": "dollars",
        "form_policy": "perhaps",
        "targets": [{"own_metric": "x", "baseline_year": 1200}, {"id": 999999}],
    }
    refused = script.call("post", "portal_pledges", body=body)
    assert refused.status_code == 400
    assert "form_policy" in refused.body  # a type the serializer refuses first
    del body["form_policy"]
    refused = script.call("post", "portal_pledges", body=body)
    assert refused.status_code == 400
    for part in ("main_objectives", "principles", "areas", "currency", "targets"):
        assert part in refused.body, part
    assert refused.body["targets"][1] == {"id": ["Not a target of this pledge, or given twice."]}
    assert "baseline_year" in refused.body["targets"][0]
    text = json.dumps(refused.body)
    assert "constraint" not in text
    assert "_check" not in text
    assert not Pledge.objects.filter(title="Bad one").exists()


def test_an_incomplete_draft_is_not_submitted_and_says_what_is_missing(script, organisation):
    created = script.call(
        "post",
        "portal_pledges",
        body={"cycle": "IMRF-2026", "lead_organisation": organisation.pk, "title": "Short"},
    )
    refused = script.call("post", "portal_pledge_submit", created.body["reference"])
    assert refused.status_code == 400
    assert refused.body["non_field_errors"][0].startswith("Before submitting, add:")


def test_a_retried_create_makes_one_pledge(script, organisation):
    key = str(uuid.uuid4())
    body = {"cycle": "IMRF-2026", "lead_organisation": organisation.pk, "title": "Once only"}
    first = script.call("post", "portal_pledges", body=body, headers={"Idempotency-Key": key})
    again = script.call("post", "portal_pledges", body=body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert again.body["reference"] == first.body["reference"]
    assert again["Idempotent-Replayed"] == "true"
    assert Pledge.objects.filter(title="Once only").count() == 1
    other = script.call(
        "post", "portal_pledges", body={**body, "title": "Else"}, headers={"Idempotency-Key": key}
    )
    assert other.status_code == 422
    # A refused create keeps no key: the corrected request goes through with it.
    fresh = str(uuid.uuid4())
    bad = script.call(
        "post", "portal_pledges", body={**body, "cycle": "nope"}, headers={"Idempotency-Key": fresh}
    )
    assert bad.status_code == 400
    good = script.call(
        "post",
        "portal_pledges",
        body={**body, "title": "Fixed"},
        headers={"Idempotency-Key": fresh},
    )
    assert good.status_code == 201


def test_a_key_acts_only_for_its_holders_organisations(client, script, organisation, outsider):
    others = complete_pledge(lead_organisation=outsider.memberships.get().organisation)
    assert script.call("get", "portal_pledge", others.reference).status_code == 404
    assert (
        script.call(
            "patch", "portal_pledge", others.reference, body={"version": 1, "title": "Mine now"}
        ).status_code
        == 404
    )
    refused = script.call(
        "post",
        "portal_pledges",
        body={
            "cycle": "IMRF-2026",
            "lead_organisation": others.lead_organisation_id,
            "title": "For someone else",
        },
    )
    assert refused.status_code == 400
    assert "lead_organisation" in refused.body
    mine = script.call("get", "portal_pledges")
    assert others.reference not in json.dumps(mine.body)


def test_a_secretariat_key_has_no_secretariat_powers(client, secretariat, organisation):
    pledge = complete_pledge(lead_organisation=organisation)
    staff_script = Script(client, key_of(secretariat))
    assert staff_script.call("get", "portal_pledge", pledge.reference).status_code == 404
    refused = staff_script.call(
        "post",
        "portal_pledges",
        body={
            "cycle": "IMRF-2026",
            "lead_organisation": organisation.pk,
            "title": "On their behalf",
        },
    )
    assert refused.status_code == 400


@pytest.mark.parametrize("state", ["unknown", "revoked", "expired", "disabled"])
def test_a_key_that_does_not_work_says_why(client, member, state):
    token, key = token_create(user=member, name="old", days=30)
    if state == "unknown":
        key = key[:-2] + "xx"
    elif state == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at="2026-01-01T00:00Z")
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at="2026-01-01T00:00Z")
    else:
        type(member).objects.filter(pk=member.pk).update(is_active=False)
    answer = Script(client, key).call("get", "portal_pledges")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Bearer"
    assert state.rstrip("d") in answer.body["detail"] or "not known" in answer.body["detail"]


def test_nobody_writes_without_signing_in(client, published):
    anonymous = Script(client, None)
    assert anonymous.call("get", "portal_pledges").status_code in (401, 403)
    assert anonymous.call("post", "portal_pledges", body={"title": "x"}).status_code in (401, 403)
    assert anonymous.call("post", "portal_pledge_submit", published.reference).status_code in (
        401,
        403,
    )


def test_a_session_writes_with_its_csrf_token(member, organisation):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    body = {"cycle": "IMRF-2026", "lead_organisation": organisation.pk, "title": "From the page"}
    refused = Script(browser, None).call("post", "portal_pledges", body=body)
    assert refused.status_code == 403
    assert "CSRF" in refused.body["detail"]


def test_the_last_use_of_a_key_is_recorded(script, member):
    script.call("get", "portal_pledges")
    assert ApiToken.objects.get(user=member).last_used_at is not None


def test_owners_report_progress_with_evidence_and_submit_it(script, published, organisation):
    target = published.targets.get()
    created = script.call(
        "post",
        "portal_updates",
        published.reference,
        body={
            "reported_on": "2026-06-30",
            "implementation_status": "in_progress",
            "narrative": "Two hundred workers were recruited through certified agencies.",
            "measurements": [{"target": target.pk, "value": "200"}],
        },
    )
    assert created.status_code == 201, created.body
    assert created.body["organisation"] == organisation.pk
    assert created.body["measurements"] == [
        {"target": target.pk, "value": "200", "measured_on": "2026-06-30"}
    ]
    update_id = created.body["id"]
    linked = script.call(
        "post",
        "portal_update_evidence",
        update_id,
        body={"title": "Agency register", "url": "https://example.org/register"},
    )
    assert linked.status_code == 201, linked.body
    assert linked.body["evidence"][0]["url"] == "https://example.org/register"
    edited = script.call(
        "patch",
        "portal_update",
        update_id,
        body={"percent_complete": 20},
        headers={"If-Match": created["ETag"]},
    )
    assert edited.status_code == 200, edited.body
    assert edited.body["measurements"][0]["value"] == "200"
    submitted = script.call("post", "portal_update_submit", update_id)
    assert submitted.status_code == 200, submitted.body
    assert ProgressUpdate.objects.get(pk=update_id).review_state == ReviewState.SUBMITTED


def test_a_value_for_a_target_of_another_pledge_is_refused(script, published):
    other = complete_pledge()
    refused = script.call(
        "post",
        "portal_updates",
        published.reference,
        body={
            "reported_on": "2026-06-30",
            "implementation_status": "in_progress",
            "measurements": [{"target": other.targets.get().pk, "value": "1"}],
        },
    )
    assert refused.status_code == 400
    assert refused.body["measurements"][0]["target"]
    assert not ProgressUpdate.objects.filter(pledge=published).exists()


def test_a_draft_is_not_reported_on(script, organisation):
    draft = complete_pledge(lead_organisation=organisation)
    refused = script.call(
        "post",
        "portal_updates",
        draft.reference,
        body={"reported_on": "2026-06-30", "implementation_status": "in_progress"},
    )
    assert refused.status_code == 403
    assert "published pledges" in refused.body["detail"]


def test_a_partner_answers_an_invitation(client, published, partner_org):
    link = PledgePartner.objects.create(pledge=published, organisation=partner_org)
    partner = MembershipFactory(organisation=partner_org).user
    partner_script = Script(client, key_of(partner))
    waiting = partner_script.call("get", "portal_invitations")
    assert [item["id"] for item in waiting.body] == [link.pk]
    accepted = partner_script.call("post", "portal_invitation_accept", link.pk)
    assert accepted.status_code == 200
    assert accepted.body["status"] == PartnerStatus.ACCEPTED
    again = partner_script.call("post", "portal_invitation_decline", link.pk)
    assert again.status_code == 400
    assert "already" in again.body["non_field_errors"][0]
    # Co-owner now: it reads the pledge through the portal endpoints.
    assert partner_script.call("get", "portal_pledge", published.reference).status_code == 200


def test_an_invitation_of_another_organisation_is_not_found(script, published, partner_org):
    link = PledgePartner.objects.create(pledge=published, organisation=partner_org)
    assert script.call("post", "portal_invitation_accept", link.pk).status_code == 404


def test_reading_your_pledges_takes_the_same_queries_however_many(
    script, organisation, django_assert_max_num_queries
):
    for _ in range(3):
        complete_pledge(lead_organisation=organisation)
    with django_assert_max_num_queries(8) as few:
        script.call("get", "portal_pledges")
    for _ in range(10):
        complete_pledge(lead_organisation=organisation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        script.call("get", "portal_pledges")


def test_a_key_lists_the_organisations_it_acts_for(script, organisation, outsider):
    answer = script.call("get", "portal_organisations")
    assert answer.status_code == 200
    assert [(o["id"], o["role"]) for o in answer.body] == [(organisation.pk, "member")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_documented_example_script_works_against_a_running_site(
    live_server, member, organisation, partner_org, secretariat
):
    """docs/api_example.py, as a partner's system runs it: its own process, a key, HTTP."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "docs" / "api_example.py"
    command = [sys.executable, str(script), "--site", live_server.url, "--key", key_of(member)]
    running = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603 (our own script)
    deadline = time.monotonic() + 60
    while not Pledge.objects.filter(review_state=ReviewState.SUBMITTED).exists():
        assert running.poll() is None, running.stdout.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.2)
    pledge = Pledge.objects.get(review_state=ReviewState.SUBMITTED)
    services.pledge_publish(pledge=pledge, by=secretariat)
    output, _ = running.communicate(timeout=60)
    assert running.returncode == 0, output.decode()
    assert f"As CSV: {pledge.reference}" in output.decode()
    assert pledge.targets.count() == 2
    assert pledge.partner_links.get().organisation == partner_org


def test_a_key_is_throttled_per_user_not_per_address(client, script, member, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/hour", "anon": None})
    for _ in range(2):
        assert script.call("get", "portal_pledges").status_code == 200
    throttled = script.call("get", "portal_pledges")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    # Another user from the same address is counted on their own.
    other = MembershipFactory().user
    assert Script(client, key_of(other)).call("get", "portal_pledges").status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_with_one_key_at_once_make_one_pledge(member, organisation):
    """The key's row is taken in the create's transaction: the second request waits for the
    first and answers as it did (PostgreSQL; SQLite has one writer at a time anyway)."""
    import threading

    from django.db import connection, connections
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises them")
    key, answers = key_of(member), []
    body = {"cycle": "IMRF-2026", "lead_organisation": organisation.pk, "title": "At once"}
    start = threading.Barrier(2)

    def ask() -> None:
        start.wait()
        answer = Script(Client(), key).call(
            "post", "portal_pledges", body=body, headers={"Idempotency-Key": "same-key"}
        )
        answers.append(
            (answer.status_code, answer.body.get("reference"), answer.get("Idempotent-Replayed"))
        )
        connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert Pledge.objects.filter(title="At once").count() == 1
    assert [status for status, _, _ in answers] == [201, 201]
    assert answers[0][1] == answers[1][1]
    assert sorted(str(replayed) for _, _, replayed in answers) == ["None", "true"]


def test_a_pledges_updates_are_listed_in_the_same_queries_however_many(
    script, published, organisation, member, django_assert_max_num_queries
):
    from tests.factories import report

    report(published, member, organisation, value="10")
    with django_assert_max_num_queries(12) as few:
        assert script.call("get", "portal_updates", published.reference).status_code == 200
    for value in range(5):
        report(published, member, organisation, value=str(value))
    with django_assert_max_num_queries(len(few.captured_queries)):
        listed = script.call("get", "portal_updates", published.reference)
    assert len(listed.body) == 6
    assert listed.body[0]["measurements"][0]["target"] == published.targets.get().pk


def test_a_wrong_item_of_a_list_is_named_by_its_position(script, organisation):
    refused = script.call(
        "post",
        "portal_pledges",
        body={
            "cycle": "IMRF-2026",
            "lead_organisation": organisation.pk,
            "title": "Lists",
            "partner_emails": ["ok@example.org", ""],
        },
    )
    assert refused.status_code == 400
    assert refused.body["partner_emails"] == {"1": ["This field may not be blank."]}
