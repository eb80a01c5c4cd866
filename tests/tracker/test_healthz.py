"""/healthz reports database, broker and worker honestly."""

from __future__ import annotations

import pytest
from celery import Celery

from tracker import health

pytestmark = pytest.mark.django_db


@pytest.mark.worker
def test_healthy_when_database_broker_and_worker_answer(client, celery_worker):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "worker": True,
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_unhealthy_when_no_worker_answers(client, real_broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["worker"]["ok"] is False
    assert "Timeout" in body["checks"]["worker"]["error"]


def test_an_unreachable_broker_is_reported_not_raised(monkeypatch):
    # Celery lets this variable override the broker given to the app; CI sets it.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    nowhere = Celery(broker="redis://127.0.0.1:1/0", set_as_current=False)
    with pytest.raises(Exception, match=r"(?i)connect|refused"):
        health.check_broker(nowhere)


def test_healthz_answers_get_only(client):
    assert client.post("/healthz").status_code == 405
