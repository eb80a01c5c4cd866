"""Idempotency-Key on the API's creates: a client that retries after a lost answer (a
timeout, a dropped connection) gets the first answer again instead of a second pledge.

The key is held in the same transaction as the create, so a create that fails keeps no key,
and two requests racing with the same key wait for each other on the key's unique row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions

from tracker.models import IdempotentRequest
from tracker.tokens import token_user

KEY_HEADER = "Idempotency-Key"
KEY_MAX = 255
KEPT_FOR = dt.timedelta(hours=24)


def _client(request: HttpRequest) -> Any:
    """Who asks, as the API will authenticate them; None lets the view refuse them."""
    words = request.headers.get("Authorization", "").split()
    if len(words) == 2 and words[0].lower() in ("bearer", "token"):
        try:
            return token_user(words[1])[0]
        except exceptions.AuthenticationFailed:
            return None
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _fingerprint(request: HttpRequest) -> str:
    asked = b"\n".join([request.method.encode(), request.path.encode(), request.body])
    return hashlib.sha256(asked).hexdigest()


def _refusal(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def idempotent(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a view whose POST creates: with an Idempotency-Key, a success is remembered for
    24 hours and answered again; a key reused for another request is refused (422)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.headers.get(KEY_HEADER)
        if request.method != "POST" or key is None:
            return view(request, *args, **kwargs)
        user = _client(request)
        if user is None:
            return view(request, *args, **kwargs)
        if not key.strip() or len(key) > KEY_MAX:
            return _refusal(
                400,
                # Translators: %(header)s is the name of an HTTP header, Idempotency-Key.
                ngettext(
                    "An %(header)s is 1 to %(max)s characters.",
                    "An %(header)s is 1 to %(max)s characters.",
                    KEY_MAX,
                )
                % {"header": KEY_HEADER, "max": KEY_MAX},
            )
        fingerprint = _fingerprint(request)
        IdempotentRequest.objects.filter(
            user=user, key=key, created_at__lt=timezone.now() - KEPT_FOR
        ).delete()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotentRequest.objects.create(
                        user=user, key=key, fingerprint=fingerprint, status=0, body={}
                    )
            except IntegrityError:
                return _replay(user, key, fingerprint)
            response = view(request, *args, **kwargs)
            if not 200 <= response.status_code < 300:
                # Nothing was made: the key stays free for the corrected request.
                transaction.set_rollback(True)
                return response
            if hasattr(response, "render"):
                response.render()
            record.status = response.status_code
            record.body = json.loads(response.content or b"null")
            record.location = response.get("Location", "")
            record.save(update_fields=["status", "body", "location"])
        return response

    return wrapped


def _replay(user: Any, key: str, fingerprint: str) -> HttpResponse:
    record = IdempotentRequest.objects.get(user=user, key=key)
    if record.fingerprint != fingerprint:
        return _refusal(
            422,
            # Translators: %(header)s is the name of an HTTP header, Idempotency-Key.
            _("This %(header)s was used for another request: use a new key for each.")
            % {"header": KEY_HEADER},
        )
    response = JsonResponse(record.body, status=record.status, safe=False)
    if record.location:
        response["Location"] = record.location
    response["Idempotent-Replayed"] = "true"
    return response


def idempotency_keys_expire() -> int:
    """Forget keys older than a day; how many were forgotten."""
    deleted, _by_model = IdempotentRequest.objects.filter(
        created_at__lt=timezone.now() - KEPT_FOR
    ).delete()
    return deleted
