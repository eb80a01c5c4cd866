"""Visitors follow a pledge, an objective or an area by e-mail: double opt-in, one-click
unsubscribe, a weekly digest that never goes twice and never tells what is not published."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Area
from pledges.models import Following, OutboxMessage, PledgeObjective, ReviewState
from pledges.services.following import digests_send, follow_request
from tests.factories import PledgeFactory, ProgressUpdateFactory, objective

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.org"


@pytest.fixture
def pledge():
    pledge = PledgeFactory(published=True, title="Safe corridors for seasonal workers")
    PledgeObjective.objects.create(pledge=pledge, objective=objective(6), main_rank=1)
    pledge.areas.add(Area.objects.get(iso3="KEN"))
    return pledge


def ask(client, kind: str, subject: str, email: str = ADDRESS):
    return client.post(reverse("follow"), {"email": email, "kind": kind, "subject": subject})


def test_following_asks_to_confirm_first_and_sends_nothing_else(client, pledge):
    response = ask(client, "pledge", pledge.reference)
    assert response.status_code == 200
    assert "Check your inbox" in response.text
    following = Following.objects.get()
    assert (following.email, following.pledge, following.confirmed_at) == (ADDRESS, pledge, None)
    [message] = OutboxMessage.objects.all()
    assert message.recipients == [ADDRESS]
    assert reverse("follow_confirm", args=[following.token]) in message.body_text
    # Asking again at once sends nothing more; a confirmed address is told nothing new.
    ask(client, "pledge", pledge.reference)
    assert OutboxMessage.objects.count() == 1


def test_a_confirmation_link_shows_a_button_and_only_a_post_confirms(client, pledge):
    following = follow_request(email=ADDRESS, subject=pledge)
    url = reverse("follow_confirm", args=[following.token])
    assert "<button" in client.get(url).text
    following.refresh_from_db()
    assert following.confirmed_at is None  # a link checker opening the link confirms nothing
    assert "Done" in client.post(url).text
    following.refresh_from_db()
    assert following.is_active
    assert client.post(reverse("follow_confirm", args=["nonsense"])).status_code == 404


@pytest.mark.parametrize(
    ("kind", "subject"),
    [("pledge", "GCM-1999-0001"), ("objective", "24"), ("area", "XYZ"), ("nothing", "1")],
)
def test_asking_to_follow_nothing_is_a_clear_400(client, kind, subject):
    response = ask(client, kind, subject)
    assert response.status_code == 400
    assert not Following.objects.exists()


def test_an_unpublished_pledge_cannot_be_followed(client):
    draft = PledgeFactory(title="A draft")
    assert ask(client, "pledge", draft.reference).status_code == 400
    assert not OutboxMessage.objects.exists()


def test_an_address_gets_a_few_confirmations_a_day_at_most(client, pledge, settings):
    for number in range(1, 8):
        ask(client, "objective", str(number))
    assert OutboxMessage.objects.count() == 5
    assert ask(client, "objective", "9").status_code == 429


def confirmed(subject, **fields) -> Following:
    following = follow_request(email=ADDRESS, subject=subject)
    Following.objects.filter(pk=following.pk).update(
        confirmed_at=timezone.now() - dt.timedelta(days=8),
        sent_through=timezone.now() - dt.timedelta(days=8),
        **fields,
    )
    OutboxMessage.objects.all().delete()
    return Following.objects.get(pk=following.pk)


def test_the_weekly_digest_tells_what_was_published_once(pledge):
    following = confirmed(pledge)
    ProgressUpdateFactory(
        pledge=pledge,
        review_state=ReviewState.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(days=2),
    )
    ProgressUpdateFactory(pledge=pledge, review_state=ReviewState.SUBMITTED)
    assert digests_send() == 1
    [message] = OutboxMessage.objects.all()
    assert message.recipients == [ADDRESS]
    assert "1 progress update" in message.subject
    assert message.headers == {
        "List-Unsubscribe": f"<{_cancel_url(following)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Content-Language": "en",
    }
    assert digests_send() == 0  # told once
    assert OutboxMessage.objects.count() == 1


def _cancel_url(following: Following) -> str:
    from django.conf import settings

    return settings.SITE_URL + reverse("follow_cancel", args=[following.token])


def test_objective_and_area_digests_tell_new_pledges_and_nothing_unpublished(pledge):
    confirmed(objective(6))
    confirmed(Area.objects.get(iso3="KEN"))
    recently = timezone.now() - dt.timedelta(days=1)
    hidden = PledgeFactory(title="Still a draft", published_at=recently)
    hidden.areas.add(Area.objects.get(iso3="KEN"))
    type(pledge).objects.filter(pk=pledge.pk).update(published_at=recently)
    assert digests_send() == 2
    for message in OutboxMessage.objects.all():
        assert "Safe corridors for seasonal workers" in message.body_text
        assert "Still a draft" not in message.body_text


def test_nothing_new_sends_nothing_and_a_cancelled_following_gets_nothing(client, pledge):
    following = confirmed(pledge)
    assert digests_send() == 0
    response = client.post(
        reverse("follow_cancel", args=[following.token]),
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 200
    following.refresh_from_db()
    assert following.cancelled_at is not None
    ProgressUpdateFactory(
        pledge=pledge, review_state=ReviewState.PUBLISHED, published_at=timezone.now()
    )
    assert digests_send() == 0


def test_the_follow_forms_are_on_the_public_pages_without_a_csrf_token(client, pledge):
    for url in (
        pledge.get_absolute_url(),
        reverse("objective", args=[6]),
        reverse("area", args=["KEN"]),
    ):
        text = client.get(url).text
        assert f'action="{reverse("follow")}"' in text
        assert "csrfmiddlewaretoken" not in text
