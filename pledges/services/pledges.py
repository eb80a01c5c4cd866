"""Every write to pledges goes through these functions: one transaction, permission checked,
an event and a version recorded."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pledges import emails
from pledges.content import PledgeContent, TargetContent, content_problems
from pledges.models import (
    Evidence,
    Organisation,
    PartnerStatus,
    Pledge,
    PledgeObjective,
    PledgePartner,
    PledgeTarget,
    ProgressUpdate,
    ReviewAction,
    ReviewCycle,
    ReviewEvent,
    ReviewState,
)
from pledges.permissions import (
    can_create_pledge_for,
    can_edit_pledge,
    can_edit_update,
    can_review,
    can_revise,
    is_member_of,
    is_secretariat,
    owners_changed,
)
from pledges.smart import smart_check
from pledges.uploads import validate_evidence_file
from pledges.workflow import (
    WorkflowError,
    edit_begin,
    edit_record,
    event_record,
    review_transition,
    version_record,
)

# Two drafts created at the same instant may pick the same number; the loser tries again.
REFERENCE_ATTEMPTS = 5


def pledge_next_sequence(*, cycle: ReviewCycle) -> int:
    """The next free number in a cycle (callers rely on the unique constraint, not on locks)."""
    current = Pledge.objects.filter(cycle=cycle).aggregate(m=Max("sequence"))["m"]
    return (current or 0) + 1


def pledge_create(
    *, by: Any, cycle: ReviewCycle, lead_organisation: Organisation, content: PledgeContent
) -> Pledge:
    """Create a draft pledge with a fresh public reference (GCM-<year>-<n>), its content, a
    create event and its first version.

    Raises PermissionDenied unless `by` may pledge for `lead_organisation`, WorkflowError when
    the content breaks a rule that spans several rows (see `_content_check`).
    """
    if not can_create_pledge_for(by, lead_organisation):
        raise PermissionDenied(_("You can only pledge for an organisation you belong to."))
    # The secretariat may record a pledge made for any cycle; others pledge while it is open.
    open_cycles = ReviewCycle.objects.open_for_pledging(timezone.localdate())
    if not can_review(by) and not open_cycles.filter(pk=cycle.pk).exists():
        raise WorkflowError(_("Pledging for %(cycle)s is closed.") % {"cycle": cycle.code})
    with transaction.atomic():
        pledge = _pledge_insert(
            cycle=cycle,
            lead_organisation=lead_organisation,
            review_state=ReviewState.DRAFT,
            created_by=by,
            **content.own_values(),
        )
        _content_write(pledge, content)
        ReviewEvent.objects.create(
            pledge=pledge,
            action=ReviewAction.CREATE,
            to_state=ReviewState.DRAFT,
            actor=by,
            created_at=pledge.created_at,
        )
        version_record(subject=pledge, action=ReviewAction.CREATE, by=by)
    return pledge


def _pledge_insert(*, cycle: ReviewCycle, **fields: Any) -> Pledge:
    attempts_left = REFERENCE_ATTEMPTS
    while True:
        sequence = pledge_next_sequence(cycle=cycle)
        try:
            with transaction.atomic():
                return Pledge.objects.create(
                    cycle=cycle,
                    sequence=sequence,
                    reference=Pledge.reference_for(cycle, sequence),
                    **fields,
                )
        except IntegrityError:
            attempts_left -= 1
            number_taken = Pledge.objects.filter(cycle=cycle, sequence=sequence).exists()
            if not (number_taken and attempts_left):
                raise


def pledge_update(
    *, pledge: Pledge, by: Any, content: PledgeContent, expected_version: int
) -> Pledge:
    """Save an edit of a pledge: an owner's of a draft (or of a pledge returned for changes),
    or the secretariat's correction. Each save is a version and an event naming `by`.

    Raises PermissionDenied unless `by` may edit the pledge now, and StaleEdit when the pledge
    changed since `expected_version` was read, so that a second editor never silently
    overwrites the first. Targets left out of `content.targets` are removed.
    """
    if not can_edit_pledge(by, pledge):
        raise PermissionDenied(
            _("Only its owners can edit this pledge, and not while it is reviewed.")
        )
    with transaction.atomic():
        locked = edit_begin(
            subject=pledge, expected_version=expected_version, values=content.own_values()
        )
        _content_write(locked, content)
        edit_record(subject=locked, by=by)
    pledge.refresh_from_db()
    return pledge


def _content_check(pledge: Pledge, content: PledgeContent) -> None:
    problems = content_problems(pledge, content)
    if problems:
        raise WorkflowError(list(problems.values()))


def _content_write(pledge: Pledge, content: PledgeContent, *, partners: bool = True) -> None:
    """Write the linked parts of the content (objectives, principles, areas, partners unless
    told not to, targets); the pledge's own row is the caller's. New partners are invited."""
    _content_check(pledge, content)
    pledge.objective_links.all().delete()
    PledgeObjective.objects.bulk_create(
        [
            PledgeObjective(pledge=pledge, objective=objective, main_rank=rank)
            for rank, objective in enumerate(content.main_objectives, start=1)
        ]
        + [
            PledgeObjective(pledge=pledge, objective=objective)
            for objective in content.further_objectives
        ]
    )
    pledge.principles.set(content.principles)
    pledge.areas.set(content.areas)
    if partners:
        for link in _partners_sync(pledge, list(content.partners), list(content.partner_emails)):
            emails.partnership_invite_queue(link)
    _targets_write(pledge, content.targets)


def _targets_write(pledge: Pledge, targets: tuple[TargetContent, ...]) -> None:
    """Make the pledge's targets these, in this order: those with an id are kept (with the
    values reported on them), the others added, the ones left out removed."""
    kept = {t.id for t in targets if t.id is not None}
    dropped = pledge.targets.exclude(pk__in=kept)
    if dropped.filter(measurements__isnull=False).exists():
        raise WorkflowError(
            _("A target that progress updates have reported on cannot be removed: keep it.")
        )
    dropped.delete()
    existing = {t.pk: t for t in pledge.targets.all()}
    for position, data in enumerate(targets):
        if data.id is not None and data.id not in existing:
            raise WorkflowError(_("A target of another pledge cannot be edited here."))
        target = existing.get(data.id) or PledgeTarget(pledge=pledge)
        data.write_to(target)
        target.position = position
        target.save()


def _partners_sync(
    pledge: Pledge, wanted: list[Organisation], emails: list[str]
) -> list[PledgePartner]:
    """Make the pledge's partners the `wanted` organisations and the invitations sent to
    `emails` (for organisations not registered yet); the new invitations.

    A partner stays in whatever state it is (invited, accepted); one left out is removed.
    """
    links = pledge.partner_links
    removed, _kept = (
        links.filter(organisation__isnull=False).exclude(organisation__in=wanted).delete()
    )
    emails = sorted({e.strip().lower() for e in emails if e.strip()})
    links.filter(organisation__isnull=True).exclude(invited_email__in=emails).delete()
    present = set(links.values_list("organisation_id", flat=True))
    addressed = set(links.filter(organisation__isnull=True).values_list("invited_email", flat=True))
    if removed:
        owners_changed(pledge)
    return PledgePartner.objects.bulk_create(
        [PledgePartner(pledge=pledge, organisation=o) for o in wanted if o.pk not in present]
        + [PledgePartner(pledge=pledge, invited_email=e) for e in emails if e not in addressed]
    )


def _submittable(pledge: Pledge) -> None:
    if not pledge.lead_organisation.accredited:
        raise WorkflowError(
            _(
                "Your organisation is waiting for accreditation by the secretariat: you can "
                "keep drafting, and submit once it is accredited."
            )
        )
    report = smart_check(pledge)
    if not report.complete:
        raise WorkflowError(
            [
                # Translators: %(missing)s lists what the pledge lacks, separated by "; ".
                _("Before submitting, add: %(missing)s.") % {"missing": "; ".join(report.missing)}
            ]
        )


def pledge_submit(*, pledge: Pledge, by: Any) -> ReviewEvent:
    """Send a complete draft (or a returned pledge) to the secretariat for review."""
    return review_transition(subject=pledge, action=ReviewAction.SUBMIT, by=by, check=_submittable)


def pledge_request_changes(*, pledge: Pledge, by: Any, comment: str) -> ReviewEvent:
    """Return a submitted pledge to its owners with the secretariat's comment."""
    return review_transition(
        subject=pledge, action=ReviewAction.REQUEST_CHANGES, by=by, comment=comment
    )


def pledge_publish(*, pledge: Pledge, by: Any, comment: str = "") -> ReviewEvent:
    """Make a submitted pledge public; a submitted revision replaces what its pledge says."""
    if not pledge.is_revision:
        return review_transition(
            subject=pledge, action=ReviewAction.PUBLISH, by=by, comment=comment
        )
    with transaction.atomic():
        event = review_transition(
            subject=pledge,
            action=ReviewAction.PUBLISH,
            by=by,
            comment=comment or "Revision published.",
        )
        _revision_apply(pledge)
    return event


def pledge_reject(*, pledge: Pledge, by: Any, comment: str) -> ReviewEvent:
    """Refuse a submitted pledge, saying why."""
    return review_transition(subject=pledge, action=ReviewAction.REJECT, by=by, comment=comment)


def pledge_withdraw(*, pledge: Pledge, by: Any, comment: str = "") -> ReviewEvent:
    """Withdraw a published pledge; it stays on record as withdrawn, any open revision closes."""
    with transaction.atomic():
        event = review_transition(
            subject=pledge, action=ReviewAction.WITHDRAW, by=by, comment=comment
        )
        _revisions_close(pledge)
    return event


def _revisions_close(pledge: Pledge) -> None:
    # Their history is kept on the pledge; the copies themselves have nothing left to say.
    pledge.revisions.all().delete()


def partnership_claim(*, link: PledgePartner, by: Any, organisation: Organisation) -> PledgePartner:
    """Someone invited by e-mail accepts to partner, for an organisation they belong to."""
    if link.organisation_id is not None or by.email.lower() != link.invited_email.lower():
        raise PermissionDenied(_("This invitation was sent to another address."))
    if not is_member_of(by, organisation):
        raise PermissionDenied(_("Answer for an organisation you belong to."))
    if not organisation.accredited:
        raise WorkflowError(
            _("%(organisation)s waits for accreditation; accept once the secretariat accredits it.")
            % {"organisation": organisation}
        )
    if (
        organisation.pk == link.pledge.lead_organisation_id
        or link.pledge.partner_links.filter(organisation=organisation).exists()
    ):
        raise WorkflowError(
            _("%(organisation)s takes part in this pledge already.")
            % {"organisation": organisation}
        )
    with transaction.atomic():
        PledgePartner.objects.filter(pk=link.pk, organisation__isnull=True).update(
            organisation=organisation
        )
        link.refresh_from_db()
        return partnership_respond(link=link, by=by, accept=True)


def partnership_respond(*, link: PledgePartner, by: Any, accept: bool) -> PledgePartner:
    """A partner organisation accepts (and co-owns the pledge from then on) or declines."""
    if not is_member_of(by, link.organisation):
        raise PermissionDenied(_("Only members of the invited organisation can answer."))
    with transaction.atomic():
        locked = PledgePartner.objects.select_for_update().get(pk=link.pk)
        if locked.status != PartnerStatus.INVITED:
            raise WorkflowError(
                # Translators: %(status)s is the partner's answer in lower case: "accepted",
                # "declined".
                _("This invitation was %(status)s already.")
                % {"status": str(locked.get_status_display()).lower()}
            )
        locked.status = PartnerStatus.ACCEPTED if accept else PartnerStatus.DECLINED
        locked.responded_at = timezone.now()
        locked.save(update_fields=["status", "responded_at"])
        event_record(
            subject=locked.pledge,
            action=ReviewAction.COMMENT,
            by=by,
            comment=f"{locked.organisation} {locked.get_status_display().lower()} to partner.",
        )
    owners_changed(link.pledge)
    return locked


def evidence_add(
    *,
    pledge: Pledge,
    by: Any,
    title: str,
    url: str = "",
    file: UploadedFile | None = None,
    update: ProgressUpdate | None = None,
) -> Evidence:
    """Attach a link or a file to a pledge (or to one of its progress updates) its owners may
    edit; the file is checked first."""
    if update is not None:
        if update.pledge_id != pledge.pk or not can_edit_update(by, update):
            raise PermissionDenied(_("Evidence is added to updates their owners may still edit."))
    elif not can_edit_pledge(by, pledge):
        raise PermissionDenied(_("Only its owners can add evidence, and not while it is reviewed."))
    if bool(url) == bool(file):
        raise WorkflowError(_("Give either a link or a file."))
    content_type = validate_evidence_file(file) if file else ""
    with transaction.atomic():
        evidence = Evidence.objects.create(
            pledge=pledge,
            update=update,
            title=title,
            url=url,
            file=file or "",
            content_type=content_type,
            size=file.size if file else None,
            uploaded_by=by,
        )
        event_record(
            subject=update or pledge,
            action=ReviewAction.EDIT,
            by=by,
            comment=f"Evidence added: {title}.",
        )
    return evidence


def evidence_remove(*, evidence: Evidence, by: Any) -> None:
    """Remove evidence, file included: its owners while they may edit, or the secretariat
    (which may have to take down a file that should not be there)."""
    subject = evidence.update or evidence.pledge
    editable = (
        can_edit_update(by, evidence.update)
        if evidence.update_id
        else can_edit_pledge(by, evidence.pledge)
    )
    if not (editable or is_secretariat(by)):
        raise PermissionDenied(
            _("Only its owners can remove evidence, and not while it is reviewed.")
        )
    stored = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage if evidence.file else None
    with transaction.atomic():
        event_record(
            subject=subject,
            action=ReviewAction.EDIT,
            by=by,
            comment=f"Evidence removed: {evidence.title}.",
        )
        evidence.delete()
        if stored and storage is not None:
            # Only once the row is gone for good: a rolled-back delete must keep its file.
            transaction.on_commit(lambda: storage.delete(stored))


def pledge_merge(*, duplicate: Pledge, into: Pledge, by: Any, comment: str = "") -> ReviewEvent:
    """Merge a duplicate into another pledge: the duplicate stays on record as merged, and its
    lead and partner organisations become partners of the pledge it was merged into."""
    if into.pk == duplicate.pk:
        raise WorkflowError(_("A pledge cannot be merged into itself."))
    if into.is_revision or duplicate.is_revision:
        raise WorkflowError(_("Revisions are not merged: merge the pledges they revise."))
    if into.is_closed:
        raise WorkflowError(
            # Translators: %(state)s is the pledge's review state in lower case ("withdrawn").
            _("%(reference)s is %(state)s.")
            % {
                "reference": into.reference,
                "state": str(into.get_review_state_display()).lower(),
            }
        )
    with transaction.atomic():
        event = review_transition(
            subject=duplicate,
            action=ReviewAction.MERGE,
            by=by,
            comment=comment or f"Merged into {into.reference}.",
            also={"merged_into": into},
        )
        _revisions_close(duplicate)
        owners = {duplicate.lead_organisation_id} | set(
            duplicate.partner_links.filter(status=PartnerStatus.ACCEPTED).values_list(
                "organisation_id", flat=True
            )
        )
        owners.discard(into.lead_organisation_id)
        for organisation_id in owners:
            PledgePartner.objects.update_or_create(
                pledge=into,
                organisation_id=organisation_id,
                defaults={"status": PartnerStatus.ACCEPTED, "responded_at": timezone.now()},
            )
        owners_changed(into)
        event_record(
            subject=into,
            action=ReviewAction.MERGE,
            by=by,
            comment=f"{duplicate.reference} was merged into this pledge.",
        )
        version_record(subject=into, action=ReviewAction.MERGE, by=by)
    return event


def pledge_revise(*, pledge: Pledge, by: Any) -> Pledge:
    """Open a revision of a published pledge: a draft copy its owners edit and submit, while
    the pledge stays public exactly as published. An open revision is returned as it is."""
    if not can_revise(by, pledge):
        if pledge.is_locked:
            raise WorkflowError(
                _("This pledge is confirmed fulfilled: it is locked against edits.")
            )
        if not pledge.is_published or pledge.is_revision:
            raise WorkflowError(_("Only a published pledge can be revised."))
        raise PermissionDenied(_("Only its owners can revise this pledge."))
    with transaction.atomic():
        Pledge.objects.select_for_update().get(pk=pledge.pk)
        current = pledge.revisions.first()
        if current is not None and not current.is_rejected:
            return current
        if current is not None:
            current.delete()  # its history is kept on the pledge
        content = PledgeContent.of(pledge)
        revision = Pledge.objects.create(
            cycle=pledge.cycle,
            sequence=pledge.sequence,
            reference=f"{pledge.reference}-R",
            revision_of=pledge,
            lead_organisation=pledge.lead_organisation,
            created_by=by,
            **content.own_values(),
        )
        _content_write(revision, replace(content, targets=()), partners=False)
        # Partners keep their answers on the copy: it is the same partnership.
        _partner_links_copy(source=pledge, target=revision)
        for target in pledge.targets.all():
            copy = PledgeTarget(pledge=revision, position=target.position, revises=target)
            TargetContent.of(target).write_to(copy)
            copy.save()
        event_record(
            subject=pledge,
            action=ReviewAction.EDIT,
            by=by,
            comment="Revision started; the pledge stays public as published until it is reviewed.",
        )
    return revision


def _partner_links_copy(*, source: Pledge, target: Pledge) -> None:
    PledgePartner.objects.bulk_create(
        [
            PledgePartner(
                pledge=target,
                organisation_id=link.organisation_id,
                status=link.status,
                invited_email=link.invited_email,
                responded_at=link.responded_at,
            )
            for link in source.partner_links.all()
        ]
    )


def _partners_apply(*, revision: Pledge, pledge: Pledge) -> None:
    """The revision's partners, each keeping the latest answer it gave on the pledge."""

    def key(link: PledgePartner) -> tuple[int | None, str]:
        return (link.organisation_id, link.invited_email)

    current = {key(link): link for link in pledge.partner_links.all()}
    wanted = {key(link): link for link in revision.partner_links.all()}
    dropped = [link.pk for k, link in current.items() if k not in wanted]
    pledge.partner_links.filter(pk__in=dropped).delete()
    PledgePartner.objects.bulk_create(
        [
            PledgePartner(
                pledge=pledge,
                organisation_id=link.organisation_id,
                invited_email=link.invited_email,
                status=link.status,
                responded_at=link.responded_at,
            )
            for key, link in wanted.items()
            if key not in current
        ]
    )
    owners_changed(pledge)


def _revision_apply(revision: Pledge) -> Pledge:
    """Write a published revision over its pledge, then drop the revision row.

    The version frozen by the publish step is the revision's content, which is what the pledge
    says from now on. Its targets keep the ids of the targets they revise, so the values
    reported on those stay with them.
    """
    pledge = Pledge.objects.select_for_update().get(pk=revision.revision_of_id)
    if not pledge.is_published or pledge.is_locked:
        raise WorkflowError(
            # Translators: %(state)s is the pledge's review state in lower case ("withdrawn").
            _("%(reference)s is %(state)s: its revision cannot be published over it.")
            % {
                "reference": pledge.reference,
                "state": str(pledge.get_review_state_display()).lower(),
            }
        )
    content = PledgeContent.of(revision)
    revises = {t.pk: t.revises_id for t in revision.targets.all()}
    content = replace(content, targets=tuple(replace(t, id=revises[t.id]) for t in content.targets))
    for name, value in content.own_values().items():
        setattr(pledge, name, value)
    pledge.version += 1
    pledge.save()
    _content_write(pledge, content, partners=False)
    _partners_apply(revision=revision, pledge=pledge)
    revision.evidence.update(pledge=pledge)
    revision.delete()
    return pledge
