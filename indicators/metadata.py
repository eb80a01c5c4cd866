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
from django.utils.translation import gettext as _

from indicators.models import ReportingStatus

# A metadata file is a page of text; a bigger one is not metadata, and parsing YAML of
# any size (aliases expand) is a way to exhaust memory.
MAX_META_BYTES = 512 * 1024
# The most rows a starter's placeholder file has, and the values it holds.
PLACEHOLDER_ROWS = 10
STARTER_VALUES = {1, 2, 3}
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
_FIELD_LINE = re.compile(
    r"^\s*(reporting_status|data_non_statistical)\s*:\s*(.*?)\s*$", re.MULTILINE
)


@dataclass(frozen=True)
class IndicatorMeta:
    # None where the file does not say.
    reporting_status: str | None = None
    data_non_statistical: bool | None = None
    source: str = ""  # the metadata files' names, for the record

    @property
    def status(self) -> str:
        return self.reporting_status or ReportingStatus.UNKNOWN

    @property
    def non_statistical(self) -> bool:
        return bool(self.data_non_statistical)

    def over(self, earlier: IndicatorMeta) -> IndicatorMeta:
        """This file's fields where it states them, the earlier file's elsewhere."""
        status, non_statistical = self.reporting_status, self.data_non_statistical
        return IndicatorMeta(
            earlier.reporting_status if status is None else status,
            earlier.data_non_statistical if non_statistical is None else non_statistical,
            ", ".join(filter(None, (earlier.source, self.source))),
        )


# Where an Open SDG repository keeps an indicator's fields, beside its data/ folder, in the
# order they are read: a later file's field wins (sdg-build reads the configuration, then
# the metadata). _indicators/ is the older site layout.
META_FOLDERS = ("_indicators", "indicator-config", "meta")


def meta_code(file_name: str) -> str | None:
    """The indicator code a metadata file is named for: `10-7-2.md` → `10-7-2`."""
    match = META_NAME.match(file_name)
    return match.group(1).lower() if match else None


def meta_read(text: str, name: str) -> IndicatorMeta:
    """Read a metadata file: YAML, or Markdown with YAML front matter (or bare YAML).

    Raise ValueError, saying why, for a file too large to be metadata. YAML that does not
    parse (tabs after colons, say) is read line by line for the two fields that matter.
    """
    if len(text.encode()) > MAX_META_BYTES:
        raise ValueError(
            _("larger than %(size)s KB: not a metadata file") % {"size": MAX_META_BYTES // 1024}
        )
    if match := _FRONT_MATTER.match(text):
        text = match.group(1)
    try:
        fields = yaml.safe_load(text)
    except yaml.YAMLError:
        fields = {
            match.group(1): match.group(2).strip("'\" ") for match in _FIELD_LINE.finditer(text)
        }
    if not isinstance(fields, dict):
        return IndicatorMeta(source=name)  # Markdown alone: nothing said about the data
    raw_status = fields.get("reporting_status")
    raw_non_statistical = fields.get("data_non_statistical")
    return IndicatorMeta(
        reporting_status=(
            _STATUSES.get(str(raw_status).strip().lower(), ReportingStatus.UNKNOWN)
            if raw_status not in (None, "")
            else None
        ),
        data_non_statistical=(
            str(raw_non_statistical).strip().lower() in _TRUE
            if raw_non_statistical not in (None, "")
            else None
        ),
        source=name,
    )


def is_placeholder(
    status: str,
    *,
    dimensions: set[str],
    first_values: list[Decimal],
    found: int,
    non_zero: int,
) -> bool:
    """Whether a file's values are the Open SDG starter's stand-ins rather than data.

    The starter's own file (`Year,Group,Value`, groups A and B, values 1, 2 and 3) is a
    placeholder whatever the status says: offices leave it under "in progress" too. Under
    "not started" (or "not applicable"), so are zeros, and a handful of rows of small whole
    numbers: nothing an office measured. Real values that an office left under a stale "not
    started" are more rows, or numbers with decimals, and are kept. `dimensions` are the
    file's disaggregation columns in lower case, `first_values` the first PLACEHOLDER_ROWS
    values, `found` how many values there are and `non_zero` how many are not zero.
    """
    few = found <= PLACEHOLDER_ROWS
    if dimensions == {"group"} and few and all(v in STARTER_VALUES for v in first_values):
        return True
    if status not in (ReportingStatus.NOT_STARTED, ReportingStatus.NOT_APPLICABLE):
        return False
    return non_zero == 0 or (
        few and all(v == v.to_integral_value() and 0 <= v <= PLACEHOLDER_ROWS for v in first_values)
    )
