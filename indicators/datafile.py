"""Reading hand-written reference data (YAML) with errors that say where the problem is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import models


class DataFileError(ValueError):
    """The data file is malformed; the message names the entry and the problem."""


class Entry:
    """One mapping of the data file, read field by field; `path` locates it in messages."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise DataFileError(f"{path}: expected a mapping, found {type(data).__name__}")
        self.data = data
        self.path = path

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None and required:
            raise DataFileError(f"{self.path}.{key}: missing")
        return value

    def str(self, key: str, *, required: bool = True, max_length: int | None = None) -> str:
        value = self._get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise DataFileError(f"{self.path}.{key}: expected text, found {value!r}")
        text = str(value).strip()
        if required and not text:
            raise DataFileError(f"{self.path}.{key}: empty")
        if max_length is not None and len(text) > max_length:
            raise DataFileError(f"{self.path}.{key}: longer than {max_length} characters")
        return text

    def int(self, key: str, *, required: bool = True) -> int | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise DataFileError(f"{self.path}.{key}: expected a whole number, found {value!r}")
        return value

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise DataFileError(
                f"{self.path}.{key}: expected a date as YYYY-MM-DD, found {value!r}"
            ) from None

    def choice(self, key: str, choices: type[models.TextChoices], default: str) -> str:
        value = self.str(key, required=False) or default
        if value not in choices.values:
            allowed = ", ".join(choices.values)
            raise DataFileError(f"{self.path}.{key}: {value!r} is not one of {allowed}")
        return value

    def list(self, key: str, *, required: bool = True) -> list[Any]:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            raise DataFileError(f"{self.path}.{key}: expected a list")
        return value

    def entries(self, key: str, *, required: bool = True) -> Iterator[Entry]:
        for index, item in enumerate(self.list(key, required=required)):
            yield Entry(item, f"{self.path}.{key}[{index}]")

    def entry(self, key: str) -> Entry:
        return Entry(self._get(key, True), f"{self.path}.{key}")


def unique(values: list[Any], what: str) -> None:
    """Refuse a list of natural keys that names one twice."""
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise DataFileError(f"{what}: {value!r} appears twice")
        seen.add(value)


UNCHANGED, CREATED, UPDATED = "unchanged", "created", "updated"


def upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[Any, str]:
    """Create the row, or update the fields that differ; say which happened.

    Unlike `update_or_create`, an unchanged row is not written, so loading the same data twice
    changes nothing, not even timestamps.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **values), CREATED
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, UNCHANGED
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    return obj, UPDATED


def sync_m2m(manager: Any, wanted: list[models.Model]) -> bool:
    """Make a many-to-many relation hold exactly `wanted`; True when it changed."""
    current = {obj.pk for obj in manager.all()}
    target = {obj.pk for obj in wanted}
    if current == target:
        return False
    manager.set(wanted)
    return True
