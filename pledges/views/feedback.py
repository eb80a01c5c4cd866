"""Turning a service's refusal into a message for the person who asked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest


def refused_status(*forms: BaseForm) -> int:
    """409 when a form was opened before someone else saved (reload, then edit), else 400."""
    stale = any(form.has_error(NON_FIELD_ERRORS, code="stale") for form in forms)
    return 409 if stale else 400


def attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> Any:
    """Run a service; on refusal show why as messages and return None, else its result."""
    try:
        result = action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None
    except PermissionDenied as error:
        messages.error(request, str(error))
        return None
    messages.success(request, success)
    return result
