"""API keys on the portal: made by their holder, shown once, kept as a digest, revoked."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import reverse

from tracker.models import ApiToken
from tracker.tokens import MAX_TOKENS, token_create

pytestmark = pytest.mark.django_db


def test_a_key_is_shown_once_and_kept_only_as_a_digest(client, member):
    client.force_login(member)
    response = client.post(reverse("api_tokens"), {"name": "Ministry sync", "days": "90"})
    assert response.status_code == 200
    key = re.search(r'value="(gcm_[^"]+)"', response.text).group(1)
    token = ApiToken.objects.get(user=member)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.values().get())
    assert (token.expires_at - token.created_at).days == 90
    again = client.get(reverse("api_tokens"))
    assert key not in again.text
    assert token.prefix in again.text
    assert "Ministry sync" in again.text


def test_a_key_needs_a_name_and_a_lifetime_on_offer(client, member):
    client.force_login(member)
    response = client.post(reverse("api_tokens"), {"name": " ", "days": "5000"})
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert "Select a valid choice" in response.text
    assert not ApiToken.objects.exists()


def test_at_most_so_many_keys_are_live_at_once(client, member):
    for number in range(MAX_TOKENS):
        token_create(user=member, name=f"key {number}", days=30)
    client.force_login(member)
    response = client.post(reverse("api_tokens"), {"name": "one more", "days": "30"})
    assert response.status_code == 400
    assert "Revoke a key first" in response.text


def test_the_holder_revokes_a_key_and_it_stops_working(client, member):
    token, key = token_create(user=member, name="old script", days=30)
    client.force_login(member)
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    answer = client.get(reverse("api:portal_pledges"), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 401
    assert "revoked" in answer.json()["detail"]


def test_nobody_revokes_or_sees_another_persons_keys(client, member, outsider):
    token, _ = token_create(user=member, name="private name", days=30)
    client.force_login(outsider)
    assert "private name" not in client.get(reverse("api_tokens")).text
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_keys_page_is_for_signed_in_users(client):
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.post(reverse("api_token_revoke", args=[1])).status_code == 302


def test_the_secretariat_revokes_a_key_on_the_workbench(client, secretariat, member):
    token, _ = token_create(user=member, name="leaked", days=30)
    client.force_login(secretariat)
    page = client.get(reverse("admin:tracker_apitoken_changelist"))
    assert page.status_code == 200
    assert token.digest not in page.text
    response = client.post(
        reverse("admin:tracker_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
