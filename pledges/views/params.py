"""Reading ids from submitted forms without trusting them."""

from __future__ import annotations


def posted_id(value: str | None) -> int:
    """A posted id, or 0 (which matches no row) when it is not a whole number."""
    return int(value) if value and value.isdigit() else 0
