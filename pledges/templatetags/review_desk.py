"""The secretariat's desk on the first page of its workbench."""

from __future__ import annotations

from typing import Any

from django import template

from pledges.selectors import ReviewDesk, review_desk

register = template.Library()


@register.simple_tag(takes_context=True)
def waiting_for_review(context: dict[str, Any]) -> ReviewDesk | None:
    """What waits for the secretariat, for staff who may see pledges; None for others."""
    request = context.get("request")
    if request is None or not request.user.has_perm("pledges.view_pledge"):
        return None
    return review_desk()
