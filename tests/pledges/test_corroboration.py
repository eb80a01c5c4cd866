"""Verification levels, derived from facts, and the corroboration channel."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from pledges import services
from pledges.models import Evidence
from pledges.verification import Level, verification_level
from pledges.workflow import WorkflowError
from tests.factories import MembershipFactory, OrganisationFactory, complete_pledge, report
from tests.mail import recipients

pytestmark = pytest.mark.django_db


@pytest.fixture
def update(published, member, secretariat, organisation):
    draft = report(published, member, organisation, narrative="Shelters opened in two cities.")
    services.update_submit(update=draft, by=member)
    services.update_publish(update=draft, by=secretariat)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def witness(db):
    """A member of an accredited civil society organisation that does not own the pledge."""
    return MembershipFactory(
        organisation=OrganisationFactory(name="Local Monitor", kind="civil_society"),
        user__email="witness@monitor.example",
    ).user


def level(update):
    update.refresh_from_db()
    return verification_level(update)


def test_levels_rise_with_evidence_verification_and_corroboration(
    update, secretariat, witness, django_capture_on_commit_callbacks
):
    assert level(update) == Level.SELF_REPORTED
    Evidence.objects.create(
        pledge=update.pledge, update=update, title="Photos", url="https://x.example/p"
    )
    assert level(update) == Level.EVIDENCED
    services.update_verify(update=update, by=secretariat)
    assert level(update) == Level.VERIFIED
    statement = services.corroboration_submit(
        pledge=update.pledge,
        update=update,
        by=witness,
        organisation=witness.memberships.get().organisation,
        kind="corroborate",
        statement="We visited both shelters in June.",
    )
    assert level(update) == Level.VERIFIED  # not until the secretariat publishes it
    with django_capture_on_commit_callbacks(execute=True):
        services.corroboration_moderate(corroboration=statement, by=secretariat, publish=True)
    assert level(update) == Level.CORROBORATED


def test_a_published_contest_withholds_the_corroborated_level(update, secretariat, witness):
    organisation = witness.memberships.get().organisation
    for kind in ("corroborate", "contest"):
        statement = services.corroboration_submit(
            pledge=update.pledge,
            update=update,
            by=witness,
            organisation=organisation,
            kind=kind,
            statement=f"We {kind}.",
        )
        services.corroboration_moderate(corroboration=statement, by=secretariat, publish=True)
    assert level(update) == Level.SELF_REPORTED


def test_owners_are_told_and_may_reply_once(
    published, member, secretariat, witness, django_capture_on_commit_callbacks
):
    from django.core import mail

    statement = services.corroboration_submit(
        pledge=published,
        by=witness,
        organisation=witness.memberships.get().organisation,
        kind="contest",
        statement="The shelters never opened.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.corroboration_moderate(corroboration=statement, by=secretariat, publish=True)
    told = next(m for m in mail.outbox if member.email in recipients(m))
    assert "The shelters never opened." in told.body
    decided = next(m for m in mail.outbox if recipients(m) == [witness.email])
    assert "Your statement is published" in decided.subject
    services.corroboration_reply(corroboration=statement, by=member, reply="They opened in May.")
    with pytest.raises(WorkflowError, match="replied already"):
        services.corroboration_reply(corroboration=statement, by=member, reply="Again.")


def test_owners_cannot_corroborate_themselves(published, member, organisation):
    with pytest.raises(WorkflowError, match="corroboration comes from others"):
        services.corroboration_submit(
            pledge=published,
            by=member,
            organisation=organisation,
            kind="corroborate",
            statement="We did it.",
        )


def test_a_declined_statement_needs_a_reason_and_stays_private(published, secretariat, witness):
    statement = services.corroboration_submit(
        pledge=published,
        by=witness,
        organisation=witness.memberships.get().organisation,
        kind="corroborate",
        statement="Seen.",
    )
    with pytest.raises(WorkflowError, match="Say why"):
        services.corroboration_moderate(corroboration=statement, by=secretariat, publish=False)
    services.corroboration_moderate(
        corroboration=statement, by=secretariat, publish=False, reason="No evidence."
    )
    assert not published.corroborations.filter(status="published").exists()


def test_only_the_secretariat_moderates_and_verifies(published, update, member, witness):
    statement = services.corroboration_submit(
        pledge=published,
        by=witness,
        organisation=witness.memberships.get().organisation,
        kind="corroborate",
        statement="Seen.",
    )
    with pytest.raises(PermissionDenied):
        services.corroboration_moderate(corroboration=statement, by=member, publish=True)
    with pytest.raises(PermissionDenied):
        services.update_verify(update=update, by=member)


def test_corroborating_through_the_portal(client, published, witness):
    client.force_login(witness)
    url = reverse("portal:corroborate", args=[published.reference])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "organisation": witness.memberships.get().organisation.pk,
            "kind": "corroborate",
            "statement": "We saw the inspectors at work.",
        },
    )
    assert response.status_code == 302
    assert published.corroborations.get().status == "submitted"


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", 302), ("member", 404), ("secretariat", 404)]
)
def test_who_may_open_the_corroboration_page(client, request, published, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert (
        client.get(reverse("portal:corroborate", args=[published.reference])).status_code
        == expected
    )


def test_drafts_cannot_be_corroborated(client, organisation, witness):
    draft = complete_pledge(lead_organisation=organisation)
    client.force_login(witness)
    assert client.get(reverse("portal:corroborate", args=[draft.reference])).status_code == 404


def test_secretariat_publishes_from_the_admin(client, published, secretariat, witness):
    statement = services.corroboration_submit(
        pledge=published,
        by=witness,
        organisation=witness.memberships.get().organisation,
        kind="corroborate",
        statement="Seen.",
    )
    client.force_login(secretariat)
    client.post(
        reverse("admin:pledges_corroboration_changelist"),
        {"action": "publish_corroborations", "_selected_action": [statement.pk], "confirmed": "1"},
    )
    statement.refresh_from_db()
    assert statement.status == "published"
