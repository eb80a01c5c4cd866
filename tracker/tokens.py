"""Personal API tokens: made, revoked and checked here, nowhere else.

A key is 256 random bits, so a plain SHA-256 digest is enough to keep it: nothing can be
guessed from the digest, and checking it costs one indexed query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from pledges.permissions import is_secretariat, without_secretariat_powers
from tracker.models import ApiToken

KEY_PREFIX = "gcm_"
LIFETIMES = (30, 90, 365)
MAX_TOKENS = 20
# Recording every use would make every read a write; to the minute is what people need.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user: Any, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for `user` and its key, which is shown this once and never kept."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the key, so that you know later what uses it.")})
    if days not in LIFETIMES:
        raise ValidationError({"days": _("Choose how long the key lasts: 30, 90 or 365 days.")})
    with transaction.atomic():
        live = ApiToken.objects.select_for_update().filter(
            user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        if live.count() >= MAX_TOKENS:
            raise ValidationError(
                ngettext(
                    "Revoke a key first: at most %(count)s can be in use.",
                    "Revoke a key first: at most %(count)s can be in use.",
                    MAX_TOKENS,
                )
                % {"count": MAX_TOKENS}
            )
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=key[: len(KEY_PREFIX) + 6],
            digest=_digest(key),
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
    return token, key


def token_revoke(*, token: ApiToken, by: Any) -> ApiToken:
    """End a token at once; its holder, or the secretariat, may."""
    if token.user_id != by.pk and not is_secretariat(by):
        raise PermissionDenied(_("Only its holder can revoke this key."))
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def user_tokens(user: Any) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user))


def token_user(key: str) -> tuple[Any, ApiToken]:
    """Who a key acts for, or AuthenticationFailed saying why not."""
    token = ApiToken.objects.select_related("user").filter(digest=_digest(key)).first()
    now = timezone.now()
    if token is None:
        raise exceptions.AuthenticationFailed(_("This API key is not known."))
    if token.revoked_at is not None:
        raise exceptions.AuthenticationFailed(_("This API key was revoked."))
    if token.expires_at <= now:
        raise exceptions.AuthenticationFailed(_("This API key has expired: make a new one."))
    if not token.user.is_active:
        raise exceptions.AuthenticationFailed(_("The account of this API key is disabled."))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer gcm_…`. A key acts for its holder's organisations only: a
    secretariat member's key has no secretariat powers (those need the second factor)."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in ("bearer", "token"):
            return None
        if len(header) != 2 or not header[1].startswith(KEY_PREFIX):
            raise exceptions.AuthenticationFailed(
                _("Give the key as 'Authorization: Bearer gcm_…', with nothing else.")
            )
        user, token = token_user(header[1])
        return without_secretariat_powers(user), token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class TokenScheme(OpenApiAuthenticationExtension):
    """How the schema tells clients to send their key."""

    target_class = TokenAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API key, made on the portal's page “API keys”.",
        }
