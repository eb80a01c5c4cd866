"""Health checks: /healthz (database, broker, worker heartbeat) and /healthz/worker (a ping
through the broker to a worker and back).

Reports say ok or not and how long a check took, never why it failed: the reason goes to the
log, where operators read it, and stays out of a public answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import TimeoutError as ResultTimeoutError
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from tracker.celery import app
from tracker.models import WorkerHeartbeat
from tracker.tasks import ping

logger = logging.getLogger(__name__)

# A load balancer's probe gives up after a second or two: /healthz answers within this,
# whatever is down.
LIVENESS_DEADLINE_SECONDS = 0.9
# Beat sends a heartbeat every 30 s: this tolerates three missed or late ones.
HEARTBEAT_FRESH_FOR = timedelta(minutes=2)
# /healthz/worker: how long a worker has to answer, and how often it is asked at most.
WORKER_TIMEOUT_SECONDS = 3.0
WORKER_CHECK_EVERY = timedelta(seconds=10)

# Each check of /healthz runs in a small pool of its own. A database or broker that hangs
# holds at most two threads per process (until the driver's own timeout gives up) however
# many probes arrive, and never delays the other check; probes that find the pool busy are
# reported as timed out.
_POOLS = {
    name: ThreadPoolExecutor(max_workers=2, thread_name_prefix=f"healthz-{name}")
    for name in ("database", "broker")
}

_WORKER_REPORT_KEY = "tracker:healthz:worker:report"
_WORKER_LOCK_KEY = "tracker:healthz:worker:lock"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    state: str  # "ok", "unreachable" or "timeout"
    ms: int
    value: Any = None

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "state": self.state, "ms": self.ms}


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def read_heartbeat() -> datetime | None:
    """The database check: reading the heartbeat row proves the database answers."""
    try:
        return WorkerHeartbeat.last_seen_at()
    finally:
        # Django closes a request's connection when the request ends; this one belongs to a
        # pool thread, outside any request, so nothing else would.
        connection.close()


def connect_broker() -> None:
    """The broker check: one connection attempt, with the short timeouts of the settings.

    Connecting to Redis sends it a PING. The embedded SQLite broker has no server, so this
    only proves its transport loads.
    """
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0)


def _timed(name: str, check: Callable[[], Any]) -> Outcome:
    started = time.monotonic()
    try:
        value = check()
    except Exception as exc:
        logger.warning("Health check %s failed: %r", name, exc)
        return Outcome(ok=False, state="unreachable", ms=_ms_since(started))
    return Outcome(ok=True, state="ok", ms=_ms_since(started), value=value)


def run_within(seconds: float, checks: dict[str, Callable[[], Any]]) -> dict[str, Outcome]:
    """Run the checks (named as in _POOLS) side by side; any still running after `seconds` is
    reported as timed out and left to finish on its own."""
    started = time.monotonic()
    futures = {name: _POOLS[name].submit(_timed, name, check) for name, check in checks.items()}
    wait(futures.values(), timeout=seconds)
    outcomes = {}
    for name, future in futures.items():
        if future.done():
            outcomes[name] = future.result()
        else:
            # Not started yet (the pool is busy with a hung check): it would answer nobody.
            future.cancel()
            outcomes[name] = Outcome(ok=False, state="timeout", ms=_ms_since(started))
    return outcomes


def heartbeat_status(last_seen: datetime | None, now: datetime) -> dict[str, Any]:
    """Whether a worker ran the heartbeat task within HEARTBEAT_FRESH_FOR of `now`."""
    if last_seen is None:
        return {"ok": False, "state": "never seen", "age_s": None}
    # Clocks of web and worker machines may differ by a little: never report a negative age.
    age = max(now - last_seen, timedelta(0))
    fresh = age <= HEARTBEAT_FRESH_FOR
    return {"ok": fresh, "state": "ok" if fresh else "stale", "age_s": round(age.total_seconds())}


def liveness() -> dict[str, Any]:
    """/healthz: database and broker reachable, answered within LIVENESS_DEADLINE_SECONDS.

    "status" is "ok" when both answer. The worker's heartbeat is read in the same query and
    reported beside them, but does not count: workers being down must not make a load
    balancer take the web processes out, which would turn a delay in e-mails into an outage
    of the site. Nothing is queued, so anyone may call this as often as they like.
    """
    outcomes = run_within(
        LIVENESS_DEADLINE_SECONDS, {"database": read_heartbeat, "broker": connect_broker}
    )
    database = outcomes["database"]
    worker = (
        heartbeat_status(database.value, timezone.now())
        if database.ok
        else {"ok": False, "state": "unknown", "age_s": None}
    )
    healthy = all(outcome.ok for outcome in outcomes.values())
    return {
        "status": "ok" if healthy else "error",
        "checks": {name: outcome.as_json() for name, outcome in outcomes.items()},
        "worker": worker,
    }


def _ping_worker() -> dict[str, Any]:
    started = time.monotonic()
    try:
        # The ping expires with the wait, so a ping sent while no worker runs leaves nothing
        # behind for a worker started later to answer.
        result = ping.apply_async(expires=WORKER_TIMEOUT_SECONDS)
        result.get(timeout=WORKER_TIMEOUT_SECONDS)
    except ResultTimeoutError:
        state = "timeout"
    except Exception as exc:
        logger.warning("Health check worker failed: %r", exc)
        state = "unreachable"
    else:
        # A result nobody will read again; one that timed out expires with the result store.
        result.forget()
        state = "ok"
    return {
        "ok": state == "ok",
        "state": state,
        "ms": _ms_since(started),
        "checked_at": timezone.now().isoformat(),
    }


def worker_round_trip() -> dict[str, Any]:
    """/healthz/worker: a ping through the broker to a worker and back.

    Asked at most once every WORKER_CHECK_EVERY by all web processes sharing the cache, and
    never twice at once; callers in between get the last report (its "checked_at" says
    when). "state" is "ok", "timeout" (no worker answered in WORKER_TIMEOUT_SECONDS),
    "unreachable" (broker or result store), or "checking" for callers that arrive while the
    very first ping is on its way.
    """
    last = cache.get(_WORKER_REPORT_KEY)
    if last and timezone.now() - datetime.fromisoformat(last["checked_at"]) < WORKER_CHECK_EVERY:
        return last
    # `add` is atomic in every cache backend: one caller sends the ping. The lock outlives a
    # ping (publish is bounded by the broker timeouts of the settings) and expires by itself
    # if the process dies mid-ping.
    if not cache.add(_WORKER_LOCK_KEY, True, timeout=round(WORKER_TIMEOUT_SECONDS) + 10):
        return last or {"ok": False, "state": "checking", "ms": 0, "checked_at": None}
    try:
        report = _ping_worker()
        cache.set(_WORKER_REPORT_KEY, report, timeout=None)
    finally:
        cache.delete(_WORKER_LOCK_KEY)
    return report
