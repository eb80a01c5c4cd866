"""Numbers as tables of statistics show them: every digit the source gave, none it did not."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def exact(value: Decimal | None) -> str:
    """12,345.67 for Decimal('12345.6700000000'): grouped, without padding zeros."""
    if value is None:
        return ""
    text = f"{value.normalize():,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
