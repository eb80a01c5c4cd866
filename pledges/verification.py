"""How far a published update can be trusted, derived from facts, never typed in.

Levels, lowest to highest: self-reported; evidenced (evidence attached); verified (the
secretariat checked it); corroborated (a third party's published corroboration, with no
published contest standing against it).
"""

from __future__ import annotations

from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    QuerySet,
    TextChoices,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from pledges.models import (
    Corroboration,
    CorroborationKind,
    CorroborationStatus,
    Evidence,
    ProgressUpdate,
)


class Level(TextChoices):
    # Translators: how far a published progress update can be trusted, lowest to highest.
    SELF_REPORTED = "self_reported", _("Self-reported")
    EVIDENCED = "evidenced", _("Evidenced")
    VERIFIED = "verified", _("Verified by the secretariat")
    CORROBORATED = "corroborated", _("Corroborated by a third party")


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


def with_verification_level(updates: QuerySet[ProgressUpdate]) -> QuerySet[ProgressUpdate]:
    """Annotate each update with `verification_level`, the rule of `verification_level` in
    SQL, so that many updates are counted by level in one query."""
    published = Corroboration.objects.filter(
        update=OuterRef("pk"), status=CorroborationStatus.PUBLISHED
    )
    corroborated = Exists(published.filter(kind=CorroborationKind.CORROBORATE)) & ~Exists(
        published.filter(kind=CorroborationKind.CONTEST)
    )
    return updates.annotate(
        verification_level=Case(
            When(corroborated, then=Value(Level.CORROBORATED.value)),
            When(verified_at__isnull=False, then=Value(Level.VERIFIED.value)),
            When(
                Exists(Evidence.objects.filter(update=OuterRef("pk"))),
                then=Value(Level.EVIDENCED.value),
            ),
            default=Value(Level.SELF_REPORTED.value),
            output_field=CharField(),
        )
    )
