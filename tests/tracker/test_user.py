"""The user model: the e-mail address is the login, whatever its case."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError

from tracker.models import User

pytestmark = pytest.mark.django_db


def test_users_log_in_with_their_email_in_any_case():
    User.objects.create_user("Amina@Example.org", "a-good-password-1")
    assert authenticate(username="amina@example.org", password="a-good-password-1")
    assert authenticate(username="AMINA@EXAMPLE.ORG", password="a-good-password-1")
    assert authenticate(username="amina@example.org", password="wrong") is None


def test_an_address_is_registered_once_whatever_its_case():
    User.objects.create_user("amina@example.org", "pw-1-long-enough")
    with pytest.raises(IntegrityError):
        User.objects.create_user("AMINA@example.org", "pw-2-long-enough")


def test_create_superuser_is_staff():
    user = User.objects.create_superuser("root@example.org", "pw-long-enough")
    assert user.is_staff
    assert user.is_superuser


def test_an_address_is_required():
    with pytest.raises(ValueError, match="e-mail"):
        User.objects.create_user("", "pw")
