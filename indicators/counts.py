"""Counts as people write them: "1 row", "2 rows", "1,250 rows"."""

from __future__ import annotations


def counted(number: int, singular: str, plural: str = "") -> str:
    """`number` with the noun in the right number (`plural` when adding an s is wrong)."""
    noun = singular if number == 1 else plural or f"{singular}s"
    return f"{number:,} {noun}"
