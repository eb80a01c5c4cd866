"""How far a published update can be trusted, derived from facts, never typed in.

Levels, lowest to highest: self-reported; evidenced (evidence attached); verified (the
secretariat checked it); corroborated (a third party's published corroboration, with no
published contest standing against it).
"""

from __future__ import annotations

from django.db.models import TextChoices

from pledges.models import CorroborationKind, CorroborationStatus, ProgressUpdate


class Level(TextChoices):
    SELF_REPORTED = "self_reported", "Self-reported"
    EVIDENCED = "evidenced", "Evidenced"
    VERIFIED = "verified", "Verified by the secretariat"
    CORROBORATED = "corroborated", "Corroborated by a third party"


def verification_level(update: ProgressUpdate) -> Level:
    """The update's level. Reads its evidence and corroborations: callers listing many updates
    prefetch `evidence` and `corroborations`."""
    published = [
        c for c in update.corroborations.all() if c.status == CorroborationStatus.PUBLISHED
    ]
    contested = any(c.kind == CorroborationKind.CONTEST for c in published)
    if not contested and any(c.kind == CorroborationKind.CORROBORATE for c in published):
        return Level.CORROBORATED
    if update.verified_at is not None:
        return Level.VERIFIED
    if list(update.evidence.all()):
        return Level.EVIDENCED
    return Level.SELF_REPORTED
