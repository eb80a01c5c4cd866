"""Settings come from the environment; bad values and unsafe production setups are refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tracker import settings as tracker_settings

ROOT = Path(__file__).resolve().parents[2]


def django_setup(**env: str) -> subprocess.CompletedProcess[str]:
    """Start Django in a fresh interpreter with exactly these settings variables."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.DEBUG)"
    )
    return subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "tracker.settings"} | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_on_the_development_secret_key():
    result = django_setup(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_starts_with_a_secret_key_and_postgres_url():
    result = django_setup(
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-for-the-test",
        DATABASE_URL="postgres://tracker@db.internal:5432/tracker",
        ALLOWED_HOSTS="tracker.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


def test_embedded_default_is_sqlite():
    result = django_setup(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_a_bad_boolean_is_refused_with_its_name(monkeypatch):
    monkeypatch.setenv("EMAIL_USE_TLS", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_USE_TLS"):
        tracker_settings.env_bool("EMAIL_USE_TLS")


def test_a_bad_number_is_refused_with_its_name(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        tracker_settings.env_int("EMAIL_PORT", 25)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example,")
    assert tracker_settings.env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]
