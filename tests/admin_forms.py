"""Posting an admin page back as a person would: what its form and inlines show, changed."""

from __future__ import annotations

from typing import Any

from django.forms import BoundField, CheckboxInput
from django.http import HttpResponse


def _value(bound: BoundField) -> Any:
    value = bound.value()
    if isinstance(bound.field.widget, CheckboxInput):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return None if value is None else str(value)


def _fields(form: Any, data: dict[str, Any]) -> None:
    for bound in form:
        value = _value(bound)
        if value is not None:
            data[bound.html_name] = value


def admin_post_data(page: HttpResponse, **changes: Any) -> dict[str, Any]:
    """The change or add page's form and every inline as they stand, with `changes` (by the
    names fields have in the posted form: `title`, `targets-0-unit`...)."""
    data: dict[str, Any] = {}
    _fields(page.context["adminform"].form, data)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        _fields(formset.management_form, data)
        for form in formset.forms:
            _fields(form, data)
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}
