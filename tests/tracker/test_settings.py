"""Settings come from the environment; bad values and unsafe production setups are refused."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tracker import settings as tracker_settings
from tracker.celery import app

ROOT = Path(__file__).resolve().parents[2]
# The variables a fresh interpreter gets only when a test names them.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "HEALTHZ_TOKEN",
    "STATIC_ROOT",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
}


def python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter with exactly these settings variables."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "tracker.settings"} | env,
        capture_output=True,
        text=True,
        check=False,
        # A hung broker without timeouts would hold the interpreter for ever.
        timeout=120,
    )


def django_setup(**env: str) -> subprocess.CompletedProcess[str]:
    """Start Django with exactly these settings variables."""
    return python(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.DEBUG)",
        **env,
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


def test_importing_settings_creates_no_folder_and_starting_django_creates_the_sqlite_ones(
    tmp_path,
):
    var = tmp_path / "var"
    imported = python("import tracker.settings", DEBUG="true", TRACKER_VAR_DIR=str(var))
    assert imported.returncode == 0, imported.stderr
    assert not var.exists()

    started = django_setup(DEBUG="true", TRACKER_VAR_DIR=str(var))
    assert started.returncode == 0, started.stderr
    assert var.is_dir()


def test_production_on_postgres_and_redis_creates_no_folder(tmp_path):
    var = tmp_path / "var"
    result = django_setup(
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-for-the-test",
        DATABASE_URL="postgres://tracker@db.internal:5432/tracker",
        CELERY_BROKER_URL="redis://redis.internal:6379/0",
        TRACKER_VAR_DIR=str(var),
    )
    assert result.returncode == 0, result.stderr
    assert not var.exists()


def test_a_sqlite_database_url_gets_the_embedded_defaults_options_and_a_test_file(tmp_path):
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'], default=str))"
    )
    embedded = json.loads(python(code, DEBUG="true", TRACKER_VAR_DIR=str(tmp_path)).stdout)
    url = json.loads(
        python(code, DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}").stdout
    )
    assert url["OPTIONS"] == embedded["OPTIONS"]
    assert url["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    # A file beside the database, which a worker process can open too.
    assert Path(url["TEST"]["NAME"]).parent == tmp_path
    assert Path(url["TEST"]["NAME"]).name.startswith("test-x-")


def test_a_short_healthz_token_is_refused():
    result = django_setup(DEBUG="true", HEALTHZ_TOKEN="letmein")
    assert result.returncode != 0
    assert "HEALTHZ_TOKEN must be at least 32 characters" in result.stderr


def test_every_scheduled_task_is_one_a_worker_knows():
    app.autodiscover_tasks(force=True)
    for entry in tracker_settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


# Far above the second the settings aim at, so that only a broker timeout that is missing fails
# these on a busy machine (before, a publish waited 20 s, or for ever on a hung server).
GENEROUS_SECONDS = 10
# A task whose result is kept, as the worker check sends; and one sent as the outbox does.
PUBLISHES = ["ping.apply_async()", "ping.apply_async(retry=False, ignore_result=True)"]


def seconds_to_fail(publish: str, broker_url: str) -> float:
    """How long `publish` takes to fail on this broker, in a fresh interpreter."""
    code = (
        "import time, django; django.setup(); from tracker.tasks import ping\n"
        "started = time.monotonic()\n"
        f"try: {publish}\n"
        "except Exception: print(time.monotonic() - started)\n"
    )
    result = python(code, DEBUG="true", CELERY_BROKER_URL=broker_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout, "the publish did not fail"
    return float(result.stdout)


@pytest.mark.parametrize("publish", PUBLISHES)
def test_a_redis_broker_that_refuses_connections_fails_a_publish_at_once(publish):
    assert seconds_to_fail(publish, "redis://127.0.0.1:1/0") < GENEROUS_SECONDS


@pytest.mark.parametrize("publish", PUBLISHES)
def test_a_hung_redis_broker_fails_a_publish_within_seconds(publish):
    # Takes connections and never answers.
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        assert seconds_to_fail(publish, f"redis://127.0.0.1:{port}/0") < GENEROUS_SECONDS
