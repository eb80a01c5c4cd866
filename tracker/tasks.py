"""Tasks of the site itself."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="tracker.ping")
def ping() -> str:
    """Answer the health check: proves a worker takes tasks off the broker and replies."""
    return "pong"
