"""Who may see and do what: plain functions used by views, admin, API and services alike."""

from __future__ import annotations

from typing import Any

from pledges.models import Membership, Organisation


def is_secretariat(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def is_member_of(user: Any, organisation: Organisation) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return Membership.objects.filter(user=user, organisation=organisation).exists()


def can_create_pledge_for(user: Any, organisation: Organisation) -> bool:
    """Members draft pledges for their organisation; the secretariat may record one for anybody."""
    return is_secretariat(user) or is_member_of(user, organisation)
