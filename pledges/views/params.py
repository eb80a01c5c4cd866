"""Reading ids from submitted forms without trusting them."""

from __future__ import annotations

import re

# What an id can be: ASCII digits that fit in 63 bits ("²" is a digit to Python, not to us).
ID = re.compile(r"[0-9]{1,18}")


def posted_id(value: str | None) -> int:
    """A posted id, or 0 (which matches no row) when it is not one."""
    return int(value) if value and ID.fullmatch(value) else 0
