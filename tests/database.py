"""Helpers for tests about what the database itself accepts."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction


def rejected(make: Callable[[], object]) -> bool:
    """True when the database refuses what `make` writes (the test's transaction survives)."""
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False
