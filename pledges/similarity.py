"""Possible duplicates: pledges whose title or description resembles another's.

Both score a bounded pool of likely candidates: PostgreSQL with trigram similarity (pg_trgm,
enabled by a migration), other databases with a portable word-overlap score. Both give a score
from 0 to 1 and keep what reaches THRESHOLD.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Greatest

from pledges.models import Pledge, PledgeObjective

THRESHOLD = 0.35
SAME_ORGANISATION_BONUS = 0.1
POOL_SIZE = 500
STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "will",
        "our",
        "their",
        "all",
        "its",
        "into",
        "are",
        "was",
        "were",
        "have",
        "has",
        "been",
        "also",
        "which",
        "who",
        "per",
        "each",
        "more",
        "most",
        "such",
        "than",
        "them",
        "they",
        "these",
        "those",
        "through",
    ]
)


@dataclass(frozen=True)
class Similar:
    """A possibly duplicate pledge. `score` ranks: the text's similarity from 0 to 1, plus
    SAME_ORGANISATION_BONUS when the same organisation leads both."""

    pledge: Pledge
    score: float

    @property
    def percent(self) -> int:
        """The score as people read it: 0 to 100 per cent, never more."""
        return min(100, round(self.score * 100))


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    # The review queue scores each of its rows against pools that mostly overlap: each text
    # is split once.
    return frozenset(w for w in re.findall(r"[a-z0-9]{3,}", text.lower()) if w not in STOPWORDS)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def similar_pledges(
    *, pledge: Pledge, candidates: QuerySet[Pledge], limit: int = 5
) -> list[Similar]:
    """The `limit` candidates most like `pledge`, best first, above the threshold.

    `candidates` is what the viewer may see; the pledge itself is left out.
    """
    # A revision is its pledge's own copy, not a duplicate of it.
    itself = [pk for pk in (pledge.pk, pledge.revision_of_id) if pk]
    candidates = candidates.exclude(pk__in=itself).select_related("lead_organisation")
    # Scored over the likeliest candidates only, so that a row of the review queue costs the
    # same at 50,000 pledges as at 500: the same organisation's pledges and those sharing a
    # main objective, most recent first. (Scoring every pledge took seconds a row there.)
    objectives = pledge.objective_links.filter(main_rank__isnull=False).values("objective")
    shares_objective = PledgeObjective.objects.filter(
        pledge=OuterRef("pk"), objective__in=objectives, main_rank__isnull=False
    )
    pool = candidates.filter(
        Q(lead_organisation=pledge.lead_organisation_id) | Q(Exists(shares_objective))
    ).order_by("-created_at")
    if connection.vendor == "postgresql":
        scored = (
            candidates.filter(pk__in=pool.values("pk")[:POOL_SIZE])
            .annotate(
                similarity=Greatest(
                    TrigramSimilarity("title", pledge.title),
                    TrigramSimilarity("description", pledge.description[:2000]),
                )
            )
            .filter(similarity__gte=THRESHOLD - SAME_ORGANISATION_BONUS)
            .order_by("-similarity")[: limit * 3]
        )
        results = [
            Similar(p, p.similarity + (SAME_ORGANISATION_BONUS if _same_lead(p, pledge) else 0))
            for p in scored
        ]
    else:
        # Without pg_trgm, a word-overlap score in Python, from plain rows: only the few kept
        # become pledges.
        rows = pool.values_list("pk", "title", "description", "lead_organisation_id")
        title, description = _words(pledge.title), _words(pledge.description)
        scores = {}
        for pk, other_title, other_description, lead in rows[:POOL_SIZE]:
            score = max(
                _overlap(title, _words(other_title)),
                _overlap(description, _words(other_description)),
            )
            if lead == pledge.lead_organisation_id:
                score += SAME_ORGANISATION_BONUS
            if score >= THRESHOLD:
                scores[pk] = score
        best = sorted(scores, key=lambda pk: -scores[pk])[:limit]
        found = candidates.in_bulk(best)
        results = [Similar(found[pk], scores[pk]) for pk in best]
    kept = [r for r in results if r.score >= THRESHOLD]
    return sorted(kept, key=lambda r: -r.score)[:limit]


def _same_lead(a: Pledge, b: Pledge) -> bool:
    return a.lead_organisation_id == b.lead_organisation_id


def candidates_for(viewer_is_secretariat: bool, organisation_ids: set[int]) -> QuerySet[Pledge]:
    """Pledges a viewer may be shown as similar: the secretariat sees all but others' drafts
    stay private to their owners."""
    pledges = Pledge.objects.originals()
    if viewer_is_secretariat:
        return pledges.not_draft()
    return pledges.published() | pledges.filter(lead_organisation__in=organisation_ids)
    return Pledge.objects.published() | Pledge.objects.filter(
        lead_organisation__in=organisation_ids
    )
