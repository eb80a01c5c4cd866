"""Benchmarks: seed synthetic data at scale, then time the hot read paths.

Run with `make bench` (or `python bench/run.py --pledges 5000 --updates 50000` for a quick look).
It works in var/bench/ with its own SQLite database, or against DATABASE_URL if that is set,
and prints one line per measurement, with the target it is held to.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("TRACKER_VAR_DIR", str(ROOT / "var" / "bench"))


def timed(label: str, target_ms: float, call: Callable[[], object], repeat: int = 20) -> bool:
    response = call()  # warm caches and connections
    if getattr(response, "status_code", 200) != 200:
        raise SystemExit(f"{label}: answered {response.status_code}, not 200")
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    p50 = statistics.median(samples)
    p95 = sorted(samples)[int(len(samples) * 0.95) - 1]
    ok = p95 <= target_ms
    verdict = "ok" if ok else "SLOW"
    print(
        f"{label:<44} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  "
        f"target p95 <= {target_ms:.0f} ms  {verdict}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pledges", type=int, default=50_000)
    parser.add_argument("--updates", type=int, default=500_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from pledges.models import Pledge
    from tracker.models import User

    call_command("migrate", verbosity=0)
    call_command("load_framework", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    have = Pledge.objects.count()
    if have < args.pledges:
        started = time.perf_counter()
        call_command(
            "seed_synthetic",
            pledges=args.pledges - have,
            updates=args.updates,
            stdout=open(os.devnull, "w"),  # noqa: SIM115
        )
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{'seed_synthetic':<44} {seconds:8.1f} s for {args.pledges - have} pledges and "
            f"{args.updates} updates; peak RSS {peak_mb:.0f} MB  target <= 300 s, <= 500 MB"
        )
    print(f"pledges in the database: {Pledge.objects.count()}")

    client = Client(SERVER_NAME="localhost")
    staff, _ = User.objects.get_or_create(
        email="bench@example.org", defaults={"is_staff": True, "is_superuser": True}
    )
    staff_client = Client(SERVER_NAME="localhost")
    staff_client.force_login(staff)

    results = [
        timed("home page (23 objectives with counts)", 150, lambda: client.get("/")),
        timed(
            "admin pledge list, first page",
            300,
            lambda: staff_client.get("/admin/pledges/pledge/"),
        ),
        timed(
            "admin pledge list, search",
            500,
            lambda: staff_client.get("/admin/pledges/pledge/", {"q": "Synthetic pledge 2026-1"}),
        ),
    ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
