"""An Open SDG indicator's metadata: what its office says about the data beside it.

Open SDG keeps one metadata file per indicator in the repository's `meta/` folder, beside
`data/`: `meta/10-7-2.md` (Markdown whose YAML front matter holds the fields) or
`meta/10-7-2.yml`. Two fields decide whether the data file holds values at all:

- `reporting_status`: `complete`, `inprogress`, `notstarted` (or `notapplicable`);
- `data_non_statistical: true`: the indicator is reported in words, without statistics.

The Open SDG starter gives every indicator a placeholder data file, which offices leave in
place until they report: those values are not data (see `is_placeholder`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import yaml

from indicators.models import ReportingStatus

# A metadata file is a page of text; a bigger one is not metadata, and parsing YAML of
# any size (aliases expand) is a way to exhaust memory.
MAX_META_BYTES = 512 * 1024
# The most rows a starter's placeholder file has.
PLACEHOLDER_ROWS = 10
META_NAME = re.compile(r"^(\d+-\w+-\w+(?:-\w+)?)\.(md|ya?ml)$", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A\ufeff?---\s*\n(.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.DOTALL)
# How offices spell the statuses (sdg-build accepts the same variants).
_STATUSES = {
    "complete": ReportingStatus.COMPLETE,
    "completed": ReportingStatus.COMPLETE,
    "reported": ReportingStatus.COMPLETE,
    "inprogress": ReportingStatus.IN_PROGRESS,
    "in progress": ReportingStatus.IN_PROGRESS,
    "in_progress": ReportingStatus.IN_PROGRESS,
    "notstarted": ReportingStatus.NOT_STARTED,
    "not started": ReportingStatus.NOT_STARTED,
    "not_started": ReportingStatus.NOT_STARTED,
    "notapplicable": ReportingStatus.NOT_APPLICABLE,
    "not applicable": ReportingStatus.NOT_APPLICABLE,
    "not_applicable": ReportingStatus.NOT_APPLICABLE,
}
_TRUE = {"true", "yes", "1", "on"}


@dataclass(frozen=True)
class IndicatorMeta:
    status: str = ReportingStatus.UNKNOWN
    non_statistical: bool = False
    source: str = ""  # the metadata file's name, for the record


def meta_code(file_name: str) -> str | None:
    """The indicator code a metadata file is named for: `10-7-2.md` → `10-7-2`."""
    match = META_NAME.match(file_name)
    return match.group(1).lower() if match else None


def meta_read(text: str, name: str) -> IndicatorMeta:
    """Read a metadata file; raise ValueError, saying why, when it cannot be read."""
    if len(text.encode()) > MAX_META_BYTES:
        raise ValueError(f"larger than {MAX_META_BYTES // 1024} KB: not a metadata file")
    if name.lower().endswith(".md"):
        match = _FRONT_MATTER.match(text)
        if match is None:
            return IndicatorMeta(source=name)  # Markdown alone: nothing said about the data
        text = match.group(1)
    try:
        fields = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(f"its YAML cannot be read ({str(error).splitlines()[0]})") from None
    if not isinstance(fields, dict):
        return IndicatorMeta(source=name)
    raw_status = str(fields.get("reporting_status") or "").strip().lower()
    return IndicatorMeta(
        status=_STATUSES.get(raw_status, ReportingStatus.UNKNOWN),
        non_statistical=str(fields.get("data_non_statistical", "")).strip().lower() in _TRUE,
        source=name,
    )


def is_placeholder(first_values: list[Decimal], *, found: int, non_zero: int) -> bool:
    """Whether a not-started indicator's values are the starter's stand-ins, not data.

    The starter's files hold zeros, or a handful of rows of small whole numbers counting up
    (1, 2, 3 for groups A, B, C): nothing an office measured. Real values that an office
    left under a stale "not started" are more rows, or numbers with decimals, and are kept.
    `first_values` are the first PLACEHOLDER_ROWS values read, `found` how many there are.
    """
    if non_zero == 0:
        return True
    return found <= PLACEHOLDER_ROWS and all(
        value == value.to_integral_value() and 0 <= value <= PLACEHOLDER_ROWS
        for value in first_values
    )
