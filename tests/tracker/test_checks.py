"""`check --deploy` warns when production would count failed logins per process."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks

LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://r:6379/1"}


def deploy_warnings() -> set[str]:
    return {message.id for message in run_checks(include_deployment_checks=True, tags=["caches"])}


@pytest.mark.parametrize(
    "cache",
    [LOCMEM, {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}],
    ids=["locmem", "dummy"],
)
def test_production_with_a_per_process_cache_is_warned(settings, cache):
    settings.DEBUG = False
    settings.CACHES = {"default": cache}
    assert "tracker.W001" in deploy_warnings()


def test_production_with_redis_is_not(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": REDIS}
    assert "tracker.W001" not in deploy_warnings()


def test_a_development_machine_is_not(settings):
    settings.DEBUG = True
    settings.CACHES = {"default": LOCMEM}
    assert "tracker.W001" not in deploy_warnings()


def test_the_check_runs_with_deploy_checks_only(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": LOCMEM}
    assert "tracker.W001" not in {message.id for message in run_checks(tags=["caches"])}
