"""The review vocabulary shared by pledges and progress updates, and what each state allows."""

from __future__ import annotations

from django.db import models


class ReviewAction(models.TextChoices):
    CREATE = "create", "Created"
    EDIT = "edit", "Edited"
    CONFIRM = "confirm", "Fulfilment confirmed"
    VERIFY = "verify", "Verified by the secretariat"
    SUBMIT = "submit", "Submitted"
    REQUEST_CHANGES = "request_changes", "Changes requested"
    PUBLISH = "publish", "Published"
    REJECT = "reject", "Rejected"
    WITHDRAW = "withdraw", "Withdrawn"
    MERGE = "merge", "Merged"
    COMMENT = "comment", "Comment"


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    MERGED = "merged", "Merged into another pledge"


# Owners edit what they have not sent, or what the secretariat sent back to them.
OPEN_STATES = frozenset({ReviewState.DRAFT, ReviewState.CHANGES_REQUESTED})
# What the public may read: published, and withdrawn pledges kept on record as such.
PUBLIC_STATES = frozenset({ReviewState.PUBLISHED, ReviewState.WITHDRAWN})
# Decided for good: nothing moves these further.
CLOSED_STATES = frozenset({ReviewState.REJECTED, ReviewState.WITHDRAWN, ReviewState.MERGED})


class ImplementationStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    PARTIALLY_FULFILLED = "partially_fulfilled", "Partially fulfilled"
    FULFILLED = "fulfilled", "Fulfilled"
    DISCONTINUED = "discontinued", "Discontinued"


class Reviewed:
    """What a pledge's or an update's review state means, for code and templates alike."""

    review_state: str

    @property
    def is_published(self) -> bool:
        return self.review_state == ReviewState.PUBLISHED

    @property
    def is_rejected(self) -> bool:
        return self.review_state == ReviewState.REJECTED

    @property
    def is_open(self) -> bool:
        """A draft, or sent back for changes: its owners may edit it."""
        return self.review_state in OPEN_STATES

    @property
    def is_public(self) -> bool:
        return self.review_state in PUBLIC_STATES

    @property
    def is_closed(self) -> bool:
        return self.review_state in CLOSED_STATES


def published_through(path: str) -> models.Q:
    """Rows whose pledge or update at `path` is published: what `published()` means, across a
    relation (`TargetMeasurement.objects.filter(published_through("update"))`)."""
    return models.Q(**{f"{path}__review_state": ReviewState.PUBLISHED})


class ReviewedQuerySet(models.QuerySet):
    """Filters on review state, one meaning each, for pledges and updates."""

    def published(self) -> ReviewedQuerySet:
        return self.filter(review_state=ReviewState.PUBLISHED)

    def reported(self) -> ReviewedQuerySet:
        """Sent to the secretariat and not sent back: submitted or published."""
        return self.filter(review_state__in=[ReviewState.SUBMITTED, ReviewState.PUBLISHED])

    def submitted(self) -> ReviewedQuerySet:
        return self.filter(review_state=ReviewState.SUBMITTED)

    def public(self) -> ReviewedQuerySet:
        return self.filter(review_state__in=PUBLIC_STATES)

    def not_draft(self) -> ReviewedQuerySet:
        return self.exclude(review_state=ReviewState.DRAFT)
