"""Every write to pledges goes through these functions: one transaction, permission checked,
an event recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from indicators.models import Area, GuidingPrinciple, Indicator, Objective
from pledges.models import (
    MAX_MAIN_OBJECTIVES,
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
    is_member_of,
    is_owner,
)
from pledges.smart import smart_check
from pledges.tasks import partnership_invite_notify
from pledges.uploads import validate_evidence_file
from pledges.workflow import WorkflowError, review_transition, version_record

MAX_ADDRESS_INVITATIONS = 10
# Two drafts created at the same instant may pick the same number; the loser tries again.
REFERENCE_ATTEMPTS = 5


def pledge_next_sequence(*, cycle: ReviewCycle) -> int:
    """The next free number in a cycle (callers rely on the unique constraint, not on locks)."""
    current = Pledge.objects.filter(cycle=cycle).aggregate(m=Max("sequence"))["m"]
    return (current or 0) + 1


def pledge_create(
    *, by: Any, cycle: ReviewCycle, lead_organisation: Organisation, title: str, **fields: Any
) -> Pledge:
    """Create a draft pledge with a fresh public reference (GCM-<year>-<n>) and a create event.

    Raises PermissionDenied unless `by` may pledge for `lead_organisation`.
    """
    if not can_create_pledge_for(by, lead_organisation):
        raise PermissionDenied("You can only pledge for an organisation you belong to.")
    attempts_left = REFERENCE_ATTEMPTS
    while True:
        sequence = pledge_next_sequence(cycle=cycle)
        try:
            with transaction.atomic():
                pledge = Pledge.objects.create(
                    cycle=cycle,
                    sequence=sequence,
                    reference=Pledge.reference_for(cycle, sequence),
                    lead_organisation=lead_organisation,
                    title=title,
                    review_state=ReviewState.DRAFT,
                    created_by=by,
                    **fields,
                )
                ReviewEvent.objects.create(
                    pledge=pledge, action=ReviewAction.CREATE, to_state=ReviewState.DRAFT, actor=by
                )
                return pledge
        except IntegrityError:
            attempts_left -= 1
            number_taken = Pledge.objects.filter(cycle=cycle, sequence=sequence).exists()
            if not (number_taken and attempts_left):
                raise


def _submittable(pledge: Pledge) -> None:
    if not pledge.lead_organisation.accredited:
        raise WorkflowError(
            "Your organisation is waiting for accreditation by the secretariat: you can keep "
            "drafting, and submit once it is accredited."
        )
    report = smart_check(pledge)
    if not report.complete:
        raise WorkflowError(["Before submitting, add: " + "; ".join(report.missing) + "."])


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
    if not pledge.revision_of_id:
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


class StaleEdit(WorkflowError):
    """The pledge was saved by someone else after this editor opened it."""


@dataclass(frozen=True)
class TargetData:
    """One target as the pledge form hands it over; `id` is None for a new one."""

    id: int | None
    indicator: Indicator | None
    own_metric: str
    unit: str
    baseline_value: Decimal | None
    baseline_year: int | None
    target_value: Decimal | None
    target_year: int | None


@dataclass(frozen=True)
class PledgeContent:
    """Everything an owner edits on a pledge, apart from its review state; what is left out
    is left empty."""

    fields: dict[str, Any] = field(default_factory=dict)
    main_objectives: list[Objective] = field(default_factory=list)
    further_objectives: list[Objective] = field(default_factory=list)
    principles: list[GuidingPrinciple] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    targets: list[TargetData] = field(default_factory=list)
    partners: list[Organisation] = field(default_factory=list)
    partner_emails: list[str] = field(default_factory=list)


def pledge_update(
    *, pledge: Pledge, by: Any, content: PledgeContent, expected_version: int
) -> Pledge:
    """Save an owner's edit of a draft (or of a pledge returned for changes).

    Raises PermissionDenied unless `by` may edit the pledge now, and StaleEdit when the pledge
    changed since `expected_version` was read, so that a second editor never silently
    overwrites the first. Targets left out of `content.targets` are removed.
    """
    if not can_edit_pledge(by, pledge):
        raise PermissionDenied(
            "Only its owners can edit this pledge, and not while it is reviewed."
        )
    if len(content.main_objectives) > MAX_MAIN_OBJECTIVES:
        raise WorkflowError(f"Choose at most {MAX_MAIN_OBJECTIVES} main objectives.")
    with transaction.atomic():
        locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if locked.version != expected_version:
            raise StaleEdit(
                "Someone else saved this pledge after you opened it. Reload the page to see "
                "their changes; copy anything of yours you want to keep first."
            )
        for name, value in content.fields.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save()

        locked.objective_links.all().delete()
        PledgeObjective.objects.bulk_create(
            [
                PledgeObjective(pledge=locked, objective=objective, main_rank=rank)
                for rank, objective in enumerate(content.main_objectives, start=1)
            ]
            + [
                PledgeObjective(pledge=locked, objective=objective)
                for objective in content.further_objectives
                if objective not in content.main_objectives
            ]
        )
        locked.principles.set(content.principles)
        locked.areas.set(content.areas)
        invited = _partners_sync(locked, content.partners, content.partner_emails)

        kept = [t.id for t in content.targets if t.id is not None]
        locked.targets.exclude(pk__in=kept).delete()
        existing = {t.pk: t for t in locked.targets.all()}
        for position, data in enumerate(content.targets):
            target = existing.get(data.id) if data.id is not None else None
            if data.id is not None and target is None:
                raise WorkflowError("A target of another pledge cannot be edited here.")
            target = target or PledgeTarget(pledge=locked)
            for name in (
                "indicator",
                "own_metric",
                "unit",
                "baseline_value",
                "baseline_year",
                "target_value",
                "target_year",
            ):
                setattr(target, name, getattr(data, name))
            target.position = position
            target.save()
        version_record(pledge=locked, action=ReviewAction.EDIT, by=by)
        for link_id in invited:
            transaction.on_commit(lambda link_id=link_id: partnership_invite_notify.delay(link_id))
    pledge.refresh_from_db()
    return pledge


def _partners_sync(pledge: Pledge, wanted: list[Organisation], emails: list[str]) -> list[int]:
    """Make the pledge's partners the `wanted` organisations and the invitations sent to
    `emails` (for organisations not registered yet); the ids of the new invitations.

    A partner stays in whatever state it is (invited, accepted); one left out is removed.
    """
    if pledge.lead_organisation in wanted:
        raise WorkflowError("The lead organisation cannot also be a partner.")
    if any(not organisation.accredited for organisation in wanted):
        raise WorkflowError("Partners are chosen among accredited organisations.")
    links = pledge.partner_links
    links.filter(organisation__isnull=False).exclude(organisation__in=wanted).delete()
    emails = sorted({e.strip().lower() for e in emails if e.strip()})
    # Invitations by address reach people outside the tracker: only accredited organisations
    # send them, and only a few per pledge, so that nobody can use the site to send spam.
    if emails and not pledge.lead_organisation.accredited:
        raise WorkflowError(
            "Invitations by e-mail can be sent once your organisation is accredited; meanwhile "
            "choose partners among accredited organisations."
        )
    if len(emails) > MAX_ADDRESS_INVITATIONS:
        raise WorkflowError(f"Invite at most {MAX_ADDRESS_INVITATIONS} partners by e-mail.")
    links.filter(organisation__isnull=True).exclude(invited_email__in=emails).delete()
    present = set(links.values_list("organisation_id", flat=True))
    addressed = set(links.filter(organisation__isnull=True).values_list("invited_email", flat=True))
    created = PledgePartner.objects.bulk_create(
        [PledgePartner(pledge=pledge, organisation=o) for o in wanted if o.pk not in present]
        + [PledgePartner(pledge=pledge, invited_email=e) for e in emails if e not in addressed]
    )
    return [link.pk for link in created]


def partnership_claim(*, link: PledgePartner, by: Any, organisation: Organisation) -> PledgePartner:
    """Someone invited by e-mail accepts to partner, for an organisation they belong to."""
    if link.organisation_id is not None or by.email.lower() != link.invited_email.lower():
        raise PermissionDenied("This invitation was sent to another address.")
    if not is_member_of(by, organisation):
        raise PermissionDenied("Answer for an organisation you belong to.")
    if not organisation.accredited:
        raise WorkflowError(
            f"{organisation} waits for accreditation; accept once the secretariat accredits it."
        )
    if (
        organisation.pk == link.pledge.lead_organisation_id
        or link.pledge.partner_links.filter(organisation=organisation).exists()
    ):
        raise WorkflowError(f"{organisation} takes part in this pledge already.")
    with transaction.atomic():
        PledgePartner.objects.filter(pk=link.pk, organisation__isnull=True).update(
            organisation=organisation
        )
        link.refresh_from_db()
        return partnership_respond(link=link, by=by, accept=True)


def partnership_respond(*, link: PledgePartner, by: Any, accept: bool) -> PledgePartner:
    """A partner organisation accepts (and co-owns the pledge from then on) or declines."""
    if not is_member_of(by, link.organisation):
        raise PermissionDenied("Only members of the invited organisation can answer.")
    with transaction.atomic():
        locked = PledgePartner.objects.select_for_update().get(pk=link.pk)
        if locked.status != PartnerStatus.INVITED:
            raise WorkflowError(
                f"This invitation was {locked.get_status_display().lower()} already."
            )
        locked.status = PartnerStatus.ACCEPTED if accept else PartnerStatus.DECLINED
        locked.responded_at = timezone.now()
        locked.save(update_fields=["status", "responded_at"])
        ReviewEvent.objects.create(
            pledge=locked.pledge.history_pledge,
            action=ReviewAction.COMMENT,
            actor=by,
            comment=f"{locked.organisation} {locked.get_status_display().lower()} to partner.",
        )
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
            raise PermissionDenied("Evidence is added to updates their owners may still edit.")
    elif not can_edit_pledge(by, pledge):
        raise PermissionDenied("Only its owners can add evidence, and not while it is reviewed.")
    if bool(url) == bool(file):
        raise WorkflowError("Give either a link or a file.")
    content_type = validate_evidence_file(file) if file else ""
    return Evidence.objects.create(
        pledge=pledge,
        update=update,
        title=title,
        url=url,
        file=file or "",
        content_type=content_type,
        size=file.size if file else None,
        uploaded_by=by,
    )


def evidence_remove(*, evidence: Evidence, by: Any) -> None:
    """Remove evidence from a pledge (or update) its owners may edit, file included."""
    editable = (
        can_edit_update(by, evidence.update)
        if evidence.update_id
        else can_edit_pledge(by, evidence.pledge)
    )
    if not editable:
        raise PermissionDenied("Only its owners can remove evidence, and not while it is reviewed.")
    stored = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage if evidence.file else None
    evidence.delete()
    if stored and storage is not None:
        # Only once the row is gone for good: a rolled-back delete must keep its file.
        transaction.on_commit(lambda: storage.delete(stored))


def pledge_merge(*, duplicate: Pledge, into: Pledge, by: Any, comment: str = "") -> ReviewEvent:
    """Merge a duplicate into another pledge: the duplicate stays on record as merged, and its
    lead and partner organisations become partners of the pledge it was merged into."""
    if into.pk == duplicate.pk:
        raise WorkflowError("A pledge cannot be merged into itself.")
    if into.revision_of_id or duplicate.revision_of_id:
        raise WorkflowError("Revisions are not merged: merge the pledges they revise.")
    if into.review_state in (ReviewState.MERGED, ReviewState.REJECTED, ReviewState.WITHDRAWN):
        raise WorkflowError(f"{into.reference} is {into.get_review_state_display().lower()}.")
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
        ReviewEvent.objects.create(
            pledge=into,
            action=ReviewAction.MERGE,
            actor=by,
            comment=f"{duplicate.reference} was merged into this pledge.",
        )
    return event


# Fields a revision carries over to the published pledge when it is published.
REVISED_FIELDS = (
    "title",
    "description",
    "form_financial",
    "form_human_resources",
    "form_process",
    "form_policy",
    "joint_kind",
    "matches",
    "mirrors_gcr",
    "is_global",
    "start_date",
    "deadline",
    "amount",
    "currency",
)


def pledge_revise(*, pledge: Pledge, by: Any) -> Pledge:
    """Open a revision of a published pledge: a draft copy its owners edit and submit, while
    the pledge stays public exactly as published. An open revision is returned as it is."""
    if not is_owner(by, pledge):
        raise PermissionDenied("Only its owners can revise this pledge.")
    if pledge.review_state != ReviewState.PUBLISHED or pledge.revision_of_id:
        raise WorkflowError("Only a published pledge can be revised.")
    if pledge.is_locked:
        raise WorkflowError("This pledge is confirmed fulfilled: it is locked against edits.")
    with transaction.atomic():
        Pledge.objects.select_for_update().get(pk=pledge.pk)
        current = pledge.revisions.first()
        if current is not None and current.review_state != ReviewState.REJECTED:
            return current
        if current is not None:
            current.delete()  # its history is kept on the pledge
        revision = Pledge.objects.create(
            cycle=pledge.cycle,
            sequence=pledge.sequence,
            reference=f"{pledge.reference}-R",
            revision_of=pledge,
            lead_organisation=pledge.lead_organisation,
            created_by=by,
            **{name: getattr(pledge, name) for name in REVISED_FIELDS},
        )
        _copy_links(source=pledge, target=revision)
        for target in pledge.targets.all():
            source_id = target.pk
            target.pk = None
            target.pledge = revision
            target.revises_id = source_id
            target.save()
        ReviewEvent.objects.create(
            pledge=pledge,
            action=ReviewAction.EDIT,
            actor=by,
            comment="Revision started; the pledge stays public as published until it is reviewed.",
        )
    return revision


def _copy_links(*, source: Pledge, target: Pledge, partners: bool = True) -> None:
    """Objectives, principles, areas and (unless told not to) partners, as the source has
    them."""
    target.objective_links.all().delete()
    PledgeObjective.objects.bulk_create(
        [
            PledgeObjective(pledge=target, objective_id=link.objective_id, main_rank=link.main_rank)
            for link in source.objective_links.all()
        ]
    )
    target.principles.set(source.principles.all())
    target.areas.set(source.areas.all())
    if not partners:
        return
    target.partner_links.all().delete()
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


def _revision_apply(revision: Pledge) -> Pledge:
    """Write a published revision over its pledge, then drop the revision row.

    The version frozen by the publish step is the revision's content, which is what the pledge
    says from now on.
    """
    pledge = Pledge.objects.select_for_update().get(pk=revision.revision_of_id)
    if pledge.review_state != ReviewState.PUBLISHED or pledge.is_locked:
        raise WorkflowError(
            f"{pledge.reference} is {pledge.get_review_state_display().lower()}: its revision "
            "cannot be published over it."
        )
    for name in REVISED_FIELDS:
        setattr(pledge, name, getattr(revision, name))
    pledge.version += 1
    pledge.save()
    _copy_links(source=revision, target=pledge, partners=False)
    _partners_apply(revision=revision, pledge=pledge)
    kept = {t.revises_id for t in revision.targets.all() if t.revises_id}
    dropped = pledge.targets.exclude(pk__in=kept)
    if dropped.filter(measurements__isnull=False).exists():
        raise WorkflowError(
            "The revision removes a target that progress updates have reported on: keep it."
        )
    dropped.delete()
    fields = ["indicator", "own_metric", "unit", "baseline_value", "baseline_year"]
    fields += ["target_value", "target_year", "position"]
    for target in revision.targets.all():
        kept_target = pledge.targets.filter(pk=target.revises_id).first() or PledgeTarget(
            pledge=pledge
        )
        for name in fields:
            setattr(kept_target, name, getattr(target, name))
        kept_target.save()
    revision.evidence.update(pledge=pledge)
    revision.delete()
    return pledge
