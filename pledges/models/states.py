"""The review vocabulary shared by pledges and progress updates, and what each state allows."""

from __future__ import annotations

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewAction(models.TextChoices):
    CREATE = "create", _("Created")
    EDIT = "edit", _("Edited")
    CONFIRM = "confirm", _("Fulfilment confirmed")
    VERIFY = "verify", _("Verified by the secretariat")
    SUBMIT = "submit", _("Submitted")
    REQUEST_CHANGES = "request_changes", _("Changes requested")
    PUBLISH = "publish", _("Published")
    REJECT = "reject", _("Rejected")
    WITHDRAW = "withdraw", _("Withdrawn")
    MERGE = "merge", _("Merged")
    COMMENT = "comment", _("Comment")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged into another pledge")


# Owners edit what they have not sent, or what the secretariat sent back to them.
OPEN_STATES = frozenset({ReviewState.DRAFT, ReviewState.CHANGES_REQUESTED})
# What the public may read: published, and withdrawn pledges kept on record as such.
PUBLIC_STATES = frozenset({ReviewState.PUBLISHED, ReviewState.WITHDRAWN})
# Decided for good: nothing moves these further.
CLOSED_STATES = frozenset({ReviewState.REJECTED, ReviewState.WITHDRAWN, ReviewState.MERGED})


class ImplementationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    PARTIALLY_FULFILLED = "partially_fulfilled", _("Partially fulfilled")
    FULFILLED = "fulfilled", _("Fulfilled")
    DISCONTINUED = "discontinued", _("Discontinued")


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


def content_languages() -> list[tuple[str, str]]:
    """The languages owners may write in, each named in itself: the site's languages first,
    then every other language Django knows, so that no pledger has to write in a UN language."""
    site = [code for code, _name in settings.LANGUAGES]
    others = sorted(
        (code for code, info in LANG_INFO.items() if "name_local" in info and code not in site),
        key=lambda code: LANG_INFO[code]["name"],
    )
    return [(code, LANG_INFO[code]["name_local"]) for code in site + others]


def content_language_field(what: str) -> models.CharField:
    return models.CharField(
        _("language"),
        max_length=10,
        choices=content_languages,
        default=settings.LANGUAGE_CODE,
        help_text=what,
    )
