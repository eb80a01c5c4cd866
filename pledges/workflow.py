"""The review workflow shared by pledges and progress updates.

    draft --submit--> submitted --publish--> published --withdraw--> withdrawn
      ^                  |  \\--reject--> rejected
      |            request changes
      +--- changes_requested

`review_transition` is the one place a review state changes: it checks the move and who makes
it, writes the new state, a review event and a frozen version, in one transaction, and writes
the e-mail to the people concerned into the outbox, sent once the transaction has committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pledges import emails
from pledges.models import (
    Pledge,
    PledgeVersion,
    ProgressUpdate,
    ReviewAction,
    ReviewEvent,
    ReviewState,
    UpdateVersion,
)
from pledges.permissions import can_review, reviewable_owner
from pledges.snapshots import pledge_snapshot, update_snapshot

OWNER, SECRETARIAT, EITHER = "owner", "secretariat", "owner or secretariat"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    who: str
    comment_required: bool = False


TRANSITIONS: dict[str, Transition] = {
    ReviewAction.SUBMIT: Transition(
        frozenset({ReviewState.DRAFT, ReviewState.CHANGES_REQUESTED}), ReviewState.SUBMITTED, OWNER
    ),
    ReviewAction.REQUEST_CHANGES: Transition(
        frozenset({ReviewState.SUBMITTED}),
        ReviewState.CHANGES_REQUESTED,
        SECRETARIAT,
        comment_required=True,
    ),
    ReviewAction.PUBLISH: Transition(
        frozenset({ReviewState.SUBMITTED}), ReviewState.PUBLISHED, SECRETARIAT
    ),
    ReviewAction.REJECT: Transition(
        frozenset({ReviewState.SUBMITTED}),
        ReviewState.REJECTED,
        SECRETARIAT,
        comment_required=True,
    ),
    ReviewAction.WITHDRAW: Transition(
        frozenset({ReviewState.PUBLISHED}), ReviewState.WITHDRAWN, EITHER
    ),
    ReviewAction.MERGE: Transition(
        frozenset({ReviewState.SUBMITTED, ReviewState.CHANGES_REQUESTED, ReviewState.PUBLISHED}),
        ReviewState.MERGED,
        SECRETARIAT,
    ),
}


class WorkflowError(ValidationError):
    """The move is not possible from the subject's current state, or it is incomplete."""


def _may(user: Any, who: str, subject: Pledge | ProgressUpdate) -> bool:
    if who == SECRETARIAT:
        return can_review(user)
    if who == OWNER:
        return reviewable_owner(user, subject)
    return can_review(user) or reviewable_owner(user, subject)


def _refusal(who: str, action: str) -> str:
    """Why `who` alone may make this move, in words."""
    step = str(ReviewAction(action).label).lower()
    if who == SECRETARIAT:
        # Translators: %(action)s is the review step's name in lower case ("published").
        message = _("Only the secretariat takes this step (%(action)s).")
    elif who == OWNER:
        # Translators: %(action)s is the review step's name in lower case ("submitted").
        message = _("Only the owner takes this step (%(action)s).")
    else:
        # Translators: %(action)s is the review step's name in lower case ("withdrawn").
        message = _("Only the owner or the secretariat takes this step (%(action)s).")
    return message % {"action": step}


def review_transition(
    *,
    subject: Pledge | ProgressUpdate,
    action: str,
    by: Any,
    comment: str = "",
    check: Any = None,
    also: dict[str, Any] | None = None,
) -> ReviewEvent:
    """Move `subject` through the workflow on behalf of `by`.

    Raises PermissionDenied when `by` may not make this move, WorkflowError when the subject is
    not in a state the move starts from, a required comment is missing, or `check(subject)`
    (a precondition of the caller's) raises it. Nothing is written then. `also` names further
    fields the move sets (such as the pledge a duplicate is merged into).
    """
    rule = TRANSITIONS[action]
    comment = comment.strip()
    with transaction.atomic():
        # Lock the row: two reviewers acting at once must not both move it.
        locked = type(subject).objects.select_for_update().get(pk=subject.pk)
        if not _may(by, rule.who, locked):
            raise PermissionDenied(_refusal(rule.who, action))
        if locked.review_state not in rule.sources:
            raise WorkflowError(
                # Translators: e.g. "A draft pledge cannot be published.": the review state,
                # the kind of record and the review step, each in lower case.
                _("A %(state)s %(subject)s cannot be %(action)s.")
                % {
                    "state": str(locked.get_review_state_display()).lower(),
                    "subject": locked._meta.verbose_name,
                    "action": str(ReviewAction(action).label).lower(),
                }
            )
        if rule.comment_required and not comment:
            raise WorkflowError(_("Say why: the pledgers read this comment."))
        if check is not None:
            check(locked)

        now = timezone.now()
        from_state = locked.review_state
        changes: dict[str, Any] = {"review_state": rule.target, "version": F("version") + 1}
        if action == ReviewAction.SUBMIT:
            changes["submitted_at"] = now
        if action == ReviewAction.PUBLISH and locked.published_at is None:
            changes["published_at"] = now
        changes.update(also or {})
        type(subject).objects.filter(pk=locked.pk).update(**changes)
        locked.refresh_from_db()

        pledge = (locked if isinstance(locked, Pledge) else locked.pledge).history_pledge
        is_revision = isinstance(locked, Pledge) and locked.revision_of_id is not None
        event = ReviewEvent.objects.create(
            pledge=pledge,
            update=None if isinstance(locked, Pledge) else locked,
            action=action,
            from_state=from_state,
            to_state=rule.target,
            actor=by,
            # Events of a revision are kept on the published pledge; say which they concern.
            comment=f"(Revision) {comment}".strip() if is_revision else comment,
            created_at=now,
        )
        version_record(subject=locked, action=action, by=by)
        emails.review_event_queue(event)

    # The caller's object reflects the new state.
    for name in ("review_state", "version", "submitted_at", "published_at"):
        setattr(subject, name, getattr(locked, name))
    return event


def version_record(
    *, subject: Pledge | ProgressUpdate, action: str, by: Any
) -> PledgeVersion | UpdateVersion:
    """Freeze the pledge or update as it stands now as its next version.

    A revision's versions join those of the published pledge it revises, so the two compare.
    """
    if isinstance(subject, Pledge):
        model, owner, snapshot = PledgeVersion, {"pledge": subject.history_pledge}, pledge_snapshot
    else:
        model, owner, snapshot = UpdateVersion, {"update": subject}, update_snapshot
    number = (model.objects.filter(**owner).aggregate(n=Max("number"))["n"] or 0) + 1
    return model.objects.create(
        **owner,
        number=number,
        action=action,
        review_state=subject.review_state,
        snapshot=snapshot(subject),
        created_by=by,
    )


def event_record(
    *, subject: Pledge | ProgressUpdate, action: str, by: Any, comment: str = ""
) -> ReviewEvent:
    """Record a step that leaves the review state as it is (an edit, a comment, a check)."""
    pledge = subject if isinstance(subject, Pledge) else subject.pledge
    return ReviewEvent.objects.create(
        pledge=pledge.history_pledge,
        update=None if isinstance(subject, Pledge) else subject,
        action=action,
        from_state=subject.review_state,
        to_state=subject.review_state,
        actor=by,
        comment=f"(Revision) {comment}".strip() if pledge.is_revision else comment,
    )


class StaleEdit(WorkflowError):
    """The subject was saved by someone else after this editor opened it."""


def edit_begin[Edited: (Pledge, ProgressUpdate)](
    *, subject: Edited, expected_version: int, values: dict[str, Any]
) -> Edited:
    """Lock the pledge or update, refuse a stale edit, and save its own row's new `values`.

    Call within a transaction; write the linked rows, then `edit_record`. StaleEdit when the
    subject changed since `expected_version` was read, so that a second editor never silently
    overwrites the first.
    """
    locked = type(subject).objects.select_for_update().get(pk=subject.pk)
    if locked.version != expected_version:
        raise StaleEdit(
            # Translators: %(subject)s is the kind of record: "pledge", "progress update".
            _(
                "Someone else saved this %(subject)s after you opened it. Reload the page to "
                "see their changes; copy anything of yours you want to keep first."
            )
            % {"subject": locked._meta.verbose_name}
        )
    for name, value in values.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    return locked


def edit_record(*, subject: Pledge | ProgressUpdate, by: Any) -> ReviewEvent:
    """An edit saved: its event and its version. When the secretariat corrected what owners
    wrote, the owners are told."""
    correction = can_review(by)
    event = event_record(
        subject=subject,
        action=ReviewAction.EDIT,
        by=by,
        comment="Corrected by the secretariat." if correction else "",
    )
    version_record(subject=subject, action=ReviewAction.EDIT, by=by)
    if correction:
        emails.review_event_queue(event)
    return event
