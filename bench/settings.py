"""The production settings, with the framework floor's view added for the benchmark's baseline."""

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
