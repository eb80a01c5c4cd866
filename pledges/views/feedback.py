"""Turning a service's refusal into a message for the person who asked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest


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
