"""/healthz answers anybody within a second and queues nothing; /healthz/worker makes the real
round trip through a worker, for monitoring and the secretariat only, at most once a while."""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Callable, Iterator

import pytest
from celery.signals import before_task_publish
from django.utils import timezone

from tests.factories import UserFactory
from tracker import health
from tracker.celery import app
from tracker.models import WorkerHeartbeat
from tracker.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db

TOKEN = "monitoring-token-0123456789-abcdefghij"
# Far above the one-second deadline, so that only a broken deadline fails the test on a busy
# machine: timings are for benchmarks, not tests.
GENEROUS_SECONDS = 5


@pytest.fixture
def published_tasks() -> Iterator[list[str]]:
    """The names of the tasks sent to the broker while the test runs."""
    names: list[str] = []

    def record(sender: str, **kwargs: object) -> None:
        names.append(sender)

    before_task_publish.connect(record)
    yield names
    before_task_publish.disconnect(record)


@pytest.fixture
def broker_at(monkeypatch) -> Callable[..., None]:
    """Point the Celery app at another broker for the test."""

    def point(url: str, **transport_options: object) -> None:
        # Celery lets this variable override the configured broker; CI sets it.
        monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
        monkeypatch.setitem(app.conf, "broker_url", url)
        monkeypatch.setitem(app.conf, "broker_transport_options", transport_options)

    return point


@pytest.fixture
def hung_broker() -> Iterator[str]:
    """A Redis address that takes connections and never answers, like a hung server."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    # Closing the server resets the connections it never accepted, which ends the check.


def get_healthz(client) -> tuple[int, dict, float]:
    started = time.monotonic()
    response = client.get("/healthz")
    return response.status_code, response.json(), time.monotonic() - started


# --- /healthz -----------------------------------------------------------------------------------


def test_healthy_when_database_and_broker_answer(client, real_broker):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["state"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "broker": "ok",
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_anonymous_healthz_queues_nothing(client, real_broker, published_tasks):
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert published_tasks == []


def test_an_unreachable_broker_makes_healthz_503_without_saying_why(client, broker_at):
    broker_at("redis://127.0.0.1:1/0")
    status, body, seconds = get_healthz(client)
    assert status == 503
    assert body["status"] == "error"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["state"] == "unreachable"
    assert seconds < GENEROUS_SECONDS
    # Booleans, states and durations only: no DEBUG flag, no error text, no address.
    assert set(body) == {"status", "checks", "worker"}
    assert all(set(check) == {"ok", "state", "ms"} for check in body["checks"].values())
    for secret in ("debug", "error:", "connect", "refused", "127.0.0.1"):
        assert secret not in str(body).lower()


def test_a_hung_broker_is_reported_as_timed_out_within_the_deadline(client, broker_at, hung_broker):
    # The socket waits far longer than the test allows: only /healthz's deadline can answer.
    broker_at(hung_broker, socket_connect_timeout=60, socket_timeout=60)
    status, body, seconds = get_healthz(client)
    assert status == 503
    assert body["checks"]["broker"]["state"] == "timeout"
    assert body["checks"]["database"]["ok"] is True
    assert seconds < GENEROUS_SECONDS


def test_healthz_answers_get_only(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/healthz/worker").status_code == 405


# --- the worker heartbeat -------------------------------------------------------------------


NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("last_seen", "expected"),
    [
        (NOW - dt.timedelta(seconds=30), {"ok": True, "state": "ok", "age_s": 30}),
        (NOW - dt.timedelta(minutes=2), {"ok": True, "state": "ok", "age_s": 120}),
        (NOW - dt.timedelta(minutes=2, seconds=1), {"ok": False, "state": "stale", "age_s": 121}),
        # The worker's clock a little ahead of the web server's.
        (NOW + dt.timedelta(seconds=3), {"ok": True, "state": "ok", "age_s": 0}),
        (None, {"ok": False, "state": "never seen", "age_s": None}),
    ],
)
def test_a_heartbeat_is_fresh_for_two_minutes(last_seen, expected):
    assert health.heartbeat_status(last_seen, NOW) == expected


def test_the_heartbeat_task_records_when_a_worker_last_ran_it():
    worker_heartbeat.delay()
    worker_heartbeat.delay()
    heartbeat = WorkerHeartbeat.objects.get()
    assert timezone.now() - heartbeat.last_seen < dt.timedelta(minutes=1)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_healthz_reports_a_real_workers_heartbeat_and_stays_up_when_it_is_stale(
    client, celery_worker_on_test_db
):
    worker_heartbeat.delay()
    deadline = time.monotonic() + 30
    while not WorkerHeartbeat.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert WorkerHeartbeat.objects.get().hostname.startswith("celery@")

    status, body, _ = get_healthz(client)
    assert (status, body["worker"]["state"]) == (200, "ok")

    WorkerHeartbeat.objects.update(last_seen=timezone.now() - dt.timedelta(minutes=5))
    status, body, _ = get_healthz(client)
    # Workers being down is reported, but must not take the web processes out.
    assert status == 200
    assert body["worker"] == {"ok": False, "state": "stale", "age_s": 300}


# --- /healthz/worker ------------------------------------------------------------------------


@pytest.fixture
def healthz_token(settings) -> str:
    settings.HEALTHZ_TOKEN = TOKEN
    return TOKEN


def get_worker_check(client, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.get("/healthz/worker", headers=headers)


def test_anonymous_cannot_make_a_worker_round_trip(client, real_broker, published_tasks):
    assert get_worker_check(client).status_code == 403
    assert published_tasks == []


def test_members_and_staff_without_a_second_factor_cannot_either(client, member):
    client.force_login(member)
    assert get_worker_check(client).status_code == 403
    client.force_login(UserFactory(is_staff=True))
    assert get_worker_check(client).status_code == 403


def test_a_wrong_token_is_refused(client, healthz_token):
    assert get_worker_check(client, "monitoring-token-0123456789-abcdefghiX").status_code == 403
    assert get_worker_check(client, "").status_code == 403


def test_no_token_is_accepted_while_none_is_configured(client, settings):
    settings.HEALTHZ_TOKEN = ""
    assert get_worker_check(client, "").status_code == 403
    assert get_worker_check(client, TOKEN).status_code == 403


def test_monitoring_with_the_token_gets_the_worker_check(client, healthz_token):
    # Tasks run in the test here; the round trip through a real worker is tested below.
    response = get_worker_check(client, healthz_token)
    assert response.status_code == 200
    assert response.json()["worker"]["state"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.worker
def test_the_secretariat_gets_a_real_round_trip_through_a_worker(
    client, secretariat, celery_worker
):
    client.force_login(secretariat)
    response = get_worker_check(client)
    assert response.status_code == 200
    assert response.json()["worker"]["state"] == "ok"


def test_without_a_worker_the_check_times_out_and_says_so(
    client, healthz_token, real_broker, monkeypatch
):
    monkeypatch.setattr(health, "WORKER_TIMEOUT_SECONDS", 0.5)
    response = get_worker_check(client, healthz_token)
    assert response.status_code == 503
    assert response.json()["worker"]["state"] == "timeout"


def test_one_ping_at_most_per_window_the_others_get_the_last_report(
    client, healthz_token, real_broker, published_tasks, monkeypatch
):
    monkeypatch.setattr(health, "WORKER_TIMEOUT_SECONDS", 0.5)
    first = get_worker_check(client, healthz_token).json()["worker"]
    second = get_worker_check(client, healthz_token).json()["worker"]
    assert published_tasks == ["tracker.ping"]
    assert second == first

    # Once the window has passed, the next call pings again.
    monkeypatch.setattr(health, "WORKER_CHECK_EVERY", dt.timedelta(0))
    get_worker_check(client, healthz_token)
    assert published_tasks == ["tracker.ping", "tracker.ping"]
