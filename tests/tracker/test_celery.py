"""A real round trip: a task sent through the configured broker is run by a worker process."""

from __future__ import annotations

import pytest

from tracker.celery import app
from tracker.tasks import ping


@pytest.mark.worker
def test_a_task_goes_through_the_broker_to_a_worker_and_back(celery_worker):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert result.successful()


def test_the_embedded_broker_needs_no_server_unless_one_is_configured(settings):
    broker = app.conf.broker_url
    assert broker.startswith(("sqla+sqlite:///", "redis://"))
    # Tasks are never run in the web process by configuration; only tests do that.
    assert not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
