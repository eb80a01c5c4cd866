"""Changes to indicator data that people make by hand, each one transaction with its history.

Imports, which write observations in bulk, live in `imports.py`; they keep history the same way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indicators.models import Observation, ObservationRevision


def observation_correct(
    *,
    observation: Observation,
    by: Any,
    value: Decimal,
    unit: str,
    source: str,
    note: str,
    reason: str,
    attributes: dict[str, str] | None = None,
) -> Observation:
    """Replace an observation's content (value, unit, source, note, attributes), keeping what
    it replaces; attributes not given stay as stored.

    Returns the observation as stored afterwards. Its identity (indicator, area, period,
    disaggregation) never changes here. If the content differs from the stored one, the stored
    content is kept as an ObservationRevision naming `by` and `reason`; if nothing differs,
    nothing is written. Raises PermissionDenied unless `by` may change observations, and
    ValidationError for a change without a reason or a value the database cannot hold.
    """
    if not by.has_perm("indicators.change_observation"):
        raise PermissionDenied(_("Only the secretariat corrects indicator data."))
    if attributes is not None and not (
        isinstance(attributes, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in attributes.items())
    ):
        raise ValidationError(
            {"attributes": _('Give attribute names and values as text, e.g. {"OBS_STATUS": "E"}.')}
        )
    new = {"value": value, "unit": unit, "source": source, "note": note}
    with transaction.atomic():
        # Compared with the row as stored, under a lock, not with what the caller read: an
        # import may have replaced it since, and its value is what this change replaces.
        stored = Observation.objects.select_for_update().get(pk=observation.pk)
        new["attributes"] = stored.attributes if attributes is None else attributes
        changed = [
            name for name in Observation.CONTENT_FIELDS if getattr(stored, name) != new[name]
        ]
        if not changed:
            return stored
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the value is corrected.")})
        revision = ObservationRevision(
            observation=stored,
            replaced_by=by,
            reason=reason.strip(),
            **{name: getattr(stored, name) for name in Observation.CONTENT_FIELDS},
        )
        for name in changed:
            setattr(stored, name, new[name])
        # Only the changed fields and the reason: the rest is as stored (and checking the
        # foreign keys would cost a query each).
        stored.clean_fields(exclude=[f.name for f in stored._meta.fields if f.name not in changed])
        revision.clean_fields(exclude=["observation", "replaced_by"])
        revision.save()
        stored.save(update_fields=[*changed, "updated_at"])
    return stored
