"""Fixtures shared by every test: the framework data, a named cast of users, a real worker."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import kombu.pools
import pytest
from django.core.management import call_command

from pledges.models import MembershipRole
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tracker.models import User

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the GCM framework once into the test database; each test rolls back its own rows."""
    from django.db import connection

    with django_db_blocker.unblock():
        call_command("load_framework", stdout=io.StringIO())
        # Tests that commit (with a worker) restore this state afterwards, framework included.
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """A request to /fr/... leaves French active in the thread: the next test starts in the
    site's default language again."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs a third of a second per user by design; tests need not pay it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Login throttling counts in the cache; each test starts with none counted."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def tasks_run_in_process():
    """Tasks queued by the code under test run at once, in the test, and raise their errors.

    Only the tests that start a real worker (`celery_worker`) send through the broker.
    """
    from tracker.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


# --- The cast ---------------------------------------------------------------------------------


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def with_second_factor(user: User) -> User:
    """Staff need an authenticator before the admin lets them in."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.fixture
def secretariat(db) -> User:
    """Staff with the secretariat's permissions (not a superuser), second factor set up."""
    from django.contrib.auth.models import Permission

    user = UserFactory(email="secretariat@un.example", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["indicators", "pledges", "tracker"])
    )
    return with_second_factor(user)


@pytest.fixture
def superuser(db) -> User:
    return with_second_factor(
        UserFactory(email="root@un.example", is_staff=True, is_superuser=True)
    )


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Migrant Rights Network")


@pytest.fixture
def member(organisation) -> User:
    return MembershipFactory(organisation=organisation, user__email="member@mrn.example").user


@pytest.fixture
def focal_point(organisation) -> User:
    return MembershipFactory(
        organisation=organisation, user__email="focal@mrn.example", role=MembershipRole.FOCAL_POINT
    ).user


@pytest.fixture
def outsider(db) -> User:
    """A logged-in user of another organisation."""
    return MembershipFactory(user__email="other@elsewhere.example").user


@pytest.fixture
def real_broker():
    """Tasks go through the configured broker, as in production (no worker is started)."""
    from tracker.celery import app

    app.conf.task_always_eager = False


UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down(monkeypatch) -> Iterator[Callable[[], None]]:
    """The web process cannot reach the broker (Celery reads this variable before its
    settings) until the test calls what this yields; the app then connects afresh."""
    from tracker.celery import app

    def reconnect() -> None:
        kombu.pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    def back() -> None:
        monkeypatch.undo()
        reconnect()

    app.conf.task_always_eager = False
    monkeypatch.setenv("CELERY_BROKER_URL", UNREACHABLE_BROKER)
    reconnect()
    yield back
    back()


# --- A real Celery worker ---------------------------------------------------------------------


def database_url() -> str:
    """The test database as a DATABASE_URL, for a worker process to share it."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def mail_folder(tmp_path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def celery_worker() -> Iterator[subprocess.Popen]:
    """A real `celery worker` process on the configured broker and the tests' own queue."""
    yield from _worker({})


@pytest.fixture
def celery_worker_on_test_db(transactional_db, mail_folder) -> Iterator[subprocess.Popen]:
    """A real worker that reads the test database and writes its e-mails into `mail_folder`.

    Tests using it commit their writes (the worker sees nothing else); their data is reset
    afterwards from the state saved once the framework was loaded.
    """
    yield from _worker(worker_env_on_test_db(mail_folder))


def worker_env_on_test_db(mail_folder: Path, **more: str) -> dict[str, str]:
    """What a worker needs to share the test database and write its e-mails as files."""
    return {"DATABASE_URL": database_url(), "EMAIL_FILE_PATH": str(mail_folder), **more}


def _worker(env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """Start a worker; it is ready once it has answered a ping through the broker. Started
    per test, so that tests without one really have no worker."""
    from tracker.celery import app
    from tracker.tasks import ping

    app.conf.task_always_eager = False
    command = [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [*command, "--loglevel=WARNING"], cwd=ROOT, env=os.environ | env
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the Celery worker exited with {process.returncode}")
            try:
                if ping.apply_async(expires=5).get(timeout=5) == "pong":
                    break
            except Exception:
                if time.monotonic() > deadline:
                    raise
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# For tests that start, stop or kill workers themselves, one after another.
worker_running = contextmanager(_worker)


@pytest.fixture(scope="session")
def live_server(request) -> Iterator[object]:
    """pytest-django's live server. Django's live server handler parses MEDIA_URL, which is
    None on purpose (evidence is never served by address): while the server starts it is given
    one, under which that test-only server alone serves files; no test asks it for any."""
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    with override_settings(MEDIA_URL="/live-server-serves-no-media/"):
        server = LiveServer("localhost")
    yield server
    server.stop()
