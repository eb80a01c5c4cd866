"""Run the development web server and a real Celery worker (with beat) side by side."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

# How long a process is given to finish what it does before it is killed.
STOP_SECONDS = 10


class Command(BaseCommand):
    help = "Run runserver and a Celery worker with beat together; Ctrl-C stops both (DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("run_dev is for development machines: run gunicorn and celery.")
        # Ctrl-C reaches the terminal's whole process group at once; the worker runs in a
        # session of its own so that it hears of the stop once, from here, and in order.
        worker = subprocess.Popen(  # noqa: S603 - our own command line
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tracker",
                "worker",
                "--beat",
                f"--schedule={settings.VAR_DIR / 'celerybeat-schedule'}",
                "--loglevel=INFO",
                "--concurrency=2",
            ],
            start_new_session=True,
        )
        web = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "manage.py", "runserver", addrport], cwd=settings.BASE_DIR
        )
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while web.poll() is None and worker.poll() is None:
                try:
                    web.wait(timeout=1)
                except subprocess.TimeoutExpired:
                    continue
        except KeyboardInterrupt:
            pass
        finally:
            self.stdout.write("Stopping the web server and the worker…")
            for process in (web, worker):
                _stop(process)
            self.stdout.write("Stopped.")


def _stop(process: subprocess.Popen) -> None:
    """Ask politely, wait a little, then insist: a worker may hang while beat shuts down."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
